/**
 * ABC-SMC (approximate Bayesian computation by sequential Monte Carlo; Beaumont et al. 2009,
 * with the multivariate normal kernel of Filippi et al. 2013 and the quantile tolerance schedule of
 * Del Moral et al. 2012 / Lenormand et al. 2013; docs/CALIBRATION.md). Model-agnostic: it takes
 * priors over named parameters, settings, and a batch evaluator that maps parameter vectors to
 * distances; it knows nothing of files, pools or the defection model.
 *
 * Generation 0 draws from the prior and accepts every simulation that did not fail. Generation
 * g ≥ 1 has tolerance ε_g = the weighted α-quantile of generation g−1's distances; a candidate
 * picks a particle of g−1 by weight, moves it by N(0, 2·Σ) in sampling space (Σ the weighted
 * covariance of generation g−1), and is accepted when its distance is ≤ ε_g. Its importance weight
 * is π(θ) / Σ_j w_j K(θ | θ_j). A candidate outside the prior's support has π = 0: it is not
 * simulated and never accepted (the proposal stays the untruncated kernel mixture, so the weights
 * are exact).
 *
 * Determinism: candidate i of generation g is a pure function of (seed, g, i) and generation
 * g−1, and the particles of generation g are the first `particles` accepted candidates in index
 * order. Candidates are evaluated in rounds whose sizes depend only on earlier results, so the
 * population (and every count) is the same for any evaluator that returns the same distances —
 * however many workers it uses, in whatever order they finish, across a kill and a resume.
 */
import { hashInts, RandomStream } from '../../engine/rng.js';
import { drawPrior, fromSampling, insideSupport, logPriorDensity, priorCdf, samplingBounds, type Prior } from './priors.js';
import { truncatedMixture, weightedKsDistance } from './truncated-kernel.js';
import {
  cholesky, effectiveSampleSize, forwardSolve, logSumExp, normalise, weightedCorrelation, weightedCovariance, weightedQuantile,
} from './weighted.js';

export interface AbcSettings {
  /** Particles per generation (≥ 2). */
  readonly particles: number;
  /** The most generations, generation 0 (the prior sample) included. */
  readonly generations: number;
  /** Stop after a generation that accepts less than this share of its simulations. */
  readonly minAcceptanceRate: number;
  /** α: each tolerance is the weighted α-quantile of the previous generation's distances. */
  readonly quantile: number;
  /** The kernel covariance is this times the weighted particle covariance (2: Beaumont et al. 2009). */
  readonly kernelScale: number;
  /**
   * 'normal' (the default): the untruncated kernel, a candidate outside the prior's box is not
   * simulated; 'truncated': candidates are drawn inside the box from the kernel truncated to it,
   * with its exact density (truncated-kernel.ts) — for many parameters, where the untruncated
   * kernel almost never lands inside.
   */
  readonly kernel?: KernelShape;
  readonly seed: number;
  /** Stop after a generation whose tolerance is at or below this (pyABC's minimum_epsilon). */
  readonly minTolerance?: number;
  /** Stop after the generation that brings the simulations of all generations to at least this many (pyABC's max_total_nr_simulations). */
  readonly maxSimulations?: number;
  /**
   * Asked after each generation (never within one): true stops the calibration there. The
   * wall-clock limit uses it (pyABC's max_walltime), so the estimator itself never reads a clock.
   */
  readonly stopNow?: () => boolean;
}

export type KernelShape = 'normal' | 'truncated';
export const KERNEL_SHAPES: readonly KernelShape[] = ['normal', 'truncated'];

export const DEFAULT_QUANTILE = 0.5;
export const DEFAULT_KERNEL_SCALE = 2;

/** A parameter vector to simulate: candidate `index` of `generation`, values in prior order. */
export interface Candidate {
  readonly generation: number;
  readonly index: number;
  readonly values: readonly number[];
}

/** Distances of a batch of candidates, in batch order; NaN or Infinity for a simulation that failed. */
export type Evaluate = (batch: readonly Candidate[]) => Promise<readonly number[]>;

/** One generation's particles: values (parameter space), normalised weights, distances. */
export interface Population {
  readonly generation: number;
  readonly tolerance: number;
  /** Particle k's parameter values, in prior order. */
  readonly values: readonly (readonly number[])[];
  readonly weights: Float64Array;
  readonly distances: Float64Array;
  /** The candidate index each particle was accepted as. */
  readonly candidates: Int32Array;
}

export interface GenerationSummary {
  readonly generation: number;
  readonly tolerance: number;
  /** Candidates drawn (simulated or outside the prior). */
  readonly proposed: number;
  /** Candidates outside the prior's support (not simulated). */
  readonly outsidePrior: number;
  /** Candidates simulated. */
  readonly simulations: number;
  /** Simulations that failed (distance NaN or infinite). */
  readonly failed: number;
  /** Simulations with distance ≤ tolerance (may exceed `particles`: the last round runs past the last one needed). */
  readonly accepted: number;
  /** accepted / simulations: the estimated chance a proposed simulation is accepted. */
  readonly acceptanceRate: number;
  readonly ess: number;
  /** False when the simulation budget ran out before `particles` were accepted (the generation is dropped). */
  readonly complete: boolean;
  /** The truncated kernel: the parameters (prior indexes) it perturbed; the others were drawn from their priors. Absent otherwise. */
  readonly kernelParameters?: readonly number[];
}

export interface GenerationResult {
  readonly summary: GenerationSummary;
  /** Null for an incomplete generation. */
  readonly population: Population | null;
}

/**
 * Which rule ended the calibration: the generation count, the acceptance rate (or a generation's
 * budget running out), the minimum tolerance, the simulation budget, or the wall-clock limit.
 * Every rule is checked only between generations, in this order.
 */
export type StopReason = 'generations' | 'acceptance-rate' | 'min-tolerance' | 'simulations' | 'wall-clock';

export interface AbcResult {
  /** The posterior: the last complete generation. */
  readonly posterior: Population;
  readonly generations: readonly GenerationSummary[];
  readonly stopReason: StopReason;
}

export interface AbcProgress {
  readonly generation: number;
  readonly tolerance: number;
  readonly accepted: number;
  readonly particles: number;
  readonly simulations: number;
  readonly budget: number;
}

/** The most simulations a generation may use: particles / minAcceptanceRate. */
export function generationBudget(settings: Pick<AbcSettings, 'particles' | 'minAcceptanceRate'>): number {
  return Math.ceil(settings.particles / settings.minAcceptanceRate);
}

/** Run ABC-SMC; yields each generation as it finishes and returns the posterior. */
export async function* abcSmc(
  priors: readonly Prior[],
  settings: AbcSettings,
  evaluate: Evaluate,
  onProgress?: (progress: AbcProgress) => void,
): AsyncGenerator<GenerationResult, AbcResult, undefined> {
  checkSettings(priors, settings);
  const summaries: GenerationSummary[] = [];
  let previous: Population | null = null;
  for (let generation = 0; generation < settings.generations; generation++) {
    const proposal = previous ? kernelProposal(priors, previous, settings) : priorProposal(priors, settings.seed);
    const tolerance = previous ? weightedQuantile(previous.distances, previous.weights, settings.quantile) : Infinity;
    const result = await runGeneration(priors, settings, generation, tolerance, proposal, evaluate, onProgress);
    summaries.push(result.summary);
    yield result;
    if (!result.population) {
      if (!previous) throw new Error('ABC-SMC: generation 0 could not accept a single particle within its simulation budget (every simulation failed)');
      return { posterior: previous, generations: summaries, stopReason: 'acceptance-rate' };
    }
    previous = result.population;
    if (generation > 0 && result.summary.acceptanceRate < settings.minAcceptanceRate) {
      return { posterior: previous, generations: summaries, stopReason: 'acceptance-rate' };
    }
    const rule = laterStop(settings, previous, summaries, generation + 1 < settings.generations);
    if (rule) return { posterior: previous, generations: summaries, stopReason: rule };
  }
  return { posterior: previous!, generations: summaries, stopReason: 'generations' };
}

/**
 * The stop rule that ends the calibration after this generation, if any: checked after the
 * acceptance rate and before the generation count; the wall clock only when more generations
 * remain (a calibration that would stop anyway is not said to have run out of time).
 */
function laterStop(settings: AbcSettings, population: Population, summaries: readonly GenerationSummary[], more: boolean): StopReason | null {
  if (settings.minTolerance !== undefined && population.tolerance <= settings.minTolerance) return 'min-tolerance';
  if (settings.maxSimulations !== undefined && summaries.reduce((n, s) => n + s.simulations, 0) >= settings.maxSimulations) return 'simulations';
  if (more && settings.stopNow?.()) return 'wall-clock';
  return null;
}

function checkSettings(priors: readonly Prior[], s: AbcSettings): void {
  if (priors.length === 0) throw new RangeError('ABC-SMC needs at least one parameter');
  if (!Number.isInteger(s.particles) || s.particles < 2) throw new RangeError(`particles must be an integer >= 2 (got ${s.particles})`);
  if (!Number.isInteger(s.generations) || s.generations < 1) throw new RangeError(`generations must be an integer >= 1 (got ${s.generations})`);
  if (!(s.minAcceptanceRate > 0 && s.minAcceptanceRate <= 1)) throw new RangeError(`minAcceptanceRate must be in (0, 1] (got ${s.minAcceptanceRate})`);
  if (!(s.quantile > 0 && s.quantile < 1)) throw new RangeError(`quantile must be in (0, 1) (got ${s.quantile})`);
  if (!(s.kernelScale > 0)) throw new RangeError(`kernelScale must be > 0 (got ${s.kernelScale})`);
  if (s.minTolerance !== undefined && !(s.minTolerance >= 0)) throw new RangeError(`minTolerance must be >= 0 (got ${s.minTolerance})`);
  if (s.maxSimulations !== undefined && !(Number.isInteger(s.maxSimulations) && s.maxSimulations >= 1)) throw new RangeError(`maxSimulations must be an integer >= 1 (got ${s.maxSimulations})`);
  if (s.kernel !== undefined && !KERNEL_SHAPES.includes(s.kernel)) throw new RangeError(`kernel must be one of ${KERNEL_SHAPES.join(', ')} (got ${String(s.kernel)})`);
}

/** Draws candidate `index` in sampling space (null when outside the prior) and gives the log importance weight of an accepted one. */
interface Proposal {
  draw(generation: number, index: number): Float64Array | null;
  logWeight(z: Float64Array): number;
  /** The truncated kernel: the parameters it perturbs (the others are drawn from their priors). */
  moved?: readonly number[];
}

function candidateStream(seed: number, generation: number, index: number): RandomStream {
  return new RandomStream(hashInts(seed, generation, index), 'abc-smc:candidate');
}

/** Generation 0: independent prior draws, equal weights. */
function priorProposal(priors: readonly Prior[], seed: number): Proposal {
  return {
    draw: (generation, index) => {
      const stream = candidateStream(seed, generation, index);
      return Float64Array.from(priors, (p) => drawPrior(p.spec, stream));
    },
    logWeight: () => 0,
  };
}

/**
 * Generation g ≥ 1: pick particle j of g−1 by weight, add N(0, kernelScale·Σ) in sampling space.
 * Weight: π(z) / Σ_j w_j N(z; z_j, kernelScale·Σ) (the kernel's normalising constant is common to
 * all candidates and left out).
 */
function kernelProposal(priors: readonly Prior[], previous: Population, settings: AbcSettings): Proposal {
  const d = priors.length;
  const n = previous.values.length;
  const points = previous.values.map((values) => Float64Array.from(values, (x, k) => samplingValue(priors[k], x)));
  const cumulative = new Float64Array(n);
  let running = 0;
  for (let j = 0; j < n; j++) cumulative[j] = running += previous.weights[j];
  if (settings.kernel === 'truncated') return truncatedProposal(priors, previous, points, settings, cumulative, running);
  const factor = kernelFactor(points, previous.weights, d, settings.kernelScale, priors);
  // Mahalanobis distances through L⁻¹: whiten every particle once, then compare whitened points.
  const whitened = points.map((z) => forwardSolve(factor, d, z, new Float64Array(d)));
  const logWeights = Float64Array.from(previous.weights, (w) => Math.log(w));
  const scratch = new Float64Array(d);
  const terms = new Float64Array(n);
  return {
    draw: (generation, index) => {
      const stream = candidateStream(settings.seed, generation, index);
      const j = pickByWeight(cumulative, stream.uniform() * running);
      const noise = Float64Array.from({ length: d }, () => stream.normal());
      const z = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        let sum = points[j][a];
        for (let b = 0; b <= a; b++) sum += factor[a * d + b] * noise[b];
        z[a] = sum;
      }
      for (let a = 0; a < d; a++) if (!insideSupport(priors[a].spec, z[a])) return null;
      return z;
    },
    logWeight: (z) => {
      let logPrior = 0;
      for (let a = 0; a < d; a++) logPrior += logPriorDensity(priors[a].spec, z[a]);
      const white = forwardSolve(factor, d, z, scratch);
      for (let k = 0; k < n; k++) {
        let q = 0;
        for (let a = 0; a < d; a++) q += (white[a] - whitened[k][a]) ** 2;
        terms[k] = logWeights[k] - 0.5 * q;
      }
      return logPrior - logSumExp(terms);
    },
  };
}

/**
 * The truncated kernel (settings.kernel 'truncated'). Parameters whose marginal the previous
 * generation has moved from the prior (weighted Kolmogorov–Smirnov distance above the 5% critical
 * value 1.36/√ESS) are perturbed jointly by the kernel truncated to the prior's box
 * (truncated-kernel.ts); the others are drawn afresh from their priors. The proposal density is
 * then q(z) = Σ_j w_j K_j(z_M) · π(z_U) (M moved, U the rest), so the weight
 * π(z) / q(z) = π(z_M) / Σ_j w_j K_j(z_M): parameters the data leave alone do not enter the
 * weights, which in many dimensions would otherwise collapse onto a few particles. Any split is
 * exact; the rule only decides what is efficient, from generation g−1 alone.
 */
function truncatedProposal(
  priors: readonly Prior[], previous: Population, points: Float64Array[], settings: AbcSettings, cumulative: Float64Array, running: number,
): Proposal {
  const moved = movedParameters(priors, points, previous.weights);
  const m = moved.length;
  const sub = points.map((z) => Float64Array.from(moved, (a) => z[a]));
  const subPriors = moved.map((a) => priors[a]);
  const factor = m > 0 ? kernelFactor(sub, previous.weights, m, settings.kernelScale, subPriors) : new Float64Array(0);
  const bounds = subPriors.map((p) => samplingBounds(p.spec));
  const mixture = m > 0 ? truncatedMixture(sub, previous.weights, factor, bounds.map((b) => b[0]), bounds.map((b) => b[1])) : null;
  const isMoved = priors.map((_, a) => moved.includes(a));
  return {
    moved,
    draw: (generation, index) => {
      const stream = candidateStream(settings.seed, generation, index);
      const j = pickByWeight(cumulative, stream.uniform() * running);
      const kernelPart = mixture ? mixture.draw(j, stream) : new Float64Array(0);
      const z = new Float64Array(priors.length);
      moved.forEach((a, k) => (z[a] = kernelPart[k]));
      priors.forEach((p, a) => {
        if (!isMoved[a]) z[a] = drawPrior(p.spec, stream);
      });
      return z;
    },
    logWeight: (z) => {
      if (!mixture) return 0;
      let logPrior = 0;
      for (const a of moved) logPrior += logPriorDensity(priors[a].spec, z[a]);
      return logPrior - mixture.logDensity(Float64Array.from(moved, (a) => z[a]));
    },
  };
}

/**
 * The parameters (indexes) the kernel perturbs: those whose weighted marginal differs from the
 * prior by more than the Kolmogorov–Smirnov test's 5% critical value at n = ESS (1.36/√ESS), and
 * those correlated with one of them beyond chance (|weighted r| > 3.5/√ESS: a ridge along which
 * the data constrain a combination even where each marginal still looks like its prior).
 */
export function movedParameters(priors: readonly Prior[], points: readonly Float64Array[], weights: Float64Array): number[] {
  const ess = effectiveSampleSize(weights);
  const columns = priors.map((_, a) => points.map((z) => z[a]));
  const shifted = priors.map((prior, a) => weightedKsDistance(columns[a], weights, (z) => priorCdf(prior.spec, z)) > 1.36 / Math.sqrt(ess));
  const ridge = 3.5 / Math.sqrt(ess);
  return priors.flatMap((_, a) => {
    if (shifted[a]) return [a];
    return priors.some((__, b) => shifted[b] && Math.abs(weightedCorrelation(columns[a], columns[b], weights)) > ridge) ? [a] : [];
  });
}

function samplingValue(prior: Prior, x: number): number {
  return prior.spec.kind === 'log-uniform' ? Math.log(x) : x;
}

/**
 * Cholesky factor of kernelScale × the weighted covariance. A parameter on which every particle
 * agrees gets a floor variance of (1e-6 × its prior width)², and a matrix that is not positive
 * definite gets a growing ridge, so the kernel always moves.
 */
function kernelFactor(points: Float64Array[], weights: Float64Array, d: number, scale: number, priors: readonly Prior[]): Float64Array {
  const cov = weightedCovariance(points, weights, d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) cov[a * d + b] *= scale;
    const [lo, hi] = supportWidth(priors[a]);
    cov[a * d + a] = Math.max(cov[a * d + a], (1e-6 * (hi - lo)) ** 2);
  }
  for (let ridge = 0; ; ridge = ridge === 0 ? 1e-10 : ridge * 10) {
    const m = Float64Array.from(cov);
    for (let a = 0; a < d; a++) m[a * d + a] += ridge * cov[a * d + a];
    const l = cholesky(m, d);
    if (l) return l;
    if (ridge > 1) throw new Error('ABC-SMC: the particle covariance is not positive definite even with a ridge');
  }
}

function supportWidth(prior: Prior): [number, number] {
  const s = prior.spec;
  if (s.kind === 'log-uniform') return [Math.log(s.from), Math.log(s.to)];
  if (s.kind === 'normal') return [Math.max(s.from, s.mean - 6 * s.sd), Math.min(s.to, s.mean + 6 * s.sd)];
  return [s.from, s.to];
}

/** The first index whose cumulative weight exceeds u (binary search). */
function pickByWeight(cumulative: Float64Array, u: number): number {
  let lo = 0, hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

interface Accepted {
  index: number;
  z: Float64Array;
  values: number[];
  distance: number;
}

/**
 * One generation, in rounds. The first round simulates `particles` candidates; each next round
 * is sized from the acceptance seen so far (1.1 × still needed / rate, at least a tenth of
 * `particles`, at most doubling what has run), capped by the generation's budget. Round sizes
 * depend on earlier distances only, never on timing.
 */
async function runGeneration(
  priors: readonly Prior[], settings: AbcSettings, generation: number, tolerance: number, proposal: Proposal,
  evaluate: Evaluate, onProgress?: (progress: AbcProgress) => void,
): Promise<GenerationResult> {
  const n = settings.particles;
  const budget = generationBudget(settings);
  // Proposals outside the prior cost no simulation; still, a kernel that lands outside nearly always is a bug to stop on.
  const proposalLimit = 1000 * budget;
  const accepted: Accepted[] = [];
  let acceptedCount = 0;
  let next = 0;
  let simulations = 0;
  let outsidePrior = 0;
  let failed = 0;
  const progress = () => onProgress?.({ generation, tolerance, accepted: Math.min(acceptedCount, n), particles: n, simulations, budget });
  progress();
  while (acceptedCount < n && simulations < budget && next < proposalLimit) {
    const size = roundSize(n, n - acceptedCount, simulations, acceptedCount, budget);
    const batch: Candidate[] = [];
    const drawn: Float64Array[] = [];
    while (batch.length < size && next < proposalLimit) {
      const index = next++;
      const z = proposal.draw(generation, index);
      if (!z) {
        outsidePrior++;
        continue;
      }
      batch.push({ generation, index, values: Array.from(z, (value, k) => fromSampling(priors[k].spec, value)) });
      drawn.push(z);
    }
    if (batch.length === 0) break;
    const distances = await evaluate(batch);
    if (distances.length !== batch.length) throw new Error(`ABC-SMC: the evaluator returned ${distances.length} distances for ${batch.length} candidates`);
    simulations += batch.length;
    batch.forEach((candidate, k) => {
      const distance = distances[k];
      if (!Number.isFinite(distance)) failed++;
      else if (distance <= tolerance) {
        acceptedCount++;
        if (accepted.length < n) accepted.push({ index: candidate.index, z: drawn[k], values: [...candidate.values], distance });
      }
    });
    progress();
  }
  const complete = accepted.length === n;
  const base = {
    generation, tolerance, proposed: next, outsidePrior, simulations, failed, accepted: acceptedCount,
    acceptanceRate: simulations > 0 ? acceptedCount / simulations : 0,
    ...(proposal.moved ? { kernelParameters: proposal.moved } : {}),
  };
  if (!complete) return { summary: { ...base, ess: 0, complete }, population: null };
  const logWeights = accepted.map((a) => proposal.logWeight(a.z));
  const maxLog = Math.max(...logWeights);
  const weights = normalise(logWeights.map((w) => Math.exp(w - maxLog)));
  const population: Population = {
    generation, tolerance,
    values: accepted.map((a) => a.values),
    weights,
    distances: Float64Array.from(accepted, (a) => a.distance),
    candidates: Int32Array.from(accepted, (a) => a.index),
  };
  return { summary: { ...base, ess: effectiveSampleSize(weights), complete }, population };
}

function roundSize(particles: number, needed: number, simulations: number, accepted: number, budget: number): number {
  const left = budget - simulations;
  if (simulations === 0) return Math.min(left, particles);
  const rate = Math.max(accepted, 0.5) / simulations;
  const wanted = Math.ceil((1.1 * needed) / rate);
  return Math.min(left, Math.max(wanted, Math.ceil(particles / 10), needed), Math.max(particles, 2 * simulations));
}
