/**
 * `npm run bench:calibrate`: the shipped calibration (experiments/calibrate-myanmar-2021.yaml)
 * on all cores, into a temporary directory (or `--out DIR` to keep it). Prints its progress on
 * stderr, then one figure per line:
 *   simulations=<n>  seconds=<n>  simulations_per_second=<n>  acceptance_rate=<0..1>  ess=<n>
 * (acceptance_rate and ess: the posterior's generation), plus generations, the stop reason and
 * cpu_seconds (this process, all its threads): on a machine shared with other work, cpu_seconds /
 * cores is what the wall time would be with the cores to itself.
 * Goal: under 30 minutes on a 2-core machine. `--workers N` and `--file F` change what runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { calibrate } from '../runners/calibrate/calibrate.js';
import { PACKAGE_ROOT } from '../runners/io/outputs.js';
import { statusProgress } from '../runners/io/progress.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const file = resolve(option('--file') ?? join(PACKAGE_ROOT, 'experiments', 'calibrate-myanmar-2021.yaml'));
const workers = Number(option('--workers') ?? availableParallelism());
const kept = option('--out');
const out = kept ? resolve(kept) : join(mkdtempSync(join(tmpdir(), 'defsim-bench-calibrate-')), 'cal');
process.chdir(PACKAGE_ROOT); // the calibration names its targets file relative to the repository

console.log(`calibration benchmark: ${file} on ${workers} workers (${availableParallelism()} cores; node ${process.version})`);
const progress = statusProgress('bench:calibrate', false, 15_000);
const start = performance.now();
const cpuStart = process.cpuUsage();
try {
  const outcome = await calibrate(file, {
    out, workers,
    onProgress: (p) => progress.update(p.stage === 'fit'
      ? `generation ${p.generation}, tolerance ${p.tolerance.toPrecision(4)}, accepted ${p.accepted}/${p.particles}, ${p.simulations} simulations this generation, ${p.totalSimulations} in all`
      : `posterior predictive ${p.done}/${p.total}`),
  });
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  progress.stop();
  const { result } = outcome.run;
  const posterior = result.generations[result.posterior.generation];
  console.log(`generations=${result.generations.length}`);
  console.log(`stop=${outcome.manifest?.stopReason ?? result.stopReason}`);
  console.log(`simulations=${outcome.simulations}`);
  console.log(`seconds=${seconds.toFixed(1)}`);
  console.log(`simulations_per_second=${(outcome.simulations / seconds).toFixed(1)}`);
  console.log(`acceptance_rate=${posterior.acceptanceRate.toFixed(4)}`);
  console.log(`ess=${posterior.ess.toFixed(1)}`);
  console.log(`failed=${outcome.failed}`);
  console.log(`cpu_seconds=${cpuSeconds.toFixed(1)}`);
  console.log(`cpu_seconds_per_simulation=${(cpuSeconds / outcome.simulations).toFixed(4)}`);
  if (kept) console.log(`kept: ${out}`);
} finally {
  if (!kept) rmSync(join(out, '..'), { recursive: true, force: true });
}
