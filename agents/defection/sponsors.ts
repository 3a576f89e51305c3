/**
 * The sponsors — the opposition government and foreign governments, one actor: the budget and the
 * payout schedule, outreach, resettlement places (safety), sanctions tranches with or without an
 * off-ramp, and safe houses that move families out. They act once per tick, before the
 * individuals, from the end-of-(t-1) state. Every amount and count here is in people (an agent
 * of group g stands for `groupWeight[g]` people), never in agents.
 */
import type { RandomStream } from '../../engine/rng.js';
import { GROUPS, GROUP_COUNT, GROUP_KIND, KINDS, KIND_INDEX } from './groups.js';
import type { Parameters } from './params.js';
import { EXTRACTED, FAMILY_IN_COUNTRY, HAS_ASSETS, PAID, SANCTIONED, SERVING, type Population } from './population.js';

/** The roles sanctions tranches designate, in the order a tranche fills them. */
const ROLES = ['officer', 'senior', 'tycoon'] as const;

export class Sponsors {
  budgetLeftUsd: number;
  /** Payouts made so far, from the budget. */
  payoutsUsd = 0;
  /** What the resettlement places used and the families moved out have cost so far (outside the budget). */
  visaCostUsd = 0;
  safeHouseCostUsd = 0;
  /** People paid so far. */
  paidPeople = 0;
  /** People designated so far, and by kind (soldier, official, tycoon). */
  sanctionedPeople = 0;
  readonly sanctionedByKind = new Float64Array(KINDS.length);
  /** Families moved out so far. */
  extractedFamilies = 0;
  /** Resettlement places used this tick (people). */
  visasUsed = 0;
  /** This tick's money offer to each group (0: no offer, or the budget cannot pay one claimant). */
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
  }

  /**
   * `visaDemand`: last tick's defectors (people) who need a way out; `restrictedShare`: last
   * tick's share of soldiers' families under restriction (the families safe houses can move).
   */
  act(tick: number, visaDemand: number, restrictedShare: number): void {
    const { sponsors, sanctions } = this.params;
    const weight = this.population.groupWeight;
    if (tick > 0) this.budgetLeftUsd += sponsors.monthlyFundingUsd;
    const offersOn = tick >= sponsors.startTick;
    const safeWayOut = offersOn && (sponsors.visasPerMonth > 0 || sponsors.extraction.capacityPerMonth > 0);
    for (let g = 0; g < GROUP_COUNT; g++) {
      const spec = GROUPS[g];
      if (offersOn) this.reachHazard[g] += -Math.log1p(-Math.min(sponsors.outreach[spec.kind], 0.999999));
      const offer = offersOn ? this.payoutFor(g) : 0;
      // A money offer stands only while the budget can pay at least one claimant of the group.
      this.payoutUsd[g] = offer > 0 && this.budgetLeftUsd >= offer * weight[g] ? offer : 0;
      this.assetBonusUsd[g] = sponsors.payout.assetBonusUsd[spec.kind];
      this.offerStands[g] = this.payoutUsd[g] > 0 || (safeWayOut && spec.needsExit) ? 1 : 0;
    }
    // Safety: a defector is resettled safely with a visa; visas are shared by last tick's demand.
    const visas = offersOn ? sponsors.visasPerMonth : 0;
    // Places are a yearly quota paid by the month: those unused carry over, up to a year's worth.
    // (Without the carry, min(places, demand) under-counts the places used when demand is lumpy,
    // and it is lumpier at a coarser population.scale.)
    const places = visas + this.unusedPlaces;
    const coverage = places > 0 ? Math.min(1, places / Math.max(1, visaDemand)) : 0;
    this.visasUsed = Math.min(places, visaDemand);
    this.unusedPlaces = Math.min(places - this.visasUsed, 12 * visas);
    this.visaCostUsd += this.visasUsed * sponsors.costs.visaUsd;
    KINDS.forEach((kind, k) => {
      const base = sponsors.safety[kind];
      this.safety[k] = base + (sponsors.safety.resettled - base) * coverage;
    });
    if (sanctions.enabled && tick >= sanctions.firstTick && (tick - sanctions.firstTick) % sanctions.periodTicks === 0) {
      this.designateTranche(tick);
    }
    if (sponsors.extraction.capacityPerMonth > 0 && offersOn) this.extractFamilies(restrictedShare);
  }

  /** What the sponsors' programme has cost so far: payouts, resettlement places and safe houses. */
  get spendUsd(): number {
    return this.payoutsUsd + this.visaCostUsd + this.safeHouseCostUsd;
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
        const base = spec.level === 'junior' ? pay.juniorOfficialUsd : spec.level === 'mid' ? pay.midOfficialUsd : pay.seniorOfficialUsd;
        return spec.branch === 'economic' ? base * pay.economicSectorMultiplier : base;
      }
    }
  }

  /**
   * This tick's successful claimants are paid in a random order (not by index) while the budget
   * lasts; the shuffle draws from `rng`. An agent's claim is its payout times the people it stands for.
   */
  payClaimants(claimants: Int32Array, count: number, rng: RandomStream): void {
    if (count === 0) return;
    const { flags, group } = this.population.agents;
    const weight = this.population.groupWeight;
    rng.shuffle(claimants, count);
    for (let k = 0; k < count; k++) {
      const i = claimants[k];
      const g = group[i];
      const amount = this.offerTo(i, g) * weight[g];
      if (amount > this.budgetLeftUsd) continue;
      this.budgetLeftUsd -= amount;
      this.payoutsUsd += amount;
      this.paidPeople += weight[g];
      flags[i] |= PAID;
    }
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
      }
    }
    // Unused places carry over only as a fraction of one agent's family lump.
    this.extractionCarry = Math.min(capacity, Math.max(...soldierGroups.map((g) => groupWeight[g])));
  }
}
