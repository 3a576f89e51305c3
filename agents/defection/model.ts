/**
 * The defection model: the sponsors (sponsors.ts) and the regime (regime.ts) act once per tick
 * from the end-of-(t-1) state, conscripts are called up, then every serving agent decides
 * (synchronously: it reads only end-of-(t-1) agent state and this tick's institutional settings),
 * then returns and pardons take effect and the tick is recorded. See docs/ODD.md.
 *
 * Counters by group are in agents; an agent of group g stands for `groupWeight[g]` people, and
 * every recorded count is in people.
 */
import { releaseArrays, takeArray } from '../../engine/columns.js';
import { Recorder } from '../../engine/recorder.js';
import { RandomStream } from '../../engine/rng.js';
import { runTicks, type Step } from '../../engine/scheduler.js';
import { CONSCRIPT_GROUP, GROUPS, GROUP_COUNT, GROUP_KIND, KIND_INDEX, KINDS, REPORT_GROUPS, SPEND_GROUPS } from './groups.js';
import type { Parameters } from './params.js';
import {
  buildPopulation, CAPTURED, CLAIM_CONTINGENT, CLAIM_QUEUED, DEFECTED, EXTRACTED, FAMILY_IN_COUNTRY, LEFT_EVER, PAID, SANCTIONED, SERVING,
  type Population,
} from './population.js';
import { Regime, stockByKind } from './regime.js';
import { Sponsors } from './sponsors.js';

/** Bumped whenever a change to the model can change any output for the same parameters and seed. */
export const MODEL_VERSION = '1.2.0';

/** Signed log: sign(z)·ln(1 + |z|), the gain in "years of income" on a log scale. */
export function signedLog(z: number): number {
  return z >= 0 ? Math.log1p(z) : -Math.log1p(-z);
}

/** Groups with an `out_` column (people out at the tick). `official` counts senior officials too; `cdm` is junior and mid-tier officials. */
const ARMY_ENLISTED = GROUPS.findIndex((g) => g.name === 'army_enlisted');
const SENIOR_ADMINISTRATIVE = GROUPS.findIndex((g) => g.name === 'official_senior_administrative');
const HEADLINE_GROUPS = ['army', 'police', 'official', 'tycoon', 'cdm', 'official_senior'];
/** Groups with a `left_ever_` column: the distinct people who ever left (never more than the group's people). */
const LEFT_EVER_GROUPS = ['army', 'police', 'official', 'tycoon', 'cdm', 'official_senior', 'official_economic'];

/** Series columns and their units, in output order. */
export function seriesColumns(): Array<{ name: string; unit: string }> {
  const cols: Array<{ name: string; unit: string }> = [{ name: 'tick', unit: 'month (0 = Feb 2021)' }];
  for (const measure of ['defected', 'new_defections', 'captured', 'serving'] as const) {
    const unit = measure === 'new_defections' ? 'people/month' : measure === 'defected' ? 'people (cumulative joins: one who comes back and leaves again counts twice)' : 'people';
    for (const rg of REPORT_GROUPS) cols.push({ name: `${measure}_${rg.name}`, unit });
  }
  for (const rg of REPORT_GROUPS) {
    if (rg.kind === 'official') cols.push({ name: `returned_${rg.name}`, unit: 'people (cumulative: strikers back at work)' });
    if (rg.kind === 'soldier') cols.push({ name: `pardoned_${rg.name}`, unit: 'people (cumulative: deserters pardoned, back in service)' });
  }
  for (const name of HEADLINE_GROUPS) cols.push({ name: `out_${name}`, unit: 'people (defected and not back in service)' });
  cols.push(
    { name: 'defected_all', unit: 'people' },
    { name: 'captured_all', unit: 'people' },
    { name: 'conscripts', unit: 'people (cumulative called up)' },
    { name: 'spend_usd', unit: 'USD (cumulative: payouts + resettlement places + safe houses)' },
    { name: 'payouts_usd', unit: 'USD (cumulative, from the budget)' },
    { name: 'visa_cost_usd', unit: 'USD (cumulative)' },
    { name: 'safe_house_cost_usd', unit: 'USD (cumulative)' },
    { name: 'budget_left_usd', unit: 'USD' },
    { name: 'cost_per_defection_usd', unit: 'USD/person' },
    { name: 'paid_defections', unit: 'people' },
    { name: 'sanctioned', unit: 'people (cumulative designations)' },
    { name: 'sanctioned_soldier', unit: 'people (cumulative designations)' },
    { name: 'sanctioned_official', unit: 'people (cumulative designations)' },
    { name: 'sanctioned_tycoon', unit: 'people (cumulative designations)' },
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
  for (const name of LEFT_EVER_GROUPS) cols.push({ name: `left_ever_${name}`, unit: 'people (distinct people who ever left)' });
  for (const sg of SPEND_GROUPS) cols.push({ name: `spend_${sg.name}_usd`, unit: 'USD (cumulative: payouts, resettlement places and safe houses its people got)' });
  cols.push(
    { name: 'spend_shared_usd', unit: 'USD (cumulative: the programme\'s running cost, no group\'s)' },
    { name: 'spend_official_economic_usd', unit: 'USD (cumulative; economic-sector officials, a part of spend_cdm_usd + spend_official_senior_usd)' },
    { name: 'claims_queued_usd', unit: 'USD (owed to claims waiting in the queue)' },
    { name: 'claims_lapsed', unit: 'people (cumulative: claims that lapsed unpaid)' },
    { name: 'bought_defections', unit: 'people (cumulative: left only because their claim was accepted)' },
    { name: 'credibility_soldier', unit: 'probability (believed chance an enlisted army soldier\'s claim is paid)' },
    { name: 'credibility_official_senior', unit: 'probability (believed chance a senior official\'s claim is paid)' },
    { name: 'sanctions_bite', unit: 'index 0..1 (1 − exp(−designated / sanctions.biteScale))' },
    { name: 'regime_revenue', unit: 'index (1 at tick 0)' },
    { name: 'military_spending', unit: 'index (1 at tick 0)' },
    { name: 'pay_arrears', unit: 'share of soldiers\' pay and supply unfunded' },
    { name: 'regime_strength', unit: 'index (1 at tick 0): military capacity × military spending' },
  );
  return cols;
}

export class DefectionModel {
  readonly params: Parameters;
  readonly population: Population;
  readonly sponsors: Sponsors;
  readonly regime: Regime;
  readonly recorder: Recorder;

  // Counters by group, in agents.
  readonly serving = new Float64Array(GROUP_COUNT);
  /** Cumulative defections (an agent who returns and defects again counts twice). */
  readonly defected = new Float64Array(GROUP_COUNT);
  readonly captured = new Float64Array(GROUP_COUNT);
  /** Cumulative returns to service (strikers back at work, pardoned deserters). */
  readonly returned = new Float64Array(GROUP_COUNT);
  /** Distinct agents who ever left (defected at least once). */
  readonly leftEver = new Float64Array(GROUP_COUNT);
  /** Agents called up so far (conscripts). */
  readonly enlisted = new Float64Array(GROUP_COUNT);
  readonly newDefections = new Float64Array(GROUP_COUNT);
  sanctionedDefectedPeople = 0;
  reprisalPeople = 0;
  /** Agent-steps taken (serving agents that decided), for the benchmark. */
  agentSteps = 0;

  // This tick's decision settings by group, from the sponsors' and the regime's acts.
  private readonly utilityConst = new Float64Array(GROUP_COUNT);
  /** Utility a reached agent of the group gains from the safer way out the sponsors offer. */
  private readonly reachedSafetyShift = new Float64Array(GROUP_COUNT);
  /** Utility a listed agent gains (or, with no off-ramp, loses) from its safety. */
  private readonly listedSafetyShift = new Float64Array(GROUP_COUNT);
  /** Chance a reached defector of the group ends up safe, and the same for a listed one. */
  private readonly safetyOf = new Float64Array(GROUP_COUNT);
  private readonly safetyListedOf = new Float64Array(GROUP_COUNT);
  private readonly restrictedShare = new Float64Array(GROUP_COUNT);
  private readonly captureProbability = new Float64Array(GROUP_COUNT);
  // Fixed by group.
  private readonly weight: Float64Array;
  private readonly seizedYears = new Float64Array(GROUP_COUNT);
  private readonly gainUnpaid = new Float64Array(GROUP_COUNT);
  private readonly stayConstant = new Float64Array(GROUP_COUNT);
  private readonly attemptRate = new Float64Array(GROUP_COUNT);
  private readonly returnRate = new Float64Array(GROUP_COUNT);
  private readonly militaryWeight = new Float64Array(GROUP_COUNT);
  private readonly economicWeight = new Float64Array(GROUP_COUNT);

  // Units (peer groups), in people.
  private readonly unitOut: Float64Array;
  private readonly unitTerm: Float64Array;

  // Scratch buffers, allocated once.
  private attempts: Int32Array;
  /** Serving agents who would leave this tick only for the money (their claim must be accepted first). */
  private readonly contingent: Int32Array;
  /** Agents who left this tick (attempts resolved, contingent claims accepted): the serving list needs compacting. */
  private leftThisTick = 0;
  /** Indices of serving agents in ascending order; the decision loop walks only these. */
  private servingIndex: Int32Array;
  private servingCount: number;
  private readonly claimants: Int32Array;
  /** Returns to service as lists by tick: the first agent returning at tick t, and each one's successor. */
  private readonly returnHead: Int32Array;
  private readonly returnNext: Int32Array;
  private readonly returning: Int32Array;

  /** Last tick's defectors (people) who need a way out, by group: soldiers, senior officials, tycoons. */
  private readonly visaDemand = new Float64Array(GROUP_COUNT);
  /** People designated to the end of last tick (the regime reads the state at the end of t−1). */
  private designatedLastTick = 0;
  private militaryCapacity = 1;
  private economicCapacity = 1;
  private readonly initialMilitary: number;
  private readonly initialEconomicOfficials: number;
  private readonly initialTycoonBusiness: number;
  private servingTycoonBusiness: number;
  /** People of each kind at tick 0 (the crackdown reads defections as a share of the force at the coup). */
  private readonly stock: Float64Array;
  /** Cumulative defections (people) by kind at the end of each tick, for the regime's lagged response. */
  private readonly cumulativeByKind: Float64Array[];
  private nextConscript: number;
  private conscriptCarry = 0;

  private readonly decisionRng: RandomStream;
  private readonly resolveRng: RandomStream;
  private readonly returnRng: RandomStream;
  /** Claims: the order new claims queue in, and the capture draws of accepted contingent claimants (apart, so money changes no other draw). */
  private readonly claimsRng: RandomStream;

  constructor(params: Parameters, seed: number) {
    this.params = params;
    this.population = buildPopulation(params, seed);
    const pop = this.population;
    this.weight = pop.groupWeight;
    const ticks = params.time.ticks;
    this.recorder = new Recorder(seriesColumns(), ticks);
    this.sponsors = new Sponsors(params, pop, new RandomStream(seed, 'sponsors'));
    this.regime = new Regime(params);
    this.decisionRng = new RandomStream(seed, 'decisions');
    this.resolveRng = new RandomStream(seed, 'resolve');
    this.returnRng = new RandomStream(seed, 'returns');
    this.claimsRng = new RandomStream(seed, 'claims');
    this.unitOut = new Float64Array(pop.unitCount);
    this.unitTerm = new Float64Array(pop.unitCount);
    this.attempts = takeArray(Int32Array, pop.size);
    this.contingent = takeArray(Int32Array, pop.size);
    this.claimants = takeArray(Int32Array, pop.size);
    this.servingIndex = takeArray(Int32Array, pop.size);
    this.returnNext = takeArray(Int32Array, pop.size);
    this.returning = takeArray(Int32Array, pop.size);
    this.returnHead = new Int32Array(ticks).fill(-1);
    this.servingCount = 0;
    for (let g = 0; g < GROUP_COUNT; g++) {
      for (let k = 0; k < pop.initialAgents[g]; k++) this.servingIndex[this.servingCount++] = pop.groupStart[g] + k;
    }
    this.nextConscript = pop.groupStart[CONSCRIPT_GROUP];
    this.cumulativeByKind = KINDS.map(() => new Float64Array(ticks));
    this.stock = stockByKind(pop.initialAgents, this.weight);

    const { decision, regime } = params;
    const cap = regime.capacity;
    for (let g = 0; g < GROUP_COUNT; g++) {
      const spec = GROUPS[g];
      this.serving[g] = pop.initialAgents[g];
      this.seizedYears[g] = decision.seizedShare * params.traits.wealthInCountryYears[spec.kind];
      this.gainUnpaid[g] = signedLog(-this.seizedYears[g]);
      this.stayConstant[g] = stayConstant(params, g);
      this.attemptRate[g] = decision.attemptRate[spec.kind];
      this.returnRate[g] = spec.kind === 'soldier' ? regime.returns.deserterPardonRate
        : spec.kind === 'official' && spec.level !== 'senior' ? regime.returns.strikerRate : 0;
      if (spec.kind === 'soldier') {
        this.militaryWeight[g] = spec.level === 'nco' ? cap.ncoWeight : spec.level === 'officer' ? cap.officerWeight : spec.level === 'conscript' ? cap.conscriptWeight : 1;
      }
      if (spec.kind === 'official' && spec.branch === 'economic') {
        this.economicWeight[g] = spec.level === 'mid' ? cap.midOfficialWeight : spec.level === 'senior' ? cap.seniorOfficialWeight : 1;
      }
    }
    this.initialMilitary = this.weightedServing(this.militaryWeight);
    this.initialEconomicOfficials = this.weightedServing(this.economicWeight);
    this.servingTycoonBusiness = this.tycoonBusiness();
    this.initialTycoonBusiness = this.servingTycoonBusiness;
  }

  /**
   * Hand the per-agent arrays back for the next model in this thread; this model (and its
   * population) must not be used afterwards. The recorder stays valid.
   */
  release(): void {
    releaseArrays([
      ...Object.values(this.population.agents), this.attempts, this.contingent, this.servingIndex, this.claimants, this.returnNext, this.returning,
    ]);
    this.sponsors.release();
  }

  /** Run every tick and return the recorder. */
  run(onTick?: (tick: number) => void): Recorder {
    const steps: Step[] = [
      { name: 'sponsors', step: (t) => this.sponsors.act(t, this.visaDemand, this.regime.restrictionShare) },
      { name: 'regime', step: (t) => this.regime.act(t, this.cumulativeByKind, this.stock, this.designatedLastTick, this.economicCapacity) },
      { name: 'conscription', step: (t) => this.callUpConscripts(t) },
      { name: 'individuals', step: (t) => this.individualsDecide(t) },
      { name: 'returns', step: (t) => this.returnToService(t) },
      { name: 'record', step: (t) => this.record(t) },
    ];
    runTicks(steps, this.params.time.ticks, onTick);
    return this.recorder;
  }

  // ------------------------------------------------------------------ conscription
  /** From the start tick, the month's intake (people, the fraction carried) joins the army's units and serves. */
  private callUpConscripts(tick: number): void {
    const { conscription } = this.params.regime;
    const g = CONSCRIPT_GROUP;
    const pop = this.population;
    const end = pop.groupStart[g] + pop.groupSize[g];
    if (tick < conscription.startTick || this.nextConscript >= end) return;
    const w = this.weight[g];
    const want = conscription.monthlyIntake / w + this.conscriptCarry;
    const n = Math.min(Math.floor(want + 1e-9), end - this.nextConscript);
    this.conscriptCarry = Math.max(0, want - n);
    const { status, statusTick, unit } = pop.agents;
    for (let k = 0; k < n; k++) {
      const i = this.nextConscript++;
      status[i] = SERVING;
      statusTick[i] = tick;
      pop.unitPeople[unit[i]] += w;
      // Conscripts have the highest indices, so the serving list stays in index order.
      this.servingIndex[this.servingCount++] = i;
    }
    this.serving[g] += n;
    this.enlisted[g] += n;
  }

  // ------------------------------------------------------------- individuals
  /** This tick's group-level terms of the decision, from the sponsors' and the regime's settings. */
  private prepareDecisions(): void {
    const { decision, sanctions, sponsors: sponsorParams } = this.params;
    const { regime, sponsors } = this;
    const capacity = [this.militaryCapacity, this.economicCapacity, this.economicCapacity];
    const safetyWeight = decision.safetyWeight;
    for (let g = 0; g < GROUP_COUNT; g++) {
      const spec = GROUPS[g];
      const k = GROUP_KIND[g];
      const capture = regime.capture[k];
      const baseSafety = sponsorParams.safety[spec.kind];
      this.captureProbability[g] = capture;
      this.utilityConst[g] =
        decision.grievance[spec.kind] * regime.shock +
        decision.collapseWeight * (1 - capacity[k]) -
        decision.riskWeight * capture -
        safetyWeight * (1 - baseSafety) +
        regime.revenuePressure +
        regime.arrearsPull(g) -
        regime.deterrence(g) -
        this.stayConstant[g];
      // A resettlement place is for those who must leave the country; others keep their base safety.
      this.safetyOf[g] = sponsors.offerStands[g] && spec.needsExit ? sponsors.safety[k] : baseSafety;
      this.reachedSafetyShift[g] = safetyWeight * (this.safetyOf[g] - baseSafety);
      this.safetyListedOf[g] = sanctions.offRamp ? sponsors.safety[k] : sponsorParams.safety.listed;
      this.listedSafetyShift[g] = safetyWeight * (this.safetyListedOf[g] - baseSafety);
      this.restrictedShare[g] = spec.kind === 'soldier' ? regime.restrictionShare : 0;
    }
    const { unitPeople, unitEffect, unitCount } = this.population;
    for (let u = 0; u < unitCount; u++) {
      this.unitTerm[u] = decision.peerWeight * (unitPeople[u] > 0 ? this.unitOut[u] / unitPeople[u] : 0) + unitEffect[u];
    }
  }

  individualsDecide(tick: number): void {
    this.prepareDecisions();
    const { agents } = this.population;
    const { group, unit, stayUtility, flags, reachThreshold, familyRank } = agents;
    const { decision } = this.params;
    const utilityConst = this.utilityConst, unitTerm = this.unitTerm, gainWeight = decision.gainWeight;
    const gainUnpaid = this.gainUnpaid, payoutUsd = this.sponsors.payoutUsd, reachHazard = this.sponsors.reachHazard;
    const offerStands = this.sponsors.offerStands, reachedSafetyShift = this.reachedSafetyShift, listedSafetyShift = this.listedSafetyShift;
    const restrictedShare = this.restrictedShare, attemptRate = this.attemptRate;
    const familyRestricted = decision.familyWeight, familyFree = decision.familyWeight * decision.familyFree;
    const attempts = this.attempts, contingent = this.contingent, serving = this.servingIndex, servingCount = this.servingCount;
    const rng = this.decisionRng;
    let attemptCount = 0;
    let contingentCount = 0;
    for (let k = 0; k < servingCount; k++) {
      const i = serving[k];
      const g = group[i];
      // p = attemptRate·logistic(x) < attemptRate: a draw at or above the ceiling can skip the utility.
      const u = rng.uniform();
      const ceiling = attemptRate[g];
      if (u >= ceiling) continue;
      const f = flags[i];
      const reached = reachThreshold[i] <= reachHazard[g];
      // The utility of leaving unpaid (x), and what the expected payout adds to it (money).
      let x = utilityConst[g] + unitTerm[unit[i]] - stayUtility[i];
      let money = 0;
      const claims = reached && payoutUsd[g] > 0 && !(f & PAID);
      if (f & SANCTIONED) {
        const unpaid = this.listedGain(i, g, 0);
        x += gainWeight * unpaid + listedSafetyShift[g];
        if (claims) money = gainWeight * (this.listedGain(i, g, this.expectedOffer(i, g)) - unpaid);
      } else if (offerStands[g] && reached) {
        x += gainWeight * gainUnpaid[g] + reachedSafetyShift[g];
        if (claims) money = gainWeight * (this.paidGain(i, g) - gainUnpaid[g]);
      } else {
        x += gainWeight * gainUnpaid[g];
      }
      if ((f & (FAMILY_IN_COUNTRY | EXTRACTED)) === FAMILY_IN_COUNTRY) {
        x -= familyRank[i] < restrictedShare[g] ? familyRestricted : familyFree;
      }
      // One draw decides both: the agent leaves anyway, or would leave only for the money (then it
      // claims first and leaves once the claim is accepted), or stays.
      if (u * (1 + Math.exp(-x)) < ceiling) attempts[attemptCount++] = i;
      else if (money > 0 && u * (1 + Math.exp(-(x + money))) < ceiling) contingent[contingentCount++] = i;
    }
    this.agentSteps += servingCount;
    this.resolveAttempts(tick, attemptCount, contingentCount);
  }

  /** What a reached claimant of group g expects to be paid: the offer times the believed chance of payment. */
  private expectedOffer(i: number, g: number): number {
    return this.sponsors.credibility[g] * this.sponsors.offerTo(i, g);
  }

  /**
   * Gain of a reached, unlisted agent with a money offer: the payout (+ asset bonus) it expects
   * (times the believed chance of payment), which only a defector who reaches safety enjoys,
   * minus what the regime seizes either way.
   */
  private paidGain(i: number, g: number): number {
    const income = this.population.agents.incomeUsd[i];
    return signedLog((this.safetyOf[g] * this.expectedOffer(i, g)) / income - this.seizedYears[g]);
  }

  /**
   * A listed agent's gain with an expected payout: assets abroad come back only through a
   * credible off-ramp, and without one a listed defector has no Western exit (the listed safety).
   */
  private listedGain(i: number, g: number, expectedPayout: number): number {
    const { agents } = this.population;
    const { sanctions } = this.params;
    const unfrozen = sanctions.offRamp ? sanctions.offRampCredibility * agents.wealthAbroadUsd[i] : 0;
    return signedLog((this.safetyListedOf[g] * (expectedPayout + unfrozen)) / agents.incomeUsd[i] - this.seizedYears[g]);
  }

  /**
   * Each attempt is caught or succeeds. Claims follow: a reached defector of a group offered
   * money claims the payout, and an agent who would leave only for the money claims first; new
   * claims queue in random order behind those waiting, and the sponsors pay the queue while the
   * budget lasts (sponsors.ts). An accepted contingent claimant tries to leave now.
   */
  private resolveAttempts(tick: number, attemptCount: number, contingentCount: number): void {
    const { agents } = this.population;
    const { status, statusTick, group, flags } = agents;
    const { sponsors } = this;
    const rng = this.resolveRng;
    this.newDefections.fill(0);
    this.visaDemand.fill(0);
    this.leftThisTick = 0;
    let claimantCount = 0;
    for (let k = 0; k < attemptCount; k++) {
      const i = this.attempts[k];
      const g = group[i];
      statusTick[i] = tick;
      this.serving[g]--;
      this.leftThisTick++;
      if (rng.uniform() < this.captureProbability[g]) {
        status[i] = CAPTURED;
        this.captured[g]++;
        sponsors.withdrawClaim(i);
        continue;
      }
      this.leave(i, g, tick);
      // A claim already waiting stays in its place, now a defector's; otherwise a new claim.
      if (flags[i] & CLAIM_QUEUED) flags[i] &= ~CLAIM_CONTINGENT;
      else if (sponsors.mayClaim(i, g)) this.claimants[claimantCount++] = i;
    }
    for (let k = 0; k < contingentCount; k++) {
      const i = this.contingent[k];
      if (flags[i] & CLAIM_QUEUED) continue; // already waiting
      flags[i] |= CLAIM_CONTINGENT;
      this.claimants[claimantCount++] = i;
    }
    sponsors.queueClaims(this.claimants, claimantCount, tick, this.claimsRng);
    sponsors.payQueue(tick, (i) => this.acceptContingent(i, tick));
    if (this.leftThisTick > 0) this.compactServing();
  }

  /** An accepted contingent claimant tries to leave: caught, or out (and then paid). */
  private acceptContingent(i: number, tick: number): boolean {
    const { status, statusTick, group } = this.population.agents;
    if (status[i] !== SERVING) return false;
    const g = group[i];
    statusTick[i] = tick;
    this.serving[g]--;
    this.leftThisTick++;
    if (this.claimsRng.uniform() < this.captureProbability[g]) {
      status[i] = CAPTURED;
      this.captured[g]++;
      return false;
    }
    this.leave(i, g, tick);
    return true;
  }

  /** Agent i of group g defects at `tick`: counts, its unit, reprisals, resettlement demand, business, return. */
  private leave(i: number, g: number, tick: number): void {
    const { status, unit, flags, familyRank, incomeUsd } = this.population.agents;
    const w = this.weight[g];
    status[i] = DEFECTED;
    this.defected[g]++;
    this.newDefections[g]++;
    this.unitOut[unit[i]] += w;
    const f = flags[i];
    if (!(f & LEFT_EVER)) {
      flags[i] |= LEFT_EVER;
      this.leftEver[g]++;
    }
    if ((f & (FAMILY_IN_COUNTRY | EXTRACTED)) === FAMILY_IN_COUNTRY && familyRank[i] < this.restrictedShare[g]) this.reprisalPeople += w;
    if (f & SANCTIONED) this.sanctionedDefectedPeople += w;
    const spec = GROUPS[g];
    if (spec.needsExit) this.visaDemand[g] += w;
    if (spec.kind === 'tycoon') this.servingTycoonBusiness -= incomeUsd[i];
    if (this.returnRate[g] > 0) this.scheduleReturn(i, tick, this.returnRate[g], this.params.time.ticks);
  }

  /**
   * A defector goes back with monthly chance `rate`: the months until then are geometric, drawn
   * once at defection, and the agent is queued for that tick (if within the horizon).
   */
  private scheduleReturn(i: number, tick: number, rate: number, ticks: number): void {
    const months = rate >= 1 ? 1 : 1 + Math.floor(Math.log(this.returnRng.uniformOpen()) / Math.log1p(-rate));
    const at = tick + months;
    if (at >= ticks) return;
    this.returnNext[i] = this.returnHead[at];
    this.returnHead[at] = i;
  }

  /** Agents whose return falls on this tick serve again (and decide) from the next tick. */
  private returnToService(tick: number): void {
    let n = 0;
    const { status, statusTick, group, unit } = this.population.agents;
    for (let i = this.returnHead[tick]; i >= 0; i = this.returnNext[i]) {
      if (status[i] !== DEFECTED) continue;
      const g = group[i];
      status[i] = SERVING;
      statusTick[i] = tick;
      this.serving[g]++;
      this.returned[g]++;
      this.unitOut[unit[i]] -= this.weight[g];
      if (GROUPS[g].kind === 'tycoon') this.servingTycoonBusiness += this.population.agents.incomeUsd[i];
      this.returning[n++] = i;
    }
    if (n > 0) this.mergeIntoServing(n);
    this.updateCapacity();
  }

  /** Merge the `n` agents in `returning` into the serving list, keeping it in index order. */
  private mergeIntoServing(n: number): void {
    const back = this.returning.subarray(0, n).sort();
    const serving = this.servingIndex;
    const merged = this.attempts; // free between ticks
    let a = 0, b = 0, m = 0;
    while (a < this.servingCount || b < n) {
      if (b >= n || (a < this.servingCount && serving[a] < back[b])) merged[m++] = serving[a++];
      else merged[m++] = back[b++];
    }
    this.attempts = serving;
    this.servingIndex = merged;
    this.servingCount = m;
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

  /** Serving people weighted by group. */
  private weightedServing(groupWeights: Float64Array): number {
    let total = 0;
    for (let g = 0; g < GROUP_COUNT; g++) total += groupWeights[g] * this.serving[g] * this.weight[g];
    return total;
  }

  /** Tycoons' regime-dependent business: the incomes of serving tycoons (not their wealth abroad). */
  private tycoonBusiness(): number {
    const { agents, groupStart, groupSize } = this.population;
    let total = 0;
    GROUPS.forEach((spec, g) => {
      if (spec.kind !== 'tycoon') return;
      for (let i = groupStart[g]; i < groupStart[g] + groupSize[g]; i++) {
        if (agents.status[i] === SERVING) total += agents.incomeUsd[i] * this.weight[g];
      }
    });
    return total;
  }

  private updateCapacity(): void {
    const share = this.params.regime.capacity.officialsShare;
    this.militaryCapacity = this.initialMilitary > 0 ? this.weightedServing(this.militaryWeight) / this.initialMilitary : 1;
    const officials = this.initialEconomicOfficials > 0 ? this.weightedServing(this.economicWeight) / this.initialEconomicOfficials : 1;
    const tycoons = this.initialTycoonBusiness > 0 ? this.servingTycoonBusiness / this.initialTycoonBusiness : 1;
    this.economicCapacity = share * officials + (1 - share) * tycoons;
  }

  // ------------------------------------------------------------------ record
  record(tick: number): void {
    const r = this.recorder;
    const w = this.weight;
    const { sponsors, regime } = this;
    r.column('tick')[tick] = tick;
    let defectedAll = 0;
    let capturedAll = 0;
    let conscripts = 0;
    for (let g = 0; g < GROUP_COUNT; g++) {
      defectedAll += this.defected[g] * w[g];
      capturedAll += this.captured[g] * w[g];
      conscripts += this.enlisted[g] * w[g];
      this.cumulativeByKind[GROUP_KIND[g]][tick] += this.defected[g] * w[g];
    }
    for (const rg of REPORT_GROUPS) {
      let d = 0, n = 0, c = 0, v = 0, back = 0;
      for (const g of rg.members) {
        d += this.defected[g] * w[g];
        n += this.newDefections[g] * w[g];
        c += this.captured[g] * w[g];
        v += this.serving[g] * w[g];
        back += this.returned[g] * w[g];
      }
      r.column(`defected_${rg.name}`)[tick] = d;
      r.column(`new_defections_${rg.name}`)[tick] = n;
      r.column(`captured_${rg.name}`)[tick] = c;
      r.column(`serving_${rg.name}`)[tick] = v;
      if (rg.kind === 'official') r.column(`returned_${rg.name}`)[tick] = back;
      if (rg.kind === 'soldier') r.column(`pardoned_${rg.name}`)[tick] = back;
      if (HEADLINE_GROUPS.includes(rg.name)) r.column(`out_${rg.name}`)[tick] = d - back;
    }
    r.column('defected_all')[tick] = defectedAll;
    r.column('captured_all')[tick] = capturedAll;
    r.column('conscripts')[tick] = conscripts;
    r.column('spend_usd')[tick] = sponsors.spendUsd;
    r.column('payouts_usd')[tick] = sponsors.payoutsUsd;
    r.column('visa_cost_usd')[tick] = sponsors.visaCostUsd;
    r.column('safe_house_cost_usd')[tick] = sponsors.safeHouseCostUsd;
    r.column('budget_left_usd')[tick] = sponsors.budgetLeftUsd;
    r.column('cost_per_defection_usd')[tick] = defectedAll > 0 ? sponsors.spendUsd / defectedAll : 0;
    r.column('paid_defections')[tick] = sponsors.paidPeople;
    r.column('sanctioned')[tick] = sponsors.sanctionedPeople;
    r.column('sanctioned_soldier')[tick] = sponsors.sanctionedByKind[KIND_INDEX.soldier];
    r.column('sanctioned_official')[tick] = sponsors.sanctionedByKind[KIND_INDEX.official];
    r.column('sanctioned_tycoon')[tick] = sponsors.sanctionedByKind[KIND_INDEX.tycoon];
    r.column('sanctioned_defected')[tick] = this.sanctionedDefectedPeople;
    r.column('sanctioned_serving')[tick] = sponsors.sanctionedServing();
    r.column('family_restricted_share')[tick] = regime.restrictionShare;
    r.column('capture_probability')[tick] = regime.capture[KIND_INDEX.soldier];
    r.column('capture_probability_official')[tick] = regime.capture[KIND_INDEX.official];
    r.column('crackdown_soldier')[tick] = regime.crackdown[KIND_INDEX.soldier];
    r.column('crackdown_official')[tick] = regime.crackdown[KIND_INDEX.official];
    r.column('reprisals')[tick] = this.reprisalPeople;
    r.column('visas_used')[tick] = sponsors.visasUsed;
    r.column('families_extracted')[tick] = sponsors.extractedFamilies;
    r.column('safety_soldier')[tick] = sponsors.safety[KIND_INDEX.soldier];
    r.column('military_capacity')[tick] = this.militaryCapacity;
    r.column('economic_capacity')[tick] = this.economicCapacity;
    for (const name of LEFT_EVER_GROUPS) {
      const rg = REPORT_GROUPS.find((x) => x.name === name)!;
      let n = 0;
      for (const g of rg.members) n += this.leftEver[g] * w[g];
      r.column(`left_ever_${name}`)[tick] = n;
    }
    for (const sg of SPEND_GROUPS) {
      let usd = 0;
      for (const g of sg.members) usd += sponsors.spendOfGroup(g);
      r.column(`spend_${sg.name}_usd`)[tick] = usd;
    }
    r.column('spend_shared_usd')[tick] = sponsors.sharedCostUsd;
    let economicUsd = 0;
    for (let g = 0; g < GROUP_COUNT; g++) if (GROUPS[g].kind === 'official' && GROUPS[g].branch === 'economic') economicUsd += sponsors.spendOfGroup(g);
    r.column('spend_official_economic_usd')[tick] = economicUsd;
    r.column('claims_queued_usd')[tick] = sponsors.queuedUsd;
    r.column('claims_lapsed')[tick] = sponsors.lapsedPeople;
    r.column('bought_defections')[tick] = sponsors.boughtPeople;
    r.column('credibility_soldier')[tick] = sponsors.credibility[ARMY_ENLISTED];
    r.column('credibility_official_senior')[tick] = sponsors.credibility[SENIOR_ADMINISTRATIVE];
    r.column('sanctions_bite')[tick] = regime.sanctionsBite;
    r.column('regime_revenue')[tick] = regime.revenue;
    r.column('military_spending')[tick] = regime.militarySpending;
    r.column('pay_arrears')[tick] = regime.payArrears;
    r.column('regime_strength')[tick] = this.militaryCapacity * regime.militarySpending;
    this.designatedLastTick = sponsors.sanctionedPeople;
  }
}

/** stay(kind, group): the rank or tier constant, plus the sector adjustment for officials. */
function stayConstant(params: Parameters, g: number): number {
  const s = params.decision.stay;
  const spec = GROUPS[g];
  if (spec.kind === 'tycoon') return s.tycoon;
  if (spec.kind === 'soldier') {
    const level = spec.level === 'enlisted' || spec.level === 'conscript' ? 'Enlisted' : spec.level === 'nco' ? 'Nco' : 'Officer';
    return s[`${spec.branch as 'army' | 'police'}${level}`];
  }
  const tier = spec.level === 'junior' ? s.officialJunior : spec.level === 'mid' ? s.officialMid : s.officialSenior;
  const sector = spec.branch === 'economic' ? s.economicSector : spec.branch === 'security' ? s.securitySector : 0;
  return tier + sector;
}
