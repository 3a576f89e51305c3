/**
 * The effect rows of one design point over its baseline, one per metric: effect with its 95%
 * interval, spend over the baseline, effect per US$1M and (for defection counts) the cost per
 * additional defection, each ratio with Fieller's interval or the reason it is undefined. Pure:
 * per-replicate arrays in, plain records out.
 */
import { effectInterval, effectRatio, inverseEffectRatio, jointEffects, type Pairing, type Ratio, type TQuantile, type UndefinedRatio } from './estimate.js';

/** Per-replicate values of each metric at one point: values[m][r] (NaN where a run failed or the metric is undefined). */
export type PointSamples = ReadonlyMap<string, readonly number[]>;

export interface EffectRow {
  metric: string;
  n: number;
  baselineMean: number;
  mean: number;
  effect: number;
  effectCi95Low: number;
  effectCi95High: number;
  spendOverBaselineUsd: number;
  effectPerMillionUsd: number;
  effectPerMillionUsdCi95Low: number;
  effectPerMillionUsdCi95High: number;
  /** Why the per-$1M ratio is undefined (null when defined). */
  effectPerMillionUsdUndefinedReason: string | null;
  /** NaN for metrics that are not defection counts. */
  costPerAdditionalDefectionUsd: number;
  costPerAdditionalDefectionUsdCi95Low: number;
  costPerAdditionalDefectionUsdCi95High: number;
  /** Why the cost is undefined (null when defined, or when the metric is not a defection count). */
  costPerAdditionalDefectionUsdUndefinedReason: string | null;
  /** The spend the cost divides: the count's own group's spend, or the whole spend (null when no cost). */
  costSpendMetric: string | null;
  /** That spend's effect over the baseline (NaN when no cost). */
  costSpendOverBaselineUsd: number;
}

export interface EffectOptions {
  pairing: Pairing;
  t: TQuantile;
  /** The metric holding what was spent, in US dollars (default `spend_usd`; null: none); without it no ratio is defined. */
  spendMetric?: string | null;
  /** Which metrics count defections (default: names starting `defected_`). */
  isDefectionCount?: (metric: string) => boolean;
  /**
   * The spend a count's cost per additional one divides (its own group's: model 1.2 attributes
   * spend to the group that got it); null or absent: the whole spend (`spendMetric`).
   */
  costSpendMetric?: (metric: string) => string | null | undefined;
}

export const SPEND_METRIC = 'spend_usd';

export function isDefectionCount(metric: string): boolean {
  return metric.startsWith('defected_');
}

const PER_MILLION_REASONS: Record<UndefinedRatio, string> = {
  'zero': 'no spend over baseline',
  'not-distinguishable': 'spend over baseline not distinguishable from 0',
  'negative': 'spends less than the baseline',
  'too-few': 'fewer than 2 replicates with a value',
};

const COST_REASONS: Record<UndefinedRatio, string> = {
  'zero': 'no extra defections',
  'not-distinguishable': 'extra defections not distinguishable from 0',
  'negative': 'fewer defections than the baseline',
  'too-few': 'fewer than 2 replicates with a value',
};

/**
 * One row per metric of `metrics`. A point compared with itself (`sameRuns`) is always paired:
 * its effects are exactly 0. Replicates where the metric or the spend is not finite are left out.
 */
export function effectRows(point: PointSamples, baseline: PointSamples, metrics: readonly string[], options: EffectOptions & { sameRuns?: boolean }): EffectRow[] {
  const pairing: Pairing = options.sameRuns ? 'paired' : options.pairing;
  const spendMetric = options.spendMetric === undefined ? SPEND_METRIC : options.spendMetric;
  const countsDefections = options.isDefectionCount ?? isDefectionCount;
  const spendAt = (samples: PointSamples, like: readonly number[], which: string | null = spendMetric) => (which === null ? undefined : samples.get(which)) ?? like.map(() => NaN);
  return metrics.map((metric) => {
    const y = point.get(metric) ?? [];
    const b = baseline.get(metric) ?? [];
    const hasSpend = spendMetric !== null && point.has(spendMetric) && baseline.has(spendMetric);
    // Without a spend metric the effect itself still counts: pair the metric with itself.
    const joint = jointEffects(y, hasSpend ? spendAt(point, y) : y, b, hasSpend ? spendAt(baseline, b) : b, pairing);
    const effect = effectInterval(joint.y, options.t);
    const perMillion: Ratio = hasSpend ? effectRatio(joint, options.t, 1e6) : { defined: false, why: 'zero' };
    // A count's cost divides its own group's spend when the model attributes spend by group.
    const own = countsDefections(metric) ? options.costSpendMetric?.(metric) ?? null : null;
    const ownSpend = own !== null && point.has(own) && baseline.has(own);
    const costJoint = ownSpend ? jointEffects(y, spendAt(point, y, own), b, spendAt(baseline, b, own), pairing) : joint;
    const cost: Ratio | null = countsDefections(metric) && (ownSpend || hasSpend) ? inverseEffectRatio(costJoint, options.t) : null;
    return {
      metric,
      n: joint.y.n,
      baselineMean: joint.y.baselineMean,
      mean: joint.y.mean,
      effect: effect.value,
      effectCi95Low: effect.ci95Low,
      effectCi95High: effect.ci95High,
      spendOverBaselineUsd: hasSpend ? joint.s.effect : NaN,
      ...ratioFields('effectPerMillionUsd', perMillion, hasSpend ? PER_MILLION_REASONS : { ...PER_MILLION_REASONS, zero: spendMetric === null ? 'no spend metric' : `no ${spendMetric} metric` }),
      ...ratioFields('costPerAdditionalDefectionUsd', cost, COST_REASONS),
      costSpendMetric: cost === null ? null : ownSpend ? own : spendMetric,
      costSpendOverBaselineUsd: cost === null ? NaN : costJoint.s.effect,
    } as EffectRow;
  });
}

function ratioFields(prefix: string, ratio: Ratio | null, reasons: Record<UndefinedRatio, string>): Record<string, number | string | null> {
  const defined = ratio?.defined === true ? ratio : null;
  return {
    [prefix]: defined ? defined.value : NaN,
    [`${prefix}Ci95Low`]: defined ? defined.ci95Low : NaN,
    [`${prefix}Ci95High`]: defined ? defined.ci95High : NaN,
    [`${prefix}UndefinedReason`]: ratio && !ratio.defined ? reasons[ratio.why] : null,
  };
}
