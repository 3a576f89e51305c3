/**
 * The observed record (data/myanmar-2021.json, copied from the project's shared calibration file
 * with its sources) and the comparison of a run's series with each target.
 */
import observedRecord from '../../data/myanmar-2021.json' with { type: 'json' };
import type { RecordTarget } from '../../engine/model.js';

export interface CalibrationRecord {
  targets: RecordTarget[];
  /** Each shape in words; `checks` are its machine-readable form, read by runners/calibrate/targets.ts. */
  shapes: Array<{ id: string; text: string; source?: string; checks?: unknown[] }>;
}

export function calibrationRecord(): CalibrationRecord {
  return observedRecord as CalibrationRecord;
}

/** The target series `targetColumn` maps to columns of series.csv. */
export const TARGET_SERIES = ['defected_cumulative', 'out', 'sanctioned_cumulative'] as const;

/** Map a target's (series, group) to a column of series.csv. */
export function targetColumn(t: RecordTarget): string {
  if (t.series === 'sanctioned_cumulative') return 'sanctioned';
  if (t.series === 'defected_cumulative') return `defected_${t.group.replace('.', '_')}`;
  if (t.series === 'out') return `out_${t.group.replace('.', '_')}`;
  throw new Error(`calibration target ${t.id}: unknown series ${t.series}`);
}
