/**
 * Sobol and Morris designs in experiment files: checking `design: { type: sobol | morris, … }`,
 * turning it into a sensitivity problem (problem.ts), and expanding it into sweep points. Every
 * design row is run at every combination of `cross` (e.g. each policy scenario), so effects over
 * a baseline scenario can be taken per sample: point_id = row × combinations + combination, the
 * first cross key varying slowest. The unit design comes from sobol-sample.ts / morris-sample.ts
 * with the experiment seed, so the same file always gives the same points (any worker count,
 * shards, resumes). Integer parameters take each integer of [from, to] with equal chance
 * (floor(from + u·(to − from + 1))); a normal is rounded; a list is picked by floor(u·n).
 */
import { InputError, inputError } from '../../engine/errors.js';
import type { ModelDefinition } from '../../engine/model.js';
import { allowedText, type ParamSpec } from '../../engine/schema.js';
import { parameterSpec } from '../model/parameters.js';
import {
  SCENARIO_KEY, checkFileValue, checkRunCount, checkedList, dimensionSpec, mapping,
  type ParameterValue,
} from '../sweep/file-values.js';
import { quantile, type Distribution } from './distributions.js';
import { sampleMorris } from './morris-sample.js';
import { checkProblem, factorsOf, toSalibProblem, type Problem } from './problem.js';
import { isPowerOfTwo, sampleSobol, saltelliRows, type Design } from './sobol-sample.js';

/** A sampled parameter: a uniform range (log-uniform with `log`), a normal (truncated with from/to), or a list. */
export type SampledRange =
  | { from: number; to: number; log: boolean }
  | { dist: 'normal'; mean: number; sd: number; from?: number; to?: number }
  | ParameterValue[];

interface SampledBase {
  parameters: Record<string, SampledRange>;
  /** Group name → the parameters that vary together as one factor. */
  groups?: Record<string, string[]>;
  /** Keys whose every combination each design row is run at. */
  cross?: Record<string, ParameterValue[]>;
}
export interface SobolDesign extends SampledBase {
  type: 'sobol';
  /** Base samples N (a power of 2). */
  samples: number;
  secondOrder: boolean;
}
export interface MorrisDesign extends SampledBase {
  type: 'morris';
  trajectories: number;
  levels: number;
  /** Optimised trajectories: draw this many and keep the `trajectories` most spread out. */
  candidates?: number;
}
export type SampledDesign = SobolDesign | MorrisDesign;

export const SAMPLED_DESIGN_KEYS = {
  sobol: ['type', 'samples', 'secondOrder', 'parameters', 'groups', 'cross'],
  morris: ['type', 'trajectories', 'levels', 'candidates', 'parameters', 'groups', 'cross'],
};

/** The smallest unit coordinate the designs use ((0 + ½)·2^−32), so a normal's values lie in its quantiles at this and 1 − this. */
const UNIT_EDGE = 0.5 * 2 ** -32;

const RANGE_TEXT = 'a range {from, to} (from < to), {from, to, log: true} (0 < from < to), {dist: normal, mean, sd} (sd > 0; add from and to for a truncated normal), or a list of values to pick from';

function integerSetting(where: string, value: unknown, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw inputError(where, value, `an integer in [${min}, ${max}]`);
  return value;
}

/** Check and resolve a `sobol` or `morris` design mapping. */
export function resolveSampledDesign(model: ModelDefinition, type: 'sobol' | 'morris', raw: unknown, maxRuns: number, replicates: number): SampledDesign {
  const design = mapping('design', raw, SAMPLED_DESIGN_KEYS[type]);
  const parameters = resolveParameters(model, design.parameters);
  const groups = resolveGroups(design.groups, Object.keys(parameters));
  const cross = resolveCross(model, design.cross, Object.keys(parameters));
  const base: SampledBase = { parameters, ...(groups ? { groups } : {}), ...(cross ? { cross } : {}) };
  let resolved: SampledDesign;
  if (type === 'sobol') {
    const samples = design.samples;
    if (typeof samples !== 'number' || !isPowerOfTwo(samples) || samples < 2 || samples > 2 ** 24) {
      throw inputError('design.samples', samples, "a power of 2 from 2 to 16777216 (e.g. 256, 512, 1024): Saltelli's scheme on a Sobol' sequence needs one");
    }
    if (design.secondOrder !== undefined && typeof design.secondOrder !== 'boolean') throw inputError('design.secondOrder', design.secondOrder, 'true or false');
    resolved = { type, samples, secondOrder: design.secondOrder ?? true, ...base };
  } else {
    const trajectories = integerSetting('design.trajectories', design.trajectories, 2, 100_000);
    const levels = design.levels === undefined ? 4 : design.levels;
    if (typeof levels !== 'number' || !Number.isInteger(levels) || levels < 2 || levels > 1000 || levels % 2 !== 0) throw inputError('design.levels', levels, 'an even integer from 2 to 1000 (default 4)');
    const candidates = design.candidates === undefined ? undefined : integerSetting('design.candidates', design.candidates, trajectories + 1, 10_000);
    resolved = { type, trajectories, levels, ...(candidates !== undefined ? { candidates } : {}), ...base };
  }
  const problem = designProblem(model, resolved);
  if (factorsOf(problem).names.length < 2) throw inputError('design.groups', design.groups, 'groups that leave at least two factors to compare');
  if (resolved.type === 'morris') {
    for (const [key, range] of Object.entries(parameters)) {
      if (!Array.isArray(range) && 'dist' in range && (range.from === undefined || range.to === undefined)) {
        throw inputError(`design.parameters.${key}`, range, 'in a Morris design, a bounded range: {from, to}, {from, to, log: true} or a truncated normal {dist: normal, mean, sd, from, to} (the levels include both ends)');
      }
    }
  }
  checkRunCount(designRows(model, resolved) * crossCombinations(resolved.cross).length, replicates, maxRuns);
  return resolved;
}

function resolveParameters(model: ModelDefinition, value: unknown): Record<string, SampledRange> {
  const parameters = mapping('design.parameters', value);
  const out: Record<string, SampledRange> = {};
  for (const [key, range] of Object.entries(parameters)) {
    const where = `design.parameters.${key}`;
    if (key === SCENARIO_KEY) throw new InputError(`invalid key '${where}': vary the scenario with 'design.cross: { scenario: [...] }' (every sample is then run under each)`);
    out[key] = resolveRange(where, parameterSpec(model, where, key, range), range);
  }
  if (Object.keys(out).length < 1) throw inputError('design.parameters', value, 'at least one parameter with a range');
  return out;
}

function resolveRange(where: string, spec: ParamSpec, value: unknown): SampledRange {
  if (Array.isArray(value)) return checkedList(where, spec, value);
  if (spec.type !== 'number') throw inputError(where, value, `a list of values (${allowedText(spec)})`);
  if (value === null || typeof value !== 'object') throw inputError(where, value, RANGE_TEXT);
  const r = mapping(where, value, ['from', 'to', 'log', 'dist', 'mean', 'sd']);
  const end = (key: 'from' | 'to') => (r[key] === undefined ? undefined : (checkFileValue(`${where}.${key}`, spec, r[key]) as number));
  const from = end('from');
  const to = end('to');
  if (from !== undefined && to !== undefined && !(from < to)) throw inputError(`${where}.to`, to, `a number > from (${from})`);
  if (r.dist !== undefined) {
    if (r.dist !== 'normal') throw inputError(`${where}.dist`, r.dist, 'normal (or leave dist out for a uniform range)');
    if (r.log !== undefined) throw new InputError(`invalid range '${where}': 'log' goes with a uniform range, not with dist: normal`);
    if (typeof r.mean !== 'number' || !Number.isFinite(r.mean)) throw inputError(`${where}.mean`, r.mean, 'a finite number');
    if (typeof r.sd !== 'number' || !Number.isFinite(r.sd) || r.sd <= 0) throw inputError(`${where}.sd`, r.sd, 'a finite number > 0');
    if ((from === undefined) !== (to === undefined)) throw new InputError(`invalid range '${where}': a truncated normal needs both 'from' and 'to' (got ${from === undefined ? 'to' : 'from'} only)`);
    const normal: SampledRange = { dist: 'normal', mean: r.mean, sd: r.sd, ...(from !== undefined ? { from, to } : {}) };
    if (from === undefined) {
      // Every value the design can draw must be allowed: check the extreme quantiles it uses.
      const dist: Distribution = { kind: 'norm', mean: r.mean, sd: r.sd };
      const [low, high] = [quantile(dist, UNIT_EDGE), quantile(dist, 1 - UNIT_EDGE)];
      if (low < spec.min || high > spec.max) {
        throw inputError(where, value, `a normal whose values stay in ${allowedText(spec)}; this one reaches ${low.toPrecision(4)} … ${high.toPrecision(4)} (mean ± 6.4 sd, the extremes the design draws): add from and to for a truncated normal`);
      }
    } else if (!(r.mean > from! - 10 * r.sd && r.mean < to! + 10 * r.sd)) {
      throw inputError(`${where}.mean`, r.mean, `a mean within 10 sd of [from, to] (a truncated normal with almost no mass in its range cannot be drawn reliably)`);
    }
    return normal;
  }
  if (r.mean !== undefined || r.sd !== undefined) throw new InputError(`invalid range '${where}': 'mean' and 'sd' go with dist: normal`);
  if (from === undefined || to === undefined) throw inputError(where, value, RANGE_TEXT);
  if (r.log !== undefined && typeof r.log !== 'boolean') throw inputError(`${where}.log`, r.log, 'true or false');
  const log = r.log === true;
  if (log && from <= 0) throw inputError(`${where}.from`, from, 'a number > 0 with log: true');
  return { from, to, log };
}

function resolveGroups(value: unknown, parameters: string[]): Record<string, string[]> | undefined {
  if (value === undefined) return undefined;
  const groups = mapping('design.groups', value);
  const owner = new Map<string, string>();
  const out: Record<string, string[]> = {};
  for (const [name, members] of Object.entries(groups)) {
    const where = `design.groups.${name}`;
    if (parameters.includes(name)) throw new InputError(`invalid group name '${where}': '${name}' is also a parameter of design.parameters (allowed: a name of its own)`);
    if (!Array.isArray(members) || members.length === 0) throw inputError(where, members, 'a non-empty list of parameters of design.parameters');
    members.forEach((member, i) => {
      if (typeof member !== 'string' || !parameters.includes(member)) throw inputError(`${where}[${i}]`, member, `a parameter of design.parameters: ${parameters.join(', ')}`);
      if (owner.has(member)) throw inputError(`${where}[${i}]`, member, `a parameter in no other group (it is in '${owner.get(member)}')`);
      owner.set(member, name);
    });
    out[name] = members as string[];
  }
  return out;
}

function resolveCross(model: ModelDefinition, value: unknown, parameters: string[]): Record<string, ParameterValue[]> | undefined {
  if (value === undefined) return undefined;
  const cross = mapping('design.cross', value);
  const out: Record<string, ParameterValue[]> = {};
  for (const [key, values] of Object.entries(cross)) {
    const where = `design.cross.${key}`;
    if (parameters.includes(key)) throw new InputError(`invalid key '${where}': '${key}' is already sampled in design.parameters (allowed: a key that is not sampled, e.g. scenario)`);
    if (!Array.isArray(values)) throw inputError(where, values, 'a non-empty list of values; every design row is run at each');
    const checked = checkedList(where, dimensionSpec(model, where, key, values), values);
    if (new Set(checked.map(String)).size !== checked.length) throw inputError(where, values, 'a list without repeats');
    out[key] = checked;
  }
  if (Object.keys(out).length === 0) throw inputError('design.cross', value, 'at least one key with a list of values');
  return out;
}

/** Design rows (before crossing): N·(2k+2) or N·(k+2) for Sobol, r·(k+1) for Morris; k = factors. */
export function designRows(model: ModelDefinition, design: SampledDesign): number {
  const k = factorsOf(designProblem(model, design)).names.length;
  return design.type === 'sobol' ? saltelliRows(design.samples, k, design.secondOrder) : design.trajectories * (k + 1);
}

/** Every combination of the cross values, the first key varying slowest ([{}] without cross). */
export function crossCombinations(cross: Record<string, ParameterValue[]> | undefined): Record<string, ParameterValue>[] {
  let combinations: Record<string, ParameterValue>[] = [{}];
  for (const [key, values] of Object.entries(cross ?? {})) combinations = combinations.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  return combinations;
}

/** The sensitivity problem of a design: one input per parameter, in order; groups as labels. */
export function designProblem(model: ModelDefinition, design: SampledDesign): Problem {
  const names = Object.keys(design.parameters);
  const groupOf = new Map<string, string>();
  for (const [group, members] of Object.entries(design.groups ?? {})) for (const m of members) groupOf.set(m, group);
  const dists = names.map((name) => unitDistribution(model, name, design.parameters[name]));
  const groups = groupOf.size > 0 ? names.map((n) => groupOf.get(n) ?? n) : undefined;
  return checkProblem({ names, dists, ...(groups ? { groups } : {}) }, 'design');
}

/**
 * The continuous distribution behind a parameter, as SALib would write it. Integers and lists use
 * a uniform whose floor is the value run: an integer range [from, to] is unif [from, to + 1], a list
 * of n values unif [0, n] (the value is the entry at the floor).
 */
function unitDistribution(model: ModelDefinition, name: string, range: SampledRange): Distribution {
  if (Array.isArray(range)) return { kind: 'unif', low: 0, high: range.length };
  if ('dist' in range) {
    return range.from !== undefined ? { kind: 'truncnorm', low: range.from, high: range.to!, mean: range.mean, sd: range.sd } : { kind: 'norm', mean: range.mean, sd: range.sd };
  }
  const integer = isIntegerParameter(model, name);
  if (range.log) return { kind: 'logunif', low: range.from, high: range.to };
  return { kind: 'unif', low: range.from, high: integer ? range.to + 1 : range.to };
}

function isIntegerParameter(model: ModelDefinition, name: string): boolean {
  const spec = parameterSpec(model, name, name, undefined);
  return spec.type === 'number' && spec.integer;
}

/** The value a parameter takes at unit coordinate u. */
export function parameterValue(model: ModelDefinition, name: string, range: SampledRange, u: number): ParameterValue {
  if (Array.isArray(range)) return range[Math.min(range.length - 1, Math.floor(u * range.length))];
  const x = quantile(unitDistribution(model, name, range), u);
  const integer = isIntegerParameter(model, name);
  if ('dist' in range) {
    const v = integer ? Math.round(x) : x;
    return range.from !== undefined ? Math.min(range.to!, Math.max(range.from, v)) : v;
  }
  if (!integer) return Math.min(range.to, Math.max(range.from, x));
  return Math.min(range.to, Math.max(range.from, range.log ? Math.round(x) : Math.floor(x)));
}

/** The unit design of an experiment's sampled design (its seed is the experiment seed). */
export function unitDesign(model: ModelDefinition, design: SampledDesign, seed: number): Design {
  const problem = designProblem(model, design);
  return design.type === 'sobol'
    ? sampleSobol(problem, design.samples, { seed, secondOrder: design.secondOrder })
    : sampleMorris(problem, design.trajectories, { seed, levels: design.levels, candidates: design.candidates });
}

/** The values of every point in point order: each design row at each cross combination. */
export function sampledPoints(model: ModelDefinition, design: SampledDesign, seed: number): Record<string, ParameterValue>[] {
  const unit = unitDesign(model, design, seed);
  const names = Object.keys(design.parameters);
  const combinations = crossCombinations(design.cross);
  const points: Record<string, ParameterValue>[] = [];
  for (let row = 0; row < unit.rows; row++) {
    const sampled: Record<string, ParameterValue> = {};
    names.forEach((name, j) => (sampled[name] = parameterValue(model, name, design.parameters[name], unit.unit[row * names.length + j])));
    for (const combination of combinations) points.push({ ...sampled, ...combination });
  }
  return points;
}

/** What the manifest records about a sampled design: the problem in SALib's form and the row layout. */
export function designManifest(model: ModelDefinition, design: SampledDesign, seed: number): Record<string, unknown> {
  const problem = designProblem(model, design);
  const combinations = crossCombinations(design.cross);
  const rows = designRows(model, design);
  return {
    method: design.type,
    problem: toSalibProblem(problem),
    factors: factorsOf(problem).names,
    ...(design.type === 'sobol'
      ? { baseSamples: design.samples, secondOrder: design.secondOrder, generator: `scrambled Sobol' sequence (Joe-Kuo direction numbers, linear matrix scramble + digital shift, engine/rng.ts stream 'sobol:scramble' seeded with ${seed}); Saltelli rows per base sample: A, AB_1..AB_k, ${design.secondOrder ? 'BA_1..BA_k, ' : ''}B` }
      : { trajectories: design.trajectories, levels: design.levels, ...(design.candidates ? { candidates: design.candidates } : {}), generator: `Morris trajectories (engine/rng.ts stream 'morris:trajectories' seeded with ${seed})${design.candidates ? `, the ${design.trajectories} most spread of ${design.candidates} candidates (Campolongo 2007, local optimisation of Ruano 2012)` : ''}` }),
    designRows: rows,
    crossCombinations: combinations,
    pointLayout: 'point_id = design row × crossCombinations.length + combination (first cross key slowest)',
    integers: 'integer parameters: floor of a uniform on [from, to + 1] (each integer equally likely); normals rounded; lists: the entry at floor(u·n)',
  };
}

/**
 * The JSON Schema entries of the two designs (for schema/experiment.schema.json), for the
 * parameter paths of one model (null: any dotted path, for a model the schema does not know).
 */
export function sampledDesignJsonSchemas(paths: readonly string[] | null): Record<string, unknown>[] {
  const names = (extra: string[] = []) => (paths ? { enum: [...extra, ...paths] } : { type: 'string', pattern: '^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$' });
  const parameters = {
    type: 'object', minProperties: 1, propertyNames: names(), additionalProperties: { $ref: '#/$defs/sampledRange' },
    description: 'The sampled parameters (dotted paths) and their ranges',
  };
  const groups = {
    type: 'object', additionalProperties: { type: 'array', minItems: 1, items: names() },
    description: 'Group name → parameters that vary together as one factor (SALib groups)',
  };
  const cross = {
    type: 'object', minProperties: 1, propertyNames: paths ? names([SCENARIO_KEY]) : { type: 'string' }, additionalProperties: { type: 'array', minItems: 1 },
    description: 'Keys (e.g. scenario) whose every combination each design row is run at',
  };
  return [
    {
      type: 'object', additionalProperties: false, required: ['type', 'samples', 'parameters'],
      description: "Saltelli's scheme on a scrambled Sobol' sequence: samples·(2k+2) rows with second order, samples·(k+2) without",
      properties: {
        type: { const: 'sobol' },
        samples: { type: 'integer', minimum: 2, maximum: 2 ** 24, description: 'Base samples N, a power of 2' },
        secondOrder: { type: 'boolean', description: 'Rows for second-order indices too (default true)' },
        parameters, groups, cross,
      },
    },
    {
      type: 'object', additionalProperties: false, required: ['type', 'trajectories', 'parameters'],
      description: 'Morris trajectories: trajectories·(k+1) rows',
      properties: {
        type: { const: 'morris' },
        trajectories: { type: 'integer', minimum: 2, maximum: 100000 },
        levels: { type: 'integer', minimum: 2, maximum: 1000, multipleOf: 2, description: 'Grid levels p (default 4)' },
        candidates: { type: 'integer', minimum: 3, maximum: 10000, description: 'Optimised trajectories: draw this many, keep the most spread out' },
        parameters, groups, cross,
      },
    },
  ];
}
