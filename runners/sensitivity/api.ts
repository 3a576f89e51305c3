/**
 * The sensitivity estimators as a library (`import { sampleSobol, analyzeSobol } from 'defsim'`),
 * SALib's pairs for a model outside defsim:
 *
 *   const problem = parseSalibProblem({ num_vars: 3, names: ['a', 'b', 'c'], bounds: [[0, 1], [0, 1], [0, 1]] });
 *   const design = sampleSobol(problem, 1024, { seed: 1 });          // design.values: rows × inputs
 *   const indices = analyzeSobol(problem, myModel(design.values), { seed: 1 });   // S1, ST, S2 and their intervals
 */
export { parseSalibProblem, toSalibProblem, type Problem } from './problem.js';
export { sampleSobol } from './sobol-sample.js';
export { analyzeSobol, type SobolIndices } from './sobol-analysis.js';
export { sampleMorris } from './morris-sample.js';
export { analyzeMorris, type MorrisIndices } from './morris-analysis.js';
