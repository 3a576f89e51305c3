/**
 * The worlds of a decide experiment (*I/O*): one full parameter set each, from a worlds file
 * (`defsim worlds`' worlds.csv, optionally `sample: N` of them drawn by systematic resampling on
 * its weights), from a design over ranges (lhs, random or a scrambled Sobol' sequence: deep
 * uncertainty, no data), or from a user's own CSV of parameter sets. Every column must be a
 * parameter of the model (numbers, or switches as 0/1) and every value inside its range; the
 * first problem is an InputError naming the file, line, column, value and what is allowed.
 * The worlds a decision ran are written as its worlds.csv, which `defsim reproduce` reads back.
 */
import { InputError, inputError } from '../../engine/errors.js';
import type { ModelDefinition } from '../../engine/model.js';
import { RandomStream } from '../../engine/rng.js';
import { allowedText, type ParamSpec } from '../../engine/schema.js';
import { parameterSpec } from '../model/parameters.js';
import { sobolPoints } from '../sensitivity/sobol-sequence.js';
import { latinHypercubeColumns, pick, randomColumns } from '../sweep/design.js';
import type { SampledValues } from '../sweep/experiment.js';
import { checkFileValue, mapping, SWEEP_SETTINGS, type ParameterValue } from '../sweep/file-values.js';
import { effectiveSampleSize, normaliseWeights } from './numeric.js';
import type { WorldParameters } from './outcomes.js';
import { cell, numberText, readWorlds } from './files.js';

/** Where the worlds come from, as resolved in a decide experiment. */
export type WorldsSpec =
  | { file: string; sample?: number }
  | { csv: string }
  | { design: WorldsDesign };

export interface WorldsDesign {
  type: 'lhs' | 'random' | 'sobol';
  samples: number;
  parameters: Record<string, SampledValues>;
}

export interface Worlds {
  readonly ids: readonly string[];
  /** The weights the estimators get (normalised by them), as written in worlds.csv. */
  readonly weights: Float64Array;
  /** Whether every world weighs the same. */
  readonly equalWeights: boolean;
  /** The parameters, one column per parameter (switches as 0/1). */
  readonly parameters: WorldParameters;
  /** Each parameter's spec (its type turns a column value back into a parameter value). */
  readonly specs: readonly ParamSpec[];
  /** What the manifest says of where they came from. */
  readonly source: Record<string, unknown>;
}

const DESIGN_TYPES = ['lhs', 'random', 'sobol'];
const WORLD_KEYS = ['file', 'sample', 'csv', 'design'];

/** Check a `worlds:` value's shape (files are read later, by `loadWorlds`). */
export function resolveWorldsSpec(model: ModelDefinition, value: unknown): WorldsSpec {
  const spec = mapping('worlds', value, WORLD_KEYS);
  const given = ['file', 'csv', 'design'].filter((k) => spec[k] !== undefined);
  if (given.length !== 1) {
    throw inputError('worlds', value, "exactly one of { file: worlds.csv, sample?: N } (plausible worlds from 'defsim worlds'), { csv: PATH } (your own parameter sets) or { design: { type: lhs|random|sobol, samples, parameters } } (ranges, no data)");
  }
  const path = (key: string) => {
    const p = spec[key];
    if (typeof p !== 'string' || p === '') throw inputError(`worlds.${key}`, p, 'the path of a CSV file (relative paths are read from the working directory)');
    return p;
  };
  if (spec.sample !== undefined && given[0] !== 'file') throw inputError('worlds.sample', spec.sample, "only with 'file' (a worlds file whose weights the sample is drawn on)");
  if (given[0] === 'file') {
    const sample = spec.sample === undefined ? undefined : (checkFileValue('worlds.sample', SWEEP_SETTINGS.samples, spec.sample) as number);
    return { file: path('file'), ...(sample !== undefined ? { sample } : {}) };
  }
  if (given[0] === 'csv') return { csv: path('csv') };
  const design = mapping('worlds.design', spec.design, ['type', 'samples', 'parameters']);
  if (typeof design.type !== 'string' || !DESIGN_TYPES.includes(design.type)) throw inputError('worlds.design.type', design.type, 'lhs, random or sobol');
  const samples = checkFileValue('worlds.design.samples', SWEEP_SETTINGS.samples, design.samples) as number;
  const parameters = mapping('worlds.design.parameters', design.parameters);
  if (Object.keys(parameters).length === 0) throw inputError('worlds.design.parameters', design.parameters, 'at least one parameter with a range {from, to} or a list of values');
  const resolved: Record<string, SampledValues> = {};
  for (const [key, range] of Object.entries(parameters)) resolved[key] = designDimension(model, `worlds.design.parameters.${key}`, key, range);
  return { design: { type: design.type as WorldsDesign['type'], samples, parameters: resolved } };
}

/** A design dimension: `{from, to, log?}` for a number, or a list of numbers or switches. */
function designDimension(model: ModelDefinition, where: string, key: string, value: unknown): SampledValues {
  const spec = worldParameterSpec(model, where, key, value);
  if (Array.isArray(value)) {
    if (value.length === 0) throw inputError(where, value, `a non-empty list of values (${allowedText(spec)})`);
    return value.map((v, i) => checkFileValue(`${where}[${i}]`, spec, v));
  }
  if (spec.type !== 'number') throw inputError(where, value, `a list of values (${allowedText(spec)})`);
  const range = mapping(where, value, ['from', 'to', 'log']);
  const from = checkFileValue(`${where}.from`, spec, range.from) as number;
  const to = checkFileValue(`${where}.to`, spec, range.to) as number;
  if (to < from) throw inputError(`${where}.to`, to, `a number >= from (${from})`);
  if (range.log !== undefined && typeof range.log !== 'boolean') throw inputError(`${where}.log`, range.log, 'true or false');
  if (range.log === true && from <= 0) throw inputError(`${where}.from`, from, 'a number > 0 with log: true');
  return { from, to, log: range.log === true };
}

/** A parameter a world may set: a number or a switch of the model (a choice is varied by scenario instead). */
function worldParameterSpec(model: ModelDefinition, where: string, key: string, value: unknown): ParamSpec {
  const spec = parameterSpec(model, where, key, value);
  if (spec.type === 'choice') throw inputError(where, value, `a parameter that is a number or a switch; '${key}' is a choice (${spec.values.join(', ')}): vary it with a scenario`);
  if (key === model.ticksParameter) throw inputError(where, value, `a parameter other than the horizon '${key}' (give it as the experiment's 'ticks')`);
  return spec;
}

export interface LoadWorldsOptions {
  /** The experiment seed: a sample's offset and a design's draws come from it. */
  readonly seed: number;
  /** Parameters fixed by the experiment (`set`): a world may not vary them too. */
  readonly fixed: ReadonlySet<string>;
  /**
   * Read the worlds from this copy instead (the worlds.csv of a result directory, for `defsim
   * reproduce`): the worlds exactly as they ran, no sample drawn, weights as written.
   */
  readonly copy?: string;
}

/** The worlds a spec names, checked against the model; any problem is an InputError before anything runs. */
export function loadWorlds(model: ModelDefinition, spec: WorldsSpec, options: LoadWorldsOptions): Worlds {
  const worlds = options.copy !== undefined
    ? { ...fileWorlds(model, { csv: options.copy }), source: { kind: 'copy', path: options.copy, of: spec } }
    : 'design' in spec ? designWorlds(model, spec.design, options.seed) : fileWorlds(model, spec, options.seed);
  worlds.parameters.names.forEach((name) => {
    if (options.fixed.has(name)) throw inputError(`set.${name}`, name, "a parameter the worlds do not vary (the worlds set it; leave it out of 'set')");
  });
  return worlds;
}

function fileWorlds(model: ModelDefinition, spec: { file: string; sample?: number } | { csv: string }, seed = 0): Worlds {
  const path = 'file' in spec ? spec.file : spec.csv;
  const file = readWorlds(path);
  const { names, columns } = file.parameters;
  const specs = names.map((name) => worldParameterSpec(model, name, name, `a column of '${path}'`));
  names.forEach((name, j) => {
    for (let w = 0; w < file.ids.length; w++) checkWorldValue(path, w + 2, file.ids[w], name, specs[j], columns[j][w]);
  });
  const source = { kind: 'file' in spec ? 'file' : 'csv', path, sha256: file.sha256, rows: file.ids.length };
  const sample = 'file' in spec ? spec.sample : undefined;
  if (sample === undefined) {
    const weights = file.weights ?? new Float64Array(file.ids.length).fill(1 / file.ids.length);
    return {
      ids: file.ids, weights, equalWeights: !file.weights || file.weights.every((x) => x === file.weights![0]), parameters: file.parameters, specs,
      source: { ...source, weights: file.weights ? "the file's weight column (importance weights)" : 'equal (the file has no weight column)', effectiveSampleSize: effectiveSampleSize(normaliseWeights(file.ids.length, weights)) },
    };
  }
  const draws = systematicResample(file.weights ?? new Float64Array(file.ids.length).fill(1), sample, new RandomStream(seed, 'decide:worlds').uniform());
  const copies = new Map<number, number>();
  const ids = Array.from(draws, (i) => {
    const k = (copies.get(i) ?? 0) + 1;
    copies.set(i, k);
    return k === 1 ? file.ids[i] : `${file.ids[i]}#${k}`;
  });
  return {
    ids,
    weights: new Float64Array(sample).fill(1 / sample),
    equalWeights: true,
    parameters: { names, columns: columns.map((c) => Float64Array.from(draws, (i) => c[i])) },
    specs,
    source: {
      ...source, sample, distinct: copies.size,
      scheme: `systematic resampling on the file's ${file.weights ? 'weight column' : 'rows (no weight column: equal weights)'}: one uniform offset u from engine/rng.ts stream 'decide:worlds' seeded with the experiment seed, the world whose cumulative weight first reaches (k + u)/N for k = 0…N−1; a world drawn more than once keeps its id, then id#2, id#3, …`,
      weights: 'equal (1/N) after resampling',
      effectiveSampleSize: sample,
    },
  };
}

/**
 * Systematic resampling: N indices whose expected counts are N × the normalised weights, from one
 * uniform offset u in [0, 1) (Kitagawa 1996): index k is the first whose cumulative weight reaches
 * (k + u)/N. Ascending, so the sample keeps the file's order.
 */
export function systematicResample(weights: ArrayLike<number>, count: number, u: number): Int32Array {
  const normalised = normaliseWeights(weights.length, weights);
  const out = new Int32Array(count);
  let cumulative = normalised[0];
  let i = 0;
  for (let k = 0; k < count; k++) {
    const target = (k + u) / count;
    while (cumulative < target && i < normalised.length - 1) cumulative += normalised[++i];
    out[k] = i;
  }
  return out;
}

function checkWorldValue(path: string, line: number, id: string, name: string, spec: ParamSpec, value: number): void {
  const bad = () => new InputError(`invalid value for '${name}' in '${path}' line ${line} (world ${JSON.stringify(id)}): ${value} (allowed: ${spec.type === 'boolean' ? '0 or 1 (a switch: off or on)' : allowedText(spec)})`);
  if (spec.type === 'boolean') {
    if (value !== 0 && value !== 1) throw bad();
    return;
  }
  if (spec.type !== 'number') throw bad();
  if (value < spec.min || value > spec.max || (spec.integer && !Number.isInteger(value))) throw bad();
}

function designWorlds(model: ModelDefinition, design: WorldsDesign, seed: number): Worlds {
  const names = Object.keys(design.parameters);
  const k = names.length;
  const n = design.samples;
  let unit: Float64Array[];
  if (design.type === 'random') unit = randomColumns(seed, n, k);
  else if (design.type === 'lhs') unit = latinHypercubeColumns(seed, n, k);
  else {
    const points = sobolPoints(n, k, { seed });
    unit = names.map((_, j) => Float64Array.from({ length: n }, (_, i) => points[i * k + j]));
  }
  const specs = names.map((name) => worldParameterSpec(model, `worlds.design.parameters.${name}`, name, undefined));
  const columns = names.map((name, j) => Float64Array.from(unit[j], (u) => {
    const value = pick(model, name, design.parameters[name], u);
    return typeof value === 'boolean' ? Number(value) : (value as number);
  }));
  const generator = design.type === 'sobol'
    ? `scrambled Sobol' sequence (runners/sensitivity/sobol-sequence.ts, seeded with the experiment seed)`
    : `${design.type === 'lhs' ? 'Latin hypercube' : 'uniform random'} columns from engine/rng.ts stream 'design:${design.type}' seeded with the experiment seed`;
  return {
    ids: Array.from({ length: n }, (_, i) => String(i)),
    weights: new Float64Array(n).fill(1 / n),
    equalWeights: true,
    parameters: { names, columns },
    specs,
    source: { kind: 'design', type: design.type, samples: n, generator, weights: 'equal', effectiveSampleSize: n },
  };
}

/** A world's parameters as run overrides (switches back to true/false). */
export function worldOverrides(worlds: Worlds, w: number): Record<string, ParameterValue> {
  const out: Record<string, ParameterValue> = {};
  worlds.parameters.names.forEach((name, j) => {
    const v = worlds.parameters.columns[j][w];
    out[name] = worlds.specs[j].type === 'boolean' ? v === 1 : v;
  });
  return out;
}

/** worlds.csv: `world, weight`, then one column per parameter (the same format `--x` and `worlds: { csv }` read). */
export function worldsCsv(worlds: Worlds): string {
  const lines = [['world', 'weight', ...worlds.parameters.names].map(cell).join(',')];
  worlds.ids.forEach((id, w) => {
    lines.push([cell(id), numberText(worlds.weights[w]), ...worlds.parameters.columns.map((c) => numberText(c[w]))].join(','));
  });
  return lines.join('\n') + '\n';
}
