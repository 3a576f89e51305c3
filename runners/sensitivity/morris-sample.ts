/**
 * Morris trajectories, as SALib's `sample.morris.sample`: on a grid of p levels {0, 1/(p−1), …, 1}
 * with step Δ = p / (2(p−1)), each trajectory starts at a random point x* of the lower half of the
 * grid, with each input going up or down (D*) and the factors (groups) moving one at a time in a
 * random order (P*): k + 1 rows per trajectory. Optimised trajectories (Campolongo et al. 2007):
 * draw `candidates` trajectories and keep the r most spread out, chosen by SALib's local
 * optimisation (Ruano et al. 2012) on the summed Euclidean distances between trajectories' points.
 * Random draws come from engine/rng.ts (`morris:trajectories`).
 */
import { InputError } from '../../engine/errors.js';
import { RandomStream } from '../../engine/rng.js';
import { factorsOf, type Problem } from './problem.js';
import { scaleDesign, type Design } from './sobol-sample.js';

export interface MorrisSampleOptions {
  /** Grid levels p, even (default 4). */
  levels?: number;
  /** Draw this many candidate trajectories and keep the `trajectories` most spread out. */
  candidates?: number;
  seed: number;
}

/** Δ, the step of a factor in a trajectory: p / (2(p − 1)). */
export function morrisDelta(levels: number): number {
  return levels / (2 * (levels - 1));
}

export function checkLevels(levels: number): void {
  if (!Number.isInteger(levels) || levels < 2 || levels % 2 !== 0 || levels > 1000) {
    throw new InputError(`invalid number of Morris levels: ${levels} (allowed: an even integer from 2 to 1000, e.g. 4)`);
  }
}

export function sampleMorris(problem: Problem, trajectories: number, options: MorrisSampleOptions): Design {
  const [unit] = morrisDesignChunks(problem, trajectories, options, trajectories); // one chunk: every trajectory
  const inputs = problem.names.length;
  return { rows: unit.length / inputs, inputs, unit, values: scaleDesign(problem, unit) };
}

/**
 * The same design's unit rows, `perChunk` trajectories ((k+1) rows each) at a time: `defsim sample`
 * writes a large design this way without holding it. With `candidates`, the candidates are drawn
 * and chosen first (at most 10,000 of them), then given out in chunks.
 */
export function* morrisDesignChunks(problem: Problem, trajectories: number, options: MorrisSampleOptions, perChunk = 4096): Generator<Float64Array> {
  const levels = options.levels ?? 4;
  checkLevels(levels);
  if (!Number.isInteger(trajectories) || trajectories < 2) throw new InputError(`invalid number of trajectories: ${trajectories} (allowed: an integer >= 2)`);
  const candidates = options.candidates;
  if (candidates !== undefined && (!Number.isInteger(candidates) || candidates <= trajectories || candidates > 10_000)) {
    throw new InputError(`invalid number of candidate trajectories: ${candidates} (allowed: an integer above the ${trajectories} trajectories kept, at most 10000)`);
  }
  for (const [i, d] of problem.dists.entries()) {
    if (d.kind === 'norm' || d.kind === 'lognorm') {
      throw new InputError(`input '${problem.names[i]}' has an unbounded distribution (${d.kind}): Morris levels include the quantiles 0 and 1, which it does not have (allowed here: unif, logunif, truncnorm, triang)`);
    }
  }
  const factors = factorsOf(problem);
  const inputs = problem.names.length;
  const k = factors.names.length;
  const perTrajectory = (k + 1) * inputs;
  const stream = new RandomStream(options.seed, 'morris:trajectories');
  if (candidates === undefined) {
    // Trajectories are drawn one after another from the stream: a chunk at a time gives the same rows.
    for (let first = 0; first < trajectories; first += perChunk) {
      const count = Math.min(perChunk, trajectories - first);
      const unit = new Float64Array(count * perTrajectory);
      for (let t = 0; t < count; t++) drawTrajectory(stream, factors, inputs, levels, unit.subarray(t * perTrajectory, (t + 1) * perTrajectory));
      yield unit;
    }
    return;
  }
  const pool = new Float64Array(candidates * perTrajectory);
  for (let t = 0; t < candidates; t++) drawTrajectory(stream, factors, inputs, levels, pool.subarray(t * perTrajectory, (t + 1) * perTrajectory));
  const chosen = mostSpread(pool, candidates, k + 1, inputs, trajectories);
  const unit = new Float64Array(trajectories * perTrajectory);
  chosen.forEach((c, t) => unit.set(pool.subarray(c * perTrajectory, (c + 1) * perTrajectory), t * perTrajectory));
  for (let first = 0; first < trajectories; first += perChunk) yield unit.subarray(first * perTrajectory, Math.min(trajectories, first + perChunk) * perTrajectory);
}

/** One trajectory into `out` ((k+1) rows × inputs). */
function drawTrajectory(stream: RandomStream, factors: ReturnType<typeof factorsOf>, inputs: number, levels: number, out: Float64Array): void {
  const delta = morrisDelta(levels);
  const k = factors.names.length;
  const start = new Float64Array(inputs);
  const up = new Uint8Array(inputs);
  for (let j = 0; j < inputs; j++) {
    const xStar = stream.int(levels / 2) / (levels - 1);
    up[j] = stream.uniform() < 0.5 ? 1 : 0;
    start[j] = up[j] ? xStar : xStar + delta;
  }
  const order = Int32Array.from({ length: k }, (_, f) => f);
  stream.shuffle(order);
  out.set(start, 0);
  for (let step = 1; step <= k; step++) {
    const row = out.subarray(step * inputs, (step + 1) * inputs);
    row.set(out.subarray((step - 1) * inputs, step * inputs));
    for (const j of factors.members[order[step - 1]]) row[j] += up[j] ? delta : -delta;
  }
  // Keep the grid exact: values are multiples of 1/(p−1).
  for (let i = 0; i < out.length; i++) out[i] = Math.round(out[i] * (levels - 1)) / (levels - 1);
}

/** Sum over all pairs of points (one from each trajectory) of their Euclidean distance; 0 for identical trajectories. */
function trajectoryDistance(pool: Float64Array, a: number, b: number, points: number, inputs: number): number {
  const size = points * inputs;
  let same = true;
  for (let i = 0; i < size && same; i++) same = pool[a * size + i] === pool[b * size + i];
  if (same) return 0;
  let total = 0;
  for (let p = 0; p < points; p++) {
    for (let q = 0; q < points; q++) {
      let d2 = 0;
      for (let j = 0; j < inputs; j++) {
        const d = pool[a * size + p * inputs + j] - pool[b * size + q * inputs + j];
        d2 += d * d;
      }
      total += Math.sqrt(d2);
    }
  }
  return total;
}

/**
 * Ruano et al.'s local search for the `keep` trajectories with the largest spread, as SALib's
 * LocalOptimisation: the spread of a set is sqrt(Σ over its pairs of distance²). Returns the chosen
 * candidate indexes in increasing order. Ties go to the lower index, so the choice is deterministic.
 */
function mostSpread(pool: Float64Array, count: number, points: number, inputs: number, keep: number): number[] {
  const distance = new Float64Array(count * count);
  for (let a = 0; a < count; a++) {
    for (let b = a + 1; b < count; b++) {
      const d = trajectoryDistance(pool, a, b, points, inputs);
      distance[a * count + b] = d;
      distance[b * count + a] = d;
    }
  }
  const spread = (set: readonly number[]): number => {
    let s = 0;
    for (let x = 0; x < set.length; x++) for (let y = x + 1; y < set.length; y++) s += distance[set[x] * count + set[y]] ** 2;
    return Math.sqrt(s);
  };
  const best = (sets: number[][]): number[] => {
    let chosen = sets[0];
    let value = spread(chosen);
    for (const set of sets.slice(1)) {
      const v = spread(set);
      if (v > value) [chosen, value] = [set, v];
    }
    return chosen;
  };
  const finalists: number[][] = [];
  for (let i = 1; i < keep; i++) {
    // Each trajectory with its i farthest others.
    const starts = Array.from({ length: count }, (_, row) => {
      const others = Array.from({ length: count }, (_, c) => c).filter((c) => c !== row).sort((x, y) => distance[row * count + y] - distance[row * count + x] || x - y);
      return [...others.slice(0, i), row];
    });
    let set = best(starts);
    // Grow it one trajectory at a time, always by the one that adds the most spread.
    for (let m = 1; m <= keep - i - 1; m++) {
      const grown: number[][] = [];
      for (let c = 0; c < count; c++) if (!set.includes(c)) grown.push([...set, c]);
      set = best(grown);
    }
    finalists.push(set);
  }
  return [...best(finalists)].sort((a, b) => a - b);
}
