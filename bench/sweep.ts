/**
 * `npm run bench:sweep`: a fixed sweep with 1 worker and with all cores — runs per second,
 * agent-steps per second, worker busy share and the parallel efficiency — then tiny runs at three
 * sweep sizes, each in a fresh process, to show that memory does not grow with the number of
 * runs (`--workers N` compares 1 worker with N instead of all cores). Ends with:
 *   runs_per_second_1=<n>  runs_per_second_all=<n>  parallel_efficiency=<0..1>  peak_rss_mb=<n>
 * (one per line). Target: efficiency >= 0.9 on a 2-core machine; peak RSS flat in the run count.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ExperimentObject } from '../runners/sweep/experiment.js';
import { sweep, type SweepOutcome } from '../runners/sweep/sweep.js';

/** 2 × 3 points × 48 replicates = 288 runs of ~0.06 s (1/20 scale, 48 ticks), series every 6 ticks: long enough (~17 s on one worker) that starting the pool is a small part, as in real sweeps. */
const FIXED: ExperimentObject = {
  name: 'bench-sweep',
  scenario: 'myanmar-2021',
  set: { 'population.scale': 20 },
  ticks: 48,
  replicates: 48,
  seed: 1,
  design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true], 'sponsors.payout.soldierUsd': [0, 2683, 10000] } },
  record: { series: { every: 6 } },
};

/** Many tiny runs (~2 ms), series every tick: the journal and the final files grow, memory should not. */
function tiny(replicates: number): ExperimentObject {
  return {
    name: `bench-tiny-${replicates}`, set: { 'population.scale': 2000 }, ticks: 12, replicates, seed: 2,
    design: { type: 'grid', parameters: { 'sponsors.payout.soldierUsd': [0, 5000] } }, record: { series: 'every-tick' },
  };
}

interface Measured {
  seconds: number;
  /** Until the first run came back (workers starting), and after the last (final files). */
  firstSeconds: number;
  finishSeconds: number;
  runs: number;
  agentSteps: number;
  workerSeconds: number;
  peakRssMb: number;
  bytesWritten: number;
  outcome: SweepOutcome;
}

async function measure(experiment: ExperimentObject, workers: number, countBytes = false): Promise<Measured> {
  const out = mkdtempSync(join(tmpdir(), 'defsim-bench-sweep-'));
  let peakRss = process.memoryUsage.rss();
  const sampleRss = () => void (peakRss = Math.max(peakRss, process.memoryUsage.rss()));
  const runs = sweep(experiment, { out: join(out, 'sweep'), workers, onProgress: sampleRss });
  let agentSteps = 0;
  let workerSeconds = 0;
  let count = 0;
  const start = performance.now();
  let first = start;
  let last = start;
  for (;;) {
    const next = await runs.next();
    const now = performance.now();
    if (next.done) {
      const seconds = (now - start) / 1000;
      sampleRss();
      const bytesWritten = countBytes ? readdirSync(join(out, 'sweep')).reduce((n, f) => n + statSync(join(out, 'sweep', f)).size, 0) : 0;
      rmSync(out, { recursive: true, force: true });
      return {
        seconds, firstSeconds: (first - start) / 1000, finishSeconds: (now - last) / 1000,
        runs: count, agentSteps, workerSeconds, peakRssMb: peakRss / 2 ** 20, bytesWritten, outcome: next.value,
      };
    }
    if (count === 0) first = now;
    last = now;
    count++;
    agentSteps += next.value.timing.agentSteps;
    workerSeconds += next.value.timing.seconds;
  }
}

function report(label: string, m: Measured, workers: number): void {
  const busy = m.workerSeconds / (m.seconds * workers);
  console.log(`${label}: ${m.runs} runs in ${m.seconds.toFixed(2)} s = ${(m.runs / m.seconds).toFixed(2)} runs/s, ` +
    `${(m.agentSteps / m.seconds / 1e6).toFixed(1)} M agent-steps/s, workers busy ${(busy * 100).toFixed(1)}% ` +
    `(first run back after ${m.firstSeconds.toFixed(2)} s, final files ${m.finishSeconds.toFixed(2)} s), RSS peak ${m.peakRssMb.toFixed(0)} MB`);
}

/** `--workers N` compares 1 worker with N (default: all cores). */
const workersArg = process.argv.indexOf('--workers');
const cores = workersArg > 0 ? Number(process.argv[workersArg + 1]) : availableParallelism();
if (!Number.isInteger(cores) || cores < 1) throw new Error('--workers needs a positive integer');

if (process.argv[2] === '--memory-child') {
  const m = await measure(tiny(Number(process.argv[3]) / 2), cores, true);
  console.log(JSON.stringify({ runs: m.runs, seconds: m.seconds, bytesWritten: m.bytesWritten, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

/** Run a tiny sweep of `runs` runs in a child process; its peak RSS. */
function memoryChild(runs: number): { runs: number; seconds: number; bytesWritten: number; peakRssMb: number } {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--memory-child', String(runs), '--workers', String(cores)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`memory child failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!);
}

console.log(`sweep benchmark: 1 worker against ${cores} (${availableParallelism()} cores; node ${process.version})`);
await measure(tiny(5), cores); // warm-up: module loading, mathjs, JIT of the main thread

const one = await measure(FIXED, 1);
report('1 worker ', one, 1);
const all = await measure(FIXED, cores);
report(`${cores} workers`, all, cores);
const same = JSON.stringify(one.outcome.manifest?.files) === JSON.stringify(all.outcome.manifest?.files);
console.log(`outputs byte-identical for 1 and ${cores} workers: ${same ? 'yes' : 'NO'}`);

// Memory: the same tiny sweep at three sizes, each in a fresh process (so none inherits another's
// heap), written to disk with series every tick. RSS settles in the first ~10,000 runs (V8 and
// malloc sizing their pools), then stays flat while the data written keeps growing.
const memory = [2000, 16000, 48000].map((runs) => memoryChild(runs));
for (const m of memory) console.log(`memory: ${m.runs} tiny runs in a fresh process: ${m.seconds.toFixed(1)} s, ${(m.bytesWritten / 2 ** 20).toFixed(0)} MB written, peak RSS ${m.peakRssMb.toFixed(0)} MB`);

const rps1 = one.runs / one.seconds;
const rpsAll = all.runs / all.seconds;
console.log(`runs_per_second_1=${rps1.toFixed(3)}`);
console.log(`runs_per_second_all=${rpsAll.toFixed(3)}`);
console.log(`parallel_efficiency=${(rpsAll / (rps1 * cores)).toFixed(3)}`);
console.log(`peak_rss_mb=${(process.resourceUsage().maxRSS / 1024).toFixed(1)}`);
