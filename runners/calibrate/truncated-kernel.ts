/**
 * The truncated perturbation kernel: ABC-SMC's multivariate normal kernel restricted to the
 * prior's box, with its exact density. With many parameters the untruncated kernel almost never
 * lands inside the box (each parameter near an edge can push a candidate out, and the chances
 * multiply), so candidates are instead drawn inside it: a particle's kernel N(θ_j, L Lᵀ) is
 * written as θ = θ_j + L η (L lower triangular) and η is drawn one coordinate at a time, η_a from
 * a standard normal truncated to the interval that keeps θ_a inside [lo_a, hi_a] given η_1 …
 * η_{a−1} (the construction of Geweke, Hajivassiliou and Keane's GHK simulator). The density of
 * such a draw is exact and cheap,
 *
 *   K_j(θ) = Π_a φ(η_a) / (L_aa · (Φ(b_a) − Φ(a_a))),   η = L⁻¹(θ − θ_j),
 *   a_a = η_a − (θ_a − lo_a) / L_aa,  b_a = η_a + (hi_a − θ_a) / L_aa,
 *
 * so the importance weights π(θ) / Σ_j w_j K_j(θ) stay exact. Inside the box, away from its
 * faces, K_j is the untruncated kernel; near a face it puts the mass that would have fallen
 * outside back inside. Pure numerics: the randomness is the stream passed in.
 */
import type { RandomStream } from '../../engine/rng.js';
import { normalCdf, normalQuantile } from '../sensitivity/distributions.js';
import { forwardSolve, logSumExp } from './weighted.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
/** Beyond this many standard deviations the tail is drawn by rejection from an exponential (inversion loses its digits). */
const TAIL_SWITCH = 30;

/** ln Q(z), Q(z) = 1 − Φ(z) the upper tail, without underflow for large z (the tail formula of normalCdf, in logs). */
export function logUpperTail(z: number): number {
  if (z === Infinity) return -Infinity;
  if (z < 5) return Math.log(normalCdf(-z));
  // Q(z) = φ(z) / c(z), c the continued fraction normalCdf uses for z ≥ 7.07; between 5 and 7.07 its rational form is as good.
  if (z < 7.07106781186547) return Math.log(normalCdf(-z) * Math.exp(0.5 * z * z)) - 0.5 * z * z;
  let c = z + 0.65;
  c = z + 4 / c;
  c = z + 3 / c;
  c = z + 2 / c;
  c = z + 1 / c;
  return -0.5 * z * z - Math.log(c) - LOG_SQRT_2PI;
}

/** ln(Φ(b) − Φ(a)) for a < b, accurate in either tail (a, b may be ±Infinity). */
export function logNormalMass(a: number, b: number): number {
  if (!(b > a)) return -Infinity;
  if (a >= 0) return logDifference(logUpperTail(a), logUpperTail(b)); // Q(a) − Q(b)
  if (b <= 0) return logDifference(logUpperTail(-b), logUpperTail(-a)); // Φ(b) − Φ(a) = Q(−b) − Q(−a)
  return Math.log1p(-(normalCdf(a) + normalCdf(-b)));
}

/** ln(e^x − e^y) for x ≥ y. */
function logDifference(x: number, y: number): number {
  if (y === -Infinity) return x;
  return x + Math.log1p(-Math.exp(y - x));
}

/**
 * A standard normal truncated to [a, b]: inversion of Φ (in the upper tail for a ≥ 0, so small
 * tails keep their digits), or, more than 30 sd out, Robert's (1995) exponential rejection, which
 * is exact and accepts more than 99.9% there.
 */
export function drawTruncatedNormal(a: number, b: number, stream: RandomStream): number {
  if (a > TAIL_SWITCH) return drawFarTail(a, b, stream);
  if (b < -TAIL_SWITCH) return -drawFarTail(-b, -a, stream);
  const u = stream.uniform();
  let x: number;
  if (a >= 0) {
    const qa = normalCdf(-a), qb = normalCdf(-b);
    x = -normalQuantile(qa - u * (qa - qb));
  } else if (b <= 0) {
    const pa = normalCdf(a), pb = normalCdf(b);
    x = normalQuantile(pa + u * (pb - pa));
  } else {
    const pa = normalCdf(a), pb = normalCdf(b);
    x = normalQuantile(pa + u * (pb - pa));
  }
  // Rounding can leave the interval by an ulp; the density is only defined inside it.
  return Math.min(b, Math.max(a, x));
}

/** a > 30: x = a + y with y from Exp(a) truncated to [0, b − a], accepted with probability exp(−y²/2). */
function drawFarTail(a: number, b: number, stream: RandomStream): number {
  const width = b - a;
  const keep = width === Infinity ? 1 : -Math.expm1(-a * width); // 1 − e^{−a·width}: the exponential's mass inside
  for (;;) {
    const y = -Math.log1p(-stream.uniform() * keep) / a;
    if (stream.uniform() < Math.exp(-0.5 * y * y)) return Math.min(b, a + y);
  }
}

/**
 * A mixture of truncated normal kernels: component j (weight w_j) centred on point j with the
 * shared lower-triangular factor L (row-major d×d), every component truncated to the box
 * [lower, upper] as above. `draw` picks a component by weight and draws inside the box;
 * `logDensity` is the mixture's exact log density at a point of the box.
 */
export interface TruncatedMixture {
  /** A point inside the box from component j, drawn with the stream. */
  draw(j: number, stream: RandomStream): Float64Array;
  /** ln Σ_j w_j K_j(z). */
  logDensity(z: Float64Array): number;
}

export function truncatedMixture(
  points: readonly Float64Array[], weights: ArrayLike<number>, factor: Float64Array, lower: ArrayLike<number>, upper: ArrayLike<number>,
): TruncatedMixture {
  const d = lower.length;
  const n = points.length;
  const diagonal = Float64Array.from({ length: d }, (_, a) => factor[a * d + a]);
  let logDiagonal = 0;
  for (let a = 0; a < d; a++) logDiagonal += Math.log(diagonal[a]);
  // Every point whitened once: η for component j at z is L⁻¹z − L⁻¹θ_j.
  const whitened = points.map((p) => forwardSolve(factor, d, p, new Float64Array(d)));
  const logWeights = Float64Array.from({ length: n }, (_, j) => Math.log(weights[j]));
  const white = new Float64Array(d);
  const terms = new Float64Array(n);
  return {
    draw(j, stream) {
      const centre = points[j];
      const z = new Float64Array(d);
      const eta = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        let mean = centre[a];
        for (let b = 0; b < a; b++) mean += factor[a * d + b] * eta[b];
        const scale = diagonal[a];
        eta[a] = drawTruncatedNormal((lower[a] - mean) / scale, (upper[a] - mean) / scale, stream);
        z[a] = Math.min(upper[a], Math.max(lower[a], mean + scale * eta[a]));
      }
      return z;
    },
    logDensity(z) {
      forwardSolve(factor, d, z, white);
      for (let j = 0; j < n; j++) {
        const w = whitened[j];
        let sum = logWeights[j] - logDiagonal;
        for (let a = 0; a < d; a++) {
          const eta = white[a] - w[a];
          const scale = diagonal[a];
          sum -= 0.5 * eta * eta + LOG_SQRT_2PI;
          sum -= logNormalMass(eta - (z[a] - lower[a]) / scale, eta + (upper[a] - z[a]) / scale);
        }
        terms[j] = sum;
      }
      return logSumExp(terms);
    },
  };
}

/**
 * The weighted Kolmogorov–Smirnov distance between a particle population's marginal (values in
 * sampling space, weights summing to 1) and the prior's distribution function `cdf`:
 * sup_x |F_w(x) − F(x)|.
 */
export function weightedKsDistance(values: ArrayLike<number>, weights: ArrayLike<number>, cdf: (z: number) => number): number {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((i, j) => values[i] - values[j] || i - j);
  let below = 0;
  let distance = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const f = cdf(values[i]);
    distance = Math.max(distance, Math.abs(below - f));
    below += weights[i]; // within a run of ties the running sum only passes between the run's two limits
    distance = Math.max(distance, Math.abs(below - f));
  }
  return distance;
}
