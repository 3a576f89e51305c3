/**
 * The defection model: sponsors and the regime act once per tick from the end-of-(t-1) state,
 * then every serving agent decides (synchronously: it reads only end-of-(t-1) agent state and
 * this tick's institutional settings), then the tick is recorded. See docs/ODD.md.
 */
import { releaseArrays, takeArray } from '../engine/columns.js';
import { Recorder } from '../engine/recorder.js';
import { RandomStream } from '../engine/rng.js';
import { runTicks, type Step } from '../engine/scheduler.js';
import { GROUPS, GROUP_COUNT, KINDS, REPORT_GROUPS, type Kind } from './groups.js';
import type { Parameters } from './params.js';
import {
  buildPopulation, CAPTURED, DEFECTED, EXTRACTED, FAMILY_IN_COUNTRY, HAS_ASSETS, PAID, SANCTIONED, SERVING,
  type Population,
} from './population.js';

/** Bumped whenever a change to the model can change any output for the same parameters and seed. */
export const MODEL_VERSION = '1.0.0';

const KIND_INDEX: Record<Kind, number> = { soldier: 0, official: 1, tycoon: 2 };
const GROUP_KIND = Uint8Array.from(GROUPS, (g) => KIND_INDEX[g.kind]);

/** Signed log: sign(z)·ln(1 + |z|), the gain in "years of income" on a log scale. */
export function signedLog(z: number): number {
  return z >= 0 ? Math.log1p(z) : -Math.log1p(-z);
}

/** Series columns and their units, in output order. */
export function seriesColumns(): Array<{ name: string; unit: string }> {
  const cols: Array<{ name: string; unit: string }> = [{ name: 'tick', unit: 'month (0 = Feb 2021)' }];
  for (const measure of ['defected', 'new_defections', 'captured', 'serving'] as const) {
    const unit = measure === 'new_defections' ? 'people/month' : 'people';
    for (const rg of REPORT_GROUPS) cols.push({ name: `${measure}_${rg.name}`, unit });
  }
  cols.push(
    { name: 'defected_all', unit: 'people' },
    { name: 'captured_all', unit: 'people' },
    { name: 'spend_usd', unit: 'USD (cumulative)' },
    { name: 'budget_left_usd', unit: 'USD' },
    { name: 'cost_per_defection_usd', unit: 'USD/person' },
    { name: 'paid_defections', unit: 'people' },
    { name: 'sanctioned', unit: 'people (cumulative designations)' },
    { name: 'sanctioned_serving', unit: 'people' },
    { name: 'sanctioned_defected', unit: 'people' },
    { name: 'family_restricted_share', unit: "share of serving soldiers' families" },
    { name: 'capture_probability', unit: 'probability (soldier)' },
    { name: 'capture_probability_official', unit: 'probability' },
    { name: 'crackdown_soldier', unit: 'index 0..1' },
    { name: 'crackdown_official', unit: 'index 0..1' },
    { name: 'reprisals', unit: 'people (cumulative)' },
    { name: 'visas_used', unit: 'people/month' },
    { name: 'families_extracted', unit: 'families (cumulative)' },
    { name: 'safety_soldier', unit: 'probability' },
    { name: 'military_capacity', unit: 'index (1 at tick 0)' },
    { name: 'economic_capacity', unit: 'index (1 at tick 0)' },
  );
  return cols;
}

export class DefectionModel {
  readonly params: Parameters;
  readonly seed: number;
  readonly population: Population;
  readonly recorder: Recorder;
  readonly scale: number;

  // Counters by group, in agents (reported × scale).
  readonly serving = new Float64Array(GROUP_COUNT);
  readonly defected = new Float64Array(GROUP_COUNT);
  readonly captured = new Float64Array(GROUP_COUNT);
  readonly newDefections = new Float64Array(GROUP_COUNT);

  // This tick's institutional settings by group (what the decision kernel reads).
  private readonly utilityConst = new Float64Array(GROUP_COUNT);
  /** Chance a defector of the group ends up safe this tick (resettlement), and the same for a listed one. */
  private readonly safetyOf = new Float64Array(GROUP_COUNT);
  private readonly safetyListedOf = new Float64Array(GROUP_COUNT);
  private readonly gainUnpaid = new Float64Array(GROUP_COUNT);
  private readonly payoutUsd = new Float64Array(GROUP_COUNT);
  private readonly assetBonusUsd = new Float64Array(GROUP_COUNT);
  private readonly attemptRate = new Float64Array(GROUP_COUNT);
  private readonly reachHazard = new Float64Array(GROUP_COUNT);
  private readonly restrictedShare = new Float64Array(GROUP_COUNT);
  private readonly familyRestrictedTerm = new Float64Array(GROUP_COUNT);
  private readonly familyFreeTerm = new Float64Array(GROUP_COUNT);
  private readonly captureProbability = new Float64Array(GROUP_COUNT);
  private readonly seizedYears = new Float64Array(GROUP_COUNT);

  // Units (peer groups).
  private readonly unitDefected: Float64Array;
  private readonly unitNew: Float64Array;
  private readonly unitTerm: Float64Array;

  // Scratch buffers, allocated once.
  private readonly attempts: Int32Array;
  /** Indices of serving agents in ascending order; the decision loop walks only these. */
  private readonly servingIndex: Int32Array;
  private servingCount: number;
  private readonly claimants: Int32Array;

  // Institutional state.
  budgetLeftUsd: number;
  spendUsd = 0;
  paidAgents = 0;
  sanctionedAgents = 0;
  sanctionedDefectedAgents = 0;
  reprisalAgents = 0;
  extractedFamilies = 0;
  visasUsed = 0;
  private visaDemand = 0;
  private safety = new Float64Array(KINDS.length);
  private crackdown = new Float64Array(KINDS.length);
  private readonly captureByKind = new Float64Array(KINDS.length);
  private militaryCapacity = 1;
  private economicCapacity = 1;
  private restrictionShare: number;
  private readonly sanctionCandidates: Int32Array;
  private sanctionCursor = 0;
  private trancheCarry = 0;
  private extractionCarry = 0;
  private visaCarry = 0;
  private readonly initialMilitary: number;
  private readonly initialEconomicOfficials: number;
  private readonly initialTycoonWealth: number;
  private servingTycoonWealth: number;
  private readonly cumulativeByKind: Float64Array[];

  private readonly decisionRng: RandomStream;
  private readonly resolveRng: RandomStream;
  private readonly sponsorRng: RandomStream;

  /** Agent-steps taken (serving agents that decided), for the benchmark. */
  agentSteps = 0;

  constructor(params: Parameters, seed: number) {
    this.params = params;
    this.seed = seed;
    this.scale = params.population.scale;
    this.population = buildPopulation(params, seed);
    const ticks = params.time.ticks;
    this.recorder = new Recorder(seriesColumns(), ticks);
    const pop = this.population;
    for (let g = 0; g < GROUP_COUNT; g++) this.serving[g] = pop.groupSize[g];
    this.unitDefected = new Float64Array(pop.unitCount);
    this.unitNew = new Float64Array(pop.unitCount);
    this.unitTerm = new Float64Array(pop.unitCount);
    this.attempts = takeArray(Int32Array, pop.size);
    this.servingIndex = takeArray(Int32Array, pop.size);
    for (let i = 0; i < pop.size; i++) this.servingIndex[i] = i;
    this.servingCount = pop.size;
    this.claimants = takeArray(Int32Array, pop.size);
    this.cumulativeByKind = KINDS.map(() => new Float64Array(ticks));
    this.budgetLeftUsd = params.sponsors.budgetUsd;
    this.restrictionShare = params.regime.familyRestriction.initialShare;
    this.decisionRng = new RandomStream(seed, 'decisions');
    this.resolveRng = new RandomStream(seed, 'resolve');
    this.sponsorRng = new RandomStream(seed, 'sponsors');

    let military = 0;
    let economic = 0;
    for (let g = 0; g < GROUP_COUNT; g++) {
      const spec = GROUPS[g];
      if (spec.kind === 'soldier') military += spec.capacityWeight * pop.groupSize[g];
      if (spec.kind === 'official') economic += spec.capacityWeight * pop.groupSize[g];
      const years = params.traits.wealthInCountryYears[spec.kind];
      this.seizedYears[g] = params.decision.seizedShare * years;
      this.gainUnpaid[g] = signedLog(-this.seizedYears[g]);
    }
    this.initialMilitary = military;
    this.initialEconomicOfficials = economic;
    this.servingTycoonWealth = this.tycoonWealth();
    this.initialTycoonWealth = this.servingTycoonWealth;
    this.sanctionCandidates = this.rankSanctionCandidates();
  }

  /**
   * Hand the per-agent arrays back for the next model in this thread; this model (and its
   * population) must not be used afterwards. The recorder stays valid.
   */
  release(): void {
    releaseArrays([...Object.values(this.population.agents), this.attempts, this.servingIndex, this.claimants]);
  }

  /** Run every tick and return the recorder. */
  run(onTick?: (tick: number) => void): Recorder {
    const steps: Step[] = [
      { name: 'sponsors', step: (t) => this.sponsorsAct(t) },
      { name: 'regime', step: (t) => this.regimeActs(t) },
      { name: 'individuals', step: (t) => this.individualsDecide(t) },
      { name: 'record', step: (t) => this.record(t) },
    ];
    runTicks(steps, this.params.time.ticks, onTick);
    return this.recorder;
  }

  // ---------------------------------------------------------------- sponsors
  sponsorsAct(tick: number): void {
    const { sponsors, sanctions } = this.params;
    if (tick > 0) this.budgetLeftUsd += sponsors.monthlyFundingUsd;
    const offersOn = tick >= sponsors.startTick;
    const pay = sponsors.payout;
    for (let g = 0; g < GROUP_COUNT; g++) {
      const spec = GROUPS[g];
      if (offersOn) this.reachHazard[g] += -Math.log1p(-Math.min(sponsors.outreach[spec.kind], 0.999999));
      const offer = offersOn ? this.payoutFor(g) : 0;
      // An offer stands only while the budget can pay at least one claimant of the group.
      this.payoutUsd[g] = offer > 0 && this.budgetLeftUsd >= offer * this.scale ? offer : 0;
      this.assetBonusUsd[g] = pay.assetBonusUsd[spec.kind];
    }
    // Safety: a defector is resettled safely with a visa; visas are shared by last tick's demand.
    const visas = sponsors.visasPerMonth;
    const coverage = visas > 0 ? Math.min(1, visas / Math.max(1, this.visaDemand * this.scale)) : 0;
    this.visasUsed = Math.min(visas, this.visaDemand * this.scale);
    KINDS.forEach((kind, k) => {
      const base = sponsors.safety[kind];
      this.safety[k] = base + (sponsors.safety.resettled - base) * coverage;
    });
    if (sanctions.enabled && tick >= sanctions.firstTick && (tick - sanctions.firstTick) % sanctions.periodTicks === 0) {
      this.designateTranche(tick);
    }
    if (sponsors.extraction.capacityPerMonth > 0 && offersOn) this.extractFamilies();
  }

  private payoutFor(g: number): number {
    const pay = this.params.sponsors.payout;
    const spec = GROUPS[g];
    switch (spec.level) {
      case 'enlisted': return pay.soldierUsd;
      case 'nco': return pay.ncoUsd;
      case 'officer': return pay.officerUsd;
      case 'tycoon': return pay.tycoonUsd;
      default: {
        const base = spec.level === 'junior' ? pay.juniorOfficialUsd : spec.level === 'mid' ? pay.midOfficialUsd : pay.seniorOfficialUsd;
        return spec.branch === 'economic' ? base * pay.economicSectorMultiplier : base;
      }
    }
  }

  /** Most senior and wealthy first: officers, senior officials and tycoons by total wealth. */
  private rankSanctionCandidates(): Int32Array {
    const { agents, groupStart, groupSize } = this.population;
    const list: number[] = [];
    const wealth = new Map<number, number>();
    GROUPS.forEach((spec, g) => {
      if (spec.level !== 'officer' && spec.level !== 'senior' && spec.kind !== 'tycoon') return;
      const years = this.params.traits.wealthInCountryYears[spec.kind];
      for (let i = groupStart[g]; i < groupStart[g] + groupSize[g]; i++) {
        list.push(i);
        wealth.set(i, agents.wealthAbroadUsd[i] + agents.incomeUsd[i] * years);
      }
    });
    list.sort((a, b) => wealth.get(b)! - wealth.get(a)! || a - b);
    return Int32Array.from(list);
  }

  private designateTranche(tick: number): void {
    const { sanctions, decision } = this.params;
    const want = sanctions.trancheSize / this.scale + this.trancheCarry;
    let n = Math.floor(want);
    this.trancheCarry = want - n;
    const { agents } = this.population;
    const candidates = this.sanctionCandidates;
    while (n > 0 && this.sanctionCursor < candidates.length) {
      const i = candidates[this.sanctionCursor++];
      if (agents.status[i] !== SERVING) continue;
      agents.flags[i] |= SANCTIONED;
      agents.sanctionedTick[i] = tick;
      if (!sanctions.offRamp) agents.stayUtility[i] += decision.lockedWeight;
      this.sanctionedAgents++;
      n--;
    }
  }

  /**
   * Safe houses move out the families of serving agents reached by an offer, up to the monthly
   * capacity. Eligible agents are taken with equal chance (a random start and a thinning), not by
   * index, from the end-of-(t-1) state.
   */
  private extractFamilies(): void {
    const { agents, size } = this.population;
    const { status, flags, reachThreshold, group } = agents;
    const hazard = this.reachHazard;
    let eligible = 0;
    for (let i = 0; i < size; i++) {
      if (status[i] === SERVING && (flags[i] & (FAMILY_IN_COUNTRY | EXTRACTED)) === FAMILY_IN_COUNTRY && reachThreshold[i] <= hazard[group[i]]) eligible++;
    }
    if (eligible === 0) return;
    const want = this.params.sponsors.extraction.capacityPerMonth / this.scale + this.extractionCarry;
    let capacity = Math.floor(want);
    this.extractionCarry = want - capacity;
    const chance = Math.min(1, capacity / eligible);
    const start = this.sponsorRng.int(size);
    const rng = this.sponsorRng;
    for (let k = 0; k < size && capacity > 0; k++) {
      const i = start + k < size ? start + k : start + k - size;
      if (status[i] === SERVING && (flags[i] & (FAMILY_IN_COUNTRY | EXTRACTED)) === FAMILY_IN_COUNTRY && reachThreshold[i] <= hazard[group[i]]) {
        if (chance >= 1 || rng.uniform() < chance) {
          flags[i] |= EXTRACTED;
          capacity--;
          this.extractedFamilies++;
        }
      }
    }
  }

  // ------------------------------------------------------------------ regime
  regimeActs(tick: number): void {
    const { regime, decision } = this.params;
    const shock = Math.pow(0.5, tick / regime.shockHalfLifeTicks);
    const crack = this.crackdown;
    crack[0] = this.crackdownLevel(0, tick, regime.crackdown.soldier);
    crack[1] = this.crackdownLevel(1, tick, regime.crackdown.official);
    crack[2] = 0;
    const fr = regime.familyRestriction;
    this.restrictionShare = fr.initialShare + (fr.ceilingShare - fr.initialShare) * crack[0];
    const cap = regime.capture;
    const captureByKind = this.captureByKind;
    captureByKind.set([
      cap.soldierBase + (cap.soldierMax - cap.soldierBase) * crack[0],
      cap.officialBase + (cap.officialMax - cap.officialBase) * crack[1],
      cap.tycoon,
    ]);
    const capacity = [this.militaryCapacity, this.economicCapacity, this.economicCapacity];
    const offRamp = this.params.sanctions.offRamp;
    for (let g = 0; g < GROUP_COUNT; g++) {
      const spec = GROUPS[g];
      const k = GROUP_KIND[g];
      const capture = captureByKind[k];
      this.captureProbability[g] = capture;
      this.utilityConst[g] =
        decision.grievance[spec.kind] * shock +
        decision.collapseWeight * (1 - capacity[k]) -
        decision.riskWeight * capture -
        this.deterrence(g) -
        this.stayConstant(g);
      this.attemptRate[g] = decision.attemptRate[spec.kind];
      this.safetyOf[g] = this.safety[k];
      this.safetyListedOf[g] = offRamp ? this.safety[k] : this.params.sponsors.safety.listed;
      this.restrictedShare[g] = spec.kind === 'soldier' ? this.restrictionShare : 0;
      this.familyRestrictedTerm[g] = decision.familyWeight;
      this.familyFreeTerm[g] = decision.familyWeight * decision.familyFree;
    }
    const { unitSize, unitEffect, unitCount } = this.population;
    for (let u = 0; u < unitCount; u++) {
      this.unitTerm[u] = decision.peerWeight * (unitSize[u] > 0 ? this.unitDefected[u] / unitSize[u] : 0) + unitEffect[u];
    }
  }

  /** Utility of staying the crackdown adds: unit controls for soldiers, dismissal and eviction for strikers. */
  private deterrence(g: number): number {
    const { deterrence } = this.params.regime;
    const spec = GROUPS[g];
    if (spec.kind === 'soldier') return deterrence.soldier * this.crackdown[KIND_INDEX.soldier];
    if (spec.kind !== 'official') return 0;
    const weight = spec.level === 'senior' ? deterrence.seniorOfficial : deterrence.official;
    return weight * this.crackdown[KIND_INDEX.official];
  }

  private stayConstant(g: number): number {
    const s = this.params.decision.stay;
    const spec = GROUPS[g];
    if (spec.kind === 'tycoon') return s.tycoon;
    if (spec.kind === 'soldier') {
      const level = spec.level === 'enlisted' ? 'Enlisted' : spec.level === 'nco' ? 'Nco' : 'Officer';
      return s[`${spec.branch as 'army' | 'police'}${level}`];
    }
    const tier = spec.level === 'junior' ? s.officialJunior : spec.level === 'mid' ? s.officialMid : s.officialSenior;
    const sector = spec.branch === 'economic' ? s.economicSector : spec.branch === 'security' ? s.securitySector : 0;
    return tier + sector;
  }

  /** Crackdown in [0,1]: builds once lagged cumulative defections pass a threshold share of the force. */
  private crackdownLevel(kind: number, tick: number, c: { thresholdShare: number; rampShare: number; lagTicks: number }): number {
    if (!this.params.regime.crackdown.feedback) return 0;
    const at = tick - 1 - c.lagTicks;
    if (at < 0) return 0;
    let stock = 0;
    for (let g = 0; g < GROUP_COUNT; g++) if (GROUP_KIND[g] === kind) stock += this.population.groupSize[g];
    if (stock === 0) return 0;
    const excess = this.cumulativeByKind[kind][at] / stock - c.thresholdShare;
    return excess <= 0 ? 0 : 1 - Math.exp(-excess / Math.max(c.rampShare, 1e-9));
  }

  // ------------------------------------------------------------- individuals
  individualsDecide(tick: number): void {
    const { agents } = this.population;
    const { group, unit, stayUtility, flags, reachThreshold, familyRank } = agents;
    const utilityConst = this.utilityConst, unitTerm = this.unitTerm, gainWeight = this.params.decision.gainWeight;
    const gainUnpaid = this.gainUnpaid, payoutUsd = this.payoutUsd, reachHazard = this.reachHazard;
    const restrictedShare = this.restrictedShare, familyRestrictedTerm = this.familyRestrictedTerm;
    const familyFreeTerm = this.familyFreeTerm, attemptRate = this.attemptRate;
    const attempts = this.attempts, serving = this.servingIndex, servingCount = this.servingCount;
    const rng = this.decisionRng;
    let attemptCount = 0;
    for (let k = 0; k < servingCount; k++) {
      const i = serving[k];
      const g = group[i];
      // p = attemptRate·logistic(x) < attemptRate: a draw at or above the ceiling can skip the utility.
      const u = rng.uniform();
      const ceiling = attemptRate[g];
      if (u >= ceiling) continue;
      const f = flags[i];
      let gain: number;
      if (f & SANCTIONED) {
        gain = this.listedGain(i, g);
      } else if (payoutUsd[g] > 0 && reachThreshold[i] <= reachHazard[g]) {
        gain = this.paidGain(i, g, f);
      } else {
        gain = gainUnpaid[g];
      }
      let x = utilityConst[g] + unitTerm[unit[i]] - stayUtility[i] + gainWeight * gain;
      if ((f & (FAMILY_IN_COUNTRY | EXTRACTED)) === FAMILY_IN_COUNTRY) {
        x -= familyRank[i] < restrictedShare[g] ? familyRestrictedTerm[g] : familyFreeTerm[g];
      }
      if (u * (1 + Math.exp(-x)) < ceiling) attempts[attemptCount++] = i;
    }
    this.agentSteps += servingCount;
    this.resolveAttempts(tick, attemptCount);
  }

  /** Drop agents who left this tick from the list of serving agents (keeps index order). */
  private compactServing(): void {
    const status = this.population.agents.status;
    const serving = this.servingIndex;
    let n = 0;
    for (let k = 0; k < this.servingCount; k++) {
      const i = serving[k];
      if (status[i] === SERVING) serving[n++] = i;
    }
    this.servingCount = n;
  }

  /**
   * Gain of a reached, unlisted agent with an affordable offer: the payout (+ asset bonus), which
   * only a defector who reaches safety enjoys, minus what the regime seizes either way.
   */
  private paidGain(i: number, g: number, f: number): number {
    const income = this.population.agents.incomeUsd[i];
    const payout = this.payoutUsd[g] + (f & HAS_ASSETS ? this.assetBonusUsd[g] : 0);
    return signedLog((this.safetyOf[g] * payout) / income - this.seizedYears[g]);
  }

  /**
   * A listed agent's gain: assets abroad come back only through a credible off-ramp, and without
   * one a listed defector has no Western exit (the listed safety).
   */
  private listedGain(i: number, g: number): number {
    const { agents } = this.population;
    const { sanctions } = this.params;
    const reached = this.payoutUsd[g] > 0 && agents.reachThreshold[i] <= this.reachHazard[g];
    const payout = reached ? this.payoutUsd[g] + (agents.flags[i] & HAS_ASSETS ? this.assetBonusUsd[g] : 0) : 0;
    const unfrozen = sanctions.offRamp ? sanctions.offRampCredibility * agents.wealthAbroadUsd[i] : 0;
    return signedLog((this.safetyListedOf[g] * (payout + unfrozen)) / agents.incomeUsd[i] - this.seizedYears[g]);
  }

  private resolveAttempts(tick: number, attemptCount: number): void {
    const { agents } = this.population;
    const { status, statusTick, group, unit, flags, familyRank, reachThreshold, wealthAbroadUsd, incomeUsd } = agents;
    const rng = this.resolveRng;
    this.newDefections.fill(0);
    let claimantCount = 0;
    let demand = 0;
    for (let k = 0; k < attemptCount; k++) {
      const i = this.attempts[k];
      const g = group[i];
      statusTick[i] = tick;
      this.serving[g]--;
      if (rng.uniform() < this.captureProbability[g]) {
        status[i] = CAPTURED;
        this.captured[g]++;
        continue;
      }
      status[i] = DEFECTED;
      this.defected[g]++;
      this.newDefections[g]++;
      this.unitNew[unit[i]]++;
      const f = flags[i];
      if ((f & (FAMILY_IN_COUNTRY | EXTRACTED)) === FAMILY_IN_COUNTRY && familyRank[i] < this.restrictedShare[g]) this.reprisalAgents++;
      if (f & SANCTIONED) this.sanctionedDefectedAgents++;
      if (this.payoutUsd[g] > 0 && reachThreshold[i] <= this.reachHazard[g]) this.claimants[claimantCount++] = i;
      const spec = GROUPS[g];
      if (spec.kind !== 'official' || spec.level === 'senior') demand++;
      if (spec.kind === 'tycoon') this.servingTycoonWealth -= wealthAbroadUsd[i] + incomeUsd[i];
    }
    this.visaDemand = demand;
    if (attemptCount > 0) this.compactServing();
    this.payClaimants(claimantCount);
    const { unitCount } = this.population;
    for (let u = 0; u < unitCount; u++) {
      this.unitDefected[u] += this.unitNew[u];
      this.unitNew[u] = 0;
    }
    this.updateCapacity();
  }

  /** Same-tick claimants are paid in a random order until the budget runs out. */
  private payClaimants(count: number): void {
    if (count === 0) return;
    const { flags, group } = this.population.agents;
    this.resolveRng.shuffle(this.claimants, count);
    for (let k = 0; k < count; k++) {
      const i = this.claimants[k];
      const g = group[i];
      const amount = (this.payoutUsd[g] + (flags[i] & HAS_ASSETS ? this.assetBonusUsd[g] : 0)) * this.scale;
      if (amount > this.budgetLeftUsd) continue;
      this.budgetLeftUsd -= amount;
      this.spendUsd += amount;
      this.paidAgents++;
      flags[i] |= PAID;
    }
  }

  private tycoonWealth(): number {
    const { agents, groupStart, groupSize } = this.population;
    let total = 0;
    GROUPS.forEach((spec, g) => {
      if (spec.kind !== 'tycoon') return;
      for (let i = groupStart[g]; i < groupStart[g] + groupSize[g]; i++) {
        if (agents.status[i] === SERVING) total += agents.wealthAbroadUsd[i] + agents.incomeUsd[i];
      }
    });
    return total;
  }

  private updateCapacity(): void {
    let military = 0;
    let economic = 0;
    for (let g = 0; g < GROUP_COUNT; g++) {
      const spec = GROUPS[g];
      if (spec.kind === 'soldier') military += spec.capacityWeight * this.serving[g];
      if (spec.kind === 'official') economic += spec.capacityWeight * this.serving[g];
    }
    this.militaryCapacity = this.initialMilitary > 0 ? military / this.initialMilitary : 1;
    const officials = this.initialEconomicOfficials > 0 ? economic / this.initialEconomicOfficials : 1;
    const tycoons = this.initialTycoonWealth > 0 ? this.servingTycoonWealth / this.initialTycoonWealth : 1;
    this.economicCapacity = 0.5 * officials + 0.5 * tycoons;
  }

  // ------------------------------------------------------------------ record
  record(tick: number): void {
    const r = this.recorder;
    const s = this.scale;
    r.column('tick')[tick] = tick;
    let defectedAll = 0;
    let capturedAll = 0;
    for (let g = 0; g < GROUP_COUNT; g++) {
      defectedAll += this.defected[g];
      capturedAll += this.captured[g];
      this.cumulativeByKind[GROUP_KIND[g]][tick] += this.defected[g];
    }
    for (const rg of REPORT_GROUPS) {
      let d = 0, n = 0, c = 0, v = 0;
      for (const g of rg.members) {
        d += this.defected[g];
        n += this.newDefections[g];
        c += this.captured[g];
        v += this.serving[g];
      }
      r.column(`defected_${rg.name}`)[tick] = d * s;
      r.column(`new_defections_${rg.name}`)[tick] = n * s;
      r.column(`captured_${rg.name}`)[tick] = c * s;
      r.column(`serving_${rg.name}`)[tick] = v * s;
    }
    r.column('defected_all')[tick] = defectedAll * s;
    r.column('captured_all')[tick] = capturedAll * s;
    r.column('spend_usd')[tick] = this.spendUsd;
    r.column('budget_left_usd')[tick] = this.budgetLeftUsd;
    r.column('cost_per_defection_usd')[tick] = defectedAll > 0 ? this.spendUsd / (defectedAll * s) : 0;
    r.column('paid_defections')[tick] = this.paidAgents * s;
    r.column('sanctioned')[tick] = this.sanctionedAgents * s;
    r.column('sanctioned_defected')[tick] = this.sanctionedDefectedAgents * s;
    r.column('sanctioned_serving')[tick] = this.sanctionedServing() * s;
    r.column('family_restricted_share')[tick] = this.restrictionShare;
    r.column('capture_probability')[tick] = this.captureByKind[KIND_INDEX.soldier];
    r.column('capture_probability_official')[tick] = this.captureByKind[KIND_INDEX.official];
    r.column('crackdown_soldier')[tick] = this.crackdown[0];
    r.column('crackdown_official')[tick] = this.crackdown[1];
    r.column('reprisals')[tick] = this.reprisalAgents * s;
    r.column('visas_used')[tick] = this.visasUsed;
    r.column('families_extracted')[tick] = this.extractedFamilies * s;
    r.column('safety_soldier')[tick] = this.safety[0];
    r.column('military_capacity')[tick] = this.militaryCapacity;
    r.column('economic_capacity')[tick] = this.economicCapacity;
  }

  private sanctionedServing(): number {
    // Designations minus those who left; captured listed agents are counted out too.
    const { agents } = this.population;
    const c = this.sanctionCandidates;
    let n = 0;
    for (let k = 0; k < this.sanctionCursor; k++) {
      const i = c[k];
      if ((agents.flags[i] & SANCTIONED) && agents.status[i] === SERVING) n++;
    }
    return n;
  }
}
