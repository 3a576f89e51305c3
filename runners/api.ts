/**
 * The library API (`import { simulate, resolveParameters } from 'defsim'`).
 */
export { simulate, seriesCsv, type RunResult, type RunSummary } from './simulate.js';
export { resolveParameters, readRunConfig, parseSetArguments } from './parameters.js';
export { runToDirectory } from './run.js';
export { PARAMETER_SCHEMA, defaultParameters, type Parameters } from '../agents/params.js';
export { SCENARIOS } from '../agents/scenarios.js';
export { InputError } from '../engine/errors.js';
export { sweep, runSweep, loadExperiment, type SweepOptions, type SweepProgress, type SweepRunResult, type SweepOutcome, type SweepManifest, type Experiment, type ExperimentObject } from './sweep.js';
export { effects, type EffectsRow } from './effects/files.js';
export {
  sampleSobol, analyzeSobol, sampleMorris, analyzeMorris, parseSalibProblem, toSalibProblem,
  type Problem, type SobolIndices, type MorrisIndices,
} from './sensitivity/api.js';
export { calibrate, type CalibrateOptions, type CalibrationOutcome, type CalibrationProgress } from './calibrate/calibrate.js';
export { loadCalibration, type Calibration, type CalibrationPlan } from './calibrate/calibration-file.js';
export * from './decide/api.js';
