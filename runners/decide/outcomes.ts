/**
 * The one value every decision estimator shares: a criterion's outcomes, policy by world, with
 * its direction (higher is better, or lower for costs), optionally the replicates behind each
 * value; and the worlds' parameters. World-major typed arrays; builders from nested arrays for
 * people calling from code. Net benefit is the outcome signed so that more is always better.
 */
import { InputError } from '../../engine/errors.js';

/** One criterion's outcomes: `values[w * policies.length + d]` is policy d's outcome in world w. */
export interface CriterionOutcomes {
  readonly policies: readonly string[];
  readonly worlds: number;
  /** A world's value may be the mean over its replicates (seeds); then give `replicates` and `withinVariance`. */
  readonly values: Float64Array;
  /** true: more is better (defections, capacity lost); false: less is better (costs). */
  readonly higherIsBetter: boolean;
  /** Replicates behind each value (same layout as `values`); absent: one value each, no seed variance known. */
  readonly replicates?: Float64Array;
  /** The sample variance of a single replicate around each value (same layout; NaN where one replicate). */
  readonly withinVariance?: Float64Array;
}

/** The worlds' parameters, one column per parameter: `columns[j][w]` is parameter j in world w. */
export interface WorldParameters {
  readonly names: readonly string[];
  readonly columns: readonly Float64Array[];
}

/**
 * Outcomes from nested arrays, `rows[world][policy]`. With `replicateRows[world][policy]` (arrays
 * of the replicates' values) the value is their mean and the seed variance is kept.
 */
export function criterionOutcomes(
  policies: readonly string[], rows: readonly (readonly number[])[], options: { higherIsBetter?: boolean; replicateRows?: readonly (readonly (readonly number[])[])[] } = {},
): CriterionOutcomes {
  const P = policies.length;
  const source = options.replicateRows;
  const W = source ? source.length : rows.length;
  const values = new Float64Array(W * P);
  const replicates = source ? new Float64Array(W * P) : undefined;
  const withinVariance = source ? new Float64Array(W * P) : undefined;
  for (let w = 0; w < W; w++) {
    for (let d = 0; d < P; d++) {
      if (source) {
        const runs = source[w][d] ?? [];
        const { mean, variance } = meanAndVariance(runs);
        values[w * P + d] = mean;
        replicates![w * P + d] = runs.length;
        withinVariance![w * P + d] = variance;
      } else values[w * P + d] = rows[w]?.[d] ?? NaN;
    }
  }
  const outcomes = { policies, worlds: W, values, higherIsBetter: options.higherIsBetter ?? true, ...(replicates ? { replicates, withinVariance } : {}) };
  checkOutcomes(outcomes);
  return outcomes;
}

/** Parameters from rows `x[world][param]`. */
export function worldParameters(names: readonly string[], rows: readonly (readonly number[])[]): WorldParameters {
  return { names, columns: names.map((_, j) => Float64Array.from(rows, (row) => row[j])) };
}

/** Mean and sample variance (n − 1; NaN for fewer than two values). */
export function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return { mean: values.length ? mean : NaN, variance: values.length > 1 ? ss / (values.length - 1) : NaN };
}

/** Refuses outcomes no estimator can use: fewer than two policies, no world, a non-finite value. */
export function checkOutcomes(outcomes: CriterionOutcomes): void {
  const P = outcomes.policies.length;
  if (P < 2) throw new InputError(`invalid value for 'policies': ${JSON.stringify(outcomes.policies)} (allowed: at least two policies to choose between)`);
  if (new Set(outcomes.policies).size !== P) throw new InputError(`invalid value for 'policies': ${JSON.stringify(outcomes.policies)} (allowed: distinct names)`);
  if (!(outcomes.worlds >= 1)) throw new InputError(`invalid value for 'worlds': ${outcomes.worlds} (allowed: at least one world)`);
  if (outcomes.values.length !== outcomes.worlds * P) throw new InputError(`'values' has ${outcomes.values.length} entries (allowed: worlds × policies = ${outcomes.worlds * P})`);
  for (let i = 0; i < outcomes.values.length; i++) {
    if (!Number.isFinite(outcomes.values[i])) {
      throw new InputError(`invalid value for 'values' of policy '${outcomes.policies[i % P]}' in world ${Math.floor(i / P)}: ${String(outcomes.values[i])} (allowed: a finite number)`);
    }
  }
}

/** Refuses parameters that do not match the worlds: a wrong length, a non-finite value, a repeated name. */
export function checkParameters(parameters: WorldParameters, worlds: number): void {
  if (parameters.names.length !== parameters.columns.length) throw new InputError(`parameters: ${parameters.names.length} names for ${parameters.columns.length} columns`);
  if (new Set(parameters.names).size !== parameters.names.length) throw new InputError(`invalid value for 'parameters': ${JSON.stringify(parameters.names)} (allowed: distinct names)`);
  parameters.columns.forEach((column, j) => {
    if (column.length !== worlds) throw new InputError(`parameter '${parameters.names[j]}' has ${column.length} values for ${worlds} worlds (allowed: one per world)`);
    for (let w = 0; w < worlds; w++) {
      if (!Number.isFinite(column[w])) throw new InputError(`invalid value for '${parameters.names[j]}' in world ${w}: ${String(column[w])} (allowed: a finite number)`);
    }
  });
}

/** The outcomes signed so that more is better: net benefit in the criterion's own units. */
export function netBenefit(outcomes: CriterionOutcomes): Float64Array {
  if (outcomes.higherIsBetter) return outcomes.values;
  const nb = new Float64Array(outcomes.values.length);
  for (let i = 0; i < nb.length; i++) nb[i] = -outcomes.values[i];
  return nb;
}
