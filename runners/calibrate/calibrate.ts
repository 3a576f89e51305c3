/**
 * The calibration library API (`calibrate(file, options)`): ABC-SMC (abc-smc.ts) on the sweep's
 * worker pool, each finished candidate journaled, then a posterior-predictive check — the
 * posterior resampled into a list design (posterior-predictive.yaml) and run exactly as
 * `defsim sweep` would run it — and the result files (outputs.ts), manifest last. Byte-identical
 * outputs for any number of workers and across kill -9 and `--resume`.
 *
 *   import { calibrate } from 'defsim';
 *   const outcome = await calibrate('experiments/calibrate-myanmar-2021.yaml', { out: 'out/cal' });
 */
import { existsSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { InputError, inputError } from '../../engine/errors.js';
import type { LoadedModel } from '../model/load.js';
import { hashInts, RandomStream } from '../../engine/rng.js';
import { LOCK_FILE, lockDirectory, type DirectoryLock } from '../io/lock.js';
import { prepareOutputDirectory } from '../io/outputs.js';
import { RunPool, defaultWorkers, workerFile } from '../sweep/pool.js';
import { runSeed } from '../sweep/design.js';
import { checkWorkers } from '../sweep/sweep.js';
import type { RunOutcome, RunTask } from '../sweep/worker.js';
import { abcSmc, type AbcProgress, type AbcResult, type Candidate, type Evaluate, type Population } from './abc-smc.js';
import { baseOverrides, openCalibration, type Calibration, type CalibrationPlan } from './calibration-file.js';
import { distanceOf } from './distance.js';
import {
  CalibrationJournal, calibrationJournalHeader, calibrationJournalPath, checkCalibrationHeader, decodeNumbers, emptyJournalScan, encodeNumbers, fitIdentity, fitKey,
  journaled, predictiveIdentity, scanCalibrationJournal, type CalibrationJournalScan, type FitRecord, type PredictiveRecord,
} from './journal.js';
import { describeMeasure, measureColumns } from './measures.js';
import { writeCalibrationFiles, type CalibrationManifest, type ResultExtension } from './outputs.js';
import type { CalibrationRun, CandidateRecord, PredictivePoint } from './results.js';

export type { CalibrationRun, CandidateRecord, PredictivePoint } from './results.js';

export interface CalibrateOptions {
  /** Result directory (journal.ndjson while running, then the result files). Without it nothing is written. */
  out?: string;
  /** Worker threads (default: the number of cores). */
  workers?: number;
  /** Finish the calibration journaled in `out`. */
  resume?: boolean;
  /** Read the targets from this file instead of the calibration's `targets` (used by `defsim reproduce`). */
  targetsPath?: string;
  /** The model (a name, a module path or a loaded model): the calibration's `model` must then agree with it. */
  model?: string | LoadedModel;
  /**
   * Stop after this many generations whatever `until` says, with the wall-clock limit off
   * (`defsim reproduce` of a calibration the wall clock stopped re-runs the generations it made).
   */
  replayGenerations?: number;
  onProgress?: (progress: CalibrationProgress) => void;
  /** More files and manifest fields for a command built on calibrate (`defsim worlds`); see outputs.ts ResultExtension. */
  extend?: (run: CalibrationRun) => ResultExtension;
}

export type CalibrationProgress =
  | {
      stage: 'fit'; generation: number; maxGenerations: number; tolerance: number;
      /** This generation: accepted so far (capped at particles), simulations so far, and its budget. */
      accepted: number; particles: number; simulations: number; budget: number;
      /** Candidates simulated in all generations so far (each `replicates` runs). */
      totalSimulations: number;
    }
  | { stage: 'predictive'; done: number; total: number; failed: number };

export interface CalibrationOutcome {
  calibration: Calibration;
  run: CalibrationRun;
  out: string | null;
  manifest: CalibrationManifest | null;
  /** Simulations of the fit (candidates × replicates) and of the predictive check. */
  simulations: number;
  /** Failed candidates and predictive points. */
  failed: number;
  /** Simulations run in this call (a resume replays journaled ones). */
  ranNow: number;
  /** Candidates and predictive points whose journal records failed their check (changed, damaged, or of another run) and were simulated again. */
  rerun: number;
}

/** Run a calibration (a YAML/JSON path or an object) to the end. */
export async function calibrate(source: string | Record<string, unknown> | Calibration, options: CalibrateOptions = {}): Promise<CalibrationOutcome> {
  const workers = options.workers === undefined ? defaultWorkers() : checkWorkers(options.workers);
  if (options.resume && !options.out) throw new InputError('--resume needs --out: the directory of the calibration to finish');
  const plan = await openCalibration(source, { targetsPath: options.targetsPath, model: options.model });
  const wallClock = plan.calibration.method.until.wallClockSeconds;
  const started = performance.now();
  if (options.replayGenerations !== undefined) plan.settings = { ...plan.settings, generations: options.replayGenerations };
  else if (wallClock !== undefined) plan.settings = { ...plan.settings, stopNow: () => performance.now() - started >= wallClock * 1000 };
  workerFile(); // fail before anything is written when the worker is not compiled
  const session = options.out ? openCalibrationDirectory(options.out, plan, options.resume ?? false) : null;
  const pool = new RunPool(workers);
  const counters = { ranNow: 0 };
  try {
    const run = await runCalibration(plan, pool, session, counters, options.onProgress);
    const manifest = options.out ? writeCalibrationFiles(options.out, run, options.extend) : null;
    const fitSimulations = run.candidates.reduce((n, g) => n + g.length, 0) * plan.calibration.replicates;
    const failed = run.candidates.reduce((n, g) => n + g.filter((c) => c.status === 'failed').length, 0) + run.predictive.filter((p) => p.status === 'failed').length;
    return {
      calibration: plan.calibration, run, out: options.out ?? null, manifest,
      simulations: fitSimulations + run.predictive.length * plan.calibration.replicates, failed, ranNow: counters.ranNow, rerun: session?.scan.rejected ?? 0,
    };
  } finally {
    session?.journal.close();
    session?.lock.release();
    await pool.destroy();
  }
}

interface Session {
  /** One writer per directory (runners/io/lock.ts): held from opening to the manifest. */
  lock: DirectoryLock;
  journal: CalibrationJournal;
  scan: CalibrationJournalScan;
}

/**
 * Start a calibration in a new or empty directory, or (with resume) continue the one journaled
 * there; a directory another process is writing is refused by its lock.
 */
function openCalibrationDirectory(out: string, plan: CalibrationPlan, resume: boolean): Session {
  const lock = lockDirectory(out);
  try {
    return { lock, ...openJournal(out, plan, resume) };
  } catch (error) {
    lock.release();
    throw error;
  }
}

function openJournal(out: string, plan: CalibrationPlan, resume: boolean): Omit<Session, 'lock'> {
  const header = calibrationJournalHeader(plan.calibration.name, plan.hash, plan.model.definition.version, plan.model.identity.sha256);
  const path = calibrationJournalPath(out);
  if (existsSync(path)) {
    if (!resume) throw inputError('--out', out, 'a new or empty directory; this one already holds a calibration (add --resume to finish it)');
    const scan = scanCalibrationJournal(path);
    checkCalibrationHeader(out, scan.header, header);
    return { journal: CalibrationJournal.reopen(path, scan.validLength), scan };
  }
  if (resume && readdirSync(out).some((entry) => entry !== LOCK_FILE)) {
    throw inputError('--out', out, 'a directory holding a calibration journal (journal.ndjson) to resume, or a new or empty one');
  }
  prepareOutputDirectory(out, false);
  return { journal: CalibrationJournal.create(path, header), scan: emptyJournalScan() };
}

async function runCalibration(
  plan: CalibrationPlan, pool: RunPool, session: Session | null, counters: { ranNow: number },
  onProgress?: (progress: CalibrationProgress) => void,
): Promise<CalibrationRun> {
  const { calibration } = plan;
  const replicates = calibration.replicates;
  const base = [...baseOverrides(plan.model.definition, calibration)];
  const names = plan.priors.map((p) => p.name);
  const fitMeasures = plan.fitted.map((t) => t.measure);
  const candidates: CandidateRecord[][] = [];
  let serial = 0; // candidates evaluated so far, journaled or not: run ids are serial × replicates + replicate
  let totalSimulations = 0;
  let live: AbcProgress | null = null;
  const report = (extraSimulations: number, extraAccepted: number) => {
    if (!live || !onProgress) return;
    onProgress({
      stage: 'fit', generation: live.generation, maxGenerations: plan.settings.generations, tolerance: live.tolerance,
      accepted: Math.min(live.particles, live.accepted + extraAccepted), particles: live.particles,
      simulations: live.simulations + extraSimulations, budget: live.budget, totalSimulations: totalSimulations + extraSimulations,
    });
  };

  const evaluate: Evaluate = async (batch) => {
    const records = new Array<CandidateRecord>(batch.length);
    const serials = batch.map(() => serial++);
    const pending: number[] = [];
    const identity = (candidate: Candidate) => fitIdentity(plan.hash, plan.model.identity, calibration.seed, candidate.generation, candidate.index, candidate.values);
    batch.forEach((candidate, k) => {
      const found = session && journaled(session.scan, session.scan.fit.get(fitKey(candidate.generation, candidate.index)), identity(candidate));
      if (found) records[k] = candidateRecord(plan, candidate, found);
      else pending.push(k);
    });
    let doneNow = 0, acceptedNow = 0;
    if (pending.length > 0) {
      const collected = pending.map(() => ({ values: new Array<number[] | null>(replicates).fill(null), done: 0, error: null as string | null }));
      const taskAt = (position: number): RunTask => {
        const p = Math.floor(position / replicates), r = position % replicates;
        const candidate = batch[pending[p]];
        return {
          runId: serials[pending[p]] * replicates + r,
          seed: hashInts(calibration.seed, candidate.generation, candidate.index, r),
          scenario: calibration.scenario,
          overrides: names.map((name, d) => [name, candidate.values[d]]),
        };
      };
      const pendingOf = new Map(pending.map((k, p) => [serials[k], p]));
      for await (const outcomes of pool.run(pending.length * replicates, taskAt, { model: plan.model.reference, base, seriesEvery: 0, measures: fitMeasures })) {
        const finished: { record: FitRecord; identity: string }[] = [];
        for (const outcome of outcomes) {
          counters.ranNow++;
          const p = pendingOf.get(Math.floor(outcome.runId / replicates))!;
          const entry = collected[p];
          entry.values[outcome.runId % replicates] = outcome.status === 'ok' ? outcome.measures! : null;
          if (outcome.status !== 'ok') entry.error ??= outcome.error ?? 'failed';
          if (++entry.done < replicates) continue;
          const k = pending[p];
          const record = fitRecord(batch[k], entry.values, entry.error);
          finished.push({ record, identity: identity(batch[k]) });
          records[k] = candidateRecord(plan, batch[k], record);
          doneNow++;
          if (records[k].distance <= (live?.tolerance ?? Infinity)) acceptedNow++;
        }
        session?.journal.append(finished);
        report(doneNow, acceptedNow);
      }
    }
    const generation = batch[0].generation;
    (candidates[generation] ??= []).push(...records);
    totalSimulations += batch.length;
    return records.map((r) => r.distance);
  };

  const run = abcSmc(plan.priors, plan.settings, evaluate, (progress) => {
    live = progress;
    report(0, 0);
  });
  let result: AbcResult;
  const populations: (Population | null)[] = [];
  for (;;) {
    const next = await run.next().catch((error: unknown) => {
      const first = candidates[0]?.find((c) => c.status === 'failed');
      if (first && candidates[0].every((c) => c.status === 'failed')) {
        throw new Error(`every simulation of generation 0 failed, so there is nothing to calibrate (candidate ${first.index}: ${first.error}; every one is in the journal)`);
      }
      throw error;
    });
    if (next.done) {
      result = next.value;
      break;
    }
    populations.push(next.value.population);
  }
  const predictiveColumns = [...new Set(plan.targetsFile.targets.flatMap((t) => measureColumns(t.measure, plan.model.definition.record?.stockColumns)))];
  const predictive = await runPredictive(plan, result.posterior, predictiveColumns, pool, session, counters, onProgress);
  return { plan, result, populations, candidates, predictive, predictiveColumns };
}

/** The journal form of a finished candidate: the mean of each measure over its replicates (in replicate order). */
function fitRecord(candidate: Candidate, values: (number[] | null)[], error: string | null): FitRecord {
  if (values.some((v) => v === null)) return { g: candidate.generation, i: candidate.index, status: 'failed', values: null, error: error ?? 'failed' };
  return { g: candidate.generation, i: candidate.index, status: 'ok', values: encodeNumbers(meanOf(values as number[][])) };
}

function meanOf(rows: readonly (readonly number[])[]): number[] {
  const out = new Array<number>(rows[0].length).fill(0);
  for (const row of rows) row.forEach((x, k) => (out[k] += x));
  return out.map((x) => x / rows.length);
}

/** A candidate from its journal form (fresh or replayed: the same numbers either way). */
function candidateRecord(plan: CalibrationPlan, candidate: Candidate, record: FitRecord): CandidateRecord {
  const base = { generation: candidate.generation, index: candidate.index, values: candidate.values };
  if (record.status !== 'ok' || !record.values) {
    return { ...base, status: 'failed', error: record.error ?? 'failed', measures: null, residuals: null, distance: Infinity };
  }
  const measures = decodeNumbers(record.values);
  const { distance, residuals } = distanceOf(plan.fitted, measures);
  if (Number.isNaN(distance)) {
    // e.g. a share of a group that has no agents at a coarse population.scale
    const which = plan.fitted.flatMap((t, k) => (Number.isNaN(residuals[k]) ? [`${t.id} (${describeMeasure(t.measure)} = ${measures[k]})`] : []));
    return { ...base, status: 'failed', error: `the distance is not a number: ${which.join(', ')}`, measures, residuals, distance: Infinity };
  }
  return { ...base, status: 'ok', error: null, measures, residuals, distance };
}

/**
 * Systematic resampling of the posterior into `count` equally weighted draws: particle j is drawn
 * about count·w_j times, in particle order. One uniform from the stream (seed, 'abc-smc:predictive').
 */
export function resamplePosterior(posterior: Population, count: number, seed: number): number[] {
  const u = new RandomStream(seed, 'abc-smc:predictive').uniform();
  const out: number[] = [];
  let cumulative = posterior.weights[0];
  let j = 0;
  for (let m = 0; m < count; m++) {
    const position = (u + m) / count;
    while (position > cumulative && j < posterior.weights.length - 1) cumulative += posterior.weights[++j];
    out.push(j);
  }
  return out;
}

/**
 * The posterior-predictive check: `particles` draws of the posterior (resamplePosterior), each run
 * `replicates` times with the seeds `defsim sweep` gives posterior-predictive.yaml's points
 * (hashInts(seed, point, replicate)), every target measured on the mean over replicates.
 */
async function runPredictive(
  plan: CalibrationPlan, posterior: Population, columns: string[], pool: RunPool, session: Session | null,
  counters: { ranNow: number }, onProgress?: (progress: CalibrationProgress) => void,
): Promise<PredictivePoint[]> {
  const { calibration } = plan;
  const replicates = calibration.replicates;
  const particles = resamplePosterior(posterior, calibration.method.particles, calibration.seed);
  const names = plan.priors.map((p) => p.name);
  const points: PredictivePoint[] = particles.map((particle, point) => ({
    point, particle, values: posterior.values[particle], status: 'failed', error: null, measures: null, series: null,
  }));
  const records = new Array<PredictiveRecord | undefined>(points.length);
  const pending: number[] = [];
  const identity = (point: number) => predictiveIdentity(plan.hash, plan.model.identity, calibration.seed, point, points[point].values);
  points.forEach((point) => {
    const found = session && journaled(session.scan, session.scan.predictive.get(point.point), identity(point.point));
    if (found) records[point.point] = found;
    else pending.push(point.point);
  });
  let done = points.length - pending.length;
  let failed = records.filter((r) => r?.status === 'failed').length;
  onProgress?.({ stage: 'predictive', done, total: points.length, failed });
  if (pending.length > 0) {
    const collected = new Map(pending.map((p) => [p, { outcomes: new Array<RunOutcome | null>(replicates).fill(null), done: 0 }]));
    const taskAt = (position: number): RunTask => {
      const point = pending[Math.floor(position / replicates)], r = position % replicates;
      return {
        runId: point * replicates + r, seed: runSeed(calibration.seed, point, r), scenario: calibration.scenario,
        overrides: names.map((name, d) => [name, points[point].values[d]]),
      };
    };
    const measures = plan.targetsFile.targets.map((t) => t.measure);
    for await (const outcomes of pool.run(pending.length * replicates, taskAt, { model: plan.model.reference, base: [...baseOverrides(plan.model.definition, calibration)], seriesEvery: 1, measures })) {
      const finished: { record: PredictiveRecord; identity: string }[] = [];
      for (const outcome of outcomes) {
        counters.ranNow++;
        const point = Math.floor(outcome.runId / replicates);
        const entry = collected.get(point)!;
        entry.outcomes[outcome.runId % replicates] = outcome;
        if (++entry.done < replicates) continue;
        const record = predictiveRecord(point, entry.outcomes as RunOutcome[], columns);
        records[point] = record;
        finished.push({ record, identity: identity(point) });
        done++;
        if (record.status === 'failed') failed++;
      }
      session?.journal.append(finished);
      onProgress?.({ stage: 'predictive', done, total: points.length, failed });
    }
  }
  return points.map((point) => {
    const record = records[point.point]!;
    if (record.status !== 'ok' || !record.values || !record.series) return { ...point, status: 'failed', error: record.error ?? 'failed' };
    return { ...point, status: 'ok', measures: decodeNumbers(record.values), series: record.series.map(decodeNumbers) };
  });
}

function predictiveRecord(point: number, outcomes: RunOutcome[], columns: string[]): PredictiveRecord {
  const failure = outcomes.find((o) => o.status !== 'ok' || !o.series || !o.measures);
  if (failure) return { p: point, status: 'failed', values: null, series: null, error: failure.error ?? 'failed' };
  const series = columns.map((column) => {
    const perRun = outcomes.map((o) => {
      const width = o.series!.columns.length;
      const c = o.series!.columns.indexOf(column);
      const ticks = o.series!.values.length / width;
      return Array.from({ length: ticks }, (_, t) => o.series!.values[t * width + c]);
    });
    return encodeNumbers(meanOf(perRun));
  });
  return { p: point, status: 'ok', values: encodeNumbers(meanOf(outcomes.map((o) => o.measures!))), series };
}
