/**
 * Reads a calibration result directory (`defsim calibrate`, docs/FORMATS.md "A calibration") into
 * typed data for its report: the priors and targets from manifest.json, the posterior particles,
 * the generations, identifiability.csv and the posterior-predictive files. Errors name the file.
 */
import { basename } from 'node:path';
import { columnIndex, numericColumn, textColumn, type Table } from './csv.js';
import { ReportInputError } from './errors.js';
import type { InputFile } from './input-files.js';

/** A prior as the manifest's calibration records it. */
export type CalibrationPrior =
  | { readonly kind: 'uniform' | 'log-uniform'; readonly from: number; readonly to: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly sd: number; readonly from: number; readonly to: number };

export interface CalibrationParameter {
  readonly name: string;
  readonly unit: string;
  readonly prior: CalibrationPrior;
  readonly scenarioValue: number;
}

/** A quantity a target reads (runners/calibrate/measures.ts, as data). */
export interface TargetQuantity {
  readonly column: string;
  readonly tick?: number;
  readonly mean?: { readonly from: number; readonly to: number };
  readonly perStock?: string;
}

export interface CalibrationTargetInfo {
  readonly id: string;
  readonly kind: 'value' | 'bound' | 'check';
  readonly holdout: boolean;
  /** The quantity, or null for a ratio of two (drawn in the all-targets chart only). */
  readonly quantity: TargetQuantity | null;
  readonly description: string;
  readonly observed?: number;
  readonly min?: number;
  readonly max?: number;
  readonly tolerance: number;
}

export interface GenerationRow {
  readonly generation: number;
  readonly tolerance: number;
  readonly simulations: number;
  readonly accepted: number;
  readonly acceptanceRate: number;
  readonly ess: number;
  readonly complete: boolean;
}

/** predictive.csv, one row per target. */
export interface PredictionRow {
  readonly target: string;
  readonly holdout: boolean;
  readonly n: number;
  /** q05, q25, median, q75, q95. */
  readonly quantiles: readonly number[];
  readonly metShare: number;
  readonly observedIn50: boolean | null;
  readonly observedIn90: boolean | null;
}

/** identifiability.csv, one row per parameter. */
export interface IdentifiabilityRow {
  readonly parameter: string;
  readonly prior: string;
  readonly sdRatio: number;
  readonly identified: boolean;
  /** q05, q25, median, q75, q95. */
  readonly quantiles: readonly number[];
  readonly scenarioValue: number;
  readonly scenarioInside90: boolean;
}

export interface CalibrationResult {
  readonly kind: 'calibration';
  readonly dir: string;
  readonly name: string;
  readonly manifest: Readonly<Record<string, unknown>>;
  readonly inputFiles: readonly InputFile[];
  readonly notes: readonly string[];
  readonly calibrationName: string;
  readonly parameters: readonly CalibrationParameter[];
  readonly targets: readonly CalibrationTargetInfo[];
  /** Posterior particles: one array per parameter (manifest order), with weights and distances. */
  readonly posterior: { readonly generation: number; readonly values: readonly (readonly number[])[]; readonly weights: readonly number[]; readonly distances: readonly number[] };
  readonly generations: readonly GenerationRow[];
  readonly identifiability: readonly IdentifiabilityRow[];
  readonly predictions: readonly PredictionRow[];
  /** predictive-series.csv: per column, one row per tick with q05, q25, median, q75, q95. */
  readonly predictiveSeries: ReadonlyMap<string, readonly { tick: number; quantiles: readonly number[] }[]>;
}

/** What calibration loading needs from load.ts's file reader. */
export interface CalibrationFiles {
  readonly read: InputFile[];
  path(name: string): string;
  csv(name: string): Promise<Table>;
  checksumNotes(manifest: Record<string, unknown>): string[];
}

const QUANTILE_COLUMNS = ['q05', 'q25', 'median', 'q75', 'q95'];

export async function loadCalibrationResult(dir: string, manifest: Record<string, unknown>, files: CalibrationFiles): Promise<CalibrationResult> {
  const manifestFile = files.path('manifest.json');
  const parameters = manifestParameters(manifest, manifestFile);
  const targets = manifestTargets(manifest, manifestFile);
  const posteriorTable = await files.csv('posterior.csv');
  const posterior = {
    generation: numericColumn(posteriorTable, 'generation')[0] ?? Number.NaN,
    values: parameters.map((p) => numericColumn(posteriorTable, p.name)),
    weights: numericColumn(posteriorTable, 'weight'),
    distances: numericColumn(posteriorTable, 'distance'),
  };
  if (posterior.weights.length === 0) throw new ReportInputError(posteriorTable.file, 'no particles (expected one row per particle)');
  const generationsTable = await files.csv('generations.csv');
  const generations = numericColumn(generationsTable, 'generation').map((generation, i) => ({
    generation,
    tolerance: numericColumn(generationsTable, 'tolerance')[i],
    simulations: numericColumn(generationsTable, 'simulations')[i],
    accepted: numericColumn(generationsTable, 'accepted')[i],
    acceptanceRate: numericColumn(generationsTable, 'acceptance_rate')[i],
    ess: numericColumn(generationsTable, 'ess')[i],
    complete: textColumn(generationsTable, 'complete')[i] === 'true',
  }));
  const identifiabilityTable = await files.csv('identifiability.csv');
  const identifiability = textColumn(identifiabilityTable, 'parameter').map((parameter, i) => ({
    parameter,
    prior: textColumn(identifiabilityTable, 'prior')[i],
    sdRatio: numericColumn(identifiabilityTable, 'sd_ratio')[i],
    identified: textColumn(identifiabilityTable, 'identified')[i] === 'true',
    quantiles: QUANTILE_COLUMNS.map((c) => numericColumn(identifiabilityTable, c)[i]),
    scenarioValue: numericColumn(identifiabilityTable, 'scenario_value')[i],
    scenarioInside90: textColumn(identifiabilityTable, 'scenario_value_in_90')[i] === 'true',
  }));
  const predictiveTable = await files.csv('predictive.csv');
  const flag = (cell: string) => (cell === '' ? null : cell === 'true');
  const predictions = textColumn(predictiveTable, 'target').map((target, i) => ({
    target,
    holdout: textColumn(predictiveTable, 'holdout')[i] === 'true',
    n: numericColumn(predictiveTable, 'n')[i],
    quantiles: QUANTILE_COLUMNS.map((c) => numericColumn(predictiveTable, c)[i]),
    metShare: numericColumn(predictiveTable, 'met_share')[i],
    observedIn50: flag(textColumn(predictiveTable, 'observed_in_50')[i]),
    observedIn90: flag(textColumn(predictiveTable, 'observed_in_90')[i]),
  }));
  const seriesTable = await files.csv('predictive-series.csv');
  columnIndex(seriesTable, 'column');
  const predictiveSeries = new Map<string, { tick: number; quantiles: number[] }[]>();
  const ticks = numericColumn(seriesTable, 'tick');
  const quantileColumns = QUANTILE_COLUMNS.map((c) => numericColumn(seriesTable, c));
  textColumn(seriesTable, 'column').forEach((column, i) => {
    if (!predictiveSeries.has(column)) predictiveSeries.set(column, []);
    predictiveSeries.get(column)!.push({ tick: ticks[i], quantiles: quantileColumns.map((q) => q[i]) });
  });
  const calibration = manifest.calibration as { name?: unknown } | undefined;
  return {
    kind: 'calibration', dir, name: basename(dir), manifest, inputFiles: files.read, notes: files.checksumNotes(manifest),
    calibrationName: typeof calibration?.name === 'string' ? calibration.name : basename(dir),
    parameters, targets, posterior, generations, identifiability, predictions, predictiveSeries,
  };
}

function manifestParameters(manifest: Record<string, unknown>, file: string): CalibrationParameter[] {
  const calibration = manifest.calibration as { parameters?: Record<string, Record<string, unknown>> } | undefined;
  const priors = calibration?.parameters;
  const listed = manifest.parameters;
  if (!priors || typeof priors !== 'object' || !Array.isArray(listed)) throw new ReportInputError(file, '"calibration.parameters" and "parameters" must describe the fitted parameters');
  return listed.map((entry: Record<string, unknown>, i) => {
    const name = entry?.name;
    if (typeof name !== 'string' || !priors[name]) throw new ReportInputError(file, `parameters[${i}] names no prior of calibration.parameters`);
    const p = priors[name];
    const num = (key: string) => {
      if (typeof p[key] !== 'number') throw new ReportInputError(file, `calibration.parameters.${name}.${key} must be a number`);
      return p[key] as number;
    };
    const prior: CalibrationPrior = 'mean' in p
      ? { kind: 'normal', mean: num('mean'), sd: num('sd'), from: num('from'), to: num('to') }
      : { kind: p.log === true ? 'log-uniform' : 'uniform', from: num('from'), to: num('to') };
    return { name, unit: typeof entry.unit === 'string' ? entry.unit : '1', prior, scenarioValue: typeof entry.scenarioValue === 'number' ? entry.scenarioValue : Number.NaN };
  });
}

function manifestTargets(manifest: Record<string, unknown>, file: string): CalibrationTargetInfo[] {
  if (!Array.isArray(manifest.targets)) throw new ReportInputError(file, '"targets" must list the calibration targets');
  return manifest.targets.map((t: Record<string, unknown>, i) => {
    if (typeof t?.id !== 'string' || (t.kind !== 'value' && t.kind !== 'bound' && t.kind !== 'check')) throw new ReportInputError(file, `targets[${i}] needs an id and a kind (value, bound or check)`);
    const measure = t.measure as { kind?: string; quantity?: TargetQuantity } | undefined;
    const optional = (key: string) => (typeof t[key] === 'number' ? { [key]: t[key] as number } : {});
    return {
      id: t.id, kind: t.kind, holdout: t.holdout === true,
      quantity: measure?.kind === 'quantity' && measure.quantity && typeof measure.quantity.column === 'string' ? measure.quantity : null,
      description: typeof t.description === 'string' ? t.description : t.id,
      tolerance: typeof t.tolerance === 'number' ? t.tolerance : Number.NaN,
      ...optional('observed'), ...optional('min'), ...optional('max'),
    };
  });
}

/** The prior density in sampling space (ln x for log-uniform), up to a constant for the normal (normalised by the caller). */
export function priorDensity(prior: CalibrationPrior, z: number): number {
  if (prior.kind === 'normal') return z < prior.from || z > prior.to ? 0 : Math.exp(-0.5 * ((z - prior.mean) / prior.sd) ** 2);
  const [lo, hi] = prior.kind === 'log-uniform' ? [Math.log(prior.from), Math.log(prior.to)] : [prior.from, prior.to];
  return z < lo || z > hi ? 0 : 1 / (hi - lo);
}
