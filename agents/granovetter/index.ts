/**
 * Granovetter (1978), threshold models of collective behaviour, as a defsim model: the schema,
 * the scenarios of the paper's riot examples, what a run records, and the run function.
 */
import type { ModelDefinition, ParameterValues } from '../../engine/model.js';
import { runGranovetter } from './model.js';
import { GRANOVETTER_SCHEMA, granovetterParameterProblem, type GranovetterParameters } from './params.js';

export const CITATION = 'Granovetter, M. (1978). Threshold Models of Collective Behavior. American Journal of Sociology 83(6):1420–1443. https://doi.org/10.1086/226707';

export const model: ModelDefinition = {
  name: 'granovetter',
  version: '1.0.0',
  description: "Granovetter's (1978) threshold model of a riot: each person joins once enough others have; synchronous rounds to equilibrium",
  citation: CITATION,
  schema: GRANOVETTER_SCHEMA,
  ticksParameter: 'time.ticks',
  checkParameters: (params: ParameterValues) => granovetterParameterProblem(params as GranovetterParameters),
  scenarios: [
    { name: 'ladder', description: 'Thresholds 0, 1, …, 99 in a crowd of 100: each rioter brings in the next and all 100 riot', set: {} },
    { name: 'ladder-broken', description: 'The same crowd with the person of threshold 1 changed to 2: only the instigator riots', set: { 'thresholds.ladder.newThreshold': 2 } },
    {
      name: 'normal-25-sd-10',
      description: 'Thresholds normal with mean 25 and sd 10 in a crowd of 100 (below the critical sd of about 12.2): a handful riot',
      set: { 'thresholds.distribution': 'normal', 'thresholds.normal.meanShare': 0.25, 'thresholds.normal.sdShare': 0.1 },
    },
    {
      name: 'normal-25-sd-15',
      description: 'Thresholds normal with mean 25 and sd 15 in a crowd of 100 (above the critical sd): nearly everyone riots',
      set: { 'thresholds.distribution': 'normal', 'thresholds.normal.meanShare': 0.25, 'thresholds.normal.sdShare': 0.15 },
    },
  ],
  series: [
    { name: 'rioters', unit: 'people', description: 'People rioting after this round (tick 0: those with threshold 0)' },
    { name: 'rioters_share', unit: 'share of the crowd', description: 'Rioters as a share of the crowd' },
    { name: 'new_rioters', unit: 'people per tick', description: 'People who joined in this round' },
  ],
  metrics: [
    { name: 'equilibrium_rioters', unit: 'people', description: 'Rioters at equilibrium (no one else joins); undefined (NaN) when the horizon ends first' },
    { name: 'equilibrium_share', unit: 'share of the crowd', description: 'Rioters at equilibrium as a share of the crowd; undefined when the horizon ends first' },
    { name: 'ticks_to_equilibrium', unit: 'ticks', description: 'The first tick at which the crowd is at its equilibrium size; undefined when the horizon ends first' },
    { name: 'reached_equilibrium', unit: '1 if reached within the horizon, else 0' },
    { name: 'final_rioters', unit: 'people', description: 'Rioters at the last tick' },
  ],
  outcomes: { effects: [{ metric: 'equilibrium_rioters', label: 'Rioters at equilibrium', kind: 'count' }] },
  run: (params, seed, options) => runGranovetter(params as GranovetterParameters, seed, options),
};
