/**
 * The `defsim calibrate` command (a yargs command module, registered in runners/cli.ts): runs a
 * calibration file on all cores with progress (generation, tolerance, acceptance rate, ETA),
 * `--resume` after a crash or Ctrl-C, and an optional `--report`.
 */
import type { Argv, CommandModule } from 'yargs';
import { renderAfter } from '../io/render-after.js';
import { writingTo } from '../io/output-error.js';
import { durationText, statusProgress } from '../io/progress.js';
import { checkWorkers } from '../sweep/sweep.js';
import { defaultWorkers } from '../sweep/pool.js';
import { calibrate, type CalibrationOutcome, type CalibrationProgress } from './calibrate.js';
import { MODEL_OPTION } from '../model/option.js';
import { openCalibration } from './calibration-file.js';

interface CalibrateArgs {
  calibration: string;
  model?: string;
  out?: string;
  workers?: string;
  resume: boolean;
  report: boolean;
  quiet: boolean;
}

export const calibrateCommand: CommandModule<object, CalibrateArgs> = {
  command: 'calibrate <calibration>',
  describe: 'Fit parameters to observed targets by ABC-SMC on worker threads; writes posterior.csv, generations.csv, predictive.csv, calibrated.yaml, posterior-predictive.yaml, … manifest.json',
  builder: (y: Argv) =>
    y
      .positional('calibration', { type: 'string', describe: 'Calibration file (YAML or JSON; see docs/CALIBRATION.md and experiments/calibrate-myanmar-2021.yaml)' })
      .option('model', MODEL_OPTION)
      .option('out', { type: 'string', describe: 'Output directory (default out/calibrations/<calibration name>)' })
      .option('workers', { type: 'string', describe: `Worker threads (default: the number of cores, ${defaultWorkers()} here)` })
      .option('resume', { type: 'boolean', default: false, describe: 'Finish an interrupted calibration in --out (after a crash or Ctrl-C): the same posterior as an uninterrupted one' })
      .option('report', { type: 'boolean', default: false, describe: 'Render the chart report into <out>/report/ afterwards' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress output' }) as unknown as Argv<CalibrateArgs>,
  handler: async (args) => {
    const plan = await openCalibration(args.calibration, { model: args.model });
    const name = plan.calibration.name;
    const out = args.out ?? `out/calibrations/${name}`;
    const workers = args.workers === undefined ? undefined : checkWorkers(args.workers);
    const progress = statusProgress(`calibrate ${name}`, args.quiet);
    const resume = `defsim calibrate ${args.calibration}${args.model ? ` --model ${args.model}` : ''} --out ${out} --resume`;
    const onInterrupt = () => {
      progress.stop();
      process.stderr.write(`\ndefsim: interrupted; finished simulations are kept in ${out}/journal.ndjson; finish with: ${resume}\n`);
      process.exit(130);
    };
    process.once('SIGINT', onInterrupt);
    let outcome: CalibrationOutcome;
    try {
      outcome = await writingTo(out, resume, () => calibrate(args.calibration, { model: plan.model, out, workers, resume: args.resume, onProgress: calibrationProgressText(progress.update) }));
    } finally {
      progress.stop();
      process.removeListener('SIGINT', onInterrupt);
    }
    if (outcome.rerun > 0) {
      process.stderr.write(`defsim: ${outcome.rerun} journaled simulation${outcome.rerun === 1 ? '' : 's'} failed ${outcome.rerun === 1 ? 'its' : 'their'} check (changed or damaged in ${out}/journal.ndjson, or of another candidate) and ${outcome.rerun === 1 ? 'was' : 'were'} simulated again\n`);
    }
    if (!args.quiet) console.log(summaryLine(outcome, out));
    if (args.report) await renderAfter(out, args.quiet);
    if (outcome.failed > 0) {
      process.stderr.write(`defsim: ${outcome.failed} simulations failed and were rejected (status and error in ${out}/simulations.csv)\n`);
      process.exitCode = 1;
    }
  },
};

/** Progress lines: generation, tolerance, accepted, acceptance rate, speed and the generation's ETA; then the predictive draws. */
export function calibrationProgressText(update: (text: string, final?: boolean) => void): (p: CalibrationProgress) => void {
  const started = performance.now();
  let firstTotal: number | null = null;
  let lastGeneration = -1;
  return (p) => {
    if (p.stage === 'predictive') {
      update(`posterior predictive: ${p.done}/${p.total} draws${p.failed ? `, ${p.failed} failed` : ''}`, p.done === p.total);
      return;
    }
    const seconds = (performance.now() - started) / 1000;
    firstTotal ??= p.totalSimulations;
    const speed = (p.totalSimulations - firstTotal) / Math.max(seconds, 1e-9);
    const rate = p.simulations > 0 ? p.accepted / p.simulations : Number.NaN;
    const left = rate > 0 ? (p.particles - p.accepted) / rate : Number.NaN;
    const eta = p.accepted >= p.particles ? '0s' : Number.isFinite(left) && speed > 0 ? durationText(left / speed) : '?';
    const tolerance = Number.isFinite(p.tolerance) ? p.tolerance.toPrecision(4) : '∞ (prior sample)';
    update(
      `generation ${p.generation} (of at most ${p.maxGenerations}), tolerance ${tolerance}, accepted ${p.accepted}/${p.particles}, ` +
        `acceptance ${Number.isFinite(rate) ? (rate * 100).toFixed(1) + '%' : '–'}, ${speed.toFixed(0)} sims/s, ETA generation ${eta}`,
      p.accepted >= p.particles || p.generation !== lastGeneration,
    );
    lastGeneration = p.generation;
  };
}

function summaryLine(outcome: CalibrationOutcome, out: string): string {
  const { result } = outcome.run;
  const post = result.posterior;
  const last = result.generations[post.generation];
  const scores = outcome.manifest?.predictiveScores;
  const share = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(0)}%`);
  const files = [...Object.keys(outcome.manifest?.files ?? {}), 'manifest.json'].join(', ');
  return `${outcome.calibration.name}: ${result.generations.length} generations (${outcome.manifest?.stopReason ?? result.stopReason}); ` +
    `posterior = generation ${post.generation}: ${post.values.length} particles, ESS ${last.ess.toFixed(0)}, tolerance ${post.tolerance.toPrecision(4)}; ` +
    `${outcome.simulations} simulations (${outcome.ranNow} run now), ${outcome.failed} failed; ` +
    (scores ? `targets met by posterior-predictive draws: fitted ${share(scores.fitted.meanMetShare)}, holdouts ${share(scores.holdout.meanMetShare)}; ` : '') +
    `wrote ${files} in ${out}`;
}
