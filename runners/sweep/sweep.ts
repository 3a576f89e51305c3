/**
 * Parameter sweeps: `sweep(experiment, options)` runs every (design point, replicate) of an
 * experiment on worker threads and yields each run's result as it finishes. With `out` it also
 * journals every finished run (crash-safe, resumable) and, once all runs are in, writes
 * runs.csv, points.csv, series.csv and manifest.json in run_id order — byte-identical for any
 * number of workers, any completion order, and any number of interruptions and resumes.
 *
 *   import { sweep } from 'defsim';
 *   for await (const run of sweep('experiments/offramp-vs-payout.yaml', { workers: 2 })) console.log(run.metrics.defected_all);
 */
import { existsSync, readdirSync } from 'node:fs';
import { inputError, InputError } from '../../engine/errors.js';
import { checkValue, int } from '../../engine/schema.js';
import type { LoadedModel } from '../model/load.js';
import { DEFAULT_MAX_RUNS, openExperiment, type Experiment, type ExperimentObject } from './experiment.js';
import { LOCK_FILE, lockDirectory, type DirectoryLock } from '../io/lock.js';
import { gitCommit, prepareOutputDirectory } from '../io/outputs.js';
import { planSweep, runIdentity, type SweepPlan } from './design.js';
import { assembleSweep, type SweepManifest } from './files.js';
import {
  checkJournalHeader, journalHeader, journalPath, JournalIndex, JournalWriter, scanJournal, sweepIdentity, type JournalRecord, type RunRecordBase,
} from './journal.js';
import { defaultWorkers, executeRuns, workerFile } from './pool.js';
import { shardLabel, shardRunCount, type Shard } from './shard.js';
import { loadStatistics } from './stats.js';
import type { RecordedSeries, RunOutcome, SeriesValues } from './worker.js';

export { loadExperiment, openExperiment, type Experiment, type ExperimentObject } from './experiment.js';
export type { SweepManifest } from './files.js';

export interface SweepOptions {
  /** Result directory: journal.ndjson while running, then runs.csv, points.csv, series.csv, manifest.json. Without it, results are only yielded. */
  out?: string;
  /** Worker threads (default: the number of cores). */
  workers?: number;
  /** Finish the sweep journaled in `out` (an empty or missing `out` starts it). */
  resume?: boolean;
  /** Refuse designs with more runs than this (default 100,000). */
  maxRuns?: number;
  /** Run only this shard of the run list (run_id mod count = index); the directory then holds that shard. */
  shard?: Shard;
  /** Called when the sweep starts and after every finished run. */
  onProgress?: (progress: SweepProgress) => void;
  /**
   * The model (a built-in name, a module path, or a loaded model): the experiment's `model` must
   * then agree with it. Default: the model the experiment names, else defection.
   */
  model?: string | LoadedModel;
}

export interface SweepProgress {
  done: number;
  total: number;
  failed: number;
}

/** One finished run, as yielded by `sweep`. */
export interface SweepRunResult extends RunRecordBase {
  /** The summary metrics (NaN where undefined, e.g. cost per defection with no spend); empty when failed. */
  metrics: Record<string, number>;
  /** The recorded series (rows at the recorded ticks, first column `tick`), or null. */
  series: SeriesValues | null;
  /** Wall time in the worker and agent-steps; not written to any file. */
  timing: { seconds: number; agentSteps: number };
}

/** What a finished sweep did (the generator's return value; `runSweep` resolves to it). */
export interface SweepOutcome {
  experiment: Experiment;
  model: LoadedModel;
  runs: number;
  points: number;
  varied: string[];
  /** Runs finished in this call (a resume skips the journaled ones). */
  ranNow: number;
  /** Of those, runs whose journal record failed its check (changed, damaged, or of another run) and were run again. */
  rerun: number;
  /** Failed runs in the whole sweep (journaled ones included). */
  failed: number;
  out: string | null;
  manifest: SweepManifest | null;
}

const WORKERS_SPEC = int(1, 'Worker threads', { min: 1, max: 1024, unit: 'threads' });
const MAX_RUNS_SPEC = int(DEFAULT_MAX_RUNS, 'Most runs a design may make', { min: 1, max: Number.MAX_SAFE_INTEGER, unit: 'runs' });

/** A worker count: an integer in [1, 1024] (a string from the command line is parsed). */
export function checkWorkers(value: unknown): number {
  return checkValue('--workers', WORKERS_SPEC, value) as number;
}

/** Run an experiment (a YAML/JSON path or an object); yields each run's result as it finishes. */
export async function* sweep(
  experiment: string | ExperimentObject | Experiment,
  options: SweepOptions = {},
): AsyncGenerator<SweepRunResult, SweepOutcome, undefined> {
  const workers = options.workers === undefined ? defaultWorkers() : checkWorkers(options.workers);
  const maxRuns = options.maxRuns === undefined ? DEFAULT_MAX_RUNS : (checkValue('--max-runs', MAX_RUNS_SPEC, options.maxRuns) as number);
  if (options.resume && !options.out) throw new InputError("--resume needs --out: the directory of the sweep to finish");
  const opened = await openExperiment(experiment, { maxRuns, model: options.model });
  const plan = planSweep(opened.experiment, opened.model);
  workerFile(); // fail before anything is written when the worker is not compiled
  gitCommit(); // the commit the runs are made from (cached), not the one checked out when the files are assembled
  if (options.out) loadStatistics().catch(() => {}); // load mathjs while the runs go
  const shard = options.shard;
  const session = options.out ? openSweepDirectory(options.out, plan, options.resume ?? false, shard) : null;
  const progress: SweepProgress = { done: session?.finished ?? 0, total: shardRunCount(shard, plan.runs), failed: session?.failed ?? 0 };
  let ranNow = 0;
  let allRan = false;
  try {
    options.onProgress?.({ ...progress });
    for await (const outcomes of executeRuns(plan, pendingRuns(plan, session?.done, shard), workers)) {
      const results = outcomes.map((outcome) => runResult(plan, outcome));
      session?.journal.append(results.map((result, i) => journalRecord(result, outcomes[i])));
      for (const result of results) {
        ranNow++;
        progress.done++;
        if (result.status === 'failed') progress.failed++;
        options.onProgress?.({ ...progress });
        yield result;
      }
    }
    allRan = true;
  } finally {
    session?.journal.close();
    if (!allRan) session?.lock.release(); // failed or stopped early: nothing more is written
  }
  let manifest: SweepManifest | null = null;
  try {
    if (options.out) manifest = await finishSweep(options.out, plan, shard);
  } finally {
    session?.lock.release();
  }
  return {
    experiment: plan.experiment, model: plan.model, runs: shardRunCount(shard, plan.runs), points: plan.points.length, varied: plan.varied, ranNow, rerun: session?.rejected ?? 0,
    failed: manifest ? manifest.failed : progress.failed, out: options.out ?? null, manifest,
  };
}

/** Run a sweep to the end; resolves to what it did. */
export async function runSweep(experiment: string | ExperimentObject | Experiment, options: SweepOptions = {}): Promise<SweepOutcome> {
  const runs = sweep(experiment, options);
  for (;;) {
    const next = await runs.next();
    if (next.done) return next.value;
  }
}

/** Assemble the final files of a sweep whose journal is complete. */
async function finishSweep(out: string, plan: SweepPlan, shard?: Shard): Promise<SweepManifest> {
  const index = new JournalIndex([journalPath(out)], plan.runs, sweepIdentity(plan));
  try {
    return await assembleSweep(out, plan, index, shard);
  } finally {
    index.close();
  }
}

interface SweepSession {
  /** One writer per directory (runners/io/lock.ts): held from opening to the manifest. */
  lock: DirectoryLock;
  journal: JournalWriter;
  done: Uint8Array;
  finished: number;
  failed: number;
  /** Runs whose journal records failed their check: run again now. */
  rejected: number;
}

/**
 * Start a sweep in a new or empty directory, or (with resume) continue the one journaled there.
 * A directory that already holds a sweep is refused without --resume; one another process is
 * writing is refused by its lock.
 */
function openSweepDirectory(out: string, plan: SweepPlan, resume: boolean, shard?: Shard): SweepSession {
  const lock = lockDirectory(out);
  try {
    return { lock, ...openJournal(out, plan, resume, shard) };
  } catch (error) {
    lock.release();
    throw error;
  }
}

function openJournal(out: string, plan: SweepPlan, resume: boolean, shard?: Shard): Omit<SweepSession, 'lock'> {
  const header = journalHeader(plan.experiment, plan.hash, plan.model.definition.version, plan.runs, shard ? shardLabel(shard) : undefined, plan.model.identity.sha256);
  const path = journalPath(out);
  const identity = sweepIdentity(plan);
  if (existsSync(path)) {
    if (!resume) throw inputError('--out', out, 'a new or empty directory; this one already holds a sweep (add --resume to finish it)');
    const scan = scanJournal(path, plan.runs, identity);
    checkJournalHeader(out, scan.header, header);
    return { journal: JournalWriter.reopen(path, scan.validLength, identity), done: scan.done, finished: scan.finished, failed: scan.failed, rejected: scan.rejected };
  }
  if (resume && readdirSync(out).some((entry) => entry !== LOCK_FILE)) {
    throw inputError('--out', out, 'a directory holding a sweep journal (journal.ndjson) to resume, or a new or empty one');
  }
  prepareOutputDirectory(out, false);
  return { journal: JournalWriter.create(path, header, identity), done: new Uint8Array(plan.runs), finished: 0, failed: 0, rejected: 0 };
}

/** The run ids still to do (of this shard), in run_id order. */
function pendingRuns(plan: SweepPlan, done: Uint8Array | undefined, shard?: Shard): Uint32Array {
  const pending = new Uint32Array(shardRunCount(shard, plan.runs));
  let n = 0;
  for (let id = shard ? shard.index : 0; id < plan.runs; id += shard ? shard.count : 1) if (!done?.[id]) pending[n++] = id;
  return pending.subarray(0, n);
}

function runResult(plan: SweepPlan, outcome: RunOutcome): SweepRunResult {
  const { pointId, replicate, seed } = runIdentity(plan, outcome.runId);
  return {
    runId: outcome.runId, pointId, replicate, seed,
    parameters: plan.points[pointId].values,
    status: outcome.status, error: outcome.error,
    metrics: outcome.metrics, series: outcome.series ? seriesRows(outcome.series) : null,
    timing: { seconds: outcome.seconds, agentSteps: outcome.agentSteps },
  };
}

/** Row views into the worker's block of series values. */
function seriesRows(series: RecordedSeries): SeriesValues {
  const width = series.columns.length;
  const rows = Array.from({ length: series.values.length / width }, (_, i) => series.values.subarray(i * width, (i + 1) * width));
  return { columns: series.columns, rows };
}

function journalRecord(result: SweepRunResult, outcome: RunOutcome): JournalRecord {
  return {
    runId: result.runId, pointId: result.pointId, replicate: result.replicate, seed: result.seed,
    parameters: result.parameters, status: result.status, error: result.error,
    metrics: result.metrics,
    series: outcome.series ? { columns: outcome.series.columns, csv: outcome.series.csv } : null,
  };
}
