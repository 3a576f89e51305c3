/**
 * The main job across plausible worlds (*I/O*; `npm start`, `defsim main`): the shipped decide
 * experiment (experiments/decide-myanmar-2021.yaml) on all cores into a staging directory, its
 * report, then swapped into <out>/<name>/ only when complete. It prints the answer first — per
 * criterion the policy most likely best with its probability, its effect's range across the
 * worlds, the unknown the choice depends on most and where the answer flips — then where the
 * report and the data are. `defsim main --at-defaults` is the comparison at one point
 * (runners/effects/main-job.ts).
 */
import { existsSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { withDirectoryLock } from '../io/lock.js';
import { writingTo } from '../io/output-error.js';
import { PACKAGE_ROOT } from '../io/outputs.js';
import { runsProgress } from '../io/progress.js';
import { readStructuredFile } from '../io/structured-file.js';
import { isEarlierResult, swapIntoPlace } from '../io/swap.js';
import { defaultWorkers } from '../sweep/pool.js';
import { checkWorkers } from '../sweep/sweep.js';
import { answerLines } from './answer.js';
import { openDecideExperiment } from './experiment.js';
import { leversLine, shownPath } from './experiment-command.js';
import { decideExperiment, RUNS_DIR, type DecideExperimentOutcome } from './run.js';

export const DECIDE_EXPERIMENT = join(PACKAGE_ROOT, 'experiments', 'decide-myanmar-2021.yaml');

/** The shipped experiment with its worlds file found from the package root (npm start may run anywhere). */
function shippedExperiment(): Record<string, unknown> {
  const raw = readStructuredFile(DECIDE_EXPERIMENT) as Record<string, unknown>;
  const worlds = { ...(raw.worlds as Record<string, unknown>) };
  for (const key of ['file', 'csv']) {
    if (typeof worlds[key] === 'string' && !isAbsolute(worlds[key] as string)) worlds[key] = relative(process.cwd(), join(PACKAGE_ROOT, worlds[key] as string)) || '.';
  }
  return { ...raw, worlds };
}

export async function mainAcrossWorlds(args: { out: string; workers?: string; experiment?: string; quiet: boolean }): Promise<void> {
  const opened = await openDecideExperiment(args.experiment ?? shippedExperiment());
  // One `npm start` at a time into --out (runners/io/lock.ts): the result is built beside it and swapped in.
  await withDirectoryLock(args.out, () => acrossWorlds(args, opened));
}

async function acrossWorlds(args: { out: string; workers?: string; experiment?: string; quiet: boolean }, opened: Awaited<ReturnType<typeof openDecideExperiment>>): Promise<void> {
  const { experiment, worlds } = opened;
  const final = join(args.out, experiment.name);
  if (existsSync(final) && !isEarlierResult(final, 'decision', experiment.name)) {
    throw new InputError(`invalid value for '--out': ${JSON.stringify(final)} holds something other than an earlier 'npm start' result (allowed: a new directory, or one written by 'npm start'; nothing was changed)`);
  }
  const staging = join(args.out, `.${experiment.name}.partial-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const workers = args.workers === undefined ? defaultWorkers() : checkWorkers(args.workers);
  const progress = runsProgress(experiment.name, args.quiet);
  // On a full disk: one message (runners/io/output-error.ts); the staging directory is removed and an earlier result is untouched.
  const again = args.out === 'out' && args.experiment === undefined ? 'npm start' : `defsim main --out ${args.out}${args.experiment ? ` --experiment ${args.experiment}` : ''}`;
  let outcome: DecideExperimentOutcome;
  try {
    outcome = await writingTo(args.out, again, async () => {
      const done = await decideExperiment(opened, { out: staging, workers, onProgress: (p) => progress.update(p.done, p.total, p.failed) });
      progress.stop();
      const { renderReport } = await import('../../reports/index.js');
      await renderReport(staging, {});
      swapIntoPlace(staging, final);
      return done;
    });
  } catch (error) {
    progress.stop();
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  if (!args.quiet) {
    const manifest = outcome.manifest!;
    const units = manifest.units as { criteria: Record<string, string>; parameters: Record<string, string> };
    const kept = worlds.ids.length - outcome.worldsLeftOut.length;
    const scale = experiment.set['population.scale'];
    const source = worlds.source;
    const from = source.kind === 'design' ? `a ${String(source.type)} design over ranges` : `${String(source.path)}${source.sample !== undefined ? ` (${String(source.sample)} drawn by their weights from ${String(source.rows)})` : ''}`;
    console.log(`${experiment.name}: ${outcome.runs} runs (${worlds.ids.length} worlds × ${experiment.policies.length + 1} scenarios × ${experiment.replicates} paired replicates, ${workers} workers` +
      `${scale === undefined ? '' : `, population.scale ${scale}`}), ${outcome.failed} failed; worlds from ${from}.`);
    console.log(`The answer: what each policy adds over ${experiment.baseline} by month ${experiment.ticks}, across ${kept} worlds (ranges: the central 95% of worlds, parameters and seeds):`);
    for (const line of answerLines(outcome.decisions!, { criterionUnits: units.criteria, parameterUnits: units.parameters, baseline: experiment.baseline, worlds: kept })) console.log(`  ${line}`);
    const levers = leversLine(manifest);
    if (levers) console.log(levers);
    const where = shownPath(final);
    console.log('');
    console.log(`report: ${join(where, 'report', 'report.html')} (the answer in words first, then charts; report.md beside it)`);
    console.log(`data:   ${where}/decision.csv, evppi.csv, scenarios.csv, worlds-outcomes.csv, world-criteria.csv, worlds.csv, ${RUNS_DIR}/runs.csv, manifest.json`);
    console.log(`at one point (the calibrated defaults, seed noise only): ${args.out === 'out' ? 'npm start -- --at-defaults' : `defsim main --at-defaults --out ${args.out}`}`);
  }
  if (outcome.failed > 0) {
    process.stderr.write(`defsim: ${outcome.failed} of ${outcome.runs} runs failed (status and error in ${join(final, RUNS_DIR, 'runs.csv')})${outcome.worldsLeftOut.length ? `; ${outcome.worldsLeftOut.length} worlds left out of the decision` : ''}\n`);
    process.exitCode = 1;
  }
}
