/**
 * The model interface: the one small typed value a model exports so that every command (run,
 * sweep, effects, sensitivity, calibrate, decide, reproduce, report) can drive it. A model is its
 * parameter schema, its scenarios, one run function and the names and units of what it records;
 * optionally its observed record. Nothing outside the model reads its internals.
 *
 * A run must be a pure function of (model version, parameters, seed): no Math.random, no clock.
 *
 * A model is registered by name in agents/index.ts, or loaded from a user's ES module
 * (`export const model` or a default export; runners/model/load.ts checks it against this
 * interface at load). docs/MODEL-API.md describes every field and builds a model step by step.
 *
 * Changes since the interface was first committed (all additive; a model written against the
 * first version still satisfies this one):
 * - `ModelOutput.count`: marks a metric that counts people or agents, so effects.csv gives the cost
 *   per additional one (its `costPerAdditionalDefectionUsd` columns) over a baseline.
 * - `ModelRunOutput.headline`: summary.json figures placed after the values at the record's target
 *   ticks and before `metrics` (the defection model's `costPerDefectionUsd` lives there).
 * - `ObservedRecord.stockColumns`: the columns whose tick-0 sum is a group's stock, for `maxShare`
 *   targets and `perStock` checks; without it a record may use neither.
 * - `ModelRunOutput.metrics`: when the model has a record, the runners append
 *   `calibration_passed` and `calibration_targets` (how many of the record's targets inside the
 *   horizon the run meets, and how many there are); a model does not compute them itself.
 */
import type { SchemaTree } from './schema.js';

/** Resolved parameter values, in the schema's tree shape (numbers, booleans, strings). */
export type ParameterValues = Record<string, unknown>;

/** A named set of overrides on the model's defaults (dotted parameter paths). */
export interface ModelScenario {
  readonly name: string;
  readonly description: string;
  readonly set: Readonly<Record<string, number | boolean | string>>;
}

/** One thing a model records: a series column (a value per tick) or a summary metric (one per run). */
export interface ModelOutput {
  readonly name: string;
  /** The unit in words, e.g. 'people', 'USD (cumulative)', 'index (1 at tick 0)', 'share of agents'. */
  readonly unit: string;
  readonly description?: string;
  /**
   * A metric that counts people or agents (e.g. defections): effects over a baseline then give
   * the cost per additional one (spend over the baseline / extra count). Default false.
   */
  readonly count?: boolean;
  /**
   * For a count: the metric holding the spend attributed to the people it counts (e.g. the army's
   * own spend for the army's defections); its cost per additional one divides by this spend's
   * effect over the baseline. Without it, by the model's whole spend (`outcomes.spendMetric`).
   */
  readonly spendMetric?: string;
}

/**
 * An outcome the effects, the main job and decisions read, in the model's own words. `kind`:
 * 'count' (people or agents: a cost per additional one is defined), 'index', 'usd' or 'other'.
 */
export interface ModelOutcome {
  readonly metric: string;
  readonly label: string;
  readonly kind: 'count' | 'index' | 'usd' | 'other';
  /** Larger is better for the policies being compared (default true). */
  readonly higherIsBetter?: boolean;
  /** The metric holding the spend attributed to this outcome's group (its own cost per additional one). */
  readonly spendMetric?: string;
}

/** What one run returns: the series as typed columns (one entry per tick) and the summary metrics. */
export interface ModelRunOutput {
  /** Series column names in output order (a subset or all of `ModelDefinition.series`, same order). */
  readonly columns: readonly string[];
  /** One Float64Array per column, each of length `ticks`. */
  readonly data: readonly Float64Array[];
  /** Summary metrics of the run (finite numbers, or NaN where undefined, e.g. a ratio over 0). */
  readonly metrics: Readonly<Record<string, number>>;
  /**
   * Model-specific information placed first in summary.json (e.g. how the population was
   * represented); plain JSON values.
   */
  readonly info?: Readonly<Record<string, unknown>>;
  /**
   * Headline figures placed in summary.json after `atTargetTicks` (the series at the record's
   * target ticks) and before `metrics`; plain JSON values.
   */
  readonly headline?: Readonly<Record<string, unknown>>;
  /** Agent-steps taken, for benchmarks (optional). */
  readonly agentSteps?: number;
}

export interface ModelRunOptions {
  /** Called after each tick (progress). */
  readonly onTick?: (tick: number, ticks: number) => void;
}

/** A calibration target of an observed record (docs/CALIBRATION.md): value ± tolerance, max or maxShare. */
export interface RecordTarget {
  id: string;
  series: string;
  group: string;
  tick: number;
  value?: number;
  tolerance?: number;
  max?: number;
  maxShare?: number;
  weight?: number;
  holdout?: boolean;
  source?: string;
  note?: string;
}

/** An observed record: targets, and shapes in words with optional machine-readable checks. */
export interface ObservedRecord {
  /** A short name, e.g. 'myanmar-2021'. */
  readonly name: string;
  readonly targets: readonly RecordTarget[];
  readonly shapes?: ReadonlyArray<{ id: string; text: string; source?: string; checks?: unknown[] }>;
  /** The series column a target reads (e.g. 'defected_cumulative' of group 'army' → 'defected_army'). */
  readonly targetColumn: (target: RecordTarget) => string;
  /** The target `series` names targetColumn understands. */
  readonly targetSeries: readonly string[];
  /**
   * The series columns whose values at tick 0 add up to a group's stock (e.g. serving + defected +
   * captured of 'army'), for `maxShare` targets and `perStock` checks. Groups are named as in
   * targets (`official.senior` or `official_senior`).
   */
  readonly stockColumns?: (group: string) => readonly string[];
}

export interface ModelDefinition<P extends ParameterValues = ParameterValues> {
  /** Short name used by `--model` and `model:` (lowercase letters, digits, '-'). */
  readonly name: string;
  /** Bumped whenever a change can change any output for the same parameters and seed. */
  readonly version: string;
  /** One line: what the model is. */
  readonly description: string;
  /** Citation or source of the model, if any. */
  readonly citation?: string;
  /** The parameter schema: defaults, ranges, units, meaning. */
  readonly schema: SchemaTree;
  /** The dotted path of the horizon parameter (an integer count of ticks), e.g. 'time.ticks'. */
  readonly ticksParameter: string;
  /**
   * Checks across parameters (each value is already in its own range). `explicit`: the dotted
   * keys given by a scenario, file or --set. Returns one message naming the key, the value and
   * what is allowed, or null.
   */
  readonly checkParameters?: (params: P, explicit: ReadonlySet<string>) => string | null;
  /** Scenarios: the first is the default; names are unique. */
  readonly scenarios: readonly ModelScenario[];
  /** The scenario policies are compared against by default (a counterfactual), if any. */
  readonly baselineScenario?: string;
  /** Every series column the run may return, with units, in output order. */
  readonly series: readonly ModelOutput[];
  /** Every summary metric, with units. */
  readonly metrics: readonly ModelOutput[];
  /** The outcomes effects and decisions are read on, and the spend metric (for per-dollar figures). */
  readonly outcomes?: { readonly effects: readonly ModelOutcome[]; readonly spendMetric?: string };
  /** The observed record the model is calibrated to, if any. */
  readonly record?: ObservedRecord;
  /** One run: a pure function of (version, parameters, seed). */
  readonly run: (params: P, seed: number, options?: ModelRunOptions) => ModelRunOutput;
}
