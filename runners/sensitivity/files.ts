/**
 * Files of a sensitivity analysis (not pure: this is the I/O around the estimators). Reading: a
 * finished sobol/morris sweep directory (manifest.json and runs.csv, checked against the design
 * regenerated from the manifest's experiment), SALib's problem file, X.csv and Y.csv. Writing:
 * sensitivity.csv, convergence.csv, seed-noise.csv, the SALib export and the analysis manifest,
 * each through a temporary name, the manifest last (an earlier analysis's manifest is removed
 * first, so a half-written analysis never looks complete).
 */
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, inputError } from '../../engine/errors.js';
import { createHash } from 'node:crypto';
import { loadExperiment, type Experiment, type ParameterValue } from '../sweep/experiment.js';
import type { LoadedModel } from '../model/load.js';
import { manifestModel } from '../model/manifest-model.js';
import { fileOperation } from '../io/fault-injection.js';
import { LOCK_FILE } from '../io/lock.js';
import { makeDirectory } from '../io/output-error.js';
import { sha256File } from '../reproduce/manifest.js';
import { forEachCsvRecord, readNumberColumns } from '../io/csv-columns.js';
import { jsonText, sha256, writeFileAtomic } from '../io/outputs.js';
import { readStructuredFile } from '../io/structured-file.js';
import { csvCell, formatNumber } from '../io/csv.js';
import type { ConvergenceRow, IndexRow } from './convergence.js';
import { crossCombinations, sampledPoints, unitDesign, type SampledDesign } from './design.js';
import type { RunValues } from './outputs.js';
import { parseSalibProblem, type Problem } from './problem.js';
import type { Design } from './sobol-sample.js';

/**
 * A numeric CSV with a header: the column names and the columns as Float64Arrays (an empty cell is
 * NaN), read a chunk at a time with no object per row (runners/io/csv-columns.ts). Duplicate column
 * names are refused: an output named twice cannot be told apart in the results.
 */
export function readNumberTable(path: string, what: string): { header: string[]; columns: Float64Array[]; rows: number } {
  const table = readNumberColumns(path, what);
  const seen = new Set<string>();
  table.header.forEach((name, c) => {
    if (seen.has(name)) throw new InputError(`'${path}' header, column ${c + 1}: ${JSON.stringify(name)} names an earlier column too (allowed: each column named once)`);
    seen.add(name);
  });
  return table;
}

/** SALib's problem definition from a JSON or YAML file. */
export function readProblemFile(path: string): Problem {
  return parseSalibProblem(readStructuredFile(path), 'problem');
}

// ─── a sampled sweep ────────────────────────────────────────────────────────

export interface SweepForAnalysis {
  readonly dir: string;
  readonly manifest: Record<string, unknown>;
  readonly manifestSha256: string;
  /** The model the sweep ran (its manifest's `model`, or --model for a module that moved). */
  readonly model: LoadedModel;
  readonly experiment: Experiment;
  readonly design: SampledDesign;
  readonly unit: Design;
  readonly runs: RunValues;
  readonly metricNames: readonly string[];
  readonly commonSeeds: boolean;
  readonly failedRuns: number;
  readonly baseline?: Record<string, ParameterValue>;
}

function readJson(path: string, what: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`cannot read ${what} '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Read a finished sobol or morris sweep; bad or unfinished directories are refused with one message. */
export async function loadSweepForAnalysis(dir: string, modelOverride?: string): Promise<SweepForAnalysis> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw inputError('DIR', dir, 'a sweep result directory (written by defsim sweep)');
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    const unfinished = existsSync(join(dir, 'journal.ndjson'));
    throw new InputError(`'${dir}' has no manifest.json: ${unfinished ? 'the sweep is not finished (finish it with defsim sweep EXPERIMENT --out DIR --resume)' : 'not a sweep result directory'}`);
  }
  const manifestText = readFileSync(manifestPath, 'utf8');
  const manifest = readJson(manifestPath, 'the sweep manifest');
  if (manifest.kind !== 'sweep') throw new InputError(`'${dir}' holds a ${String(manifest.kind)} result (allowed: a sweep with a sobol or morris design)`);
  if (manifest.shard !== undefined) throw new InputError(`'${dir}' holds shard ${String(manifest.shard)} of a sweep (allowed: the whole sweep: combine the shards with defsim merge first)`);
  const model = await manifestModel(dir, manifest, modelOverride);
  const experiment = loadExperiment(manifest.experiment as Experiment, { maxRuns: Number.MAX_SAFE_INTEGER, model });
  const design = experiment.design;
  if (design.type !== 'sobol' && design.type !== 'morris') {
    throw new InputError(`'${dir}' holds a ${design.type} sweep (allowed: a sweep whose design is sobol or morris; see docs/SENSITIVITY.md)`);
  }
  const unit = unitDesign(model.definition, design, experiment.seed);
  const points = sampledPoints(model.definition, design, experiment.seed);
  const combinations = crossCombinations(design.cross);
  const replicates = experiment.replicates;
  const metricNames = (manifest.metrics as string[] | undefined) ?? [];
  const runsPath = join(dir, 'runs.csv');
  const varied = Object.keys(points[0]);
  const total = points.length * replicates;
  const metrics = new Map(metricNames.map((m) => [m, new Float64Array(total).fill(NaN)] as const));
  const columns = metricNames.map((m) => metrics.get(m)!);
  let failed = 0;
  let runs = 0;
  let at: { run: number; point: number; status: number; varied: number[]; metrics: number[] } | null = null;
  // Read a record at a time into the metric columns (no object per row is kept), hashing as it goes.
  const expectedSha = (manifest.files as Record<string, string> | undefined)?.['runs.csv'];
  const changed = new InputError(`'${runsPath}' does not match the sha256 in its manifest (changed after the sweep?)`);
  const hash = createHash('sha256');
  try {
    forEachCsvRecord(runsPath, (row, r) => {
      if (r === 0) {
        const col = (name: string) => {
          const i = row.indexOf(name);
          if (i < 0) throw new InputError(`'${runsPath}' has no column '${name}'`);
          return i;
        };
        at = { run: col('run_id'), point: col('point_id'), status: col('status'), varied: varied.map(col), metrics: metricNames.map(col) };
        return;
      }
      const { run, point, status, varied: variedAt, metrics: metricAt } = at!;
      runs++;
      if (runs > total) throw new InputError(`'${runsPath}' has more runs than the ${total} the design makes`);
      const runId = Number(row[run]);
      const pointId = Number(row[point]);
      if (runId !== r - 1 || pointId !== Math.floor(runId / replicates)) throw new InputError(`'${runsPath}' line ${r + 1}: run ${row[run]} of point ${row[point]} is out of order`);
      // The runs must be of this design: their parameters equal the regenerated points' values.
      for (let v = 0; v < varied.length; v++) {
        const key = varied[v];
        if (row[variedAt[v]] !== String(points[pointId][key])) {
          throw new InputError(`'${runsPath}' line ${r + 1}: ${key} = ${row[variedAt[v]]}, but the design regenerated from the manifest has ${String(points[pointId][key])} (made by another version of defsim's design code?)`);
        }
      }
      if (row[status] !== 'ok') failed++;
      for (let k = 0; k < columns.length; k++) {
        const cell = row[metricAt[k]];
        columns[k][runId] = cell === '' ? NaN : Number(cell);
      }
    }, { onBytes: (bytes) => hash.update(bytes) });
  } catch (error) {
    // A file changed after the sweep is reported as that, whatever its rows look like.
    if (expectedSha && error instanceof InputError && existsSync(runsPath) && sha256File(runsPath) !== expectedSha) throw changed;
    throw error;
  }
  if (expectedSha && hash.digest('hex') !== expectedSha) throw changed;
  if (runs !== total) throw new InputError(`'${runsPath}' has ${runs} runs; the design makes ${total}`);
  const baseline = (experiment as Experiment & { baseline?: Record<string, ParameterValue> }).baseline;
  return {
    dir, manifest, manifestSha256: sha256(manifestText), model, experiment, design, unit,
    runs: { rows: unit.rows, replicates, combinations, metrics },
    metricNames, commonSeeds: experiment.seeds === 'common', failedRuns: failed,
    ...(baseline ? { baseline } : {}),
  };
}

// ─── writing ────────────────────────────────────────────────────────────────

export const SENSITIVITY_HEADER = ['metric', 'parameter', 'index', 'value', 'ci95_low', 'ci95_high'];
export const CONVERGENCE_HEADER = ['metric', 'parameter', 'index', 'samples', 'value', 'ci95_low', 'ci95_high', 'flag'];
export const SEED_NOISE_HEADER = ['metric', 'rows', 'replicates', 'output_variance', 'seed_noise_variance', 'seed_noise_share'];

function lines(header: string[], rows: string[][]): string {
  return [header, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}

export function sensitivityCsv(results: readonly { name: string; rows: readonly IndexRow[] }[]): string {
  return lines(SENSITIVITY_HEADER, results.flatMap(({ name, rows }) => rows.map((r) => [csvCell(name), csvCell(r.parameter), r.index, formatNumber(r.value), formatNumber(r.low), formatNumber(r.high)])));
}

export function convergenceCsv(results: readonly { name: string; convergence: readonly ConvergenceRow[] }[]): string {
  return lines(CONVERGENCE_HEADER, results.flatMap(({ name, convergence }) => convergence.map((r) => [
    csvCell(name), csvCell(r.parameter), r.index, String(r.samples), formatNumber(r.value), formatNumber(r.low), formatNumber(r.high), r.flag,
  ])));
}

export function seedNoiseCsv(rows: readonly { name: string; rows: number; replicates: number; outputVariance: number; noiseVariance: number; share: number }[]): string {
  return lines(SEED_NOISE_HEADER, rows.map((r) => [csvCell(r.name), String(r.rows), String(r.replicates), formatNumber(r.outputVariance), formatNumber(r.noiseVariance), formatNumber(r.share)]));
}

/** A numeric table as CSV: header, then one row per entry of the columns. */
export function numberTableCsv(header: readonly string[], columns: readonly ArrayLike<number>[]): string {
  const rows = columns.length ? columns[0].length : 0;
  const out: string[] = [header.map(csvCell).join(',')];
  for (let i = 0; i < rows; i++) out.push(columns.map((c) => formatNumber(c[i])).join(','));
  return out.join('\n') + '\n';
}

/**
 * Write the analysis files into `dir`, the manifest (named `manifestName`) last, with the sha256
 * of every file. An earlier analysis's manifest is removed before anything is written.
 */
export function writeAnalysisFiles(dir: string, files: Record<string, string>, manifest: Record<string, unknown>, manifestName: string): Record<string, string> {
  makeDirectory(dir);
  rmSync(join(dir, manifestName), { force: true });
  fileOperation();
  const hashes: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    if (name.includes('/')) makeDirectory(join(dir, name.slice(0, name.lastIndexOf('/'))));
    hashes[name] = writeFileAtomic(join(dir, name), content);
  }
  writeFileAtomic(join(dir, manifestName), jsonText({ ...manifest, files: hashes }));
  return hashes;
}

/** A standalone analysis directory must be new, empty, or hold an earlier analysis (which is replaced). */
export function checkAnalysisDirectory(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw inputError('--out', dir, 'a directory path (this is a file)');
  const entries = readdirSync(dir).filter((e) => e !== LOCK_FILE); // our own lock is not content
  if (entries.length === 0) return;
  const manifest = join(dir, 'manifest.json');
  const earlier = existsSync(manifest) && (() => {
    try {
      return (JSON.parse(readFileSync(manifest, 'utf8')) as { kind?: unknown }).kind === 'sensitivity';
    } catch {
      return false;
    }
  })();
  if (!earlier) throw inputError('--out', dir, 'a new or empty directory, or one holding an earlier defsim analyze result (this one holds other files)');
}
