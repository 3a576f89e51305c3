/**
 * Resolving a run's parameters for a model: its defaults, then a scenario's overrides, then a
 * config file, then `--set` assignments; every layer checked against the model's one parameter
 * schema, then the model's checks across parameters. Also the model-specific specs the files
 * and commands check values against: a scenario name, the horizon, any dotted parameter path.
 */
import { describeValue, InputError, inputError } from '../../engine/errors.js';
import type { ModelDefinition, ModelScenario, ParameterValues } from '../../engine/model.js';
import {
  applyOverrides, choice, defaultsOf, flattenOverrides, flattenSchema, getPath, parseAssignment, type ChoiceSpec, type NumberSpec, type ParamSpec, type SchemaTree, type ValuesOf,
} from '../../engine/schema.js';
import { readStructuredFile } from '../io/structured-file.js';

export type Overrides = Map<string, unknown>;

const specCache = new WeakMap<ModelDefinition, ReadonlyMap<string, ParamSpec>>();

/** Every parameter of a model by dotted path. */
export function parameterSpecs(model: ModelDefinition): ReadonlyMap<string, ParamSpec> {
  let specs = specCache.get(model);
  if (!specs) specCache.set(model, (specs = flattenSchema(model.schema)));
  return specs;
}

export function scenarioNames(model: ModelDefinition): string[] {
  return model.scenarios.map((s) => s.name);
}

export function findScenario(model: ModelDefinition, name: string): ModelScenario | undefined {
  return model.scenarios.find((s) => s.name === name);
}

/** The scenario a command runs when none is named: the model's first. */
export function defaultScenario(model: ModelDefinition): string {
  return model.scenarios[0].name;
}

/** A scenario name as a choice spec (the default is the model's first scenario). */
export function scenarioSpec(model: ModelDefinition): ChoiceSpec {
  return choice(scenarioNames(model), defaultScenario(model), "Base scenario (see 'defsim scenarios'); a design may vary it");
}

/** The spec of the model's horizon parameter (an integer number of ticks). */
export function ticksSpec(model: ModelDefinition): NumberSpec {
  return parameterSpecs(model).get(model.ticksParameter) as NumberSpec;
}

/** The horizon of resolved parameters. */
export function ticksOf(model: ModelDefinition, params: ParameterValues): number {
  return getPath(params, model.ticksParameter) as number;
}

export function scenarioOverrides(model: ModelDefinition, name: string, key = 'scenario'): Overrides {
  const scenario = findScenario(model, name);
  if (!scenario) throw inputError(key, name, `one of ${scenarioNames(model).join(', ')} (see 'defsim scenarios${model.name === 'defection' ? '' : ` --model ${model.name}`}')`);
  return new Map(Object.entries(scenario.set));
}

/**
 * Parameters for a scenario with further override layers applied in order, every value checked
 * against the schema and the relations between values checked at the end (a value any layer
 * gave explicitly, such as a tick beyond the horizon, is refused; defaults never are).
 */
export function resolveParameters(model: ModelDefinition, scenario: string, ...layers: Overrides[]): ParameterValues {
  const scenarioLayer = scenarioOverrides(model, scenario);
  let params: ParameterValues = applyOverrides(model.schema, defaultsOf(model.schema), scenarioLayer);
  const explicit = new Set(scenarioLayer.keys());
  for (const layer of layers) {
    params = applyOverrides(model.schema, params as ValuesOf<SchemaTree>, layer);
    for (const key of layer.keys()) explicit.add(key);
  }
  const problem = model.checkParameters?.(params, explicit) ?? null;
  if (problem) throw new InputError(problem);
  return params;
}

/** The spec of a dotted parameter path, or an InputError listing what is allowed near it. */
export function parameterSpec(model: ModelDefinition, where: string, path: string, value: unknown): ParamSpec {
  const specs = parameterSpecs(model);
  const spec = specs.get(path);
  if (spec) return spec;
  const parts = path.split('.');
  let parent = '';
  for (let i = parts.length - 1; i > 0 && !parent; i--) {
    const candidate = parts.slice(0, i).join('.');
    if ([...specs.keys()].some((p) => p.startsWith(candidate + '.'))) parent = candidate;
  }
  const names = new Set<string>();
  for (const p of specs.keys()) {
    if (!parent || p.startsWith(parent + '.')) names.add((parent ? parent + '.' : '') + p.slice(parent ? parent.length + 1 : 0).split('.')[0]);
  }
  const hint = parent ? `parameters under '${parent}': ${[...names].join(', ')}` : `a dotted parameter path under ${[...names].join(', ')}`;
  const params = model.name === 'defection' ? "'defsim params'" : `'defsim params --model ${model.name}'`;
  throw new InputError(`unknown parameter '${where}' (value ${describeValue(value)}); allowed: ${hint} (see ${params})`);
}

export interface RunConfig {
  scenario?: string;
  seed?: number;
  /** The model the file names (`model:`), as written. */
  model?: string;
  overrides: Overrides;
}

/**
 * A run config file: optional `scenario`, `seed` and `model`, every other key a parameter
 * (nested mappings or dotted keys).
 */
export function readRunConfig(path: string): RunConfig {
  const value = readStructuredFile(path);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw inputError(path, value, 'a mapping of parameter names to values');
  }
  const { scenario, seed, model, ...rest } = value as Record<string, unknown>;
  if (scenario !== undefined && typeof scenario !== 'string') throw inputError('scenario', scenario, "a scenario name (see 'defsim scenarios')");
  if (model !== undefined && (typeof model !== 'string' || model === '')) throw inputError('model', model, 'a built-in model name or the path of a model module (.js or .mjs)');
  const config: RunConfig = { overrides: Object.keys(rest).length ? flattenOverrides(rest) : new Map() };
  if (scenario !== undefined) config.scenario = scenario;
  if (seed !== undefined) config.seed = checkSeed(seed, 'seed');
  if (model !== undefined) config.model = model as string;
  return config;
}

export function parseSetArguments(assignments: readonly string[]): Overrides {
  const out: Overrides = new Map();
  for (const text of assignments) {
    const [key, value] = parseAssignment(text);
    out.set(key, value);
  }
  return out;
}

/** A seed is a non-negative integer below 2^53. */
export function checkSeed(value: unknown, key = 'seed'): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw inputError(key, value, 'an integer in [0, 2^53)');
  return n;
}
