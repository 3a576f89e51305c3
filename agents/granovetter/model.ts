/**
 * The threshold model itself. A person riots once at least their threshold of others riot;
 * everyone updates at once each round (Granovetter's r(t+1) = N·F(r(t))). Thresholds only matter
 * through how many people have each whole-number threshold, so the run builds that count once
 * (O(N)) and every round is then one lookup: a crowd of 10^6 costs one pass over the draws.
 */
import type { ModelRunOptions, ModelRunOutput } from '../../engine/model.js';
import { RandomStream } from '../../engine/rng.js';
import type { GranovetterParameters } from './params.js';

export const SERIES = ['rioters', 'rioters_share', 'new_rioters'] as const;

/**
 * The threshold a person acts on, as a whole number of people: a threshold of 12.3 is met by 13
 * rioters; negative thresholds act as 0 (the instigators). The small allowance keeps a threshold
 * such as 0.07 × 100 (7.000000000000001 in floating point) at 7.
 */
export function effectiveThreshold(threshold: number): number {
  return Math.max(0, Math.ceil(threshold - 1e-9));
}

/**
 * atOrBelow[k] = number of people whose effective threshold is at most k, for k = 0…N: the
 * number rioting in the next round when k riot now. People whose threshold exceeds N never riot.
 */
export function thresholdsAtOrBelow(p: GranovetterParameters, seed: number): Int32Array {
  const people = p.population.people;
  const atOrBelow = new Int32Array(people + 1);
  const add = (threshold: number): void => {
    const k = effectiveThreshold(threshold);
    if (k <= people) atOrBelow[k]++;
  };
  if (p.thresholds.distribution === 'uniform-ladder') {
    const { changedThreshold, newThreshold } = p.thresholds.ladder;
    for (let i = 0; i < people; i++) add(i === changedThreshold ? newThreshold : i);
  } else {
    const { meanShare, sdShare } = p.thresholds.normal;
    const stream = new RandomStream(seed, 'granovetter:thresholds');
    for (let i = 0; i < people; i++) add((meanShare + sdShare * stream.normal()) * people);
  }
  for (let k = 1; k <= people; k++) atOrBelow[k] += atOrBelow[k - 1];
  return atOrBelow;
}

export function runGranovetter(p: GranovetterParameters, seed: number, options: ModelRunOptions = {}): ModelRunOutput {
  const people = p.population.people;
  const ticks = p.time.ticks;
  const atOrBelow = thresholdsAtOrBelow(p, seed);
  const rioters = new Float64Array(ticks);
  const share = new Float64Array(ticks);
  const fresh = new Float64Array(ticks);
  let current = atOrBelow[0];
  let previous = 0;
  let equilibriumTick = Number.NaN;
  for (let tick = 0; tick < ticks; tick++) {
    if (tick > 0) current = atOrBelow[current];
    rioters[tick] = current;
    share[tick] = current / people;
    fresh[tick] = current - previous;
    previous = current;
    // At equilibrium the next round adds no one: it is reached at the first tick with that size.
    if (Number.isNaN(equilibriumTick) && atOrBelow[current] === current) equilibriumTick = tick;
    options.onTick?.(tick, ticks);
  }
  const reached = !Number.isNaN(equilibriumTick);
  return {
    columns: [...SERIES],
    data: [rioters, share, fresh],
    metrics: {
      equilibrium_rioters: reached ? current : Number.NaN,
      equilibrium_share: reached ? current / people : Number.NaN,
      ticks_to_equilibrium: equilibriumTick,
      reached_equilibrium: reached ? 1 : 0,
      final_rioters: current,
    },
    info: {
      thresholds: p.thresholds.distribution === 'uniform-ladder'
        ? `ladder 0…${people - 1}${p.thresholds.ladder.changedThreshold === p.thresholds.ladder.newThreshold ? '' : `, threshold ${p.thresholds.ladder.changedThreshold} changed to ${p.thresholds.ladder.newThreshold}`}`
        : `normal, mean ${p.thresholds.normal.meanShare} and sd ${p.thresholds.normal.sdShare} of the crowd of ${people}`,
    },
    // Each person "considers" joining each round; the lookup does it for all at once.
    agentSteps: people * ticks,
  };
}
