/**
 * The `defsim worlds` command (a yargs command module, registered in runners/cli.ts): plausible
 * worlds from a worlds file, on all cores, with the calibration's progress, `--resume` after a
 * crash or Ctrl-C, and an optional `--report`; prints what the record says about each assumption.
 */
import type { Argv, CommandModule } from 'yargs';
import { renderAfter } from '../io/render-after.js';
import { writingTo } from '../io/output-error.js';
import { statusProgress } from '../io/progress.js';
import { checkWorkers } from '../sweep/sweep.js';
import { defaultWorkers } from '../sweep/pool.js';
import { MODEL_OPTION } from '../model/option.js';
import { calibrationProgressText } from '../calibrate/command.js';
import { openWorlds } from './worlds-file.js';
import { worlds, type WorldsOutcome } from './worlds.js';

interface WorldsArgs {
  file: string;
  model?: string;
  out?: string;
  workers?: string;
  resume: boolean;
  report: boolean;
  quiet: boolean;
}

export const worldsCommand: CommandModule<object, WorldsArgs> = {
  command: 'worlds <file>',
  describe: 'Plausible worlds: fit the calibrated parameters and the assumptions jointly to the record (ABC-SMC); writes worlds.csv, assumptions.csv and everything calibrate writes',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', describe: 'Worlds file: a calibration file whose parameters include assumptions (docs/WORLDS.md; experiments/worlds-myanmar-2021.yaml)' })
      .option('model', MODEL_OPTION)
      .option('out', { type: 'string', describe: 'Output directory (default out/worlds/<name>)' })
      .option('workers', { type: 'string', describe: `Worker threads (default: the number of cores, ${defaultWorkers()} here)` })
      .option('resume', { type: 'boolean', default: false, describe: 'Finish interrupted worlds in --out (after a crash, kill -9 or Ctrl-C): the same files as an uninterrupted run' })
      .option('report', { type: 'boolean', default: false, describe: 'Render the chart report into <out>/report/ afterwards' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress output' }) as unknown as Argv<WorldsArgs>,
  handler: async (args) => {
    const { plan } = await openWorlds(args.file, { model: args.model });
    const name = plan.calibration.name;
    const out = args.out ?? `out/worlds/${name}`;
    const workers = args.workers === undefined ? undefined : checkWorkers(args.workers);
    const progress = statusProgress(`worlds ${name}`, args.quiet);
    const resume = `defsim worlds ${args.file}${args.model ? ` --model ${args.model}` : ''} --out ${out} --resume`;
    const onInterrupt = () => {
      progress.stop();
      process.stderr.write(`\ndefsim: interrupted; finished simulations are kept in ${out}/journal.ndjson; finish with: ${resume}\n`);
      process.exit(130);
    };
    process.once('SIGINT', onInterrupt);
    let outcome: WorldsOutcome;
    try {
      outcome = await writingTo(out, resume, () => worlds(args.file, { model: plan.model, out, workers, resume: args.resume, onProgress: calibrationProgressText(progress.update) }));
    } finally {
      progress.stop();
      process.removeListener('SIGINT', onInterrupt);
    }
    if (!args.quiet) console.log(summary(outcome, out));
    if (args.report) await renderAfter(out, args.quiet);
    if (outcome.failed > 0) {
      process.stderr.write(`defsim: ${outcome.failed} simulations failed and were rejected (status and error in ${out}/simulations.csv)\n`);
      process.exitCode = 1;
    }
  },
};

/** How the worlds were made, then one line per assumption the record constrains and a count of the others. */
function summary(outcome: WorldsOutcome, out: string): string {
  const { result } = outcome.run;
  const post = result.posterior;
  const last = result.generations[post.generation];
  const scores = outcome.manifest?.predictiveScores;
  const share = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(0)}%`);
  const assumptions = outcome.verdicts.filter((v) => v.role === 'assumption');
  const constrained = assumptions.filter((v) => v.constraint !== 'none' && v.constraint !== 'weak');
  const lines = [
    `${outcome.calibration.name}: ${post.values.length} worlds (generation ${post.generation} of ${result.generations.length}, ESS ${last.ess.toFixed(0)}, tolerance ${post.tolerance.toPrecision(4)}; ${outcome.manifest?.stopReason ?? result.stopReason}); ` +
      `${outcome.simulations} simulations (${outcome.ranNow} run now), ${outcome.failed} failed` +
      (scores ? `; targets met by posterior-predictive draws: fitted ${share(scores.fitted.meanMetShare)}, holdouts ${share(scores.holdout.meanMetShare)}` : ''),
    `What the record says about the ${assumptions.length} assumption${assumptions.length === 1 ? '' : 's'}: ${constrained.length} constrained${constrained.length ? ':' : '.'}`,
    ...constrained.map((v) => `  ${v.parameter}: ${v.verdict}`),
    `  ${assumptions.filter((v) => v.constraint === 'weak').length} weakly constrained, ${assumptions.filter((v) => v.constraint === 'none').length} not constrained (each one's posterior against its prior: assumptions.csv)`,
    `wrote worlds.csv, assumptions.csv and the calibration's files in ${out}`,
  ];
  return lines.join('\n');
}
