/**
 * Running runs on a piscina pool of worker threads: a sweep's runs (`executeRuns`), or any list
 * of (scenario, overrides, seed) tasks (`RunPool`, which calibrations use). Small runs are batched into one
 * task (about 0.1 s of work each, measured as runs come back) so dispatch costs well under 2% of
 * run time, while the last tasks shrink so no worker idles at the end. Workers return only
 * metrics and recorded series values. A worker that dies is replaced by the pool and the runs it
 * held are retried once, each on its own; a run that kills its worker twice is recorded as failed.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { baseLayer, pointLayer } from './experiment.js';
import { PACKAGE_ROOT } from '../io/outputs.js';
import { runIdentity, type SweepPlan } from './design.js';
import type { BatchTask, RunOutcome, RunTask } from './worker.js';
import type { Measure } from '../calibrate/measures.js';

/** Seconds of work one task should hold once run times are known. */
const TARGET_TASK_SECONDS = 0.1;
const MAX_BATCH = 1000;
/** Tasks queued per worker, so a worker never waits for the main thread between tasks. */
const TASKS_PER_WORKER = 2;
/**
 * A worker's young generation (MB). V8 otherwise grows it slowly over thousands of runs, which
 * reads as memory growing with the run count; capped, RSS stays flat and runs are as fast.
 */
const WORKER_YOUNG_GENERATION_MB = 8;

export function defaultWorkers(): number {
  return availableParallelism();
}

/** dist/runners/sweep/worker.js, also when the caller is the TypeScript source (under vitest). */
export function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const file = here.endsWith('.ts') ? join(PACKAGE_ROOT, 'dist', 'runners', 'sweep', 'worker.js') : join(dirname(here), 'worker.js');
  if (!existsSync(file)) throw new Error(`the sweep worker ${file} is missing: compile first (npx tsc -p tsconfig.json)`);
  return file;
}

interface Settled {
  taskId: number;
  /** Positions in the caller's task list. */
  positions: number[];
  attempt: 1 | 2;
  outcomes?: RunOutcome[];
  error?: unknown;
}

/** What every task of one `RunPool.run` call shares. */
export interface PoolSettings {
  /** The model the workers run: a built-in name or a module's absolute path (`LoadedModel.reference`). */
  model: string;
  /** Overrides every run gets (an experiment's `set` and `ticks`). */
  base: [string, unknown][];
  /** Record the series every this many ticks; 0: no series. */
  seriesEvery: number;
  /** Measures to read off each run's series (calibration targets); their values come back in `RunOutcome.measures`. */
  measures?: Measure[];
}

/**
 * A piscina pool of sweep workers that runs lists of (scenario, overrides, seed) tasks in
 * batches. It can run several lists one after another (a calibration's rounds) and keeps its
 * workers and its measured run times between them.
 */
export class RunPool {
  private readonly pool: Piscina;
  private readonly timing = { runs: 0, seconds: 0 };
  private taskIds = 0;

  constructor(readonly workers: number) {
    this.pool = new Piscina({
      filename: pathToFileURL(workerFile()).href, minThreads: workers, maxThreads: workers, idleTimeout: 60_000,
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
  }

  /** Run tasks 0 … count−1 (`taskAt(k)` makes task k when it is sent); yield each batch's outcomes as it comes back (completion order). */
  async *run(count: number, taskAt: (position: number) => RunTask, settings: PoolSettings): AsyncGenerator<RunOutcome[]> {
    const { workers, timing } = this;
    const inFlight = new Map<number, Promise<Settled>>();
    const retries: number[] = [];
    let next = 0;

    const submit = (positions: number[], attempt: 1 | 2): void => {
      const taskId = this.taskIds++;
      const task: BatchTask = {
        attempt, model: settings.model, base: settings.base, seriesEvery: settings.seriesEvery, runs: positions.map(taskAt),
        ...(settings.measures ? { measures: settings.measures } : {}),
      };
      const settled = (this.pool.run(task) as Promise<RunOutcome[]>).then(
        (outcomes): Settled => ({ taskId, positions, attempt, outcomes }),
        (error: unknown): Settled => ({ taskId, positions, attempt, error }),
      );
      inFlight.set(taskId, settled);
    };
    const batchSize = (): number => {
      const remaining = count - next;
      if (timing.runs === 0) return 1;
      const wanted = Math.ceil(TARGET_TASK_SECONDS / Math.max(timing.seconds / timing.runs, 1e-6));
      return Math.max(1, Math.min(wanted, MAX_BATCH, Math.floor(remaining / (4 * workers))));
    };

    for (;;) {
      while (inFlight.size < TASKS_PER_WORKER * workers && (retries.length > 0 || next < count)) {
        if (retries.length > 0) submit([retries.shift()!], 2);
        else {
          const size = Math.min(batchSize(), count - next);
          submit(Array.from({ length: size }, (_, i) => next + i), 1);
          next += size;
        }
      }
      if (inFlight.size === 0) return;
      const settled = await Promise.race(inFlight.values());
      inFlight.delete(settled.taskId);
      if (settled.outcomes) {
        for (const outcome of settled.outcomes) {
          timing.runs++;
          timing.seconds += outcome.seconds;
        }
        yield settled.outcomes;
      } else if (settled.attempt === 1) {
        retries.push(...settled.positions);
      } else {
        yield [workerDied(taskAt(settled.positions[0]).runId, settled.error)];
      }
    }
  }

  async destroy(): Promise<void> {
    await this.pool.destroy();
  }
}

/** Run the given run ids; yield the outcomes of each task as it comes back (completion order). */
export async function* executeRuns(plan: SweepPlan, pending: Uint32Array, workers: number): AsyncGenerator<RunOutcome[]> {
  if (pending.length === 0) return;
  const pool = new RunPool(workers);
  const series = plan.experiment.record.series;
  const settings: PoolSettings = {
    model: plan.model.reference,
    base: [...baseLayer(plan.model.definition, plan.experiment)],
    seriesEvery: series === 'none' ? 0 : series === 'every-tick' ? 1 : series.every,
  };
  try {
    yield* pool.run(pending.length, (k) => runTask(plan, pending[k]), settings);
  } finally {
    await pool.destroy();
  }
}

function runTask(plan: SweepPlan, runId: number): RunTask {
  const { pointId, seed } = runIdentity(plan, runId);
  const { scenario, overrides } = pointLayer(plan.experiment, plan.points[pointId].values);
  return { runId, seed, scenario, overrides };
}

function workerDied(runId: number, error: unknown): RunOutcome {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    runId, status: 'failed', error: `the worker died twice running it (${reason})`,
    metrics: {}, series: null, seconds: 0, agentSteps: 0,
  };
}
