/**
 * The smoother behind EVPPI of a group of parameters: Gaussian-process regression of each response
 * on the group, Strong, Oakley & Brennan's (2014, section 3.2) method for more than one parameter.
 *
 * Why a GP and how it is kept affordable. A tensor-product spline (mgcv's `te()`) needs K^p
 * coefficients and stops being practical past three or four parameters; an additive fit would
 * miss exactly the interactions that make a group worth more than its members. A GP with one
 * length-scale per parameter (ARD squared-exponential kernel) fits any smooth function of the
 * group and switches off a parameter that does not matter (a long length-scale) on its own. Its
 * cost is cubic in the points used, so, as SAVI and the R package voi do, the hyperparameters are
 * estimated on a subset of the worlds (`hyperSamples`, default max(100, min(30·p, 250))) and the
 * posterior mean is built on a larger subset (`fitSamples`, default 500) and then evaluated at
 * every world — out of sample: a world of that subset gets its leave-one-out mean, so no world's
 * own outcome is handed back to it (with a group that carries no signal, the likelihood cannot
 * tell interpolating length-scales from noise, and an in-sample fit made EVPPI equal EVPI); a conditional expectation over a few hundred well-spread worlds is already close
 * to its limit for the smooth responses EVPPI deals with. The subsets are drawn with a seeded
 * generator among the worlds of positive weight, so the result is reproducible.
 *
 * Details: inputs are the parameters' mid-ranks in [0, 1] (a monotone transform changes no
 * conditional expectation, and it makes one kernel fit parameters of any scale); the response is
 * centred and scaled by its weighted mean and sd; importance weights enter as precision, noise
 * variance σ²/ωᵢ with ωᵢ the weights scaled to mean 1 on the subset (the GP counterpart of weighted
 * least squares); hyperparameters maximise the log marginal likelihood plus weak log-normal priors
 * (length-scales around 0.5 with a log-sd of 0.75, the noise around half the variance with a log-sd of 3), by BFGS
 * with analytic gradients (Rasmussen & Williams 2006, eq. 5.9).
 */
import { RandomStream } from '../../engine/rng.js';
import { choleskyHalfLogDet, choleskyInPlace, choleskyInverse, choleskySolve } from './numeric.js';
import type { CurveFit } from './spline.js';

export interface GpSettings {
  /** Worlds used to estimate the hyperparameters (default max(100, min(30 · parameters, 250))). */
  readonly hyperSamples?: number;
  /** Worlds the posterior mean is built on (default 500). */
  readonly fitSamples?: number;
  /** Worlds the posterior draws for the standard error are made at (default 200). */
  readonly drawSamples?: number;
  /** Seed of the subsets (default 1). */
  readonly seed?: number;
}

export const DEFAULT_GP_FIT_SAMPLES = 500;
export const DEFAULT_GP_DRAW_SAMPLES = 200;

/** A GP smoother of responses on a fixed group of inputs (unit ranks); its "bins" are the draw points. */
export interface GpSmoother {
  readonly method: 'gp';
  readonly size: number;
  readonly binWeights: Float64Array;
  /** The curve's coefficients are its values at the draw points: width 1, column b, value 1. */
  readonly binWidth: 1;
  readonly binColumns: Int32Array;
  readonly binValues: Float64Array;
  fit(response: Float64Array): CurveFit;
}

export function gpSmoother(inputs: readonly Float64Array[], weights: Float64Array, settings: GpSettings = {}): GpSmoother {
  const n = weights.length;
  const p = inputs.length;
  const positive: number[] = [];
  for (let i = 0; i < n; i++) if (weights[i] > 0) positive.push(i);
  const order = Uint32Array.from(positive);
  new RandomStream(settings.seed ?? 1, 'decide-gp-subset').shuffle(order);
  const fitCount = Math.min(order.length, settings.fitSamples ?? DEFAULT_GP_FIT_SAMPLES);
  const hyperCount = Math.min(fitCount, settings.hyperSamples ?? Math.max(100, Math.min(30 * p, 250)));
  const drawCount = Math.min(fitCount, settings.drawSamples ?? DEFAULT_GP_DRAW_SAMPLES);
  const fitSet = order.subarray(0, fitCount);
  const hyperSet = order.subarray(0, hyperCount);
  const drawSet = order.subarray(0, drawCount);
  const omegaOf = (set: Uint32Array): Float64Array => {
    let total = 0;
    for (const i of set) total += weights[i];
    return Float64Array.from(set, (i) => (weights[i] * set.length) / total);
  };
  const hyperData = subsetData(inputs, hyperSet);
  const fitData = subsetData(inputs, fitSet);
  const hyperOmega = omegaOf(hyperSet);
  const fitOmega = omegaOf(fitSet);
  let drawTotal = 0;
  for (const i of drawSet) drawTotal += weights[i];
  const binWeights = Float64Array.from(drawSet, (i) => weights[i] / drawTotal);

  return {
    method: 'gp', size: drawCount, binWeights, binWidth: 1, binColumns: Int32Array.from({ length: drawCount }, (_, b) => b), binValues: new Float64Array(drawCount).fill(1),
    fit(response) {
      let centre = 0;
      for (let i = 0; i < n; i++) centre += weights[i] * response[i];
      let variance = 0;
      for (let i = 0; i < n; i++) variance += weights[i] * (response[i] - centre) ** 2;
      const scale = Math.sqrt(variance) || 1;
      const z = (set: Uint32Array) => Float64Array.from(set, (i) => (response[i] - centre) / scale);
      const theta = fitHyperparameters(hyperData, p, z(hyperSet), hyperOmega);
      const lengths = Array.from(theta.subarray(0, p), lengthOf);
      const signal = Math.exp(theta[p]);
      const noise = Math.exp(theta[p + 1]);
      // Posterior mean on the fit subset: α = (s²R + σ²Ω⁻¹)⁻¹ z.
      const m = fitCount;
      const kernel = kernelMatrix(fitData, p, m, lengths, signal);
      const k = kernel.slice();
      for (let a = 0; a < m; a++) k[a * m + a] += noise / fitOmega[a] + 1e-10 * signal;
      if (!choleskyInPlace(k, m)) throw new Error('GP covariance is not positive definite');
      const zFit = z(fitSet);
      const alpha = choleskySolve(k, m, zFit.slice());
      // A world of the fit subset gets its leave-one-out mean, z_a − α_a / [K⁻¹]_aa (Rasmussen &
      // Williams 2006, eq. 5.12), never the fit's value at its own response: a GP whose
      // length-scales shrink until it interpolates (the likelihood cannot tell that from noise
      // when the group carries no signal) would otherwise hand every world its own outcome back,
      // and EVPPI would equal EVPI for any group.
      const inverse = choleskyInverse(k, m);
      const looAt = new Int32Array(n).fill(-1);
      fitSet.forEach((i, a) => (looAt[i] = a));
      const fitted = new Float64Array(n);
      const inv2 = lengths.map((l) => 1 / (l * l));
      for (let i = 0; i < n; i++) {
        const a = looAt[i];
        if (a >= 0) {
          fitted[i] = centre + scale * (zFit[a] - alpha[a] / inverse[a * m + a]);
          continue;
        }
        let g = 0;
        for (let b = 0; b < m; b++) {
          let d2 = 0;
          for (let j = 0; j < p; j++) d2 += (inputs[j][i] - fitData[b * p + j]) ** 2 * inv2[j];
          g += Math.exp(-d2) * alpha[b];
        }
        fitted[i] = centre + scale * signal * g;
      }
      // Posterior of the curve at the draw points (the first drawCount of the fit subset):
      // mean K_DF α, covariance K_DD − K_DF K⁻¹ K_FD, computed as K_DD − VᵀV with V = L⁻¹ K_FD.
      const D = drawCount;
      const coefficients = new Float64Array(D);
      for (let a = 0; a < D; a++) {
        let s = 0;
        for (let b = 0; b < m; b++) s += kernel[a * m + b] * alpha[b];
        coefficients[a] = centre + scale * s;
      }
      const v = new Float64Array(m * D); // column a of V: L⁻¹ K_F,a
      for (let a = 0; a < D; a++) {
        for (let r = 0; r < m; r++) {
          let s = kernel[r * m + a];
          for (let c = 0; c < r; c++) s -= k[r * m + c] * v[c * D + a];
          v[r * D + a] = s / k[r * m + r];
        }
      }
      const covariance = new Float64Array(D * D);
      for (let a = 0; a < D; a++) {
        for (let b = a; b < D; b++) {
          let s = kernel[a * m + b];
          for (let r = 0; r < m; r++) s -= v[r * D + a] * v[r * D + b];
          covariance[a * D + b] = covariance[b * D + a] = s * scale * scale;
        }
      }
      return { fitted, coefficients, covariance, edf: NaN }; // (edf: not computed for the GP, an O(m³) diagnostic)
    },
  };
}

/** Row-major (points × p) inputs of a subset. */
function subsetData(inputs: readonly Float64Array[], set: Uint32Array): Float64Array {
  const p = inputs.length;
  const out = new Float64Array(set.length * p);
  set.forEach((i, a) => inputs.forEach((column, j) => (out[a * p + j] = column[i])));
  return out;
}

/** s² exp(−Σⱼ (x_aj − x_bj)² / ℓⱼ²) over a subset. */
function kernelMatrix(data: Float64Array, p: number, m: number, lengths: number[], signal: number): Float64Array {
  const k = new Float64Array(m * m);
  const inv2 = lengths.map((l) => 1 / (l * l));
  for (let a = 0; a < m; a++) {
    k[a * m + a] = signal;
    for (let b = a + 1; b < m; b++) {
      let d2 = 0;
      for (let j = 0; j < p; j++) d2 += (data[a * p + j] - data[b * p + j]) ** 2 * inv2[j];
      k[a * m + b] = k[b * m + a] = signal * Math.exp(-d2);
    }
  }
  return k;
}

// Length-scales: log-normal around 0.5 of the unit range with a log-sd of 0.75 (0.05 is 3 sd
// below): a response that varies on a scale shorter than the spacing of a few hundred worlds
// cannot be told from noise, and the likelihood alone is flat between the two. Noise: around half
// the response's variance, log-sd 3 (simulation outcomes are noisy; a prior centred on little
// noise pulled fits towards interpolation).
/**
 * The shortest length-scale, in units of the parameters' rank range: a length-scale is
 * MIN_LENGTH + e^θ. Below it the kernel would pick out single worlds, and a GP on noisy outcomes
 * does exactly that when the group carries no signal — worlds with outlying outcomes explained as
 * narrow bumps — which made EVPPI of random, irrelevant parameters 90% of EVPI (measured on the
 * shipped worlds; test/decide-estimators.test.ts keeps random groups near 0).
 */
export const MIN_LENGTH = 0.2;
const lengthOf = (theta: number): number => MIN_LENGTH + Math.exp(theta);

const PRIOR = { logLength: Math.log(0.5), logLengthSd: 0.75, logNoise: Math.log(0.5), logNoiseSd: 3, logSignalSd: 3 };

/**
 * Log length-scales, log signal variance and log noise variance maximising the log marginal
 * likelihood of z plus the weak priors, by BFGS with a backtracking line search.
 */
function fitHyperparameters(data: Float64Array, p: number, z: Float64Array, omega: Float64Array): Float64Array {
  const m = z.length;
  const dist2 = Array.from({ length: p }, (_, j) => {
    const d = new Float64Array(m * m);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) d[a * m + b] = (data[a * p + j] - data[b * p + j]) ** 2;
    return d;
  });
  const dims = p + 2;
  const objective = (theta: Float64Array, gradient: Float64Array | null): number => {
    const lengths = Array.from(theta.subarray(0, p), lengthOf);
    const signal = Math.exp(theta[p]);
    const noise = Math.exp(theta[p + 1]);
    const signalPart = new Float64Array(m * m);
    for (let a = 0; a < m; a++) {
      for (let b = a; b < m; b++) {
        let d2 = 0;
        for (let j = 0; j < p; j++) d2 += dist2[j][a * m + b] / (lengths[j] * lengths[j]);
        signalPart[a * m + b] = signalPart[b * m + a] = signal * Math.exp(-d2);
      }
    }
    const k = signalPart.slice();
    for (let a = 0; a < m; a++) k[a * m + a] += noise / omega[a] + 1e-10 * signal;
    if (!choleskyInPlace(k, m)) return Infinity;
    const alpha = choleskySolve(k, m, z.slice());
    let fit = 0;
    for (let a = 0; a < m; a++) fit += z[a] * alpha[a];
    let value = 0.5 * fit + choleskyHalfLogDet(k, m) + 0.5 * m * Math.log(2 * Math.PI);
    for (let j = 0; j < p; j++) value += (theta[j] - PRIOR.logLength) ** 2 / (2 * PRIOR.logLengthSd ** 2);
    value += theta[p] ** 2 / (2 * PRIOR.logSignalSd ** 2) + (theta[p + 1] - PRIOR.logNoise) ** 2 / (2 * PRIOR.logNoiseSd ** 2);
    if (gradient) {
      // d(−log L)/dθ = −½ tr((ααᵀ − K⁻¹) dK/dθ).
      const inverse = choleskyInverse(k, m);
      gradient.fill(0);
      for (let a = 0; a < m; a++) {
        for (let b = 0; b < m; b++) {
          const q = alpha[a] * alpha[b] - inverse[a * m + b];
          const s = signalPart[a * m + b];
          gradient[p] -= 0.5 * q * s;
          for (let j = 0; j < p; j++) gradient[j] -= 0.5 * q * s * 2 * dist2[j][a * m + b] / (lengths[j] * lengths[j]) * ((lengths[j] - MIN_LENGTH) / lengths[j]);
        }
        gradient[p + 1] -= 0.5 * (alpha[a] * alpha[a] - inverse[a * m + a]) * (noise / omega[a]);
      }
      for (let j = 0; j < p; j++) gradient[j] += (theta[j] - PRIOR.logLength) / PRIOR.logLengthSd ** 2;
      gradient[p] += theta[p] / PRIOR.logSignalSd ** 2;
      gradient[p + 1] += (theta[p + 1] - PRIOR.logNoise) / PRIOR.logNoiseSd ** 2;
    }
    return value;
  };
  const theta = new Float64Array(dims);
  for (let j = 0; j < p; j++) theta[j] = PRIOR.logLength;
  theta[p] = Math.log(0.5);
  theta[p + 1] = Math.log(0.5);
  return minimiseBfgs(objective, theta, 60);
}

/** BFGS on a smooth objective with an analytic gradient; steps capped at 2 in every coordinate (log scale). */
function minimiseBfgs(objective: (x: Float64Array, gradient: Float64Array | null) => number, start: Float64Array, iterations: number): Float64Array {
  const n = start.length;
  let x = start.slice();
  let g = new Float64Array(n);
  let f = objective(x, g);
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) h[i * n + i] = 1;
  for (let iteration = 0; iteration < iterations; iteration++) {
    const direction = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s -= h[i * n + j] * g[j];
      direction[i] = s;
    }
    let slope = 0;
    for (let i = 0; i < n; i++) slope += direction[i] * g[i];
    if (!(slope < 0)) {
      // Not a descent direction: restart from steepest descent.
      h.fill(0);
      for (let i = 0; i < n; i++) {
        h[i * n + i] = 1;
        direction[i] = -g[i];
      }
      slope = -g.reduce((s, v) => s + v * v, 0);
    }
    const longest = Math.max(...direction.map(Math.abs));
    let step = longest > 2 ? 2 / longest : 1;
    let next = x;
    let nextF = Infinity;
    for (let tries = 0; tries < 30; tries++) {
      next = x.map((v, i) => v + step * direction[i]);
      nextF = objective(next, null);
      if (nextF <= f + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(nextF < f)) break;
    const nextG = new Float64Array(n);
    objective(next, nextG);
    const s = next.map((v, i) => v - x[i]);
    const y = nextG.map((v, i) => v - g[i]);
    let sy = 0;
    for (let i = 0; i < n; i++) sy += s[i] * y[i];
    const converged = Math.abs(f - nextF) < 1e-9 * (1 + Math.abs(f)) || Math.max(...nextG.map(Math.abs)) < 1e-5;
    x = next;
    f = nextF;
    g = nextG;
    if (converged) break;
    if (sy > 1e-12) {
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ.
      const rho = 1 / sy;
      const hy = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) hy[i] += h[i * n + j] * y[j];
      let yhy = 0;
      for (let i = 0; i < n; i++) yhy += y[i] * hy[i];
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          h[i * n + j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
        }
      }
    }
  }
  return x;
}
