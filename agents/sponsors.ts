/**
 * The sponsors — the opposition government and foreign governments, one actor: the budget and the
 * payout schedule, outreach, resettlement places (safety), sanctions tranches with or without an
 * off-ramp, and safe houses that move families out. They act once per tick, before the
 * individuals, from the end-of-(t-1) state.
 */
import type { RandomStream } from '../engine/rng.js';
import { GROUPS, GROUP_COUNT, KINDS } from './groups.js';
import type { Parameters } from './params.js';
import { EXTRACTED, FAMILY_IN_COUNTRY, HAS_ASSETS, PAID, SANCTIONED, SERVING, type Population } from './population.js';

export class Sponsors {
  budgetLeftUsd: number;
  spendUsd = 0;
  /** Agents paid so far (reported × scale). */
  paidAgents = 0;
  /** Agents designated so far. */
  sanctionedAgents = 0;
  extractedFamilies = 0;
  /** Resettlement places used this tick (people). */
  visasUsed = 0;
  /** This tick's standing offer to each group (0: no offer, or the budget cannot pay one claimant). */
  readonly payoutUsd = new Float64Array(GROUP_COUNT);
  readonly assetBonusUsd = new Float64Array(GROUP_COUNT);
  /** Cumulative outreach hazard by group: an agent is reached once it passes the agent's threshold. */
  readonly reachHazard = new Float64Array(GROUP_COUNT);
  /** Chance a defector of each kind ends up safe this tick. */
  readonly safety = new Float64Array(KINDS.length);
  private readonly sanctionCandidates: Int32Array;
  private sanctionCursor = 0;
  private trancheCarry = 0;
  private extractionCarry = 0;

  constructor(
    private readonly params: Parameters,
    private readonly population: Population,
    private readonly rng: RandomStream,
  ) {
    this.budgetLeftUsd = params.sponsors.budgetUsd;
    this.sanctionCandidates = this.rankSanctionCandidates();
  }

  private get scale(): number {
    return this.params.population.scale;
  }

  /** `visaDemand`: last tick's defectors (agents) who need a way out. */
  act(tick: number, visaDemand: number): void {
    const { sponsors, sanctions } = this.params;
    if (tick > 0) this.budgetLeftUsd += sponsors.monthlyFundingUsd;
    const offersOn = tick >= sponsors.startTick;
    for (let g = 0; g < GROUP_COUNT; g++) {
      const spec = GROUPS[g];
      if (offersOn) this.reachHazard[g] += -Math.log1p(-Math.min(sponsors.outreach[spec.kind], 0.999999));
      const offer = offersOn ? this.payoutFor(g) : 0;
      // An offer stands only while the budget can pay at least one claimant of the group.
      this.payoutUsd[g] = offer > 0 && this.budgetLeftUsd >= offer * this.scale ? offer : 0;
      this.assetBonusUsd[g] = sponsors.payout.assetBonusUsd[spec.kind];
    }
    // Safety: a defector is resettled safely with a visa; visas are shared by last tick's demand.
    const visas = sponsors.visasPerMonth;
    const coverage = visas > 0 ? Math.min(1, visas / Math.max(1, visaDemand * this.scale)) : 0;
    this.visasUsed = Math.min(visas, visaDemand * this.scale);
    KINDS.forEach((kind, k) => {
      const base = sponsors.safety[kind];
      this.safety[k] = base + (sponsors.safety.resettled - base) * coverage;
    });
    if (sanctions.enabled && tick >= sanctions.firstTick && (tick - sanctions.firstTick) % sanctions.periodTicks === 0) {
      this.designateTranche(tick);
    }
    if (sponsors.extraction.capacityPerMonth > 0 && offersOn) this.extractFamilies();
  }

  /** Whether agent i has learnt of the offer. */
  reached(i: number): boolean {
    const { reachThreshold, group } = this.population.agents;
    return reachThreshold[i] <= this.reachHazard[group[i]];
  }

  /** The payout (and asset bonus) a reached claimant of group g gets this tick. */
  offerTo(i: number, g: number): number {
    return this.payoutUsd[g] + (this.population.agents.flags[i] & HAS_ASSETS ? this.assetBonusUsd[g] : 0);
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

  /**
   * This tick's successful claimants are paid in a random order (not by index) while the budget
   * lasts; the shuffle draws from `rng`.
   */
  payClaimants(claimants: Int32Array, count: number, rng: RandomStream): void {
    if (count === 0) return;
    const { flags, group } = this.population.agents;
    rng.shuffle(claimants, count);
    for (let k = 0; k < count; k++) {
      const i = claimants[k];
      const amount = this.offerTo(i, group[i]) * this.scale;
      if (amount > this.budgetLeftUsd) continue;
      this.budgetLeftUsd -= amount;
      this.spendUsd += amount;
      this.paidAgents++;
      flags[i] |= PAID;
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

  /** The next `trancheSize` people (in agents, with the fraction carried) still serving are listed. */
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
      // Listed with no off-ramp: nowhere to go, so staying is worth more (bLocked).
      if (!sanctions.offRamp) agents.stayUtility[i] += decision.lockedWeight;
      this.sanctionedAgents++;
      n--;
    }
  }

  /** Listed agents still serving. */
  sanctionedServing(): number {
    const { agents } = this.population;
    let n = 0;
    for (let k = 0; k < this.sanctionCursor; k++) {
      const i = this.sanctionCandidates[k];
      if ((agents.flags[i] & SANCTIONED) && agents.status[i] === SERVING) n++;
    }
    return n;
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
    const eligible = (i: number) =>
      status[i] === SERVING && (flags[i] & (FAMILY_IN_COUNTRY | EXTRACTED)) === FAMILY_IN_COUNTRY && reachThreshold[i] <= hazard[group[i]];
    let count = 0;
    for (let i = 0; i < size; i++) if (eligible(i)) count++;
    if (count === 0) return;
    const want = this.params.sponsors.extraction.capacityPerMonth / this.scale + this.extractionCarry;
    let capacity = Math.floor(want);
    this.extractionCarry = want - capacity;
    const chance = Math.min(1, capacity / count);
    const start = this.rng.int(size);
    for (let k = 0; k < size && capacity > 0; k++) {
      const i = start + k < size ? start + k : start + k - size;
      if (eligible(i) && (chance >= 1 || this.rng.uniform() < chance)) {
        flags[i] |= EXTRACTED;
        capacity--;
        this.extractedFamilies++;
      }
    }
  }
}
