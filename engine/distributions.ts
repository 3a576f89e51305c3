/**
 * Fast draws for building a population: an inverse-CDF table per distribution, so a Beta or a
 * normal draw is one uniform and one interpolated lookup. The tables are built once per run with
 * plain numerics (no randomness), so draws stay a pure function of the stream.
 */
import type { RandomStream } from './rng.js';

const TABLE_SIZE = 4096;

/** Quantiles of a density on [lo, hi] at TABLE_SIZE+1 evenly spaced probabilities. */
export function quantileTable(density: (x: number) => number, lo: number, hi: number, steps = 65536): Float64Array {
  const cdf = new Float64Array(steps + 1);
  const h = (hi - lo) / steps;
  let prev = density(lo);
  for (let i = 1; i <= steps; i++) {
    const next = density(lo + i * h);
    cdf[i] = cdf[i - 1] + 0.5 * (prev + next) * h;
    prev = next;
  }
  const total = cdf[steps];
  const table = new Float64Array(TABLE_SIZE + 1);
  let j = 0;
  for (let k = 0; k <= TABLE_SIZE; k++) {
    const target = (k / TABLE_SIZE) * total;
    while (j < steps && cdf[j + 1] < target) j++;
    const span = cdf[j + 1] - cdf[j];
    const frac = span > 0 ? (target - cdf[j]) / span : 0;
    table[k] = Math.min(hi, Math.max(lo, lo + (j + Math.min(1, Math.max(0, frac))) * h));
  }
  return table;
}

/** Draw from a quantile table with one uniform. */
export function drawFromTable(table: Float64Array, rng: RandomStream): number {
  const x = rng.uniform() * TABLE_SIZE;
  const k = Math.floor(x);
  return table[k] + (x - k) * (table[k + 1] - table[k]);
}

const betaCache = new Map<string, Float64Array>();

/** Quantile table of Beta(alpha, beta), cached by its parameters. */
export function betaTable(alpha: number, beta: number): Float64Array {
  const key = `${alpha},${beta}`;
  let table = betaCache.get(key);
  if (!table) {
    // Work in the log domain for stability; the normalising constant does not matter.
    const mode = alpha > 1 && beta > 1 ? (alpha - 1) / (alpha + beta - 2) : 0.5;
    const logAtMode = (alpha - 1) * Math.log(Math.max(mode, 1e-12)) + (beta - 1) * Math.log(Math.max(1 - mode, 1e-12));
    const density = (x: number) =>
      x <= 0 || x >= 1 ? 0 : Math.exp((alpha - 1) * Math.log(x) + (beta - 1) * Math.log(1 - x) - logAtMode);
    table = quantileTable(density, 0, 1);
    betaCache.set(key, table);
  }
  return table;
}

let normal: Float64Array | undefined;
/** Quantile table of the standard normal, truncated at ±6. */
export function normalTable(): Float64Array {
  normal ??= quantileTable((x) => Math.exp(-0.5 * x * x), -6, 6);
  return normal;
}
