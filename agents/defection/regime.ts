/**
 * The regime (the junta): the coup's legitimacy shock, a crackdown for soldiers and one for
 * officials, and the revenue its people lose to sanctions. The crackdown either builds once
 * lagged cumulative defections pass a threshold (`regime.crackdown.mode: feedback`) or comes as
 * a dated policy change (`scheduled`). The soldiers' crackdown restricts more of their families
 * and catches more deserters; the officials' (dismissal, eviction, arrests) catches more
 * strikers; both add a deterrence to staying. The fiscal link: revenue follows economic capacity
 * and sanctions, military spending follows revenue, and unfunded pay pulls soldiers out. The regime acts once per tick, after the sponsors
 * and before the individuals. Conscription, returns and pardons are its acts too; the model
 * carries them out on the agents (agents/model.ts).
 */
import { GROUPS, GROUP_COUNT, GROUP_KIND, KIND_INDEX, KINDS } from './groups.js';
import type { Parameters } from './params.js';

interface CrackdownSettings {
  thresholdShare: number;
  rampShare: number;
  lagTicks: number;
}

export class Regime {
  /** The coup's legitimacy shock this tick, 1 at tick 0. */
  shock = 1;
  /** Crackdown level in [0,1] by kind (soldier, official, tycoon). */
  readonly crackdown = new Float64Array(KINDS.length);
  /** Chance an attempt is caught, by kind. */
  readonly capture = new Float64Array(KINDS.length);
  /** Share of serving soldiers' families under restriction. */
  restrictionShare: number;
  /** Sanctions' bite in [0,1): 1 − exp(−designated / sanctions.biteScale), designations to the end of last tick. */
  sanctionsBite = 0;
  /** Utility of leaving that sanctions' cost to the revenue its people are paid adds, for every serving agent (at most sanctions.revenueEffect). */
  revenuePressure = 0;
  /**
   * The fiscal link: the state's revenue (index, 1 at tick 0) follows last tick's economic
   * capacity and sanctions' bite; military spending (index, 1 at tick 0) moves towards what it
   * funds, 1 − link × (1 − revenue), at regime.fiscal.adjustShare a month; pay arrears are the
   * unfunded share, 1 − military spending.
   */
  revenue = 1;
  militarySpending = 1;
  payArrears = 0;

  constructor(private readonly params: Parameters) {
    this.restrictionShare = params.regime.familyRestriction.initialShare;
  }

  /**
   * `cumulative[kind][t]`: cumulative defections (people) of each kind at the end of tick t;
   * `stock[kind]`: the people of each kind at tick 0 (conscripts do not dilute the share, so a
   * crackdown never eases because the army grew);
   * `designated`: people designated by sanctions to the end of last tick;
   * `economicCapacity`: economic capacity at the end of last tick.
   */
  act(tick: number, cumulative: readonly Float64Array[], stock: Float64Array, designated: number, economicCapacity: number): void {
    const { regime, sanctions } = this.params;
    this.shock = Math.pow(0.5, tick / regime.shockHalfLifeTicks);
    const crack = this.crackdown;
    crack[KIND_INDEX.soldier] = this.crackdownLevel(KIND_INDEX.soldier, tick, regime.crackdown.soldier, regime.crackdown.scheduledTick, cumulative, stock);
    crack[KIND_INDEX.official] = this.crackdownLevel(KIND_INDEX.official, tick, regime.crackdown.official, regime.crackdown.official.scheduledTick, cumulative, stock);
    crack[KIND_INDEX.tycoon] = 0;
    const fr = regime.familyRestriction;
    this.restrictionShare = fr.initialShare + (fr.ceilingShare - fr.initialShare) * crack[KIND_INDEX.soldier];
    const cap = regime.capture;
    this.capture[KIND_INDEX.soldier] = cap.soldierBase + (cap.soldierMax - cap.soldierBase) * crack[KIND_INDEX.soldier];
    this.capture[KIND_INDEX.official] = cap.officialBase + (cap.officialMax - cap.officialBase) * crack[KIND_INDEX.official];
    this.capture[KIND_INDEX.tycoon] = cap.tycoon;
    // Bounded: the bite saturates, so no push grows without limit with the designations.
    this.sanctionsBite = 1 - Math.exp(-designated / sanctions.biteScale);
    this.revenuePressure = sanctions.revenueEffect * this.sanctionsBite;
    const fiscal = regime.fiscal;
    this.revenue = Math.min(1, Math.max(0, economicCapacity)) * (1 - fiscal.sanctionsRevenueShare * this.sanctionsBite);
    const funded = 1 - fiscal.link * (1 - this.revenue);
    this.militarySpending += fiscal.adjustShare * (funded - this.militarySpending);
    this.payArrears = 1 - this.militarySpending;
  }

  /** Utility of leaving that pay arrears and shortages add for soldiers (0 for officials and tycoons). */
  arrearsPull(g: number): number {
    return GROUPS[g].kind === 'soldier' ? this.params.regime.fiscal.arrearsWeight * this.payArrears : 0;
  }

  /** Utility of staying the crackdown adds for group g: unit controls for soldiers, dismissal and eviction for strikers. */
  deterrence(g: number): number {
    const { deterrence } = this.params.regime;
    const spec = GROUPS[g];
    if (spec.kind === 'soldier') return deterrence.soldier * this.crackdown[KIND_INDEX.soldier];
    if (spec.kind !== 'official') return 0;
    // A senior defector leaves the country, so dismissal and eviction do not deter them.
    const weight = spec.level === 'senior' ? deterrence.seniorOfficial : deterrence.official;
    return weight * this.crackdown[KIND_INDEX.official];
  }

  /**
   * Crackdown in [0,1]. feedback: 1 − exp(−(lagged cumulative share − threshold) / ramp) once past
   * the threshold; scheduled: 1 from the scheduled tick on, whatever the defections.
   */
  private crackdownLevel(
    kind: number, tick: number, c: CrackdownSettings, scheduledTick: number,
    cumulative: readonly Float64Array[], stock: Float64Array,
  ): number {
    const { crackdown } = this.params.regime;
    if (!crackdown.enabled) return 0;
    if (crackdown.mode === 'scheduled') return tick >= scheduledTick ? 1 : 0;
    const at = tick - 1 - c.lagTicks;
    if (at < 0 || stock[kind] === 0) return 0;
    const excess = cumulative[kind][at] / stock[kind] - c.thresholdShare;
    return excess <= 0 ? 0 : 1 - Math.exp(-excess / Math.max(c.rampShare, 1e-9));
  }
}

/** The tick-0 stock of each kind, in people, from agents per group and the people each stands for. */
export function stockByKind(initialAgents: Int32Array, groupWeight: Float64Array): Float64Array {
  const stock = new Float64Array(KINDS.length);
  for (let g = 0; g < GROUP_COUNT; g++) stock[GROUP_KIND[g]] += initialAgents[g] * groupWeight[g];
  return stock;
}
