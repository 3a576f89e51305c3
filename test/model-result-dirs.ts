/**
 * Result directories (docs/FORMATS.md) written from a model's own runs, for the tests of the
 * generic report charts: a run (series.csv, summary.json, manifest.json) and a sweep (runs.csv,
 * points.csv, series.csv, manifest.json), each manifest naming the model and the units.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelDefinition, ModelRunOutput } from '../engine/model.js';
import { meanInterval } from '../reports/stats.js';
import { parametersOf } from './reference-model-helpers.js';

const csv = (header: readonly string[], rows: readonly (readonly (string | number)[])[]) =>
  [header, ...rows].map((row) => row.map((cell) => (typeof cell === 'number' && !Number.isFinite(cell) ? '' : String(cell))).join(',')).join('\n') + '\n';

async function writeWithManifest(dir: string, files: Record<string, string>, manifest: Record<string, unknown>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const hashes: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(dir, name), text);
    hashes[name] = createHash('sha256').update(text).digest('hex');
  }
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, files: hashes }, null, 2) + '\n');
}

/** Units of every series column and metric: the `units` a manifest records. */
export function unitsOf(model: ModelDefinition): Record<string, string> {
  return Object.fromEntries([...model.series, ...model.metrics].map((o) => [o.name, o.unit]));
}

function seriesRows(out: ModelRunOutput): (string | number)[][] {
  return out.data[0].length === 0 ? [] : Array.from(out.data[0], (_, t) => [t, ...out.data.map((column) => column[t])]);
}

export async function writeModelRun(dir: string, model: ModelDefinition, scenario: string, seed: number, overrides: Record<string, number | string | boolean> = {}): Promise<ModelRunOutput> {
  const params = parametersOf(model, scenario, overrides);
  const out = model.run(params, seed);
  const ticks = out.data[0].length;
  const summary = { scenario, seed, ticks, final: Object.fromEntries(out.columns.map((c, i) => [c, out.data[i][ticks - 1]])), metrics: out.metrics };
  await writeWithManifest(dir, { 'series.csv': csv(['tick', ...out.columns], seriesRows(out)), 'summary.json': JSON.stringify(summary, null, 2) + '\n' }, {
    kind: 'run', tool: 'defsim', model: { name: model.name, version: model.version }, scenario, seed, ticks, parameters: params,
    units: { tick: 'tick', ...unitsOf(model) },
  });
  return out;
}

/** A full-factorial sweep over `varied` (dotted path → values) on top of a scenario; series every tick when asked. */
export async function writeModelSweep(
  dir: string, model: ModelDefinition, scenario: string, varied: Record<string, readonly (string | number)[]>, replicates: number,
  options: { overrides?: Record<string, number | string | boolean>; series?: boolean } = {},
): Promise<void> {
  const paths = Object.keys(varied);
  const points = paths.reduce<Record<string, string | number>[]>((combos, path) => combos.flatMap((c) => varied[path].map((v) => ({ ...c, [path]: v }))), [{}]);
  const metrics = model.metrics.map((m) => m.name);
  const runRows: (string | number)[][] = [];
  const longRows: (string | number)[][] = [];
  const pointRows: (string | number)[][] = [];
  let columns: readonly string[] = [];
  points.forEach((point, pointId) => {
    const values: Record<string, number[]> = Object.fromEntries(metrics.map((m) => [m, []]));
    for (let replicate = 0; replicate < replicates; replicate++) {
      const runId = pointId * replicates + replicate;
      const seed = 1000 + replicate;
      const pointScenario = typeof point.scenario === 'string' ? point.scenario : scenario;
      const set = Object.fromEntries(Object.entries(point).filter(([k]) => k !== 'scenario'));
      const out = model.run(parametersOf(model, pointScenario, { ...options.overrides, ...set }), seed);
      columns = out.columns;
      for (const m of metrics) values[m].push(out.metrics[m]);
      runRows.push([runId, pointId, replicate, seed, ...paths.map((p) => point[p]), ...metrics.map((m) => out.metrics[m]), 'ok', '']);
      if (options.series) for (const row of seriesRows(out)) longRows.push([runId, pointId, replicate, ...row]);
    }
    for (const m of metrics) {
      const finite = values[m].filter(Number.isFinite);
      const interval = meanInterval(finite);
      const sd = finite.length > 1 ? Math.sqrt(finite.reduce((s, v) => s + (v - interval.mean) ** 2, 0) / (finite.length - 1)) : Number.NaN;
      pointRows.push([pointId, ...paths.map((p) => point[p]), m, finite.length, interval.mean, sd, interval.low, interval.high, Math.min(...finite), Math.max(...finite)]);
    }
  });
  const files: Record<string, string> = {
    'runs.csv': csv(['run_id', 'point_id', 'replicate', 'seed', ...paths, ...metrics, 'status', 'error'], runRows),
    'points.csv': csv(['point_id', ...paths, 'metric', 'n', 'mean', 'sd', 'ci95_low', 'ci95_high', 'min', 'max'], pointRows),
  };
  if (options.series) files['series.csv'] = csv(['run_id', 'point_id', 'replicate', 'tick', ...columns], longRows);
  await writeWithManifest(dir, files, {
    kind: 'sweep', tool: 'defsim', model: { name: model.name, version: model.version },
    experiment: { name: `${model.name}-${paths.join('-')}`, scenario, varied, replicates }, varied: paths, metrics,
    ...(options.series ? { seriesColumns: ['tick', ...columns] } : {}), runs: runRows.length, points: points.length, failed: 0,
    units: unitsOf(model),
  });
}
