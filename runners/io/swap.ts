/**
 * Swapping a complete result into place: a command that builds its result in a staging directory
 * beside the final one (npm start) moves it in only once it is complete, so an interrupted run
 * never leaves a half-written result looking complete.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
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

/**
 * Whether `dir` may be replaced by a new result: empty, or an earlier one of this command — its
 * manifest of `kind` (`sweep` for the main job at one point, `decision` across worlds) for the
 * experiment `name`.
 */
export function isEarlierResult(dir: string, kind: string, name: string): boolean {
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest)) return readdirSync(dir).length === 0;
  try {
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { kind?: string; experiment?: { name?: string } };
    return m.kind === kind && m.experiment?.name === name;
  } catch {
    return false;
  }
}
