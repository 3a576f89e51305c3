/**
 * Swapping a complete result into place: a command that builds its result in a staging directory
 * beside the final one (npm start) moves it in only once it is complete, so an interrupted run
 * never leaves a half-written result looking complete.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';

/**
 * Put the complete staging directory in place of `final`: the earlier result is moved aside
 * first and only removed once the new one is in place (put back if the rename fails).
 */
export function swapIntoPlace(staging: string, final: string): void {
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
