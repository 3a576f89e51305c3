/**
 * `npm run bench:io`: large inputs in bounded memory, each command in a fresh process (as a user
 * runs it) whose peak resident set size is read at its exit:
 *   - `defsim sample` of 16,777,216 rows (Sobol, 2 inputs, N = 2^22, no second order);
 *   - `defsim analyze` of 1,048,576 rows × 6 outputs (Sobol, 3 inputs, N = 2^17, second order,
 *     1,000 resamples, outputs computed here from the design).
 * Target: peak RSS under 1 GB each. Ends with one figure a line:
 *   sample_rows=…  sample_seconds=…  sample_file_mb=…  sample_peak_rss_mb=…
 *   analyze_rows=…  analyze_outputs=6  analyze_input_mb=…  analyze_seconds=…  analyze_peak_rss_mb=…
 * and exits with code 1 when a peak is over the target.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { forEachCsvRecord } from '../runners/io/csv-columns.js';
import { PACKAGE_ROOT } from '../runners/io/outputs.js';

const CLI = join(PACKAGE_ROOT, 'dist', 'runners', 'cli.js');
const TARGET_MB = 1024;
/** Preloaded into each command: its peak RSS (getrusage's maxrss, KiB) on stderr at exit. */
const REPORT_PEAK = `data:text/javascript,process.on('exit',()=>process.stderr.write('peak_rss_kb='+process.resourceUsage().maxRSS+'\\n'))`;
const tmp = mkdtempSync(join(tmpdir(), 'defsim-bench-io-'));

function measured(what: string, args: string[]): { seconds: number; peakMb: number } {
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--single-threaded-gc', '--import', REPORT_PEAK, CLI, ...args], { cwd: tmp, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - start) / 1000;
  const peak = /peak_rss_kb=(\d+)/u.exec(r.stderr ?? '');
  if (r.status !== 0 || !peak) throw new Error(`${what} failed (exit ${r.status}, ${r.signal ?? 'no signal'}):\n${r.stderr}`);
  return { seconds, peakMb: Number(peak[1]) / 1024 };
}

const mb = (path: string) => statSync(path).size / 2 ** 20;
const figures: string[] = [];
let over = false;

try {
  // sample: 2 inputs, no second order: N·(k + 2) = 2^22 · 4 = 16,777,216 rows.
  const p2 = join(tmp, 'p2.json');
  writeFileSync(p2, JSON.stringify({ num_vars: 2, names: ['a', 'b'], bounds: [[0, 1], [-1e6, 1e6]] }));
  console.log('io benchmark: sample of 16,777,216 rows …');
  const sample = measured('sample', ['sample', p2, '--method', 'sobol', '--samples', String(2 ** 22), '--no-second-order', '--out', 'X16M.csv', '--quiet']);
  figures.push(`sample_rows=16777216`, `sample_seconds=${sample.seconds.toFixed(1)}`, `sample_file_mb=${mb(join(tmp, 'X16M.csv')).toFixed(0)}`, `sample_peak_rss_mb=${sample.peakMb.toFixed(0)}`);
  over ||= sample.peakMb >= TARGET_MB;
  rmSync(join(tmp, 'X16M.csv'));

  // analyze: 3 inputs, second order: N·(2k + 2) = 2^17 · 8 = 1,048,576 rows, 6 outputs.
  const p3 = join(tmp, 'p3.json');
  writeFileSync(p3, JSON.stringify({ num_vars: 3, names: ['x1', 'x2', 'x3'], bounds: [[-Math.PI, Math.PI], [-Math.PI, Math.PI], [-Math.PI, Math.PI]] }));
  console.log('io benchmark: analyze of 1,048,576 rows × 6 outputs …');
  measured('sample for analyze', ['sample', p3, '--method', 'sobol', '--samples', String(2 ** 17), '--out', 'X.csv', '--quiet']);
  const y = openSync(join(tmp, 'Y.csv'), 'w');
  const lines: string[] = ['ishigami,linear,product,sine,quadratic,interaction'];
  const flush = () => {
    writeSync(y, lines.join('\n') + '\n');
    lines.length = 0;
  };
  let rows = 0;
  forEachCsvRecord(join(tmp, 'X.csv'), (cells, r) => {
    if (r === 0) return;
    const [a, b, c] = cells.map(Number);
    lines.push([
      Math.sin(a) + 7 * Math.sin(b) ** 2 + 0.1 * c ** 4 * Math.sin(a), a + 2 * b + 3 * c, a * b * c, Math.sin(a + b), a * a + b, a * c + b,
    ].join(','));
    rows++;
    if (lines.length >= 8192) flush();
  });
  flush();
  closeSync(y);
  const analyze = measured('analyze', ['analyze', '--problem', p3, '--method', 'sobol', '--x', 'X.csv', '--y', 'Y.csv', '--out', 'analysis', '--no-report', '--quiet']);
  figures.push(`analyze_rows=${rows}`, 'analyze_outputs=6', `analyze_input_mb=${(mb(join(tmp, 'X.csv')) + mb(join(tmp, 'Y.csv'))).toFixed(0)}`,
    `analyze_seconds=${analyze.seconds.toFixed(1)}`, `analyze_peak_rss_mb=${analyze.peakMb.toFixed(0)}`);
  over ||= analyze.peakMb >= TARGET_MB;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

for (const line of figures) console.log(line);
console.log(`target: peak RSS under ${TARGET_MB} MB each: ${over ? 'MISSED' : 'met'}`);
if (over) process.exitCode = 1;
