/**
 * `npm run bench:main`: the main job (`npm start` once set up: the shipped decide experiment across
 * plausible worlds, its analysis and its report) on `--workers N` threads (default 2, the target
 * machine's cores), into a temporary directory, `--repeat R` times (default 1). One figure per line:
 *   main_seconds=<median wall seconds>  cpu_seconds=<median, this process and its worker threads>
 *   runs=<n>  worlds=<n>  load_average=<1-minute load when it started>
 * On a machine shared with other work, cpu_seconds / workers is what the wall time would be with
 * the cores to itself. Goal: main_seconds under 60 on two cores.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { mainAcrossWorlds } from '../runners/decide/main.js';
import { PACKAGE_ROOT } from '../runners/io/outputs.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const workers = option('--workers') ?? '2';
const repeat = Number(option('--repeat') ?? 1);
process.chdir(PACKAGE_ROOT); // as npm start
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`main job benchmark: experiments/decide-myanmar-2021.yaml on ${workers} workers (${availableParallelism()} cores; node ${process.version}), ${repeat} time${repeat === 1 ? '' : 's'}`);
const walls: number[] = [];
const cpus: number[] = [];
const loads: number[] = [];
let runs = 0;
let worlds = 0;
for (let r = 0; r < repeat; r++) {
  const out = mkdtempSync(join(tmpdir(), 'defsim-bench-main-'));
  loads.push(loadavg()[0]);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  try {
    await mainAcrossWorlds({ out, workers, quiet: true });
    walls.push((performance.now() - start) / 1000);
    const cpu = process.cpuUsage(cpuStart);
    cpus.push((cpu.user + cpu.system) / 1e6);
    const manifest = JSON.parse(readFileSync(join(out, 'decide-myanmar-2021', 'manifest.json'), 'utf8'));
    runs = manifest.source.runs.runs;
    worlds = manifest.source.worlds;
    console.log(`run ${r + 1}: ${walls.at(-1)!.toFixed(1)} s wall, ${cpus.at(-1)!.toFixed(1)} CPU s, load average ${loads.at(-1)!.toFixed(2)} at start`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
console.log(`main_seconds=${median(walls).toFixed(1)}`);
console.log(`cpu_seconds=${median(cpus).toFixed(1)}`);
console.log(`runs=${runs}`);
console.log(`worlds=${worlds}`);
console.log(`load_average=${median(loads).toFixed(2)}`);
