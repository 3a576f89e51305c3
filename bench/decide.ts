/**
 * `npm run bench:decide`: the decision estimators alone, on this thread (one core), on synthetic
 * outcomes of 10^4 worlds × 6 policies × 6 criteria over 16 parameters: the policy comparison,
 * EVPI and EVPPI of all 16 parameters (200 posterior draws each for the standard errors) and PRIM
 * with 20 resamples, per criterion. Target: under 10 s in all. Ends with one figure a line:
 *   decide_seconds=<all>  compare_seconds=…  evppi_seconds=…  prim_seconds=…
 * `--worlds N` runs a smaller case for a quick look.
 */
import { performance } from 'node:perf_hooks';
import { RandomStream } from '../engine/rng.js';
import { evppi, prepareEvppi } from '../runners/decide/evppi.js';
import { criterionOutcomes, type CriterionOutcomes, type WorldParameters } from '../runners/decide/outcomes.js';
import { comparePolicies, type PolicyComparison } from '../runners/decide/policies.js';
import { flips } from '../runners/decide/decide.js';
import { sortWorlds } from '../runners/decide/prim.js';

const worldsArg = process.argv.indexOf('--worlds');
const W = worldsArg > 0 ? Number(process.argv[worldsArg + 1]) : 10_000;
const P = 6;
const C = 6;
const K = 16;

// Worlds: 16 uniform parameters. Policy d's outcome on criterion c depends on a few of them, with seed noise.
const random = new RandomStream(5, 'bench-decide');
const names = Array.from({ length: K }, (_, j) => `p${String(j + 1).padStart(2, '0')}`);
const columns = names.map(() => Float64Array.from({ length: W }, () => random.uniform()));
const parameters: WorldParameters = { names, columns };
const criteria: CriterionOutcomes[] = Array.from({ length: C }, (_, c) => {
  const rows = Array.from({ length: W }, (_, w) => Array.from({ length: P }, (_, d) => {
    const a = columns[(c + d) % K][w];
    const b = columns[(2 * c + 3 * d + 1) % K][w];
    return 1 + 0.3 * d * a - 0.2 * d * b + 0.5 * Math.sin(3 * a * b + c) + 0.2 * random.normal();
  }));
  return criterionOutcomes(names.slice(0, P).map((_, d) => `policy-${d + 1}`), rows, { higherIsBetter: c % 2 === 0 });
});

console.log(`decision benchmark: ${W} worlds × ${P} policies × ${C} criteria, EVPPI of ${K} parameters (200 draws), PRIM with 20 resamples, one core`);
const start = performance.now();
let compareSeconds = 0;
let evppiSeconds = 0;
let primSeconds = 0;
const plan = prepareEvppi(parameters, {});
const sorted = sortWorlds(parameters);
criteria.forEach((outcomes, c) => {
  let t = performance.now();
  const comparison: PolicyComparison = comparePolicies(outcomes);
  compareSeconds += (performance.now() - t) / 1000;
  t = performance.now();
  const information = evppi(outcomes, plan);
  evppiSeconds += (performance.now() - t) / 1000;
  t = performance.now();
  const scenarios = flips(outcomes, comparison, sorted, { resamples: 20 });
  primSeconds += (performance.now() - t) / 1000;
  const top = [...information.rows.slice(1)].sort((a, b) => b.evppi - a.evppi)[0];
  const box = scenarios.box;
  console.log(`criterion ${c + 1}: expected best ${outcomes.policies[comparison.expectedBest]} (P(best) ${comparison.policies[comparison.expectedBest].probabilityBest.toFixed(3)}), ` +
    `EVPI ${information.evpi.toFixed(4)}, top EVPPI ${top.parameter} ${top.evppi.toFixed(4)} ± ${top.evppiSe.toFixed(4)}, ` +
    `PRIM ${scenarios.trajectory.length} steps, box ${box ? `${box.dimensions.map((d) => d.parameter).join('+')} coverage ${box.coverage.toFixed(2)} density ${box.density.toFixed(2)}` : 'none'}`);
});
const total = (performance.now() - start) / 1000;
console.log(`decide_seconds=${total.toFixed(2)}  compare_seconds=${compareSeconds.toFixed(2)}  evppi_seconds=${evppiSeconds.toFixed(2)}  prim_seconds=${primSeconds.toFixed(2)}  (target: decide_seconds under 10)`);
