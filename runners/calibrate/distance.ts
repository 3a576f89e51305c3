/**
 * The calibration distance, from a run's measured values to the targets (docs/CALIBRATION.md):
 *
 *   value target:     r = (model − observed) / (tolerance · |observed|)   (±1 at the edge of its band)
 *   bound or check:   r = 0 inside [min, max]; above max, (model − max) / (tolerance · |max|);
 *                     below min, (model − min) / (tolerance · |min|)      (|bound| read as 1 when 0)
 *   distance:         d = sqrt( Σ weight·r² / Σ weight )  over the fitted (non-holdout) targets
 *
 * so d is a root-mean-square of residuals in units of each target's tolerance. Pure functions.
 */
import type { Measure } from './measures.js';

export interface Target {
  readonly id: string;
  /** value: observed ± tolerance; bound: an upper bound of the record (max, maxShare); check: a shape's machine-readable check. */
  readonly kind: 'value' | 'bound' | 'check';
  readonly measure: Measure;
  readonly observed?: number;
  readonly min?: number;
  readonly max?: number;
  /** Relative: the band of a value target, the penalty scale of a bound or check. */
  readonly tolerance: number;
  readonly weight: number;
  /** Never used to fit; predicted and scored apart. */
  readonly holdout: boolean;
  /** For checks: the shape it belongs to. */
  readonly shape?: string;
  readonly source?: string;
}

/** The tolerance of a bound or check that names none (as wide as the commonest value-target band). */
export const DEFAULT_BOUND_TOLERANCE = 0.35;

/** The signed residual of one target in tolerance units (0 inside a bound); NaN when the model value is. */
export function residual(target: Target, model: number): number {
  if (Number.isNaN(model)) return Number.NaN;
  if (target.kind === 'value') {
    const observed = target.observed!;
    return (model - observed) / (target.tolerance * (observed !== 0 ? Math.abs(observed) : 1));
  }
  const scale = (bound: number) => target.tolerance * (bound !== 0 ? Math.abs(bound) : 1);
  if (target.max !== undefined && model > target.max) return (model - target.max) / scale(target.max);
  if (target.min !== undefined && model < target.min) return (model - target.min) / scale(target.min);
  return 0;
}

/** Whether the model value meets the target: inside the band of a value target, inside [min, max] of a bound or check. */
export function meets(target: Target, model: number): boolean {
  if (Number.isNaN(model)) return false;
  if (target.kind === 'value') {
    const [low, high] = valueBand(target);
    return model >= low && model <= high;
  }
  return (target.max === undefined || model <= target.max) && (target.min === undefined || model >= target.min);
}

/** observed·(1 ± tolerance), as agents/defection/calibration.ts's pass/fail check uses. */
export function valueBand(target: Target): [number, number] {
  const o = target.observed!;
  const [a, b] = [o * (1 - target.tolerance), o * (1 + target.tolerance)];
  return a <= b ? [a, b] : [b, a];
}

/** Residuals of each target and the distance over them (NaN when any residual is NaN; ±Infinity gives Infinity). */
export function distanceOf(targets: readonly Target[], values: readonly number[]): { distance: number; residuals: number[] } {
  const residuals = targets.map((t, k) => residual(t, values[k]));
  let sum = 0;
  let weights = 0;
  targets.forEach((t, k) => {
    sum += t.weight * residuals[k] * residuals[k];
    weights += t.weight;
  });
  return { distance: Math.sqrt(sum / weights), residuals };
}
