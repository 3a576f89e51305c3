/**
 * The piscina worker of sweeps and calibrations (compiled to dist/runners/sweep/worker.js). A task
 * is a batch of runs of one model (loaded by name or module path once per worker); for each run it
 * resolves the parameters, calls `simulate` and returns only the
 * summary metrics and, when asked, the series values and a calibration's measures — never agent
 * arrays. A run that throws is returned as failed; the batch goes on.
 *
 * Test hooks (documented in docs/SWEEPS.md), read once when the worker starts:
 *   DEFSIM_FAIL_RUNS=3,17   runs 3 and 17 throw (recorded as failed)
 *   DEFSIM_CRASH_RUNS=5     the worker calls process.exit on its first attempt of run 5
 *   DEFSIM_CRASH_ALWAYS_RUNS=5   … on every attempt (the run ends up failed)
 */
import { performance } from 'node:perf_hooks';
import type { ParameterValues } from '../../engine/model.js';
import { measureValues, type Measure } from '../calibrate/measures.js';
import { loadModel, type LoadedModel } from '../model/load.js';
import { resolveParameters } from '../model/parameters.js';
import { formatNumber } from '../io/csv.js';
import { simulate, type RunResult } from '../run/simulate.js';

export interface RunTask {
  runId: number;
  seed: number;
  scenario: string;
  overrides: [string, number | boolean | string][];
}

export interface BatchTask {
  /** 1 for the first try of these runs, 2 for the retry after a worker died. */
  attempt: 1 | 2;
  /** The model: a built-in name or a module's absolute path. */
  model: string;
  /** The experiment's `set` and `ticks`, as overrides every run gets. */
  base: [string, unknown][];
  /** Record the series every this many ticks; 0: no series. */
  seriesEvery: number;
  /** Measures read off each run's full series (a calibration's targets), returned in `measures`. */
  measures?: Measure[];
  runs: RunTask[];
}

export interface SeriesValues {
  columns: string[];
  /** One row per recorded tick (first column `tick`), values in `columns` order. */
  rows: Float64Array[];
}

/** Series as a worker returns them: the values in one block, and the CSV rows the journal keeps. */
export interface RecordedSeries {
  columns: string[];
  /** Row-major: recorded tick i, column j at i × columns.length + j. */
  values: Float64Array;
  /** The rows as CSV (no header, each line ending in a newline), formatted here, off the main thread. */
  csv: string;
}

export interface RunOutcome {
  runId: number;
  status: 'ok' | 'failed';
  error: string | null;
  metrics: Record<string, number>;
  series: RecordedSeries | null;
  /** The task's measures, in order, when it asked for them. */
  measures?: number[];
  seconds: number;
  agentSteps: number;
}

const failRuns = runIdsFromEnvironment('DEFSIM_FAIL_RUNS');
const crashRuns = runIdsFromEnvironment('DEFSIM_CRASH_RUNS');
const crashAlwaysRuns = runIdsFromEnvironment('DEFSIM_CRASH_ALWAYS_RUNS');

function runIdsFromEnvironment(name: string): Set<number> {
  const text = process.env[name] ?? '';
  return new Set(text.split(',').filter((s) => s.trim() !== '').map(Number));
}

const models = new Map<string, Promise<LoadedModel>>();

export default async function runBatch(task: BatchTask): Promise<RunOutcome[]> {
  let model = models.get(task.model);
  if (!model) models.set(task.model, (model = loadModel(task.model)));
  const loaded = await model;
  return task.runs.map((run) => runOne(loaded, run, task));
}

function runOne(model: LoadedModel, run: RunTask, task: BatchTask): RunOutcome {
  if ((crashRuns.has(run.runId) && task.attempt === 1) || crashAlwaysRuns.has(run.runId)) process.exit(70);
  const start = performance.now();
  try {
    if (failRuns.has(run.runId)) throw new Error(`run ${run.runId} fails on purpose (DEFSIM_FAIL_RUNS test hook)`);
    const definition = model.definition;
    const result = simulate(definition, parametersFor(model, run, task), run.seed);
    return {
      runId: run.runId, status: 'ok', error: null,
      metrics: result.summary.metrics,
      series: task.seriesEvery > 0 ? seriesValues(result, task.seriesEvery) : null,
      ...(task.measures ? { measures: measureValues(task.measures, result.columns, result.data, definition.record?.stockColumns) } : {}),
      seconds: (performance.now() - start) / 1000,
      agentSteps: result.timing.agentSteps,
    };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      runId: run.runId, status: 'failed', error: message.replace(/\s*\n\s*/g, ' '),
      metrics: {}, series: null, seconds: (performance.now() - start) / 1000, agentSteps: 0,
    };
  }
}

let lastParameters: { key: string; params: ParameterValues } | undefined;

/**
 * The run's parameters. The replicates of a point are neighbours in a batch, so the last point's
 * resolved parameters are kept (resolving costs as much as a tiny run) and each run gets a copy.
 */
function parametersFor(model: LoadedModel, run: RunTask, task: BatchTask): ParameterValues {
  const key = JSON.stringify([task.model, run.scenario, task.base, run.overrides]);
  if (lastParameters?.key !== key) {
    lastParameters = { key, params: resolveParameters(model.definition, run.scenario, new Map(task.base), new Map(run.overrides)) };
  }
  return structuredClone(lastParameters!.params);
}

/** The series at ticks 0, every, 2·every, … */
function seriesValues(result: RunResult, every: number): RecordedSeries {
  const width = result.columns.length;
  const ticks = Math.ceil(result.ticks / every);
  const values = new Float64Array(ticks * width);
  const lines: string[] = [];
  for (let i = 0; i < ticks; i++) {
    const cells: string[] = [];
    for (let j = 0; j < width; j++) {
      const x = result.data[j][i * every];
      values[i * width + j] = x;
      cells.push(formatNumber(x));
    }
    lines.push(cells.join(','), '\n');
  }
  return { columns: [...result.columns], values, csv: lines.join('') };
}
