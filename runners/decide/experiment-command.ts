/**
 * `defsim decide EXPERIMENT --out DIR [--workers N] [--resume] [--shard i/N]` (*I/O*): the
 * command around `decideExperiment` — progress, SIGINT (the resume command is printed), disk
 * errors, the answer in a few lines, the report, and exit 1 when runs failed.
 */
import { isAbsolute, join, relative } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { writingTo } from '../io/output-error.js';
import { runsProgress } from '../io/progress.js';
import { defaultWorkers } from '../sweep/pool.js';
import { parseShard, shardLabel } from '../sweep/shard.js';
import { checkWorkers } from '../sweep/sweep.js';
import { answerLines } from './answer.js';
import { readStructuredFile } from '../io/structured-file.js';
import { decideExperiment, RUNS_DIR, type DecideExperimentOutcome } from './run.js';

export interface DecideExperimentArgs {
  experiment: string;
  out?: string;
  workers?: string;
  resume: boolean;
  shard?: string;
  model?: string;
  report: boolean;
  quiet: boolean;
}

/** The options of `--x --y` that an experiment sets in its file instead. */
export const FILE_SETTINGS: Readonly<Record<string, string>> = {
  x: 'worlds', y: 'criteria', 'lower-is-better': 'criteria[].direction', threshold: 'criteria[].threshold', group: 'evppi.groups', unit: 'criteria[].unit',
  'tie-tolerance': 'tieTolerance', 'peel-alpha': 'prim.peelAlpha', 'paste-alpha': 'prim.pasteAlpha', 'mass-min': 'prim.massMin', 'density-threshold': 'prim.threshold',
  box: 'prim.choice', resamples: 'prim.resamples', 'resample-share': 'prim.resampleShare', significance: 'prim.significance', seed: 'prim.seed', draws: 'evppi.draws', 'gp-samples': 'evppi.gpSamples',
};

export async function runDecideExperimentCommand(args: DecideExperimentArgs & Record<string, unknown>): Promise<void> {
  for (const [flag, key] of Object.entries(FILE_SETTINGS)) {
    if (args[flag] !== undefined) throw new InputError(`invalid option '--${flag}' with an experiment (allowed: set '${key}' in ${args.experiment}; --${flag} is for outcomes computed elsewhere, --x and --y)`);
  }
  const raw = readStructuredFile(args.experiment);
  const name = raw !== null && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string' ? (raw as { name: string }).name : null;
  const shard = args.shard === undefined ? undefined : parseShard(args.shard);
  const workers = args.workers === undefined ? defaultWorkers() : checkWorkers(args.workers);
  const out = args.out ?? join('out', 'decide', name ?? 'decide');
  const resume = `defsim decide ${args.experiment} --out ${out}${shard ? ` --shard ${shardLabel(shard)}` : ''} --resume`;
  const progress = runsProgress(`decide ${name ?? args.experiment}${shard ? ` shard ${shardLabel(shard)}` : ''}`, args.quiet);
  const onInterrupt = (signal: NodeJS.Signals) => {
    progress.stop();
    process.stderr.write(`\ndefsim: interrupted; finished runs are kept in ${join(out, RUNS_DIR)}/journal.ndjson; finish with: ${resume}\n`);
    process.exit(signal === 'SIGTERM' ? 143 : 130);
  };
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  let outcome: DecideExperimentOutcome;
  try {
    outcome = await writingTo(out, resume, () => decideExperiment(args.experiment, {
      out, workers, resume: args.resume, ...(shard ? { shard } : {}), ...(args.model ? { model: args.model } : {}),
      onProgress: (p) => progress.update(p.done, p.total, p.failed),
    }));
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onInterrupt);
    process.removeListener('SIGTERM', onInterrupt);
  }
  const { experiment } = outcome.opened;
  if (shard) {
    if (!args.quiet) {
      console.log(`${experiment.name}: shard ${shardLabel(shard)}: ${outcome.runs} runs (${outcome.ranNow} run now), ${outcome.failed} failed, in ${join(out, RUNS_DIR)}`);
      console.log(`when every shard is done: defsim merge <each shard's --out>/${RUNS_DIR} --out ALL/${RUNS_DIR}, then defsim decide ${args.experiment} --out ALL --resume`);
    }
  } else {
    if (!args.quiet) {
      printAnswer(outcome, out);
    }
    if (args.report) {
      const { renderReport } = await import('../../reports/index.js');
      const report = await writingTo(out, `defsim report ${out}`, () => renderReport(out, {}));
      if (!args.quiet) console.log(`report: ${shownPath(report.html)} (${report.charts.length} charts)`);
    }
  }
  if (outcome.failed > 0) {
    process.stderr.write(`defsim: ${outcome.failed} of ${outcome.runs} runs failed (status and error in ${join(out, RUNS_DIR, 'runs.csv')})${outcome.worldsLeftOut.length ? `; ${outcome.worldsLeftOut.length} worlds left out of the decision` : ''}\n`);
    process.exitCode = 1;
  }
}

/** What `defsim decide EXPERIMENT` prints: the run counts, the answer, where the files are. */
export function printAnswer(outcome: DecideExperimentOutcome, out: string): void {
  const { experiment, worlds } = outcome.opened;
  const manifest = outcome.manifest!;
  const units = manifest.units as { criteria: Record<string, string>; parameters: Record<string, string> };
  const kept = worlds.ids.length - outcome.worldsLeftOut.length;
  console.log(`${experiment.name}: ${outcome.runs} runs (${worlds.ids.length} worlds × ${experiment.policies.length + 1} scenarios × ${experiment.replicates} replicates; ${outcome.ranNow} run now), ${outcome.failed} failed; ` +
    `each policy's effect over ${experiment.baseline}, by month ${experiment.ticks}, across ${kept} worlds:`);
  for (const line of answerLines(outcome.decisions!, { criterionUnits: units.criteria, parameterUnits: units.parameters, baseline: experiment.baseline, worlds: kept })) console.log(`  ${line}`);
  const levers = leversLine(manifest);
  if (levers) console.log(levers);
  console.log(`wrote decision.csv, evppi.csv, scenarios.csv, scenarios.json, worlds-outcomes.csv, world-criteria.csv, worlds.csv, ${RUNS_DIR}/ and manifest.json in ${out}`);
}

/** A path relative to the working directory when it lies below it, else as it is. */
export function shownPath(path: string): string {
  const near = relative(process.cwd(), path);
  return near === '' ? '.' : near.startsWith('..') || isAbsolute(near) ? path : near;
}

/** One line naming the parameters of the worlds that a compared scenario also sets (the scenario's value runs there), or null. */
export function leversLine(manifest: Record<string, unknown>): string | null {
  const levers = (manifest.worldLevers as { parameters?: Record<string, string[]> } | undefined)?.parameters;
  if (!levers || Object.keys(levers).length === 0) return null;
  const scenarios = [...new Set(Object.values(levers).flat())];
  return `note: the worlds vary ${Object.keys(levers).join(', ')}, which ${scenarios.join(', ')} also set${scenarios.length === 1 ? 's' : ''}: there the scenario's value runs, in the other scenarios the world's (manifest.json, worldLevers)`;
}
