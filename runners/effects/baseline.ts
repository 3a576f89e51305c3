/**
 * Which design point is each point's baseline. The baseline of a point p is the design point
 * whose values equal p's with the baseline's keys replaced by the baseline's values (when the
 * baseline names every varied key, that is one point for all). A key the design does not vary
 * (only `scenario` may be one) must equal the experiment's base scenario. Pure: the design
 * points in, baseline point ids out, or one InputError naming the baseline.
 */
import { describeValue, inputError } from '../../engine/errors.js';

export type BaselineValue = number | boolean | string;

export interface BaselinePoint {
  id: number;
  values: Readonly<Record<string, BaselineValue>>;
}

/** `a = 1, scenario = x` */
function describeValues(values: Readonly<Record<string, BaselineValue>>): string {
  return Object.entries(values).map(([key, value]) => `${key} = ${typeof value === 'string' ? value : describeValue(value)}`).join(', ');
}

/**
 * The baseline point id of every point (index = point id; a point whose baseline is itself maps
 * to itself). When several points have the same values, the first is the baseline.
 */
export function baselinePointIds(
  points: readonly BaselinePoint[], varied: readonly string[], baseline: Readonly<Record<string, BaselineValue>>,
  fixed: Readonly<Record<string, BaselineValue>> = {},
): Int32Array {
  const keyOf = (values: Readonly<Record<string, BaselineValue>>) => JSON.stringify(varied.map((key) => values[key]));
  const byValues = new Map<string, number>();
  for (const point of points) if (!byValues.has(keyOf(point.values))) byValues.set(keyOf(point.values), point.id);
  // A key the design does not vary has one value for all points (e.g. the base scenario).
  for (const [key, value] of Object.entries(baseline)) {
    if (!varied.includes(key) && fixed[key] !== value) {
      throw inputError('baseline', baseline, `values some design point has; every point has ${key} = ${describeValue(fixed[key])}`);
    }
  }
  const matchesSome = points.some((p) => Object.entries(baseline).every(([key, value]) => !varied.includes(key) || p.values[key] === value));
  if (!matchesSome) {
    const have = Object.keys(baseline).filter((key) => varied.includes(key))
      .map((key) => `${key} = ${[...new Set(points.map((p) => String(p.values[key])))].join(', ')}`).join('; ');
    throw inputError('baseline', baseline, `values some design point has; no design point has ${describeValues(baseline)} (the design has ${have})`);
  }
  const out = new Int32Array(points.length);
  for (const point of points) {
    const wanted: Record<string, BaselineValue> = { ...point.values };
    for (const [key, value] of Object.entries(baseline)) if (varied.includes(key)) wanted[key] = value;
    const id = byValues.get(keyOf(wanted));
    if (id === undefined) {
      throw inputError('baseline', baseline,
        `a baseline every design point has a counterpart for; design point ${point.id} (${describeValues(point.values)}) has none: no point has ${describeValues(wanted)}`);
    }
    out[point.id] = id;
  }
  return out;
}
