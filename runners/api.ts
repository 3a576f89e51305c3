/**
 * The library API (`import { loadModel, simulate, sweep, effects, abcSmc } from 'defsim'`): the
 * model interface and the registry of built-in models, loading a model (built-in or a user's
 * module), one run, sweeps, calibration, and every estimator as a plain function (effects over a
 * baseline, Sobol, Morris, ABC-SMC), to drive from your own code on your own simulator.
 */
// The model interface, the registry, loading and checking a model.
export type {
  ModelDefinition, ModelOutcome, ModelOutput, ModelRunOptions, ModelRunOutput, ModelScenario, ObservedRecord, ParameterValues, RecordTarget,
} from '../engine/model.js';
export { MODELS, MODEL_NAMES, DEFAULT_MODEL, builtInModel } from '../agents/index.js';
export { loadModel, defaultModel, isModelPath, type LoadedModel, type ModelIdentity } from './model/load.js';
export { modelProblems, checkRunOutput } from './model/check.js';
// Parameter specs for a model's schema (engine/schema.ts).
export { num, int, share, usd, count, bool, choice, type ParamSpec, type SchemaTree } from '../engine/schema.js';
export { InputError } from '../engine/errors.js';
// One run.
export { simulate, seriesCsv, type RunResult, type RunSummary } from './run/simulate.js';
export { resolveParameters, readRunConfig, parseSetArguments, parameterSpecs } from './model/parameters.js';
export { runToDirectory } from './run/directory.js';
// Sweeps.
export {
  sweep, runSweep, loadExperiment, openExperiment,
  type SweepOptions, type SweepProgress, type SweepRunResult, type SweepOutcome, type SweepManifest, type Experiment, type ExperimentObject,
} from './sweep/sweep.js';
export { loadTQuantile975 } from './sweep/stats.js';
// Effects over a baseline: the rows of a sweep's effects.csv, and the estimators.
export { effects, type EffectsRow } from './effects/files.js';
export {
  jointEffects, effectInterval, effectRatio, inverseEffectRatio, fiellerRatio, welchDf,
  type Pairing, type TQuantile, type Interval, type Ratio, type JointEffects,
} from './effects/estimate.js';
export { effectRows, type EffectRow, type PointSamples } from './effects/rows.js';
// Sensitivity analysis.
export {
  sampleSobol, analyzeSobol, sampleMorris, analyzeMorris, parseSalibProblem, toSalibProblem,
  type Problem, type SobolIndices, type MorrisIndices,
} from './sensitivity/api.js';
// Calibration: the ABC-SMC estimator on any evaluator, and `calibrate` on a model.
export {
  abcSmc, generationBudget, movedParameters, DEFAULT_QUANTILE, DEFAULT_KERNEL_SCALE, KERNEL_SHAPES,
  type KernelShape, type AbcSettings, type AbcResult, type AbcProgress, type Candidate, type Evaluate, type Population, type GenerationSummary, type GenerationResult, type StopReason,
} from './calibrate/abc-smc.js';
export { type Prior, type PriorSpec } from './calibrate/priors.js';
export { distanceOf, type Target } from './calibrate/distance.js';
export { calibrate, type CalibrateOptions, type CalibrationOutcome, type CalibrationProgress } from './calibrate/calibrate.js';
export { loadCalibration, openCalibration, type Calibration, type CalibrationPlan, type StopRules } from './calibrate/calibration-file.js';
export { truncatedMixture, drawTruncatedNormal, logNormalMass, weightedKsDistance } from './calibrate/truncated-kernel.js';
// Plausible worlds: the calibrated parameters and the assumptions fitted jointly.
export { worlds, type WorldsOptions, type WorldsOutcome } from './worlds/worlds.js';
export { openWorlds, type WorldsPlan, type ParameterRole } from './worlds/worlds-file.js';
export { parameterVerdict, type ParameterVerdict, type Constraint } from './worlds/assumptions.js';
// Reproducing a result directory.
export { reproduce, type ReproduceOptions, type ReproduceOutcome } from './reproduce/reproduce.js';
export * from './decide/api.js';
// Decide experiments: policies × worlds run here, then the decision (docs/DECISIONS.md).
export { decideExperiment, type DecideExperimentOptions, type DecideExperimentOutcome } from './decide/run.js';
export { openDecideExperiment, type DecideExperiment, type CriterionSpec } from './decide/experiment.js';
export { worldValue, type CriterionKind, type WorldValue } from './decide/criteria.js';
