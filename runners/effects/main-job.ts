/**
 * `npm start`: the main job on built-in defaults — the five policy scenarios against the no-policy
 * counterfactual (experiments/policy-comparison.yaml) on all cores, then its chart report, into
 * ./out/. It prints what each policy adds over no-policy, with 95% intervals, the policies ranked
 * on what each buys and a short verdict (runners/effects/summary.ts). It builds the result in a
 * temporary directory beside the old one and swaps it in only when complete, so an interrupted
 * `npm start` never leaves a half-written result looking complete.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../engine/errors.js';
import { fileOperation } from '../io/fault-injection.js';
import { lockDirectory } from '../io/lock.js';
import { writingTo } from '../io/output-error.js';
import { readEffects } from './files.js';
import type { Policy } from './ranking.js';
import { mainSummary } from './summary.js';
import { openExperiment, type Experiment } from '../sweep/experiment.js';
import { PACKAGE_ROOT } from '../io/outputs.js';
import { runsProgress } from '../io/progress.js';
import type { LoadedModel } from '../model/load.js';
import { planSweep, type SweepPlan } from '../sweep/design.js';
import { loadTQuantile975 } from '../sweep/stats.js';
import { checkWorkers, sweep, type SweepOutcome } from '../sweep/sweep.js';
import { defaultWorkers } from '../sweep/pool.js';

export const MAIN_EXPERIMENT = join(PACKAGE_ROOT, 'experiments', 'policy-comparison.yaml');

/** A directory an earlier `npm start` wrote (a sweep of this experiment), safe to replace. */
function isEarlierResult(dir: string, name: string): boolean {
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest)) return readdirSync(dir).length === 0;
  try {
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { kind?: string; experiment?: { name?: string } };
    return m.kind === 'sweep' && m.experiment?.name === name;
  } catch {
    return false;
  }
}

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

interface MainArgs { out: string; workers?: string; experiment?: string; quiet: boolean }

export const mainCommand: CommandModule<object, MainArgs> = {
  command: 'main',
  describe: 'The main job (what `npm start` runs): what each of the five policies adds over no-policy, with intervals, then the report, into ./out/',
  builder: (y: Argv) =>
    y
      .option('out', { type: 'string', default: 'out', describe: 'Parent directory; the result goes to <out>/<experiment name>/ (policy-comparison)' })
      .option('workers', { type: 'string', describe: `Worker threads (default: the number of cores, ${defaultWorkers()} here)` })
      .option('experiment', { type: 'string', describe: 'Another comparison to run the same way: an experiment file with a baseline (default experiments/policy-comparison.yaml)' })
      .option('quiet', { type: 'boolean', default: false }) as unknown as Argv<MainArgs>,
  handler: async (args) => {
    const { experiment, model } = await openExperiment(args.experiment ?? MAIN_EXPERIMENT);
    if (model.definition.name !== 'defection' || !model.builtIn) {
      throw new InputError(`invalid value for '--experiment': ${JSON.stringify(args.experiment)} runs the model '${model.definition.name}' (allowed: an experiment of the defection model: the main job prints the defection policy comparison; run other models with 'defsim sweep')`);
    }
    const plan = planSweep(experiment, model);
    const { baseline, policies } = policiesOf(plan);
    // One `npm start` at a time into --out (runners/io/lock.ts): the result is built beside it and swapped in.
    const lock = lockDirectory(args.out);
    try {
      await mainJob(args, experiment, model, plan, baseline, policies);
    } finally {
      lock.release();
    }
  },
};

async function mainJob(args: MainArgs, experiment: Experiment, model: LoadedModel, plan: SweepPlan, baseline: Policy, policies: Policy[]): Promise<void> {
  const final = join(args.out, experiment.name);
  if (existsSync(final) && !isEarlierResult(final, experiment.name)) {
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
  const again = args.out === 'out' ? 'npm start' : `defsim main --out ${args.out}`;
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
}

/**
 * Put the complete staging directory in place of `final`: the earlier result is moved aside
 * first and only removed once the new one is in place (put back if the rename fails).
 */
function swapIntoPlace(staging: string, final: string): void {
  if (!existsSync(final)) {
    renameSync(staging, final);
    return fileOperation();
  }
  const old = join(dirname(final), `.${basename(final)}.old-${process.pid}`); // a name runners/io/leftovers.ts knows
  renameSync(final, old);
  fileOperation();
  try {
    renameSync(staging, final);
    fileOperation();
  } catch (error) {
    renameSync(old, final);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
  fileOperation();
}
