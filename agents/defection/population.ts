/**
 * Builds the population: how many agents each group gets and how many people each agent stands
 * for, their units, and every per-agent trait (loyalty, income, wealth abroad, family, assets,
 * when outreach reaches them).
 *
 * Scale (`population.scale` = k): an agent of a large group (enlisted soldiers, NCOs, conscripts,
 * junior and mid-tier officials) stands for k people; officers, senior officials and tycoons are
 * always one agent per person. Peer units keep their size: a pool (army, police, ministries,
 * business networks) with large groups gets 1/k as many units, each holding as many agents of
 * each large group as a real unit holds people, plus the small-group people of k real units (so
 * the people-weighted share of a unit that is out is as noisy as in a real unit of that size).
 */
import { allocateColumns, type Columns } from '../../engine/columns.js';
import { betaTable, drawFromTable, normalQuantile, normalTable } from '../../engine/distributions.js';
import { RandomStream } from '../../engine/rng.js';
import { CONSCRIPT_GROUP, GROUPS, GROUP_COUNT, type Group, type Kind } from './groups.js';
import type { Parameters } from './params.js';

export const AGENT_LAYOUT = {
  group: Uint8Array,
  unit: Uint32Array,
  /** SERVING, DEFECTED, CAPTURED, or NOT_ENLISTED (a conscript not yet called up). */
  status: Uint8Array,
  /** Tick the status last changed (-1 while never changed). */
  statusTick: Int16Array,
  /** Bit flags: FAMILY_IN_COUNTRY, EXTRACTED, SANCTIONED, HAS_ASSETS, PAID, LEFT_EVER, CLAIM_QUEUED, CLAIM_CONTINGENT. */
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
export const NOT_ENLISTED = 3;

export const FAMILY_IN_COUNTRY = 1;
export const EXTRACTED = 2;
export const SANCTIONED = 4;
export const HAS_ASSETS = 8;
export const PAID = 16;
/** Defected at least once (the distinct people who ever left). */
export const LEFT_EVER = 32;
/** Holds a claim for the payout in the sponsors' queue. */
export const CLAIM_QUEUED = 64;
/** The queued claim is of a serving agent who leaves only once it is accepted (it would not leave unpaid). */
export const CLAIM_CONTINGENT = 128;

export interface Population {
  readonly agents: AgentColumns;
  readonly size: number;
  /** Agents per group (for conscripts: every agent the horizon's intake needs). */
  readonly groupSize: Int32Array;
  /** First agent index of each group (groups are contiguous, conscripts last). */
  readonly groupStart: Int32Array;
  /** People each agent of the group stands for: population.scale for large groups, 1 for small ones. */
  readonly groupWeight: Float64Array;
  /** Agents of each group serving at tick 0 (conscripts: 0). */
  readonly initialAgents: Int32Array;
  readonly unitCount: number;
  /** People in each unit at tick 0 (conscripts add to it as they are called up). */
  readonly unitPeople: Float64Array;
  readonly unitEffect: Float64Array;
}

/** People in each group at tick 0 (conscripts: 0), from the population parameters, in GROUPS order. */
export function peopleByGroup(p: Parameters['population']): number[] {
  const soldiers = (total: number) => {
    const nco = Math.round(total * p.ncoShare);
    const officer = Math.min(Math.round(total * p.officerShare), total - nco);
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
  return [...soldiers(p.army), ...soldiers(p.police), ...sectors(junior), ...sectors(mid), ...sectors(senior), p.tycoons, 0];
}

/** People per agent of each group at this scale. */
export function groupWeights(scale: number): Float64Array {
  return Float64Array.from(GROUPS, (g) => (g.scaled ? scale : 1));
}

/** Conscript agents the horizon needs: the whole intake from the start tick to the last tick, in agents. */
export function conscriptAgents(p: Parameters): number {
  const months = Math.max(0, p.time.ticks - p.regime.conscription.startTick);
  return months === 0 || p.regime.conscription.monthlyIntake === 0 ? 0 : Math.ceil((months * p.regime.conscription.monthlyIntake) / p.population.scale);
}

type TraitKey = keyof Parameters['traits']['loyalty'];
function traitKey(g: Group): TraitKey {
  const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
  if (g.kind === 'tycoon') return 'tycoon';
  return `${g.kind}${cap(g.level)}` as TraitKey;
}

/** Income parameters follow rank; conscripts are paid as enlisted soldiers. */
function incomeKey(g: Group): keyof Parameters['traits']['incomeUsd'] {
  return g.level === 'conscript' ? 'soldierEnlisted' : (traitKey(g) as keyof Parameters['traits']['incomeUsd']);
}

function wealthAbroadMedian(g: Group, p: Parameters): number {
  if (g.kind === 'tycoon') return p.traits.wealthAbroadUsd.tycoon;
  if (g.level === 'officer') return p.traits.wealthAbroadUsd.officer;
  if (g.level === 'senior') return p.traits.wealthAbroadUsd.seniorOfficial;
  return 0;
}

/** The peer-group pools: army battalions, police stations, ministry offices, business networks. */
const POOLS = ['army', 'police', 'official', 'tycoon'] as const;
type Pool = (typeof POOLS)[number];
function unitPool(g: Group): Pool {
  return g.kind === 'soldier' ? (g.branch as 'army' | 'police') : g.kind;
}

export function buildPopulation(p: Parameters, seed: number): Population {
  const scale = p.population.scale;
  const people = peopleByGroup(p.population);
  const groupWeight = groupWeights(scale);
  const groupSize = new Int32Array(GROUP_COUNT);
  const groupStart = new Int32Array(GROUP_COUNT);
  const initialAgents = new Int32Array(GROUP_COUNT);
  let size = 0;
  for (let g = 0; g < GROUP_COUNT; g++) {
    groupStart[g] = size;
    initialAgents[g] = Math.round(people[g] / groupWeight[g]);
    groupSize[g] = g === CONSCRIPT_GROUP ? conscriptAgents(p) : initialAgents[g];
    size += groupSize[g];
  }
  const agents = allocateColumns(AGENT_LAYOUT, size);

  // Units: a pool has as many units as its real units over the scale of its large groups.
  const poolPeople: Record<Pool, number> = { army: 0, police: 0, official: 0, tycoon: 0 };
  const poolScaled: Record<Pool, boolean> = { army: false, police: false, official: false, tycoon: false };
  GROUPS.forEach((g, i) => {
    poolPeople[unitPool(g)] += initialAgents[i] * groupWeight[i];
    if (g.scaled && people[i] > 0) poolScaled[unitPool(g)] = true;
  });
  const poolUnitBase: Record<string, number> = {};
  const poolUnits: Record<string, number> = {};
  let unitCount = 0;
  for (const pool of POOLS) {
    const realUnits = Math.ceil(poolPeople[pool] / Math.max(1, p.population.unitSize[pool]));
    poolUnits[pool] = Math.max(1, Math.round(realUnits / (poolScaled[pool] ? scale : 1)));
    poolUnitBase[pool] = unitCount;
    unitCount += poolUnits[pool];
  }
  const unitPeople = new Float64Array(unitCount);
  const unitEffect = new Float64Array(unitCount);
  // Unit propensities: a stratified draw of Normal(0, sd) per pool (each of the pool's units
  // gets one stratum of the distribution, in random order), so a pool of few units still spans
  // the distribution and the mean over units does not swing with the number of units.
  const unitRng = new RandomStream(seed, 'units');
  for (const pool of POOLS) {
    const kind: Kind = pool === 'army' || pool === 'police' ? 'soldier' : pool;
    const sd = p.decision.unitEffectSd[kind];
    const n = poolUnits[pool];
    const order = Int32Array.from({ length: n }, (_, k) => k);
    unitRng.shuffle(order);
    for (let u = 0; u < n; u++) unitEffect[poolUnitBase[pool] + u] = sd * normalQuantile((order[u] + unitRng.uniformOpen()) / n);
  }

  // Typed arrays start at 0 = SERVING; ticks start at -1 (never).
  agents.statusTick.fill(-1);
  agents.sanctionedTick.fill(-1);
  const rng = new RandomStream(seed, 'population');
  const normal = normalTable();
  const dealt: Record<Pool, number> = { army: 0, police: 0, official: 0, tycoon: 0 };
  const { group, unit, status, flags, loyalty, stayUtility, incomeUsd, wealthAbroadUsd, reachThreshold, familyRank } = agents;
  for (let g = 0; g < GROUP_COUNT; g++) {
    const spec = GROUPS[g];
    const key = traitKey(spec);
    const loyaltyTable = betaTable(p.traits.loyalty[key].alpha, p.traits.loyalty[key].beta);
    const logIncome = Math.log(Math.max(p.traits.incomeUsd[incomeKey(spec)] as number, 1));
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
    const weight = groupWeight[g];
    const enlisted = groupStart[g] + initialAgents[g];
    const end = groupStart[g] + groupSize[g];
    let nextUnit = dealt[pool] % units;
    for (let i = groupStart[g]; i < end; i++) {
      group[i] = g;
      const u = base + nextUnit;
      nextUnit = nextUnit + 1 === units ? 0 : nextUnit + 1;
      unit[i] = u;
      if (i < enlisted) unitPeople[u] += weight;
      else status[i] = NOT_ENLISTED;
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
  return { agents, size, groupSize, groupStart, groupWeight, initialAgents, unitCount, unitPeople, unitEffect };
}
