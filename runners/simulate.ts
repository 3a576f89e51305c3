/**
 * The one run function: build the model from resolved parameters and a seed, run it, and return
 * the series and the summary. The CLI, sweep workers, benchmarks and tests all call this.
 */
import { performance } from 'node:perf_hooks';
import { compareWithRecord, type CalibrationResult } from '../agents/calibration.js';
import { DefectionModel, MODEL_VERSION } from '../agents/model.js';
import { GROUPS } from '../agents/groups.js';
import { parameterRelationProblem, type Parameters } from '../agents/params.js';
import { peopleByGroup } from '../agents/population.js';
import { InputError } from '../engine/errors.js';

export interface RunResult {
  readonly modelVersion: string;
  readonly seed: number;
  readonly ticks: number;
  readonly columns: readonly string[];
  readonly units: Readonly<Record<string, string>>;
  /** One Float64Array per column, one entry per tick. */
  readonly data: readonly Float64Array[];
  readonly summary: RunSummary;
  readonly timing: { setupSeconds: number; loopSeconds: number; agentSteps: number };
}

export interface RunSummary {
  /** How the population was represented: for each group, its people, its agents and the people per agent. */
  population: { scale: number; groups: Record<string, { people: number; agents: number; weight: number }> };
  final: Record<string, number>;
  atTargetTicks: Record<string, Record<string, number>>;
  costPerDefectionUsd: number;
  metrics: Record<string, number>;
  calibration: CalibrationResult[];
}

export interface SimulateOptions {
  onTick?: (tick: number, ticks: number) => void;
}

export function simulate(params: Parameters, seed: number, options: SimulateOptions = {}): RunResult {
  const problem = parameterRelationProblem(params);
  if (problem) throw new InputError(problem);
  const t0 = performance.now();
  const model = new DefectionModel(params, seed);
  const population = populationSummary(params, model);
  const t1 = performance.now();
  const ticks = params.time.ticks;
  let recorder;
  try {
    recorder = model.run(options.onTick ? (t) => options.onTick!(t, ticks) : undefined);
  } finally {
    model.release(); // only the recorder's series leave the run
  }
  const t2 = performance.now();
  const columns = recorder.columns;
  const data = recorder.data;
  const value = (column: string, tick: number) => (tick < ticks ? recorder.value(column, tick) : undefined);
  const initial = (group: string) => recorder.value(`serving_${group}`, 0) + recorder.value(`defected_${group}`, 0) + recorder.value(`captured_${group}`, 0);
  const calibration = compareWithRecord(value, initial);
  const last = ticks - 1;
  const final = Object.fromEntries(columns.map((c) => [c, recorder.value(c, last)]));
  const atTargetTicks: Record<string, Record<string, number>> = {};
  for (const c of calibration) {
    atTargetTicks[c.tick] ??= Object.fromEntries(columns.map((col) => [col, recorder.value(col, c.tick)]));
  }
  const spend = final.spend_usd;
  const millions = spend / 1e6;
  const militaryLost = 1 - final.military_capacity;
  const economicLost = 1 - final.economic_capacity;
  const metrics: Record<string, number> = {
    defected_all: final.defected_all,
    defected_army: final.defected_army,
    defected_police: final.defected_police,
    defected_official: final.defected_official,
    defected_official_senior: final.defected_official_senior,
    defected_official_economic: final.defected_official_economic,
    defected_tycoon: final.defected_tycoon,
    defected_cdm: final.defected_cdm,
    left_ever_army: final.left_ever_army,
    left_ever_police: final.left_ever_police,
    left_ever_official: final.left_ever_official,
    left_ever_cdm: final.left_ever_cdm,
    left_ever_official_senior: final.left_ever_official_senior,
    left_ever_official_economic: final.left_ever_official_economic,
    left_ever_tycoon: final.left_ever_tycoon,
    captured_all: final.captured_all,
    sanctioned: final.sanctioned,
    sanctioned_defected: final.sanctioned_defected,
    sanctioned_soldier: final.sanctioned_soldier,
    sanctioned_official: final.sanctioned_official,
    sanctioned_tycoon: final.sanctioned_tycoon,
    out_official: final.out_official,
    out_cdm: final.out_cdm,
    out_official_senior: final.out_official_senior,
    returned_official: final.returned_official,
    pardoned_army: final.pardoned_army,
    pardoned_police: final.pardoned_police,
    conscripts: final.conscripts,
    defected_army_conscript: final.defected_army_conscript,
    reprisals: final.reprisals,
    spend_usd: spend,
    payouts_usd: final.payouts_usd,
    visa_cost_usd: final.visa_cost_usd,
    safe_house_cost_usd: final.safe_house_cost_usd,
    spend_army_usd: final.spend_army_usd,
    spend_police_usd: final.spend_police_usd,
    spend_official_senior_usd: final.spend_official_senior_usd,
    spend_cdm_usd: final.spend_cdm_usd,
    spend_tycoon_usd: final.spend_tycoon_usd,
    spend_shared_usd: final.spend_shared_usd,
    spend_official_economic_usd: final.spend_official_economic_usd,
    budget_left_usd: final.budget_left_usd,
    bought_defections: final.bought_defections,
    claims_lapsed: final.claims_lapsed,
    paid_defections: final.paid_defections,
    cost_per_paid_defection_usd: final.paid_defections > 0 ? final.payouts_usd / final.paid_defections : NaN,
    military_capacity_lost: militaryLost,
    economic_capacity_lost: economicLost,
    regime_strength_lost: 1 - final.regime_strength,
    // Totals over spend: every defection and all capacity lost, including what would have happened
    // with no money at all; what the money bought is an effect over a baseline (effects.csv).
    defections_total_per_million_usd: spend > 0 ? final.defected_all / millions : NaN,
    capacity_lost_total_per_million_usd: spend > 0 ? (militaryLost + economicLost) / 2 / millions : NaN,
    military_capacity_lost_total_per_million_usd: spend > 0 ? militaryLost / millions : NaN,
    economic_capacity_lost_total_per_million_usd: spend > 0 ? economicLost / millions : NaN,
    regime_strength_lost_total_per_million_usd: spend > 0 ? (1 - final.regime_strength) / millions : NaN,
    calibration_passed: calibration.filter((c) => c.pass).length,
    calibration_targets: calibration.length,
  };
  return {
    modelVersion: MODEL_VERSION,
    seed,
    ticks,
    columns,
    units: recorder.units,
    data,
    summary: { population, final, atTargetTicks, costPerDefectionUsd: final.cost_per_defection_usd, metrics, calibration },
    timing: { setupSeconds: (t1 - t0) / 1000, loopSeconds: (t2 - t1) / 1000, agentSteps: model.agentSteps },
  };
}

/** People, agents and people per agent of every group (conscripts: the intake over the horizon). */
function populationSummary(params: Parameters, model: DefectionModel): RunSummary['population'] {
  const people = peopleByGroup(params.population);
  const { groupSize, groupWeight } = model.population;
  const groups: RunSummary['population']['groups'] = {};
  GROUPS.forEach((g, i) => {
    groups[g.name] = { people: people[i] > 0 ? people[i] : groupSize[i] * groupWeight[i], agents: groupSize[i], weight: groupWeight[i] };
  });
  return { scale: params.population.scale, groups };
}

/** A number as it appears in every CSV: shortest round-trip form; non-finite values are empty cells. */
export function formatNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : '';
}

export function seriesCsv(result: Pick<RunResult, 'columns' | 'data' | 'ticks'>): string {
  const lines = [result.columns.join(',')];
  for (let t = 0; t < result.ticks; t++) {
    lines.push(result.data.map((col) => formatNumber(col[t])).join(','));
  }
  return lines.join('\n') + '\n';
}
