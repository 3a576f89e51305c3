/**
 * `defsim report` (reports/command.ts) with one writer per directory: it holds the lock
 * (runners/io/lock.ts) of every directory its reports go into — each DIR (for DIR/report/), or --out —
 * from before rendering to the last report, so a second writer there is refused with exit 2 naming
 * the holder, and a report is never rendered from a directory another command is still writing.
 * reports/ may not import runners/, so the lock is taken here, around its handler.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ArgumentsCamelCase, CommandModule } from 'yargs';
import { reportCommand, type ReportCommandArgs } from '../../reports/command.js';
import { lockDirectory, type DirectoryLock } from './lock.js';
import { diskErrorCode } from './output-error.js';

/** The directories a report command writes into: --out, or each existing result directory. */
export function reportLockDirectories(dirs: readonly string[], out: string | undefined): string[] {
  if (out !== undefined) return [resolve(out)];
  return [...new Set(dirs.map((dir) => resolve(dir)))].filter((dir) => existsSync(dir) && statSync(dir).isDirectory()).sort();
}

export const lockedReportCommand: CommandModule<object, ReportCommandArgs> = {
  ...reportCommand,
  handler: async (args: ArgumentsCamelCase<ReportCommandArgs>) => {
    const locks: DirectoryLock[] = [];
    try {
      for (const dir of reportLockDirectories(args.dirs, args.out)) {
        try {
          locks.push(lockDirectory(dir, { key: args.out !== undefined ? '--out' : 'DIR' }));
        } catch (error) {
          // No room (or no right) for the lock file: no report can be written there either, and the
          // report's own message says so, naming the report folder and how to render it again.
          if (diskErrorCode(error) === null) throw error;
        }
      }
      await reportCommand.handler(args);
    } finally {
      for (const lock of locks) lock.release();
    }
  },
};
