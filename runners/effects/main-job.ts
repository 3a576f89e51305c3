/**
 * `npm start` (`defsim main`): the main job. By default the policy comparison across plausible
 * worlds (experiments/decide-myanmar-2021.yaml; runners/decide/main.ts), which prints the answer
 * first: per criterion the policy most likely best, how likely, its effect across the worlds,
 * what the choice depends on most and where it flips. With `--at-defaults`, the comparison at one
 * point of parameter space, the calibrated defaults (experiments/policy-comparison.yaml): the five
 * policy scenarios against the no-policy counterfactual on all cores, what each adds with 95%
 * intervals (seed noise only), the policies ranked on what each buys and a short verdict
 * (runners/effects/summary.ts). Either way the result is built in a temporary directory beside the
 * old one and swapped in only when complete (runners/io/swap.ts), so an interrupted `npm start`
 * never leaves a half-written result looking complete.
 */
import { existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../engine/errors.js';
import { withDirectoryLock } from '../io/lock.js';
import { writingTo } from '../io/output-error.js';
import { readEffects } from './files.js';
import type { Policy } from './ranking.js';
import { mainSummary } from './summary.js';
import { openExperiment } from '../sweep/experiment.js';
import { PACKAGE_ROOT } from '../io/outputs.js';
import { runsProgress } from '../io/progress.js';
import { planSweep, type SweepPlan } from '../sweep/design.js';
import { loadTQuantile975 } from '../sweep/stats.js';
import { checkWorkers, sweep, type SweepOutcome } from '../sweep/sweep.js';
import { isEarlierResult, swapIntoPlace } from '../io/swap.js';
import { readStructuredFile } from '../io/structured-file.js';
import { isDecideExperiment } from '../decide/experiment.js';
import { DECIDE_EXPERIMENT, mainAcrossWorlds } from '../decide/main.js';
import { defaultWorkers } from '../sweep/pool.js';

export const MAIN_EXPERIMENT = join(PACKAGE_ROOT, 'experiments', 'policy-comparison.yaml');

/** The one baseline point every point is compared with, and the other points as policies. */
function policiesOf(plan: SweepPlan): { baseline: Policy; policies: Policy[] } {
  const ids = plan.baselines ? [...new Set(plan.baselines)] : [];
  if (ids.length !== 1) {
    throw new InputError(`invalid value for 'baseline': ${JSON.stringify(plan.experiment.baseline ?? null)} (allowed: one design point every policy is compared with, e.g. baseline: { scenario: no-policy })`);
  }
  const label = (id: number) => {
    const values = plan.points[id].values;
    return plan.varied.length === 1 && plan.varied[0] === 'scenario' ? String(values.scenario) : plan.varied.map((k) => `${k} = ${values[k]}`).join(', ');
  };
  const policy = (id: number): Policy => ({ pointId: id, label: label(id) });
  return { baseline: policy(ids[0]), policies: plan.points.filter((p) => p.id !== ids[0]).map((p) => policy(p.id)) };
}

interface MainArgs { out: string; workers?: string; experiment?: string; quiet: boolean; 'at-defaults': boolean }

export const mainCommand: CommandModule<object, MainArgs> = {
  command: 'main',
  describe: 'The main job (what `npm start` runs): which of the five policies is best across plausible worlds, how likely, what the choice depends on and where it flips; then the report, into ./out/',
  builder: (y: Argv) =>
    y
      .option('out', { type: 'string', default: 'out', describe: 'Parent directory; the result goes to <out>/<experiment name>/ (decide-myanmar-2021; policy-comparison with --at-defaults)' })
      .option('workers', { type: 'string', describe: `Worker threads (default: the number of cores, ${defaultWorkers()} here)` })
      .option('experiment', { type: 'string', describe: 'Another comparison to run the same way: a decide experiment (default experiments/decide-myanmar-2021.yaml), or a sweep experiment with a baseline (the comparison at one point, as --at-defaults)' })
      .option('at-defaults', { type: 'boolean', default: false, describe: 'The comparison at one point, the calibrated defaults (experiments/policy-comparison.yaml): effects with 95% intervals of seed noise, ranking and verdict' })
      .option('quiet', { type: 'boolean', default: false }) as unknown as Argv<MainArgs>,
  handler: async (args) => {
    if (!args['at-defaults']) {
      const file = args.experiment ?? DECIDE_EXPERIMENT;
      if (args.experiment === undefined || isDecideExperiment(readStructuredFile(file))) return mainAcrossWorlds({ out: args.out, workers: args.workers, experiment: args.experiment, quiet: args.quiet });
    }
    const { experiment, model } = await openExperiment(args.experiment ?? MAIN_EXPERIMENT);
    if (model.definition.name !== 'defection' || !model.builtIn) {
      throw new InputError(`invalid value for '--experiment': ${JSON.stringify(args.experiment)} runs the model '${model.definition.name}' (allowed: an experiment of the defection model: the main job prints the defection policy comparison; run other models with 'defsim sweep')`);
    }
    const plan = planSweep(experiment, model);
    const { baseline, policies } = policiesOf(plan);
    // One `npm start` at a time into --out (runners/io/lock.ts): the result is built beside it and swapped in.
    await withDirectoryLock(args.out, async () => {
      const final = join(args.out, experiment.name);
      if (existsSync(final) && !isEarlierResult(final, 'sweep', experiment.name)) {
        throw new InputError(`invalid value for '--out': ${JSON.stringify(final)} holds something other than an earlier 'npm start' result (allowed: a new directory, or one written by 'npm start'; nothing was changed)`);
      }
      const staging = join(args.out, `.${experiment.name}.partial-${process.pid}`);
      rmSync(staging, { recursive: true, force: true });
      const workers = args.workers === undefined ? defaultWorkers() : checkWorkers(args.workers);
      const progress = runsProgress(experiment.name, args.quiet);
      // Per point, per metric, the value of each replicate (index = replicate), for the pairwise comparisons.
      const samples = new Map(plan.points.map((p) => [p.id, new Map<string, number[]>()]));
      let outcome: SweepOutcome;
      // On a full disk: one message (runners/io/output-error.ts); the staging directory is removed and an earlier result is untouched.
      const again = args.out === 'out' ? 'npm start -- --at-defaults' : `defsim main --at-defaults --out ${args.out}`;
      try {
        outcome = await writingTo(args.out, again, async () => {
          const runs = sweep(experiment, { model, out: staging, workers, onProgress: (p) => progress.update(p.done, p.total, p.failed) });
          let next;
          while (!(next = await runs.next()).done) {
            const point = samples.get(next.value.pointId)!;
            for (const [metric, value] of Object.entries(next.value.metrics)) {
              if (!point.has(metric)) point.set(metric, new Array<number>(experiment.replicates).fill(NaN));
              point.get(metric)![next.value.replicate] = value;
            }
          }
          progress.stop();
          const { renderReport } = await import('../../reports/index.js');
          await renderReport(staging, {});
          swapIntoPlace(staging, final);
          return next.value;
        });
      } catch (error) {
        progress.stop();
        rmSync(staging, { recursive: true, force: true });
        throw error;
      }
      if (!args.quiet) {
        const { rows, effects } = readEffects(final);
        const t = await loadTQuantile975();
        const scale = experiment.set['population.scale'];
        console.log(`${experiment.name}: ${outcome.runs} runs (${outcome.points} scenarios × ${experiment.replicates} replicates, ${workers} workers${scale === undefined ? '' : `, population.scale ${scale}`}), ${outcome.failed} failed; ` +
          `what each policy adds over ${baseline.label} by month ${experiment.ticks}, mean [95% interval]:`);
        for (const line of mainSummary({ policies, baseline, rows, samples, pairing: effects.pairing, t, replicates: experiment.replicates, ticks: experiment.ticks })) console.log(line);
        const where = relative(process.cwd(), final) || '.';
        console.log('');
        console.log(`report: ${join(where, 'report', 'report.html')} (findings first, then charts; report.md beside it)`);
        console.log(`data:   ${where}/effects.csv, runs.csv, points.csv, series.csv, manifest.json`);
      }
    });
  },
};
