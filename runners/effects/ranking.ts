/**
 * Policies ranked on what each buys over the baseline — per outcome, most first — and whether
 * neighbours, or the leader and the rest, can be told apart with the replicates run. Pure: the
 * effect rows and per-replicate values in, orderings and ties out.
 */
import { effectDifference, excludesZero, ratioDifference } from './compare.js';
import type { Interval, Pairing, TQuantile } from './estimate.js';
import type { EffectsRow } from './files.js';
import type { PointSamples } from './rows.js';
import { SPEND_METRIC } from './rows.js';

export interface Policy {
  pointId: number;
  label: string;
}

export interface RankedOutcome {
  /** e.g. 'military capacity lost per $10M'. */
  label: string;
  /** The outcome in a sentence, e.g. 'army defections' (default: the label). */
  short?: string;
  metric: string;
  /** Rank the effect per `perUsd` dollars instead of the effect (10e6: per $10M). */
  perUsd?: number;
  /** Rank the cost per additional defection (spend over the baseline / extra defections), cheapest first. */
  cost?: boolean;
  /** For a cost: the spend it divides (the group's own, model 1.2); default the whole spend. */
  spendMetric?: string;
}

export interface RankingInput {
  policies: readonly Policy[];
  baseline: Policy;
  rows: readonly EffectsRow[];
  samples: ReadonlyMap<number, PointSamples>;
  pairing: Pairing;
  t: TQuantile;
}

export interface Placed {
  policy: Policy;
  value: Interval;
}

export interface Ranking {
  outcome: RankedOutcome;
  /** Most first. */
  order: Placed[];
  /** tiedWithPrevious[i]: order[i] cannot be told apart from order[i − 1] (false for i = 0). */
  tiedWithPrevious: boolean[];
  /** The policies that cannot be told apart from the first. */
  tiedWithFirst: Policy[];
  /** Policies with no value for this outcome (an undefined ratio), with the reason. */
  leftOut: { policy: Policy; reason: string }[];
}

function rowOf(rows: readonly EffectsRow[], pointId: number, metric: string): EffectsRow | undefined {
  return rows.find((r) => r.pointId === pointId && r.metric === metric);
}

/** The value a policy is ranked on, or why it has none. */
function valueOf(row: EffectsRow | undefined, outcome: RankedOutcome): Interval | string {
  if (!row) return 'no such metric';
  const scale = (outcome.perUsd ?? 0) / 1e6;
  if (outcome.cost) {
    if (row.costPerAdditionalDefectionUsd === null) return row.costPerAdditionalDefectionUsdUndefinedReason ?? 'undefined';
    return { value: row.costPerAdditionalDefectionUsd, ci95Low: row.costPerAdditionalDefectionUsdCi95Low ?? NaN, ci95High: row.costPerAdditionalDefectionUsdCi95High ?? NaN };
  }
  if (outcome.perUsd) {
    if (row.effectPerMillionUsd === null) return row.effectPerMillionUsdUndefinedReason ?? 'undefined';
    return { value: row.effectPerMillionUsd * scale, ci95Low: (row.effectPerMillionUsdCi95Low ?? NaN) * scale, ci95High: (row.effectPerMillionUsdCi95High ?? NaN) * scale };
  }
  if (row.effect === null) return 'undefined';
  return { value: row.effect, ci95Low: row.effectCi95Low ?? NaN, ci95High: row.effectCi95High ?? NaN };
}

/** The difference between two policies on an outcome, with its 95% interval. */
export function difference(input: RankingInput, outcome: RankedOutcome, a: Policy, b: Policy): Interval {
  const at = (p: Policy) => input.samples.get(p.pointId)!;
  const values = (p: Policy, metric: string) => at(p).get(metric) ?? [];
  if (outcome.cost) {
    // Spend per extra defection: the ratio with the roles of the metric and the spend swapped.
    const pick = (p: Policy) => ({ y: values(p, outcome.spendMetric ?? SPEND_METRIC), spend: values(p, outcome.metric) });
    return ratioDifference(pick(a), pick(b), pick(input.baseline), input.pairing, input.t);
  }
  if (!outcome.perUsd) return effectDifference(values(a, outcome.metric), values(b, outcome.metric), input.pairing, input.t);
  const pick = (p: Policy) => ({ y: values(p, outcome.metric), spend: values(p, SPEND_METRIC) });
  return ratioDifference(pick(a), pick(b), pick(input.baseline), input.pairing, input.t, outcome.perUsd);
}

export function rank(input: RankingInput, outcome: RankedOutcome): Ranking {
  const placed: Placed[] = [];
  const leftOut: Ranking['leftOut'] = [];
  for (const policy of input.policies) {
    const value = valueOf(rowOf(input.rows, policy.pointId, outcome.metric), outcome);
    if (typeof value === 'string') leftOut.push({ policy, reason: value });
    else placed.push({ policy, value });
  }
  // Most first; for costs, cheapest first.
  placed.sort((x, y) => (outcome.cost ? x.value.value - y.value.value : y.value.value - x.value.value));
  const tied = (x: Placed, y: Placed) => !excludesZero(difference(input, outcome, x.policy, y.policy));
  return {
    outcome,
    order: placed,
    tiedWithPrevious: placed.map((p, i) => i > 0 && tied(placed[i - 1], p)),
    tiedWithFirst: placed.slice(1).filter((p) => tied(placed[0], p)).map((p) => p.policy),
    leftOut,
  };
}

/** `a ≈ b > c` (best first; ≈: cannot be told apart from the one before; for costs `<`, cheapest first). */
export function chainText(ranking: Ranking): string {
  const step = ranking.outcome.cost ? ' < ' : ' > ';
  return ranking.order.map((p, i) => (i === 0 ? '' : ranking.tiedWithPrevious[i] ? ' ≈ ' : step) + p.policy.label).join('');
}
