/**
 * Calibration files: what `defsim calibrate` fits. A calibration names the model (default
 * defection), a base scenario and overrides (`set`), the horizon (`ticks`), the targets (a
 * targets file, or the model's own observed record when `targets` is left out), priors over the
 * fitted `parameters`, the `method` (abc-smc: particles, quantile, and the stop rules of `until`:
 * acceptanceRate, generations, minTolerance, simulations, wallClockSeconds), `replicates` per
 * particle and the `seed`. Everything is checked against the model's parameter schema and series
 * and the targets before anything is written; the resolved form (defaults filled in) is itself a
 * valid calibration.
 */
import { basename, extname } from 'node:path';
import { InputError, inputError } from '../../engine/errors.js';
import type { ModelDefinition } from '../../engine/model.js';
import { allowedText, getPath, int, num, type NumberSpec } from '../../engine/schema.js';
import { readStructuredFile } from '../io/structured-file.js';
import { sha256 } from '../io/outputs.js';
import { builtInLoadedModel, defaultModel, isModelPath, loadModel, modelSpecOf, type LoadedModel } from '../model/load.js';
import { parameterSpec, resolveParameters } from '../model/parameters.js';
import { resolveSet } from '../sweep/experiment.js';
import { checkFileValue, experimentSettings, mapping, nameError, SWEEP_SETTINGS, type ParameterValue } from '../sweep/file-values.js';
import { DEFAULT_KERNEL_SCALE, DEFAULT_QUANTILE, KERNEL_SHAPES, type AbcSettings } from './abc-smc.js';
import type { Target } from './distance.js';
import { priorMoments, type Prior, type PriorSpec } from './priors.js';
import { readTargetsFile, recordTargets, type TargetsFile } from './targets.js';

/** A prior as written: `{from, to}`, `{from, to, log: true}` or `{mean, sd}` (optionally with from/to). */
export type PriorObject = { from: number; to: number; log?: boolean } | { mean: number; sd: number; from?: number; to?: number };

/** A calibration as resolved: every value checked, defaults filled in. */
export interface Calibration {
  name: string;
  description?: string;
  /** The model as the file (or --model) named it; absent for the default model, defection. */
  model?: string;
  scenario: string;
  /** The targets file, as given (relative paths are read from the working directory); absent: the model's observed record. */
  targets?: string;
  set: Record<string, ParameterValue>;
  ticks: number;
  /** Priors by dotted parameter path; normal priors carry their range. */
  parameters: Record<string, PriorObject>;
  /** `kernel` is present only when it is not the default 'normal' (so calibrations made before it existed keep their hash). */
  method: { type: 'abc-smc'; particles: number; until: StopRules; quantile: number; kernel?: 'truncated' };
  replicates: number;
  seed: number;
}

/**
 * When a calibration stops (pyABC's stop rules), checked after each generation — a generation is
 * never cut short: after a generation that accepts less than `acceptanceRate` of its
 * simulations, after `generations` generations, after a generation whose tolerance is at most
 * `minTolerance`, after the generation that brings the candidates simulated to `simulations`,
 * or after the generation during which `wallClockSeconds` of wall time passed (the manifest then
 * says so: the result is the calibration with that many generations).
 */
export interface StopRules {
  acceptanceRate: number;
  generations: number;
  minTolerance?: number;
  simulations?: number;
  wallClockSeconds?: number;
}

/** A checked calibration with its priors and targets, ready to run. */
export interface CalibrationPlan {
  calibration: Calibration;
  /** The model every simulation runs. */
  model: LoadedModel;
  priors: Prior[];
  targetsFile: TargetsFile;
  /** The targets the distance uses, in file order. */
  fitted: Target[];
  holdouts: Target[];
  /** sha256 of the resolved calibration and the targets file's bytes: a resume must match it. */
  hash: string;
  /** Each fitted parameter's value in the scenario (with `set`), before calibration. */
  scenarioValues: number[];
  settings: AbcSettings;
}

const TOP_KEYS = ['$schema', 'name', 'description', 'model', 'scenario', 'targets', 'set', 'ticks', 'parameters', 'method', 'replicates', 'seed'];
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const CALIBRATION_SETTINGS = {
  particles: int(1000, 'Particles per generation', { min: 2, max: 1_000_000, unit: 'particles' }),
  acceptanceRate: num(0.02, 'Stop after a generation that accepts less than this share of its simulations', { min: Number.MIN_VALUE, max: 1, unit: 'share' }),
  generations: int(12, 'The most generations, generation 0 (the prior sample) included', { min: 1, max: 1000, unit: 'generations' }),
  quantile: num(DEFAULT_QUANTILE, "Each generation's tolerance is this weighted quantile of the previous generation's distances", { min: Number.MIN_VALUE, max: 1 - Number.EPSILON, unit: 'share' }),
  replicates: int(1, 'Simulations per particle (different seeds); the distance uses the mean of their measures', { min: 1, max: 1000, unit: 'runs' }),
  minTolerance: num(0, 'Stop after a generation whose tolerance is at or below this (distance units)', { min: 0, max: Number.MAX_VALUE, unit: 'tolerance units' }),
  simulations: int(100_000, 'Stop after the generation that brings the candidates simulated (all generations; each run `replicates` times) to at least this many', { min: 1, max: Number.MAX_SAFE_INTEGER, unit: 'candidates' }),
  wallClockSeconds: num(3600, 'Stop after the generation during which this much wall time passed since the calibration (or its resume) started', { min: Number.MIN_VALUE, max: 1e9, unit: 'seconds' }),
};

export interface LoadCalibrationOptions {
  /** Read the targets from this file instead of the one the calibration names (`defsim reproduce` reads the copy in the result directory). */
  targetsPath?: string;
  /** The model, loaded; without it the model the calibration names must be a built-in one (`openCalibration` loads a module). */
  model?: LoadedModel;
}

/** Read a calibration and load its model (`model`: the command's --model, or a loaded model). */
export async function openCalibration(
  source: string | Record<string, unknown> | Calibration,
  options: { targetsPath?: string; model?: string | LoadedModel } = {},
): Promise<CalibrationPlan> {
  const raw = typeof source === 'string' ? readStructuredFile(source) : source;
  const named = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>).model : undefined;
  const model = await loadModel(modelSpecOf(named, options.model), options.model === undefined ? 'model' : '--model');
  const fallbackName = typeof source === 'string' ? basename(source, extname(source)) : 'calibration';
  return resolveCalibration(raw, fallbackName, { targetsPath: options.targetsPath, model });
}

/** Read, check and resolve a calibration from a YAML/JSON file path or an object. */
export function loadCalibration(source: string | Record<string, unknown> | Calibration, options: LoadCalibrationOptions = {}): CalibrationPlan {
  const raw = typeof source === 'string' ? readStructuredFile(source) : source;
  const fallbackName = typeof source === 'string' ? basename(source, extname(source)) : 'calibration';
  return resolveCalibration(raw, fallbackName, { ...options, model: options.model ?? namedBuiltIn(raw) });
}

function namedBuiltIn(raw: unknown): LoadedModel {
  const named = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).model : undefined;
  if (named === undefined) return defaultModel();
  if (typeof named === 'string' && !isModelPath(named)) {
    const model = builtInLoadedModel(named);
    if (model) return model;
  }
  modelSpecOf(named, undefined); // refuses a value that is not a model name
  if (typeof named === 'string' && isModelPath(named)) throw new InputError(`the calibration names the model module '${named}': load it first (openCalibration, or loadModel and pass { model })`);
  throw inputError('model', named, 'a built-in model name or the path of a model module (.js or .mjs)');
}

function resolveCalibration(raw: unknown, fallbackName: string, options: LoadCalibrationOptions & { model: LoadedModel }): CalibrationPlan {
  const loaded = options.model;
  const model = loaded.definition;
  const settings = experimentSettings(model);
  const top = mapping('(calibration)', raw, TOP_KEYS);
  if (top.$schema !== undefined && typeof top.$schema !== 'string') throw inputError('$schema', top.$schema, 'a string (ignored)');
  const name = top.name ?? fallbackName;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) throw nameError(name, top.name === undefined);
  if (top.description !== undefined && typeof top.description !== 'string') throw inputError('description', top.description, 'a string');
  if (top.model !== undefined && typeof top.model !== 'string') throw inputError('model', top.model, 'a built-in model name or the path of a model module (.js or .mjs)');
  // The model as named (the file's own name for it, else the command's); the default model is left out.
  const modelName = (top.model as string | undefined) ?? (loaded.builtIn && loaded.spec === defaultModel().spec ? undefined : loaded.spec);
  const scenario = (top.scenario === undefined ? settings.scenario.default : checkFileValue('scenario', settings.scenario, top.scenario)) as string;
  const ticks = setting('ticks', settings.ticks, top.ticks);
  const replicates = setting('replicates', CALIBRATION_SETTINGS.replicates, top.replicates);
  const seed = setting('seed', SWEEP_SETTINGS.seed, top.seed);
  if (top.targets === undefined && !model.record) {
    throw inputError('targets', top.targets, `the path of a targets file (JSON): the model '${model.name}' has no observed record of its own`);
  }
  if (top.targets !== undefined && (typeof top.targets !== 'string' || top.targets === '')) throw inputError('targets', top.targets, 'the path of a targets file (JSON), e.g. data/myanmar-2021.json, or leave it out to use the model\'s own record');
  const set = resolveSet(model, top.set);
  const method = resolveMethod(top.method);
  const { parameters, priors } = resolvePriors(model, top.parameters, set);
  const calibration: Calibration = {
    name, ...(top.description !== undefined ? { description: top.description as string } : {}),
    ...(modelName !== undefined && modelName !== defaultModel().spec ? { model: modelName } : {}),
    scenario, ...(top.targets !== undefined ? { targets: top.targets as string } : {}), set, ticks, parameters, method, replicates, seed,
  };
  const params = resolveParameters(model, scenario, baseOverrides(model, calibration)); // the scenario and set must resolve before any run
  const targetsPath = options.targetsPath ?? calibration.targets;
  const targetsFile = targetsPath !== undefined ? readTargetsFile(targetsPath, ticks, model) : recordTargets(model, ticks);
  const fitted = targetsFile.targets.filter((t) => !t.holdout);
  if (fitted.length === 0) throw new InputError(`the targets file '${targetsFile.path}' has no target to fit: every target and check is a holdout (allowed: at least one without "holdout": true)`);
  return {
    calibration, model: loaded, priors, targetsFile, fitted, holdouts: targetsFile.targets.filter((t) => t.holdout),
    hash: sha256(JSON.stringify({ calibration: { ...calibration, targets: null }, targets: targetsFile.sha256 })),
    scenarioValues: priors.map((p) => getPath(params, p.name) as number),
    settings: {
      particles: method.particles, generations: method.until.generations, minAcceptanceRate: method.until.acceptanceRate,
      quantile: method.quantile, kernelScale: DEFAULT_KERNEL_SCALE, seed, kernel: method.kernel ?? 'normal',
      ...(method.until.minTolerance !== undefined ? { minTolerance: method.until.minTolerance } : {}),
      ...(method.until.simulations !== undefined ? { maxSimulations: method.until.simulations } : {}),
    },
  };
}

/** The overrides every simulation gets: `set`, then the model's horizon parameter from `ticks`. */
export function baseOverrides(model: ModelDefinition, calibration: Pick<Calibration, 'set' | 'ticks'>): Map<string, unknown> {
  return new Map<string, unknown>([...Object.entries(calibration.set), [model.ticksParameter, calibration.ticks]]);
}

function setting(key: string, spec: NumberSpec, value: unknown): number {
  return value === undefined ? spec.default : (checkFileValue(key, spec, value) as number);
}

function resolveMethod(value: unknown): Calibration['method'] {
  const method = mapping('method', value ?? {}, ['type', 'particles', 'until', 'quantile', 'kernel']);
  if (method.type !== 'abc-smc') throw inputError('method.type', method.type, 'abc-smc');
  if (method.kernel !== undefined && !(KERNEL_SHAPES as readonly unknown[]).includes(method.kernel)) {
    throw inputError('method.kernel', method.kernel, `${KERNEL_SHAPES.join(' or ')} (normal: the untruncated kernel, a candidate outside the priors is not simulated; truncated: drawn inside the priors, for many parameters)`);
  }
  const until = mapping('method.until', method.until ?? {}, ['acceptanceRate', 'generations', 'minTolerance', 'simulations', 'wallClockSeconds']);
  const optional = (key: 'minTolerance' | 'simulations' | 'wallClockSeconds') =>
    (until[key] === undefined ? {} : { [key]: setting(`method.until.${key}`, CALIBRATION_SETTINGS[key], until[key]) });
  return {
    type: 'abc-smc',
    particles: setting('method.particles', CALIBRATION_SETTINGS.particles, method.particles),
    until: {
      acceptanceRate: setting('method.until.acceptanceRate', CALIBRATION_SETTINGS.acceptanceRate, until.acceptanceRate),
      generations: setting('method.until.generations', CALIBRATION_SETTINGS.generations, until.generations),
      ...optional('minTolerance'), ...optional('simulations'), ...optional('wallClockSeconds'),
    },
    quantile: setting('method.quantile', CALIBRATION_SETTINGS.quantile, method.quantile),
    ...(method.kernel === 'truncated' ? { kernel: 'truncated' as const } : {}),
  };
}

function resolvePriors(model: ModelDefinition, value: unknown, set: Record<string, ParameterValue>): { parameters: Record<string, PriorObject>; priors: Prior[] } {
  const entries = Object.entries(mapping('parameters', value));
  if (entries.length === 0) throw inputError('parameters', value, 'at least one parameter with a prior, e.g. decision.peerWeight: { from: 1, to: 5 }');
  const parameters: Record<string, PriorObject> = {};
  const priors: Prior[] = [];
  for (const [name, raw] of entries) {
    const where = `parameters.${name}`;
    const spec = parameterSpec(model, where, name, raw);
    if (spec.type !== 'number' || spec.integer) {
      throw new InputError(`invalid parameter '${where}': ${name} is ${spec.type === 'number' ? 'an integer' : `a ${spec.type}`} (allowed: real-valued parameters only; ABC-SMC moves particles continuously — fix it in 'set' instead)`);
    }
    if (name in set) throw new InputError(`invalid parameter '${where}': ${name} is also fixed in 'set' (allowed: each parameter either fitted or set, not both)`);
    const prior = priorSpec(where, spec, raw);
    priors.push({ name, spec: prior });
    parameters[name] = prior.kind === 'normal'
      ? { mean: prior.mean, sd: prior.sd, from: prior.from, to: prior.to }
      : { from: prior.from, to: prior.to, ...(prior.kind === 'log-uniform' ? { log: true } : {}) };
  }
  return { parameters, priors };
}

function priorSpec(where: string, spec: NumberSpec, raw: unknown): PriorSpec {
  const shapes = '{from, to} (uniform), {from, to, log: true} (log-uniform) or {mean, sd} (normal, optionally with from/to)';
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw inputError(where, raw, `a prior: ${shapes}`);
  const isNormal = 'mean' in raw || 'sd' in raw;
  const p = mapping(where, raw, isNormal ? ['mean', 'sd', 'from', 'to'] : ['from', 'to', 'log']);
  const bound = (key: 'from' | 'to', fallback?: number) => (p[key] === undefined && fallback !== undefined ? fallback : (checkFileValue(`${where}.${key}`, spec, p[key]) as number));
  if (isNormal) {
    const mean = checkFileValue(`${where}.mean`, spec, p.mean) as number;
    if (typeof p.sd !== 'number' || !Number.isFinite(p.sd) || p.sd <= 0) throw inputError(`${where}.sd`, p.sd, 'a finite number > 0');
    const from = bound('from', spec.min);
    const to = bound('to', spec.max);
    if (from >= to) throw inputError(`${where}.to`, to, `a number > from (${from})`);
    const prior: PriorSpec = { kind: 'normal', mean, sd: p.sd, from, to };
    if (!(priorMoments(prior).mass >= 1e-3)) throw inputError(where, raw, `a normal prior with at least 0.1% of its mass inside [${from}, ${to}] (${allowedText(spec)})`);
    return prior;
  }
  const from = bound('from');
  const to = bound('to');
  if (from >= to) throw inputError(`${where}.to`, to, `a number > from (${from}); a prior needs from < to`);
  if (p.log !== undefined && typeof p.log !== 'boolean') throw inputError(`${where}.log`, p.log, 'true or false');
  if (p.log === true) {
    if (from <= 0) throw inputError(`${where}.from`, from, 'a number > 0 with log: true');
    return { kind: 'log-uniform', from, to };
  }
  return { kind: 'uniform', from, to };
}
