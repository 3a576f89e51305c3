/** Reads a result directory (single run or sweep, as in docs/FORMATS.md) into typed data, with errors that name the file. */
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { columnIndex, hasColumn, isNumericText, parseNumberCell, textColumn, type Table } from './csv.js';
import { ReportInputError } from './errors.js';
import { InputFiles, type LoadedCommon } from './input-files.js';
import { loadSensitivity, SWEEP_ANALYSIS_MANIFEST, type SensitivityResult } from './sensitivity-load.js';
import { loadCalibrationResult, type CalibrationResult } from './calibration-load.js';
import { loadDecision, type DecisionResult } from './decision-load.js';
import { loadWorldsResult, type WorldsResult } from './worlds-load.js';

export { InputFiles, type InputFile, type InputFilesReader, type LoadedCommon } from './input-files.js';

export interface CalibrationTarget {
  readonly id: string;
  /** Series column the target is about, e.g. `defected_army` or `defected_official_senior`. */
  readonly series: string;
  readonly tick: number;
  readonly observed?: number;
  readonly tolerance?: number;
  readonly low?: number;
  readonly high?: number;
  /** Ceiling-style target: the model must stay at or below this. */
  readonly max?: number;
  /** Floor-style target: the model must stay at or above this. */
  readonly min?: number;
  readonly model?: number;
  readonly pass?: boolean;
  readonly source?: string;
}

export interface RunSummary {
  readonly scenario?: string;
  readonly seed?: number;
  readonly ticks?: number;
  readonly final: Readonly<Record<string, number>>;
  readonly costPerDefectionUsd?: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly calibration: readonly CalibrationTarget[];
}

export interface RunResult extends LoadedCommon {
  readonly kind: 'run';
  readonly manifest: Readonly<Record<string, unknown>>;
  readonly scenario: string;
  readonly seed: number | null;
  readonly units: Readonly<Record<string, string>>;
  readonly series: Table;
  readonly summary: RunSummary;
}

export interface VariedParameter {
  /** Dotted parameter path as in the experiment, e.g. `sponsors.budget_usd` or `scenario`. */
  readonly path: string;
  /** Distinct values as written in points.csv: numeric ones ascending, others in order of first appearance. */
  readonly values: readonly string[];
  readonly numeric: boolean;
}

export interface DesignPoint {
  readonly id: string;
  /** Parameter path → value text. */
  readonly params: Readonly<Record<string, string>>;
}

export interface MetricStat {
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
  readonly ci95Low: number;
  readonly ci95High: number;
  readonly min: number;
  readonly max: number;
}

export interface RunStatusCounts {
  readonly ok: number;
  readonly failed: number;
  /** Up to 20 failed runs with their error text. */
  readonly failures: readonly { runId: string; pointId: string; error: string }[];
}

/** One row of effects.csv: a design point's effect over its baseline for one metric (NaN where a cell is empty). */
export interface EffectRecord {
  readonly pointId: string;
  readonly baselinePointId: string;
  readonly metric: string;
  readonly n: number;
  readonly baselineMean: number;
  readonly mean: number;
  readonly effect: number;
  readonly effectLow: number;
  readonly effectHigh: number;
  readonly spendOverBaselineUsd: number;
  readonly perMillionUsd: number;
  readonly perMillionUsdLow: number;
  readonly perMillionUsdHigh: number;
  readonly costPerAdditionalDefectionUsd: number;
  readonly costLow: number;
  readonly costHigh: number;
  /** Why the per-US$1M ratio is undefined ('' when defined). */
  readonly perMillionUsdReason: string;
  readonly costReason: string;
}

/** effects.csv and what the manifest says about it. */
export interface SweepEffects {
  /** The baseline as the experiment names it, e.g. { scenario: 'no-policy' }. */
  readonly baseline: Readonly<Record<string, unknown>>;
  /** 'paired' (common seeds) or 'independent'. */
  readonly pairing: string;
  readonly intervals: string;
  readonly rows: readonly EffectRecord[];
}

export interface SweepResult extends LoadedCommon {
  readonly kind: 'sweep';
  /** The experiment's name (manifest.experiment.name), which titles the report. */
  readonly experimentName: string;
  readonly manifest: Readonly<Record<string, unknown>>;
  readonly varied: readonly VariedParameter[];
  readonly metrics: readonly string[];
  readonly points: readonly DesignPoint[];
  /** point id → metric → statistics over replicates. */
  readonly stats: ReadonlyMap<string, ReadonlyMap<string, MetricStat>>;
  readonly runs: Table;
  readonly runStatus: RunStatusCounts;
  /** The long series.csv, when the sweep recorded series. */
  readonly series: Table | null;
  /** effects.csv, when the experiment has a baseline. */
  readonly effects: SweepEffects | null;
}

export type LoadedResult = RunResult | SweepResult | SensitivityResult | CalibrationResult | DecisionResult | WorldsResult;

const POINTS_STAT_COLUMNS = ['n', 'mean', 'sd', 'ci95_low', 'ci95_high'] as const;

/** Loads a result directory; throws ReportInputError naming the directory or file that is unusable. */
export async function loadResult(dirArg: string): Promise<LoadedResult> {
  const dir = resolve(dirArg);
  await requireDirectory(dir, dirArg);
  const files = new InputFiles(dir);
  const manifest = await files.json('manifest.json', 'not a defsim result directory: it has no manifest.json');
  const kind = manifest.kind;
  if (kind === 'run') return loadRun(dir, manifest, files);
  if (kind === 'sensitivity') return loadSensitivity(dir, manifest, files);
  if (kind === 'sweep' && manifest.sampling) {
    // A sobol/morris sweep is reported through its sensitivity analysis (point-by-point charts of thousands of samples say nothing).
    if (!(await files.exists(SWEEP_ANALYSIS_MANIFEST))) throw new ReportInputError(dir, 'a sobol/morris sweep without a sensitivity analysis: run `defsim analyze DIR` (it writes the analysis and this report)');
    return loadSensitivity(dir, await files.json(SWEEP_ANALYSIS_MANIFEST), files, manifest);
  }
  if (kind === 'sweep') return loadSweep(dir, manifest, files);
  if (kind === 'calibration') return loadCalibrationResult(dir, manifest, files);
  if (kind === 'decision') return loadDecision(dir, manifest, files);
  if (kind === 'worlds') return loadWorldsResult(dir, manifest, files);
  throw new ReportInputError(join(dir, 'manifest.json'), `"kind" is ${JSON.stringify(kind)}; expected "run", "sweep", "sensitivity", "calibration", "decision" or "worlds"`);
}

async function requireDirectory(dir: string, dirArg: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (info === null) throw new ReportInputError(dirArg, 'no such directory');
  if (!info.isDirectory()) throw new ReportInputError(dirArg, 'not a directory (expected a run or sweep result directory)');
}

async function loadRun(dir: string, manifest: Record<string, unknown>, files: InputFiles): Promise<RunResult> {
  const series = await files.csv('series.csv');
  requireNumericSeries(series);
  const summary = parseSummary(await files.json('summary.json'), files.path('summary.json'));
  return {
    kind: 'run',
    dir,
    name: basename(dir),
    manifest,
    scenario: stringOr(manifest.scenario, summary.scenario ?? 'unknown scenario'),
    seed: typeof manifest.seed === 'number' ? manifest.seed : (summary.seed ?? null),
    units: stringRecord(manifest.units),
    series,
    summary,
    inputFiles: files.read,
    notes: files.checksumNotes(manifest),
  };
}

/** A run's series.csv must have rows, a tick column, and numbers in every cell. */
function requireNumericSeries(series: Table): void {
  columnIndex(series, 'tick');
  if (series.rows.length === 0) throw new ReportInputError(series.file, 'no data rows (expected one row per tick)');
  series.rows.forEach((row, i) => row.forEach((cell, c) => parseNumberCell(cell, series.file, i + 2, series.header[c])));
}

function parseSummary(raw: Record<string, unknown>, file: string): RunSummary {
  const calibration = raw.calibration ?? [];
  if (!Array.isArray(calibration)) throw new ReportInputError(file, '"calibration" must be an array');
  return {
    scenario: typeof raw.scenario === 'string' ? raw.scenario : undefined,
    seed: typeof raw.seed === 'number' ? raw.seed : undefined,
    ticks: typeof raw.ticks === 'number' ? raw.ticks : undefined,
    final: numberRecord(raw.final, file, 'final'),
    costPerDefectionUsd: typeof raw.costPerDefectionUsd === 'number' ? raw.costPerDefectionUsd : undefined,
    metrics: numberRecord(raw.metrics, file, 'metrics'),
    calibration: calibration.map((entry, i) => parseTarget(entry, file, i)),
  };
}

function parseTarget(entry: unknown, file: string, index: number): CalibrationTarget {
  const where = `calibration[${index}]`;
  if (entry === null || typeof entry !== 'object') throw new ReportInputError(file, `${where} is not an object`);
  const t = entry as Record<string, unknown>;
  if (typeof t.series !== 'string') throw new ReportInputError(file, `${where}.series must be a string`);
  if (typeof t.tick !== 'number') throw new ReportInputError(file, `${where}.tick must be a number`);
  const num = (key: string): number | undefined => {
    const value = t[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number') throw new ReportInputError(file, `${where}.${key} must be a number`);
    return value;
  };
  return {
    id: typeof t.id === 'string' ? t.id : `${t.series}@${t.tick}`,
    series: t.series,
    tick: t.tick,
    observed: num('observed'),
    tolerance: num('tolerance'),
    low: num('low'),
    high: num('high'),
    max: num('max'),
    min: num('min'),
    model: num('model'),
    pass: typeof t.pass === 'boolean' ? t.pass : undefined,
    source: typeof t.source === 'string' ? t.source : undefined,
  };
}

async function loadSweep(dir: string, manifest: Record<string, unknown>, files: InputFiles): Promise<SweepResult> {
  const manifestFile = files.path('manifest.json');
  const variedPaths = stringArray(manifest.varied, manifestFile, 'varied');
  const runs = await files.csv('runs.csv');
  for (const column of ['run_id', 'point_id', 'status', ...variedPaths]) columnIndex(runs, column);
  const pointsTable = await files.csv('points.csv');
  for (const column of ['point_id', 'metric', ...POINTS_STAT_COLUMNS, ...variedPaths]) columnIndex(pointsTable, column);
  if (pointsTable.rows.length === 0) throw new ReportInputError(pointsTable.file, 'no data rows (expected one row per design point and metric)');
  const series = await loadSweepSeries(files, manifest);
  const effects = await loadSweepEffects(files, manifest);
  const points = designPoints(pointsTable, variedPaths);
  const experiment = manifest.experiment as { name?: unknown } | undefined;
  return {
    kind: 'sweep',
    dir,
    name: basename(dir),
    experimentName: typeof experiment?.name === 'string' ? experiment.name : basename(dir),
    manifest,
    varied: variedPaths.map((path) => variedParameter(path, points)),
    metrics: metricNames(pointsTable, manifest),
    points,
    stats: metricStats(pointsTable),
    runs,
    runStatus: runStatusCounts(runs),
    series,
    effects,
    inputFiles: files.read,
    notes: files.checksumNotes(manifest),
  };
}

const EFFECT_NUMBERS: ReadonlyArray<[keyof EffectRecord, string]> = [
  ['n', 'n'], ['baselineMean', 'baseline_mean'], ['mean', 'mean'], ['effect', 'effect'], ['effectLow', 'effect_ci95_low'], ['effectHigh', 'effect_ci95_high'],
  ['spendOverBaselineUsd', 'spend_over_baseline_usd'], ['perMillionUsd', 'effect_per_million_usd'], ['perMillionUsdLow', 'effect_per_million_usd_ci95_low'],
  ['perMillionUsdHigh', 'effect_per_million_usd_ci95_high'], ['costPerAdditionalDefectionUsd', 'cost_per_additional_defection_usd'],
  ['costLow', 'cost_per_additional_defection_usd_ci95_low'], ['costHigh', 'cost_per_additional_defection_usd_ci95_high'],
];

/** effects.csv is optional, but when the manifest lists it, it must be there and whole. */
async function loadSweepEffects(files: InputFiles, manifest: Record<string, unknown>): Promise<SweepEffects | null> {
  const listed = typeof manifest.files === 'object' && manifest.files !== null && 'effects.csv' in manifest.files;
  if (!listed && !(await files.exists('effects.csv'))) return null;
  const table = await files.csv('effects.csv');
  const text = ['point_id', 'baseline_point_id', 'metric', 'effect_per_million_usd_undefined_reason', 'cost_per_additional_defection_usd_undefined_reason'].map((c) => columnIndex(table, c));
  const numbers = EFFECT_NUMBERS.map(([key, column]) => [key, columnIndex(table, column), column] as const);
  const rows = table.rows.map((row, i): EffectRecord => {
    const record: Record<string, unknown> = {
      pointId: row[text[0]], baselinePointId: row[text[1]], metric: row[text[2]], perMillionUsdReason: row[text[3]], costReason: row[text[4]],
    };
    for (const [key, at, column] of numbers) record[key] = parseNumberCell(row[at], table.file, i + 2, column);
    return record as unknown as EffectRecord;
  });
  const about = (typeof manifest.effects === 'object' && manifest.effects !== null ? manifest.effects : {}) as Record<string, unknown>;
  return {
    baseline: typeof about.baseline === 'object' && about.baseline !== null ? (about.baseline as Record<string, unknown>) : {},
    pairing: typeof about.pairing === 'string' ? about.pairing : 'unknown',
    intervals: typeof about.intervals === 'string' ? about.intervals : '',
    rows,
  };
}

/** The long series.csv is optional, but when the manifest lists it, it must be there. */
async function loadSweepSeries(files: InputFiles, manifest: Record<string, unknown>): Promise<Table | null> {
  const listed = typeof manifest.files === 'object' && manifest.files !== null && 'series.csv' in manifest.files;
  if (!listed && !(await files.exists('series.csv'))) return null;
  const table = await files.csv('series.csv');
  for (const column of ['run_id', 'point_id', 'tick']) columnIndex(table, column);
  const textColumns = new Set([columnIndex(table, 'run_id'), columnIndex(table, 'point_id')]);
  table.rows.forEach((row, i) =>
    row.forEach((cell, c) => {
      if (!textColumns.has(c)) parseNumberCell(cell, table.file, i + 2, table.header[c]);
    }),
  );
  return table;
}

function designPoints(table: Table, variedPaths: readonly string[]): DesignPoint[] {
  const ids = textColumn(table, 'point_id');
  const byId = new Map<string, DesignPoint>();
  ids.forEach((id, i) => {
    if (byId.has(id)) return;
    const params: Record<string, string> = {};
    for (const path of variedPaths) params[path] = table.rows[i][columnIndex(table, path)];
    byId.set(id, { id, params });
  });
  return [...byId.values()];
}

function variedParameter(path: string, points: readonly DesignPoint[]): VariedParameter {
  const distinct = [...new Set(points.map((p) => p.params[path]))];
  const numeric = isNumericText(distinct);
  const values = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct;
  return { path, values, numeric };
}

function metricNames(table: Table, manifest: Record<string, unknown>): string[] {
  const present = [...new Set(textColumn(table, 'metric'))];
  const declared = Array.isArray(manifest.metrics) ? manifest.metrics.filter((m): m is string => typeof m === 'string') : [];
  return [...declared.filter((m) => present.includes(m)), ...present.filter((m) => !declared.includes(m))];
}

function metricStats(table: Table): Map<string, Map<string, MetricStat>> {
  const cell = (row: readonly string[], i: number, column: string): number =>
    hasColumn(table, column) ? parseNumberCell(row[columnIndex(table, column)], table.file, i + 2, column) : Number.NaN;
  const stats = new Map<string, Map<string, MetricStat>>();
  table.rows.forEach((row, i) => {
    const pointId = row[columnIndex(table, 'point_id')];
    const metric = row[columnIndex(table, 'metric')];
    if (!stats.has(pointId)) stats.set(pointId, new Map());
    stats.get(pointId)!.set(metric, {
      n: cell(row, i, 'n'),
      mean: cell(row, i, 'mean'),
      sd: cell(row, i, 'sd'),
      ci95Low: cell(row, i, 'ci95_low'),
      ci95High: cell(row, i, 'ci95_high'),
      min: cell(row, i, 'min'),
      max: cell(row, i, 'max'),
    });
  });
  return stats;
}

function runStatusCounts(runs: Table): RunStatusCounts {
  const status = textColumn(runs, 'status');
  const errors = hasColumn(runs, 'error') ? textColumn(runs, 'error') : status.map(() => '');
  const runIds = textColumn(runs, 'run_id');
  const pointIds = textColumn(runs, 'point_id');
  const failedIndexes = status.flatMap((s, i) => (s === 'ok' ? [] : [i]));
  return {
    ok: status.length - failedIndexes.length,
    failed: failedIndexes.length,
    failures: failedIndexes.slice(0, 20).map((i) => ({ runId: runIds[i], pointId: pointIds[i], error: errors[i] })),
  };
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function stringArray(value: unknown, file: string, key: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new ReportInputError(file, `"${key}" must be an array of strings`);
  }
  return value;
}

function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function numberRecord(value: unknown, file: string, key: string): Record<string, number> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ReportInputError(file, `"${key}" must be an object`);
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, number] => typeof e[1] === 'number'));
}
