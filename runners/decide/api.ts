/**
 * The decision estimators as a library (re-exported by runners/api.ts, `import { decide } from 'defsim'`),
 * for outcomes computed anywhere:
 *
 *   const army = criterionOutcomes(['sanctions-only', 'defection-offer'], rows);        // rows[world][policy]
 *   const worlds = worldParameters(['sanctions.revenueEffect'], x);                      // x[world][parameter]
 *   const [answer] = decide([{ name: 'defected_army', outcomes: army }], worlds, { weights });
 *   answer.comparison.policies[0].probabilityBest; answer.information.rows; answer.scenarios?.box;
 *
 * or each estimator alone: comparePolicies, evpi, evppi (prepareEvppi to share one set of worlds
 * between criteria), prim.
 */
export { criterionOutcomes, worldParameters, netBenefit, type CriterionOutcomes, type WorldParameters } from './outcomes.js';
export { comparePolicies, type PolicyComparison, type PolicyOptions, type PolicySummary } from './policies.js';
export {
  evpi, evppi, prepareEvppi, ALL_PARAMETERS, type EvppiOptions, type EvppiPlan, type EvppiResult, type EvppiRow, type ValueOfInformation,
} from './evppi.js';
export { prim, sortWorlds, resolvePrimSettings, DEFAULT_PRIM, type SortedWorlds, type PrimResult, type PrimSettings, type PrimBox, type PrimStep, type BoxDimension } from './prim.js';
export { decide, flips, type Criterion, type CriterionDecision, type DecideOptions, type Scenarios } from './decide.js';
export type { GpSettings } from './gp.js';
