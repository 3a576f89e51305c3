/**
 * The sponsors — the opposition government and foreign governments, one actor: the budget and the
 * payout schedule, outreach, resettlement places (safety), sanctions tranches with or without an
 * off-ramp, and safe houses that move families out. They act once per tick, before the
 * individuals, from the end-of-(t-1) state. Every amount and count here is in people (an agent
 * of group g stands for `groupWeight[g]` people), never in agents.
 */
import { releaseArrays, takeArray } from '../../engine/columns.js';
import type { RandomStream } from '../../engine/rng.js';
import { GROUPS, GROUP_COUNT, GROUP_KIND, KINDS, KIND_INDEX } from './groups.js';
import type { Parameters } from './params.js';
import {
  CLAIM_CONTINGENT, CLAIM_QUEUED, EXTRACTED, FAMILY_IN_COUNTRY, HAS_ASSETS, PAID, SANCTIONED, SERVING, type Population,
} from './population.js';

/** The roles sanctions tranches designate, in the order a tranche fills them. */
const ROLES = ['officer', 'senior', 'tycoon'] as const;

export class Sponsors {
  budgetLeftUsd: number;
  /** Payouts made so far, from the budget. */
  payoutsUsd = 0;
  /** What the resettlement places used and the families moved out have cost so far (outside the budget). */
  visaCostUsd = 0;
  safeHouseCostUsd = 0;
  /** The programme's running cost so far (sponsors.costs.fixedUsdPerMonth): shared, no group's. */
  sharedCostUsd = 0;
  /** Payouts, resettlement places and safe houses so far by the group of the person who got them. */
  readonly payoutsByGroup = new Float64Array(GROUP_COUNT);
  readonly visaCostByGroup = new Float64Array(GROUP_COUNT);
  readonly safeHouseCostByGroup = new Float64Array(GROUP_COUNT);
  /**
   * The chance a claim of each group made this tick is paid, as the sponsors' money stands (the
   * budget left after the claims queued, against last month's claims), and the chance agents
   * believe (it follows the true one at sponsors.credibility.updateShare a month).
   */
  readonly paymentChance = new Float64Array(GROUP_COUNT);
  readonly credibility = new Float64Array(GROUP_COUNT);
  private readonly offered = new Uint8Array(GROUP_COUNT);
  /** Claims (USD) made last tick and this tick: what the next month's claims are expected to be. */
  private lastClaimsUsd = 0;
  private claimsUsd = 0;
  /** The claims queue in the order the claims were made: agent and the tick of its claim. */
  private queueAgent: Int32Array;
  private queueTick: Int32Array;
  private queueLength = 0;
  /** What the claims in the queue are owed (USD). */
  queuedUsd = 0;
  /** People whose claim lapsed unpaid, so far. */
  lapsedPeople = 0;
  /** People who left only because their claim was accepted (they would not have left unpaid), so far. */
  boughtPeople = 0;
  /** People paid so far. */
  paidPeople = 0;
  /** People designated so far, and by kind (soldier, official, tycoon). */
  sanctionedPeople = 0;
  readonly sanctionedByKind = new Float64Array(KINDS.length);
  /** Families moved out so far. */
  extractedFamilies = 0;
  /** Resettlement places used this tick (people). */
  visasUsed = 0;
  /** This tick's money offer to each group (0: no money offer made), whether or not the budget can pay it. */
  readonly payoutUsd = new Float64Array(GROUP_COUNT);
  readonly assetBonusUsd = new Float64Array(GROUP_COUNT);
  /**
   * Whether the sponsors make the group an offer this tick: money, or a safe way out
   * (resettlement places or safe houses) for the groups whose defectors must leave the country.
   */
  readonly offerStands = new Uint8Array(GROUP_COUNT);
  /** Cumulative outreach hazard by group: an agent is reached once it passes the agent's threshold. */
  readonly reachHazard = new Float64Array(GROUP_COUNT);
  /** Chance a reached defector of each kind ends up safe this tick (an unreached one knows only the base). */
  readonly safety = new Float64Array(KINDS.length);
  /** Designation candidates of each role, most senior and wealthy first. */
  private readonly candidates: Int32Array[];
  private readonly cursor = new Int32Array(ROLES.length);
  private readonly trancheCarry = new Float64Array(ROLES.length);
  private extractionCarry = 0;
  /** Resettlement places offered and not yet used (carried over, at most a year's worth). */
  private unusedPlaces = 0;

  constructor(
    private readonly params: Parameters,
    private readonly population: Population,
    private readonly rng: RandomStream,
  ) {
    this.budgetLeftUsd = params.sponsors.budgetUsd;
    this.candidates = ROLES.map((role) => this.rankCandidates(role));
    // Each agent holds at most one claim, so the queue never needs more room than the population.
    this.queueAgent = takeArray(Int32Array, population.size);
    this.queueTick = takeArray(Int32Array, population.size);
  }

  /** Hand the queue's arrays back (with the model's; the sponsors must not be used afterwards). */
  release(): void {
    releaseArrays([this.queueAgent, this.queueTick]);
  }

  /**
   * `visaDemand`: last tick's defectors (people) who need a way out; `restrictedShare`: last
   * tick's share of soldiers' families under restriction (the families safe houses can move).
   */
  act(tick: number, visaDemandByGroup: Float64Array, restrictedShare: number): void {
    const { sponsors, sanctions } = this.params;
    const weight = this.population.groupWeight;
    if (tick > 0) this.budgetLeftUsd += sponsors.monthlyFundingUsd;
    const offersOn = tick >= sponsors.startTick;
    if (offersOn) this.sharedCostUsd += sponsors.costs.fixedUsdPerMonth;
    const safeWayOut = offersOn && (sponsors.visasPerMonth > 0 || sponsors.extraction.capacityPerMonth > 0);
    // Money for a claim made now: what the budget holds, plus the funding due before the claim
    // would lapse, beyond what the claims ahead of it in the queue are owed (first come, first
    // served: later claims never compete with it). Last month's claims are what this month's are
    // expected to be.
    this.lastClaimsUsd = this.claimsUsd;
    this.claimsUsd = 0;
    const due = sponsors.claims.maxWaitTicks * sponsors.monthlyFundingUsd;
    const free = Math.max(0, this.budgetLeftUsd + due - this.queuedUsd);
    const rate = sponsors.credibility.updateShare;
    for (let g = 0; g < GROUP_COUNT; g++) {
      const spec = GROUPS[g];
      if (offersOn) this.reachHazard[g] += -Math.log1p(-Math.min(sponsors.outreach[spec.kind], 0.999999));
      const offer = offersOn ? this.payoutFor(g) : 0;
      this.payoutUsd[g] = offer;
      this.assetBonusUsd[g] = sponsors.payout.assetBonusUsd[spec.kind];
      this.offerStands[g] = offer > 0 || (safeWayOut && spec.needsExit) ? 1 : 0;
      // The chance a claim made now is paid before it lapses: none if the free money cannot pay one
      // claimant of the group; otherwise the share of a month's claims it can pay.
      const chance = offer <= 0 || free < offer * weight[g] ? 0 : this.lastClaimsUsd > 0 ? Math.min(1, free / this.lastClaimsUsd) : 1;
      this.paymentChance[g] = chance;
      // Word of mouth: belief follows the true chance; at the group's first offer it is the true chance.
      this.credibility[g] = this.offered[g] ? this.credibility[g] + rate * (chance - this.credibility[g]) : chance;
      if (offer > 0) this.offered[g] = 1;
    }
    // Safety: a defector is resettled safely with a visa; visas are shared by last tick's demand.
    let visaDemand = 0;
    for (let g = 0; g < GROUP_COUNT; g++) visaDemand += visaDemandByGroup[g];
    const visas = offersOn ? sponsors.visasPerMonth : 0;
    // Places are a yearly quota paid by the month: those unused carry over, up to a year's worth.
    // (Without the carry, min(places, demand) under-counts the places used when demand is lumpy,
    // and it is lumpier at a coarser population.scale.)
    const places = visas + this.unusedPlaces;
    const coverage = places > 0 ? Math.min(1, places / Math.max(1, visaDemand)) : 0;
    this.visasUsed = Math.min(places, visaDemand);
    this.unusedPlaces = Math.min(places - this.visasUsed, 12 * visas);
    this.visaCostUsd += this.visasUsed * sponsors.costs.visaUsd;
    // The places used go to last month's defectors in proportion to their groups' demand.
    if (this.visasUsed > 0) {
      for (let g = 0; g < GROUP_COUNT; g++) this.visaCostByGroup[g] += (this.visasUsed * visaDemandByGroup[g] / visaDemand) * sponsors.costs.visaUsd;
    }
    KINDS.forEach((kind, k) => {
      const base = sponsors.safety[kind];
      this.safety[k] = base + (sponsors.safety.resettled - base) * coverage;
    });
    if (sanctions.enabled && tick >= sanctions.firstTick && (tick - sanctions.firstTick) % sanctions.periodTicks === 0) {
      this.designateTranche(tick);
    }
    if (sponsors.extraction.capacityPerMonth > 0 && offersOn) this.extractFamilies(restrictedShare);
  }

  /** What the sponsors' programme has cost so far: payouts, resettlement places, safe houses and running costs. */
  get spendUsd(): number {
    return this.payoutsUsd + this.visaCostUsd + this.safeHouseCostUsd + this.sharedCostUsd;
  }

  /** Spend so far attributed to the people of group g (payouts, places and safe houses they got). */
  spendOfGroup(g: number): number {
    return this.payoutsByGroup[g] + this.visaCostByGroup[g] + this.safeHouseCostByGroup[g];
  }

  /** Whether agent i has learnt of the sponsors' offer. */
  reached(i: number): boolean {
    const { reachThreshold, group } = this.population.agents;
    return reachThreshold[i] <= this.reachHazard[group[i]];
  }

  /** The payout (and asset bonus) per person a reached claimant of group g gets this tick. */
  offerTo(i: number, g: number): number {
    return this.payoutUsd[g] + (this.population.agents.flags[i] & HAS_ASSETS ? this.assetBonusUsd[g] : 0);
  }

  /** Whether agent i may claim the payout: reached, its group offered money, never paid before. */
  mayClaim(i: number, g: number): boolean {
    return this.payoutUsd[g] > 0 && !(this.population.agents.flags[i] & PAID) && this.reached(i);
  }

  private payoutFor(g: number): number {
    const pay = this.params.sponsors.payout;
    const spec = GROUPS[g];
    switch (spec.level) {
      case 'enlisted':
      case 'conscript': return pay.soldierUsd;
      case 'nco': return pay.ncoUsd;
      case 'officer': return pay.officerUsd;
      case 'tycoon': return pay.tycoonUsd;
      default: {
        if (pay.officialSector === 'economic' && spec.branch !== 'economic') return 0;
        const base = spec.level === 'junior' ? pay.juniorOfficialUsd : spec.level === 'mid' ? pay.midOfficialUsd : pay.seniorOfficialUsd;
        return spec.branch === 'economic' ? base * pay.economicSectorMultiplier : base;
      }
    }
  }

  /**
   * Queue this tick's new claims, in a random order (not by index; the shuffle draws from `rng`),
   * behind the claims already waiting. The model has set CLAIM_CONTINGENT on a serving agent who
   * leaves only once its claim is accepted. An agent's claim is its payout times the people it
   * stands for.
   */
  queueClaims(claimants: Int32Array, count: number, tick: number, rng: RandomStream): void {
    if (count === 0) return;
    const { flags, group } = this.population.agents;
    const weight = this.population.groupWeight;
    rng.shuffle(claimants, count);
    for (let k = 0; k < count; k++) {
      const i = claimants[k];
      const amount = this.offerTo(i, group[i]) * weight[group[i]];
      flags[i] |= CLAIM_QUEUED;
      const at = this.queueLength++;
      this.queueAgent[at] = i;
      this.queueTick[at] = tick;
      this.queuedUsd += amount;
      this.claimsUsd += amount;
    }
  }

  /** A queued claim is withdrawn (its agent was caught, or left unpaid and keeps the claim as a defector: see model.ts). */
  withdrawClaim(i: number): void {
    const { flags, group } = this.population.agents;
    if (!(flags[i] & CLAIM_QUEUED)) return;
    flags[i] &= ~(CLAIM_QUEUED | CLAIM_CONTINGENT);
    this.queuedUsd -= this.offerTo(i, group[i]) * this.population.groupWeight[group[i]];
    if (this.queuedUsd < 1e-6) this.queuedUsd = Math.max(0, this.queuedUsd);
  }

  /**
   * Pay the queue in the order the claims were made while the budget lasts: each claim the budget
   * can pay is paid; one it cannot pay (a larger claim) waits, and smaller ones behind it may be
   * paid. A claim older than sponsors.claims.maxWaitTicks lapses unpaid. `accept(i)` is called
   * for a contingent claim before it is paid: the agent now tries to leave, and returns whether it
   * got out (a caught agent is not paid and its claim ends).
   */
  payQueue(tick: number, accept: (i: number) => boolean): void {
    const { flags, group } = this.population.agents;
    const weight = this.population.groupWeight;
    const maxWait = this.params.sponsors.claims.maxWaitTicks;
    const { queueAgent, queueTick } = this;
    let kept = 0;
    for (let k = 0; k < this.queueLength; k++) {
      const i = queueAgent[k];
      const g = group[i];
      if (!(flags[i] & CLAIM_QUEUED)) continue; // withdrawn
      if (tick - queueTick[k] > maxWait) {
        this.withdrawClaim(i);
        this.lapsedPeople += weight[g];
        continue;
      }
      const amount = this.offerTo(i, g) * weight[g];
      if (amount > this.budgetLeftUsd) {
        queueAgent[kept] = i;
        queueTick[kept++] = queueTick[k];
        continue;
      }
      const contingent = (flags[i] & CLAIM_CONTINGENT) !== 0;
      this.withdrawClaim(i);
      if (contingent) {
        if (!accept(i)) continue;
        this.boughtPeople += weight[g];
      }
      this.budgetLeftUsd -= amount;
      this.payoutsUsd += amount;
      this.payoutsByGroup[g] += amount;
      this.paidPeople += weight[g];
      flags[i] |= PAID;
    }
    this.queueLength = kept;
    if (kept === 0) this.queuedUsd = 0; // no rounding drift once the queue is empty
  }

  /**
   * Candidates of one role — officers (army and police), senior officials, or tycoons — ranked
   * by seniority as the lists do: by total wealth (abroad plus in the country), the richest first.
   */
  private rankCandidates(role: (typeof ROLES)[number]): Int32Array {
    const { agents, groupStart, groupSize } = this.population;
    const list: number[] = [];
    const wealth = new Map<number, number>();
    GROUPS.forEach((spec, g) => {
      if (spec.level !== role) return;
      const years = this.params.traits.wealthInCountryYears[spec.kind];
      for (let i = groupStart[g]; i < groupStart[g] + groupSize[g]; i++) {
        list.push(i);
        wealth.set(i, agents.wealthAbroadUsd[i] + agents.incomeUsd[i] * years);
      }
    });
    list.sort((a, b) => wealth.get(b)! - wealth.get(a)! || a - b);
    return Int32Array.from(list);
  }

  /**
   * A tranche of `trancheSize` people: `officerShare` of it names officers, `seniorOfficialShare`
   * senior officials and the rest tycoons, each the next still serving in their role's ranking
   * (fractions carried to the next tranche, per role). Candidates are small groups (one agent per
   * person), so designations are never lumped.
   */
  private designateTranche(tick: number): void {
    const { sanctions, decision } = this.params;
    const { officerShare, seniorOfficialShare } = sanctions.designation;
    const shares = [officerShare, seniorOfficialShare, Math.max(0, 1 - officerShare - seniorOfficialShare)];
    const { agents } = this.population;
    const weight = this.population.groupWeight;
    for (let r = 0; r < ROLES.length; r++) {
      const want = sanctions.trancheSize * shares[r] + this.trancheCarry[r];
      let n = Math.floor(want + 1e-9);
      this.trancheCarry[r] = Math.max(0, want - n);
      const list = this.candidates[r];
      while (n > 0 && this.cursor[r] < list.length) {
        const i = list[this.cursor[r]++];
        if (agents.status[i] !== SERVING) continue;
        agents.flags[i] |= SANCTIONED;
        agents.sanctionedTick[i] = tick;
        // Listed with no off-ramp: nowhere to go, so staying is worth more (bLocked).
        if (!sanctions.offRamp) agents.stayUtility[i] += decision.lockedWeight;
        const w = weight[agents.group[i]];
        this.sanctionedPeople += w;
        this.sanctionedByKind[GROUP_KIND[agents.group[i]]] += w;
        n -= w;
      }
    }
  }

  /** Listed people still serving. */
  sanctionedServing(): number {
    const { agents, groupWeight } = this.population;
    let n = 0;
    for (let r = 0; r < ROLES.length; r++) {
      const list = this.candidates[r];
      for (let k = 0; k < this.cursor[r]; k++) {
        const i = list[k];
        if ((agents.flags[i] & SANCTIONED) && agents.status[i] === SERVING) n += groupWeight[agents.group[i]];
      }
    }
    return n;
  }

  /**
   * Safe houses move out families held under restriction (the regime restricts soldiers'
   * families only) of serving agents who have been reached and whose group has a standing offer,
   * up to the monthly capacity in families. The reached soldier is how the family is found and
   * contacted. Eligible agents are taken with equal chance (a random start and a thinning), not
   * by index, from the end-of-(t-1) state.
   */
  private extractFamilies(restrictedShare: number): void {
    const { agents, groupStart, groupSize, groupWeight } = this.population;
    const { status, flags, reachThreshold, familyRank } = agents;
    const soldierGroups: number[] = [];
    for (let g = 0; g < GROUP_COUNT; g++) if (GROUP_KIND[g] === KIND_INDEX.soldier && this.offerStands[g]) soldierGroups.push(g);
    if (soldierGroups.length === 0) return;
    const eligible = (i: number, g: number) =>
      status[i] === SERVING && (flags[i] & (FAMILY_IN_COUNTRY | EXTRACTED)) === FAMILY_IN_COUNTRY &&
      familyRank[i] < restrictedShare && reachThreshold[i] <= this.reachHazard[g];
    let eligiblePeople = 0;
    for (const g of soldierGroups) {
      for (let i = groupStart[g]; i < groupStart[g] + groupSize[g]; i++) if (eligible(i, g)) eligiblePeople += groupWeight[g];
    }
    if (eligiblePeople === 0) return;
    let capacity = this.params.sponsors.extraction.capacityPerMonth + this.extractionCarry;
    const chance = Math.min(1, capacity / eligiblePeople);
    // Visit the eligible groups' agents as one ring, from a random start.
    let total = 0;
    for (const g of soldierGroups) total += groupSize[g];
    const start = this.rng.int(total);
    for (let k = 0; k < total; k++) {
      let at = start + k < total ? start + k : start + k - total;
      let gi = 0;
      while (at >= groupSize[soldierGroups[gi]]) at -= groupSize[soldierGroups[gi++]];
      const g = soldierGroups[gi];
      const i = groupStart[g] + at;
      const w = groupWeight[g];
      if (capacity < 1) break;
      if (capacity < w) continue;
      if (eligible(i, g) && (chance >= 1 || this.rng.uniform() < chance)) {
        flags[i] |= EXTRACTED;
        capacity -= w;
        this.extractedFamilies += w;
        this.safeHouseCostUsd += w * this.params.sponsors.costs.familyUsd;
        this.safeHouseCostByGroup[g] += w * this.params.sponsors.costs.familyUsd;
      }
    }
    // Unused places carry over only as a fraction of one agent's family lump.
    this.extractionCarry = Math.min(capacity, Math.max(...soldierGroups.map((g) => groupWeight[g])));
  }
}
