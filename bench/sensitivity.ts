/**
 * `npm run bench:sa`: a Sobol analysis of 8 model parameters with N = 256 base samples and second
 * order (256 × (2·8 + 2) = 4,608 points, one replicate each) at the main job's scale
 * (population.scale of experiments/policy-comparison.yaml), on all cores; then the estimator
 * alone on 10^5 synthetic outputs with 1,000 resamples on this thread. Ends with one figure a line:
 *   sa_seconds=<sweep + analysis>  runs_per_second=<sweep>  analyze_seconds=<analysis and bootstrap of every output>
 *   analyze_1e5_seconds=<10^5 outputs, 1,000 resamples, one core>   (target: under 5 s)
 * `--samples N` runs a smaller design (a power of 2) for a quick look.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse as parseYaml } from 'yaml';
import type { ExperimentObject } from '../runners/sweep/experiment.js';
import { PACKAGE_ROOT } from '../runners/io/outputs.js';
import { analyzeOutput } from '../runners/sensitivity/analyze.js';
import { designProblem } from '../runners/sensitivity/design.js';
import { loadSweepForAnalysis } from '../runners/sensitivity/files.js';
import { buildOutputs } from '../runners/sensitivity/outputs.js';
import { parseSalibProblem } from '../runners/sensitivity/problem.js';
import { analyzeSobol } from '../runners/sensitivity/sobol-analysis.js';
import { runSweep } from '../runners/sweep/sweep.js';

const samplesArg = process.argv.indexOf('--samples');
const samples = samplesArg > 0 ? Number(process.argv[samplesArg + 1]) : 256;
const mainJob = parseYaml(readFileSync(join(PACKAGE_ROOT, 'experiments', 'policy-comparison.yaml'), 'utf8')) as { set: Record<string, unknown>; ticks: number };
const scale = mainJob.set['population.scale'];

const experiment: ExperimentObject = {
  name: 'bench-sa',
  scenario: 'defection-offer',
  set: { 'population.scale': scale },
  ticks: mainJob.ticks,
  replicates: 1,
  seed: 11,
  design: {
    type: 'sobol', samples, secondOrder: true,
    parameters: {
      'decision.gainWeight': { from: 0.5, to: 2 },
      'decision.peerWeight': { from: 1, to: 5 },
      'decision.riskWeight': { from: 1, to: 3 },
      'decision.loyaltyWeight': { from: 2, to: 4 },
      'decision.lockedWeight': { from: 0, to: 4 },
      'decision.seizedShare': { from: 0.5, to: 1 },
      'regime.capture.soldierBase': { from: 0.05, to: 0.3 },
      'sponsors.payout.soldierUsd': { from: 1000, to: 10000, log: true },
    },
  },
};

const workers = availableParallelism();
const out = join(mkdtempSync(join(tmpdir(), 'defsim-bench-sa-')), 'sweep');
console.log(`sensitivity benchmark: Sobol, 8 parameters, N = ${samples} (${samples * 18} points), population.scale ${String(scale)}, ${mainJob.ticks} ticks, ${workers} workers`);
const start = performance.now();
const outcome = await runSweep(experiment, { out, workers });
const sweepSeconds = (performance.now() - start) / 1000;
console.log(`sweep: ${outcome.runs} runs in ${sweepSeconds.toFixed(1)} s, ${outcome.failed} failed`);

const sweep = await loadSweepForAnalysis(out);
const problem = designProblem(sweep.model.definition, sweep.design);
const t0 = performance.now();
const outputs = buildOutputs(sweep.runs, sweep.metricNames);
let analysed = 0;
for (const output of outputs) {
  const result = analyzeOutput('sobol', problem, sweep.unit.unit, output.values, { resamples: 1000, seed: 1, secondOrder: true, levels: 4 });
  if (!result.skipped) analysed++;
}
const analyzeSeconds = (performance.now() - t0) / 1000;
console.log(`analysis: ${analysed} of ${outputs.length} outputs (the rest constant or undefined), 1000 resamples, convergence steps included: ${analyzeSeconds.toFixed(2)} s`);
rmSync(join(out, '..'), { recursive: true, force: true });

// The estimator alone: 10^5 outputs (8 parameters, second order: 5,556 base samples × 18 rows), 1,000 resamples.
const synthetic = parseSalibProblem({ names: Array.from({ length: 8 }, (_, i) => `x${i}`), bounds: Array.from({ length: 8 }, () => [0, 1]) });
const rows = 5556 * 18;
const y = new Float64Array(rows);
for (let i = 0; i < rows; i++) y[i] = Math.sin(i * 0.618) + 0.3 * Math.cos(i * 1.7) ** 2;
const t1 = performance.now();
analyzeSobol(synthetic, y, { seed: 1, resamples: 1000 });
const estimatorSeconds = (performance.now() - t1) / 1000;
console.log(`estimator: ${rows.toLocaleString('en-US')} outputs, 1,000 resamples, S1 + ST + S2, one core: ${estimatorSeconds.toFixed(2)} s`);

console.log(`sa_seconds=${(sweepSeconds + analyzeSeconds).toFixed(2)}`);
console.log(`runs_per_second=${(outcome.runs / sweepSeconds).toFixed(2)}`);
console.log(`analyze_seconds=${analyzeSeconds.toFixed(2)}`);
console.log(`analyze_1e5_seconds=${estimatorSeconds.toFixed(2)}`);
