/**
 * The smoother behind single-parameter EVPPI: a penalised cubic regression spline (Eilers & Marx's
 * P-spline: a cubic B-spline basis on equally spaced knots, a second-order difference penalty on
 * neighbouring coefficients) of each response on one input, the smoothing parameter chosen by
 * generalised cross-validation — what mgcv's `gam(y ~ s(x))` does for Strong, Oakley & Brennan
 * (2014), in closed form. The input is used through its mid-ranks (numeric.ts `unitRanks`), so
 * the knots follow the worlds and a skewed or log-scaled parameter needs no special care. An
 * input with few distinct values (a switch, a list of levels) is fitted exactly instead: the
 * weighted mean of the response at each value.
 *
 * Everything that depends only on the input and the weights (the basis, BᵀWB, the penalty, and
 * for every candidate smoothing parameter the inverse and the effective degrees of freedom) is
 * computed once and shared by all responses: a fit is then O(n) for BᵀWy and the fitted values.
 * Each fit also carries the approximate posterior of its coefficients, N(β̂, σ̂² (BᵀWB + λP)⁻¹)
 * (the Bayesian view of a penalised spline, Wahba 1983; mgcv's Vp), evaluated on bins of the
 * input, from which evppi.ts draws curves for the standard error.
 */
import { choleskyInPlace, choleskyInverse, unitRanks } from './numeric.js';

/** Inputs with at most this many distinct values are fitted level by level (exact conditional means). */
export const MAX_LEVELS = 12;
/** Basis functions of the spline (at most; fewer for few worlds). */
export const SPLINE_BASIS = 20;
/** Bins of the input on which the curves' posterior draws are evaluated. */
export const DRAW_BINS = 256;

/** A fitted curve: the fitted value at every world, and its posterior on the bins. */
export interface CurveFit {
  /** Fitted value (conditional mean of the response) in every world. */
  readonly fitted: Float64Array;
  /** Curve coefficients and their posterior covariance (row-major). */
  readonly coefficients: Float64Array;
  readonly covariance: Float64Array;
  /** Effective degrees of freedom of the fit. */
  readonly edf: number;
}

/** A smoother of responses on one fixed input, with its evaluation bins for posterior draws. */
export interface Smoother {
  readonly method: 'spline' | 'levels';
  /** Coefficients of a curve. */
  readonly size: number;
  /** Bins: their normalised weights, and the curve at bin b = Σₖ binValues[b·width + k] · coefficients[binColumns[b·width + k]]. */
  readonly binWeights: Float64Array;
  readonly binWidth: number;
  readonly binColumns: Int32Array;
  readonly binValues: Float64Array;
  fit(response: Float64Array): CurveFit;
}

/**
 * The smoother for one input. `weights` are the worlds' normalised weights (sum 1); worlds of
 * weight 0 do not influence the fit.
 */
export function smootherFor(input: Float64Array, weights: Float64Array): Smoother {
  const levels = distinctValues(input, MAX_LEVELS + 1);
  if (levels.length <= MAX_LEVELS) return levelSmoother(input, weights, levels);
  return splineSmoother(unitRanks(input), weights);
}

function distinctValues(values: Float64Array, limit: number): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < values.length && seen.size < limit; i++) seen.add(values[i]);
  return [...seen].sort((a, b) => a - b);
}

// ─── few levels: exact conditional means ────────────────────────────────────

function levelSmoother(input: Float64Array, weights: Float64Array, levels: number[]): Smoother {
  const L = levels.length;
  const levelOf = new Int32Array(input.length);
  const levelWeight = new Float64Array(L);
  const levelSquares = new Float64Array(L);
  input.forEach((v, i) => {
    const l = levels.indexOf(v);
    levelOf[i] = l;
    levelWeight[l] += weights[i];
    levelSquares[l] += weights[i] * weights[i];
  });
  return {
    method: 'levels', size: L, binWeights: levelWeight, binWidth: 1, binColumns: Int32Array.from(levels, (_, l) => l), binValues: new Float64Array(L).fill(1),
    fit(response) {
      const mean = new Float64Array(L);
      for (let i = 0; i < input.length; i++) mean[levelOf[i]] += weights[i] * response[i];
      for (let l = 0; l < L; l++) mean[l] = levelWeight[l] > 0 ? mean[l] / levelWeight[l] : 0;
      // The variance of a level's weighted mean: Σ w² (y − mean)² / (Σ w)², as for any self-normalised mean.
      const covariance = new Float64Array(L * L);
      for (let i = 0; i < input.length; i++) {
        const l = levelOf[i];
        covariance[l * L + l] += weights[i] * weights[i] * (response[i] - mean[l]) ** 2;
      }
      for (let l = 0; l < L; l++) covariance[l * L + l] = levelWeight[l] > 0 ? covariance[l * L + l] / levelWeight[l] ** 2 : 0;
      const fitted = new Float64Array(input.length);
      for (let i = 0; i < input.length; i++) fitted[i] = mean[levelOf[i]];
      return { fitted, coefficients: mean, covariance, edf: L };
    },
  };
}

// ─── the penalised spline ───────────────────────────────────────────────────

/** The four non-zero uniform cubic B-spline values at position t in [0, 1] of a segment. */
function cubicBSpline(t: number, out: Float64Array, at: number): void {
  const t2 = t * t;
  const t3 = t2 * t;
  out[at] = (1 - t) ** 3 / 6;
  out[at + 1] = (3 * t3 - 6 * t2 + 4) / 6;
  out[at + 2] = (-3 * t3 + 3 * t2 + 3 * t + 1) / 6;
  out[at + 3] = t3 / 6;
}

/** Candidate smoothing parameters: 10^-6 … 10^6 times trace(BᵀWB)/trace(P), half a decade apart. */
const LAMBDA_STEPS = 25;

interface Candidate {
  readonly lambda: number;
  readonly inverse: Float64Array;
  readonly edf: number;
}

function splineSmoother(u: Float64Array, weights: Float64Array): Smoother {
  const n = u.length;
  const K = Math.max(4, Math.min(SPLINE_BASIS, Math.floor(n / 3)));
  const segments = K - 3;
  // Each world's first basis function and its four basis values.
  const first = new Int32Array(n);
  const basis = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const x = u[i] * segments;
    const s = Math.min(segments - 1, Math.floor(x));
    first[i] = s;
    cubicBSpline(x - s, basis, i * 4);
  }
  // Weights scaled to mean 1 over the worlds, so that RSS and n in GCV are on the count scale.
  const scale = n;
  const gram = new Float64Array(K * K);
  for (let i = 0; i < n; i++) {
    const w = weights[i] * scale;
    if (w === 0) continue;
    const s = first[i];
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) gram[(s + a) * K + s + b] += w * basis[i * 4 + a] * basis[i * 4 + b];
  }
  const penalty = differencePenalty(K);
  // Unequal weights carry less information than n equal ones: the posterior covariance is widened by n / ESS (Kish).
  let sumSquares = 0;
  for (let i = 0; i < n; i++) sumSquares += weights[i] * weights[i];
  const inflation = n * sumSquares;
  let gramTrace = 0;
  let penaltyTrace = 0;
  for (let k = 0; k < K; k++) {
    gramTrace += gram[k * K + k];
    penaltyTrace += penalty[k * K + k];
  }
  const candidates: Candidate[] = [];
  for (let step = 0; step < LAMBDA_STEPS; step++) {
    const lambda = (gramTrace / penaltyTrace) * 10 ** (-6 + step * 0.5);
    const a = new Float64Array(K * K);
    for (let k = 0; k < K * K; k++) a[k] = gram[k] + lambda * penalty[k];
    if (!choleskyInPlace(a, K)) continue;
    const inverse = choleskyInverse(a, K);
    let edf = 0;
    for (let r = 0; r < K; r++) for (let c = 0; c < K; c++) edf += inverse[r * K + c] * gram[c * K + r];
    candidates.push({ lambda, inverse, edf });
  }
  // Bins for posterior draws: equal ranges of the mid-rank, each evaluated at its weighted mean position.
  const bins = Math.min(DRAW_BINS, n);
  const binWeights = new Float64Array(bins);
  const binPosition = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const b = Math.min(bins - 1, Math.floor(u[i] * bins));
    binWeights[b] += weights[i];
    binPosition[b] += weights[i] * u[i];
  }
  const binColumns = new Int32Array(bins * 4);
  const binValues = new Float64Array(bins * 4);
  for (let b = 0; b < bins; b++) {
    const position = binWeights[b] > 0 ? binPosition[b] / binWeights[b] : (b + 0.5) / bins;
    const x = position * segments;
    const s = Math.min(segments - 1, Math.floor(x));
    cubicBSpline(x - s, binValues, b * 4);
    for (let a = 0; a < 4; a++) binColumns[b * 4 + a] = s + a;
  }
  return {
    method: 'spline', size: K, binWeights, binWidth: 4, binColumns, binValues,
    fit(response) {
      // Centre the response (the basis reproduces constants, so this changes nothing but rounding).
      let centre = 0;
      for (let i = 0; i < n; i++) centre += weights[i] * response[i];
      const rhs = new Float64Array(K);
      let yy = 0;
      for (let i = 0; i < n; i++) {
        const w = weights[i] * scale;
        if (w === 0) continue;
        const y = response[i] - centre;
        yy += w * y * y;
        const s = first[i];
        for (let a = 0; a < 4; a++) rhs[s + a] += w * basis[i * 4 + a] * y;
      }
      let best: { candidate: Candidate; beta: Float64Array; rss: number; gcv: number } | null = null;
      const beta = new Float64Array(K);
      for (const candidate of candidates) {
        for (let r = 0; r < K; r++) {
          let s = 0;
          for (let c = 0; c < K; c++) s += candidate.inverse[r * K + c] * rhs[c];
          beta[r] = s;
        }
        // RSS = yᵀWy − 2βᵀBᵀWy + βᵀ(BᵀWB)β, from the sufficient statistics.
        let fitTerm = 0;
        let cross = 0;
        for (let r = 0; r < K; r++) {
          cross += beta[r] * rhs[r];
          let s = 0;
          for (let c = 0; c < K; c++) s += gram[r * K + c] * beta[c];
          fitTerm += beta[r] * s;
        }
        const rss = Math.max(0, yy - 2 * cross + fitTerm);
        const gcv = (n * rss) / Math.max(1e-12, n - candidate.edf) ** 2;
        if (!best || gcv < best.gcv) best = { candidate, beta: beta.slice(), rss, gcv };
      }
      const chosen = best!;
      const fitted = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const s = first[i];
        let g = centre;
        for (let a = 0; a < 4; a++) g += basis[i * 4 + a] * chosen.beta[s + a];
        fitted[i] = g;
      }
      const sigma2 = (chosen.rss / Math.max(1, n - chosen.candidate.edf)) * inflation;
      const covariance = chosen.candidate.inverse.map((v) => v * sigma2);
      // Coefficients on the response's scale: the basis sums to 1, so the centre adds to each.
      const coefficients = chosen.beta.map((b) => b + centre);
      return { fitted, coefficients, covariance, edf: chosen.candidate.edf };
    },
  };
}

/** DᵀD for the second-order difference matrix D ((K−2) × K): the P-spline roughness penalty. */
function differencePenalty(K: number): Float64Array {
  const p = new Float64Array(K * K);
  const d = [1, -2, 1];
  for (let row = 0; row < K - 2; row++) {
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) p[(row + a) * K + row + b] += d[a] * d[b];
  }
  return p;
}
