/**
 * Granovetter (1978)'s threshold model of a riot: the parameters (one schema: defaults, ranges,
 * units, meaning and where each comes from) and the checks that span several of them.
 */
import { choice, int, num, type SchemaTree, type ValuesOf } from '../../engine/schema.js';

const PAPER = 'Granovetter (1978), AJS 83(6):1420–1443';

export const GRANOVETTER_SCHEMA = {
  population: {
    people: int(100, 'People in the crowd', { min: 1, max: 100_000_000, unit: 'people', source: `${PAPER}: the crowd of 100 in the riot example and the normal-distribution figure` }),
  },
  thresholds: {
    distribution: choice(['uniform-ladder', 'normal'], 'uniform-ladder',
      "How thresholds are given. uniform-ladder: person i has threshold i (0, 1, …, people−1), one person's changed by `ladder.*`; normal: drawn from a normal distribution of mean `normal.meanShare` and sd `normal.sdShare` of the crowd",
      `${PAPER}: the two examples of the paper`),
    ladder: {
      changedThreshold: int(1, 'The person whose ladder threshold is this value gets `newThreshold` instead (equal values: the ladder unchanged)', { unit: 'people', source: `${PAPER}: the person with threshold 1 changed to 2` }),
      newThreshold: int(1, 'The new threshold of that person (the paper: 2, and only the instigator riots)', { unit: 'people', source: `${PAPER}: 2 in the broken ladder` }),
    },
    normal: {
      meanShare: num(0.25, 'Mean threshold as a share of the crowd (0.25: 25 people of 100)', { min: -10, max: 10, unit: 'share of the crowd', source: `${PAPER}: mean 25 in a crowd of 100` }),
      sdShare: num(0.1, 'Standard deviation of the thresholds as a share of the crowd (the paper varies it; the equilibrium jumps at about 0.122)', { min: 0, max: 10, unit: 'share of the crowd', source: `${PAPER}: varied in the figure; critical value 12.2 of 100` }),
    },
  },
  time: {
    ticks: int(100, 'Horizon: rounds of synchronous updating (tick 0: those with threshold 0 riot). A crowd of N reaches its equilibrium within N rounds', { min: 1, max: 10_000_000, unit: 'ticks', source: 'setting (the crowd of 100 needs at most 100)' }),
  },
} satisfies SchemaTree;

export type GranovetterParameters = ValuesOf<typeof GRANOVETTER_SCHEMA>;

/** Checks that span several parameters; one message naming the key, the value and what is allowed, or null. */
export function granovetterParameterProblem(p: GranovetterParameters): string | null {
  const { people } = p.population;
  if (p.thresholds.distribution === 'uniform-ladder') {
    const { changedThreshold, newThreshold } = p.thresholds.ladder;
    if (changedThreshold > people - 1) {
      return `invalid value for 'thresholds.ladder.changedThreshold': ${changedThreshold} (allowed: a threshold on the ladder, an integer in [0, ${people - 1}] for population.people = ${people})`;
    }
    if (newThreshold > people) {
      return `invalid value for 'thresholds.ladder.newThreshold': ${newThreshold} (allowed: an integer in [0, ${people}] for population.people = ${people})`;
    }
  }
  return null;
}
