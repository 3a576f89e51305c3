/**
 * The defection model as a `ModelDefinition` (engine/model.ts): its parameter schema, scenarios,
 * series and metrics with units, the outcomes effects are read on, the observed record it is
 * calibrated to, and one run function. Everything the runners know of the model is here; they
 * reach it through the registry (agents/index.ts), never through the files beside this one.
 */
import type { ModelDefinition, ModelOutcome, ModelOutput, ModelRunOptions, ModelRunOutput, ObservedRecord } from '../../engine/model.js';
import { calibrationRecord, targetColumn, TARGET_SERIES } from './calibration.js';
import { GROUPS } from './groups.js';
import { DefectionModel, MODEL_VERSION, seriesColumns } from './model.js';
import { parameterRelationProblem, PARAMETER_SCHEMA, type Parameters } from './params.js';
import { peopleByGroup } from './population.js';
import { SCENARIOS } from './scenarios.js';

const SERIES: readonly ModelOutput[] = seriesColumns();
const unitOf = (column: string) => SERIES.find((s) => s.name === column)!.unit;

/** A metric that is a series' value at the last tick: the series' unit. */
const last = (name: string): ModelOutput => ({ name, unit: unitOf(name), description: `${name} at the last tick` });

/** The metrics that are a series' value at the last tick. */
const LAST_TICK_METRICS = [
  'defected_all', 'defected_army', 'defected_police', 'defected_official', 'defected_official_senior', 'defected_official_economic', 'defected_tycoon',
  'captured_all', 'sanctioned', 'sanctioned_defected', 'sanctioned_soldier', 'sanctioned_official', 'sanctioned_tycoon', 'out_official',
  'returned_official', 'pardoned_army', 'pardoned_police', 'conscripts', 'defected_army_conscript', 'reprisals',
  'spend_usd', 'payouts_usd', 'visa_cost_usd', 'safe_house_cost_usd', 'budget_left_usd', 'paid_defections',
  // Model 1.2: the CDM proper and senior officials apart, distinct people who ever left, spend by
  // the group that got it, the claims, regime strength.
  'defected_cdm', 'out_cdm', 'out_official_senior',
  'left_ever_army', 'left_ever_police', 'left_ever_official', 'left_ever_cdm', 'left_ever_official_senior', 'left_ever_official_economic', 'left_ever_tycoon',
  'spend_army_usd', 'spend_police_usd', 'spend_official_senior_usd', 'spend_cdm_usd', 'spend_tycoon_usd', 'spend_shared_usd', 'spend_official_economic_usd',
  'bought_defections', 'claims_lapsed',
];

/**
 * The spend attributed to the people a count counts (model 1.2: spend goes to the group that got
 * it), so each group's cost per additional defection divides its own spend.
 */
const GROUP_SPEND: Readonly<Record<string, string>> = {
  army: 'spend_army_usd', police: 'spend_police_usd', official_senior: 'spend_official_senior_usd', cdm: 'spend_cdm_usd',
  official_economic: 'spend_official_economic_usd', tycoon: 'spend_tycoon_usd', official: 'spend_official_usd', all: 'spend_usd',
};
const spendOfCount = (name: string): string | undefined => GROUP_SPEND[name.replace(/^(defected|left_ever)_/, '')];

/** Every summary metric, in the order runs.csv lists them; defection counts (`defected_*`) are counts. */
const METRICS: readonly ModelOutput[] = [
  ...LAST_TICK_METRICS.map(last),
  { name: 'cost_per_paid_defection_usd', unit: 'USD/person', description: 'payouts_usd / paid_defections (undefined with no paid defection)' },
  { name: 'military_capacity_lost', unit: 'index points (1 = all of the capacity of tick 0)', description: '1 - military_capacity at the last tick' },
  { name: 'economic_capacity_lost', unit: 'index points (1 = all of the capacity of tick 0)', description: '1 - economic_capacity at the last tick' },
  { name: 'defections_total_per_million_usd', unit: 'people per US$1M (a total, not an effect)', description: 'every defection over all spend, including what would have happened with no money' },
  { name: 'capacity_lost_total_per_million_usd', unit: 'index points per US$1M (a total)', description: 'mean of military and economic capacity lost over all spend' },
  { name: 'military_capacity_lost_total_per_million_usd', unit: 'index points per US$1M (a total)' },
  { name: 'economic_capacity_lost_total_per_million_usd', unit: 'index points per US$1M (a total)' },
  { name: 'spend_official_usd', unit: 'USD (cumulative)', description: 'spend_cdm_usd + spend_official_senior_usd: what every tier of officials got' },
  { name: 'regime_strength_lost', unit: 'index points (1 = all of the strength of tick 0)', description: '1 - regime_strength at the last tick: military capacity × military spending, the one regime outcome every policy is judged on' },
  { name: 'regime_strength_lost_total_per_million_usd', unit: 'index points per US$1M (a total)' },
].map((m) => {
  if (!/^(defected|left_ever)_/.test(m.name)) return m;
  const spendMetric = spendOfCount(m.name);
  return spendMetric ? { ...m, count: true, spendMetric } : { ...m, count: true };
});

/**
 * What effects over a baseline are read on and printed: the people of each group who left (distinct
 * people, each group's cost per additional one on its own spend), the one regime outcome, the
 * capacities lost, the spend. The CDM is junior and mid-tier officials; senior officials are apart.
 */
const OUTCOMES: readonly ModelOutcome[] = [
  { metric: 'left_ever_army', label: 'army', kind: 'count', spendMetric: 'spend_army_usd' },
  { metric: 'left_ever_police', label: 'police', kind: 'count', spendMetric: 'spend_police_usd' },
  { metric: 'left_ever_official_senior', label: 'senior officials', kind: 'count', spendMetric: 'spend_official_senior_usd' },
  { metric: 'left_ever_cdm', label: 'CDM (junior, mid officials)', kind: 'count', spendMetric: 'spend_cdm_usd' },
  { metric: 'left_ever_official_economic', label: 'economic officials', kind: 'count', spendMetric: 'spend_official_economic_usd' },
  { metric: 'left_ever_tycoon', label: 'tycoons', kind: 'count', spendMetric: 'spend_tycoon_usd' },
  { metric: 'regime_strength_lost', label: 'regime strength lost', kind: 'index' },
  { metric: 'military_capacity_lost', label: 'military capacity lost', kind: 'index' },
  { metric: 'economic_capacity_lost', label: 'economic capacity lost', kind: 'index' },
  { metric: 'spend_usd', label: 'spend', kind: 'usd', higherIsBetter: false },
];

const observed = calibrationRecord();

/** data/myanmar-2021.json: the targets and shapes the defaults are calibrated to. */
const RECORD: ObservedRecord = {
  name: 'myanmar-2021',
  targets: observed.targets,
  shapes: observed.shapes,
  targetColumn,
  targetSeries: TARGET_SERIES,
  // A group's stock: everyone serving, defected or captured at tick 0.
  stockColumns: (group: string) => ['serving', 'defected', 'captured'].map((measure) => `${measure}_${group.replace('.', '_')}`),
};

function run(params: Parameters, seed: number, options: ModelRunOptions = {}): ModelRunOutput {
  const model = new DefectionModel(params, seed);
  const population = populationSummary(params, model);
  const ticks = params.time.ticks;
  let recorder;
  try {
    recorder = model.run(options.onTick ? (t) => options.onTick!(t, ticks) : undefined);
  } finally {
    model.release(); // only the recorder's series leave the run
  }
  const lastTick = ticks - 1;
  const final = (column: string) => recorder.value(column, lastTick);
  const spend = final('spend_usd');
  const millions = spend / 1e6;
  const militaryLost = 1 - final('military_capacity');
  const economicLost = 1 - final('economic_capacity');
  const metrics: Record<string, number> = {};
  for (const name of LAST_TICK_METRICS) metrics[name] = final(name);
  metrics.cost_per_paid_defection_usd = final('paid_defections') > 0 ? final('payouts_usd') / final('paid_defections') : NaN;
  metrics.military_capacity_lost = militaryLost;
  metrics.economic_capacity_lost = economicLost;
  // Totals over spend: every defection and all capacity lost, including what would have happened
  // with no money at all; what the money bought is an effect over a baseline (effects.csv).
  metrics.defections_total_per_million_usd = spend > 0 ? final('defected_all') / millions : NaN;
  metrics.capacity_lost_total_per_million_usd = spend > 0 ? (militaryLost + economicLost) / 2 / millions : NaN;
  metrics.military_capacity_lost_total_per_million_usd = spend > 0 ? militaryLost / millions : NaN;
  metrics.economic_capacity_lost_total_per_million_usd = spend > 0 ? economicLost / millions : NaN;
  metrics.spend_official_usd = final('spend_cdm_usd') + final('spend_official_senior_usd');
  const strengthLost = 1 - final('regime_strength');
  metrics.regime_strength_lost = strengthLost;
  metrics.regime_strength_lost_total_per_million_usd = spend > 0 ? strengthLost / millions : NaN;
  return {
    columns: recorder.columns,
    data: recorder.data,
    metrics,
    info: { population },
    headline: { costPerDefectionUsd: final('cost_per_defection_usd') },
    agentSteps: model.agentSteps,
  };
}

/** People, agents and people per agent of every group (conscripts: the intake over the horizon). */
function populationSummary(params: Parameters, model: DefectionModel): { scale: number; groups: Record<string, { people: number; agents: number; weight: number }> } {
  const people = peopleByGroup(params.population);
  const { groupSize, groupWeight } = model.population;
  const groups: Record<string, { people: number; agents: number; weight: number }> = {};
  GROUPS.forEach((g, i) => {
    groups[g.name] = { people: people[i] > 0 ? people[i] : groupSize[i] * groupWeight[i], agents: groupSize[i], weight: groupWeight[i] };
  });
  return { scale: params.population.scale, groups };
}

export const model: ModelDefinition = {
  name: 'defection',
  version: MODEL_VERSION,
  description: 'Defection from an authoritarian regime: soldiers, officials and tycoons of Myanmar after the 2021 coup decide each month whether to stay or defect (docs/ODD.md)',
  citation: 'The defsim developers, defsim (CITATION.cff); the model is described in docs/ODD.md',
  schema: PARAMETER_SCHEMA,
  ticksParameter: 'time.ticks',
  checkParameters: (params, explicit) => parameterRelationProblem(params as Parameters, explicit),
  scenarios: SCENARIOS,
  baselineScenario: 'no-policy',
  series: SERIES,
  metrics: METRICS,
  outcomes: { effects: OUTCOMES, spendMetric: 'spend_usd' },
  record: RECORD,
  run: (params, seed, options) => run(params as Parameters, seed, options),
};
