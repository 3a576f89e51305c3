/**
 * Resolving a run's parameters: defaults, then the scenario's overrides, then a config file,
 * then `--set` assignments; every layer checked against the one parameter schema.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError, inputError } from '../../engine/errors.js';
import { applyOverrides, flattenOverrides, parseAssignment } from '../../engine/schema.js';
import { defaultParameters, parameterRelationProblem, PARAMETER_SCHEMA, type Parameters } from '../../agents/defection/params.js';
import { findScenario, SCENARIO_NAMES } from '../../agents/defection/scenarios.js';

export type Overrides = Map<string, unknown>;

export function scenarioOverrides(name: string, key = 'scenario'): Overrides {
  const scenario = findScenario(name);
  if (!scenario) throw inputError(key, name, `one of ${SCENARIO_NAMES.join(', ')} (see 'defsim scenarios')`);
  return new Map(Object.entries(scenario.set));
}

/**
 * Parameters for a scenario with further override layers applied in order, every value checked
 * against the schema and the relations between values checked at the end (a value any layer
 * gave explicitly, such as a tick beyond the horizon, is refused; defaults never are).
 */
export function resolveParameters(scenario: string, ...layers: Overrides[]): Parameters {
  const scenarioLayer = scenarioOverrides(scenario);
  let params = applyOverrides(PARAMETER_SCHEMA, defaultParameters(), scenarioLayer);
  const explicit = new Set(scenarioLayer.keys());
  for (const layer of layers) {
    params = applyOverrides(PARAMETER_SCHEMA, params, layer);
    for (const key of layer.keys()) explicit.add(key);
  }
  const problem = parameterRelationProblem(params, explicit);
  if (problem) throw new InputError(problem);
  return params;
}

/** Read a YAML or JSON file into a plain value; malformed input is an InputError naming the file. */
export function readStructuredFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read '${path}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    if (path.endsWith('.json')) return JSON.parse(text);
    return parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InputError(`malformed ${path.endsWith('.json') ? 'JSON' : 'YAML'} in '${path}'${where}: ${message}`);
  }
}

export interface RunConfig {
  scenario?: string;
  seed?: number;
  overrides: Overrides;
}

/**
 * A run config file: optional `scenario` and `seed`, every other key a parameter (nested
 * mappings or dotted keys).
 */
export function readRunConfig(path: string): RunConfig {
  const value = readStructuredFile(path);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw inputError(path, value, 'a mapping of parameter names to values');
  }
  const { scenario, seed, ...rest } = value as Record<string, unknown>;
  if (scenario !== undefined && typeof scenario !== 'string') throw inputError('scenario', scenario, `one of ${SCENARIO_NAMES.join(', ')}`);
  const config: RunConfig = { overrides: Object.keys(rest).length ? flattenOverrides(rest) : new Map() };
  if (scenario !== undefined) config.scenario = scenario;
  if (seed !== undefined) config.seed = checkSeed(seed, 'seed');
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
