/**
 * The `analyze` and `sample` commands (yargs command modules, registered in runners/cli.ts).
 *
 *   defsim analyze DIR                      a finished sobol/morris sweep: DIR/sensitivity.csv, convergence.csv,
 *                                           seed-noise.csv, sensitivity-manifest.json, and the report in DIR/report/
 *   defsim analyze DIR --out OUT            the same as a directory of its own (manifest.json, report/ inside)
 *   defsim analyze --problem P --method M --x X.csv --y Y.csv --out OUT    outputs computed elsewhere
 *   defsim sample P --method M --samples N --out X.csv                     a design alone (X.csv + X.manifest.json)
 */
import { basename, dirname, extname, join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { InputError, inputError } from '../../engine/errors.js';
import { checkValue, int, num } from '../../engine/schema.js';
import type { LoadedModel } from '../model/load.js';
import { MODEL_OPTION } from '../model/option.js';
import { lockDirectory } from '../io/lock.js';
import { writingTo } from '../io/output-error.js';
import { toolInfo, writeFileAtomic, jsonText } from '../io/outputs.js';
import { runsProgress } from '../io/progress.js';
import { analyzeOutput, type AnalysisSettings, type Method, type OutputAnalysis } from './analyze.js';
import { DEFAULT_MAX_WIDTH, DEFAULT_MOVE_TOLERANCE } from './convergence.js';
import { designManifest, designProblem } from './design.js';
import {
  checkAnalysisDirectory, convergenceCsv, loadSweepForAnalysis, numberTableCsv, readNumberTable, readProblemFile,
  seedNoiseCsv, sensitivityCsv, writeAnalysisFiles,
} from './files.js';
import { morrisDesignChunks } from './morris-sample.js';
import { quantile } from './distributions.js';
import { CsvFile, csvCell, formatNumber } from '../io/csv.js';
import { buildOutputs, type OutputSeries } from './outputs.js';
import { factorsOf, toSalibProblem, type Problem } from './problem.js';
import { DEFAULT_RESAMPLES } from './sobol-analysis.js';
import { scaleDesign, sobolDesignChunks } from './sobol-sample.js';
import { seedNoise } from './seed-noise.js';

/** The file an analysis of a sweep directory writes its manifest to (manifest.json is the sweep's). */
export const SWEEP_ANALYSIS_MANIFEST = 'sensitivity-manifest.json';
/** ST above this for a policy effect puts a parameter in the report's "what the answer depends on". */
export const DEFAULT_THRESHOLD = 0.1;

const SETTINGS = {
  resamples: int(DEFAULT_RESAMPLES, 'Bootstrap resamples', { min: 2, max: 1_000_000 }),
  seed: int(1, 'Bootstrap seed', { min: 0, max: Number.MAX_SAFE_INTEGER }),
  maxWidth: num(DEFAULT_MAX_WIDTH, 'Widest acceptable 95% interval', { min: 0, max: 1e9 }),
  moveTolerance: num(DEFAULT_MOVE_TOLERANCE, 'Largest acceptable move between the last two convergence steps', { min: 0, max: 1e9 }),
  threshold: num(DEFAULT_THRESHOLD, 'ST threshold of the report', { min: 0, max: 1 }),
  levels: int(4, 'Morris levels', { min: 2, max: 1000 }),
  samples: int(1024, 'Base samples or trajectories', { min: 2, max: 2 ** 24 }),
  candidates: int(100, 'Candidate trajectories', { min: 3, max: 10_000 }),
};

function setting<K extends keyof typeof SETTINGS>(key: K, flag: string, value: unknown, fallback?: number): number {
  if (value === undefined) return fallback ?? SETTINGS[key].default;
  return checkValue(flag, SETTINGS[key], value) as number;
}

function methodOf(value: unknown): Method {
  if (value !== 'sobol' && value !== 'morris') throw inputError('--method', value, 'sobol or morris');
  return value;
}

interface AnalyzeArgs {
  dir?: string;
  model?: string;
  problem?: string;
  method?: string;
  x?: string;
  y?: string;
  out?: string;
  resamples?: string;
  seed?: string;
  'max-width'?: string;
  'move-tolerance'?: string;
  threshold?: string;
  metrics?: string;
  'second-order': boolean;
  levels?: string;
  salib: boolean;
  report: boolean;
  quiet: boolean;
}

interface Analysed {
  output: Pick<OutputSeries, 'name' | 'metric' | 'statistic' | 'cross' | 'baseline'>;
  result: OutputAnalysis;
  noise?: Noise;
}

type Noise = ReturnType<typeof seedNoise> & { rows: number; replicates: number };

export const analyzeCommand: CommandModule<object, AnalyzeArgs> = {
  command: 'analyze [dir]',
  describe: 'Sensitivity analysis: Sobol or Morris indices with intervals, convergence and a report, of a sobol/morris sweep or of outputs computed elsewhere',
  builder: (y: Argv) =>
    y
      .positional('dir', { type: 'string', describe: 'A finished sweep with a sobol or morris design' })
      .option('problem', { type: 'string', describe: "SALib's problem definition (JSON or YAML) for outputs computed elsewhere (with --method, --x, --y, --out)" })
      .option('method', { type: 'string', describe: 'sobol or morris (with --problem)' })
      .option('model', { ...MODEL_OPTION, describe: "The model module of the sweep, when the file its manifest records has moved (default: the manifest's model; its sha256 must match)" })
      .option('x', { type: 'string', describe: 'X.csv: one column per input (header: the names), one row per point, in SALib row order' })
      .option('y', { type: 'string', describe: 'Y.csv: one column per output (header: the output names), the same rows' })
      .option('out', { type: 'string', describe: 'Write the analysis as a directory of its own (default for a sweep: into DIR, report in DIR/report/)' })
      .option('resamples', { type: 'string', describe: `Bootstrap resamples for the intervals (default ${DEFAULT_RESAMPLES})` })
      .option('seed', { type: 'string', describe: "Bootstrap seed (default: the sweep's experiment seed, or 1)" })
      .option('max-width', { type: 'string', describe: `Flag an index whose 95% interval is wider than this (default ${DEFAULT_MAX_WIDTH}; Morris: share of the largest mu*)` })
      .option('move-tolerance', { type: 'string', describe: `Flag an index that moves more than this between the last two convergence steps (default ${DEFAULT_MOVE_TOLERANCE})` })
      .option('threshold', { type: 'string', describe: `The report lists the parameters whose ST for a policy effect is above this (default ${DEFAULT_THRESHOLD})` })
      .option('metrics', { type: 'string', describe: 'Comma-separated metrics to analyse (default: every metric of the sweep)' })
      .option('second-order', { type: 'boolean', default: true, describe: 'With --problem: the Sobol design has second-order rows (--no-second-order if not)' })
      .option('levels', { type: 'string', describe: 'With --problem: the Morris design\'s levels (default 4)' })
      .option('salib', { type: 'boolean', default: false, describe: "Also export the problem, X and Y in SALib's layout (salib/)" })
      .option('report', { type: 'boolean', default: true, describe: 'Render the charts and report page (--no-report to skip)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress output' }) as unknown as Argv<AnalyzeArgs>,
  handler: async (args) => {
    const external = args.problem !== undefined || args.x !== undefined || args.y !== undefined;
    if (external && args.dir !== undefined) throw new InputError('give either a sweep directory or --problem with --x and --y, not both');
    if (!external && args.dir === undefined) throw new InputError('name a sweep directory (defsim analyze DIR) or outputs computed elsewhere (--problem, --method, --x, --y, --out)');
    // One writer per directory (runners/io/lock.ts): the sweep directory, or --out.
    const target = external ? args.out : (args.out ?? args.dir);
    if (target === undefined) throw new InputError('outputs computed elsewhere need all of --problem, --method, --x, --y and --out');
    const rerun = ['defsim', 'analyze', ...process.argv.slice(3)].join(' ');
    const lock = lockDirectory(target, { key: args.out !== undefined ? '--out' : 'DIR' });
    try {
      await writingTo(target, rerun, async () => {
        if (external) await analyzeExternal(args);
        else await analyzeSweep(args);
        if (args.report) {
          const { renderReport } = await import('../../reports/index.js');
          const report = await renderReport(target, {});
          if (!args.quiet) console.log(`report: ${report.html} (${report.charts.length} charts)`);
        }
      });
    } finally {
      lock.release();
    }
  },
};

/** `defsim sweep --report` on a sobol/morris design: the analysis with default settings, then its report. */
export async function analyzeAfter(dir: string, quiet: boolean): Promise<void> {
  await analyzeCommand.handler({ dir, 'second-order': true, salib: false, report: true, quiet, _: [], $0: 'defsim' } as never);
}

function commonSettings(args: AnalyzeArgs, seed: number): AnalysisSettings & { threshold: number } {
  return {
    resamples: setting('resamples', '--resamples', args.resamples),
    seed: setting('seed', '--seed', args.seed, seed),
    maxWidth: setting('maxWidth', '--max-width', args['max-width']),
    moveTolerance: setting('moveTolerance', '--move-tolerance', args['move-tolerance']),
    threshold: setting('threshold', '--threshold', args.threshold),
    secondOrder: args['second-order'],
    levels: setting('levels', '--levels', args.levels),
  };
}

/** Analyse every output with progress; `noise` gives an output's seed noise, when there are replicates. */
function analyseAll(method: Method, problem: Problem, unitX: Float64Array, outputs: readonly OutputSeries[] | readonly { name: string; values: Float64Array }[], settings: AnalysisSettings, quiet: boolean, noise?: (o: OutputSeries) => Noise): Analysed[] {
  const progress = runsProgress(`analyze (${method})`, quiet, { unit: 'outputs', failures: false, intervalMs: 3000 });
  const out: Analysed[] = [];
  try {
    outputs.forEach((output, i) => {
      progress.update(i, outputs.length, 0);
      const o = output as OutputSeries;
      const meta = { name: o.name, metric: o.metric ?? o.name, statistic: o.statistic ?? 'mean', cross: o.cross ?? {}, ...(o.baseline ? { baseline: o.baseline } : {}) };
      const result = analyzeOutput(method, problem, unitX, o.values, settings);
      out.push({ output: meta, result, ...(noise ? { noise: noise(o) } : {}) });
    });
    progress.update(outputs.length, outputs.length, 0);
  } finally {
    progress.stop();
  }
  return out;
}

function analysisManifest(method: Method, problem: Problem, settings: AnalysisSettings & { threshold: number }, analysed: Analysed[], extra: Record<string, unknown>, model?: LoadedModel): Record<string, unknown> {
  const tool = toolInfo();
  return {
    kind: 'sensitivity',
    method,
    ...extra,
    problem: toSalibProblem(problem),
    factors: factorsOf(problem).names,
    settings: {
      resamples: settings.resamples, bootstrapSeed: settings.seed, confidence: 0.95, maxWidth: settings.maxWidth,
      moveTolerance: settings.moveTolerance, threshold: settings.threshold,
      ...(method === 'sobol' ? { secondOrder: settings.secondOrder } : { levels: settings.levels }),
    },
    estimators: method === 'sobol'
      ? 'SALib analyze.sobol: Y normalised; S1 Saltelli et al. (2010), ST Jansen (1999), S2 Saltelli (2002); intervals value ± 1.96 × bootstrap sd over base samples (docs/SENSITIVITY.md)'
      : 'SALib analyze.morris: mu, mu* (Campolongo et al. 2007), sigma; mu* interval ± 1.96 × bootstrap sd over trajectories (docs/SENSITIVITY.md)',
    outputs: analysed.filter((a) => !a.result.skipped).map((a) => a.output),
    skipped: analysed.filter((a) => a.result.skipped).map((a) => ({ name: a.output.name, reason: (a.result as { reason: string }).reason })),
    ...tool, ...(model ? { model: model.identity, modelVersion: model.definition.version } : {}),
  };
}

function resultFiles(analysed: Analysed[]): Record<string, string> {
  const done = analysed.flatMap((a) => (a.result.skipped ? [] : [{ name: a.output.name, ...a.result }]));
  const files: Record<string, string> = { 'sensitivity.csv': sensitivityCsv(done), 'convergence.csv': convergenceCsv(done) };
  const noisy = analysed.filter((a) => a.noise && !a.result.skipped);
  if (noisy.length > 0) files['seed-noise.csv'] = seedNoiseCsv(noisy.map((a) => ({ name: a.output.name, ...a.noise! })));
  return files;
}

async function analyzeSweep(args: AnalyzeArgs): Promise<string> {
  const dir = args.dir!;
  const sweep = await loadSweepForAnalysis(dir, args.model);
  const model = sweep.model.definition;
  const method = sweep.design.type;
  const problem = designProblem(model, sweep.design);
  const settings = commonSettings(args, sweep.experiment.seed);
  if (method === 'morris') settings.levels = sweep.design.levels;
  if (method === 'sobol') settings.secondOrder = sweep.design.secondOrder;
  const metrics = args.metrics === undefined ? sweep.metricNames : args.metrics.split(',').map((m) => m.trim()).filter(Boolean);
  for (const m of metrics) if (!sweep.metricNames.includes(m)) throw inputError('--metrics', m, `metrics of this sweep: ${sweep.metricNames.join(', ')}`);
  if (args.out !== undefined) checkAnalysisDirectory(args.out);
  const outputs = buildOutputs(sweep.runs, metrics, sweep.baseline, model.outcomes?.spendMetric ?? null);
  const R = sweep.runs.replicates;
  const analysed = analyseAll(method, problem, sweep.unit.unit, outputs, settings, args.quiet,
    (o) => ({ ...seedNoise(o.values, o.replicateValues, R, sweep.commonSeeds), rows: sweep.unit.rows, replicates: R }));
  const files = resultFiles(analysed);
  if (args.salib) Object.assign(files, salibExport(problem, sweep.unit.unit, outputs.filter((o) => analysed.some((a) => a.output.name === o.name && !a.result.skipped)), method, settings));
  const manifest = analysisManifest(method, problem, settings, analysed, {
    source: {
      experiment: sweep.experiment.name, manifestSha256: sweep.manifestSha256,
      experimentHash: sweep.manifest.experimentHash, replicates: R, seeds: sweep.experiment.seeds, failedRuns: sweep.failedRuns,
      ...(sweep.baseline ? { baseline: sweep.baseline } : {}),
    },
    design: designManifest(model, sweep.design, sweep.experiment.seed),
    eachPointsOutput: 'the mean of its replicates (finite values only)',
    seedNoise: `seed-noise.csv: the mean variance of a point's replicate mean over the variance of the point outputs${sweep.commonSeeds ? ", after taking out each replicate's shift common to all points (seeds: common)" : ''}`,
  }, sweep.model);
  const target = args.out ?? dir;
  writeAnalysisFiles(target, files, manifest, args.out ? 'manifest.json' : SWEEP_ANALYSIS_MANIFEST);
  if (!args.quiet) summarise(target, analysed, Object.keys(files));
  return target;
}

async function analyzeExternal(args: AnalyzeArgs): Promise<string> {
  if (args.problem === undefined || args.x === undefined || args.y === undefined || args.out === undefined || args.method === undefined) {
    throw new InputError('outputs computed elsewhere need all of --problem, --method, --x, --y and --out');
  }
  const method = methodOf(args.method);
  const problem = readProblemFile(args.problem);
  const settings = commonSettings(args, 1);
  checkAnalysisDirectory(args.out);
  const X = readNumberTable(args.x, 'the design X');
  const Y = readNumberTable(args.y, 'the outputs Y');
  if (X.header.join(',') !== problem.names.join(',')) throw inputError(`${args.x} header`, X.header.join(','), `the problem's names in order: ${problem.names.join(',')}`);
  if (Y.rows !== X.rows) throw new InputError(`'${args.y}' has ${Y.rows} rows, '${args.x}' has ${X.rows} (allowed: one output row per design row, in the same order)`);
  const inputs = problem.names.length;
  const unitX = new Float64Array(X.rows * inputs);
  X.columns.forEach((column, j) => column.forEach((v, i) => (unitX[i * inputs + j] = v)));
  const outputs = Y.header.map((name, c) => ({ name, values: Y.columns[c] }));
  const analysed = analyseAll(method, problem, unitX, outputs, settings, args.quiet);
  const files = resultFiles(analysed);
  if (args.salib) Object.assign(files, salibExport(problem, unitX, outputs, method, settings, true));
  const manifest = analysisManifest(method, problem, settings, analysed, {
    source: { problem: basename(args.problem), x: basename(args.x), y: basename(args.y), rows: X.rows },
  });
  writeAnalysisFiles(args.out, files, manifest, 'manifest.json');
  if (!args.quiet) summarise(args.out, analysed, Object.keys(files));
  return args.out;
}

function summarise(dir: string, analysed: Analysed[], files: string[]): void {
  const done = analysed.filter((a) => !a.result.skipped).length;
  console.log(`analysed ${done} of ${analysed.length} outputs${done < analysed.length ? ` (${analysed.length - done} skipped: see the manifest's "skipped")` : ''}; wrote ${files.join(', ')} and the manifest in ${dir}`);
}

/**
 * SALib's layout: problem.json (SALib's dictionary), X.csv (the design in SALib's row order,
 * continuous values: integer and list parameters as the uniform whose floor was run), Y.csv (one
 * column per analysed output) and a README with the Python that reproduces the indices.
 */
function salibExport(problem: Problem, unit: Float64Array, outputs: readonly { name: string; values: Float64Array }[], method: Method, settings: AnalysisSettings, scaled = false): Record<string, string> {
  const inputs = problem.names.length;
  const values = scaled ? unit : scaleDesign(problem, unit);
  const rows = values.length / inputs;
  const xColumns = problem.names.map((_, j) => Float64Array.from({ length: rows }, (_, i) => values[i * inputs + j]));
  const call = method === 'sobol'
    ? `sobol.analyze(problem, Y[:, j], calc_second_order=${settings.secondOrder ? 'True' : 'False'}, num_resamples=${settings.resamples})`
    : `morris.analyze(problem, X, Y[:, j], num_levels=${settings.levels}, num_resamples=${settings.resamples})`;
  const readme = [
    '# SALib export of a defsim analysis',
    '',
    "problem.json is SALib's problem dictionary; X.csv the design (header: the input names) in SALib's row order; Y.csv one column per output (header: the output names), the same rows.",
    'SALib gets the same point estimates (its estimators are the ones defsim uses); its intervals come from its own random resampling and differ in the last digits.',
    '',
    '```python',
    'import json, numpy as np',
    `from SALib.analyze import ${method}`,
    "problem = json.load(open('problem.json'))",
    "X = np.loadtxt('X.csv', delimiter=',', skiprows=1)",
    "Y = np.loadtxt('Y.csv', delimiter=',', skiprows=1, ndmin=2)",
    "names = open('Y.csv').readline().strip().split(',')",
    'for j, name in enumerate(names):',
    `    print(name, ${call})`,
    '```',
    '',
  ].join('\n');
  return {
    'salib/problem.json': jsonText(toSalibProblem(problem)),
    'salib/X.csv': numberTableCsv(problem.names, xColumns),
    'salib/Y.csv': numberTableCsv(outputs.map((o) => o.name), outputs.map((o) => o.values)),
    'salib/README.md': readme,
  };
}

// ─── sample ─────────────────────────────────────────────────────────────────

interface SampleArgs {
  problem: string;
  method?: string;
  samples?: string;
  'second-order': boolean;
  levels?: string;
  candidates?: string;
  seed?: string;
  out?: string;
  quiet: boolean;
}

export const sampleCommand: CommandModule<object, SampleArgs> = {
  command: 'sample <problem>',
  describe: "A Sobol (Saltelli) or Morris design alone, for a model outside defsim: X.csv in SALib's row order, and X.manifest.json",
  builder: (y: Argv) =>
    y
      .positional('problem', { type: 'string', describe: "SALib's problem definition (JSON or YAML: num_vars, names, bounds, optional groups, dists)" })
      .option('method', { type: 'string', describe: 'sobol or morris' })
      .option('samples', { type: 'string', describe: 'Sobol: base samples N (a power of 2); Morris: trajectories' })
      .option('second-order', { type: 'boolean', default: true, describe: 'Sobol: rows for second-order indices too (--no-second-order: N·(k+2) rows)' })
      .option('levels', { type: 'string', describe: 'Morris: grid levels (even, default 4)' })
      .option('candidates', { type: 'string', describe: 'Morris: optimised trajectories, the most spread of this many candidates' })
      .option('seed', { type: 'string', describe: 'Seed of the scrambling / trajectories (default 1)' })
      .option('out', { type: 'string', describe: 'The design file (default X.csv)' })
      .option('quiet', { type: 'boolean', default: false }) as unknown as Argv<SampleArgs>,
  handler: (args) => {
    const method = methodOf(args.method);
    const problem = readProblemFile(args.problem);
    const out = args.out ?? 'X.csv';
    // One writer per directory (runners/io/lock.ts): the one X.csv and its manifest go into.
    const lock = lockDirectory(dirname(out), { key: '--out' });
    try {
      writeSample(args, method, problem, out);
    } finally {
      lock.release();
    }
  },
};

/**
 * Write the design a chunk of rows at a time (a CSV written through a temporary name and renamed
 * into place, hashed as it goes), then X.manifest.json: memory stays a chunk, whatever the rows.
 */
function writeSample(args: SampleArgs, method: Method, problem: Problem, out: string): void {
  const samples = setting('samples', '--samples', args.samples);
  const seed = setting('seed', '--seed', args.seed);
  const levels = setting('levels', '--levels', args.levels);
  const candidates = args.candidates === undefined ? undefined : setting('candidates', '--candidates', args.candidates);
  const chunks = method === 'sobol'
    ? sobolDesignChunks(problem, samples, { seed, secondOrder: args['second-order'] })
    : morrisDesignChunks(problem, samples, { seed, levels, candidates });
  const inputs = problem.names.length;
  const file = new CsvFile(out, problem.names.map(csvCell));
  let rows = 0;
  try {
    for (const unit of chunks) {
      const cells = new Array<string>(inputs);
      for (let row = 0; row < unit.length / inputs; row++) {
        for (let j = 0; j < inputs; j++) cells[j] = formatNumber(quantile(problem.dists[j], unit[row * inputs + j]));
        file.line(cells.join(','));
      }
      rows += unit.length / inputs;
    }
  } catch (error) {
    file.abandon();
    throw error;
  }
  const sha = file.finish();
  const tool = toolInfo();
  const manifestPath = join(dirname(out), `${basename(out, extname(out))}.manifest.json`);
  writeFileAtomic(manifestPath, jsonText({
    kind: 'sample', method, problem: toSalibProblem(problem), factors: factorsOf(problem).names, rows, seed,
    ...(method === 'sobol'
      ? { baseSamples: samples, secondOrder: args['second-order'], rowOrder: `per base sample: A, AB_1..AB_k, ${args['second-order'] ? 'BA_1..BA_k, ' : ''}B (SALib)` }
      : { trajectories: samples, levels, ...(candidates ? { candidates } : {}), rowOrder: 'k+1 rows per trajectory, one factor moving per row (SALib)' }),
    ...tool,
    files: { [basename(out)]: sha },
  }));
  if (!args.quiet) console.log(`wrote ${out} (${rows} rows × ${inputs} inputs) and ${manifestPath}`);
}
