/**
 * Calibration files: what `defsim calibrate` fits. A calibration names a base scenario and
 * overrides (`set`), the horizon (`ticks`), a targets file, priors over the fitted
 * `parameters`, the `method` (abc-smc: particles, until {acceptanceRate, generations}, optional
 * quantile), `replicates` per particle and the `seed`. Everything is checked against the one
 * parameter schema and the targets file before anything is written; the resolved form (defaults
 * filled in) is itself a valid calibration.
 */
import { basename, extname } from 'node:path';
import { InputError, inputError } from '../../engine/errors.js';
import { allowedText, getPath, int, num, type NumberSpec } from '../../engine/schema.js';
import { checkFileValue, EXPERIMENT_SETTINGS, mapping, parameterSpec, resolveSet, type ParameterValue } from '../sweep/experiment.js';
import { readStructuredFile, resolveParameters } from '../model/parameters.js';
import { sha256 } from '../io/outputs.js';
import { DEFAULT_KERNEL_SCALE, DEFAULT_QUANTILE, type AbcSettings } from './abc-smc.js';
import type { Target } from './distance.js';
import { priorMoments, type Prior, type PriorSpec } from './priors.js';
import { readTargetsFile, type TargetsFile } from './targets.js';

/** A prior as written: `{from, to}`, `{from, to, log: true}` or `{mean, sd}` (optionally with from/to). */
export type PriorObject = { from: number; to: number; log?: boolean } | { mean: number; sd: number; from?: number; to?: number };

/** A calibration as resolved: every value checked, defaults filled in. */
export interface Calibration {
  name: string;
  description?: string;
  scenario: string;
  /** The targets file, as given (relative paths are read from the working directory). */
  targets: string;
  set: Record<string, ParameterValue>;
  ticks: number;
  /** Priors by dotted parameter path; normal priors carry their range. */
  parameters: Record<string, PriorObject>;
  method: { type: 'abc-smc'; particles: number; until: { acceptanceRate: number; generations: number }; quantile: number };
  replicates: number;
  seed: number;
}

/** A checked calibration with its priors and targets, ready to run. */
export interface CalibrationPlan {
  calibration: Calibration;
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

const TOP_KEYS = ['$schema', 'name', 'description', 'scenario', 'targets', 'set', 'ticks', 'parameters', 'method', 'replicates', 'seed'];
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const CALIBRATION_SETTINGS = {
  particles: int(1000, 'Particles per generation', { min: 2, max: 1_000_000, unit: 'particles' }),
  acceptanceRate: num(0.02, 'Stop after a generation that accepts less than this share of its simulations', { min: Number.MIN_VALUE, max: 1, unit: 'share' }),
  generations: int(12, 'The most generations, generation 0 (the prior sample) included', { min: 1, max: 1000, unit: 'generations' }),
  quantile: num(DEFAULT_QUANTILE, "Each generation's tolerance is this weighted quantile of the previous generation's distances", { min: Number.MIN_VALUE, max: 1 - Number.EPSILON, unit: 'share' }),
  replicates: int(1, 'Simulations per particle (different seeds); the distance uses the mean of their measures', { min: 1, max: 1000, unit: 'runs' }),
};

export interface LoadCalibrationOptions {
  /** Read the targets from this file instead of the one the calibration names (`defsim reproduce` reads the copy in the result directory). */
  targetsPath?: string;
}

/** Read, check and resolve a calibration from a YAML/JSON file path or an object. */
export function loadCalibration(source: string | Record<string, unknown> | Calibration, options: LoadCalibrationOptions = {}): CalibrationPlan {
  const raw = typeof source === 'string' ? readStructuredFile(source) : source;
  const fallbackName = typeof source === 'string' ? basename(source, extname(source)) : 'calibration';
  const top = mapping('(calibration)', raw, TOP_KEYS);
  if (top.$schema !== undefined && typeof top.$schema !== 'string') throw inputError('$schema', top.$schema, 'a string (ignored)');
  const name = top.name ?? fallbackName;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) throw inputError('name', name, 'letters, digits, ".", "_" and "-", starting with a letter or digit');
  if (top.description !== undefined && typeof top.description !== 'string') throw inputError('description', top.description, 'a string');
  const scenario = (top.scenario === undefined ? EXPERIMENT_SETTINGS.scenario.default : checkFileValue('scenario', EXPERIMENT_SETTINGS.scenario, top.scenario)) as string;
  const ticks = setting('ticks', EXPERIMENT_SETTINGS.ticks, top.ticks);
  const replicates = setting('replicates', CALIBRATION_SETTINGS.replicates, top.replicates);
  const seed = setting('seed', EXPERIMENT_SETTINGS.seed, top.seed);
  if (typeof top.targets !== 'string' || top.targets === '') throw inputError('targets', top.targets, 'the path of a targets file (JSON), e.g. data/myanmar-2021.json');
  const set = resolveSet(top.set);
  const method = resolveMethod(top.method);
  const { parameters, priors } = resolvePriors(top.parameters, set);
  const calibration: Calibration = {
    name, ...(top.description !== undefined ? { description: top.description as string } : {}),
    scenario, targets: top.targets, set, ticks, parameters, method, replicates, seed,
  };
  const params = resolveParameters(scenario, baseOverrides(calibration)); // the scenario and set must resolve before any run
  const targetsFile = readTargetsFile(options.targetsPath ?? calibration.targets, ticks);
  const fitted = targetsFile.targets.filter((t) => !t.holdout);
  if (fitted.length === 0) throw new InputError(`the targets file '${targetsFile.path}' has no target to fit: every target and check is a holdout (allowed: at least one without "holdout": true)`);
  return {
    calibration, priors, targetsFile, fitted, holdouts: targetsFile.targets.filter((t) => t.holdout),
    hash: sha256(JSON.stringify({ calibration: { ...calibration, targets: null }, targets: targetsFile.sha256 })),
    scenarioValues: priors.map((p) => getPath(params, p.name) as number),
    settings: {
      particles: method.particles, generations: method.until.generations, minAcceptanceRate: method.until.acceptanceRate,
      quantile: method.quantile, kernelScale: DEFAULT_KERNEL_SCALE, seed,
    },
  };
}

/** The overrides every simulation gets: `set`, then `time.ticks`. */
export function baseOverrides(calibration: Pick<Calibration, 'set' | 'ticks'>): Map<string, unknown> {
  return new Map<string, unknown>([...Object.entries(calibration.set), ['time.ticks', calibration.ticks]]);
}

function setting(key: string, spec: NumberSpec, value: unknown): number {
  return value === undefined ? spec.default : (checkFileValue(key, spec, value) as number);
}

function resolveMethod(value: unknown): Calibration['method'] {
  const method = mapping('method', value ?? {}, ['type', 'particles', 'until', 'quantile']);
  if (method.type !== 'abc-smc') throw inputError('method.type', method.type, 'abc-smc');
  const until = mapping('method.until', method.until ?? {}, ['acceptanceRate', 'generations']);
  return {
    type: 'abc-smc',
    particles: setting('method.particles', CALIBRATION_SETTINGS.particles, method.particles),
    until: {
      acceptanceRate: setting('method.until.acceptanceRate', CALIBRATION_SETTINGS.acceptanceRate, until.acceptanceRate),
      generations: setting('method.until.generations', CALIBRATION_SETTINGS.generations, until.generations),
    },
    quantile: setting('method.quantile', CALIBRATION_SETTINGS.quantile, method.quantile),
  };
}

function resolvePriors(value: unknown, set: Record<string, ParameterValue>): { parameters: Record<string, PriorObject>; priors: Prior[] } {
  const entries = Object.entries(mapping('parameters', value));
  if (entries.length === 0) throw inputError('parameters', value, 'at least one parameter with a prior, e.g. decision.peerWeight: { from: 1, to: 5 }');
  const parameters: Record<string, PriorObject> = {};
  const priors: Prior[] = [];
  for (const [name, raw] of entries) {
    const where = `parameters.${name}`;
    const spec = parameterSpec(where, name, raw);
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
