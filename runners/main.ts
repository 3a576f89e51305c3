/**
 * `npm start`: the main job on built-in defaults — the policy comparison of the five scenarios
 * (experiments/policy-comparison.yaml) on all cores, then its chart report, into ./out/.
 * It builds the result in a temporary directory beside the old one and swaps it in only when
 * complete, so an interrupted `npm start` never leaves a half-written result looking complete.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../engine/errors.js';
import { writingTo } from './output-error.js';
import { PACKAGE_ROOT } from './outputs.js';
import { runsProgress } from './progress.js';
import { checkWorkers, sweep, type SweepOutcome } from './sweep.js';
import { defaultWorkers } from './sweep-pool.js';

const EXPERIMENT = join(PACKAGE_ROOT, 'experiments', 'policy-comparison.yaml');

/** A directory an earlier `npm start` wrote (a sweep of this experiment), safe to replace. */
function isEarlierResult(dir: string): boolean {
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest)) return readdirSync(dir).length === 0;
  try {
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { kind?: string; experiment?: { name?: string } };
    return m.kind === 'sweep' && m.experiment?.name === 'policy-comparison';
  } catch {
    return false;
  }
}

interface MainArgs { out: string; workers?: string; quiet: boolean }

export const mainCommand: CommandModule<object, MainArgs> = {
  command: 'main',
  describe: 'The main job (what `npm start` runs): the five-scenario policy comparison on all cores, then its report, into ./out/',
  builder: (y: Argv) =>
    y
      .option('out', { type: 'string', default: 'out', describe: 'Parent directory; the result goes to <out>/policy-comparison/' })
      .option('workers', { type: 'string', describe: `Worker threads (default: the number of cores, ${defaultWorkers()} here)` })
      .option('quiet', { type: 'boolean', default: false }) as unknown as Argv<MainArgs>,
  handler: async (args) => {
    const final = join(args.out, 'policy-comparison');
    if (existsSync(final) && !isEarlierResult(final)) {
      throw new InputError(`invalid value for '--out': ${JSON.stringify(final)} holds something other than an earlier 'npm start' result (allowed: a new directory, or one written by 'npm start'; nothing was changed)`);
    }
    const staging = join(args.out, `.policy-comparison.partial-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    const workers = args.workers === undefined ? defaultWorkers() : checkWorkers(args.workers);
    const progress = runsProgress('policy comparison', args.quiet);
    const byScenario = new Map<string, Array<Record<string, number>>>();
    let outcome: SweepOutcome;
    // On a full disk: one message (runners/output-error.ts); the staging directory is removed and an earlier result is untouched.
    const again = args.out === 'out' ? 'npm start' : `defsim main --out ${args.out}`;
    try {
      outcome = await writingTo(args.out, again, async () => {
        const runs = sweep(EXPERIMENT, { out: staging, workers, onProgress: (p) => progress.update(p.done, p.total, p.failed) });
        let next;
        while (!(next = await runs.next()).done) {
          const scenario = String(next.value.parameters.scenario);
          byScenario.set(scenario, [...(byScenario.get(scenario) ?? []), next.value.metrics]);
        }
        progress.stop();
        const { renderReport } = await import('../reports/index.js');
        await renderReport(staging, {});
        swapIntoPlace(staging, final);
        return next.value;
      });
    } catch (error) {
      progress.stop();
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    printSummary(byScenario, outcome, workers, args.quiet);
    const where = relative(process.cwd(), final) || '.';
    console.log(`report: ${join(where, 'report', 'report.html')} (charts, tables; report.md beside it)`);
    console.log(`data:   ${where}/runs.csv, points.csv, series.csv, manifest.json`);
  },
};

/**
 * Put the complete staging directory in place of `final`: the earlier result is moved aside
 * first and only removed once the new one is in place (put back if the rename fails).
 */
function swapIntoPlace(staging: string, final: string): void {
  if (!existsSync(final)) return renameSync(staging, final);
  const old = `${final}.old-${process.pid}`;
  renameSync(final, old);
  try {
    renameSync(staging, final);
  } catch (error) {
    renameSync(old, final);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

function printSummary(byScenario: Map<string, Array<Record<string, number>>>, outcome: SweepOutcome, workers: number, quiet: boolean): void {
  if (quiet) return;
  const mean = (rows: Array<Record<string, number>>, key: string) => {
    const values = rows.map((r) => r[key]).filter(Number.isFinite);
    return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
  };
  const n = (x: number, digits = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–');
  console.log(`policy comparison: ${outcome.runs} runs (${outcome.points} scenarios × ${outcome.experiment.replicates} replicates, ${workers} workers), ${outcome.failed} failed; means at month ${outcome.experiment.ticks}:`);
  const header = ['scenario', 'defections', 'army', 'police', 'senior off.', 'spend $M', 'per $1M', 'mil. cap. lost'];
  const rows = [...byScenario].map(([scenario, runs]) => [
    scenario, n(mean(runs, 'defected_all')), n(mean(runs, 'defected_army')), n(mean(runs, 'defected_police')),
    n(mean(runs, 'defected_official_senior')), n(mean(runs, 'spend_usd') / 1e6, 1), n(mean(runs, 'defections_per_million_usd')),
    n(mean(runs, 'military_capacity_lost'), 3),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows]) console.log('  ' + row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
}
