#!/usr/bin/env -S node --single-threaded-gc
/**
 * The `defsim` command line (started with V8's single-threaded GC: with one worker thread per
 * core, V8's parallel GC helper threads only compete with the workers; docs/SWEEPS.md). Bad input (InputError, or a usage error from yargs) prints one
 * message and exits with code 2; a result directory that cannot be written (full disk, read-only,
 * no permission: OutputError) prints one message naming it and how to go on, and exits with code
 * 1; any other failure exits with code 1.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { InputError } from '../engine/errors.js';
import { asOutputError } from './io/output-error.js';
import { runCommand } from './run/command.js';
import { paramsCommand, scenariosCommand } from './model/commands.js';
import { newModelCommand } from './model/new-model.js';
import { mainCommand } from './effects/main-job.js';
import { lockedReportCommand } from './io/report-command.js';
import { sweepCommand, validateCommand } from './sweep/command.js';
import { mergeCommand } from './cluster/merge.js';
import { k8sCommand, slurmCommand } from './cluster/jobs.js';
import { reproduceCommand } from './reproduce/reproduce.js';
import { analyzeCommand, sampleCommand } from './sensitivity/command.js';
import { calibrateCommand } from './calibrate/command.js';
import { worldsCommand } from './worlds/command.js';
import { decideCommand } from './decide/command.js';

export async function main(argv: string[]): Promise<void> {
  try {
    await yargs(argv)
      .scriptName('defsim')
      .command(runCommand)
      .command(scenariosCommand)
      .command(paramsCommand)
      .command(mainCommand)
      .command(sweepCommand)
      .command(validateCommand)
      .command(mergeCommand)
      .command(slurmCommand)
      .command(k8sCommand)
      .command(lockedReportCommand)
      .command(reproduceCommand)
      .command(analyzeCommand)
      .command(sampleCommand)
      .command(calibrateCommand)
      .command(worldsCommand)
      .command(newModelCommand)
      .command(decideCommand)
      .demandCommand(1, 'name a command (see --help)')
      .strict()
      .fail((message, error) => {
        if (error) throw error;
        throw new InputError(message);
      })
      .help()
      .version()
      .parseAsync();
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`defsim: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    const output = asOutputError(error); // a full disk or an unwritable directory (runners/io/output-error.ts)
    if (output) {
      process.stderr.write(`defsim: ${output.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`defsim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}

await main(hideBin(process.argv));
