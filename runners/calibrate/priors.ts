/**
 * Priors over named real parameters. ABC-SMC works in each prior's *sampling space*: the value
 * itself for uniform and normal priors, its natural log for log-uniform ones, where the prior is
 * flat or normal and the perturbation kernel is symmetric. Pure functions; randomness comes from
 * the stream passed in.
 */
import type { RandomStream } from '../../engine/rng.js';
import { normalCdf } from '../sensitivity/distributions.js';

/**
 * uniform: flat on [from, to]; log-uniform: flat in ln x on [from, to] (from > 0);
 * normal: N(mean, sd²) truncated to [from, to] (the parameter's allowed range unless narrowed).
 */
export type PriorSpec =
  | { readonly kind: 'uniform'; readonly from: number; readonly to: number }
  | { readonly kind: 'log-uniform'; readonly from: number; readonly to: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly sd: number; readonly from: number; readonly to: number };

/** A named parameter and its prior. */
export interface Prior {
  readonly name: string;
  readonly spec: PriorSpec;
}

/** The value in sampling space (ln x for log-uniform priors). */
export function toSampling(spec: PriorSpec, x: number): number {
  return spec.kind === 'log-uniform' ? Math.log(x) : x;
}

/** The parameter value of a sampling-space point, kept inside [from, to] (exp(ln to) may round past to). */
export function fromSampling(spec: PriorSpec, z: number): number {
  const x = spec.kind === 'log-uniform' ? Math.exp(z) : z;
  return Math.min(spec.to, Math.max(spec.from, x));
}

/** The prior's support in sampling space. */
export function samplingBounds(spec: PriorSpec): [number, number] {
  return spec.kind === 'log-uniform' ? [Math.log(spec.from), Math.log(spec.to)] : [spec.from, spec.to];
}

export function insideSupport(spec: PriorSpec, z: number): boolean {
  const [lo, hi] = samplingBounds(spec);
  return z >= lo && z <= hi;
}

/**
 * The log prior density in sampling space, −Infinity outside the support. For a truncated
 * normal the constant 1/(mass inside the range) is left out: it is the same for every particle
 * and cancels when the importance weights are normalised.
 */
export function logPriorDensity(spec: PriorSpec, z: number): number {
  if (!insideSupport(spec, z)) return -Infinity;
  if (spec.kind === 'normal') {
    const u = (z - spec.mean) / spec.sd;
    return -0.5 * u * u - Math.log(spec.sd) - 0.5 * Math.log(2 * Math.PI);
  }
  const [lo, hi] = samplingBounds(spec);
  return -Math.log(hi - lo);
}

/** Most draws tried for a truncated normal before giving up (the loader refuses priors with < 0.1% mass inside). */
const MAX_NORMAL_TRIES = 100_000;

/** A draw from the prior, in sampling space. */
export function drawPrior(spec: PriorSpec, stream: RandomStream): number {
  if (spec.kind === 'normal') {
    for (let i = 0; i < MAX_NORMAL_TRIES; i++) {
      const z = spec.mean + spec.sd * stream.normal();
      if (z >= spec.from && z <= spec.to) return z;
    }
    throw new Error(`normal prior N(${spec.mean}, ${spec.sd}²) on [${spec.from}, ${spec.to}]: no draw inside the range`);
  }
  const [lo, hi] = samplingBounds(spec);
  return Math.min(hi, lo + stream.uniform() * (hi - lo));
}

/** The prior's distribution function in sampling space: the share of its mass at or below z. */
export function priorCdf(spec: PriorSpec, z: number): number {
  const [lo, hi] = samplingBounds(spec);
  if (z <= lo) return 0;
  if (z >= hi) return 1;
  if (spec.kind !== 'normal') return (z - lo) / (hi - lo);
  const below = normalCdf((spec.from - spec.mean) / spec.sd);
  return (normalCdf((z - spec.mean) / spec.sd) - below) / (normalCdf((spec.to - spec.mean) / spec.sd) - below);
}

/** Mean and standard deviation of the prior in sampling space, and (normal) the mass inside [from, to]. */
export function priorMoments(spec: PriorSpec): { mean: number; sd: number; mass: number } {
  if (spec.kind !== 'normal') {
    const [lo, hi] = samplingBounds(spec);
    return { mean: (lo + hi) / 2, sd: (hi - lo) / Math.sqrt(12), mass: 1 };
  }
  // Simpson's rule over the range, cut at ±12 sd where the density is below 1e-31 of its peak.
  const lo = Math.max(spec.from, spec.mean - 12 * spec.sd);
  const hi = Math.min(spec.to, spec.mean + 12 * spec.sd);
  if (!(hi > lo)) return { mean: Number.NaN, sd: Number.NaN, mass: 0 };
  const steps = 4000;
  const h = (hi - lo) / steps;
  let m0 = 0, m1 = 0, m2 = 0;
  for (let i = 0; i <= steps; i++) {
    const z = lo + i * h;
    const weight = (i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2) * (h / 3);
    const density = Math.exp(-0.5 * ((z - spec.mean) / spec.sd) ** 2) / (spec.sd * Math.sqrt(2 * Math.PI));
    m0 += weight * density;
    m1 += weight * density * z;
    m2 += weight * density * z * z;
  }
  const mean = m1 / m0;
  return { mean, sd: Math.sqrt(Math.max(0, m2 / m0 - mean * mean)), mass: m0 };
}

/** One line describing a prior, e.g. `uniform(-8, -2)`, `log-uniform(4, 30)`, `normal(0, 1) on [-50, 50]`. */
export function describePrior(spec: PriorSpec): string {
  if (spec.kind === 'normal') return `normal(${spec.mean}, ${spec.sd}) on [${spec.from}, ${spec.to}]`;
  return `${spec.kind}(${spec.from}, ${spec.to})`;
}
