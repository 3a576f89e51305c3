/**
 * Epstein (2002), civil violence Model I (generalized rebellion against a central authority), as a
 * defsim model: the schema, the scenarios (the paper's run, the legitimacy crisis at once or in
 * small steps), what a run records, and the run function.
 */
import type { ModelDefinition, ParameterValues } from '../../engine/model.js';
import { runEpstein } from './model.js';
import { EPSTEIN_SCHEMA, epsteinParameterProblem, type EpsteinParameters } from './params.js';

export const CITATION = 'Epstein, J. M. (2002). Modeling civil violence: An agent-based computational approach. Proceedings of the National Academy of Sciences 99(suppl 3):7243–7250. https://doi.org/10.1073/pnas.092080199';

/**
 * The legitimacy crisis, after the paper's runs 3 and 4 (cop density 0.074, jail for life, L = 0.9
 * at first): the same fall, from 0.9 to 0.5, at once at tick 75 or at the paper's gradual pace
 * (0.01 every 3 ticks: 120 ticks). README.md says why the fall is 0.4 rather than run 4's 0.25.
 */
const CRISIS = {
  'cops.density': 0.074, 'jail.life': true, 'legitimacy.initial': 0.9, 'legitimacy.change': -0.4, 'legitimacy.changeTick': 75, 'time.ticks': 300,
} as const;

export const model: ModelDefinition = {
  name: 'epstein',
  version: '1.0.0',
  description: "Epstein's (2002) civil violence Model I: citizens rebel when grievance beats the risk of arrest, cops jail actives, on a torus",
  citation: CITATION,
  schema: EPSTEIN_SCHEMA,
  ticksParameter: 'time.ticks',
  checkParameters: (params: ParameterValues, explicit: ReadonlySet<string>) => epsteinParameterProblem(params as EpsteinParameters, explicit),
  scenarios: [
    { name: 'model-1', description: "The paper's Model I run: 40×40, citizen density 0.7, cop density 0.04, vision 7, L = 0.82, J_max = 30 (punctuated equilibrium)", set: {} },
    { name: 'legitimacy-high', description: "The crisis runs' baseline: cop density 0.074, jail for life, legitimacy stays at 0.9", set: { ...CRISIS, 'legitimacy.change': 0 } },
    { name: 'legitimacy-sudden', description: 'Legitimacy falls from 0.9 to 0.5 at once at tick 75: a mass outburst', set: { ...CRISIS, 'legitimacy.changeTicks': 0 } },
    { name: 'legitimacy-gradual', description: 'The same fall, 0.9 to 0.5, in equal small steps over 120 ticks from tick 75 (0.01 every 3 ticks): no outburst', set: { ...CRISIS, 'legitimacy.changeTicks': 120 } },
  ],
  baselineScenario: 'legitimacy-high',
  series: [
    { name: 'active', unit: 'citizens', description: 'Citizens openly rebelling at the end of the tick' },
    { name: 'jailed', unit: 'citizens', description: 'Citizens in jail at the end of the tick' },
    { name: 'quiescent', unit: 'citizens', description: 'Citizens free and quiet at the end of the tick' },
    { name: 'legitimacy', unit: 'share', description: 'The regime legitimacy L (in [0, 1]) every citizen perceives in this tick' },
  ],
  metrics: [
    { name: 'mean_active', unit: 'citizens', description: 'Mean number of active citizens over the ticks' },
    { name: 'peak_active', unit: 'citizens', description: 'Largest number of active citizens at the end of a tick' },
    { name: 'peak_active_tick', unit: 'ticks', description: 'The first tick with that many' },
    { name: 'mean_jailed', unit: 'citizens', description: 'Mean number of jailed citizens over the ticks' },
    { name: 'arrests', unit: 'citizens (arrests)', description: 'Arrests made in the run' },
    { name: 'outbursts', unit: 'outbursts', description: 'Spells of ticks with at least outbursts.threshold actives' },
    { name: 'mean_outburst_ticks', unit: 'ticks', description: 'Mean length of an outburst; undefined with none' },
    { name: 'mean_waiting_ticks', unit: 'ticks', description: 'Mean quiet spell between two outbursts; undefined with fewer than two' },
    { name: 'median_waiting_ticks', unit: 'ticks', description: 'Median quiet spell between two outbursts; undefined with fewer than two' },
    { name: 'max_waiting_ticks', unit: 'ticks', description: 'Longest quiet spell between two outbursts; undefined with fewer than two' },
  ],
  outcomes: {
    effects: [
      { metric: 'peak_active', label: 'Peak active citizens', kind: 'count' },
      { metric: 'mean_active', label: 'Mean active citizens', kind: 'count' },
      { metric: 'arrests', label: 'Arrests', kind: 'count' },
    ],
  },
  run: (params, seed, options) => runEpstein(params as EpsteinParameters, seed, options),
};
