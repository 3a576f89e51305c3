/**
 * The defection model: the sponsors (sponsors.ts) and the regime (regime.ts) act once per tick
 * from the end-of-(t-1) state, then every serving agent decides (synchronously: it reads only
 * end-of-(t-1) agent state and this tick's institutional settings), then the tick is recorded.
 * See docs/ODD.md.
 */
import { releaseArrays, takeArray } from '../engine/columns.js';
import { Recorder } from '../engine/recorder.js';
import { RandomStream } from '../engine/rng.js';
import { runTicks, type Step } from '../engine/scheduler.js';
import { GROUPS, GROUP_COUNT, GROUP_KIND, KIND_INDEX, KINDS, REPORT_GROUPS } from './groups.js';
import type { Parameters } from './params.js';
import {
  buildPopulation, CAPTURED, DEFECTED, EXTRACTED, FAMILY_IN_COUNTRY, SANCTIONED, SERVING, type Population,
} from './population.js';
import { Regime } from './regime.js';
import { Sponsors } from './sponsors.js';

/** Bumped whenever a change to the model can change any output for the same parameters and seed. */
export const MODEL_VERSION = '1.0.0';

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
  readonly population: Population;
  readonly sponsors: Sponsors;
  readonly regime: Regime;
  readonly recorder: Recorder;
  readonly scale: number;

  // Counters by group, in agents (reported × scale).
  readonly serving = new Float64Array(GROUP_COUNT);
  readonly defected = new Float64Array(GROUP_COUNT);
  readonly captured = new Float64Array(GROUP_COUNT);
  readonly newDefections = new Float64Array(GROUP_COUNT);
  sanctionedDefectedAgents = 0;
  reprisalAgents = 0;
  /** Agent-steps taken (serving agents that decided), for the benchmark. */
  agentSteps = 0;

  // This tick's decision settings by group, from the sponsors' and the regime's acts.
  private readonly utilityConst = new Float64Array(GROUP_COUNT);
  /** Chance a defector of the group ends up safe, and the same for a listed one. */
  private readonly safetyOf = new Float64Array(GROUP_COUNT);
  private readonly safetyListedOf = new Float64Array(GROUP_COUNT);
  private readonly restrictedShare = new Float64Array(GROUP_COUNT);
  private readonly captureProbability = new Float64Array(GROUP_COUNT);
  // Fixed by group.
  private readonly seizedYears = new Float64Array(GROUP_COUNT);
  private readonly gainUnpaid = new Float64Array(GROUP_COUNT);
  private readonly stayConstant = new Float64Array(GROUP_COUNT);
  private readonly attemptRate = new Float64Array(GROUP_COUNT);

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

  /** Last tick's defectors (agents) who need a way out: soldiers, senior officials, tycoons. */
  private visaDemand = 0;
  private militaryCapacity = 1;
  private economicCapacity = 1;
  private readonly initialMilitary: number;
  private readonly initialEconomicOfficials: number;
  private readonly initialTycoonWealth: number;
  private servingTycoonWealth: number;
  /** Cumulative defections (agents) by kind at the end of each tick, for the regime's lagged response. */
  private readonly cumulativeByKind: Float64Array[];

  private readonly decisionRng: RandomStream;
  private readonly resolveRng: RandomStream;

  constructor(params: Parameters, seed: number) {
    this.params = params;
    this.scale = params.population.scale;
    this.population = buildPopulation(params, seed);
    const pop = this.population;
    const ticks = params.time.ticks;
    this.recorder = new Recorder(seriesColumns(), ticks);
    this.sponsors = new Sponsors(params, pop, new RandomStream(seed, 'sponsors'));
    this.regime = new Regime(params, pop.groupSize);
    this.decisionRng = new RandomStream(seed, 'decisions');
    this.resolveRng = new RandomStream(seed, 'resolve');
    this.unitDefected = new Float64Array(pop.unitCount);
    this.unitNew = new Float64Array(pop.unitCount);
    this.unitTerm = new Float64Array(pop.unitCount);
    this.attempts = takeArray(Int32Array, pop.size);
    this.claimants = takeArray(Int32Array, pop.size);
    this.servingIndex = takeArray(Int32Array, pop.size);
    for (let i = 0; i < pop.size; i++) this.servingIndex[i] = i;
    this.servingCount = pop.size;
    this.cumulativeByKind = KINDS.map(() => new Float64Array(ticks));

    let military = 0;
    let economic = 0;
    for (let g = 0; g < GROUP_COUNT; g++) {
      const spec = GROUPS[g];
      this.serving[g] = pop.groupSize[g];
      if (spec.kind === 'soldier') military += spec.capacityWeight * pop.groupSize[g];
      if (spec.kind === 'official') economic += spec.capacityWeight * pop.groupSize[g];
      this.seizedYears[g] = params.decision.seizedShare * params.traits.wealthInCountryYears[spec.kind];
      this.gainUnpaid[g] = signedLog(-this.seizedYears[g]);
      this.stayConstant[g] = stayConstant(params, g);
      this.attemptRate[g] = params.decision.attemptRate[spec.kind];
    }
    this.initialMilitary = military;
    this.initialEconomicOfficials = economic;
    this.servingTycoonWealth = this.tycoonWealth();
    this.initialTycoonWealth = this.servingTycoonWealth;
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
      { name: 'sponsors', step: (t) => this.sponsors.act(t, this.visaDemand) },
      { name: 'regime', step: (t) => this.regime.act(t, this.cumulativeByKind) },
      { name: 'individuals', step: (t) => this.individualsDecide(t) },
      { name: 'record', step: (t) => this.record(t) },
    ];
    runTicks(steps, this.params.time.ticks, onTick);
    return this.recorder;
  }

  // ------------------------------------------------------------- individuals
  /** This tick's group-level terms of the decision, from the sponsors' and the regime's settings. */
  private prepareDecisions(): void {
    const { decision, sanctions } = this.params;
    const { regime, sponsors } = this;
    const capacity = [this.militaryCapacity, this.economicCapacity, this.economicCapacity];
    for (let g = 0; g < GROUP_COUNT; g++) {
      const spec = GROUPS[g];
      const k = GROUP_KIND[g];
      const capture = regime.capture[k];
      this.captureProbability[g] = capture;
      this.utilityConst[g] =
        decision.grievance[spec.kind] * regime.shock +
        decision.collapseWeight * (1 - capacity[k]) -
        decision.riskWeight * capture -
        regime.deterrence(g) -
        this.stayConstant[g];
      this.safetyOf[g] = sponsors.safety[k];
      this.safetyListedOf[g] = sanctions.offRamp ? sponsors.safety[k] : this.params.sponsors.safety.listed;
      this.restrictedShare[g] = spec.kind === 'soldier' ? regime.restrictionShare : 0;
    }
    const { unitSize, unitEffect, unitCount } = this.population;
    for (let u = 0; u < unitCount; u++) {
      this.unitTerm[u] = decision.peerWeight * (unitSize[u] > 0 ? this.unitDefected[u] / unitSize[u] : 0) + unitEffect[u];
    }
  }

  individualsDecide(tick: number): void {
    this.prepareDecisions();
    const { agents } = this.population;
    const { group, unit, stayUtility, flags, reachThreshold, familyRank } = agents;
    const { decision } = this.params;
    const utilityConst = this.utilityConst, unitTerm = this.unitTerm, gainWeight = decision.gainWeight;
    const gainUnpaid = this.gainUnpaid, payoutUsd = this.sponsors.payoutUsd, reachHazard = this.sponsors.reachHazard;
    const restrictedShare = this.restrictedShare, attemptRate = this.attemptRate;
    const familyRestricted = decision.familyWeight, familyFree = decision.familyWeight * decision.familyFree;
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
        gain = this.paidGain(i, g);
      } else {
        gain = gainUnpaid[g];
      }
      let x = utilityConst[g] + unitTerm[unit[i]] - stayUtility[i] + gainWeight * gain;
      if ((f & (FAMILY_IN_COUNTRY | EXTRACTED)) === FAMILY_IN_COUNTRY) {
        x -= familyRank[i] < restrictedShare[g] ? familyRestricted : familyFree;
      }
      if (u * (1 + Math.exp(-x)) < ceiling) attempts[attemptCount++] = i;
    }
    this.agentSteps += servingCount;
    this.resolveAttempts(tick, attemptCount);
  }

  /**
   * Gain of a reached, unlisted agent with a standing offer: the payout (+ asset bonus), which
   * only a defector who reaches safety enjoys, minus what the regime seizes either way.
   */
  private paidGain(i: number, g: number): number {
    const income = this.population.agents.incomeUsd[i];
    return signedLog((this.safetyOf[g] * this.sponsors.offerTo(i, g)) / income - this.seizedYears[g]);
  }

  /**
   * A listed agent's gain: assets abroad come back only through a credible off-ramp, and without
   * one a listed defector has no Western exit (the listed safety).
   */
  private listedGain(i: number, g: number): number {
    const { agents } = this.population;
    const { sanctions } = this.params;
    const payout = this.sponsors.payoutUsd[g] > 0 && this.sponsors.reached(i) ? this.sponsors.offerTo(i, g) : 0;
    const unfrozen = sanctions.offRamp ? sanctions.offRampCredibility * agents.wealthAbroadUsd[i] : 0;
    return signedLog((this.safetyListedOf[g] * (payout + unfrozen)) / agents.incomeUsd[i] - this.seizedYears[g]);
  }

  /** Each attempt is caught or succeeds; successful claimants are paid; units, demand and capacity follow. */
  private resolveAttempts(tick: number, attemptCount: number): void {
    const { agents } = this.population;
    const { status, statusTick, group, unit, flags, familyRank, wealthAbroadUsd, incomeUsd } = agents;
    const { sponsors } = this;
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
      if (sponsors.payoutUsd[g] > 0 && sponsors.reached(i)) this.claimants[claimantCount++] = i;
      const spec = GROUPS[g];
      if (spec.kind !== 'official' || spec.level === 'senior') demand++;
      if (spec.kind === 'tycoon') this.servingTycoonWealth -= wealthAbroadUsd[i] + incomeUsd[i];
    }
    this.visaDemand = demand;
    if (attemptCount > 0) this.compactServing();
    sponsors.payClaimants(this.claimants, claimantCount, rng);
    const { unitCount } = this.population;
    for (let u = 0; u < unitCount; u++) {
      this.unitDefected[u] += this.unitNew[u];
      this.unitNew[u] = 0;
    }
    this.updateCapacity();
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
    const { sponsors, regime } = this;
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
    r.column('spend_usd')[tick] = sponsors.spendUsd;
    r.column('budget_left_usd')[tick] = sponsors.budgetLeftUsd;
    r.column('cost_per_defection_usd')[tick] = defectedAll > 0 ? sponsors.spendUsd / (defectedAll * s) : 0;
    r.column('paid_defections')[tick] = sponsors.paidAgents * s;
    r.column('sanctioned')[tick] = sponsors.sanctionedAgents * s;
    r.column('sanctioned_defected')[tick] = this.sanctionedDefectedAgents * s;
    r.column('sanctioned_serving')[tick] = sponsors.sanctionedServing() * s;
    r.column('family_restricted_share')[tick] = regime.restrictionShare;
    r.column('capture_probability')[tick] = regime.capture[KIND_INDEX.soldier];
    r.column('capture_probability_official')[tick] = regime.capture[KIND_INDEX.official];
    r.column('crackdown_soldier')[tick] = regime.crackdown[KIND_INDEX.soldier];
    r.column('crackdown_official')[tick] = regime.crackdown[KIND_INDEX.official];
    r.column('reprisals')[tick] = this.reprisalAgents * s;
    r.column('visas_used')[tick] = sponsors.visasUsed;
    r.column('families_extracted')[tick] = sponsors.extractedFamilies * s;
    r.column('safety_soldier')[tick] = sponsors.safety[KIND_INDEX.soldier];
    r.column('military_capacity')[tick] = this.militaryCapacity;
    r.column('economic_capacity')[tick] = this.economicCapacity;
  }
}

/** stay(kind, group): the rank or tier constant, plus the sector adjustment for officials. */
function stayConstant(params: Parameters, g: number): number {
  const s = params.decision.stay;
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
