/**
 * `defsim reproduce DIR`: re-run what a result directory's manifest describes, in a temporary
 * directory, and compare the sha256 of every output file the manifest lists. Prints `identical`
 * or `different` per file; exit code 0 only when every file is identical, 1 otherwise; 2 (before
 * anything runs) for a directory without a manifest or with a file edited after it was written.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../engine/errors.js';
import { asOutputError } from '../io/output-error.js';
import { defaultWorkers } from '../sweep/pool.js';
import { checkWorkers } from '../sweep/sweep.js';
import { RERUNS } from './kinds.js';
import { MODEL_OPTION } from '../model/option.js';
import { checkFiles, manifestModel, readManifest, sha256File, versionWarnings } from './manifest.js';

export interface ReproduceOptions {
  /** Worker threads for sweeps (default: the number of cores). */
  workers?: number;
  /** No progress output. */
  quiet?: boolean;
  /** Keep the re-run's directory (its path is in the outcome) instead of removing it. */
  keep?: boolean;
  /** The model module to re-run with when the one the manifest records has moved (its sha256 must match). */
  model?: string;
  /** Called with each version warning before the re-run starts. */
  onWarning?: (line: string) => void;
}

export interface FileComparison {
  file: string;
  identical: boolean;
  /** The sha256 in the manifest. */
  recorded: string;
  /** The sha256 of the re-run's file (null when the re-run did not write it). */
  rerun: string | null;
}

export interface ReproduceOutcome {
  dir: string;
  kind: string;
  warnings: string[];
  files: FileComparison[];
  /** True when every listed file came out byte-identical. */
  identical: boolean;
  /** The re-run's directory when kept, else null. */
  kept: string | null;
}

/** Re-run a result directory and compare its files (the library form of `defsim reproduce`). */
export async function reproduce(dir: string, options: ReproduceOptions = {}): Promise<ReproduceOutcome> {
  const workers = options.workers === undefined ? defaultWorkers() : checkWorkers(options.workers);
  const manifest = readManifest(dir);
  const rerun = RERUNS[manifest.kind];
  if (!rerun) {
    throw new InputError(`'${join(dir, 'manifest.json')}': a result of kind ${JSON.stringify(manifest.kind)} cannot be reproduced (allowed: ${Object.keys(RERUNS).join(', ')})`);
  }
  checkFiles(dir, manifest);
  const model = await manifestModel(dir, manifest, options.model);
  const warnings = versionWarnings(dir, manifest, model);
  for (const line of warnings) options.onWarning?.(line);
  const into = makeTemporaryDirectory(dir);
  try {
    await rerun({ dir, manifest, model, into, workers, quiet: options.quiet ?? false });
    const files = Object.entries(manifest.files).map(([file, recorded]): FileComparison => {
      const path = join(into, file);
      const rerunHash = existsSync(path) ? sha256File(path) : null;
      return { file, identical: rerunHash === recorded, recorded, rerun: rerunHash };
    });
    return { dir, kind: manifest.kind, warnings, files, identical: files.every((f) => f.identical), kept: options.keep ? into : null };
  } catch (error) {
    throw asOutputError(error, into, roomierTemp(dir)) ?? error;
  } finally {
    if (!options.keep) rmSync(into, { recursive: true, force: true });
  }
}

function makeTemporaryDirectory(dir: string): string {
  try {
    return mkdtempSync(join(tmpdir(), 'defsim-reproduce-'));
  } catch (error) {
    throw asOutputError(error, tmpdir(), roomierTemp(dir)) ?? error;
  }
}

/** The command that re-runs in another temporary folder (the re-run is as large as the original). */
function roomierTemp(dir: string): string {
  return `TMPDIR=<a directory with room> defsim reproduce ${dir}`;
}

interface ReproduceArgs {
  dir: string;
  model?: string;
  workers?: string;
  keep: boolean;
  quiet: boolean;
}

export const reproduceCommand: CommandModule<object, ReproduceArgs> = {
  command: 'reproduce <dir>',
  describe: "Re-run a result directory (run, sweep, shard, merged sweep, …) from its manifest in a temporary directory and compare every file's sha256; exit 0 only when all are identical",
  builder: (y: Argv) =>
    y
      .positional('dir', { type: 'string', describe: 'A result directory holding manifest.json' })
      .option('model', { ...MODEL_OPTION, describe: 'The model module to re-run with, when the file the manifest records has moved (default: the model the manifest records; its sha256 must match)' })
      .option('workers', { type: 'string', describe: `Worker threads for sweeps (default: the number of cores, ${defaultWorkers()} here)` })
      .option('keep', { type: 'boolean', default: false, describe: 'Keep the re-run (its directory is printed) to compare files by hand' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress output' }) as unknown as Argv<ReproduceArgs>,
  handler: async (args) => {
    const outcome = await reproduce(args.dir, {
      workers: args.workers === undefined ? undefined : checkWorkers(args.workers),
      keep: args.keep, quiet: args.quiet, model: args.model,
      onWarning: (line) => process.stderr.write(`defsim reproduce: warning: ${line}\n`),
    });
    const width = Math.max(...outcome.files.map((f) => f.file.length));
    for (const f of outcome.files) {
      const detail = f.identical ? '' : f.rerun === null ? '  (the re-run did not write it)' : `  (sha256 ${f.recorded.slice(0, 12)}… recorded, ${f.rerun.slice(0, 12)}… re-run)`;
      console.log(`${f.file.padEnd(width)}  ${f.identical ? 'identical' : 'different'}${detail}`);
    }
    const same = outcome.files.filter((f) => f.identical).length;
    console.log(`${args.dir}: ${same} of ${outcome.files.length} files identical${outcome.kept ? `; the re-run is in ${outcome.kept}` : ''}`);
    if (!outcome.identical) process.exitCode = 1;
  },
};
