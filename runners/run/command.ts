/**
 * The `run`, `scenarios` and `params` commands (yargs command modules).
 */
import { join, relative } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { inputError } from '../../engine/errors.js';
import { allowedText, checkValue, flattenSchema, int } from '../../engine/schema.js';
import { PARAMETER_SCHEMA } from '../../agents/defection/params.js';
import { SCENARIOS } from '../../agents/defection/scenarios.js';
import { checkSeed, parseSetArguments, readRunConfig, resolveParameters, type Overrides } from '../model/parameters.js';
import { runToDirectory } from './directory.js';
import { tickProgress } from '../io/progress.js';
import { writingTo } from '../io/output-error.js';
import { baselineTable, runWithBaseline } from '../effects/run-baseline.js';
import { checkWorkers } from '../sweep/sweep.js';

interface RunArgs {
  scenario?: string;
  baseline?: string;
  replicates?: string;
  workers?: string;
  config?: string;
  set?: string[];
  seed?: number | string;
  ticks?: number;
  out?: string;
  force: boolean;
  quiet: boolean;
  report: boolean;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Run one simulation and write series.csv, summary.json and manifest.json',
  builder: (y: Argv) =>
    y
      .option('scenario', { type: 'string', describe: "Base scenario (default myanmar-2021; see 'defsim scenarios')" })
      .option('config', { type: 'string', describe: 'YAML or JSON file: parameters (nested or dotted), optional scenario and seed' })
      .option('set', { type: 'string', array: true, describe: 'Override a parameter: --set sponsors.budgetUsd=25e6 (repeatable)' })
      .option('seed', { type: 'string', describe: 'Random seed (non-negative integer; default 1)' })
      .option('ticks', { type: 'string', describe: 'Horizon in months (same as --set time.ticks=N)' })
      .option('baseline', { type: 'string', describe: 'Effects over this scenario: run both with the same seeds, print the effects, write effects.json (docs/FORMATS.md)' })
      .option('replicates', { type: 'string', describe: 'With --baseline: runs of each scenario (default 10); replicate r has seed hashInts(seed, 0, r)' })
      .option('workers', { type: 'string', describe: 'With --baseline: worker threads (default: the number of cores)' })
      .option('out', { type: 'string', describe: 'Output directory (default out/<scenario>-seed<seed>)' })
      .option('force', { type: 'boolean', default: false, describe: 'Write into a non-empty directory' })
      .option('report', { type: 'boolean', default: false, describe: 'Render the chart report into <out>/report/ afterwards' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress output' }) as unknown as Argv<RunArgs>,
  handler: async (args) => {
    const config = args.config ? readRunConfig(args.config) : { overrides: new Map() as Overrides };
    const scenario = args.scenario ?? config.scenario ?? 'myanmar-2021';
    const seed = args.seed !== undefined ? checkSeed(args.seed, '--seed') : config.seed ?? 1;
    const cli: Overrides = parseSetArguments(args.set ?? []);
    if (args.ticks !== undefined) cli.set('time.ticks', args.ticks);
    if (args.baseline !== undefined) return runBaselineCommand(args, scenario, seed, [config.overrides, cli]);
    for (const option of ['replicates', 'workers'] as const) {
      if (args[option] !== undefined) throw inputError(`--${option}`, args[option], 'only together with --baseline (a single run has one replicate)');
    }
    const params = resolveParameters(scenario, config.overrides, cli);
    const out = args.out ?? `out/${scenario}-seed${seed}`;
    const progress = tickProgress(`run ${scenario}`, args.quiet);
    let result;
    try {
      result = await writingTo(out, null, () => runToDirectory({
        scenario, params, seed, out, force: args.force,
        command: ['defsim', ...process.argv.slice(2)].join(' '),
        simulate: { onTick: progress.update },
      }));
    } finally {
      progress.stop();
    }
    const m = result.summary.metrics;
    if (!args.quiet) {
      console.log(`${scenario}, seed ${seed}: ${m.defected_all} defections (${m.defected_army} army, ${m.defected_police} police, ${m.defected_official} officials, ${m.defected_tycoon} tycoons), ` +
        `calibration ${m.calibration_passed}/${m.calibration_targets} targets met`);
      console.log(`wrote ${relative(process.cwd(), out) || '.'}/series.csv, summary.json, manifest.json`);
    }
    if (args.report) await renderAfter(out, args.quiet);
  },
};

const REPLICATES_SPEC = int(10, 'Runs of each scenario', { min: 2, max: 100_000, unit: 'runs' });

/** `run --baseline`: both scenarios with the same seeds; the effects table, effects.json. */
async function runBaselineCommand(args: RunArgs, scenario: string, seed: number, overrides: Overrides[]): Promise<void> {
  const replicates = args.replicates === undefined ? REPLICATES_SPEC.default : (checkValue('--replicates', REPLICATES_SPEC, args.replicates) as number);
  const out = args.out ?? `out/${scenario}-vs-${args.baseline}-seed${seed}`;
  const { rows, manifest } = await writingTo(out, null, () => runWithBaseline({
    scenario, baseline: args.baseline!, replicates, seed, overrides, out, force: args.force, quiet: args.quiet,
    workers: args.workers === undefined ? undefined : checkWorkers(args.workers),
    command: ['defsim', ...process.argv.slice(2)].join(' '),
  }));
  if (!args.quiet) {
    console.log(`${scenario} over ${args.baseline}: ${replicates} replicates each, the same seeds for both (paired), ${manifest.failed} failed; effects at month ${manifest.experiment.ticks}, mean [95% interval]:`);
    for (const line of baselineTable(rows, scenario, args.baseline!)) console.log(line);
    console.log(`wrote ${relative(process.cwd(), out) || '.'}/effects.json, effects.csv, runs.csv, points.csv, manifest.json`);
  }
  if (args.report) await renderAfter(out, args.quiet);
  if (manifest.failed > 0) {
    process.stderr.write(`defsim: ${manifest.failed} of ${manifest.runs} runs failed (status and error in ${out}/runs.csv)\n`);
    process.exitCode = 1;
  }
}

/** Render a report for a directory just written (reports/ is loaded only when asked for). */
export async function renderAfter(dir: string, quiet: boolean): Promise<void> {
  const { renderReport } = await import('../../reports/index.js');
  const result = await writingTo(join(dir, 'report'), `defsim report ${dir}`, () => renderReport(dir, {}));
  if (!quiet) console.log(`report: ${result.html ?? dir}`);
}

export const scenariosCommand: CommandModule = {
  command: 'scenarios',
  describe: 'List the shipped scenarios, a line each',
  handler: () => {
    const width = Math.max(...SCENARIOS.map((s) => s.name.length));
    for (const s of SCENARIOS) console.log(`${s.name.padEnd(width)}  ${s.description}`);
  },
};

export const paramsCommand: CommandModule<object, { format: string }> = {
  command: 'params',
  describe: 'List every parameter: dotted path, default, allowed range, unit, meaning',
  builder: (y: Argv) => y.option('format', { choices: ['text', 'markdown', 'json'], default: 'text' }) as unknown as Argv<{ format: string }>,
  handler: (args) => {
    const rows = [...flattenSchema(PARAMETER_SCHEMA)].map(([path, spec]) => ({
      path, default: spec.default, allowed: allowedText(spec), unit: spec.unit, meaning: spec.doc, source: spec.source,
    }));
    if (args.format === 'json') return void console.log(JSON.stringify(rows, null, 2));
    if (args.format === 'markdown') {
      console.log('| parameter | default | allowed | unit | meaning |\n|---|---|---|---|---|');
      for (const r of rows) console.log(`| \`${r.path}\` | ${r.default} | ${r.allowed} | ${r.unit} | ${r.meaning}${r.source ? ` (source: ${r.source})` : ''} |`);
      return;
    }
    const w = Math.max(...rows.map((r) => r.path.length));
    for (const r of rows) console.log(`${r.path.padEnd(w)}  ${String(r.default).padEnd(10)}  ${r.allowed.padEnd(28)}  ${r.unit.padEnd(12)}  ${r.meaning}`);
  },
};
