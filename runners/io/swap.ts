/**
 * Swapping a complete result into place: a command that builds its result in a staging directory
 * beside the final one (npm start) moves it in only once it is complete, so an interrupted run
 * never leaves a half-written result looking complete.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileOperation } from './fault-injection.js';

/**
 * Put the complete staging directory in place of `final`: the earlier result is moved aside
 * first and only removed once the new one is in place (put back if the rename fails).
 */
export function swapIntoPlace(staging: string, final: string): void {
  if (!existsSync(final)) {
    renameSync(staging, final);
    return fileOperation();
  }
  const old = join(dirname(final), `.${basename(final)}.old-${process.pid}`); // a name runners/io/leftovers.ts knows
  renameSync(final, old);
  fileOperation();
  try {
    renameSync(staging, final);
    fileOperation();
  } catch (error) {
    renameSync(old, final);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
  fileOperation();
}
