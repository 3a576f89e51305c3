/**
 * Reads a sensitivity analysis (written by `defsim analyze`, docs/FORMATS.md): a directory of its
 * own (manifest.json with "kind": "sensitivity") or a sobol/morris sweep directory holding one
 * (sensitivity-manifest.json beside the sweep's manifest.json). Files only; no model code.
 */
import { basename, join } from 'node:path';
import { columnIndex, hasColumn, type Table } from './csv.js';
import { ReportInputError } from './errors.js';
import type { InputFilesReader, LoadedCommon } from './input-files.js';

export const SWEEP_ANALYSIS_MANIFEST = 'sensitivity-manifest.json';

export interface SensitivityOutput {
  /** As in sensitivity.csv's metric column. */
  readonly name: string;
  readonly metric: string;
  readonly statistic: 'mean' | 'effect' | 'effect_per_million_usd';
  readonly cross: Readonly<Record<string, string>>;
  readonly baseline?: Readonly<Record<string, string>>;
}

export interface IndexValue {
  readonly parameter: string;
  readonly index: string;
  readonly value: number;
  readonly low: number;
  readonly high: number;
}

export interface ConvergenceValue extends IndexValue {
  readonly samples: number;
  readonly flag: string;
}

export interface SensitivityResult extends LoadedCommon {
  readonly kind: 'sensitivity';
  readonly manifest: Readonly<Record<string, unknown>>;
  readonly method: 'sobol' | 'morris';
  readonly factors: readonly string[];
  readonly outputs: readonly SensitivityOutput[];
  readonly skipped: readonly { name: string; reason: string }[];
  /** ST above this for a policy effect: "what the answer depends on". */
  readonly threshold: number;
  readonly maxWidth: number;
  /** output name → its rows of sensitivity.csv. */
  readonly indices: ReadonlyMap<string, readonly IndexValue[]>;
  readonly convergence: ReadonlyMap<string, readonly ConvergenceValue[]>;
  /** output name → share of its variance that is seed noise (absent without replicates). */
  readonly seedNoise: ReadonlyMap<string, number>;
  /** The sweep analysed, when there is one: its experiment name and replicates. */
  readonly experiment?: string;
  readonly replicates?: number;
}

function number(cell: string): number {
  return cell === '' ? NaN : Number(cell);
}

function groupRows<T>(table: Table, make: (row: readonly string[]) => T): Map<string, T[]> {
  const at = columnIndex(table, 'metric');
  const out = new Map<string, T[]>();
  for (const row of table.rows) {
    const list = out.get(row[at]) ?? [];
    list.push(make(row));
    out.set(row[at], list);
  }
  return out;
}

function requireColumns(table: Table, columns: readonly string[]): void {
  for (const c of columns) if (!hasColumn(table, c)) throw new ReportInputError(table.file, `no column "${c}" (expected ${columns.join(', ')})`);
}

/** `manifest` is the analysis manifest; `sweepManifest` the sweep's, when the analysis sits in a sweep directory. */
export async function loadSensitivity(dir: string, manifest: Record<string, unknown>, files: InputFilesReader, sweepManifest?: Record<string, unknown>): Promise<SensitivityResult> {
  const manifestFile = sweepManifest ? SWEEP_ANALYSIS_MANIFEST : 'manifest.json';
  const method = manifest.method;
  if (method !== 'sobol' && method !== 'morris') throw new ReportInputError(join(dir, manifestFile), `"method" is ${JSON.stringify(method)}; expected "sobol" or "morris"`);
  const sensitivity = await files.csv('sensitivity.csv');
  requireColumns(sensitivity, ['metric', 'parameter', 'index', 'value', 'ci95_low', 'ci95_high']);
  const [p, i, v, lo, hi] = ['parameter', 'index', 'value', 'ci95_low', 'ci95_high'].map((c) => columnIndex(sensitivity, c));
  const indices = groupRows(sensitivity, (row) => ({ parameter: row[p], index: row[i], value: number(row[v]), low: number(row[lo]), high: number(row[hi]) }));
  const convergenceTable = await files.csv('convergence.csv');
  requireColumns(convergenceTable, ['metric', 'parameter', 'index', 'samples', 'value', 'ci95_low', 'ci95_high', 'flag']);
  const [cp, ci, cs, cv, cl, ch, cf] = ['parameter', 'index', 'samples', 'value', 'ci95_low', 'ci95_high', 'flag'].map((c) => columnIndex(convergenceTable, c));
  const convergence = groupRows(convergenceTable, (row) => ({
    parameter: row[cp], index: row[ci], samples: Number(row[cs]), value: number(row[cv]), low: number(row[cl]), high: number(row[ch]), flag: row[cf],
  }));
  const seedNoise = new Map<string, number>();
  if (await files.exists('seed-noise.csv')) {
    const noise = await files.csv('seed-noise.csv');
    requireColumns(noise, ['metric', 'seed_noise_share']);
    const [m, s] = ['metric', 'seed_noise_share'].map((c) => columnIndex(noise, c));
    for (const row of noise.rows) seedNoise.set(row[m], number(row[s]));
  }
  const outputs = Array.isArray(manifest.outputs) ? (manifest.outputs as SensitivityOutput[]) : [...indices.keys()].map((name) => ({ name, metric: name, statistic: 'mean' as const, cross: {} }));
  const settings = (manifest.settings ?? {}) as Record<string, unknown>;
  const source = (manifest.source ?? {}) as Record<string, unknown>;
  const experiment = typeof source.experiment === 'string' ? source.experiment : undefined;
  return {
    kind: 'sensitivity',
    dir,
    name: experiment ?? basename(dir),
    manifest,
    method,
    factors: Array.isArray(manifest.factors) ? (manifest.factors as string[]) : [],
    outputs: outputs.filter((o) => indices.has(o.name)),
    skipped: Array.isArray(manifest.skipped) ? (manifest.skipped as { name: string; reason: string }[]) : [],
    threshold: typeof settings.threshold === 'number' ? settings.threshold : 0.1,
    maxWidth: typeof settings.maxWidth === 'number' ? settings.maxWidth : 0.1,
    indices,
    convergence,
    seedNoise,
    ...(experiment ? { experiment } : {}),
    ...(typeof source.replicates === 'number' ? { replicates: source.replicates } : {}),
    inputFiles: files.read,
    notes: files.checksumNotes(manifest),
  };
}
