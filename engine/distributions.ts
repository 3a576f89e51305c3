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

/**
 * The standard normal quantile Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation
 * (relative error below 1.2e-9) refined by one Halley step on erfc, to about 1e-15.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** The complementary error function (W. J. Cody's rational approximations, about 1e-16 relative). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  let r: number;
  if (z < 0.5) {
    const t = z * z;
    const top = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947;
    const bottom = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683343917062;
    const erf = (z * top) / bottom;
    return x >= 0 ? 1 - erf : 1 + erf;
  }
  if (z < 4) {
    const top = (((((((2.15311535474403846e-8 * z + 0.564188496988670089) * z + 8.88314979438837594) * z + 66.1191906371416295) * z + 298.635138197400131) * z + 881.952221241769090) * z + 1712.04761263407058) * z + 2051.07837782607147) * z + 1230.33935479799725;
    const bottom = (((((((z + 15.7449261107098347) * z + 117.693950891312499) * z + 537.181101862009858) * z + 1621.38957456669019) * z + 3290.79923573345963) * z + 4362.61909014324716) * z + 3439.36767414372164) * z + 1230.33935480374942;
    r = (Math.exp(-z * z) * top) / bottom;
  } else {
    const t = 1 / (z * z);
    const top = ((((0.0163153871373020978 * t + 0.305326634961232344) * t + 0.360344899949804439) * t + 0.125781726111229246) * t + 0.0160837851487422766) * t + 6.58749161529837803e-4;
    const bottom = ((((t + 2.56852019228982242) * t + 1.87295284992346725) * t + 0.527905102951428412) * t + 0.0605183413124413191) * t + 0.00233520497626869185;
    r = (Math.exp(-z * z) / z) * (1 / Math.sqrt(Math.PI) - (t * top) / bottom);
  }
  return x >= 0 ? r : 2 - r;
}
