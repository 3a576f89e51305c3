/**
 * Expanding a resolved design into its points, in a fixed order, and naming every run:
 * run_id = point_id × replicates + replicate, seed = hashInts(experiment seed, point_id, replicate).
 * random and lhs designs draw from engine/rng.ts streams seeded from the experiment seed, so the
 * same experiment always gives the same points.
 */
import { getPath } from '../../engine/schema.js';
import { hashInts, RandomStream } from '../../engine/rng.js';
import type { ModelDefinition } from '../../engine/model.js';
import { baselinePointIds } from '../effects/baseline.js';
import { defaultModel, type LoadedModel } from '../model/load.js';
import { sampledPoints } from '../sensitivity/design.js';
import { experimentHash, resolveRunParameters, variedKeys, type Experiment, type SampledValues } from './experiment.js';
import { SCENARIO_KEY, dimensionSpec, type ParameterValue } from './file-values.js';

/** One design point: its id and the value of every varied parameter (keys in `varied` order). */
export interface DesignPoint {
  id: number;
  values: Record<string, ParameterValue>;
}

/** The sweep's plan: the varied parameters, the design points in order, and the run count. */
export interface SweepPlan {
  experiment: Experiment;
  /** The model every run of the sweep runs. */
  model: LoadedModel;
  /** sha256 of the resolved experiment (see `experimentHash`). */
  hash: string;
  varied: string[];
  points: DesignPoint[];
  runs: number;
  /** With a `baseline`: the baseline point id of every point (runners/effects/baseline.ts). */
  baselines?: Int32Array;
}

/** Expand the design; a baseline that names no design point, or leaves a point without one, is an InputError. */
export function planSweep(experiment: Experiment, model: LoadedModel = defaultModel()): SweepPlan {
  const varied = variedKeys(experiment.design);
  const points = expandDesign(model.definition, experiment, varied).map((values, id) => ({ id, values }));
  const baselines = experiment.baseline ? baselinePointIds(points, varied, experiment.baseline, { [SCENARIO_KEY]: experiment.scenario }) : undefined;
  return { experiment, model, hash: experimentHash(experiment), varied, points, runs: points.length * experiment.replicates, ...(baselines ? { baselines } : {}) };
}

/** Which point and replicate a run is, and its seed. */
export function runIdentity(plan: Pick<SweepPlan, 'experiment'>, runId: number): { pointId: number; replicate: number; seed: number } {
  const { replicates, seed, seeds } = plan.experiment;
  const pointId = Math.floor(runId / replicates);
  const replicate = runId % replicates;
  const seedPoint = seeds === 'common' ? 0 : seeds === 'per-run' ? pointId : Math.floor(pointId / seeds.commonWithin);
  return { pointId, replicate, seed: runSeed(seed, seedPoint, replicate) };
}

/** Whether replicate r of two design points ran with the same seed (common seeds): their effects can be paired. */
export function sameSeeds(experiment: Pick<Experiment, 'seeds'>, pointA: number, pointB: number): boolean {
  const rule = experiment.seeds;
  if (rule === 'common') return true;
  if (rule === 'per-run') return pointA === pointB;
  return Math.floor(pointA / rule.commonWithin) === Math.floor(pointB / rule.commonWithin);
}

/** How this experiment's run seeds are made, as written in the manifest. */
export function seedRule(experiment: Pick<Experiment, 'seeds'>): string {
  const rule = experiment.seeds;
  if (rule === 'common') return 'hashInts(experiment seed, 0, replicate) from engine/rng.ts: the same seeds at every design point (common random numbers)';
  if (rule === 'per-run') return 'hashInts(experiment seed, point_id, replicate) from engine/rng.ts';
  return `hashInts(experiment seed, floor(point_id / ${rule.commonWithin}), replicate) from engine/rng.ts: the same seeds within each block of ${rule.commonWithin} consecutive design points (common random numbers within a block), other seeds in each block`;
}

/** The seed of one run: a fixed hash of (experiment seed, point_id, replicate), 32 bits. */
export function runSeed(experimentSeed: number, pointId: number, replicate: number): number {
  return hashInts(experimentSeed, pointId, replicate);
}

/** The values of every point, in design order. */
export function expandDesign(model: ModelDefinition, experiment: Experiment, varied = variedKeys(experiment.design)): Record<string, ParameterValue>[] {
  const design = experiment.design;
  if (design.type === 'grid') return gridPoints(varied, design.parameters);
  if (design.type === 'list') return design.points.map((point) => completePoint(model, experiment, varied, point));
  if (design.type === 'sobol' || design.type === 'morris') return sampledPoints(model, design, experiment.seed);
  const dims = varied.map((key) => design.parameters[key]);
  const columns = design.type === 'random'
    ? randomColumns(experiment.seed, design.samples, dims.length)
    : latinHypercubeColumns(experiment.seed, design.samples, dims.length);
  return Array.from({ length: design.samples }, (_, i) =>
    Object.fromEntries(varied.map((key, d) => [key, pick(model, key, dims[d], columns[d][i])])));
}

/** Full factorial; the first parameter varies slowest, the last fastest. */
function gridPoints(varied: string[], lists: Record<string, ParameterValue[]>): Record<string, ParameterValue>[] {
  let points: Record<string, ParameterValue>[] = [{}];
  for (const key of varied) points = points.flatMap((p) => lists[key].map((v) => ({ ...p, [key]: v })));
  return points;
}

/** A list point that leaves a varied parameter out gets the value its run actually uses. */
function completePoint(model: ModelDefinition, experiment: Experiment, varied: string[], point: Record<string, ParameterValue>): Record<string, ParameterValue> {
  if (varied.every((key) => key in point)) return Object.fromEntries(varied.map((key) => [key, point[key]]));
  const params = resolveRunParameters(model, experiment, point);
  return Object.fromEntries(varied.map((key) => {
    if (key in point) return [key, point[key]];
    return [key, key === SCENARIO_KEY ? experiment.scenario : (getPath(params, key) as ParameterValue)];
  }));
}

/** Uniform numbers in [0, 1): `dims` columns of `samples`, drawn point by point. */
export function randomColumns(seed: number, samples: number, dims: number): Float64Array[] {
  const stream = new RandomStream(seed, 'design:random');
  const columns = Array.from({ length: dims }, () => new Float64Array(samples));
  for (let i = 0; i < samples; i++) for (let d = 0; d < dims; d++) columns[d][i] = stream.uniform();
  return columns;
}

/**
 * Latin hypercube in [0, 1)^dims: in each dimension the `samples` strata [k/n, (k+1)/n) are
 * each used by exactly one point (a shuffled stratum, jittered uniformly within it).
 */
export function latinHypercubeColumns(seed: number, samples: number, dims: number): Float64Array[] {
  const stream = new RandomStream(seed, 'design:lhs');
  return Array.from({ length: dims }, () => {
    const strata = Int32Array.from({ length: samples }, (_, k) => k);
    stream.shuffle(strata);
    return Float64Array.from(strata, (k) => (k + stream.uniform()) / samples);
  });
}

/**
 * A value from a uniform u in [0, 1): the (u·n)-th entry of a list; within a range, linear or
 * logarithmic; an integer parameter takes each integer from..to with equal chance (log: rounded).
 */
export function pick(model: ModelDefinition, key: string, values: SampledValues, u: number): ParameterValue {
  if (Array.isArray(values)) return values[Math.min(values.length - 1, Math.floor(u * values.length))];
  const { from, to, log } = values;
  const spec = dimensionSpec(model, key, key, from);
  const integer = spec.type === 'number' && spec.integer;
  if (log) {
    const x = Math.exp(Math.log(from) + u * (Math.log(to) - Math.log(from)));
    return integer ? Math.min(to, Math.max(from, Math.round(x))) : Math.min(to, Math.max(from, x));
  }
  if (integer) return Math.min(to, from + Math.floor(u * (to - from + 1)));
  return Math.min(to, from + u * (to - from));
}
