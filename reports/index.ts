/**
 * Public API of defsim's chart reports: renderReport (one result directory, rendered in this thread) and
 * renderReports (a batch, rendered by a pool of worker threads). Reads result files only (docs/FORMATS.md).
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { diskErrorCode, errorMessage } from './errors.js';
import { loadResult, type LoadedResult } from './load.js';
import { checkReplaceable, writeAtomically } from './output.js';
import { reportContents, writePages } from './page.js';
import { createRenderPool } from './pool.js';
import { renderChartPng } from './render.js';
import { runCharts } from './run-charts.js';
import { calibrationCharts, calibrationTables } from './calibration-charts.js';
import { decisionCharts, decisionLead, decisionTables } from './decision-charts.js';
import { chartMeta, DEFAULT_SIZE, type ChartMeta, type ChartSpec, type RenderSize } from './spec.js';
import { sweepCharts } from './sweep-charts.js';
import { findingsOf, type Findings } from './findings.js';
import { sensitivityCharts, sensitivityLead, sensitivityTables, type SensitivityLead } from './sensitivity-charts.js';
import { worldsCharts, worldsLead, worldsTables } from './worlds-charts.js';
import { runTables, sweepTables, type KeyTable } from './tables.js';
import { genericRunCharts, genericRunTables, genericSweepCharts, genericSweepTables, usesGenericCharts } from './generic-charts.js';

export { ReportInputError, ReportOutputError } from './errors.js';
export type { ChartKind, ChartMeta, ChartSpec, RenderSize } from './spec.js';
export type { KeyTable } from './tables.js';
export type { ReportContents } from './page.js';
export type { Findings } from './findings.js';

export interface ReportOptions {
  /** Folder to write the report into (default: DIR/report). */
  out?: string;
  /** Chart width in CSS pixels (default 1600). */
  width?: number;
  /** Chart height in CSS pixels (default 900). */
  height?: number;
  /** Device pixel ratio: PNGs are width×scale by height×scale pixels (default 1; 2 for print). */
  scale?: number;
}

export interface ReportProgress {
  readonly done: number;
  readonly total: number;
  readonly dir: string;
  readonly ok: boolean;
  readonly error?: string;
}

export interface BatchOptions {
  /** Parent folder: each report goes to OUT/<basename of its directory>/ (default: each DIR/report). */
  out?: string;
  /** Worker threads rendering charts (default: os.availableParallelism()). */
  workers?: number;
  width?: number;
  height?: number;
  scale?: number;
  onProgress?: (progress: ReportProgress) => void;
}

export interface ReportResult {
  /** The result directory, absolute. */
  readonly dir: string;
  /** The report folder, absolute. */
  readonly outDir: string;
  /** Path of report.html. */
  readonly html: string;
  readonly kind: LoadedResult['kind'];
  readonly charts: readonly ChartMeta[];
  readonly notes: readonly string[];
}

export interface BatchFailure {
  dir: string;
  error: string;
  /** Set when the report folder could not be written (ENOSPC, EROFS, EACCES, …); an earlier report there is unchanged. */
  diskError?: string;
}

export interface BatchResult {
  ok: ReportResult[];
  failed: BatchFailure[];
}

/** A failed directory of a batch; a disk error names the report folder and says nothing was lost. */
function batchFailure(dir: string, outDir: string, error: unknown, opts: BatchOptions = {}): BatchFailure {
  const code = diskErrorCode(error);
  if (code === null) return { dir, error: errorMessage(error) };
  return {
    dir, diskError: code,
    error: `cannot write the report to '${outDir}' (${errorMessage(error)}); any earlier report there is unchanged; free some space or make it writable, then run '${againCommand(dir, opts)}' again`,
  };
}

/** The `defsim report` command that renders `dir` again as asked: --out, --width, --height and --scale kept. */
function againCommand(dir: string, opts: BatchOptions): string {
  const size = { width: opts.width, height: opts.height, scale: opts.scale };
  const options = [
    ...(opts.out !== undefined ? [`--out ${opts.out}`] : []),
    ...(['width', 'height', 'scale'] as const).filter((k) => size[k] !== undefined && size[k] !== DEFAULT_SIZE[k]).map((k) => `--${k} ${size[k]}`),
  ];
  return ['defsim report', dir, ...options].join(' ');
}

export interface ReportPlan {
  /** Every chart, the findings' forest plot first. */
  readonly charts: readonly ChartSpec[];
  readonly tables: readonly KeyTable[];
  readonly notes: readonly string[];
  /** What opens the report of a sweep with a baseline: its effects as tables and a forest plot. */
  readonly findings: Findings | null;
  /** The section a sensitivity analysis opens with ("What the answer depends on"). */
  readonly lead?: SensitivityLead;
}

/** The charts and tables for a loaded result (no rendering); chart file names are unique. */
export function planReport(result: LoadedResult): ReportPlan {
  if (result.kind === 'sensitivity') {
    const plan = sensitivityCharts(result);
    return { charts: uniqueFiles(plan.charts), tables: sensitivityTables(result), notes: plan.notes, findings: null, lead: sensitivityLead(result) };
  }
  if (result.kind === 'decision') {
    const plan = decisionCharts(result);
    return { charts: uniqueFiles(plan.charts), tables: decisionTables(result), notes: plan.notes, findings: null, lead: decisionLead(result) };
  }
  if (result.kind === 'worlds') {
    const plan = worldsCharts(result);
    return { charts: uniqueFiles(plan.charts), tables: worldsTables(result), notes: plan.notes, findings: null, lead: worldsLead(result) };
  }
  if (result.kind === 'calibration') {
    const plan = calibrationCharts(result);
    return { charts: uniqueFiles(plan.charts), tables: calibrationTables(result), notes: plan.notes, findings: null };
  }
  // Any model but the defection model gets charts and tables that know no column by name.
  const generic = usesGenericCharts(result.manifest);
  const plan = result.kind === 'run' ? (generic ? genericRunCharts(result) : runCharts(result)) : generic ? genericSweepCharts(result) : sweepCharts(result);
  const tables = result.kind === 'run' ? (generic ? genericRunTables(result) : runTables(result)) : generic ? genericSweepTables(result) : sweepTables(result);
  const findings = result.kind === 'sweep' ? findingsOf(result) : { findings: null, charts: [], notes: [] };
  return { charts: uniqueFiles([...findings.charts, ...plan.charts]), tables, notes: [...findings.notes, ...plan.notes], findings: findings.findings };
}

function uniqueFiles(charts: readonly ChartSpec[]): ChartSpec[] {
  const seen = new Set<string>();
  return charts.map((chart) => {
    let file = chart.file;
    for (let n = 2; seen.has(file); n++) file = chart.file.replace(/\.png$/, `-${n}.png`);
    seen.add(file);
    return file === chart.file ? chart : { ...chart, file };
  });
}

/** Validated chart size; throws a RangeError naming the bad option. */
export function resolveSize(options: { width?: number; height?: number; scale?: number }): RenderSize {
  const size = { width: options.width ?? DEFAULT_SIZE.width, height: options.height ?? DEFAULT_SIZE.height, scale: options.scale ?? DEFAULT_SIZE.scale };
  for (const key of ['width', 'height'] as const) {
    if (!Number.isInteger(size[key]) || size[key] < 100 || size[key] > 10000) throw new RangeError(`--${key} must be a whole number of pixels from 100 to 10000 (got ${size[key]})`);
  }
  if (!Number.isFinite(size.scale) || size.scale <= 0 || size.scale > 8) throw new RangeError(`--scale must be above 0 and at most 8 (got ${size.scale})`);
  if (size.width * size.scale * size.height * size.scale > 100e6) throw new RangeError('--width × --height × --scale² is over 100 megapixels per chart');
  return size;
}

type RenderTo = (spec: ChartSpec, pngPath: string) => Promise<unknown>;

/** Loads, plans, renders and writes one report atomically. */
async function produceReport(dir: string, outDir: string, size: RenderSize, renderTo: RenderTo): Promise<ReportResult> {
  const result = await loadResult(dir);
  const plan = planReport(result);
  await checkReplaceable(outDir);
  await writeAtomically(outDir, async (temp) => {
    const rendered = await Promise.allSettled(plan.charts.map((spec) => renderTo(spec, join(temp, spec.file))));
    const failure = rendered.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    await writePages(temp, reportContents(result, size, plan.charts.map(chartMeta), plan.tables, plan.notes, plan.findings, plan.lead));
  });
  return {
    dir: result.dir,
    outDir,
    html: join(outDir, 'report.html'),
    kind: result.kind,
    charts: plan.charts.map(chartMeta),
    notes: [...result.notes, ...plan.notes],
  };
}

/** Renders one result directory into opts.out (default DIR/report), in this thread. */
export async function renderReport(dir: string, opts: ReportOptions = {}): Promise<ReportResult> {
  const size = resolveSize(opts);
  const outDir = resolve(opts.out ?? join(dir, 'report'));
  return produceReport(dir, outDir, size, async (spec, pngPath) => writeFile(pngPath, renderChartPng(spec, size)));
}

/** Report folders for a batch: OUT/<basename> (made unique with -2, -3… in argument order), or DIR/report. */
export function batchOutputDirs(dirs: readonly string[], out: string | undefined): string[] {
  if (out === undefined) return dirs.map((dir) => join(resolve(dir), 'report'));
  const used = new Set<string>();
  return dirs.map((dir) => {
    const base = basename(resolve(dir)) || 'result';
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return join(resolve(out), name);
  });
}

/** Runs fn over items with at most `limit` in flight. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(lanes);
}

/**
 * Renders many result directories; charts are drawn by `workers` threads. A broken directory does not stop the
 * others: it is listed in `failed` with a message naming the file.
 */
export async function renderReports(dirs: string[], opts: BatchOptions = {}): Promise<BatchResult> {
  const size = resolveSize(opts);
  const workers = opts.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`--workers must be a whole number of at least 1 (got ${workers})`);
  if (dirs.length === 0) return { ok: [], failed: [] };
  const targets = batchOutputDirs(dirs, opts.out);
  const outcomes: ({ ok: ReportResult } | { failed: BatchFailure })[] = [];
  const pool = createRenderPool(workers);
  let done = 0;
  try {
    await forEachLimited(dirs.map((_, i) => i), Math.max(2, workers * 2), async (i) => {
      try {
        outcomes[i] = { ok: await produceReport(dirs[i], targets[i], size, (spec, pngPath) => pool.run({ spec, size, pngPath })) };
      } catch (error) {
        outcomes[i] = { failed: batchFailure(dirs[i], targets[i], error, opts) };
      }
      done++;
      const outcome = outcomes[i];
      opts.onProgress?.({ done, total: dirs.length, dir: dirs[i], ok: 'ok' in outcome, error: 'failed' in outcome ? outcome.failed.error : undefined });
    });
  } finally {
    await pool.destroy();
  }
  return {
    ok: outcomes.flatMap((o) => ('ok' in o ? [o.ok] : [])),
    failed: outcomes.flatMap((o) => ('failed' in o ? [o.failed] : [])),
  };
}
