/**
 * Decide experiments (*I/O*): which policies to compare, against which baseline, in which worlds,
 * on which criteria (docs/DECISIONS.md, "The experiment"). A file (YAML or JSON) is checked in full
 * before anything is written — every key, every policy, metric and threshold, the worlds file's
 * columns and values, EVPPI groups and PRIM settings — and a problem is one InputError (exit 2)
 * naming the key, the value and what is allowed. `openDecideExperiment` returns the experiment
 * as resolved (defaults filled in), which is itself a valid experiment, with its model and worlds.
 * Each world runs as a sweep whose points are (world, scenario): `sweepExperiment` builds it.
 */
import { basename, extname } from 'node:path';
import { readFileSync } from 'node:fs';
import { InputError, inputError } from '../../engine/errors.js';
import type { ModelDefinition } from '../../engine/model.js';
import { int, num } from '../../engine/schema.js';
import { readStructuredFile } from '../io/structured-file.js';
import { sha256 } from '../io/outputs.js';
import { defaultModel, loadModel, modelSpecOf, type LoadedModel } from '../model/load.js';
import { resolveParameters, scenarioNames } from '../model/parameters.js';
import { baseLayer, resolveSet, type Experiment } from '../sweep/experiment.js';
import { checkFileValue, experimentSettings, mapping, NAME_PATTERN, SCENARIO_KEY, SWEEP_SETTINGS, type ParameterValue } from '../sweep/file-values.js';
import { CRITERION_KINDS, DEFAULT_SPEND_FLOOR_USD, type CriterionKind } from './criteria.js';
import { DEFAULT_EVPPI_DRAWS } from './evppi.js';
import { DEFAULT_GP_FIT_SAMPLES } from './gp.js';
import { resolvePrimSettings, type PrimSettings, type ResolvedPrimSettings } from './prim.js';
import { loadWorlds, resolveWorldsSpec, worldOverrides, type Worlds, type WorldsSpec } from './worlds.js';

/** One criterion as resolved. */
export interface CriterionSpec {
  name: string;
  /** The model's metric the criterion reads. */
  metric: string;
  kind: CriterionKind;
  direction: 'higher' | 'lower';
  threshold?: number;
  /** The policies compared on it (default: every policy of the experiment), in the experiment's order. */
  policies: string[];
  /** Ratios: the metric holding the spend divided (the count's own group's spend, or the model's spend). */
  spendMetric?: string;
  /** cost_per_additional: US$ per person. */
  ceiling?: number;
  /** per_million_usd: US$. */
  spendFloorUsd?: number;
  /** In words, for the manifest and the report. */
  unit: string;
}

export interface DecideExperiment {
  name: string;
  description?: string;
  /** As the file named it; absent for the default model. */
  model?: string;
  policies: string[];
  baseline: string;
  set: Record<string, ParameterValue>;
  ticks: number;
  replicates: number;
  seed: number;
  worlds: WorldsSpec;
  criteria: CriterionSpec[];
  evppi: { groups: Record<string, string[]>; draws: number; gpSamples: number };
  prim: ResolvedPrimSettings;
  tieTolerance: number;
}

export interface OpenedDecideExperiment {
  experiment: DecideExperiment;
  model: LoadedModel;
  worlds: Worlds;
  /** sha256 of the file's bytes (null for an object). */
  fileSha256: string | null;
}

const TOP_KEYS = ['$schema', 'name', 'description', 'model', 'policies', 'baseline', 'set', 'ticks', 'replicates', 'seed', 'worlds', 'criteria', 'evppi', 'prim', 'tieTolerance'];
const CRITERION_KEYS = ['name', 'metric', 'kind', 'direction', 'threshold', 'policies', 'ceiling', 'spendFloorUsd', 'spendMetric', 'unit'];
const PRIM_KEYS: readonly (keyof PrimSettings)[] = ['peelAlpha', 'pasteAlpha', 'paste', 'massMin', 'threshold', 'choice', 'resamples', 'resampleShare', 'significance', 'seed'];
const CEILING_SPEC = num(0, 'The most a criterion pays for one more person; a policy that buys none counts at it', { min: 0, max: Number.MAX_VALUE, unit: 'USD/person' });
const FLOOR_SPEC = num(DEFAULT_SPEND_FLOOR_USD, 'Spend over the baseline below this counts as this', { min: Number.MIN_VALUE, max: Number.MAX_VALUE, unit: 'USD' });
const DRAWS_SPEC = int(DEFAULT_EVPPI_DRAWS, 'EVPPI: posterior draws of each fitted curve', { min: 0, max: 100_000, unit: 'draws' });
const GP_SPEC = int(DEFAULT_GP_FIT_SAMPLES, 'EVPPI of groups: worlds the Gaussian process is built on', { min: 10, max: 5000, unit: 'worlds' });
const TIE_SPEC = num(0, "Outcomes this close to a world's best tie with it", { min: 0, max: Number.MAX_VALUE, unit: "the criterion's units" });

/** Read, check and resolve a decide experiment (a YAML/JSON path or an object) and load its model and worlds. */
export async function openDecideExperiment(
  source: string | Record<string, unknown>, options: { model?: string | LoadedModel; worldsCopy?: string } = {},
): Promise<OpenedDecideExperiment> {
  const raw = typeof source === 'string' ? readStructuredFile(source) : source;
  const named = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>).model : undefined;
  const model = await loadModel(modelSpecOf(named, options.model), options.model === undefined ? 'model' : '--model');
  const fallbackName = typeof source === 'string' ? basename(source, extname(source)) : 'decide';
  const { experiment, worlds } = resolveDecideExperiment(raw, fallbackName, model, options.worldsCopy);
  let fileSha256: string | null = null;
  if (typeof source === 'string') fileSha256 = sha256(readFileSync(source));
  return { experiment, model, worlds, fileSha256 };
}

/** Whether a structured file's value is a decide experiment (it names worlds and policies) rather than a sweep. */
export function isDecideExperiment(raw: unknown): boolean {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'worlds' in raw && 'policies' in raw;
}

function resolveDecideExperiment(raw: unknown, fallbackName: string, loaded: LoadedModel, worldsCopy?: string): { experiment: DecideExperiment; worlds: Worlds } {
  const model = loaded.definition;
  const top = mapping('(experiment)', raw, TOP_KEYS);
  if (top.$schema !== undefined && typeof top.$schema !== 'string') throw inputError('$schema', top.$schema, 'a string (ignored)');
  const name = top.name ?? fallbackName;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) throw inputError('name', name, 'letters, digits, ".", "_" and "-", starting with a letter or digit');
  if (top.description !== undefined && typeof top.description !== 'string') throw inputError('description', top.description, 'a string');
  if (top.model !== undefined && typeof top.model !== 'string') throw inputError('model', top.model, 'a built-in model name or the path of a model module (.js or .mjs)');
  const settings = experimentSettings(model);
  const scenarios = scenarioNames(model);
  const scenarioAllowed = `a scenario of the model ${model.name}: ${scenarios.join(', ')}`;
  if (top.baseline === undefined) throw inputError('baseline', undefined, `the scenario every policy's effect is measured against (${model.baselineScenario ? `e.g. ${model.baselineScenario}; ` : ''}${scenarioAllowed})`);
  if (typeof top.baseline !== 'string' || !scenarios.includes(top.baseline)) throw inputError('baseline', top.baseline, scenarioAllowed);
  const baseline = top.baseline;
  if (!Array.isArray(top.policies) || top.policies.length < 2) throw inputError('policies', top.policies, `a list of at least two scenarios to choose between (${scenarioAllowed})`);
  const policies = top.policies.map((p: unknown, i: number) => {
    if (typeof p !== 'string' || !scenarios.includes(p)) throw inputError(`policies[${i}]`, p, scenarioAllowed);
    if (p === baseline) throw inputError(`policies[${i}]`, p, `a scenario other than the baseline '${baseline}' (every policy is measured against it)`);
    return p;
  });
  if (new Set(policies).size !== policies.length) throw inputError('policies', top.policies, 'each scenario once');
  const set = resolveSet(model, top.set);
  const ticks = (top.ticks === undefined ? settings.ticks.default : checkFileValue('ticks', settings.ticks, top.ticks)) as number;
  const replicates = (top.replicates === undefined ? 2 : checkFileValue('replicates', SWEEP_SETTINGS.replicates, top.replicates)) as number;
  const seed = (top.seed === undefined ? SWEEP_SETTINGS.seed.default : checkFileValue('seed', SWEEP_SETTINGS.seed, top.seed)) as number;
  if (top.worlds === undefined) throw inputError('worlds', undefined, "the worlds: { file: worlds.csv, sample?: N }, { csv: PATH } or { design: { type, samples, parameters } }");
  const worldsSpec = resolveWorldsSpec(model, top.worlds);
  const criteria = resolveCriteria(model, top.criteria, policies);
  const prim = resolvePrim(top.prim, seed);
  const tieTolerance = (top.tieTolerance === undefined ? 0 : checkFileValue('tieTolerance', TIE_SPEC, top.tieTolerance)) as number;
  const evppiRaw = top.evppi === undefined ? {} : mapping('evppi', top.evppi, ['groups', 'draws', 'gpSamples']);
  const draws = (evppiRaw.draws === undefined ? DEFAULT_EVPPI_DRAWS : checkFileValue('evppi.draws', DRAWS_SPEC, evppiRaw.draws)) as number;
  const gpSamples = (evppiRaw.gpSamples === undefined ? DEFAULT_GP_FIT_SAMPLES : checkFileValue('evppi.gpSamples', GP_SPEC, evppiRaw.gpSamples)) as number;

  // The worlds, read and checked against the model, then every (world, scenario) resolved: nothing runs on a bad value.
  const worlds = loadWorlds(model, worldsSpec, { seed, fixed: new Set(Object.keys(set)), ...(worldsCopy ? { copy: worldsCopy } : {}) });
  const groups = resolveGroups(evppiRaw.groups, worlds.parameters.names);
  const experiment: DecideExperiment = {
    name,
    ...(top.description !== undefined ? { description: top.description as string } : {}),
    ...(top.model !== undefined && top.model !== defaultModel().spec ? { model: top.model as string } : {}),
    policies, baseline, set, ticks, replicates, seed, worlds: worldsSpec, criteria,
    evppi: { groups, draws, gpSamples }, prim, tieTolerance,
  };
  checkWorldsRun(model, experiment, worlds);
  return { experiment, worlds };
}

function resolveCriteria(model: ModelDefinition, value: unknown, policies: readonly string[]): CriterionSpec[] {
  if (!Array.isArray(value) || value.length === 0) throw inputError('criteria', value, 'a list of at least one criterion: { name, metric, kind: effect | per_million_usd | cost_per_additional, direction?, threshold? }');
  const metrics = model.metrics.map((m) => m.name);
  const out = value.map((item: unknown, i: number) => resolveCriterion(model, `criteria[${i}]`, item, metrics, policies));
  const names = out.map((c) => c.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) throw inputError(`criteria[${i}].name`, n, 'a name no other criterion has');
  });
  return out;
}

/** The short form of a model unit: 'index points (1 = …)' → 'index points'. */
function shortUnit(unit: string): string {
  return unit.replace(/\s*\(.*\)\s*$/, '').trim();
}

function resolveCriterion(model: ModelDefinition, where: string, value: unknown, metrics: readonly string[], policies: readonly string[]): CriterionSpec {
  const c = mapping(where, value, CRITERION_KEYS);
  if (typeof c.name !== 'string' || !NAME_PATTERN.test(c.name)) throw inputError(`${where}.name`, c.name, 'letters, digits, ".", "_" and "-", starting with a letter or digit');
  if (typeof c.metric !== 'string' || !metrics.includes(c.metric)) throw inputError(`${where}.metric`, c.metric, `a metric of the model ${model.name}: ${metrics.join(', ')}`);
  const metric = model.metrics.find((m) => m.name === c.metric)!;
  const kind = (c.kind ?? 'effect') as CriterionKind;
  if (!CRITERION_KINDS.includes(kind)) throw inputError(`${where}.kind`, c.kind, `${CRITERION_KINDS.join(', ')} (an effect over the baseline, that effect per US$1M of spend over the baseline, or the spend over the baseline per additional person of a count)`);
  const outcome = model.outcomes?.effects.find((o) => o.metric === c.metric);
  const naturalDirection = outcome?.higherIsBetter === false ? 'lower' : 'higher';
  let direction: 'higher' | 'lower';
  if (c.direction === undefined) direction = kind === 'cost_per_additional' ? 'lower' : naturalDirection;
  else if (c.direction === 'higher' || c.direction === 'lower') direction = c.direction;
  else throw inputError(`${where}.direction`, c.direction, "'higher' (more is better) or 'lower' (less is better)");
  if (kind === 'cost_per_additional' && direction !== 'lower') throw inputError(`${where}.direction`, c.direction, "'lower' (a cost: less is better)");
  const threshold = c.threshold === undefined ? undefined : c.threshold;
  if (threshold !== undefined && (typeof threshold !== 'number' || !Number.isFinite(threshold))) throw inputError(`${where}.threshold`, threshold, "a finite number in the criterion's units (the share of worlds where each policy reaches it goes in decision.csv)");
  let chosen = [...policies];
  if (c.policies !== undefined) {
    if (!Array.isArray(c.policies) || c.policies.length < 2) throw inputError(`${where}.policies`, c.policies, `at least two of the experiment's policies (${policies.join(', ')})`);
    c.policies.forEach((p: unknown, k: number) => {
      if (typeof p !== 'string' || !policies.includes(p)) throw inputError(`${where}.policies[${k}]`, p, `a policy of the experiment: ${policies.join(', ')}`);
    });
    if (new Set(c.policies).size !== c.policies.length) throw inputError(`${where}.policies`, c.policies, 'each policy once');
    chosen = policies.filter((p) => (c.policies as string[]).includes(p));
  }
  for (const key of ['ceiling', 'spendFloorUsd'] as const) {
    const owner = key === 'ceiling' ? 'cost_per_additional' : 'per_million_usd';
    if (c[key] !== undefined && kind !== owner) throw inputError(`${where}.${key}`, c[key], `only with kind: ${owner}`);
  }
  if (c.spendMetric !== undefined && kind === 'effect') throw inputError(`${where}.spendMetric`, c.spendMetric, 'only with kind: per_million_usd or cost_per_additional');
  if (c.unit !== undefined && typeof c.unit !== 'string') throw inputError(`${where}.unit`, c.unit, 'a unit in words');
  const out: CriterionSpec = { name: c.name, metric: c.metric, kind, direction, ...(threshold !== undefined ? { threshold } : {}), policies: chosen, unit: '' };
  const metricUnit = shortUnit(metric.unit);
  if (kind === 'effect') return { ...out, unit: (c.unit as string | undefined) ?? metricUnit };
  const spendMetric = ratioSpend(model, where, c.spendMetric, kind === 'cost_per_additional' ? metric.spendMetric : undefined);
  if (kind === 'per_million_usd') {
    const spendFloorUsd = (c.spendFloorUsd === undefined ? DEFAULT_SPEND_FLOOR_USD : checkFileValue(`${where}.spendFloorUsd`, FLOOR_SPEC, c.spendFloorUsd)) as number;
    return { ...out, spendMetric, spendFloorUsd, unit: (c.unit as string | undefined) ?? `${metricUnit} per US$1M` };
  }
  if (!metric.count) throw inputError(`${where}.metric`, c.metric, `a count of people or agents for a cost per additional one (${model.metrics.filter((m) => m.count).map((m) => m.name).join(', ')})`);
  if (c.ceiling === undefined) throw inputError(`${where}.ceiling`, undefined, 'the most a decision maker would pay for one more person, in US$ (a policy that buys none in a world, or buys them dearer, counts at it there)');
  const ceiling = checkFileValue(`${where}.ceiling`, CEILING_SPEC, c.ceiling) as number;
  return { ...out, spendMetric, ceiling, unit: (c.unit as string | undefined) ?? 'USD per person' };
}

/** The spend a ratio divides: as given, else the count's own group's spend, else the model's spend metric. */
function ratioSpend(model: ModelDefinition, where: string, given: unknown, own: string | undefined): string {
  const spends = model.metrics.map((m) => m.name).filter((m) => /(^|_)spend(_|$)|_usd$/.test(m));
  if (given !== undefined) {
    if (typeof given !== 'string' || !model.metrics.some((m) => m.name === given)) throw inputError(`${where}.spendMetric`, given, `a metric of the model holding US$ spent: ${spends.join(', ')}`);
    return given;
  }
  const spend = own ?? model.outcomes?.spendMetric;
  if (!spend) throw inputError(`${where}.kind`, 'a ratio', `effect: the model ${model.name} names no spend metric (outcomes.spendMetric); or give spendMetric`);
  return spend;
}

function resolvePrim(value: unknown, seed: number): ResolvedPrimSettings {
  const raw = value === undefined ? {} : mapping('prim', value, PRIM_KEYS as string[]);
  return resolvePrimSettings({ seed, ...(raw as PrimSettings) }, (name) => `prim.${name}`);
}

function resolveGroups(value: unknown, parameters: readonly string[]): Record<string, string[]> {
  if (value === undefined) return {};
  const groups = mapping('evppi.groups', value);
  const out: Record<string, string[]> = {};
  for (const [name, members] of Object.entries(groups)) {
    const where = `evppi.groups.${name}`;
    if (name === '*' || parameters.includes(name) || !NAME_PATTERN.test(name)) throw inputError('evppi.groups', name, "a new group name (letters, digits, '.', '_', '-'; not a parameter's name)");
    if (!Array.isArray(members) || members.length === 0) throw inputError(where, members, 'a list of at least one parameter of the worlds');
    members.forEach((m: unknown, i: number) => {
      if (typeof m !== 'string' || !parameters.includes(m)) throw inputError(`${where}[${i}]`, m, `a parameter of the worlds: ${parameters.join(', ')}`);
    });
    if (new Set(members).size !== members.length) throw inputError(where, members, 'each parameter once');
    out[name] = members as string[];
  }
  return out;
}

/** Every world under every scenario resolves (cross-parameter checks included), before anything is written. */
function checkWorldsRun(model: ModelDefinition, experiment: DecideExperiment, worlds: Worlds): void {
  const base = baseLayer(model, experiment);
  const levers = worldLevers(model, experiment, worlds);
  for (let w = 0; w < worlds.ids.length; w++) {
    const world = worldOverrides(worlds, w);
    for (const scenario of [experiment.baseline, ...experiment.policies]) {
      const overrides = new Map(Object.entries(ownLevers(world, scenario, levers)));
      try {
        resolveParameters(model, scenario, base, overrides);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        throw new InputError(`world ${JSON.stringify(worlds.ids[w])} cannot run under '${scenario}': ${error.message}`);
      }
    }
  }
}

/** The scenarios in the order each world runs them: the baseline, then the policies. */
export function scenariosRun(experiment: Pick<DecideExperiment, 'baseline' | 'policies'>): string[] {
  return [experiment.baseline, ...experiment.policies];
}

/**
 * The sweep that runs the experiment: one point per (world, scenario), world-major, the baseline
 * first in each world; the world's parameters as the point's overrides (over the scenario's and
 * `set`), except the levers a scenario sets itself (`levers`, from worldLevers): there the
 * scenario's value runs. Replicate r of every scenario in a world has the same seed, other worlds
 * other seeds.
 */
export function sweepExperiment(experiment: DecideExperiment, worlds: Worlds, levers: Readonly<Record<string, readonly string[]>> = {}): Experiment {
  const scenarios = scenariosRun(experiment);
  const points: Record<string, ParameterValue>[] = [];
  for (let w = 0; w < worlds.ids.length; w++) {
    const overrides = worldOverrides(worlds, w);
    for (const scenario of scenarios) points.push({ [SCENARIO_KEY]: scenario, ...ownLevers(overrides, scenario, levers) });
  }
  return {
    name: experiment.name,
    description: `defsim decide: ${worlds.ids.length} worlds × ${scenarios.length} scenarios (${scenarios.join(', ')}); point = world × ${scenarios.length} + scenario`,
    ...(experiment.model ? { model: experiment.model } : {}),
    scenario: experiment.baseline,
    set: experiment.set,
    ticks: experiment.ticks,
    replicates: experiment.replicates,
    seed: experiment.seed,
    seeds: { commonWithin: scenarios.length },
    design: { type: 'list', points },
    record: { series: 'none' },
  };
}

/** A world's overrides without the parameters `scenario` sets itself (a policy's levers are its own). */
function ownLevers(overrides: Record<string, ParameterValue>, scenario: string, levers: Readonly<Record<string, readonly string[]>>): Record<string, ParameterValue> {
  const out: Record<string, ParameterValue> = {};
  for (const [name, value] of Object.entries(overrides)) if (!levers[name]?.includes(scenario)) out[name] = value;
  return out;
}

/**
 * The levers of the compared scenarios among the worlds' parameters: for each parameter of the
 * worlds that a compared scenario sets, the scenarios that set it. In those scenarios the
 * scenario's value runs (a policy is what it sets); in the others, the world's.
 */
export function worldLevers(model: ModelDefinition, experiment: DecideExperiment, worlds: Worlds): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of worlds.parameters.names) {
    const by = scenariosRun(experiment).filter((s) => model.scenarios.find((x) => x.name === s)?.set[name] !== undefined);
    if (by.length > 0) out[name] = by;
  }
  return out;
}
