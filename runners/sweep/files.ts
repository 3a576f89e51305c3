/**
 * The final files of a sweep — runs.csv, points.csv, series.csv (when recorded) and
 * manifest.json, last — assembled from the finished-run records in run_id order. The result is a
 * function of (experiment, set of run records) alone: the number of workers, the completion
 * order, interruptions and resumes, or (later) shards cannot change a byte. Each file is streamed
 * through a temporary name and renamed into place, so memory stays flat however many runs.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_VERSION } from '../../agents/defection/model.js';
import type { ParameterValue } from './experiment.js';
import { jsonText, toolInfo, writeFileAtomic, type ToolInfo } from '../io/outputs.js';
import { formatNumber } from '../run/simulate.js';
import { seedRule, type SweepPlan } from './design.js';
import { writeAll, type JournalIndex, type JournalRecord } from './journal.js';
import { loadStatistics, loadTQuantile975, type PointStatistics } from './stats.js';
import { effectsHeader, effectsManifest, type EffectsManifest } from '../effects/csv.js';
import type { Pairing } from '../effects/estimate.js';
import { SweepEffects } from '../effects/sweep-effects.js';
import { inShard, shardLabel, shardRunCount, type Shard } from './shard.js';
import { designManifest } from '../sensitivity/design.js';


export interface SweepManifest extends ToolInfo {
  kind: 'sweep';
  /** Present in a shard's directory only: 'i/N', and the runs of the shard. */
  shard?: string;
  shardRuns?: number;
  experiment: SweepPlan['experiment'];
  experimentHash: string;
  /** Sobol and Morris designs: the problem (SALib's form), the generator and the row layout. */
  sampling?: Record<string, unknown>;
  varied: string[];
  metrics: string[];
  seriesColumns?: string[];
  runs: number;
  points: number;
  failed: number;
  seeds: string;
  /** With a baseline (whole sweeps only): what effects.csv compares and how its intervals were made. */
  effects?: EffectsManifest;
  modelVersion: string;
  files: Record<string, string>;
}

/**
 * Write the final files of a complete sweep (or of one complete shard: its runs only, statistics
 * over them) into `dir`; returns the manifest (written last).
 */
export async function assembleSweep(dir: string, plan: SweepPlan, index: JournalIndex, shard?: Shard): Promise<SweepManifest> {
  const missing = index.missing().filter((id) => inShard(shard, id));
  if (missing.length > 0) throw new Error(`cannot assemble the sweep: ${missing.length} of ${shardRunCount(shard, plan.runs)} runs are not journaled (first: run ${missing[0]})`);
  const describe = await loadStatistics();
  const metrics = index.metricNames;
  const recordsSeries = plan.experiment.record.series !== 'none';
  const seriesColumns = recordsSeries ? index.seriesColumns : [];
  const varied = plan.varied.map(csvCell);
  const runsCsv = new CsvFile(join(dir, 'runs.csv'), ['run_id', 'point_id', 'replicate', 'seed', ...varied, ...metrics, 'status', 'error']);
  const pointsCsv = new CsvFile(join(dir, 'points.csv'), ['point_id', ...varied, 'metric', 'n', 'mean', 'sd', 'ci95_low', 'ci95_high', 'min', 'max']);
  const seriesCsv = recordsSeries ? new CsvFile(join(dir, 'series.csv'), ['run_id', 'point_id', 'replicate', ...seriesColumns]) : null;
  const replicates = plan.experiment.replicates;
  // effects.csv: only for a whole sweep (a shard's replicates do not line up with its baselines'; merge writes it).
  const effectsCsv = plan.baselines && !shard ? new CsvFile(join(dir, 'effects.csv'), effectsHeader(varied)) : null;
  const effects = effectsCsv ? new SweepEffects({
    baselines: plan.baselines!, metrics, pairing: pairingOf(plan.experiment), t: await loadTQuantile975(),
    readPoint: (pointId) => pointSamples(index, pointId, replicates, metrics), write: (cells) => effectsCsv.row(cells), quote: csvCell,
  }) : null;
  try {
    for (const point of plan.points) {
      const pointValues = plan.varied.map((key) => valueCell(point.values[key]));
      const samples = metrics.map(() => [] as number[]);
      let runsHere = 0;
      for (let replicate = 0; replicate < replicates; replicate++) {
        if (!inShard(shard, point.id * replicates + replicate)) continue;
        runsHere++;
        const record = index.read(point.id * replicates + replicate);
        runsCsv.row([String(record.runId), String(record.pointId), String(record.replicate), String(record.seed), ...pointValues,
          ...metrics.map((m) => metricCell(record.metrics[m])), record.status, csvCell(record.error ?? '')]);
        metrics.forEach((m, i) => samples[i].push(record.metrics[m] ?? NaN));
        if (seriesCsv && record.series) writeSeriesRows(seriesCsv, record, seriesColumns);
      }
      if (runsHere > 0) metrics.forEach((m, i) => pointsCsv.row([String(point.id), ...pointValues, csvCell(m), ...statisticsCells(describe(samples[i]))]));
      effects?.point(point.id, pointValues, new Map(metrics.map((m, i) => [m, samples[i]])));
    }
  } catch (error) {
    for (const file of [runsCsv, pointsCsv, seriesCsv, effectsCsv]) file?.abandon();
    throw error;
  }
  const files: Record<string, string> = { 'runs.csv': runsCsv.finish(), 'points.csv': pointsCsv.finish() };
  if (seriesCsv) files['series.csv'] = seriesCsv.finish();
  if (effectsCsv) files['effects.csv'] = effectsCsv.finish();
  const manifest = sweepManifest(plan, metrics, recordsSeries ? seriesColumns : undefined, index.failed, files, shard);
  writeFileAtomic(join(dir, 'manifest.json'), jsonText(manifest));
  return manifest;
}

function sweepManifest(plan: SweepPlan, metrics: string[], seriesColumns: string[] | undefined, failed: number, files: Record<string, string>, shard?: Shard): SweepManifest {
  const tool = toolInfo();
  const design = plan.experiment.design;
  return {
    kind: 'sweep',
    ...(shard ? { shard: shardLabel(shard), shardRuns: shardRunCount(shard, plan.runs) } : {}),
    experiment: plan.experiment,
    experimentHash: plan.hash,
    ...(design.type === 'sobol' || design.type === 'morris' ? { sampling: designManifest(design, plan.experiment.seed) } : {}),
    varied: plan.varied,
    metrics,
    ...(seriesColumns ? { seriesColumns } : {}),
    runs: plan.runs,
    points: plan.points.length,
    failed,
    seeds: seedRule(plan.experiment),
    ...(plan.experiment.baseline && files['effects.csv'] ? { effects: effectsManifest(plan.experiment.baseline, pairingOf(plan.experiment)) } : {}),
    tool: tool.tool,
    version: tool.version,
    modelVersion: MODEL_VERSION,
    gitCommit: tool.gitCommit,
    node: tool.node,
    citation: tool.citation,
    files,
  };
}

/** Under common seeds replicate r of every point has the same seed, so effects pair replicates. */
function pairingOf(experiment: SweepPlan['experiment']): Pairing {
  return experiment.seeds === 'common' ? 'paired' : 'independent';
}

/** Every metric's per-replicate values at a point, read back from the journal (NaN where a run failed). */
function pointSamples(index: JournalIndex, pointId: number, replicates: number, metrics: readonly string[]): Map<string, number[]> {
  const out = new Map(metrics.map((m) => [m, [] as number[]]));
  for (let replicate = 0; replicate < replicates; replicate++) {
    const record = index.read(pointId * replicates + replicate);
    for (const m of metrics) out.get(m)!.push(record.metrics[m] ?? NaN);
  }
  return out;
}

function writeSeriesRows(file: CsvFile, record: JournalRecord, columns: string[]): void {
  const series = record.series!;
  const prefix = `${record.runId},${record.pointId},${record.replicate},`;
  const same = series.columns.length === columns.length && series.columns.every((c, i) => c === columns[i]);
  const lines = series.csv.split('\n').filter((line) => line !== '');
  const at = same ? null : columns.map((c) => series.columns.indexOf(c));
  for (const line of lines) {
    if (!at) file.line(prefix + line);
    else {
      const cells = line.split(',');
      file.line(prefix + at.map((i) => (i < 0 ? '' : cells[i])).join(','));
    }
  }
}

function statisticsCells(s: PointStatistics): string[] {
  return [String(s.n), ...[s.mean, s.sd, s.ci95Low, s.ci95High, s.min, s.max].map(formatNumber)];
}

/** A design value as written: numbers by String(x), booleans true/false, names as they are. */
export function valueCell(value: ParameterValue | undefined): string {
  return value === undefined ? '' : csvCell(String(value));
}

function metricCell(value: number | null | undefined): string {
  return typeof value === 'number' ? formatNumber(value) : '';
}

/** Quote a CSV cell when it holds a comma, a quote or a line break (RFC 4180). */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV file written through a temporary name in 1 MiB chunks, hashed as it goes. */
export class CsvFile {
  private readonly tmp: string;
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly path: string, header: string[]) {
    this.tmp = `${path}.tmp-${process.pid}`;
    this.fd = openSync(this.tmp, 'w');
    this.row(header);
  }

  row(cells: string[]): void {
    this.line(cells.join(','));
  }

  line(text: string): void {
    this.chunks.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= 1 << 20) this.flush();
  }

  private flush(): void {
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    this.hash.update(text, 'utf8');
    writeAll(this.fd, text);
  }

  /** Close and rename into place; returns the sha256 of the content. */
  finish(): string {
    this.flush();
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
    return this.hash.digest('hex');
  }

  /** Close and remove the temporary file (after an error). */
  abandon(): void {
    try {
      closeSync(this.fd);
      unlinkSync(this.tmp);
    } catch {
      /* already gone */
    }
  }
}
