/**
 * What the record says about one fitted parameter: its prior against its posterior, and a
 * verdict in words. Pure functions over a prior and weighted posterior values.
 *
 * The rule (docs/WORLDS.md, "Reading assumptions.csv"), in the prior's sampling space (ln x for
 * log-uniform priors), with r = posterior sd / prior sd and the prior's mass beyond each end of
 * the posterior's 90% interval (below q05, above q95; each 0.05 when the posterior is the prior):
 * - **constrained** (r ≤ 0.5, identifiability.csv's threshold): the record narrows it to
 *   [q05, q95];
 * - **one-sided** (one end holds ≥ 20% of the prior, four times the 5% it would hold untouched,
 *   the other less): the record rules out values above q95 (or below q05);
 * - **two-sided** (both ends ≥ 20%): the record rules out both ends;
 * - **weak** (r ≤ 0.85): the posterior is narrower than the prior, without ruling out either end;
 * - **none**: the record leaves the prior as it was.
 * With an effective sample size near 400, r's Monte Carlo error is about 0.035 and each end's
 * prior mass about 0.01, so the thresholds lie 4 or more standard errors from "untouched".
 */
import { priorCdf, priorMoments, toSampling, type PriorSpec } from '../calibrate/priors.js';
import { weightedMean, weightedQuantiles, weightedSd } from '../calibrate/weighted.js';
import type { ParameterRole } from './worlds-file.js';

/** r at or below this: constrained (the identifiability threshold of runners/calibrate/outputs.ts). */
export const CONSTRAINED_SD_RATIO = 0.5;
/** r at or below this (and not constrained): weakly constrained. */
export const WEAK_SD_RATIO = 0.85;
/** Prior mass beyond an end of the posterior's 90% interval at or above which that end is ruled out. */
export const RULED_OUT_PRIOR_MASS = 0.2;

export type Constraint = 'constrained' | 'one-sided' | 'two-sided' | 'weak' | 'none';

export interface ParameterVerdict {
  parameter: string;
  role: ParameterRole;
  /** In the parameter's own units. */
  priorMean: number;
  priorSd: number;
  posteriorMean: number;
  posteriorMedian: number;
  q05: number;
  q95: number;
  /** Posterior sd / prior sd, in sampling space. */
  sdRatio: number;
  /** The prior's mass below the posterior's q05 and above its q95. */
  priorMassBelow: number;
  priorMassAbove: number;
  constraint: Constraint;
  verdict: string;
}

/** The prior's mean and sd in the parameter's own units (for a log-uniform prior, of x, not ln x). */
export function priorMeanSd(spec: PriorSpec): { mean: number; sd: number } {
  if (spec.kind === 'log-uniform') {
    const span = Math.log(spec.to / spec.from);
    const mean = (spec.to - spec.from) / span;
    const square = (spec.to * spec.to - spec.from * spec.from) / (2 * span);
    return { mean, sd: Math.sqrt(Math.max(0, square - mean * mean)) };
  }
  const { mean, sd } = priorMoments(spec);
  return { mean, sd };
}

/** The verdict on one parameter from its prior and its weighted posterior values (parameter space). */
export function parameterVerdict(
  parameter: string, role: ParameterRole, spec: PriorSpec, values: readonly number[], weights: ArrayLike<number>, unit = '',
): ParameterVerdict {
  const sampling = values.map((x) => toSampling(spec, x));
  const sdRatio = weightedSd(sampling, weights) / priorMoments(spec).sd;
  const [q05, median, q95] = weightedQuantiles(values, weights, [0.05, 0.5, 0.95]);
  const priorMassBelow = priorCdf(spec, toSampling(spec, q05));
  const priorMassAbove = 1 - priorCdf(spec, toSampling(spec, q95));
  const { mean: priorMean, sd: priorSd } = priorMeanSd(spec);
  const constraint = classify(sdRatio, priorMassBelow, priorMassAbove);
  return {
    parameter, role, priorMean, priorSd, posteriorMean: weightedMean(values, weights), posteriorMedian: median, q05, q95, sdRatio,
    priorMassBelow, priorMassAbove, constraint, verdict: verdictText(constraint, { sdRatio, q05, q95, priorMassBelow, priorMassAbove }, unit),
  };
}

export function classify(sdRatio: number, priorMassBelow: number, priorMassAbove: number): Constraint {
  if (sdRatio <= CONSTRAINED_SD_RATIO) return 'constrained';
  const low = priorMassBelow >= RULED_OUT_PRIOR_MASS, high = priorMassAbove >= RULED_OUT_PRIOR_MASS;
  if (low && high) return 'two-sided';
  if (low || high) return 'one-sided';
  if (sdRatio <= WEAK_SD_RATIO) return 'weak';
  return 'none';
}

/** Three significant digits, plain ASCII (CSV cells read anywhere). */
export function significant(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(3))) : String(x);
}

function verdictText(
  constraint: Constraint, v: { sdRatio: number; q05: number; q95: number; priorMassBelow: number; priorMassAbove: number }, unit: string,
): string {
  const value = (x: number) => `${significant(x)}${unit && unit !== '1' && unit !== 'share' ? ` ${unit}` : ''}`;
  const percent = (share: number) => `${Math.round(share * 100)}%`;
  const ratio = `posterior sd ${significant(v.sdRatio)} of the prior's`;
  switch (constraint) {
    case 'constrained':
      return `constrained: the record narrows it to between ${value(v.q05)} and ${value(v.q95)} (90%); ${ratio}`;
    case 'two-sided':
      return `constrained at both ends: the record rules out values below ${value(v.q05)} and above ${value(v.q95)} (${percent(v.priorMassBelow)} and ${percent(v.priorMassAbove)} of the prior); ${ratio}`;
    case 'one-sided':
      return v.priorMassAbove >= v.priorMassBelow
        ? `constrained from above: the record rules out values above ${value(v.q95)} (${percent(v.priorMassAbove)} of the prior lies there, 5% of the posterior); ${ratio}`
        : `constrained from below: the record rules out values below ${value(v.q05)} (${percent(v.priorMassBelow)} of the prior lies there, 5% of the posterior); ${ratio}`;
    case 'weak':
      return `weakly constrained: narrower than the prior but neither end ruled out; ${ratio}`;
    case 'none':
      return `not constrained: the record leaves the prior as it was; ${ratio}`;
  }
}
