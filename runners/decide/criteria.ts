/**
 * A criterion's value in one world, from the replicates of a policy and of the baseline run with
 * the same seeds (pure: arrays in, a record out). With R replicates, d_r = policy − baseline on the
 * metric and e_r = policy − baseline on the spend the criterion divides, each over the pairs where
 * both runs have finite values:
 *   - effect:               mean(d)                                          (the metric's units)
 *   - per_million_usd:      mean(d) / (max(mean(e), floor) / 10^6)           (units per US$1M)
 *   - cost_per_additional:  mean(e) / mean(d), at most the ceiling            (US$ per person)
 * A ratio is a ratio of the world's mean effects (not a mean of per-replicate ratios). Where it is
 * not a number the rule says what it is instead — never a huge number, never a gap:
 *   - cost_per_additional when mean(d) ≤ 0 (the policy buys no extra person of the group in that
 *     world): the ceiling, as is a cost above the ceiling. The ceiling is the most the decision
 *     maker would pay for one more; a policy that buys none is worth no more than one that buys
 *     them at that price. No significance test is made within a world (two replicates leave one
 *     degree of freedom): a small noisy mean(d) > 0 gives a large cost, which the ceiling bounds.
 *   - per_million_usd when mean(e) is below the floor (it spends less than `floor` over the
 *     baseline, e.g. nothing): the effect per the floor's worth of dollars.
 * The seed variance of a single replicate (what the estimators split the spread with) is the
 * sample variance of d for an effect, and the delta method's for a ratio: var(e − ratio·d)/mean(d)²
 * (per $1M: var(d − ratio·e/10^6)·(10^6/mean(e))²); NaN where the rule replaced the ratio.
 */

import { InputError } from '../../engine/errors.js';

export type CriterionKind = 'effect' | 'per_million_usd' | 'cost_per_additional';

export const CRITERION_KINDS: readonly CriterionKind[] = ['effect', 'per_million_usd', 'cost_per_additional'];

/** per_million_usd: spend over the baseline below this (US$) counts as this, by default. */
export const DEFAULT_SPEND_FLOOR_USD = 1e6;

/** What the rule did in a world (world-criteria.csv's `note`). */
export type ValueNote = 'defined' | 'above the ceiling' | 'no additional (≤ 0): the ceiling' | 'spend below the floor: per the floor' | 'no replicate pair';

export interface WorldValue {
  /** The criterion's value in the world (NaN only with no replicate pair). */
  readonly value: number;
  /** Replicate pairs used. */
  readonly replicates: number;
  /** Seed variance of a single replicate (NaN when unknown: fewer than 2 pairs, or the rule replaced the ratio). */
  readonly withinVariance: number;
  /** mean(d): the effect on the metric over the baseline. */
  readonly effect: number;
  /** mean(e): the spend over the baseline (NaN for an effect). */
  readonly spendOverBaseline: number;
  readonly note: ValueNote;
}

export interface RatioSettings {
  /** cost_per_additional (required): the value where no extra person is bought, and the most a cost may be (US$ per person). */
  readonly ceiling?: number;
  /** per_million_usd: spend over the baseline below this counts as this (US$, > 0; default $1M). */
  readonly spendFloorUsd?: number;
}

function sampleVariance(values: readonly number[], mean: number): number {
  if (values.length < 2) return NaN;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return ss / (values.length - 1);
}

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/**
 * One world's value: `policy`/`baseline` are the metric per replicate, `policySpend`/`baselineSpend`
 * the spend per replicate (ratios only); replicate r of both ran with the same seed.
 */
export function worldValue(
  kind: CriterionKind,
  runs: { policy: ArrayLike<number>; baseline: ArrayLike<number>; policySpend?: ArrayLike<number>; baselineSpend?: ArrayLike<number> },
  settings: RatioSettings = {},
): WorldValue {
  const d: number[] = [];
  const e: number[] = [];
  const ratio = kind !== 'effect';
  for (let r = 0; r < runs.policy.length; r++) {
    const dy = runs.policy[r] - runs.baseline[r];
    const ds = ratio ? runs.policySpend![r] - runs.baselineSpend![r] : 0;
    if (!Number.isFinite(dy) || !Number.isFinite(ds)) continue; // a failed run, or a metric undefined in it: left out with its partner
    d.push(dy);
    e.push(ds);
  }
  if (d.length === 0) return { value: NaN, replicates: 0, withinVariance: NaN, effect: NaN, spendOverBaseline: NaN, note: 'no replicate pair' };
  const D = mean(d);
  if (kind === 'effect') return { value: D, replicates: d.length, withinVariance: sampleVariance(d, D), effect: D, spendOverBaseline: NaN, note: 'defined' };
  const E = mean(e);
  if (kind === 'per_million_usd') {
    const floor = settings.spendFloorUsd ?? DEFAULT_SPEND_FLOOR_USD;
    if (!(floor > 0)) throw new InputError(`invalid value for 'spendFloorUsd': ${floor} (allowed: an amount of US$ > 0)`);
    if (!(E > floor)) {
      const per = floor / 1e6;
      return { value: D / per, replicates: d.length, withinVariance: sampleVariance(d, D) / per ** 2, effect: D, spendOverBaseline: E, note: 'spend below the floor: per the floor' };
    }
    const value = D / (E / 1e6);
    const linear = d.map((dy, r) => dy - (value * e[r]) / 1e6);
    return { value, replicates: d.length, withinVariance: sampleVariance(linear, mean(linear)) * (1e6 / E) ** 2, effect: D, spendOverBaseline: E, note: 'defined' };
  }
  const ceiling = settings.ceiling;
  if (ceiling === undefined || !(ceiling >= 0)) throw new InputError(`invalid value for 'ceiling': ${String(ceiling)} (allowed: the most a decision maker would pay for one more person, US$ ≥ 0)`);
  if (!(D > 0)) return { value: ceiling, replicates: d.length, withinVariance: NaN, effect: D, spendOverBaseline: E, note: 'no additional (≤ 0): the ceiling' };
  const cost = E / D;
  if (cost > ceiling) return { value: ceiling, replicates: d.length, withinVariance: NaN, effect: D, spendOverBaseline: E, note: 'above the ceiling' };
  const linear = e.map((ds, r) => ds - cost * d[r]);
  return { value: cost, replicates: d.length, withinVariance: sampleVariance(linear, mean(linear)) / D ** 2, effect: D, spendOverBaseline: E, note: 'defined' };
}
