/**
 * Shared helpers for the model, calibration and CLI tests: parameters from dotted overrides, series
 * columns, simple statistics and per-unit defection shares read from a finished model.
 */
import { GROUPS, type Group } from '../agents/defection/groups.js';
import { DefectionModel } from '../agents/defection/model.js';
import type { Parameters } from '../agents/defection/params.js';
import { DEFECTED, HAS_ASSETS, NOT_ENLISTED } from '../agents/defection/population.js';
import { resolveParameters } from '../runners/model/parameters.js';
import { simulate, type RunResult } from '../runners/run/simulate.js';
import { builtInModel } from '../agents/index.js';

/** The defection model's definition, from the registry. */
export const DEFECTION = builtInModel('defection')!;

export type Settings = Record<string, number | boolean | string>;

/** Resolved parameters: the scenario (default the calibrated myanmar-2021) plus dotted overrides. */
export function params(set: Settings = {}, scenario = 'myanmar-2021'): Parameters {
  return resolveParameters(DEFECTION, scenario, new Map(Object.entries(set))) as Parameters;
}

/** Run `simulate` for the settings and seed. */
export function run(set: Settings, seed: number, scenario = 'myanmar-2021'): RunResult {
  return simulate(DEFECTION, params(set, scenario), seed);
}

/** Build and run a DefectionModel, for tests that read agent state afterwards. */
export function runModel(set: Settings, seed: number, scenario = 'myanmar-2021'): DefectionModel {
  const model = new DefectionModel(params(set, scenario), seed);
  model.run();
  return model;
}

/** A series column of a run result, as a plain array. */
export function column(result: Pick<RunResult, 'columns' | 'data'>, name: string): number[] {
  const i = result.columns.indexOf(name);
  if (i < 0) throw new Error(`no series column '${name}'`);
  return Array.from(result.data[i]);
}

/** People of a report group back in service (strikers back at work, pardoned deserters), cumulative, every tick. */
export function backInService(model: DefectionModel, rg: { name: string; kind: string }): number[] {
  if (rg.kind === 'official') return modelColumn(model, `returned_${rg.name}`);
  if (rg.kind === 'soldier') return modelColumn(model, `pardoned_${rg.name}`);
  return modelColumn(model, 'tick').map(() => 0);
}

/** A series column read from a model's recorder. */
export function modelColumn(model: DefectionModel, name: string): number[] {
  return Array.from(model.recorder.column(name));
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean of nothing');
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

export function sd(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(mean(values.map((v) => (v - m) ** 2)));
}

/** Empirical quantile (nearest rank on the sorted values). */
export function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * (sorted.length - 1))))];
}

/** Mean over ticks [from, to] inclusive of a series. */
export function meanOver(series: readonly number[], from: number, to: number): number {
  return mean(series.slice(from, to + 1));
}

/** Element-wise mean of several equally long series. */
export function meanSeries(series: readonly (readonly number[])[]): number[] {
  return series[0].map((_, t) => mean(series.map((s) => s[t])));
}

/**
 * Share of the people of every unit (members in groups matching `member`) who are out (defected,
 * not back) at the end of the run, weighted by the people each agent stands for.
 */
export function unitShares(model: DefectionModel, member: (g: Group) => boolean): number[] {
  const { agents, size, unitCount, groupWeight } = model.population;
  const n = new Float64Array(unitCount);
  const d = new Float64Array(unitCount);
  for (let i = 0; i < size; i++) {
    const g = agents.group[i];
    if (!member(GROUPS[g]) || agents.status[i] === NOT_ENLISTED) continue;
    const u = agents.unit[i];
    n[u] += groupWeight[g];
    if (agents.status[i] === DEFECTED) d[u] += groupWeight[g];
  }
  const out: number[] = [];
  for (let u = 0; u < unitCount; u++) if (n[u] > 0) out.push(d[u] / n[u]);
  return out;
}

/**
 * What one agent of group `g` is paid on a successful, affordable claim (per agent, before
 * multiplying by population.scale): the group's payout plus the asset bonus if it brings assets.
 * Written from the parameter descriptions, independently of the model's own lookup.
 */
export function payoutPerAgent(p: Parameters, g: number, flags: number): number {
  const spec = GROUPS[g];
  const pay = p.sponsors.payout;
  let base: number;
  if (spec.kind === 'soldier') base = spec.level === 'enlisted' || spec.level === 'conscript' ? pay.soldierUsd : spec.level === 'nco' ? pay.ncoUsd : pay.officerUsd;
  else if (spec.kind === 'tycoon') base = pay.tycoonUsd;
  else {
    base = spec.level === 'junior' ? pay.juniorOfficialUsd : spec.level === 'mid' ? pay.midOfficialUsd : pay.seniorOfficialUsd;
    if (spec.branch === 'economic') base *= pay.economicSectorMultiplier;
  }
  return base + (flags & HAS_ASSETS ? pay.assetBonusUsd[spec.kind] : 0);
}

/** Soldier stay constants all set to `value` (very low: every soldier is willing). */
export function soldierStay(value: number): Settings {
  const out: Settings = {};
  for (const branch of ['army', 'police']) for (const level of ['Enlisted', 'Nco', 'Officer']) out[`decision.stay.${branch}${level}`] = value;
  return out;
}

/** Every soldier payout (enlisted, NCO, officer) set to `usd`, asset bonus off. */
export function flatSoldierPayout(usd: number): Settings {
  return {
    'sponsors.payout.soldierUsd': usd,
    'sponsors.payout.ncoUsd': usd,
    'sponsors.payout.officerUsd': usd,
    'sponsors.payout.assetBonusUsd.soldier': 0,
  };
}
