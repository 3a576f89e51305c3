/**
 * The final files of a sweep — runs.csv, points.csv, series.csv (when recorded) and
 * manifest.json, last — assembled from the finished-run records in run_id order. The result is a
 * function of (experiment, set of run records) alone: the number of workers, the completion
 * order, interruptions and resumes, or (later) shards cannot change a byte. Each file is streamed
 * through a temporary name and renamed into place, so memory stays flat however many runs.
 */
import { join } from 'node:path';
import type { ParameterValue } from './file-values.js';
import type { ModelIdentity } from '../model/load.js';
import { outcomesManifest, outputUnits, type OutcomesManifest } from '../model/units.js';
import { jsonText, toolInfo, writeFileAtomic, type ToolInfo } from '../io/outputs.js';
import { CsvFile, csvCell, formatNumber } from '../io/csv.js';
import { sameSeeds, seedRule, type SweepPlan } from './design.js';
import type { JournalIndex, JournalRecord } from './journal.js';
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
  /** The model that made the runs: name and version, and for a user's module its file and sha256. */
  model: ModelIdentity;
  modelVersion: string;
  /** The unit of every series column and metric the model records (reports label their axes with them). */
  units: Record<string, string>;
  /** The model's outcomes (labels, kinds, directions) and spend metric, when it declares them: what the report's Findings read. */
  outcomes?: OutcomesManifest;
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
    baselines: plan.baselines!, metrics, pairing: pairingOf(plan), t: await loadTQuantile975(),
    spendMetric: plan.model.definition.outcomes?.spendMetric ?? null, isCount: countMetrics(plan),
    costSpendMetric: (metric) => plan.model.definition.metrics.find((m) => m.name === metric)?.spendMetric ?? null,
    readPoint: (pointId) => pointSamples(index, pointId, replicates, metrics), write: (cells) => effectsCsv.row(cells), quote: csvCell,
  }) : null;
  const files: Record<string, string> = {};
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
    files['runs.csv'] = runsCsv.finish();
    files['points.csv'] = pointsCsv.finish();
    if (seriesCsv) files['series.csv'] = seriesCsv.finish();
    if (effectsCsv) files['effects.csv'] = effectsCsv.finish();
  } catch (error) {
    // A full disk while finishing a file (its last chunk) must not leave the temporary files behind either.
    for (const file of [runsCsv, pointsCsv, seriesCsv, effectsCsv]) file?.abandon();
    throw error;
  }
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
    ...(design.type === 'sobol' || design.type === 'morris' ? { sampling: designManifest(plan.model.definition, design, plan.experiment.seed) } : {}),
    varied: plan.varied,
    metrics,
    ...(seriesColumns ? { seriesColumns } : {}),
    runs: plan.runs,
    points: plan.points.length,
    failed,
    seeds: seedRule(plan.experiment),
    ...(plan.experiment.baseline && files['effects.csv'] ? { effects: effectsManifest(plan.experiment.baseline, pairingOf(plan)) } : {}),
    tool: tool.tool,
    version: tool.version,
    model: plan.model.identity,
    modelVersion: plan.model.definition.version,
    units: outputUnits(plan.model.definition),
    ...(plan.model.definition.outcomes ? { outcomes: outcomesManifest(plan.model.definition) } : {}),
    gitCommit: tool.gitCommit,
    node: tool.node,
    citation: tool.citation,
    files,
  };
}

/** The model's metrics that count people or agents (engine/model.ts, `count`). */
function countMetrics(plan: SweepPlan): (metric: string) => boolean {
  const counts = new Set(plan.model.definition.metrics.filter((m) => m.count).map((m) => m.name));
  return (metric) => counts.has(metric);
}

/** When replicate r of every point and of its baseline ran with the same seed (common seeds), effects pair replicates. */
function pairingOf(plan: SweepPlan): Pairing {
  const baselines = plan.baselines;
  if (!baselines) return plan.experiment.seeds === 'per-run' ? 'independent' : 'paired';
  return baselines.every((b, p) => sameSeeds(plan.experiment, p, b)) ? 'paired' : 'independent';
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

