/**
 * The regime (the junta): the coup's legitimacy shock, and a crackdown for soldiers and one for
 * officials that builds once lagged cumulative defections pass a threshold. The soldiers'
 * crackdown restricts more of their families and catches more deserters; the officials'
 * (dismissal, eviction, arrests) catches more strikers; both add a deterrence to staying.
 * The regime acts once per tick, after the sponsors and before the individuals.
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
  /** Agents of each kind at tick 0. */
  private readonly stock = new Float64Array(KINDS.length);

  constructor(private readonly params: Parameters, groupSize: Int32Array) {
    this.restrictionShare = params.regime.familyRestriction.initialShare;
    for (let g = 0; g < GROUP_COUNT; g++) this.stock[GROUP_KIND[g]] += groupSize[g];
  }

  /** `cumulative[kind][t]`: cumulative defections (agents) of each kind at the end of tick t. */
  act(tick: number, cumulative: readonly Float64Array[]): void {
    const { regime } = this.params;
    this.shock = Math.pow(0.5, tick / regime.shockHalfLifeTicks);
    const crack = this.crackdown;
    crack[KIND_INDEX.soldier] = this.crackdownLevel(KIND_INDEX.soldier, tick, regime.crackdown.soldier, cumulative);
    crack[KIND_INDEX.official] = this.crackdownLevel(KIND_INDEX.official, tick, regime.crackdown.official, cumulative);
    crack[KIND_INDEX.tycoon] = 0;
    const fr = regime.familyRestriction;
    this.restrictionShare = fr.initialShare + (fr.ceilingShare - fr.initialShare) * crack[KIND_INDEX.soldier];
    const cap = regime.capture;
    this.capture[KIND_INDEX.soldier] = cap.soldierBase + (cap.soldierMax - cap.soldierBase) * crack[KIND_INDEX.soldier];
    this.capture[KIND_INDEX.official] = cap.officialBase + (cap.officialMax - cap.officialBase) * crack[KIND_INDEX.official];
    this.capture[KIND_INDEX.tycoon] = cap.tycoon;
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

  /** Crackdown in [0,1]: 1 − exp(−(lagged cumulative share − threshold) / ramp) once past the threshold. */
  private crackdownLevel(kind: number, tick: number, c: CrackdownSettings, cumulative: readonly Float64Array[]): number {
    if (!this.params.regime.crackdown.feedback) return 0;
    const at = tick - 1 - c.lagTicks;
    if (at < 0 || this.stock[kind] === 0) return 0;
    const excess = cumulative[kind][at] / this.stock[kind] - c.thresholdShare;
    return excess <= 0 ? 0 : 1 - Math.exp(-excess / Math.max(c.rampShare, 1e-9));
  }
}
