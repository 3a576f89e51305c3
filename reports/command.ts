/**
 * The `defsim report <dirs..>` yargs command module (registered by runners/cli.ts).
 * Exit codes (set on process.exitCode): 0 all reports written; 1 some failed, or a report folder could not be
 * written (full disk, read-only: the earlier report stays); 2 none written (or bad options).
 */
import cliProgress from 'cli-progress';
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { renderReports, type BatchResult, type ReportProgress } from './index.js';

export interface ReportCommandArgs {
  dirs: string[];
  out?: string;
  width: number;
  height: number;
  scale: number;
  workers?: number;
  quiet: boolean;
}

export const EXIT_SOME_FAILED = 1;
export const EXIT_NONE_WRITTEN = 2;

function builder(yargs: Argv): Argv<ReportCommandArgs> {
  return yargs
    .positional('dirs', { describe: 'run or sweep result directories (each holds a manifest.json)', type: 'string', array: true, demandOption: true })
    .option('out', { describe: 'write each report to OUT/<directory name>/ instead of DIR/report/', type: 'string' })
    .option('width', { describe: 'chart width in pixels', type: 'number', default: 1600 })
    .option('height', { describe: 'chart height in pixels', type: 'number', default: 900 })
    .option('scale', { describe: 'device pixel ratio (2 for print): PNGs are width×scale by height×scale', type: 'number', default: 1 })
    .option('workers', { describe: 'worker threads rendering charts (default: all cores)', type: 'number' })
    .option('quiet', { describe: 'no progress bar; print only report paths and errors', type: 'boolean', default: false })
    .example('$0 report out/run-7', 'render out/run-7/report/report.html')
    .example('$0 report out/a out/b --out reports/', 'render reports/a/ and reports/b/') as unknown as Argv<ReportCommandArgs>;
}

function progressReporter(total: number, quiet: boolean): { update: (p: ReportProgress) => void; stop: () => void } {
  if (quiet || !process.stderr.isTTY || total < 2) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'reports {bar} {value}/{total} {dir}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { dir: '' });
  return { update: (p) => bar.update(p.done, { dir: p.dir }), stop: () => bar.stop() };
}

function printOutcome(result: BatchResult, quiet: boolean): void {
  for (const report of result.ok) {
    process.stdout.write(quiet ? `${report.html}\n` : `report: ${report.html} (${report.charts.length} charts)\n`);
  }
  for (const failure of result.failed) {
    const namesDir = failure.error.startsWith(failure.dir) || failure.error.startsWith(resolve(failure.dir));
    process.stderr.write(`defsim report: failed: ${namesDir ? failure.error : `${failure.dir}: ${failure.error}`}\n`);
  }
  if (!quiet && result.failed.length > 0) {
    process.stderr.write(`defsim report: ${result.ok.length} written, ${result.failed.length} failed\n`);
  }
}

/** 0 when every report was written, 1 when some failed or a report folder could not be written (full disk), 2 when none was written. */
export function exitCodeFor(result: BatchResult): number {
  if (result.failed.length === 0) return 0;
  if (result.failed.some((f) => f.diskError)) return EXIT_SOME_FAILED;
  return result.ok.length === 0 ? EXIT_NONE_WRITTEN : EXIT_SOME_FAILED;
}

async function handler(args: ReportCommandArgs): Promise<void> {
  const progress = progressReporter(args.dirs.length, args.quiet);
  try {
    const result = await renderReports(args.dirs, {
      out: args.out,
      width: args.width,
      height: args.height,
      scale: args.scale,
      workers: args.workers,
      onProgress: progress.update,
    });
    progress.stop();
    printOutcome(result, args.quiet);
    process.exitCode = exitCodeFor(result);
  } catch (error) {
    progress.stop();
    process.stderr.write(`defsim report: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_NONE_WRITTEN;
  }
}

export const reportCommand: CommandModule<object, ReportCommandArgs> = {
  command: 'report <dirs..>',
  describe: 'Render charts, report.html, report.md and report.json for run or sweep result directories',
  builder,
  handler,
};
