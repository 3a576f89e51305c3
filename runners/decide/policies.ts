/**
 * Each policy across the worlds: its expected outcome with the range it takes across worlds and
 * that spread split into parameter uncertainty and seed noise; the probability it is best (ties
 * split evenly) with its Monte Carlo error; its rank distribution; its regret in every world
 * (what the best policy there achieves minus what it achieves) with the mean, 90th percentile and
 * maximum; and the share of worlds where it meets a threshold. All weighted by the worlds'
 * importance weights (equal by default); standard errors use the self-normalised importance-
 * sampling form √(Σ wᵢ² (xᵢ − x̄)²), which is the usual √(s²/n) for equal weights and grows as
 * the weights concentrate (lower effective sample size).
 */
import { inputError } from '../../engine/errors.js';
import { ascendingOrder, effectiveSampleSize, normaliseWeights, weightedMax, weightedQuantile } from './numeric.js';
import { checkOutcomes, netBenefit, type CriterionOutcomes } from './outcomes.js';

export interface PolicyOptions {
  /** Importance weights of the worlds (default equal); normalised here. */
  readonly weights?: ArrayLike<number>;
  /** Outcomes this close to the best (criterion units) tie with it; default 0: exact ties only. */
  readonly tieTolerance?: number;
  /** A level to meet: at least this when higher is better, at most this when lower is better. */
  readonly threshold?: number;
  /** Coverage of the interval across worlds (default 0.95). */
  readonly level?: number;
}

export interface PolicySummary {
  readonly policy: string;
  /** The weighted mean of the policy's outcome over the worlds (the criterion's units and sign). */
  readonly expectedEffect: number;
  /** Its Monte Carlo standard error (finite number of worlds, and seeds through each world's value). */
  readonly expectedEffectSe: number;
  /** The central `level` interval of the outcome across worlds: weighted quantiles of the world values. */
  readonly effectLow: number;
  readonly effectHigh: number;
  /** Weighted variance of the world values. */
  readonly varianceAcrossWorlds: number;
  /** The part due to the parameters (across minus the seed noise in a world's value); NaN without replicates. */
  readonly varianceBetweenWorlds: number;
  /** Seed variance of a single replicate within a world (weighted mean over worlds); NaN without replicates. */
  readonly varianceWithinWorlds: number;
  /** Share of the variance across worlds that is seed noise in the world values; NaN without replicates. */
  readonly seedNoiseShare: number;
  /** Weighted share of worlds where the policy is best (a tie for best among k policies counts 1/k). */
  readonly probabilityBest: number;
  readonly probabilityBestSe: number;
  /** rankProbabilities[r]: probability of rank r + 1 (1 = best); tied policies share their ranks evenly. */
  readonly rankProbabilities: readonly number[];
  readonly expectedRank: number;
  readonly expectedRegret: number;
  readonly expectedRegretSe: number;
  /** The weighted 90th percentile of the regret across worlds (inverse of the weighted distribution function). */
  readonly p90Regret: number;
  /** The largest regret in any world of positive weight. */
  readonly maxRegret: number;
  /** Weighted share of worlds where the outcome meets the threshold; NaN without a threshold. */
  readonly thresholdShare: number;
}

export interface PolicyComparison {
  readonly policies: readonly PolicySummary[];
  /** Index of the policy with the best expected outcome (the first of equals): the choice without more information. */
  readonly expectedBest: number;
  /** Index of the policy most likely to be best (the first of equals). */
  readonly mostLikelyBest: number;
  readonly worlds: number;
  readonly effectiveSampleSize: number;
  /** The normalised weights used. */
  readonly weights: Float64Array;
  /** regret[w * P + d] ≥ 0, in the criterion's units. */
  readonly regret: Float64Array;
  /** bestShare[w * P + d]: 1/k when d is one of the k policies tied for best in world w, else 0. */
  readonly bestShare: Float64Array;
}

/** Compare the policies of one criterion across its worlds. */
export function comparePolicies(outcomes: CriterionOutcomes, options: PolicyOptions = {}): PolicyComparison {
  checkOutcomes(outcomes);
  const tolerance = options.tieTolerance ?? 0;
  if (!(tolerance >= 0) || !Number.isFinite(tolerance)) throw inputError('tieTolerance', tolerance, 'a finite number ≥ 0');
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw inputError('level', level, 'a coverage strictly between 0 and 1');
  if (options.threshold !== undefined && !Number.isFinite(options.threshold)) throw inputError('threshold', options.threshold, 'a finite number');
  const { policies, worlds: W } = outcomes;
  const P = policies.length;
  const weights = normaliseWeights(W, options.weights);
  const nb = netBenefit(outcomes);
  const regret = new Float64Array(W * P);
  const bestShare = new Float64Array(W * P);
  const rankShare = new Float64Array(P * P); // rankShare[d * P + r]
  const order = new Int32Array(P);
  for (let w = 0; w < W; w++) {
    const row = w * P;
    // Policies in descending net benefit (insertion sort: P is small), ties kept in policy order.
    for (let d = 0; d < P; d++) {
      let k = d;
      while (k > 0 && nb[row + order[k - 1]] < nb[row + d]) {
        order[k] = order[k - 1];
        k--;
      }
      order[k] = d;
    }
    const best = nb[row + order[0]];
    for (let d = 0; d < P; d++) regret[row + d] = best - nb[row + d];
    // Tie groups: consecutive policies within `tolerance` of the group's first; a group over ranks r..r+k−1 shares them evenly.
    for (let start = 0; start < P;) {
      let end = start + 1;
      while (end < P && nb[row + order[start]] - nb[row + order[end]] <= tolerance) end++;
      const size = end - start;
      for (let g = start; g < end; g++) {
        const d = order[g];
        if (start === 0) bestShare[row + d] = 1 / size;
        for (let r = start; r < end; r++) rankShare[d * P + r] += weights[w] / size;
      }
      start = end;
    }
  }
  const summaries = policies.map((_, d) => summarise(outcomes, d, weights, regret, bestShare, rankShare, level, options.threshold));
  const pick = (key: 'expectedEffect' | 'probabilityBest', sign: number) =>
    summaries.reduce((best, s, d) => (sign * s[key] > sign * summaries[best][key] ? d : best), 0);
  return {
    policies: summaries,
    expectedBest: pick('expectedEffect', outcomes.higherIsBetter ? 1 : -1),
    mostLikelyBest: pick('probabilityBest', 1),
    worlds: W,
    effectiveSampleSize: effectiveSampleSize(weights),
    weights,
    regret,
    bestShare,
  };
}

/** Weighted mean and its standard error √(Σ w² (x − mean)²) of column d of a world-major table. */
export function weightedMeanSe(table: Float64Array, stride: number, d: number, weights: Float64Array): { mean: number; se: number } {
  let mean = 0;
  for (let w = 0; w < weights.length; w++) mean += weights[w] * table[w * stride + d];
  let v = 0;
  for (let w = 0; w < weights.length; w++) v += weights[w] * weights[w] * (table[w * stride + d] - mean) ** 2;
  return { mean, se: Math.sqrt(v) };
}

function column(table: Float64Array, stride: number, d: number, worlds: number): Float64Array {
  const out = new Float64Array(worlds);
  for (let w = 0; w < worlds; w++) out[w] = table[w * stride + d];
  return out;
}

function summarise(
  outcomes: CriterionOutcomes, d: number, weights: Float64Array, regret: Float64Array, bestShare: Float64Array, rankShare: Float64Array,
  level: number, threshold: number | undefined,
): PolicySummary {
  const { worlds: W, values } = outcomes;
  const P = outcomes.policies.length;
  const effect = weightedMeanSe(values, P, d, weights);
  const own = column(values, P, d, W);
  const ownOrder = ascendingOrder(own);
  let across = 0;
  for (let w = 0; w < W; w++) across += weights[w] * (own[w] - effect.mean) ** 2;
  const split = seedSplit(outcomes, d, weights, across);
  const best = weightedMeanSe(bestShare, P, d, weights);
  const loss = weightedMeanSe(regret, P, d, weights);
  const losses = column(regret, P, d, W);
  const ranks = Array.from({ length: P }, (_, r) => rankShare[d * P + r]);
  let met = NaN;
  if (threshold !== undefined) {
    met = 0;
    for (let w = 0; w < W; w++) if (outcomes.higherIsBetter ? own[w] >= threshold : own[w] <= threshold) met += weights[w];
  }
  return {
    policy: outcomes.policies[d],
    expectedEffect: effect.mean,
    expectedEffectSe: effect.se,
    effectLow: weightedQuantile(own, weights, (1 - level) / 2, ownOrder),
    effectHigh: weightedQuantile(own, weights, 1 - (1 - level) / 2, ownOrder),
    varianceAcrossWorlds: across,
    ...split,
    probabilityBest: best.mean,
    probabilityBestSe: best.se,
    rankProbabilities: ranks,
    expectedRank: ranks.reduce((s, p, r) => s + p * (r + 1), 0),
    expectedRegret: loss.mean,
    expectedRegretSe: loss.se,
    p90Regret: weightedQuantile(losses, weights, 0.9),
    maxRegret: weightedMax(losses, weights),
    thresholdShare: met,
  };
}

/**
 * The spread of a policy's world values split into parameters and seeds. A world's value is the
 * mean of Rᵢ replicates with single-replicate variance sᵢ², so it carries seed variance sᵢ²/Rᵢ;
 * the between-world (parameter) variance is what is left of the spread across worlds, at least 0.
 */
function seedSplit(outcomes: CriterionOutcomes, d: number, weights: Float64Array, across: number): Pick<PolicySummary, 'varianceBetweenWorlds' | 'varianceWithinWorlds' | 'seedNoiseShare'> {
  const { replicates, withinVariance } = outcomes;
  const P = outcomes.policies.length;
  if (!replicates || !withinVariance) return { varianceBetweenWorlds: NaN, varianceWithinWorlds: NaN, seedNoiseShare: NaN };
  let known = 0;
  let within = 0;
  let inValue = 0;
  for (let w = 0; w < outcomes.worlds; w++) {
    const s2 = withinVariance[w * P + d];
    const R = replicates[w * P + d];
    if (!(R >= 2) || !Number.isFinite(s2)) continue;
    known += weights[w];
    within += weights[w] * s2;
    inValue += weights[w] * (s2 / R);
  }
  if (!(known > 0)) return { varianceBetweenWorlds: NaN, varianceWithinWorlds: NaN, seedNoiseShare: NaN };
  within /= known;
  inValue /= known;
  return {
    varianceBetweenWorlds: Math.max(0, across - inValue),
    varianceWithinWorlds: within,
    seedNoiseShare: across > 0 ? Math.min(1, inValue / across) : inValue > 0 ? 1 : 0,
  };
}
