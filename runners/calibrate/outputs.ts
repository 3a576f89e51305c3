/**
 * The result files of a calibration (docs/FORMATS.md, "A calibration"): posterior.csv,
 * generations.csv, simulations.csv, identifiability.csv, predictive.csv, predictive-series.csv,
 * calibrated.yaml, posterior-predictive.yaml, targets.json (the targets used, byte for byte) and
 * manifest.json, last. A pure function of the calibration run: the same bytes for any number of
 * workers and across resumes.
 */
import { join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import type { ModelIdentity } from '../model/load.js';
import { parameterSpecs } from '../model/parameters.js';
import { outputUnits } from '../model/units.js';
import { jsonText, toolInfo, writeFileAtomic, type ToolInfo } from '../io/outputs.js';
import { CsvFile, csvCell, formatNumber } from '../io/csv.js';
import { generationBudget, type StopReason } from './abc-smc.js';
import type { CalibrationRun, CandidateRecord } from './results.js';
import type { Calibration } from './calibration-file.js';
import { meets, residual, valueBand, type Target } from './distance.js';
import { describeMeasure, type Measure } from './measures.js';
import { describePrior, priorMoments, toSampling } from './priors.js';
import { weightedMean, weightedQuantiles, weightedSd } from './weighted.js';

/** A parameter whose posterior sd is above this share of its prior sd is flagged as not identified by the targets. */
export const IDENTIFIED_SD_RATIO = 0.5;
const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95];

export interface CalibrationManifest extends ToolInfo {
  kind: 'calibration';
  calibration: Calibration;
  calibrationHash: string;
  /** The targets file the calibration named (or the model's own record), and the copy of its bytes in this directory. */
  targetsSource: string;
  targetsFile: 'targets.json';
  targetsSha256: string;
  parameters: { name: string; unit: string; prior: string; samplingScale: 'linear' | 'log'; scenarioValue: number }[];
  /** Every target: `measure` as data (measures.ts: a column at a tick or a mean over ticks, per stock, or a ratio), `description` in words. */
  targets: { id: string; kind: Target['kind']; holdout: boolean; measure: Measure; description: string; observed?: number; min?: number; max?: number; tolerance: number; weight: number; shape?: string }[];
  textOnlyShapes: { id: string; text: string }[];
  method: Record<string, unknown>;
  distance: string;
  seeds: string;
  /** Which stop rule ended it (abc-smc.ts StopReason), and the same in words. */
  stopRule: StopReason;
  stopReason: string;
  generations: number;
  posteriorGeneration: number;
  fitSimulations: number;
  predictiveSimulations: number;
  failed: number;
  pointEstimate: string;
  predictiveScores: { fitted: PredictiveScore; holdout: PredictiveScore };
  /** Units of the files' columns; `series`: the unit of each series a target reads (the model's), for the report's axes. */
  units: Record<string, string | Record<string, string>>;
  /** The model: name and version, and for a user's module its file and sha256. */
  model: ModelIdentity;
  modelVersion: string;
  files: Record<string, string>;
}

/** How well the posterior predicts a set of targets (predictive.csv, scored apart for holdouts). */
export interface PredictiveScore {
  targets: number;
  /** Mean over the targets of the share of predictive draws that meet each. */
  meanMetShare: number | null;
  /** Value targets whose observed value lies inside the predictive 50% / 90% interval, of how many. */
  valueTargets: number;
  observedIn50: number;
  observedIn90: number;
}

interface TargetPrediction {
  target: Target;
  n: number;
  quantiles: number[];
  metShare: number;
  in50: boolean | null;
  in90: boolean | null;
}

/**
 * What a command built on calibrate adds to its directory (`defsim worlds`): more files, written
 * after the calibration's own and before the manifest, and the manifest's kind and extra fields.
 */
export interface ResultExtension {
  kind: string;
  /** File name → content; each file's sha256 joins the manifest's `files`. */
  files: Record<string, string>;
  manifest: Record<string, unknown>;
}

export function writeCalibrationFiles(dir: string, run: CalibrationRun, extend?: (run: CalibrationRun) => ResultExtension): CalibrationManifest {
  const { plan } = run;
  const files: Record<string, string> = {};
  const write = (name: string, content: string | Uint8Array) => (files[name] = writeFileAtomic(join(dir, name), content));
  files['posterior.csv'] = writePosterior(dir, run);
  write('generations.csv', generationsCsv(run));
  files['simulations.csv'] = writeSimulations(dir, run);
  write('identifiability.csv', identifiabilityCsv(run));
  const predictions = predictTargets(run);
  write('predictive.csv', predictiveCsv(predictions));
  write('predictive-series.csv', predictiveSeriesCsv(run));
  write('calibrated.yaml', calibratedYaml(run));
  write('posterior-predictive.yaml', posteriorPredictiveYaml(run));
  write('targets.json', plan.targetsFile.bytes);
  const extension = extend?.(run);
  for (const [name, content] of Object.entries(extension?.files ?? {})) write(name, content);
  const base = calibrationManifest(run, predictions, files);
  const manifest = extension
    ? ({ ...base, kind: extension.kind, ...extension.manifest, units: { ...base.units, ...(extension.manifest.units as Record<string, string> | undefined) }, files: base.files } as unknown as CalibrationManifest)
    : base;
  writeFileAtomic(join(dir, 'manifest.json'), jsonText(manifest));
  return manifest;
}

function bool(value: boolean | null): string {
  return value === null ? '' : String(value);
}

function header(names: readonly string[]): string[] {
  return names.map(csvCell);
}

/** The final generation's particles: values, normalised weight, distance, and each fitted target's residual. */
function writePosterior(dir: string, run: CalibrationRun): string {
  const { plan, result } = run;
  const posterior = result.posterior;
  const records = recordsByIndex(run.candidates[posterior.generation]);
  const csv = new CsvFile(join(dir, 'posterior.csv'), header([
    'generation', 'particle', 'candidate', ...plan.priors.map((p) => p.name), 'weight', 'distance', ...plan.fitted.map((t) => `residual_${t.id}`),
  ]));
  posterior.values.forEach((values, k) => {
    const record = records.get(posterior.candidates[k])!;
    csv.row([
      String(posterior.generation), String(k), String(posterior.candidates[k]), ...values.map(formatNumber),
      formatNumber(posterior.weights[k]), formatNumber(posterior.distances[k]), ...record.residuals!.map(formatNumber),
    ]);
  });
  return csv.finish();
}

function recordsByIndex(records: readonly CandidateRecord[] | undefined): Map<number, CandidateRecord> {
  return new Map((records ?? []).map((r) => [r.index, r]));
}

function generationsCsv(run: CalibrationRun): string {
  // The truncated kernel adds how many parameters it perturbed (the rest were drawn from their priors); the default kernel's file is unchanged.
  const truncated = run.plan.calibration.method.kernel === 'truncated';
  const lines = ['generation,tolerance,proposed,outside_prior,simulations,failed,accepted,acceptance_rate,ess,complete' + (truncated ? ',kernel_parameters' : '')];
  const replicates = run.plan.calibration.replicates;
  for (const g of run.result.generations) {
    lines.push([
      g.generation, formatNumber(g.tolerance), g.proposed, g.outsidePrior, g.simulations * replicates, g.failed, g.accepted,
      formatNumber(g.acceptanceRate), formatNumber(g.ess), g.complete, ...(truncated ? [g.kernelParameters?.length ?? 0] : []),
    ].join(','));
  }
  return lines.join('\n') + '\n';
}

/** Every simulated candidate, by generation and index: values, status, distance, whether accepted, its particle, residuals. */
function writeSimulations(dir: string, run: CalibrationRun): string {
  const { plan } = run;
  const csv = new CsvFile(join(dir, 'simulations.csv'), header([
    'generation', 'candidate', ...plan.priors.map((p) => p.name), 'status', 'distance', 'accepted', 'particle',
    ...plan.fitted.map((t) => `residual_${t.id}`), 'error',
  ]));
  run.candidates.forEach((records, generation) => {
    const summary = run.result.generations[generation];
    const population = run.populations[generation];
    const particleOf = new Map(population ? Array.from(population.candidates, (index, k) => [index, k]) : []);
    for (const r of records) {
      const accepted = r.status === 'ok' && Number.isFinite(r.distance) && r.distance <= summary.tolerance;
      csv.row([
        String(generation), String(r.index), ...r.values.map(formatNumber), r.status, formatNumber(r.distance), String(accepted),
        particleOf.has(r.index) ? String(particleOf.get(r.index)) : '',
        ...(r.residuals ? r.residuals.map(formatNumber) : plan.fitted.map(() => '')), csvCell(r.error ?? ''),
      ]);
    }
  });
  return csv.finish();
}

interface ParameterSummary {
  name: string;
  priorSd: number;
  posteriorSd: number;
  ratio: number;
  mean: number;
  quantiles: number[];
}

export function parameterSummaries(run: CalibrationRun): ParameterSummary[] {
  const posterior = run.result.posterior;
  return run.plan.priors.map((prior, k) => {
    const x = posterior.values.map((v) => v[k]);
    const z = x.map((value) => toSampling(prior.spec, value));
    const priorSd = priorMoments(prior.spec).sd;
    const posteriorSd = weightedSd(z, posterior.weights);
    return {
      name: prior.name, priorSd, posteriorSd, ratio: posteriorSd / priorSd,
      mean: weightedMean(x, posterior.weights), quantiles: weightedQuantiles(x, posterior.weights, QUANTILES),
    };
  });
}

function identifiabilityCsv(run: CalibrationRun): string {
  const lines = ['parameter,prior,sampling_scale,prior_sd,posterior_sd,sd_ratio,identified,posterior_mean,q05,q25,median,q75,q95,scenario_value,scenario_value_in_90'];
  parameterSummaries(run).forEach((s, k) => {
    const prior = run.plan.priors[k];
    const scenario = run.plan.scenarioValues[k];
    const inside = scenario >= s.quantiles[0] && scenario <= s.quantiles[4];
    lines.push([
      csvCell(s.name), csvCell(describePrior(prior.spec)), prior.spec.kind === 'log-uniform' ? 'log' : 'linear',
      formatNumber(s.priorSd), formatNumber(s.posteriorSd), formatNumber(s.ratio), String(s.ratio <= IDENTIFIED_SD_RATIO),
      formatNumber(s.mean), ...s.quantiles.map(formatNumber), formatNumber(scenario), String(inside),
    ].join(','));
  });
  return lines.join('\n') + '\n';
}

function okPoints(run: CalibrationRun) {
  return run.predictive.filter((p) => p.status === 'ok');
}

function predictTargets(run: CalibrationRun): TargetPrediction[] {
  const points = okPoints(run);
  return run.plan.targetsFile.targets.map((target, k) => {
    const values = points.map((p) => p.measures![k]);
    const quantiles = weightedQuantiles(values, values.map(() => 1), QUANTILES);
    const finite = values.filter((v) => !Number.isNaN(v));
    const isValue = target.kind === 'value';
    const o = target.observed!;
    return {
      target, n: finite.length, quantiles,
      metShare: finite.length > 0 ? finite.filter((v) => meets(target, v)).length / finite.length : Number.NaN,
      in50: isValue && finite.length > 0 ? o >= quantiles[1] && o <= quantiles[3] : null,
      in90: isValue && finite.length > 0 ? o >= quantiles[0] && o <= quantiles[4] : null,
    };
  });
}

function predictiveCsv(predictions: readonly TargetPrediction[]): string {
  const lines = ['target,kind,holdout,shape,measure,observed,min,max,tolerance,low,high,n,q05,q25,median,q75,q95,met_share,observed_in_50,observed_in_90,residual_of_median'];
  for (const p of predictions) {
    const t = p.target;
    const [low, high] = t.kind === 'value' ? valueBand(t) : [t.min ?? Number.NaN, t.max ?? Number.NaN];
    lines.push([
      csvCell(t.id), t.kind, String(t.holdout), csvCell(t.shape ?? ''), csvCell(describeMeasure(t.measure)),
      formatNumber(t.observed ?? Number.NaN), formatNumber(t.min ?? Number.NaN), formatNumber(t.max ?? Number.NaN), formatNumber(t.tolerance),
      formatNumber(low), formatNumber(high), String(p.n), ...p.quantiles.map(formatNumber), formatNumber(p.metShare),
      bool(p.in50), bool(p.in90), formatNumber(residual(t, p.quantiles[2])),
    ].join(','));
  }
  return lines.join('\n') + '\n';
}

function predictiveSeriesCsv(run: CalibrationRun): string {
  const points = okPoints(run);
  const lines = ['column,tick,n,q05,q25,median,q75,q95'];
  run.predictiveColumns.forEach((column, c) => {
    const ticks = points.length > 0 ? points[0].series![c].length : 0;
    for (let t = 0; t < ticks; t++) {
      const values = points.map((p) => p.series![c][t]);
      lines.push([csvCell(column), t, points.length, ...weightedQuantiles(values, values.map(() => 1), QUANTILES).map(formatNumber)].join(','));
    }
  });
  return lines.join('\n') + '\n';
}

/** The weighted marginal posterior median of each fitted parameter, with the calibration's scenario, set and horizon: a `defsim run --config` file. */
function calibratedYaml(run: CalibrationRun): string {
  const { calibration } = run.plan;
  const medians = parameterSummaries(run).map((s) => [s.name, s.quantiles[2]] as const);
  const model = run.plan.model;
  const config: Record<string, unknown> = {
    ...(calibration.model !== undefined ? { model: model.builtIn ? model.spec : model.reference } : {}),
    scenario: calibration.scenario, ...calibration.set, [model.definition.ticksParameter]: calibration.ticks, ...Object.fromEntries(medians),
  };
  const comment = [
    `# defsim calibrate ${calibration.name}: the point estimate.`,
    `# Point estimate: the weighted marginal posterior median of each fitted parameter (generation ${run.result.posterior.generation},`,
    `# ${run.result.posterior.values.length} particles); the 90% intervals are in identifiability.csv, every particle in posterior.csv.`,
    `# With the calibration's ${calibration.model !== undefined ? 'model, ' : ''}scenario, set and horizon (${model.definition.ticksParameter}); run it with: defsim run --config calibrated.yaml`,
  ];
  return comment.join('\n') + '\n' + stringifyYaml(config, { lineWidth: 0 });
}

/** The posterior resampled into a list design: `defsim sweep posterior-predictive.yaml` reruns predictive.csv's runs exactly. */
function posteriorPredictiveYaml(run: CalibrationRun): string {
  const { calibration } = run.plan;
  const names = run.plan.priors.map((p) => p.name);
  const experiment = {
    name: `${calibration.name}-posterior-predictive`,
    description: `${run.predictive.length} draws of the posterior of calibration ${calibration.name} (generation ${run.result.posterior.generation}, systematic resampling by weight)`,
    ...(calibration.model !== undefined ? { model: run.plan.model.builtIn ? run.plan.model.spec : run.plan.model.reference } : {}),
    scenario: calibration.scenario,
    set: calibration.set,
    ticks: calibration.ticks,
    replicates: calibration.replicates,
    seed: calibration.seed,
    design: { type: 'list', points: run.predictive.map((p) => Object.fromEntries(names.map((name, d) => [name, p.values[d]]))) },
    record: { series: 'every-tick' },
  };
  const comment = [
    `# defsim calibrate ${calibration.name}: posterior draws as a list design.`,
    `# defsim sweep posterior-predictive.yaml runs exactly the simulations behind predictive.csv (same seeds: hashInts(seed, point, replicate)).`,
  ];
  return comment.join('\n') + '\n' + stringifyYaml(experiment, { lineWidth: 0 });
}

function score(predictions: readonly TargetPrediction[]): PredictiveScore {
  const values = predictions.filter((p) => p.target.kind === 'value');
  const shares = predictions.map((p) => p.metShare).filter((x) => !Number.isNaN(x));
  return {
    targets: predictions.length,
    meanMetShare: shares.length > 0 ? shares.reduce((a, b) => a + b, 0) / shares.length : null,
    valueTargets: values.length,
    observedIn50: values.filter((p) => p.in50).length,
    observedIn90: values.filter((p) => p.in90).length,
  };
}

/** Which rule stopped the calibration, in words; the wall clock says how to get the same result without it. */
function stopReasonText(rule: StopReason, calibration: Calibration, generations: number): string {
  const until = calibration.method.until;
  switch (rule) {
    case 'generations': return `reached until.generations (${until.generations})`;
    case 'acceptance-rate': return `acceptance rate below until.acceptanceRate (${until.acceptanceRate})`;
    case 'min-tolerance': return `tolerance at or below until.minTolerance (${until.minTolerance})`;
    case 'simulations': return `candidates simulated reached until.simulations (${until.simulations})`;
    case 'wall-clock': return `wall-clock limit: until.wallClockSeconds (${until.wallClockSeconds}) passed during generation ${generations - 1}; generations are never cut short, so this is the calibration with until.generations = ${generations} (how far it got depends on the machine; defsim reproduce re-runs ${generations} generations)`;
  }
}

function calibrationManifest(run: CalibrationRun, predictions: readonly TargetPrediction[], files: Record<string, string>): CalibrationManifest {
  const { plan, result } = run;
  const { calibration } = plan;
  const tool = toolInfo();
  const fitSimulations = run.candidates.reduce((n, g) => n + g.length, 0) * calibration.replicates;
  const failed = run.candidates.reduce((n, g) => n + g.filter((c) => c.status === 'failed').length, 0) + run.predictive.filter((p) => p.status === 'failed').length;
  // The units of the tick and of every series a target reads, for the report's axes.
  const modelUnits = outputUnits(plan.model.definition);
  const seriesRead = run.predictiveColumns;
  return {
    kind: 'calibration',
    calibration,
    calibrationHash: plan.hash,
    targetsSource: calibration.targets ?? plan.targetsFile.path,
    targetsFile: 'targets.json',
    targetsSha256: plan.targetsFile.sha256,
    parameters: plan.priors.map((p, k) => ({
      name: p.name, unit: parameterSpecs(plan.model.definition).get(p.name)?.unit ?? '1', prior: describePrior(p.spec),
      samplingScale: p.spec.kind === 'log-uniform' ? 'log' : 'linear', scenarioValue: plan.scenarioValues[k],
    })),
    targets: plan.targetsFile.targets.map((t) => ({
      id: t.id, kind: t.kind, holdout: t.holdout, measure: t.measure, description: describeMeasure(t.measure),
      ...(t.observed !== undefined ? { observed: t.observed } : {}), ...(t.min !== undefined ? { min: t.min } : {}), ...(t.max !== undefined ? { max: t.max } : {}),
      tolerance: t.tolerance, weight: t.weight, ...(t.shape ? { shape: t.shape } : {}),
    })),
    textOnlyShapes: [...plan.targetsFile.textOnlyShapes],
    method: {
      type: 'abc-smc',
      particles: calibration.method.particles,
      until: calibration.method.until,
      quantile: calibration.method.quantile,
      kernelScale: plan.settings.kernelScale,
      tolerance: "generation 0: every simulation that did not fail; generation g: the weighted quantile (method.quantile) of generation g-1's distances",
      ...(calibration.method.kernel === 'truncated'
        ? {
          kernel: "truncated: the parameters whose weighted marginal in the previous generation differs from the prior (Kolmogorov-Smirnov distance above 1.36/sqrt(ESS)) are perturbed jointly by the multivariate normal kernel in sampling space (covariance kernelScale x their weighted covariance) truncated to the priors' box, drawn one conditional at a time (Geweke-Hajivassiliou-Keane), so every candidate is inside the box; the other parameters are drawn from their priors (generations.csv kernel_parameters)",
          weights: 'prior density of the perturbed parameters / sum over the previous particles of weight x truncated kernel density (exact), normalised to sum 1; the parameters drawn from their priors cancel',
        }
        : {
          kernel: 'multivariate normal in sampling space (ln x for log priors), covariance kernelScale x the weighted covariance of the previous generation',
          weights: 'prior density / sum over the previous particles of weight x kernel density, normalised to sum 1',
        }),
      generationBudget: `${generationBudget(plan.settings)} candidates (particles / until.acceptanceRate); a generation that runs out is dropped and the calibration stops`,
      reference: 'Beaumont, Cornuet, Marin & Robert (2009), Biometrika 96(4):983-990; Filippi, Barnes, Cornebise & Stumpf (2013), Stat. Appl. Genet. Mol. Biol. 12(1):87-107',
    },
    distance: 'sqrt(sum of weight x residual^2 / sum of weight) over the fitted targets; residual = (model - observed) / (tolerance x |observed|) for a value target, (model - bound) / (tolerance x |bound|) outside a bound or check, 0 inside',
    seeds: 'candidate i of generation g draws from RandomStream(hashInts(seed, g, i), "abc-smc:candidate") and its replicate r runs with seed hashInts(seed, g, i, r); predictive point p, replicate r: hashInts(seed, p, r), as defsim sweep seeds posterior-predictive.yaml',
    stopRule: result.stopReason,
    stopReason: stopReasonText(result.stopReason, calibration, result.generations.length),
    generations: result.generations.length,
    posteriorGeneration: result.posterior.generation,
    fitSimulations,
    predictiveSimulations: run.predictive.length * calibration.replicates,
    failed,
    pointEstimate: 'calibrated.yaml: the weighted marginal posterior median of each fitted parameter',
    predictiveScores: { fitted: score(predictions.filter((p) => !p.target.holdout)), holdout: score(predictions.filter((p) => p.target.holdout)) },
    units: {
      parameters: 'each in its unit from the parameter schema (manifest.parameters[].unit)',
      weight: 'share (the particle weights of a generation sum to 1)',
      distance: 'tolerance units (root-mean-square of the fitted targets residuals)',
      residual: "tolerance units: +1 is the top of a value target's band",
      tolerance: 'distance units',
      prior_sd: 'sampling scale: the parameter itself, or its natural log for log-uniform priors (sampling_scale log)',
      predictive: "each target's own measure, in the unit of the series it reads (units.series), or a ratio of two (predictive.csv measure)",
      tick: modelUnits.tick,
      series: Object.fromEntries(seriesRead.map((column) => [column, modelUnits[column] ?? 'unit not recorded'])),
    },
    tool: tool.tool,
    version: tool.version,
    model: plan.model.identity,
    modelVersion: plan.model.definition.version,
    gitCommit: tool.gitCommit,
    node: tool.node,
    citation: tool.citation,
    files,
  };
}
