/**
 * The checked values of experiment and calibration files, shared by the experiment reader
 * (experiment.ts), the sensitivity designs (sensitivity/design.ts) and calibration files: plain
 * mappings without prototype-polluting keys, values checked against their spec (a file gives
 * numbers as numbers), the experiment's own settings for a model, and the run-count limit.
 */
import { InputError, describeValue, inputError } from '../../engine/errors.js';
import type { ModelDefinition } from '../../engine/model.js';
import { allowedText, checkValue, choice, int, type ChoiceSpec, type NumberSpec, type ParamSpec } from '../../engine/schema.js';
import { parameterSpec, scenarioSpec, ticksSpec } from '../model/parameters.js';

export type ParameterValue = number | boolean | string;

/** The pseudo-parameter that varies the base scenario. */
export const SCENARIO_KEY = 'scenario';

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A bad name; when it was taken from the file name (no `name` key), the message says so and how to fix it. */
export function nameError(name: unknown, fromFileName: boolean): InputError {
  const allowed = 'letters, digits, ".", "_" and "-", starting with a letter or digit';
  if (!fromFileName) return inputError('name', name, allowed);
  return new InputError(`the file has no 'name', and its file name ${describeValue(name)} cannot be one (allowed: ${allowed}; add a 'name:' key or rename the file)`);
}
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** The experiment's own settings that are the same for every model, as specs of the parameter schema machinery. */
export const SWEEP_SETTINGS = {
  replicates: int(1, 'Runs per design point, each with its own seed', { min: 1, max: 1_000_000, unit: 'runs' }),
  seed: int(1, 'Experiment seed: random and lhs designs and every run seed derive from it', { min: 0, max: Number.MAX_SAFE_INTEGER, unit: 'seed' }),
  seeds: choice(['per-run', 'common'], 'per-run',
    'How run seeds are made: per-run = hashInts(seed, point_id, replicate), every run its own; common = the seeds of point 0 at every point (common random numbers: replicate r of every point has the same population, so differences between points are not blurred by different draws); { commonWithin: n } = hashInts(seed, floor(point_id / n), replicate), common within each block of n consecutive points (a world\'s policies), other seeds in each block'),
  commonWithin: int(1, 'Design points per block of common seeds (seeds: { commonWithin: n })', { min: 1, max: 1_000_000, unit: 'points' }),
  samples: int(10, 'Design points drawn by a random or lhs design', { min: 1, max: 1_000_000, unit: 'points' }),
  count: int(5, 'Number of values, evenly spaced (geometrically with log: true) from `from` to `to`', { min: 1, max: 1_000_000, unit: 'values' }),
  every: int(1, 'Record the series every n ticks (ticks 0, n, 2n, …)', { min: 1, max: 600, unit: 'ticks' }),
};

/** Every experiment setting for a model: its scenarios and horizon, and the settings of SWEEP_SETTINGS. */
export interface ExperimentSettings extends Readonly<typeof SWEEP_SETTINGS> {
  readonly scenario: ChoiceSpec;
  readonly ticks: NumberSpec;
}

const settingsCache = new WeakMap<ModelDefinition, ExperimentSettings>();

export function experimentSettings(model: ModelDefinition): ExperimentSettings {
  let settings = settingsCache.get(model);
  if (!settings) settingsCache.set(model, (settings = { scenario: scenarioSpec(model), ticks: ticksSpec(model), ...SWEEP_SETTINGS }));
  return settings;
}

/** As `checkValue`, but a file must give numbers as numbers and booleans as booleans (no strings). */
export function checkFileValue(path: string, spec: ParamSpec, value: unknown): ParameterValue {
  if (spec.type === 'number' && typeof value !== 'number') throw inputError(path, value, allowedText(spec));
  if (spec.type === 'boolean' && typeof value !== 'boolean') throw inputError(path, value, allowedText(spec));
  return checkValue(path, spec, value);
}

/**
 * A plain mapping with only the allowed keys (when given) and no prototype-polluting keys.
 * Returns a copy with a null prototype.
 */
export function mapping(path: string, value: unknown, allowed?: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw inputError(path, value, 'a mapping (key: value)');
  const out: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value)) {
    const keyPath = path.startsWith('(') ? key : `${path}.${key}`; // '(experiment)', '(calibration)': the top level
    for (const part of key.split('.')) {
      if (FORBIDDEN_KEYS.has(part) || part === '') throw new InputError(`invalid key '${keyPath}': '${part}' is not allowed as a key`);
    }
    if (allowed && !allowed.includes(key)) {
      throw new InputError(`unknown key '${keyPath}' (value ${describeValue((value as Record<string, unknown>)[key])}); allowed here: ${allowed.join(', ')}`);
    }
    out[key] = (value as Record<string, unknown>)[key];
  }
  return out;
}

export function checkedList(where: string, spec: ParamSpec, values: unknown[]): ParameterValue[] {
  if (values.length === 0) throw inputError(where, values, `a non-empty list of values (${allowedText(spec)})`);
  return values.map((v, i) => checkFileValue(`${where}[${i}]`, spec, v));
}

/** What a design key stands for: the scenario, or a parameter of the model. */
export function dimensionSpec(model: ModelDefinition, where: string, key: string, value: unknown): ParamSpec {
  return key === SCENARIO_KEY ? experimentSettings(model).scenario : parameterSpec(model, where, key, value);
}

export function checkRunCount(points: number, replicates: number, maxRuns: number): void {
  const runs = points * replicates;
  if (runs > maxRuns) {
    throw new InputError(`the design makes ${runs.toLocaleString('en-US')} runs (${points.toLocaleString('en-US')} points × ${replicates} replicates), more than --max-runs ${maxRuns} (allowed: at most ${maxRuns.toLocaleString('en-US')} runs; raise --max-runs or shrink the design)`);
  }
}
