/**
 * The whole decision analysis of a set of criteria over one set of worlds: for each criterion,
 * the policies compared (policies.ts), the value of information (evppi.ts) and the worlds where
 * the answer flips — the worlds where the expected-best policy is not best — found by PRIM
 * (prim.ts), with which policy is best inside that box. This is what `defsim decide` writes;
 * the smoothers of EVPPI are prepared once and shared by every criterion.
 */
import { InputError } from '../../engine/errors.js';
import { evppi, prepareEvppi, type EvppiOptions, type EvppiResult } from './evppi.js';
import { checkParameters, type CriterionOutcomes, type WorldParameters } from './outcomes.js';
import { comparePolicies, type PolicyComparison, type PolicyOptions } from './policies.js';
import { prim, resolvePrimSettings, sortWorlds, type PrimResult, type PrimSettings, type SettingKey, type SortedWorlds } from './prim.js';

export interface Criterion {
  /** The criterion's name (a metric, an effect, a cost). */
  readonly name: string;
  readonly outcomes: CriterionOutcomes;
  /** A level to meet (at least when higher is better, at most when lower): decision.csv's threshold_share. */
  readonly threshold?: number;
}

export interface DecideOptions {
  /** Importance weights of the worlds (default equal). */
  readonly weights?: ArrayLike<number>;
  readonly tieTolerance?: number;
  /** Coverage of the interval across worlds (default 0.95). */
  readonly level?: number;
  /** EVPPI settings (groups, draws, seed, GP); false: EVPI only. */
  readonly evppi?: Omit<EvppiOptions, 'weights'> | false;
  /** PRIM settings; false: no scenario discovery. */
  readonly prim?: PrimSettings | false;
  /** How PRIM's settings are named in error messages (the CLI's flags). */
  readonly primKey?: SettingKey;
}

export interface Scenarios extends PrimResult {
  /** The policy whose failure defines the cases: the expected best. */
  readonly reference: string;
  /** What a case is, in words. */
  readonly label: string;
  /** Each policy's probability of being best among the worlds in the chosen box (empty without a box). */
  readonly bestInBox: readonly { policy: string; probability: number }[];
}

export interface CriterionDecision {
  readonly criterion: string;
  readonly higherIsBetter: boolean;
  readonly threshold: number | null;
  readonly comparison: PolicyComparison;
  readonly information: EvppiResult;
  /** null when PRIM was not asked for. */
  readonly scenarios: Scenarios | null;
}

/** Decide every criterion over the same worlds (`parameters`, `weights`). */
export function decide(criteria: readonly Criterion[], parameters: WorldParameters, options: DecideOptions = {}): CriterionDecision[] {
  if (criteria.length === 0) throw new InputError('no criterion to decide on (allowed: at least one)');
  const names = criteria.map((c) => c.name);
  if (new Set(names).size !== names.length) throw new InputError(`invalid value for 'criteria': ${JSON.stringify(names)} (allowed: distinct names)`);
  const worlds = criteria[0].outcomes.worlds;
  for (const c of criteria) if (c.outcomes.worlds !== worlds) throw new InputError(`criterion '${c.name}' has ${c.outcomes.worlds} worlds, '${criteria[0].name}' ${worlds} (allowed: the same worlds)`);
  checkParameters(parameters, worlds);
  const primSettings = options.prim === false ? false : resolvePrimSettings(options.prim ?? {}, options.primKey);
  const evppiOptions = options.evppi === false ? { draws: 0, parameters: [] } : (options.evppi ?? {});
  const plan = prepareEvppi(parameters, { ...evppiOptions, ...(options.weights ? { weights: options.weights } : {}) });
  const sorted = sortWorlds(parameters); // one sort per parameter, shared by every criterion's PRIM
  return criteria.map((criterion) => decideCriterion(criterion, sorted, plan, options, primSettings));
}

function decideCriterion(criterion: Criterion, parameters: WorldParameters, plan: ReturnType<typeof prepareEvppi>, options: DecideOptions, primSettings: PrimSettings | false): CriterionDecision {
  const policyOptions: PolicyOptions = {
    weights: plan.weights,
    ...(options.tieTolerance !== undefined ? { tieTolerance: options.tieTolerance } : {}),
    ...(options.level !== undefined ? { level: options.level } : {}),
    ...(criterion.threshold !== undefined ? { threshold: criterion.threshold } : {}),
  };
  const comparison = comparePolicies(criterion.outcomes, policyOptions);
  const information = evppi(criterion.outcomes, plan);
  return {
    criterion: criterion.name,
    higherIsBetter: criterion.outcomes.higherIsBetter,
    threshold: criterion.threshold ?? null,
    comparison,
    information,
    scenarios: primSettings === false ? null : flips(criterion.outcomes, comparison, parameters, primSettings),
  };
}

/** PRIM on the worlds where the expected-best policy is not (one of the) best, and who is best inside the box. */
export function flips(outcomes: CriterionOutcomes, comparison: PolicyComparison, parameters: WorldParameters | SortedWorlds, settings: PrimSettings = {}): Scenarios {
  const P = outcomes.policies.length;
  const reference = comparison.expectedBest;
  const cases = Uint8Array.from({ length: outcomes.worlds }, (_, w) => (comparison.bestShare[w * P + reference] > 0 ? 0 : 1));
  const result = prim(parameters, cases, { ...settings, weights: comparison.weights });
  const bestInBox: { policy: string; probability: number }[] = [];
  if (result.box) {
    let total = 0;
    const shares = new Float64Array(P);
    for (let w = 0; w < outcomes.worlds; w++) {
      if (!result.box.inBox[w]) continue;
      total += comparison.weights[w];
      for (let d = 0; d < P; d++) shares[d] += comparison.weights[w] * comparison.bestShare[w * P + d];
    }
    outcomes.policies.forEach((policy, d) => bestInBox.push({ policy, probability: total > 0 ? shares[d] / total : NaN }));
  }
  const name = outcomes.policies[reference];
  return { ...result, reference: name, label: `worlds where ${name}, the expected best, is not best`, bestInBox };
}

/** How each estimate is made, for the manifest (and docs/DECISIONS.md). */
export const ESTIMATORS = {
  policies: 'weighted by the worlds\' importance weights (equal without a weight column); probability best: weighted share of worlds where the policy is best, a tie among k policies counting 1/k; ' +
    'standard errors √(Σ wᵢ² (xᵢ − x̄)²); rank distribution with tied policies sharing their ranks evenly; regret: the best outcome in the world minus the policy\'s; ' +
    'p90_regret: weighted 90th percentile (inverse of the weighted distribution function); effect_low_95/effect_high_95: weighted 2.5% and 97.5% quantiles of the world values; ' +
    'variance split: within-world = weighted mean replicate variance, between-world = variance across worlds minus the mean replicate variance over the replicate count',
  evpi: 'E[max_d NB_d] − max_d E[NB_d] = the expected regret of the expected-best policy; se from the per-world regrets',
  evppi: 'Strong, Oakley & Brennan (2014) regression estimator: each policy\'s incremental net benefit over the expected best regressed on the parameter ' +
    '(penalised cubic regression spline on mid-ranks, 20 basis functions, smoothing by GCV; exact means per value for a parameter with at most 12 values) ' +
    'or on the group (Gaussian-process regression, ARD squared-exponential kernel on mid-ranks, hyperparameters by marginal likelihood on a subset); ' +
    'se: posterior draws of the fitted curves plus the Monte Carlo error over worlds',
  prim: 'Friedman & Fisher (1999) peeling (EMA Workbench objective lenient1: gain in density per mass removed) on the worlds where the expected-best policy is not best; ' +
    'box: the most cases beyond chance, mass × (density − case share), among boxes reaching the density threshold (or largest coverage: --box coverage); optional pasting; ' +
    'restrictions with quasi-p above --significance dropped, least significant first; ' +
    'quasi-p: one-sided binomial test against the box without the parameter\'s limits (Bryant & Lempert 2010; effective counts under weights); ' +
    'reproducibility: share of PRIM runs on random subsets whose box nearest in (coverage, density) restricts the parameter',
};
