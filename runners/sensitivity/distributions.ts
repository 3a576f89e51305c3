/**
 * The distributions a sensitivity problem's factors can follow, as quantile functions of a unit
 * number u in (0, 1): SALib's `dists` (unif, logunif, norm, truncnorm, lognorm, triang) with
 * SALib's own parameter conventions. Pure numerics, no randomness.
 *
 * Φ is West's double-precision version of Hart's algorithm 5666 (W. West, "Better approximations
 * to cumulative normal functions", Wilmott 2005); Φ⁻¹ is Acklam's rational approximation
 * (relative error 1.15e-9) polished by one Halley step against that Φ, which brings it to about
 * 1e-15.
 */

/** One factor's distribution. Field names follow SALib's bounds for that dist. */
export type Distribution =
  | { kind: 'unif'; low: number; high: number }
  | { kind: 'logunif'; low: number; high: number }
  | { kind: 'norm'; mean: number; sd: number }
  | { kind: 'truncnorm'; low: number; high: number; mean: number; sd: number }
  /** exp(N(mean, sd)): mean and sd on the natural-log scale, as SALib. */
  | { kind: 'lognorm'; mean: number; sd: number }
  /** Triangular on [low, high] with its peak at low + peak·(high − low), peak in [0, 1). */
  | { kind: 'triang'; low: number; high: number; peak: number };

export type DistributionKind = Distribution['kind'];
export const DISTRIBUTION_KINDS: readonly DistributionKind[] = ['unif', 'logunif', 'norm', 'truncnorm', 'lognorm', 'triang'];

const SQRT_2PI = 2.506628274631000502;

/** Standard normal distribution function Φ(x), about 1e-15 everywhere (relative, in the tails too). */
export function normalCdf(x: number): number {
  const z = Math.abs(x);
  let tail: number;
  if (z > 37) tail = 0;
  else {
    const e = Math.exp(-0.5 * z * z);
    if (z < 7.07106781186547) {
      let a = 3.52624965998911e-2 * z + 0.700383064443688;
      a = a * z + 6.37396220353165;
      a = a * z + 33.912866078383;
      a = a * z + 112.079291497871;
      a = a * z + 221.213596169931;
      a = a * z + 220.206867912376;
      let b = 8.83883476483184e-2 * z + 1.75566716318264;
      b = b * z + 16.064177579207;
      b = b * z + 86.7807322029461;
      b = b * z + 296.564248779674;
      b = b * z + 637.333633378831;
      b = b * z + 793.826512519948;
      b = b * z + 440.413735824752;
      tail = (e * a) / b;
    } else {
      let c = z + 0.65;
      c = z + 4 / c;
      c = z + 3 / c;
      c = z + 2 / c;
      c = z + 1 / c;
      tail = e / c / SQRT_2PI;
    }
  }
  return x > 0 ? 1 - tail : tail;
}

const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Φ⁻¹(p) for p in (0, 1); ±Infinity at 0 and 1. */
export function normalQuantile(p: number): number {
  if (!(p > 0)) return p === 0 ? -Infinity : NaN;
  if (!(p < 1)) return p === 1 ? Infinity : NaN;
  let x: number;
  if (p < P_LOW || p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p < P_LOW ? p : 1 - p));
    x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
    if (p > 1 - P_LOW) x = -x;
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
      (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  }
  // One Halley step; in the upper half work with the upper tail so tiny tails keep their digits.
  const e = x > 0 ? 1 - p - normalCdf(-x) : normalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}

/** The quantile of a distribution at u in (0, 1). */
export function quantile(dist: Distribution, u: number): number {
  switch (dist.kind) {
    case 'unif':
      return between(dist.low, dist.high, u);
    case 'logunif':
      return Math.exp(Math.log(dist.low) + u * (Math.log(dist.high) - Math.log(dist.low)));
    case 'norm':
      return dist.mean + dist.sd * normalQuantile(u);
    case 'lognorm':
      return Math.exp(dist.mean + dist.sd * normalQuantile(u));
    case 'truncnorm':
      return truncatedNormalQuantile(dist, u);
    case 'triang':
      return triangularQuantile(dist, u);
  }
}

/**
 * Truncated normal quantile: Φ⁻¹(Φ(a) + u·(Φ(b) − Φ(a))) on the standardised bounds, computed on
 * the side of the mean where the interval lies so that far tails keep their precision.
 */
function truncatedNormalQuantile(dist: { low: number; high: number; mean: number; sd: number }, u: number): number {
  const a = (dist.low - dist.mean) / dist.sd;
  const b = (dist.high - dist.mean) / dist.sd;
  let z: number;
  if (a > 0) {
    // Upper tail: mirror to [-b, -a] and draw 1 − u there.
    const lo = normalCdf(-b);
    const hi = normalCdf(-a);
    z = -normalQuantile(lo + (1 - u) * (hi - lo));
  } else {
    const lo = normalCdf(a);
    const hi = normalCdf(b);
    z = normalQuantile(lo + u * (hi - lo));
  }
  return Math.min(dist.high, Math.max(dist.low, dist.mean + dist.sd * z));
}

function triangularQuantile(dist: { low: number; high: number; peak: number }, u: number): number {
  const c = dist.peak;
  return u < c ? between(dist.low, dist.high, Math.sqrt(u * c)) : between(dist.high, dist.low, Math.sqrt((1 - u) * (1 - c)));
}

/**
 * low + s·(high − low), as SALib computes it; when high − low overflows (bounds near ±1.8e308),
 * the same point as low·(1 − s) + high·s, which stays finite.
 */
function between(low: number, high: number, s: number): number {
  const width = high - low;
  return Number.isFinite(width) ? low + s * width : low * (1 - s) + high * s;
}

/** The smallest u a design passes to a quantile: a Sobol' coordinate is (x + ½)·2^−32. */
export const SMALLEST_U = 2 ** -33;

/** The least and greatest values a distribution takes over u in [uMin, 1 − uMin]. */
export function quantileRange(dist: Distribution, uMin: number): [number, number] {
  return [quantile(dist, uMin), quantile(dist, 1 - uMin)];
}

/** SALib's `bounds` entry for a distribution (the inverse of `distributionFromSalib`). */
export function salibBounds(dist: Distribution): number[] {
  switch (dist.kind) {
    case 'unif':
    case 'logunif':
      return [dist.low, dist.high];
    case 'norm':
    case 'lognorm':
      return [dist.mean, dist.sd];
    case 'truncnorm':
      return [dist.low, dist.high, dist.mean, dist.sd];
    case 'triang':
      return [dist.low, dist.high, dist.peak];
  }
}
