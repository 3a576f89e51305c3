/**
 * Files of a sensitivity analysis (not pure: this is the I/O around the estimators). Reading: a
 * finished sobol/morris sweep directory (manifest.json and runs.csv, checked against the design
 * regenerated from the manifest's experiment), SALib's problem file, X.csv and Y.csv. Writing:
 * sensitivity.csv, convergence.csv, seed-noise.csv, the SALib export and the analysis manifest,
 * each through a temporary name, the manifest last (an earlier analysis's manifest is removed
 * first, so a half-written analysis never looks complete).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, inputError } from '../../engine/errors.js';
import { loadExperiment, type Experiment, type ParameterValue } from '../sweep/experiment.js';
import type { LoadedModel } from '../model/load.js';
import { manifestModel } from '../model/manifest-model.js';
import { LOCK_FILE } from '../io/lock.js';
import { jsonText, sha256, writeFileAtomic } from '../io/outputs.js';
import { readStructuredFile } from '../io/structured-file.js';
import { csvCell, formatNumber } from '../io/csv.js';
import type { ConvergenceRow, IndexRow } from './convergence.js';
import { crossCombinations, sampledPoints, unitDesign, type SampledDesign } from './design.js';
import type { RunValues } from './outputs.js';
import { parseSalibProblem, type Problem } from './problem.js';
import type { Design } from './sobol-sample.js';

/** Split CSV text into records (RFC 4180 quoting); `file` names it in errors. */
export function parseCsv(text: string, file: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    fields.push(field);
    field = '';
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      endField();
      records.push(fields);
      fields = [];
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else field += ch;
    i++;
  }
  if (quoted) throw new InputError(`malformed CSV in '${file}': a quoted field is not closed`);
  if (field !== '' || fields.length > 0) {
    endField();
    records.push(fields);
  }
  return records.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** A numeric CSV with a header: the column names and the columns as Float64Arrays (an empty cell is NaN). */
export function readNumberTable(path: string, what: string): { header: string[]; columns: Float64Array[]; rows: number } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${what} '${path}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const records = parseCsv(text, path);
  if (records.length < 2) throw new InputError(`'${path}' has no data rows (allowed: a header line of names, then one row per design point)`);
  const header = records[0].map((h) => h.trim());
  const columns = header.map(() => new Float64Array(records.length - 1));
  for (let r = 1; r < records.length; r++) {
    if (records[r].length !== header.length) throw new InputError(`'${path}' line ${r + 1}: ${records[r].length} fields, the header has ${header.length}`);
    records[r].forEach((cell, c) => {
      const text = cell.trim();
      const value = text === '' ? NaN : Number(text);
      if (text !== '' && !Number.isFinite(value)) throw new InputError(`'${path}' line ${r + 1}, column '${header[c]}': ${JSON.stringify(cell)} is not a number`);
      columns[c][r - 1] = value;
    });
  }
  return { header, columns, rows: records.length - 1 };
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
  let text: string;
  try {
    text = readFileSync(runsPath, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read '${runsPath}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const expectedSha = (manifest.files as Record<string, string> | undefined)?.['runs.csv'];
  if (expectedSha && sha256(text) !== expectedSha) throw new InputError(`'${runsPath}' does not match the sha256 in its manifest (changed after the sweep?)`);
  const records = parseCsv(text, runsPath);
  const header = records[0];
  const varied = Object.keys(points[0]);
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new InputError(`'${runsPath}' has no column '${name}'`);
    return i;
  };
  const [runAt, pointAt, statusAt] = ['run_id', 'point_id', 'status'].map(col);
  const variedAt = varied.map(col);
  const metricAt = metricNames.map(col);
  const total = points.length * replicates;
  if (records.length - 1 !== total) throw new InputError(`'${runsPath}' has ${records.length - 1} runs; the design makes ${total}`);
  const metrics = new Map(metricNames.map((m) => [m, new Float64Array(total).fill(NaN)] as const));
  let failed = 0;
  for (let r = 1; r < records.length; r++) {
    const row = records[r];
    const runId = Number(row[runAt]);
    const pointId = Number(row[pointAt]);
    if (runId !== r - 1 || pointId !== Math.floor(runId / replicates)) throw new InputError(`'${runsPath}' line ${r + 1}: run ${row[runAt]} of point ${row[pointAt]} is out of order`);
    // The runs must be of this design: their parameters equal the regenerated points' values.
    varied.forEach((key, v) => {
      if (row[variedAt[v]] !== String(points[pointId][key])) {
        throw new InputError(`'${runsPath}' line ${r + 1}: ${key} = ${row[variedAt[v]]}, but the design regenerated from the manifest has ${String(points[pointId][key])} (made by another version of defsim's design code?)`);
      }
    });
    if (row[statusAt] !== 'ok') failed++;
    metricNames.forEach((m, k) => {
      const cell = row[metricAt[k]];
      metrics.get(m)![runId] = cell === '' ? NaN : Number(cell);
    });
  }
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
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, manifestName), { force: true });
  const hashes: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    if (name.includes('/')) mkdirSync(join(dir, name.slice(0, name.lastIndexOf('/'))), { recursive: true });
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
