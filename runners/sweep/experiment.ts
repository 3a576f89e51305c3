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
import type { ModelDefinition } from '../../engine/model.js';
import { allowedText, flattenOverrides, type ParamSpec } from '../../engine/schema.js';
import { readStructuredFile } from '../io/structured-file.js';
import { sha256 } from '../io/outputs.js';
import { builtInLoadedModel, defaultModel, isModelPath, loadModel, modelSpecOf, type LoadedModel } from '../model/load.js';
import { parameterSpec, resolveParameters } from '../model/parameters.js';
import { crossCombinations, designRows, resolveSampledDesign, type SampledDesign } from '../sensitivity/design.js';
import {
  SCENARIO_KEY, SWEEP_SETTINGS, NAME_PATTERN, checkFileValue, nameError, checkRunCount, checkedList, dimensionSpec, experimentSettings, mapping, type ParameterValue,
} from './file-values.js';

export { SCENARIO_KEY, checkFileValue, checkRunCount, checkedList, mapping, nameError, type ParameterValue } from './file-values.js';

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
  /** The model: a built-in name (default defection) or the path of a model module. */
  model?: string;
  scenario?: string;
  set?: Record<string, unknown>;
  ticks?: number;
  replicates?: number;
  seed?: number;
  seeds?: 'per-run' | 'common' | { commonWithin: number };
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
  /** The model as the file (or --model) named it; absent for the default model, defection. */
  model?: string;
  scenario: string;
  set: Record<string, ParameterValue>;
  ticks: number;
  replicates: number;
  seed: number;
  /**
   * per-run: every run its own seed; common: the same seeds at every design point (common random
   * numbers); { commonWithin: n }: the same seeds within each block of n consecutive design points
   * (e.g. a world's policies), other seeds in each block.
   */
  seeds: SeedRule;
  design: ResolvedDesign;
  /** The counterfactual point(s) effects are measured against: design keys and values (absent: no effects). */
  baseline?: Record<string, ParameterValue>;
  record: { series: SeriesRecording };
}

/** How run seeds are made (docs/SWEEPS.md, Runs and seeds). */
export type SeedRule = 'per-run' | 'common' | { commonWithin: number };

export const DEFAULT_MAX_RUNS = 100_000;

const TOP_KEYS = ['$schema', 'name', 'description', 'model', 'scenario', 'set', 'ticks', 'replicates', 'seed', 'seeds', 'design', 'baseline', 'record'];
const DESIGN_KEYS: Record<string, string[]> = {
  grid: ['type', 'parameters'],
  list: ['type', 'points'],
  random: ['type', 'samples', 'parameters'],
  lhs: ['type', 'samples', 'parameters'],
};

export interface LoadOptions {
  /** Refuse designs with more runs than this (default 100,000). */
  maxRuns?: number;
  /**
   * The model, already loaded (`loadModel`). Without it the model the experiment names must be a
   * built-in one (a module path needs `openExperiment`, which loads it).
   */
  model?: LoadedModel;
}

/**
 * Read, check and resolve an experiment from a YAML/JSON file path or an object, against
 * `options.model` or the built-in model the experiment names (default defection).
 */
export function loadExperiment(source: string | ExperimentObject | Experiment, options: LoadOptions = {}): Experiment {
  const raw = typeof source === 'string' ? readStructuredFile(source) : source;
  const fallbackName = typeof source === 'string' ? basename(source, extname(source)) : 'experiment';
  return resolveExperiment(raw, fallbackName, options.maxRuns ?? DEFAULT_MAX_RUNS, options.model ?? namedBuiltIn(raw));
}

/** The built-in model an experiment object names (the default when none); a module path must be loaded first. */
function namedBuiltIn(raw: unknown): LoadedModel {
  const named = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).model : undefined;
  if (named === undefined) return defaultModel();
  if (typeof named === 'string' && !isModelPath(named)) {
    const model = builtInLoadedModel(named);
    if (model) return model;
  }
  const spec = modelSpecOf(named, undefined); // refuses a value that is not a model name
  if (typeof spec === 'string' && isModelPath(spec)) {
    throw new InputError(`the experiment names the model module '${spec}': load it first (openExperiment, or loadModel and pass { model })`);
  }
  throw inputError('model', named, 'a built-in model name or the path of a model module (.js or .mjs)');
}

/**
 * Read an experiment and load its model: `model` (a name, a path or a loaded model; the
 * command's --model) or the one the file names, which must then agree.
 */
export async function openExperiment(
  source: string | ExperimentObject | Experiment,
  options: { maxRuns?: number; model?: string | LoadedModel } = {},
): Promise<{ experiment: Experiment; model: LoadedModel }> {
  const raw = typeof source === 'string' ? readStructuredFile(source) : source;
  const named = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>).model : undefined;
  const model = await loadModel(modelSpecOf(named, options.model), options.model === undefined ? 'model' : '--model');
  const fallbackName = typeof source === 'string' ? basename(source, extname(source)) : 'experiment';
  return { experiment: resolveExperiment(raw, fallbackName, options.maxRuns ?? DEFAULT_MAX_RUNS, model), model };
}

function resolveExperiment(raw: unknown, fallbackName: string, maxRuns: number, loaded: LoadedModel): Experiment {
  const model = loaded.definition;
  const top = mapping('(experiment)', raw, TOP_KEYS);
  if (top.$schema !== undefined && typeof top.$schema !== 'string') throw inputError('$schema', top.$schema, 'a string (the JSON Schema address, ignored)');
  const name = top.name === undefined ? fallbackName : top.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) throw nameError(name, top.name === undefined);
  if (top.description !== undefined && typeof top.description !== 'string') throw inputError('description', top.description, 'a string');
  const settings = experimentSettings(model);
  const setting = (key: keyof typeof settings, value: unknown): ParameterValue => {
    const spec = settings[key];
    return value === undefined ? spec.default : checkFileValue(key, spec, value);
  };
  if (top.model !== undefined && typeof top.model !== 'string') throw inputError('model', top.model, 'a built-in model name or the path of a model module (.js or .mjs)');
  // The model as named (the file's own name for it, else the command's); the default model is left out.
  const modelName = (top.model as string | undefined) ?? (loaded.builtIn && loaded.spec === defaultModel().spec ? undefined : loaded.spec);
  const scenario = setting('scenario', top.scenario) as string;
  const ticks = setting('ticks', top.ticks) as number;
  const replicates = setting('replicates', top.replicates) as number;
  const seed = setting('seed', top.seed) as number;
  const seeds = resolveSeeds(top.seeds);
  const set = resolveSet(model, top.set);
  const record = resolveRecord(top.record);
  const design = resolveDesign(model, top.design, maxRuns, replicates);
  const baseline = top.baseline === undefined ? undefined : resolveBaseline(model, top.baseline, design);
  const experiment: Experiment = {
    name,
    ...(top.description !== undefined ? { description: top.description as string } : {}),
    ...(modelName !== undefined && modelName !== defaultModel().spec ? { model: modelName } : {}),
    scenario, set, ticks, replicates, seed, seeds, design, ...(baseline ? { baseline } : {}), record,
  };
  checkEveryScenario(model, experiment);
  return experiment;
}

/** `seeds`: per-run (default), common, or { commonWithin: n } (common within blocks of n consecutive design points). */
function resolveSeeds(value: unknown): SeedRule {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const block = mapping('seeds', value, ['commonWithin']);
    return { commonWithin: checkFileValue('seeds.commonWithin', SWEEP_SETTINGS.commonWithin, block.commonWithin) as number };
  }
  if (value === undefined) return SWEEP_SETTINGS.seeds.default as SeedRule;
  if (typeof value !== 'string') throw inputError('seeds', value, `${allowedText(SWEEP_SETTINGS.seeds)}, or { commonWithin: n }`);
  return checkFileValue('seeds', SWEEP_SETTINGS.seeds, value) as SeedRule;
}

/** `set`: parameter overrides (nested or dotted) checked against the schema, flattened to dotted keys. */
export function resolveSet(model: ModelDefinition, value: unknown): Record<string, ParameterValue> {
  if (value === undefined) return {};
  mapping('set', value);
  const out: Record<string, ParameterValue> = {};
  for (const [path, v] of flattenOverrides(value)) {
    const key = `set.${path}`;
    if (path === model.ticksParameter) throw new InputError(`invalid key '${key}': give the horizon as the top-level 'ticks'`);
    if (path === SCENARIO_KEY) throw new InputError(`invalid key '${key}': give the base scenario as the top-level 'scenario'`);
    out[path] = checkFileValue(key, parameterSpec(model, key, path, v), v);
  }
  return out;
}

/**
 * `baseline`: design keys (nested or dotted) and values, each checked like a design value. Keys
 * must be varied by the design, or `scenario`. Whether the values name design points is checked
 * when the design is expanded (runners/effects/baseline.ts).
 */
function resolveBaseline(model: ModelDefinition, value: unknown, design: ResolvedDesign): Record<string, ParameterValue> {
  mapping('baseline', value);
  const varied = variedKeys(design);
  const out: Record<string, ParameterValue> = {};
  for (const [key, v] of flattenOverrides(value)) {
    if (!varied.includes(key) && key !== SCENARIO_KEY) {
      throw new InputError(`invalid key 'baseline.${key}' (value ${describeValue(v)}): the design does not vary it (allowed: ${[...new Set([...varied, SCENARIO_KEY])].join(', ')})`);
    }
    out[key] = checkFileValue(`baseline.${key}`, dimensionSpec(model, `baseline.${key}`, key, v), v);
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
    return { series: { every: checkFileValue('record.series.every', SWEEP_SETTINGS.every, every.every) as number } };
  }
  throw inputError('record.series', series, 'none, every-tick, or { every: n } with n an integer in [1, 600]');
}

function resolveDesign(model: ModelDefinition, value: unknown, maxRuns: number, replicates: number): ResolvedDesign {
  if (value === undefined) return { type: 'list', points: [{}] };
  const type = mapping('design', value).type;
  if (type === 'sobol' || type === 'morris') return resolveSampledDesign(model, type, value, maxRuns, replicates);
  if (typeof type !== 'string' || !(type in DESIGN_KEYS)) throw inputError('design.type', type, 'grid, list, random, lhs, sobol or morris');
  const design = mapping('design', value, DESIGN_KEYS[type]);
  let resolved: ResolvedDesign;
  if (type === 'grid') {
    const parameters = mapping('design.parameters', design.parameters);
    const lists = Object.entries(parameters).map(([key, v]) => [key, gridValues(model, `design.parameters.${key}`, key, v)] as const);
    if (lists.length === 0) throw inputError('design.parameters', design.parameters, 'at least one parameter with a list or range of values');
    checkRunCount(lists.reduce((n, [, l]) => n * l.count, 1), replicates, maxRuns);
    resolved = { type, parameters: Object.fromEntries(lists.map(([key, l]) => [key, l.values()])) };
  } else if (type === 'list') {
    if (!Array.isArray(design.points) || design.points.length === 0) throw inputError('design.points', design.points, 'a non-empty list of points, each a mapping of parameters to values');
    checkRunCount(design.points.length, replicates, maxRuns);
    resolved = { type, points: design.points.map((p: unknown, i: number) => listPoint(model, `design.points[${i}]`, p)) };
  } else {
    const samples = checkFileValue('design.samples', SWEEP_SETTINGS.samples, design.samples) as number;
    checkRunCount(samples, replicates, maxRuns);
    const parameters = mapping('design.parameters', design.parameters);
    const dims = Object.entries(parameters).map(([key, v]) => [key, sampledValues(model, `design.parameters.${key}`, key, v)] as const);
    if (dims.length === 0) throw inputError('design.parameters', design.parameters, 'at least one parameter with a range or list of values');
    resolved = { type: type as 'random' | 'lhs', samples, parameters: Object.fromEntries(dims) };
  }
  return resolved;
}

/** A grid dimension: its number of values (known before they are made) and the checked values. */
function gridValues(model: ModelDefinition, where: string, key: string, value: unknown): { count: number; values: () => ParameterValue[] } {
  const spec = dimensionSpec(model, where, key, value);
  if (Array.isArray(value)) return { count: value.length, values: () => checkedList(where, spec, value) };
  const range = rangeSpec(where, spec, value, true);
  const count = range.count ?? Math.floor((range.to - range.from) / range.step! + 1e-9) + 1;
  return { count, values: () => rangePoints(range, count).map((x, i) => checkFileValue(`${where}[${i}]`, spec, x)) };
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
    out.count = checkFileValue(`${where}.count`, SWEEP_SETTINGS.count, r.count) as number;
  }
  return out;
}

/** A random/lhs dimension: a numeric range (both ends checked) or a non-empty list. */
function sampledValues(model: ModelDefinition, where: string, key: string, value: unknown): SampledValues {
  const spec = dimensionSpec(model, where, key, value);
  if (Array.isArray(value)) return checkedList(where, spec, value);
  const range = rangeSpec(where, spec, value, false);
  return { from: range.from, to: range.to, log: range.log ?? false };
}

/** A list-design point: `scenario` and parameters (nested or dotted), each value checked. */
function listPoint(model: ModelDefinition, where: string, value: unknown): Record<string, ParameterValue> {
  mapping(where, value);
  const out: Record<string, ParameterValue> = {};
  for (const [key, v] of flattenOverrides(value)) {
    out[key] = checkFileValue(`${where}.${key}`, dimensionSpec(model, `${where}.${key}`, key, v), v);
  }
  return out;
}

/** Resolve the parameters of every scenario the design can use, so clashes show up before any run. */
function checkEveryScenario(model: ModelDefinition, experiment: Experiment): void {
  for (const scenario of scenariosUsed(experiment)) resolveParameters(model, scenario, baseLayer(model, experiment));
  if (experiment.design.type === 'list') {
    experiment.design.points.forEach((point) => resolveRunParameters(model, experiment, point));
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

/** The overrides every run gets: `set`, then the model's horizon parameter from `ticks`. */
export function baseLayer(model: ModelDefinition, experiment: Pick<Experiment, 'set' | 'ticks'>): Map<string, unknown> {
  return new Map<string, unknown>([...Object.entries(experiment.set), [model.ticksParameter, experiment.ticks]]);
}

/** Split a point's values into its scenario and its parameter overrides. */
export function pointLayer(experiment: Pick<Experiment, 'scenario'>, values: Record<string, ParameterValue>): { scenario: string; overrides: [string, ParameterValue][] } {
  const overrides = Object.entries(values).filter(([key]) => key !== SCENARIO_KEY);
  const scenario = typeof values[SCENARIO_KEY] === 'string' ? (values[SCENARIO_KEY] as string) : experiment.scenario;
  return { scenario, overrides };
}

/** The full parameters of one design point: scenario, then `set` and `ticks`, then the point. */
export function resolveRunParameters(model: ModelDefinition, experiment: Experiment, values: Record<string, ParameterValue>) {
  const { scenario, overrides } = pointLayer(experiment, values);
  return resolveParameters(model, scenario, baseLayer(model, experiment), new Map(overrides));
}

/** sha256 of the resolved experiment: a resumed sweep must have the same. */
export function experimentHash(experiment: Experiment): string {
  return sha256(JSON.stringify(experiment));
}

/** Points in a design, without making them. */
export function countDesignPoints(model: ModelDefinition, design: ResolvedDesign): number {
  if (design.type === 'list') return design.points.length;
  if (design.type === 'grid') return Object.values(design.parameters).reduce((n, values) => n * values.length, 1);
  if (design.type === 'sobol' || design.type === 'morris') return designRows(model, design) * crossCombinations(design.cross).length;
  return design.samples;
}

/** The varied parameters (and `scenario` when it varies), in the order of the design. */
export function variedKeys(design: ResolvedDesign): string[] {
  if (design.type === 'list') return [...new Set(design.points.flatMap((p) => Object.keys(p)))];
  if (design.type === 'sobol' || design.type === 'morris') return [...Object.keys(design.parameters), ...Object.keys(design.cross ?? {})];
  return Object.keys(design.parameters);
}

/** One line saying what an experiment runs (for `defsim validate`). */
export function describeExperiment(model: ModelDefinition, experiment: Experiment): string {
  const d = experiment.design;
  const points = countDesignPoints(model, d);
  const runs = points * experiment.replicates;
  const varied = variedKeys(d);
  const series = experiment.record.series;
  const seriesText = series === 'none' ? 'no series' : series === 'every-tick' ? 'series every tick' : `series every ${series.every} ticks`;
  const baseline = experiment.baseline
    ? `; effects over ${Object.entries(experiment.baseline).map(([k, v]) => `${k} = ${v}`).join(', ')} (${experiment.seeds === 'per-run' ? 'independent samples' : 'paired replicates'})`
    : '';
  return `${experiment.name}${experiment.model ? ` (model ${model.name} ${model.version})` : ''}: ${d.type} design, ${points} point${points === 1 ? '' : 's'} × ${experiment.replicates} replicate${experiment.replicates === 1 ? '' : 's'} = ${runs} run${runs === 1 ? '' : 's'} of ${experiment.ticks} ticks` +
    `${varied.length ? `, varying ${varied.join(', ')}` : ''}; ${seriesText}${baseline}`;
}
