/**
 * A run against the model's observed record: for every target inside the horizon, the model's
 * value beside the observed one and whether it passes (value ± tolerance, at most `max`, at most
 * `maxShare` of the group's stock at tick 0). The comparison summary.json lists.
 */
import type { ObservedRecord } from '../../engine/model.js';

export interface RecordComparison {
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

/**
 * Compare a run's series with every target of the record. `value(column, tick)` reads the run
 * (undefined past its horizon: the target is left out).
 */
export function compareWithRecord(record: ObservedRecord, value: (column: string, tick: number) => number | undefined): RecordComparison[] {
  const stock = (group: string) => (record.stockColumns?.(group) ?? []).reduce((sum, column) => sum + (value(column, 0) ?? NaN), 0);
  const out: RecordComparison[] = [];
  for (const t of record.targets) {
    const column = record.targetColumn(t);
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
      const max = t.maxShare * stock(t.group);
      out.push({ ...base, max, pass: model <= max });
    }
  }
  return out;
}
