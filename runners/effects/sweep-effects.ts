/**
 * effects.csv of a sweep, written point by point while the sweep's files are assembled: each
 * point's per-replicate metrics against its baseline point's (read back from the journal, the
 * last baseline kept in memory, so memory stays flat however many points).
 */
import type { Pairing, TQuantile } from './estimate.js';
import { EFFECT_TEXT_COLUMNS, effectCells } from './csv.js';
import { effectRows, type PointSamples } from './rows.js';

export interface SweepEffectsOptions {
  baselines: Int32Array;
  metrics: readonly string[];
  pairing: Pairing;
  t: TQuantile;
  /** The metric holding spend (null: none, no ratio is defined). */
  spendMetric: string | null;
  /** Which metrics count people or agents (their cost per additional one is given). */
  isCount: (metric: string) => boolean;
  /** The spend a count's cost divides (its own group's), or null: the whole spend. */
  costSpendMetric?: (metric: string) => string | null | undefined;
  /** Per-replicate values of every metric at a point (index = replicate; NaN where a run failed). */
  readPoint: (pointId: number) => PointSamples;
  /** Write one CSV row (cells already quoted where needed). */
  write: (cells: string[]) => void;
  quote: (text: string) => string;
}

export class SweepEffects {
  private cached: { id: number; samples: PointSamples } | null = null;

  constructor(private readonly options: SweepEffectsOptions) {}

  /** The rows of one point: `valueCells` are its varied parameters' cells, `samples` its replicates. */
  point(pointId: number, valueCells: readonly string[], samples: PointSamples): void {
    const { baselines, metrics, pairing, t, write, quote, spendMetric, isCount, costSpendMetric } = this.options;
    const baselineId = baselines[pointId];
    const sameRuns = baselineId === pointId;
    const baseline = sameRuns ? samples : this.baselineSamples(baselineId);
    for (const row of effectRows(samples, baseline, metrics, { pairing, t, sameRuns, spendMetric, isDefectionCount: isCount, costSpendMetric })) {
      const cells = effectCells(row, baselineId).map((cell, i) => (EFFECT_TEXT_COLUMNS.has(i) ? quote(cell) : cell));
      write([String(pointId), ...valueCells, ...cells]);
    }
  }

  private baselineSamples(id: number): PointSamples {
    if (this.cached?.id !== id) this.cached = { id, samples: this.options.readPoint(id) };
    return this.cached.samples;
  }
}
