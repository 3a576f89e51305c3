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
  return tableFromCdf(cdf, lo, hi);
}

/** Invert a cumulative (unnormalised) distribution on an even grid over [lo, hi] into a quantile table. */
function tableFromCdf(cdf: Float64Array, lo: number, hi: number): Float64Array {
  const steps = cdf.length - 1;
  const h = (hi - lo) / steps;
  const total = cdf[steps];
  const table = new Float64Array(TABLE_SIZE + 1);
  let j = 0;
  for (let k = 0; k <= TABLE_SIZE; k++) {
    const target = (k / TABLE_SIZE) * total;
    while (j < steps - 1 && cdf[j + 1] < target) j++;
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

/**
 * Quantile table of Beta(alpha, beta), cached by its parameters. Each grid cell integrates the
 * factor that can be singular at the near edge exactly (x^(alpha-1) near 0, (1-x)^(beta-1) near 1)
 * and the other factor at the cell's midpoint, so J- and U-shaped Betas (alpha or beta < 1) are
 * as accurate as bell-shaped ones.
 */
export function betaTable(alpha: number, beta: number, steps = 8192): Float64Array {
  const key = `${alpha},${beta}`;
  let table = betaCache.get(key);
  if (!table) {
    const cdf = new Float64Array(steps + 1);
    const h = 1 / steps;
    // x^a from (x^a - x0^a)/a is exact; pow is fine here (built once per distribution).
    for (let i = 0; i < steps; i++) {
      const x0 = i * h, x1 = x0 + h, mid = x0 + h / 2;
      const mass = mid < 0.5
        ? ((Math.pow(x1, alpha) - Math.pow(x0, alpha)) / alpha) * Math.pow(1 - mid, beta - 1)
        : ((Math.pow(1 - x0, beta) - Math.pow(1 - x1, beta)) / beta) * Math.pow(mid, alpha - 1);
      cdf[i + 1] = cdf[i] + mass;
    }
    table = tableFromCdf(cdf, 0, 1);
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
