/**
 * Benchmark for `defsim report`: renders a batch of synthetic sweep directories with 1 worker thread and with all
 * cores, prints charts per second for each, and ends with `charts_per_second=<n>` (the all-cores figure).
 * Sweeps in the batch: BENCH_REPORT_SWEEPS (default 4).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderReports } from '../reports/index.js';
import { writeSyntheticSweep } from '../reports/synthetic.js';

const SWEEPS = Number(process.env.BENCH_REPORT_SWEEPS ?? 4);
const SIZE = { width: 1600, height: 900, scale: 1 };

async function makeBatch(parent: string): Promise<string[]> {
  const dirs: string[] = [];
  for (let i = 0; i < SWEEPS; i++) {
    const dir = join(parent, `sweep-${i}`);
    await writeSyntheticSweep(dir, {
      varied: { 'sponsors.budget_usd': [20e6, 60e6, 120e6], 'payout.scale': [0.5, 1 + i / 10, 2] },
      replicates: 4,
      ticks: 36,
    });
    dirs.push(dir);
  }
  return dirs;
}

async function timeBatch(dirs: string[], out: string, workers: number): Promise<{ charts: number; seconds: number }> {
  const started = performance.now();
  const result = await renderReports(dirs, { ...SIZE, out, workers });
  const seconds = (performance.now() - started) / 1000;
  if (result.failed.length > 0) throw new Error(`benchmark reports failed: ${result.failed.map((f) => f.error).join('; ')}`);
  return { charts: result.ok.reduce((sum, r) => sum + r.charts.length, 0), seconds };
}

async function main(): Promise<void> {
  const parent = await mkdtemp(join(tmpdir(), 'defsim-bench-report-'));
  try {
    const dirs = await makeBatch(parent);
    const cores = availableParallelism();
    console.log(`batch: ${dirs.length} sweep directories, charts ${SIZE.width}×${SIZE.height} at scale ${SIZE.scale}`);
    const single = await timeBatch(dirs, join(parent, 'out-1'), 1);
    console.log(`workers=1: ${single.charts} charts in ${single.seconds.toFixed(2)} s = ${(single.charts / single.seconds).toFixed(1)} charts/s`);
    const all = await timeBatch(dirs, join(parent, `out-${cores}`), cores);
    const chartsPerSecond = all.charts / all.seconds;
    console.log(`workers=${cores}: ${all.charts} charts in ${all.seconds.toFixed(2)} s = ${chartsPerSecond.toFixed(1)} charts/s (speed-up ×${(single.seconds / all.seconds).toFixed(2)})`);
    console.log(`charts_per_second=${chartsPerSecond.toFixed(1)}`);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

await main();
