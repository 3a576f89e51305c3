/**
 * The `sweep` and `validate` commands (yargs command modules, registered in cli.ts).
 */
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../engine/errors.js';
import { checkValue, int } from '../../engine/schema.js';
import { DEFAULT_MAX_RUNS, describeExperiment, openExperiment } from './experiment.js';
import { runsProgress } from '../io/progress.js';
import { checkWorkers, runSweep, type SweepOutcome } from './sweep.js';
import { defaultWorkers } from './pool.js';
import { parseShard, shardLabel } from './shard.js';
import { planSweep } from './design.js';
import { renderAfter } from '../io/render-after.js';
import { MODEL_OPTION } from '../model/option.js';
import { writingTo } from '../io/output-error.js';
import { readStructuredFile } from '../io/structured-file.js';
import { isDecideExperiment, openDecideExperiment } from '../decide/experiment.js';

interface SweepArgs {
  experiment: string;
  model?: string;
  out?: string;
  workers?: string;
  resume: boolean;
  'max-runs'?: string;
  shard?: string;
  report: boolean;
  quiet: boolean;
}

const MAX_RUNS_SPEC = int(DEFAULT_MAX_RUNS, 'Most runs a design may make', { min: 1, max: Number.MAX_SAFE_INTEGER, unit: 'runs' });

function maxRunsOf(value: string | undefined): number {
  return value === undefined ? DEFAULT_MAX_RUNS : (checkValue('--max-runs', MAX_RUNS_SPEC, value) as number);
}

export const sweepCommand: CommandModule<object, SweepArgs> = {
  command: 'sweep <experiment>',
  describe: 'Run a parameter sweep (experiment file, YAML or JSON) on worker threads; writes runs.csv, points.csv, series.csv, manifest.json',
  builder: (y: Argv) =>
    y
      .positional('experiment', { type: 'string', describe: 'Experiment file (see docs/SWEEPS.md and experiments/)' })
      .option('model', MODEL_OPTION)
      .option('out', { type: 'string', describe: 'Output directory (default out/sweeps/<experiment name>)' })
      .option('workers', { type: 'string', describe: `Worker threads (default: the number of cores, ${defaultWorkers()} here)` })
      .option('resume', { type: 'boolean', default: false, describe: 'Finish an interrupted sweep in --out (after a crash or Ctrl-C)' })
      .option('max-runs', { type: 'string', describe: `Refuse designs with more runs than this (default ${DEFAULT_MAX_RUNS})` })
      .option('shard', { type: 'string', describe: "Run one shard of the run list: 'i/N' (0-based), or 'auto' from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT or JOB_COMPLETION_INDEX/DEFSIM_SHARD_COUNT; combine shards with 'defsim merge'" })
      .option('report', { type: 'boolean', default: false, describe: 'Render the chart report into <out>/report/ afterwards' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress output' }) as unknown as Argv<SweepArgs>,
  handler: async (args) => {
    if (isDecideExperiment(readStructuredFile(args.experiment))) {
      throw new InputError(`'${args.experiment}' is a decide experiment (it names policies and worlds) (allowed: a sweep experiment; run this one with: defsim decide ${args.experiment} --out DIR)`);
    }
    const maxRuns = maxRunsOf(args['max-runs']);
    const { experiment, model } = await openExperiment(args.experiment, { maxRuns, model: args.model });
    const shard = args.shard === undefined ? undefined : parseShard(args.shard);
    const out = args.out ?? `out/sweeps/${experiment.name}${shard ? `/shard-${shard.index}` : ''}`;
    const progress = runsProgress(`sweep ${experiment.name}${shard ? ` shard ${shardLabel(shard)}` : ''}`, args.quiet);
    const resume = `defsim sweep ${args.experiment}${args.model ? ` --model ${args.model}` : ''} --out ${out}${shard ? ` --shard ${shardLabel(shard)}` : ''} --resume`;
    const onInterrupt = (signal: NodeJS.Signals) => {
      progress.stop();
      process.stderr.write(`\ndefsim: interrupted; finished runs are kept in ${out}/journal.ndjson; finish with: ${resume}\n`);
      process.exit(signal === 'SIGTERM' ? 143 : 130);
    };
    process.once('SIGINT', onInterrupt);
    process.once('SIGTERM', onInterrupt);
    let outcome: SweepOutcome;
    try {
      outcome = await writingTo(out, resume, () => runSweep(experiment, {
        model, out, workers: args.workers === undefined ? undefined : checkWorkers(args.workers),
        resume: args.resume, maxRuns, shard, onProgress: (p) => progress.update(p.done, p.total, p.failed),
      }));
    } finally {
      progress.stop();
      process.removeListener('SIGINT', onInterrupt);
      process.removeListener('SIGTERM', onInterrupt);
    }
    if (outcome.rerun > 0) {
      process.stderr.write(`defsim: ${outcome.rerun} journaled run${outcome.rerun === 1 ? '' : 's'} failed ${outcome.rerun === 1 ? 'its' : 'their'} check (changed or damaged in ${out}/journal.ndjson, or of another run) and ${outcome.rerun === 1 ? 'was' : 'were'} run again\n`);
    }
    if (!args.quiet) {
      const files = [...Object.keys(outcome.manifest?.files ?? {}), 'manifest.json'].join(', ');
      const what = shard ? `shard ${shardLabel(shard)}: ${outcome.runs} of ${outcome.points * experiment.replicates} runs` : `${outcome.runs} runs`;
      console.log(`${experiment.name}: ${what} (${outcome.points} points × ${experiment.replicates} replicates; ${outcome.ranNow} run now), ${outcome.failed} failed; wrote ${files} in ${out}`);
    }
    if (args.report) {
      // A sobol/morris sweep is reported through its sensitivity analysis (docs/SENSITIVITY.md).
      const sampled = experiment.design.type === 'sobol' || experiment.design.type === 'morris';
      if (sampled && !shard && outcome.failed === 0) await (await import('../sensitivity/command.js')).analyzeAfter(out, args.quiet);
      else if (!sampled) await renderAfter(out, args.quiet);
    }
    if (outcome.failed > 0) {
      process.stderr.write(`defsim: ${outcome.failed} of ${outcome.runs} runs failed (status and error in ${out}/runs.csv)\n`);
      process.exitCode = 1;
    }
  },
};

export const validateCommand: CommandModule<object, { experiment: string; model?: string; 'max-runs'?: string }> = {
  command: 'validate <experiment>',
  describe: 'Check an experiment file (a sweep, or a decide experiment with its worlds) against the parameter schema and print its run count',
  builder: (y: Argv) =>
    y
      .positional('experiment', { type: 'string', describe: 'Experiment file (YAML or JSON)' })
      .option('model', MODEL_OPTION)
      .option('max-runs', { type: 'string', describe: `Refuse designs with more runs than this (default ${DEFAULT_MAX_RUNS})` }) as unknown as Argv<{ experiment: string; model?: string; 'max-runs'?: string }>,
  handler: async (args) => {
    if (isDecideExperiment(readStructuredFile(args.experiment))) {
      // A decide experiment: its policies, worlds (read and checked) and criteria (docs/DECISIONS.md).
      const { experiment, worlds } = await openDecideExperiment(args.experiment, args.model ? { model: args.model } : {});
      const scenarios = experiment.policies.length + 1;
      console.log(`valid: ${experiment.name}: decide experiment, ${worlds.ids.length} worlds × ${scenarios} scenarios (${experiment.baseline} and ${experiment.policies.join(', ')}) × ${experiment.replicates} paired replicates = ${worlds.ids.length * scenarios * experiment.replicates} runs of ${experiment.ticks} ticks; ${experiment.criteria.length} criteria (${experiment.criteria.map((c) => c.name).join(', ')})`);
      return;
    }
    const { experiment, model } = await openExperiment(args.experiment, { maxRuns: maxRunsOf(args['max-runs']), model: args.model });
    planSweep(experiment, model); // expands the design: a baseline must name design points
    console.log(`valid: ${describeExperiment(model.definition, experiment)}`);
  },
};
