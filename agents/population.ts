/**
 * Builds the population: how many agents each group gets, their units, and every per-agent
 * trait (loyalty, income, wealth abroad, family, assets, when outreach reaches them).
 */
import { allocateColumns, type Columns } from '../engine/columns.js';
import { betaTable, drawFromTable, normalTable } from '../engine/distributions.js';
import { RandomStream } from '../engine/rng.js';
import { GROUPS, GROUP_COUNT, type Group, type Kind } from './groups.js';
import type { Parameters } from './params.js';

export const AGENT_LAYOUT = {
  group: Uint8Array,
  unit: Uint32Array,
  /** SERVING, DEFECTED or CAPTURED. */
  status: Uint8Array,
  /** Tick the status last changed (-1 while serving). */
  statusTick: Int16Array,
  /** Bit flags: FAMILY_IN_COUNTRY, EXTRACTED, SANCTIONED, HAS_ASSETS, PAID. */
  flags: Uint8Array,
  /** Tick of designation (-1 if never sanctioned). */
  sanctionedTick: Int16Array,
  loyalty: Float32Array,
  /** bLoyal·loyalty (+ bLocked while listed with no off-ramp): the agent's own utility of staying. */
  stayUtility: Float32Array,
  incomeUsd: Float32Array,
  wealthAbroadUsd: Float32Array,
  /** Exponential(1) draw: the agent is reached once its kind's cumulative outreach hazard passes it. */
  reachThreshold: Float32Array,
  /** Uniform draw: the family is restricted while this is below the regime's restriction share. */
  familyRank: Float32Array,
};
export type AgentColumns = Columns<typeof AGENT_LAYOUT>;

export const SERVING = 0;
export const DEFECTED = 1;
export const CAPTURED = 2;

export const FAMILY_IN_COUNTRY = 1;
export const EXTRACTED = 2;
export const SANCTIONED = 4;
export const HAS_ASSETS = 8;
export const PAID = 16;

export interface Population {
  readonly agents: AgentColumns;
  readonly size: number;
  /** Agents per group. */
  readonly groupSize: Int32Array;
  /** First agent index of each group (groups are contiguous). */
  readonly groupStart: Int32Array;
  readonly unitCount: number;
  readonly unitSize: Int32Array;
  readonly unitEffect: Float64Array;
}

/** People in each group, from the population parameters. */
export function peopleByGroup(p: Parameters['population']): number[] {
  const soldiers = (total: number) => {
    const nco = Math.round(total * p.ncoShare);
    const officer = Math.round(total * p.officerShare);
    return [Math.max(0, total - nco - officer), nco, officer];
  };
  const senior = Math.min(p.seniorOfficials, p.officials);
  const mid = Math.min(Math.round(p.officials * p.midOfficialShare), p.officials - senior);
  const junior = p.officials - senior - mid;
  const sectors = (total: number) => {
    const economic = Math.round(total * p.economicSectorShare);
    const security = Math.min(Math.round(total * p.securitySectorShare), total - economic);
    return [total - economic - security, economic, security];
  };
  return [...soldiers(p.army), ...soldiers(p.police), ...sectors(junior), ...sectors(mid), ...sectors(senior), p.tycoons];
}

function traitKey(g: Group): keyof Parameters['traits']['loyalty'] {
  const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
  if (g.kind === 'tycoon') return 'tycoon';
  if (g.kind === 'soldier') return `soldier${cap(g.level)}` as keyof Parameters['traits']['loyalty'];
  return `official${cap(g.level)}` as keyof Parameters['traits']['loyalty'];
}

function wealthAbroadMedian(g: Group, p: Parameters): number {
  if (g.kind === 'tycoon') return p.traits.wealthAbroadUsd.tycoon;
  if (g.level === 'officer') return p.traits.wealthAbroadUsd.officer;
  if (g.level === 'senior') return p.traits.wealthAbroadUsd.seniorOfficial;
  return 0;
}

/** The peer-group pools: army battalions, police stations, ministry offices, business networks. */
function unitPool(g: Group): 'army' | 'police' | 'official' | 'tycoon' {
  return g.kind === 'soldier' ? (g.branch as 'army' | 'police') : g.kind;
}

export function buildPopulation(p: Parameters, seed: number): Population {
  const scale = p.population.scale;
  const people = peopleByGroup(p.population);
  const groupSize = new Int32Array(GROUP_COUNT);
  const groupStart = new Int32Array(GROUP_COUNT);
  let size = 0;
  for (let g = 0; g < GROUP_COUNT; g++) {
    groupStart[g] = size;
    groupSize[g] = Math.round(people[g] / scale);
    size += groupSize[g];
  }
  const agents = allocateColumns(AGENT_LAYOUT, size);

  // Units: agents of a pool are dealt round-robin over its units, so ranks mix in every unit.
  const pools = ['army', 'police', 'official', 'tycoon'] as const;
  const poolAgents = Object.fromEntries(pools.map((k) => [k, 0])) as Record<(typeof pools)[number], number>;
  GROUPS.forEach((g, i) => (poolAgents[unitPool(g)] += groupSize[i]));
  const poolUnitBase: Record<string, number> = {};
  const poolUnits: Record<string, number> = {};
  let unitCount = 0;
  for (const pool of pools) {
    const perUnit = Math.max(1, Math.round(p.population.unitSize[pool] / scale));
    poolUnits[pool] = Math.max(1, Math.ceil(poolAgents[pool] / perUnit));
    poolUnitBase[pool] = unitCount;
    unitCount += poolUnits[pool];
  }
  const unitSize = new Int32Array(unitCount);
  const unitEffect = new Float64Array(unitCount);
  const unitRng = new RandomStream(seed, 'units');
  const normal = normalTable();
  for (const pool of pools) {
    const kind: Kind = pool === 'army' || pool === 'police' ? 'soldier' : pool;
    const sd = p.decision.unitEffectSd[kind];
    for (let u = 0; u < poolUnits[pool]; u++) unitEffect[poolUnitBase[pool] + u] = sd * drawFromTable(normal, unitRng);
  }

  // Typed arrays start at 0 = SERVING; ticks start at -1 (never).
  agents.statusTick.fill(-1);
  agents.sanctionedTick.fill(-1);
  const rng = new RandomStream(seed, 'population');
  const dealt: Record<string, number> = { army: 0, police: 0, official: 0, tycoon: 0 };
  const { group, unit, flags, loyalty, stayUtility, incomeUsd, wealthAbroadUsd, reachThreshold, familyRank } = agents;
  for (let g = 0; g < GROUP_COUNT; g++) {
    const spec = GROUPS[g];
    const key = traitKey(spec);
    const loyaltyTable = betaTable(p.traits.loyalty[key].alpha, p.traits.loyalty[key].beta);
    const logIncome = Math.log(Math.max(p.traits.incomeUsd[key], 1));
    const incomeSigma = spec.kind === 'tycoon' ? p.traits.incomeUsd.tycoonSigma : p.traits.incomeUsd.sigma;
    const wealthMedian = wealthAbroadMedian(spec, p);
    const logWealth = Math.log(Math.max(wealthMedian, 1));
    const wealthSigma = p.traits.wealthAbroadUsd.sigma;
    const familyShare = p.population.familyInCountryShare[spec.kind];
    const assetShare = p.traits.assetShare[spec.kind];
    const pool = unitPool(spec);
    const base = poolUnitBase[pool];
    const units = poolUnits[pool];
    const loyaltyWeight = p.decision.loyaltyWeight;
    const end = groupStart[g] + groupSize[g];
    let nextUnit = dealt[pool] % units;
    for (let i = groupStart[g]; i < end; i++) {
      group[i] = g;
      const u = base + nextUnit;
      nextUnit = nextUnit + 1 === units ? 0 : nextUnit + 1;
      unit[i] = u;
      unitSize[u]++;
      const l = drawFromTable(loyaltyTable, rng);
      loyalty[i] = l;
      stayUtility[i] = loyaltyWeight * l;
      incomeUsd[i] = Math.exp(logIncome + incomeSigma * drawFromTable(normal, rng));
      wealthAbroadUsd[i] = wealthMedian > 0 ? Math.exp(logWealth + wealthSigma * drawFromTable(normal, rng)) : 0;
      let f = 0;
      if (rng.uniform() < familyShare) f |= FAMILY_IN_COUNTRY;
      if (rng.uniform() < assetShare) f |= HAS_ASSETS;
      flags[i] = f;
      reachThreshold[i] = -Math.log(rng.uniformOpen());
      familyRank[i] = rng.uniform();
    }
    dealt[pool] += groupSize[g];
  }
  return { agents, size, groupSize, groupStart, unitCount, unitSize, unitEffect };
}
