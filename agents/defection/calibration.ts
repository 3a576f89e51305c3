/**
 * The observed record (data/myanmar-2021.json, copied from the project's shared calibration file
 * with its sources) and the comparison of a run's series with each target.
 */
import observedRecord from '../../data/myanmar-2021.json' with { type: 'json' };

export interface CalibrationTarget {
  id: string;
  series: string;
  group: string;
  tick: number;
  value?: number;
  tolerance?: number;
  max?: number;
  maxShare?: number;
  /** Relative weight in the calibration distance (default 1; runners/calibrate/). */
  weight?: number;
  /** Never used to fit a calibration: predicted and scored apart (docs/CALIBRATION.md). */
  holdout?: boolean;
  source?: string;
  note?: string;
}

export interface CalibrationRecord {
  targets: CalibrationTarget[];
  /** Each shape in words; `checks` are its machine-readable form, read by runners/calibrate/targets.ts. */
  shapes: Array<{ id: string; text: string; source?: string; checks?: unknown[] }>;
}

export interface CalibrationResult {
  id: string;
  series: string;
  tick: number;
  observed?: number;
  tolerance?: number;
  low?: number;
  high?: number;
  max?: number;
  model: number;
  pass: boolean;
  /** Present (true) on a calibration holdout. */
  holdout?: boolean;
  source?: string;
}

export function calibrationRecord(): CalibrationRecord {
  return observedRecord as CalibrationRecord;
}

/** The target series `targetColumn` maps to columns of series.csv. */
export const TARGET_SERIES = ['defected_cumulative', 'out', 'sanctioned_cumulative'] as const;

/** Map a target's (series, group) to a column of series.csv. */
export function targetColumn(t: CalibrationTarget): string {
  if (t.series === 'sanctioned_cumulative') return 'sanctioned';
  if (t.series === 'defected_cumulative') return `defected_${t.group.replace('.', '_')}`;
  if (t.series === 'out') return `out_${t.group.replace('.', '_')}`;
  throw new Error(`calibration target ${t.id}: unknown series ${t.series}`);
}

/**
 * Compare model values with every target. `value(column, tick)` reads the run's series;
 * `initial(column)` is the group's stock, for share targets.
 */
export function compareWithRecord(
  value: (column: string, tick: number) => number | undefined,
  initial: (group: string) => number,
): CalibrationResult[] {
  const out: CalibrationResult[] = [];
  for (const t of calibrationRecord().targets) {
    const column = targetColumn(t);
    const model = value(column, t.tick);
    if (model === undefined) continue; // the run is shorter than the target's tick
    const base = { id: t.id, series: column, tick: t.tick, model, ...(t.holdout ? { holdout: true } : {}), source: t.source };
    if (t.value !== undefined && t.tolerance !== undefined) {
      const low = t.value * (1 - t.tolerance);
      const high = t.value * (1 + t.tolerance);
      out.push({ ...base, observed: t.value, tolerance: t.tolerance, low, high, pass: model >= low && model <= high });
    } else if (t.max !== undefined) {
      out.push({ ...base, max: t.max, pass: model <= t.max });
    } else if (t.maxShare !== undefined) {
      const max = t.maxShare * initial(t.group);
      out.push({ ...base, max, pass: model <= max });
    }
  }
  return out;
}
