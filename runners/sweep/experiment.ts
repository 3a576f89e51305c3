/**
 * Experiment files: what a sweep runs. An experiment names a base scenario and overrides (`set`),
 * the horizon (`ticks`), `replicates`, the experiment `seed`, a `design` (grid, list, random or
 * lhs) and what to `record`. It is checked against the one parameter schema up front — every key,
 * every value of every design point — so a bad file fails with exit code 2 before anything is
 * written. `loadExperiment` returns the experiment *as resolved* (ranges expanded, `set`
 * flattened to dotted keys), which is itself a valid experiment: feeding it back gives the same.
 */
import { basename, extname } from 'node:path';
import { InputError, describeValue, inputError } from '../../engine/errors.js';
import {
  allowedText, checkValue, choice, flattenOverrides, flattenSchema, int, isSpec, leafJsonSchema, toJsonSchema,
  type ParamSpec, type SchemaTree,
} from '../../engine/schema.js';
import { PARAMETER_SCHEMA } from '../../agents/defection/params.js';
import { SCENARIO_NAMES } from '../../agents/defection/scenarios.js';
import { readStructuredFile, resolveParameters } from '../model/parameters.js';
import { sha256 } from '../io/outputs.js';
import { crossCombinations, designRows, resolveSampledDesign, sampledDesignJsonSchemas, type SampledDesign } from '../sensitivity/design.js';

export type ParameterValue = number | boolean | string;

/** A range of numbers in a design: `{from, to, step}` or `{from, to, count, log}` (grid), `{from, to, log}` (random, lhs). */
export interface RangeSpec {
  from: number;
  to: number;
  step?: number;
  count?: number;
  log?: boolean;
}

/** An experiment as written in a YAML or JSON file (before validation). */
export interface ExperimentObject {
  $schema?: string;
  name?: string;
  description?: string;
  scenario?: string;
  set?: Record<string, unknown>;
  ticks?: number;
  replicates?: number;
  seed?: number;
  seeds?: 'per-run' | 'common';
  design?: DesignObject;
  /** Effects are computed over this point: design keys and their values (docs/SWEEPS.md, Effects). */
  baseline?: Record<string, unknown>;
  record?: { series?: SeriesRecording };
}

export type DesignObject =
  | { type: 'grid'; parameters: Record<string, readonly ParameterValue[] | RangeSpec> }
  | { type: 'list'; points: readonly Record<string, unknown>[] }
  | { type: 'random' | 'lhs'; samples: number; parameters: Record<string, readonly ParameterValue[] | RangeSpec> }
  | ({ type: 'sobol' | 'morris' } & Record<string, unknown>);

/** `none`, `every-tick`, or `{ every: n }` (ticks 0, n, 2n, …). */
export type SeriesRecording = 'none' | 'every-tick' | { every: number };

/** A sampled dimension of a random or lhs design: a numeric range or a list to pick from. */
export type SampledValues = ParameterValue[] | { from: number; to: number; log: boolean };

export type ResolvedDesign =
  | { type: 'grid'; parameters: Record<string, ParameterValue[]> }
  | { type: 'list'; points: Record<string, ParameterValue>[] }
  | { type: 'random' | 'lhs'; samples: number; parameters: Record<string, SampledValues> }
  | SampledDesign;

/** An experiment as resolved: every value checked, ranges expanded, defaults filled in. */
export interface Experiment {
  name: string;
  description?: string;
  scenario: string;
  set: Record<string, ParameterValue>;
  ticks: number;
  replicates: number;
  seed: number;
  /** per-run: every run its own seed; common: the same seeds at every design point (common random numbers). */
  seeds: 'per-run' | 'common';
  design: ResolvedDesign;
  /** The counterfactual point(s) effects are measured against: design keys and values (absent: no effects). */
  baseline?: Record<string, ParameterValue>;
  record: { series: SeriesRecording };
}

export const DEFAULT_MAX_RUNS = 100_000;
/** The pseudo-parameter that varies the base scenario. */
export const SCENARIO_KEY = 'scenario';

/** The experiment's own settings, as specs of the same schema machinery as the model parameters. */
export const EXPERIMENT_SETTINGS = {
  scenario: choice(SCENARIO_NAMES, 'myanmar-2021', "Base scenario (see 'defsim scenarios'); a design may vary it"),
  ticks: PARAMETER_SCHEMA.time.ticks,
  replicates: int(1, 'Runs per design point, each with its own seed', { min: 1, max: 1_000_000, unit: 'runs' }),
  seed: int(1, 'Experiment seed: random and lhs designs and every run seed derive from it', { min: 0, max: Number.MAX_SAFE_INTEGER, unit: 'seed' }),
  seeds: choice(['per-run', 'common'], 'per-run',
    'How run seeds are made: per-run = hashInts(seed, point_id, replicate), every run its own; common = the seeds of point 0 at every point (common random numbers: replicate r of every point has the same population, so differences between points are not blurred by different draws)'),
  samples: int(10, 'Design points drawn by a random or lhs design', { min: 1, max: 1_000_000, unit: 'points' }),
  count: int(5, 'Number of values, evenly spaced (geometrically with log: true) from `from` to `to`', { min: 1, max: 1_000_000, unit: 'values' }),
  every: int(1, 'Record the series every n ticks (ticks 0, n, 2n, …)', { min: 1, max: 600, unit: 'ticks' }),
} satisfies SchemaTree;

const TOP_KEYS = ['$schema', 'name', 'description', 'scenario', 'set', 'ticks', 'replicates', 'seed', 'seeds', 'design', 'baseline', 'record'];
const DESIGN_KEYS: Record<string, string[]> = {
  grid: ['type', 'parameters'],
  list: ['type', 'points'],
  random: ['type', 'samples', 'parameters'],
  lhs: ['type', 'samples', 'parameters'],
};
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PARAMETER_SPECS = flattenSchema(PARAMETER_SCHEMA);

export interface LoadOptions {
  /** Refuse designs with more runs than this (default 100,000). */
  maxRuns?: number;
}

/** Read, check and resolve an experiment from a YAML/JSON file path or an object. */
export function loadExperiment(source: string | ExperimentObject | Experiment, options: LoadOptions = {}): Experiment {
  const raw = typeof source === 'string' ? readStructuredFile(source) : source;
  const fallbackName = typeof source === 'string' ? basename(source, extname(source)) : 'experiment';
  return resolveExperiment(raw, fallbackName, options.maxRuns ?? DEFAULT_MAX_RUNS);
}

function resolveExperiment(raw: unknown, fallbackName: string, maxRuns: number): Experiment {
  const top = mapping('(experiment)', raw, TOP_KEYS);
  if (top.$schema !== undefined && typeof top.$schema !== 'string') throw inputError('$schema', top.$schema, 'a string (the JSON Schema address, ignored)');
  const name = top.name === undefined ? fallbackName : top.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) throw inputError('name', name, 'letters, digits, ".", "_" and "-", starting with a letter or digit');
  if (top.description !== undefined && typeof top.description !== 'string') throw inputError('description', top.description, 'a string');
  const scenario = setting('scenario', top.scenario) as string;
  const ticks = setting('ticks', top.ticks) as number;
  const replicates = setting('replicates', top.replicates) as number;
  const seed = setting('seed', top.seed) as number;
  const seeds = setting('seeds', top.seeds) as Experiment['seeds'];
  const set = resolveSet(top.set);
  const record = resolveRecord(top.record);
  const design = resolveDesign(top.design, maxRuns, replicates);
  const baseline = top.baseline === undefined ? undefined : resolveBaseline(top.baseline, design);
  const experiment: Experiment = {
    name,
    ...(top.description !== undefined ? { description: top.description as string } : {}),
    scenario, set, ticks, replicates, seed, seeds, design, ...(baseline ? { baseline } : {}), record,
  };
  checkEveryScenario(experiment);
  return experiment;
}

/** A top-level setting checked against its spec (a missing one takes the spec's default). */
function setting(key: keyof typeof EXPERIMENT_SETTINGS, value: unknown): ParameterValue {
  const spec = EXPERIMENT_SETTINGS[key];
  return value === undefined ? spec.default : checkFileValue(key, spec, value);
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

/** `set`: parameter overrides (nested or dotted) checked against the schema, flattened to dotted keys. */
export function resolveSet(value: unknown): Record<string, ParameterValue> {
  if (value === undefined) return {};
  mapping('set', value);
  const out: Record<string, ParameterValue> = {};
  for (const [path, v] of flattenOverrides(value)) {
    const key = `set.${path}`;
    if (path === 'time.ticks') throw new InputError(`invalid key '${key}': give the horizon as the top-level 'ticks'`);
    if (path === SCENARIO_KEY) throw new InputError(`invalid key '${key}': give the base scenario as the top-level 'scenario'`);
    out[path] = checkFileValue(key, parameterSpec(key, path, v), v);
  }
  return out;
}

/** The spec of a dotted parameter path, or an InputError listing what is allowed near it. */
export function parameterSpec(where: string, path: string, value: unknown): ParamSpec {
  const spec = PARAMETER_SPECS.get(path);
  if (spec) return spec;
  const parts = path.split('.');
  let parent = '';
  for (let i = parts.length - 1; i > 0 && !parent; i--) {
    const candidate = parts.slice(0, i).join('.');
    if ([...PARAMETER_SPECS.keys()].some((p) => p.startsWith(candidate + '.'))) parent = candidate;
  }
  const names = new Set<string>();
  for (const p of PARAMETER_SPECS.keys()) {
    if (!parent || p.startsWith(parent + '.')) names.add((parent ? parent + '.' : '') + p.slice(parent ? parent.length + 1 : 0).split('.')[0]);
  }
  const hint = parent ? `parameters under '${parent}': ${[...names].join(', ')}` : `a dotted parameter path under ${[...names].join(', ')}`;
  throw new InputError(`unknown parameter '${where}' (value ${describeValue(value)}); allowed: ${hint} (see 'defsim params')`);
}

/**
 * `baseline`: design keys (nested or dotted) and values, each checked like a design value. Keys
 * must be varied by the design, or `scenario`. Whether the values name design points is checked
 * when the design is expanded (runners/effects/baseline.ts).
 */
function resolveBaseline(value: unknown, design: ResolvedDesign): Record<string, ParameterValue> {
  mapping('baseline', value);
  const varied = variedKeys(design);
  const out: Record<string, ParameterValue> = {};
  for (const [key, v] of flattenOverrides(value)) {
    if (!varied.includes(key) && key !== SCENARIO_KEY) {
      throw new InputError(`invalid key 'baseline.${key}' (value ${describeValue(v)}): the design does not vary it (allowed: ${[...new Set([...varied, SCENARIO_KEY])].join(', ')})`);
    }
    out[key] = checkFileValue(`baseline.${key}`, dimensionSpec(`baseline.${key}`, key, v), v);
  }
  if (Object.keys(out).length === 0) throw inputError('baseline', value, `a mapping of design keys to values, e.g. { ${SCENARIO_KEY}: sanctions-only }`);
  return out;
}

function resolveRecord(value: unknown): { series: SeriesRecording } {
  if (value === undefined) return { series: 'none' };
  const record = mapping('record', value, ['series']);
  const series = record.series;
  if (series === undefined || series === 'none' || series === 'every-tick') return { series: (series ?? 'none') as SeriesRecording };
  if (series !== null && typeof series === 'object' && !Array.isArray(series)) {
    const every = mapping('record.series', series, ['every']);
    return { series: { every: checkFileValue('record.series.every', EXPERIMENT_SETTINGS.every, every.every) as number } };
  }
  throw inputError('record.series', series, 'none, every-tick, or { every: n } with n an integer in [1, 600]');
}

/** What a design key stands for: the scenario, or a parameter spec. */
export function dimensionSpec(where: string, key: string, value: unknown): ParamSpec {
  return key === SCENARIO_KEY ? EXPERIMENT_SETTINGS.scenario : parameterSpec(where, key, value);
}

function resolveDesign(value: unknown, maxRuns: number, replicates: number): ResolvedDesign {
  if (value === undefined) return { type: 'list', points: [{}] };
  const type = mapping('design', value).type;
  if (type === 'sobol' || type === 'morris') return resolveSampledDesign(type, value, maxRuns, replicates);
  if (typeof type !== 'string' || !(type in DESIGN_KEYS)) throw inputError('design.type', type, 'grid, list, random, lhs, sobol or morris');
  const design = mapping('design', value, DESIGN_KEYS[type]);
  let resolved: ResolvedDesign;
  if (type === 'grid') {
    const parameters = mapping('design.parameters', design.parameters);
    const lists = Object.entries(parameters).map(([key, v]) => [key, gridValues(`design.parameters.${key}`, key, v)] as const);
    if (lists.length === 0) throw inputError('design.parameters', design.parameters, 'at least one parameter with a list or range of values');
    checkRunCount(lists.reduce((n, [, l]) => n * l.count, 1), replicates, maxRuns);
    resolved = { type, parameters: Object.fromEntries(lists.map(([key, l]) => [key, l.values()])) };
  } else if (type === 'list') {
    if (!Array.isArray(design.points) || design.points.length === 0) throw inputError('design.points', design.points, 'a non-empty list of points, each a mapping of parameters to values');
    checkRunCount(design.points.length, replicates, maxRuns);
    resolved = { type, points: design.points.map((p: unknown, i: number) => listPoint(`design.points[${i}]`, p)) };
  } else {
    const samples = checkFileValue('design.samples', EXPERIMENT_SETTINGS.samples, design.samples) as number;
    checkRunCount(samples, replicates, maxRuns);
    const parameters = mapping('design.parameters', design.parameters);
    const dims = Object.entries(parameters).map(([key, v]) => [key, sampledValues(`design.parameters.${key}`, key, v)] as const);
    if (dims.length === 0) throw inputError('design.parameters', design.parameters, 'at least one parameter with a range or list of values');
    resolved = { type: type as 'random' | 'lhs', samples, parameters: Object.fromEntries(dims) };
  }
  return resolved;
}

export function checkRunCount(points: number, replicates: number, maxRuns: number): void {
  const runs = points * replicates;
  if (runs > maxRuns) {
    throw new InputError(`the design makes ${runs.toLocaleString('en-US')} runs (${points.toLocaleString('en-US')} points × ${replicates} replicates), more than --max-runs ${maxRuns} (allowed: at most ${maxRuns.toLocaleString('en-US')} runs; raise --max-runs or shrink the design)`);
  }
}

/** A grid dimension: its number of values (known before they are made) and the checked values. */
function gridValues(where: string, key: string, value: unknown): { count: number; values: () => ParameterValue[] } {
  const spec = dimensionSpec(where, key, value);
  if (Array.isArray(value)) return { count: value.length, values: () => checkedList(where, spec, value) };
  const range = rangeSpec(where, spec, value, true);
  const count = range.count ?? Math.floor((range.to - range.from) / range.step! + 1e-9) + 1;
  return { count, values: () => rangePoints(range, count).map((x, i) => checkFileValue(`${where}[${i}]`, spec, x)) };
}

export function checkedList(where: string, spec: ParamSpec, values: unknown[]): ParameterValue[] {
  if (values.length === 0) throw inputError(where, values, `a non-empty list of values (${allowedText(spec)})`);
  return values.map((v, i) => checkFileValue(`${where}[${i}]`, spec, v));
}

/** The numbers of a grid range: `from + i·step`, or `count` values evenly (or geometrically) spaced; 12 significant digits. */
export function rangePoints(range: RangeSpec, count: number): number[] {
  const { from, to } = range;
  const at = (i: number): number => {
    if (range.step !== undefined) return from + i * range.step;
    if (count === 1) return from;
    const t = i / (count - 1);
    return range.log ? 10 ** (Math.log10(from) + t * (Math.log10(to) - Math.log10(from))) : from + t * (to - from);
  };
  return Array.from({ length: count }, (_, i) => Number(at(i).toPrecision(12)));
}

/** Check a `{from, to, …}` mapping; grid ranges need exactly one of `step` and `count`. */
function rangeSpec(where: string, spec: ParamSpec, value: unknown, grid: boolean): RangeSpec {
  const numeric = spec.type === 'number';
  const what = grid ? 'a list of values, or {from, to, step} or {from, to, count, log}' : 'a list of values to pick from, or {from, to, log}';
  if (!numeric || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw inputError(where, value, numeric ? what : `a list of values (${allowedText(spec)})`);
  }
  const r = mapping(where, value, grid ? ['from', 'to', 'step', 'count', 'log'] : ['from', 'to', 'log']);
  const from = checkFileValue(`${where}.from`, spec, r.from) as number;
  const to = checkFileValue(`${where}.to`, spec, r.to) as number;
  if (to < from) throw inputError(`${where}.to`, to, `a number >= from (${from})`);
  if (r.log !== undefined && typeof r.log !== 'boolean') throw inputError(`${where}.log`, r.log, 'true or false');
  const log = r.log === true;
  if (log && from <= 0) throw inputError(`${where}.from`, from, 'a number > 0 with log: true');
  const out: RangeSpec = { from, to, ...(r.log !== undefined ? { log } : {}) };
  if (!grid) return out;
  if ((r.step === undefined) === (r.count === undefined)) throw new InputError(`invalid range '${where}': give exactly one of 'step' and 'count' (got ${describeValue(value)})`);
  if (r.step !== undefined) {
    if (log) throw new InputError(`invalid range '${where}': 'log' goes with 'count', not 'step'`);
    if (typeof r.step !== 'number' || !Number.isFinite(r.step) || r.step <= 0) throw inputError(`${where}.step`, r.step, 'a finite number > 0');
    out.step = r.step;
  } else {
    out.count = checkFileValue(`${where}.count`, EXPERIMENT_SETTINGS.count, r.count) as number;
  }
  return out;
}

/** A random/lhs dimension: a numeric range (both ends checked) or a non-empty list. */
function sampledValues(where: string, key: string, value: unknown): SampledValues {
  const spec = dimensionSpec(where, key, value);
  if (Array.isArray(value)) return checkedList(where, spec, value);
  const range = rangeSpec(where, spec, value, false);
  return { from: range.from, to: range.to, log: range.log ?? false };
}

/** A list-design point: `scenario` and parameters (nested or dotted), each value checked. */
function listPoint(where: string, value: unknown): Record<string, ParameterValue> {
  mapping(where, value);
  const out: Record<string, ParameterValue> = {};
  for (const [key, v] of flattenOverrides(value)) {
    out[key] = checkFileValue(`${where}.${key}`, dimensionSpec(`${where}.${key}`, key, v), v);
  }
  return out;
}

/** Resolve the parameters of every scenario the design can use, so clashes show up before any run. */
function checkEveryScenario(experiment: Experiment): void {
  for (const scenario of scenariosUsed(experiment)) resolveParameters(scenario, baseLayer(experiment));
  if (experiment.design.type === 'list') {
    experiment.design.points.forEach((point) => resolveRunParameters(experiment, point));
  }
}

function scenariosUsed(experiment: Experiment): string[] {
  const d = experiment.design;
  const out = new Set([experiment.scenario]);
  if (d.type === 'list') for (const p of d.points) if (typeof p.scenario === 'string') out.add(p.scenario);
  if (d.type === 'sobol' || d.type === 'morris') for (const v of d.cross?.[SCENARIO_KEY] ?? []) out.add(String(v));
  else if (d.type !== 'list') {
    const values = d.parameters[SCENARIO_KEY];
    if (Array.isArray(values)) for (const v of values) out.add(String(v));
  }
  return [...out];
}

/** The overrides every run gets: `set`, then `time.ticks` from `ticks`. */
export function baseLayer(experiment: Pick<Experiment, 'set' | 'ticks'>): Map<string, unknown> {
  return new Map<string, unknown>([...Object.entries(experiment.set), ['time.ticks', experiment.ticks]]);
}

/** Split a point's values into its scenario and its parameter overrides. */
export function pointLayer(experiment: Pick<Experiment, 'scenario'>, values: Record<string, ParameterValue>): { scenario: string; overrides: [string, ParameterValue][] } {
  const overrides = Object.entries(values).filter(([key]) => key !== SCENARIO_KEY);
  const scenario = typeof values[SCENARIO_KEY] === 'string' ? (values[SCENARIO_KEY] as string) : experiment.scenario;
  return { scenario, overrides };
}

/** The full parameters of one design point: scenario, then `set` and `ticks`, then the point. */
export function resolveRunParameters(experiment: Experiment, values: Record<string, ParameterValue>) {
  const { scenario, overrides } = pointLayer(experiment, values);
  return resolveParameters(scenario, baseLayer(experiment), new Map(overrides));
}

/** sha256 of the resolved experiment: a resumed sweep must have the same. */
export function experimentHash(experiment: Experiment): string {
  return sha256(JSON.stringify(experiment));
}

/** Points in a design, without making them. */
export function countDesignPoints(design: ResolvedDesign): number {
  if (design.type === 'list') return design.points.length;
  if (design.type === 'grid') return Object.values(design.parameters).reduce((n, values) => n * values.length, 1);
  if (design.type === 'sobol' || design.type === 'morris') return designRows(design) * crossCombinations(design.cross).length;
  return design.samples;
}

/** The varied parameters (and `scenario` when it varies), in the order of the design. */
export function variedKeys(design: ResolvedDesign): string[] {
  if (design.type === 'list') return [...new Set(design.points.flatMap((p) => Object.keys(p)))];
  if (design.type === 'sobol' || design.type === 'morris') return [...Object.keys(design.parameters), ...Object.keys(design.cross ?? {})];
  return Object.keys(design.parameters);
}

/** One line saying what an experiment runs (for `defsim validate`). */
export function describeExperiment(experiment: Experiment): string {
  const d = experiment.design;
  const points = countDesignPoints(d);
  const runs = points * experiment.replicates;
  const varied = variedKeys(d);
  const series = experiment.record.series;
  const seriesText = series === 'none' ? 'no series' : series === 'every-tick' ? 'series every tick' : `series every ${series.every} ticks`;
  const baseline = experiment.baseline
    ? `; effects over ${Object.entries(experiment.baseline).map(([k, v]) => `${k} = ${v}`).join(', ')} (${experiment.seeds === 'common' ? 'paired replicates' : 'independent samples'})`
    : '';
  return `${experiment.name}: ${d.type} design, ${points} point${points === 1 ? '' : 's'} × ${experiment.replicates} replicate${experiment.replicates === 1 ? '' : 's'} = ${runs} run${runs === 1 ? '' : 's'} of ${experiment.ticks} ticks` +
    `${varied.length ? `, varying ${varied.join(', ')}` : ''}; ${seriesText}${baseline}`;
}

// ---------------------------------------------------------------------------------------------
// JSON Schema for editors, derived from the same specs. The parameter tree is written once (in
// $defs) and referred to by JSON pointer from `set`, list points and design dimensions.

const TREE_REF = '#/$defs/parameters';

/** The JSON pointer of a node of the parameter tree inside $defs. */
function treeRef(path: string): string {
  return `${TREE_REF}/properties/${path.split('.').join('/properties/')}`;
}

/** Overrides as nested mappings or dotted keys (leaves and inner nodes) by reference, and `scenario`. */
function overridesJsonSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = { [SCENARIO_KEY]: { $ref: '#/$defs/scenario' } };
  const visit = (tree: SchemaTree, prefix: string): void => {
    for (const [key, node] of Object.entries(tree)) {
      const path = prefix ? `${prefix}.${key}` : key;
      properties[path] = { $ref: treeRef(path) };
      if (!isSpec(node)) visit(node, path);
    }
  };
  visit(PARAMETER_SCHEMA, '');
  return { type: 'object', additionalProperties: false, properties };
}

/** Design dimensions: a list of values for any parameter (or `scenario`), a range for a number. */
function dimensionsJsonSchema(): Record<string, unknown> {
  const list = (ref: string) => ({ type: 'array', minItems: 1, items: { $ref: ref } });
  const properties: Record<string, unknown> = { [SCENARIO_KEY]: list('#/$defs/scenario') };
  for (const [path, spec] of PARAMETER_SPECS) {
    properties[path] = spec.type === 'number' ? { anyOf: [list(treeRef(path)), { $ref: '#/$defs/range' }] } : list(treeRef(path));
  }
  return { type: 'object', additionalProperties: false, minProperties: 1, properties };
}

function rangeJsonSchema(): Record<string, unknown> {
  return {
    type: 'object', additionalProperties: false, required: ['from', 'to'],
    description: 'grid: from..to by step, or count values (log: geometrically spaced); random and lhs: drawn between from and to (log: on a log scale)',
    properties: {
      from: { type: 'number' },
      to: { type: 'number' },
      step: { type: 'number', exclusiveMinimum: 0, description: 'grid only: values from, from+step, … up to to' },
      count: { ...leafJsonSchema(EXPERIMENT_SETTINGS.count), description: 'grid only: number of values' },
      log: { type: 'boolean', description: 'Geometric spacing (grid with count) or log-uniform draws (random, lhs); needs from > 0' },
    },
  };
}

/** A sobol/morris dimension: a uniform range, a (truncated) normal, or a list. */
function sampledRangeJsonSchema(): Record<string, unknown> {
  return {
    description: 'uniform {from, to} (log: true for log-uniform), normal {dist: normal, mean, sd} (truncated with from and to), or a list to pick from',
    anyOf: [
      {
        type: 'object', additionalProperties: false, required: ['from', 'to'],
        properties: { from: { type: 'number' }, to: { type: 'number' }, log: { type: 'boolean' } },
      },
      {
        type: 'object', additionalProperties: false, required: ['dist', 'mean', 'sd'],
        properties: { dist: { const: 'normal' }, mean: { type: 'number' }, sd: { type: 'number', exclusiveMinimum: 0 }, from: { type: 'number' }, to: { type: 'number' } },
      },
      { type: 'array', minItems: 1 },
    ],
  };
}

export function experimentJsonSchema(): Record<string, unknown> {
  const designType = (type: string) => ({ type: { const: type } });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'defsim experiment',
    description: 'A parameter sweep: base scenario, overrides, horizon, replicates, seed, design and what to record (docs/SWEEPS.md).',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      name: { type: 'string', pattern: NAME_PATTERN.source, description: 'Name of the experiment (default: the file name)' },
      description: { type: 'string' },
      scenario: { $ref: '#/$defs/scenario' },
      set: {
        $ref: '#/$defs/overrides', not: { anyOf: [{ required: ['scenario'] }, { required: ['time.ticks'] }] },
        description: 'Parameter overrides for every run (nested or dotted keys); the base scenario and the horizon have their own keys',
      },
      ticks: leafJsonSchema(EXPERIMENT_SETTINGS.ticks),
      replicates: leafJsonSchema(EXPERIMENT_SETTINGS.replicates),
      seed: leafJsonSchema(EXPERIMENT_SETTINGS.seed),
      seeds: leafJsonSchema(EXPERIMENT_SETTINGS.seeds),
      design: {
        description: 'Which points to run: grid (full factorial), list (explicit points), random or lhs (Latin hypercube), sobol or morris (sensitivity analysis, docs/SENSITIVITY.md)',
        oneOf: [
          { type: 'object', additionalProperties: false, required: ['type', 'parameters'], properties: { ...designType('grid'), parameters: { $ref: '#/$defs/dimensions' } } },
          {
            type: 'object', additionalProperties: false, required: ['type', 'points'],
            properties: { ...designType('list'), points: { type: 'array', minItems: 1, items: { $ref: '#/$defs/overrides' } } },
          },
          ...['random', 'lhs'].map((t) => ({
            type: 'object', additionalProperties: false, required: ['type', 'samples', 'parameters'],
            properties: { ...designType(t), samples: leafJsonSchema(EXPERIMENT_SETTINGS.samples), parameters: { $ref: '#/$defs/dimensions' } },
          })),
          ...sampledDesignJsonSchemas(),
        ],
      },
      baseline: {
        $ref: '#/$defs/overrides', minProperties: 1,
        description: "The counterfactual: design keys (varied parameters, or scenario) and values naming the design point each point's effects are measured against; the sweep then writes effects.csv (docs/SWEEPS.md, Effects)",
      },
      record: {
        type: 'object', additionalProperties: false,
        properties: {
          series: {
            description: 'Per-tick series: none (default), every-tick, or { every: n }',
            anyOf: [
              { enum: ['none', 'every-tick'] },
              { type: 'object', additionalProperties: false, required: ['every'], properties: { every: leafJsonSchema(EXPERIMENT_SETTINGS.every) } },
            ],
          },
        },
      },
    },
    $defs: {
      scenario: leafJsonSchema(EXPERIMENT_SETTINGS.scenario),
      parameters: toJsonSchema(PARAMETER_SCHEMA),
      overrides: overridesJsonSchema(),
      dimensions: dimensionsJsonSchema(),
      range: rangeJsonSchema(),
      sampledRange: sampledRangeJsonSchema(),
    },
  };
}
