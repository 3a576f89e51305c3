/**
 * The `run` command (a yargs command module): one run into a directory, or with `--baseline` the
 * effects of one scenario over another.
 */
import { relative } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { inputError } from '../../engine/errors.js';
import { checkValue, int } from '../../engine/schema.js';
import { loadModel, modelSpecOf, type LoadedModel } from '../model/load.js';
import { MODEL_OPTION } from '../model/option.js';
import { checkSeed, defaultScenario, parseSetArguments, readRunConfig, resolveParameters, type Overrides } from '../model/parameters.js';
import { runToDirectory } from './directory.js';
import { tickProgress } from '../io/progress.js';
import { writingTo } from '../io/output-error.js';
import { renderAfter } from '../io/render-after.js';
import { baselineTable, runWithBaseline } from '../effects/run-baseline.js';
import { checkWorkers } from '../sweep/sweep.js';

interface RunArgs {
  model?: string;
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
      .option('model', MODEL_OPTION)
      .option('scenario', { type: 'string', describe: "Base scenario (default: the model's first, myanmar-2021 for defection; see 'defsim scenarios')" })
      .option('config', { type: 'string', describe: 'YAML or JSON file: parameters (nested or dotted), optional scenario, seed and model' })
      .option('set', { type: 'string', array: true, describe: 'Override a parameter: --set sponsors.budgetUsd=25e6 (repeatable)' })
      .option('seed', { type: 'string', describe: 'Random seed (non-negative integer; default 1)' })
      .option('ticks', { type: 'string', describe: "Horizon in ticks (same as --set with the model's horizon parameter, time.ticks for defection)" })
      .option('baseline', { type: 'string', describe: 'Effects over this scenario: run both with the same seeds, print the effects, write effects.json (docs/FORMATS.md)' })
      .option('replicates', { type: 'string', describe: 'With --baseline: runs of each scenario (default 10); replicate r has seed hashInts(seed, 0, r)' })
      .option('workers', { type: 'string', describe: 'With --baseline: worker threads (default: the number of cores)' })
      .option('out', { type: 'string', describe: 'Output directory (default out/<scenario>-seed<seed>)' })
      .option('force', { type: 'boolean', default: false, describe: 'Write into a non-empty directory' })
      .option('report', { type: 'boolean', default: false, describe: 'Render the chart report into <out>/report/ afterwards' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress output' }) as unknown as Argv<RunArgs>,
  handler: async (args) => {
    const config = args.config ? readRunConfig(args.config) : { overrides: new Map() as Overrides, model: undefined };
    const model = await loadModel(modelSpecOf(config.model, args.model), args.model === undefined ? 'model' : '--model');
    const definition = model.definition;
    const scenario = args.scenario ?? config.scenario ?? defaultScenario(definition);
    const seed = args.seed !== undefined ? checkSeed(args.seed, '--seed') : config.seed ?? 1;
    const cli: Overrides = parseSetArguments(args.set ?? []);
    if (args.ticks !== undefined) cli.set(definition.ticksParameter, args.ticks);
    if (args.baseline !== undefined) return runBaselineCommand(args, model, scenario, seed, [config.overrides, cli]);
    for (const option of ['replicates', 'workers'] as const) {
      if (args[option] !== undefined) throw inputError(`--${option}`, args[option], 'only together with --baseline (a single run has one replicate)');
    }
    const params = resolveParameters(definition, scenario, config.overrides, cli);
    const out = args.out ?? `out/${scenario}-seed${seed}`;
    const progress = tickProgress(`run ${scenario}`, args.quiet);
    let result;
    try {
      result = await writingTo(out, null, () => runToDirectory({
        model, scenario, params, seed, out, force: args.force,
        command: ['defsim', ...process.argv.slice(2)].join(' '),
        simulate: { onTick: progress.update },
      }));
    } finally {
      progress.stop();
    }
    if (!args.quiet) {
      console.log(runLine(model, scenario, seed, result.summary.metrics));
      console.log(`wrote ${relative(process.cwd(), out) || '.'}/series.csv, summary.json, manifest.json`);
    }
    if (args.report) await renderAfter(out, args.quiet);
  },
};

/** The line `defsim run` prints: the defection model's headline counts, or any model's first metrics. */
function runLine(model: LoadedModel, scenario: string, seed: number, m: Record<string, number>): string {
  const calibration = m.calibration_targets === undefined ? '' : `, calibration ${m.calibration_passed}/${m.calibration_targets} targets met`;
  if (model.builtIn && model.definition.name === 'defection') {
    return `${scenario}, seed ${seed}: ${m.defected_all} defections (${m.defected_army} army, ${m.defected_police} police, ${m.defected_official} officials, ${m.defected_tycoon} tycoons)${calibration}`;
  }
  const shown = model.definition.metrics.slice(0, 4).map((metric) => `${metric.name} ${m[metric.name]}`);
  return `${model.definition.name} ${model.definition.version}, ${scenario}, seed ${seed}: ${shown.join(', ')}${calibration}`;
}

const REPLICATES_SPEC = int(10, 'Runs of each scenario', { min: 2, max: 100_000, unit: 'runs' });

/** `run --baseline`: both scenarios with the same seeds; the effects table, effects.json. */
async function runBaselineCommand(args: RunArgs, model: LoadedModel, scenario: string, seed: number, overrides: Overrides[]): Promise<void> {
  const replicates = args.replicates === undefined ? REPLICATES_SPEC.default : (checkValue('--replicates', REPLICATES_SPEC, args.replicates) as number);
  const out = args.out ?? `out/${scenario}-vs-${args.baseline}-seed${seed}`;
  const { rows, manifest } = await writingTo(out, null, () => runWithBaseline({
    model, scenario, baseline: args.baseline!, replicates, seed, overrides, out, force: args.force, quiet: args.quiet,
    workers: args.workers === undefined ? undefined : checkWorkers(args.workers),
    command: ['defsim', ...process.argv.slice(2)].join(' '),
  }));
  if (!args.quiet) {
    console.log(`${scenario} over ${args.baseline}: ${replicates} replicates each, the same seeds for both (paired), ${manifest.failed} failed; effects at ${model.definition.name === 'defection' ? 'month' : 'tick'} ${manifest.experiment.ticks}, mean [95% interval]:`);
    for (const line of baselineTable(model.definition, rows, scenario, args.baseline!)) console.log(line);
    console.log(`wrote ${relative(process.cwd(), out) || '.'}/effects.json, effects.csv, runs.csv, points.csv, manifest.json`);
  }
  if (args.report) await renderAfter(out, args.quiet);
  if (manifest.failed > 0) {
    process.stderr.write(`defsim: ${manifest.failed} of ${manifest.runs} runs failed (status and error in ${out}/runs.csv)\n`);
    process.exitCode = 1;
  }
}
