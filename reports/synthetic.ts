/**
 * Writes small synthetic result directories that follow docs/FORMATS.md exactly (for tests, the benchmark and the docs).
 * The numbers come from a toy curve, not the model; reports/ never imports the model.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { meanInterval } from './stats.js';

const SUBGROUPS = [
  'army_enlisted', 'army_nco', 'army_officer', 'police_enlisted', 'police_nco', 'police_officer',
  'official_junior', 'official_mid', 'official_senior', 'official_administrative', 'official_economic', 'official_security',
] as const;
const GROUP_NAMES = ['army', 'police', 'official', 'tycoon', ...SUBGROUPS] as const;

/** Group sizes at tick 0 and the toy curve of cumulative defections (final size, midpoint month, spread). */
const GROUP_SHAPE: Record<'army' | 'police' | 'official' | 'tycoon', { serving: number; final: number; midTick: number; spread: number; payoutUsd: number }> = {
  army: { serving: 150_000, final: 3_300, midTick: 8, spread: 4, payoutUsd: 4_000 },
  police: { serving: 80_000, final: 2_100, midTick: 10, spread: 5, payoutUsd: 2_500 },
  official: { serving: 900_000, final: 120_000, midTick: 3, spread: 2, payoutUsd: 150 },
  tycoon: { serving: 300, final: 28, midTick: 20, spread: 6, payoutUsd: 60_000 },
};

/** Share of each group's defections that falls in a sub-group. */
const SUBGROUP_SHARE: Record<(typeof SUBGROUPS)[number], number> = {
  army_enlisted: 0.8, army_nco: 0.15, army_officer: 0.05, police_enlisted: 0.85, police_nco: 0.12, police_officer: 0.03,
  official_junior: 0.75, official_mid: 0.2495, official_senior: 0.0005, official_administrative: 0.6, official_economic: 0.3, official_security: 0.1,
};

const SCENARIO_FACTOR: Record<string, number> = { 'myanmar-2021': 1, 'cash-only': 0.7, 'visas-and-cash': 1.3, 'families-first': 1.6 };

export interface SyntheticInputs {
  readonly ticks: number;
  readonly seed: number;
  readonly scenario: string;
  readonly budgetUsd: number;
  /** Multiplies payouts per defection; more pay, more defections. */
  readonly payoutScale: number;
  /** Effect of parameters the toy curve does not know (1 = none). */
  readonly otherFactor: number;
}

export const DEFAULT_INPUTS: SyntheticInputs = { ticks: 48, seed: 7, scenario: 'myanmar-2021', budgetUsd: 60e6, payoutScale: 1, otherFactor: 1 };

/** Deterministic pseudo-random numbers in [0,1) (mulberry32). */
function randomStream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Row = Record<string, number>;

/** The series rows of a toy run, with every column of FORMATS.md in its order. */
export function syntheticSeries(inputs: SyntheticInputs): Row[] {
  const random = randomStream(inputs.seed);
  const scenarioFactor = SCENARIO_FACTOR[inputs.scenario] ?? 1;
  const strength = scenarioFactor * inputs.payoutScale ** 0.5 * (inputs.budgetUsd / 60e6) ** 0.3 * inputs.otherFactor * (0.9 + 0.2 * random());
  const groups = Object.keys(GROUP_SHAPE) as (keyof typeof GROUP_SHAPE)[];
  const cumulative: Record<string, number> = Object.fromEntries(groups.map((g) => [g, 0]));
  const rows: Row[] = [];
  let spendUsd = 0;
  for (let tick = 0; tick < inputs.ticks; tick++) {
    const row: Row = { tick };
    const fresh: Record<string, number> = {};
    let monthSpendUsd = 0;
    for (const g of groups) {
      const shape = GROUP_SHAPE[g];
      const target = (shape.final * strength) / (1 + Math.exp(-(tick - shape.midTick) / shape.spread));
      const wanted = Math.max(0, Math.round(target * (0.85 + 0.3 * random())) - cumulative[g]);
      const affordable = Math.floor(Math.max(0, inputs.budgetUsd - spendUsd - monthSpendUsd) / (shape.payoutUsd * inputs.payoutScale));
      fresh[g] = Math.min(wanted, affordable);
      monthSpendUsd += fresh[g] * shape.payoutUsd * inputs.payoutScale;
      cumulative[g] += fresh[g];
    }
    spendUsd += monthSpendUsd;
    const groupValue = (name: string, values: Record<string, number>): number => {
      const parent = name.split('_')[0];
      return name === parent ? values[name] : Math.round(values[parent] * SUBGROUP_SHARE[name as (typeof SUBGROUPS)[number]]);
    };
    const captured = (name: string): number => Math.round(groupValue(name, cumulative) * 0.12);
    for (const name of GROUP_NAMES) row[`defected_${name}`] = groupValue(name, cumulative);
    for (const name of GROUP_NAMES) row[`new_defections_${name}`] = groupValue(name, fresh);
    for (const name of GROUP_NAMES) row[`captured_${name}`] = captured(name);
    for (const name of GROUP_NAMES) {
      const parent = name.split('_')[0] as keyof typeof GROUP_SHAPE;
      const share = name === parent ? 1 : SUBGROUP_SHARE[name as (typeof SUBGROUPS)[number]];
      row[`serving_${name}`] = Math.round(GROUP_SHAPE[parent].serving * share) - row[`defected_${name}`] - row[`captured_${name}`];
    }
    const defectedAll = groups.reduce((sum, g) => sum + cumulative[g], 0);
    const sanctioned = Math.round(40 * tick + 2 * tick * tick);
    const sanctionedDefected = Math.round(sanctioned * Math.min(0.4, tick / 100));
    Object.assign(row, {
      spend_usd: spendUsd,
      budget_left_usd: inputs.budgetUsd - spendUsd,
      cost_per_defection_usd: defectedAll > 0 ? spendUsd / defectedAll : 0,
      defected_all: defectedAll,
      sanctioned,
      sanctioned_serving: sanctioned - sanctionedDefected,
      sanctioned_defected: sanctionedDefected,
      family_restricted_share: Math.min(0.6, 0.05 + tick * 0.012),
      capture_probability: 0.1 + 0.002 * tick,
      capture_probability_official: 0.03 + 0.001 * tick,
      reprisals: Math.round(cumulative.army * 0.05),
      visas_used: Math.round(fresh.army * 0.3),
      families_extracted: Math.round(cumulative.army * 0.2),
      safety_soldier: 0.7,
      military_capacity: 1 - (0.9 * (cumulative.army + captured('army'))) / GROUP_SHAPE.army.serving - (0.3 * cumulative.police) / GROUP_SHAPE.police.serving,
      economic_capacity: 1 - (0.25 * cumulative.official) / GROUP_SHAPE.official.serving - (0.8 * cumulative.tycoon) / GROUP_SHAPE.tycoon.serving,
    });
    rows.push(row);
  }
  return rows;
}

/** Summary metrics of a run, as `metrics` in summary.json and the metric columns of runs.csv. */
export function syntheticMetrics(rows: readonly Row[]): Record<string, number> {
  const last = rows[rows.length - 1];
  const militaryLost = 1 - last.military_capacity;
  const economicLost = 1 - last.economic_capacity;
  const millions = last.spend_usd / 1e6;
  return {
    defected_all: last.defected_all,
    defected_army: last.defected_army,
    defected_police: last.defected_police,
    defected_official: last.defected_official,
    defected_tycoon: last.defected_tycoon,
    military_capacity_lost: militaryLost,
    economic_capacity_lost: economicLost,
    spend_usd: last.spend_usd,
    defections_total_per_million_usd: millions > 0 ? last.defected_all / millions : 0,
    capacity_lost_total_per_million_usd: millions > 0 ? (militaryLost + economicLost) / millions : 0,
    reprisals: last.reprisals,
  };
}

function calibrationTargets(rows: readonly Row[]): object[] {
  const at = (tick: number, column: string): number => rows[Math.min(tick, rows.length - 1)][column];
  const band = (id: string, series: string, tick: number, observed: number, tolerance: number): object => {
    const [low, high, model] = [observed * (1 - tolerance), observed * (1 + tolerance), at(tick, series)];
    return { id, series, tick, observed, tolerance, low, high, model, pass: model >= low && model <= high, source: 'https://example.org/synthetic' };
  };
  const ceiling = (id: string, series: string, tick: number, max: number): object => {
    const model = at(tick, series);
    return { id, series, tick, max, model, pass: model <= max };
  };
  return [
    band('army_t6', 'defected_army', 6, 1500, 0.4),
    band('army_t24', 'defected_army', 24, 3000, 0.3),
    band('police_t12', 'defected_police', 12, 1200, 0.5),
    band('official_t3', 'defected_official', 3, 60000, 0.3),
    band('tycoon_t36', 'defected_tycoon', 36, 20, 0.5),
    ceiling('senior_officials_t24', 'defected_official_senior', 24, 100),
  ];
}

// ─── writing files ──────────────────────────────────────────────────────────

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvText(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function writeFiles(dir: string, files: Record<string, string>, manifest: Record<string, unknown>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const hashes: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(dir, name), text);
    hashes[name] = sha256(text);
  }
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, files: hashes }, null, 2) + '\n');
}

/** Writes a single-run result directory (series.csv, summary.json, manifest.json kind "run"). */
export async function writeSyntheticRun(dir: string, overrides: Partial<SyntheticInputs> = {}): Promise<void> {
  const inputs = { ...DEFAULT_INPUTS, ...overrides };
  const rows = syntheticSeries(inputs);
  const header = Object.keys(rows[0]);
  const last = rows[rows.length - 1];
  const targets = calibrationTargets(rows);
  const atTargetTicks = Object.fromEntries(
    [...new Set(targets.map((t) => (t as { tick: number }).tick))].map((tick) => [String(tick), rows[Math.min(tick, rows.length - 1)]]),
  );
  const summary = {
    scenario: inputs.scenario,
    seed: inputs.seed,
    ticks: inputs.ticks,
    final: last,
    atTargetTicks,
    costPerDefectionUsd: last.cost_per_defection_usd,
    metrics: syntheticMetrics(rows),
    calibration: targets,
  };
  const units = Object.fromEntries(header.map((column) => [column, unitOf(column)]));
  await writeFiles(
    dir,
    { 'series.csv': csvText(header, rows.map((r) => header.map((c) => r[c]))), 'summary.json': JSON.stringify(summary, null, 2) + '\n' },
    {
      kind: 'run', tool: 'defsim', version: '0.1.0', modelVersion: 'synthetic', gitCommit: null, node: 'v20',
      command: 'synthetic', scenario: inputs.scenario, seed: inputs.seed, ticks: inputs.ticks,
      parameters: { sponsors: { budget_usd: inputs.budgetUsd }, payout: { scale: inputs.payoutScale } }, units,
    },
  );
}

function unitOf(column: string): string {
  if (column === 'tick') return 'month';
  if (column.startsWith('new_defections_') || column === 'visas_used') return 'people/month';
  if (column.endsWith('_usd')) return column === 'cost_per_defection_usd' ? 'USD/person' : 'USD';
  if (column.endsWith('_share')) return 'share';
  if (column.startsWith('capture_probability') || column.startsWith('safety_')) return 'probability';
  if (column.endsWith('capacity')) return 'index';
  if (column === 'families_extracted') return 'families';
  return 'people';
}

export interface SyntheticSweepOptions {
  /** Varied parameters by dotted path, with the values each takes (full factorial design). */
  readonly varied: Readonly<Record<string, readonly (string | number)[]>>;
  readonly replicates?: number;
  readonly ticks?: number;
  /** Write the long series.csv (default true). */
  readonly withSeries?: boolean;
  /** run_ids (0-based) written as failed runs. */
  readonly failedRuns?: readonly number[];
}

function factorial(varied: SyntheticSweepOptions['varied']): Record<string, string>[] {
  return Object.entries(varied).reduce<Record<string, string>[]>(
    (combos, [path, values]) => combos.flatMap((combo) => values.map((v) => ({ ...combo, [path]: String(v) }))),
    [{}],
  );
}

function inputsFor(params: Record<string, string>, ticks: number, seed: number): SyntheticInputs {
  let otherFactor = 1;
  const inputs: { -readonly [K in keyof SyntheticInputs]: SyntheticInputs[K] } = { ...DEFAULT_INPUTS, ticks, seed };
  for (const [path, value] of Object.entries(params)) {
    if (path === 'scenario') inputs.scenario = value;
    else if (path === 'sponsors.budget_usd') inputs.budgetUsd = Number(value);
    else if (path === 'payout.scale') inputs.payoutScale = Number(value);
    else otherFactor *= 1 + 0.1 * Math.log1p(Math.abs(Number(value)) || value.length);
  }
  inputs.otherFactor = otherFactor;
  return inputs;
}

/** Writes a sweep result directory (runs.csv, points.csv, optional long series.csv, manifest.json kind "sweep"). */
export async function writeSyntheticSweep(dir: string, options: SyntheticSweepOptions): Promise<void> {
  const replicates = options.replicates ?? 4;
  const ticks = options.ticks ?? 36;
  const variedPaths = Object.keys(options.varied);
  const points = factorial(options.varied);
  const failed = new Set(options.failedRuns ?? []);
  const metricNames = Object.keys(syntheticMetrics(syntheticSeries({ ...DEFAULT_INPUTS, ticks: 2 })));
  const runRows: (string | number)[][] = [];
  const seriesRows: (string | number)[][] = [];
  const metricValues = new Map<number, Record<string, number[]>>();
  let seriesHeader: string[] = [];
  points.forEach((params, pointId) => {
    metricValues.set(pointId, Object.fromEntries(metricNames.map((m) => [m, []])));
    for (let replicate = 0; replicate < replicates; replicate++) {
      const runId = pointId * replicates + replicate;
      const seed = 1000 + runId;
      const paramCells = variedPaths.map((p) => params[p]);
      if (failed.has(runId)) {
        runRows.push([runId, pointId, replicate, seed, ...paramCells, ...metricNames.map(() => ''), 'failed', 'synthetic failure: budget exhausted']);
        continue;
      }
      const rows = syntheticSeries(inputsFor(params, ticks, seed));
      const metrics = syntheticMetrics(rows);
      metricNames.forEach((m) => metricValues.get(pointId)![m].push(metrics[m]));
      runRows.push([runId, pointId, replicate, seed, ...paramCells, ...metricNames.map((m) => metrics[m]), 'ok', '']);
      seriesHeader = Object.keys(rows[0]).filter((c) => c !== 'tick');
      for (const row of rows) seriesRows.push([runId, pointId, replicate, row.tick, ...seriesHeader.map((c) => row[c])]);
    }
  });
  const pointRows = points.flatMap((params, pointId) =>
    [...metricNames].sort().map((metric) => {
      const values = metricValues.get(pointId)![metric];
      const interval = meanInterval(values);
      const sd = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - interval.mean) ** 2, 0) / (values.length - 1)) : 0;
      const stat = (v: number): string | number => (Number.isFinite(v) ? v : '');
      return [pointId, ...variedPaths.map((p) => params[p]), metric, values.length, stat(interval.mean), stat(sd), stat(interval.low), stat(interval.high), stat(Math.min(...values)), stat(Math.max(...values))];
    }),
  );
  const files: Record<string, string> = {
    'runs.csv': csvText(['run_id', 'point_id', 'replicate', 'seed', ...variedPaths, ...metricNames, 'status', 'error'], runRows),
    'points.csv': csvText(['point_id', ...variedPaths, 'metric', 'n', 'mean', 'sd', 'ci95_low', 'ci95_high', 'min', 'max'], pointRows),
  };
  if (options.withSeries ?? true) files['series.csv'] = csvText(['run_id', 'point_id', 'replicate', 'tick', ...seriesHeader], seriesRows);
  await writeFiles(dir, files, {
    kind: 'sweep',
    experiment: { name: 'synthetic', varied: options.varied, replicates, ticks },
    experimentHash: sha256(JSON.stringify(options.varied)),
    varied: variedPaths,
    metrics: metricNames,
    runs: runRows.length,
    points: points.length,
    version: '0.1.0',
    gitCommit: null,
    node: 'v20',
  });
}
