/**
 * What a defsim process that is gone (kill -9, a crash, a full disk) may have left in a directory
 * it wrote, and removing it: `NAME.tmp-PID` files (writeFileAtomic, the sweep's CSV files),
 * `defsim.lock.PID.tmp` (a lock being taken), and `.NAME.partial-PID[-k]` / `.NAME.old-PID[-k]`
 * folders (a report, `npm start` or `run --baseline` being built or swapped). Only those names,
 * and only when PID is no longer a live process: a user's own files are never touched. The next
 * writer of the directory calls it right after taking its lock (runners/io/lock.ts).
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const PATTERNS = [/^.+\.tmp-(\d+)$/u, /^defsim\.lock\.(\d+)\.tmp$/u, /^\..+\.(?:partial|old)-(\d+)(?:-\d+)?$/u];

/** Whether `pid` is a live process (ours counts as live: its files may be in use). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The names in `dir` that a gone defsim process left. */
export function leftovers(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.filter((name) => PATTERNS.some((pattern) => {
    const pid = pattern.exec(name)?.[1];
    return pid !== undefined && !alive(Number(pid));
  }));
}

/** Remove what a gone defsim process left in `dir`; returns the names removed. */
export function removeLeftovers(dir: string): string[] {
  const names = leftovers(dir);
  for (const name of names) rmSync(join(dir, name), { recursive: true, force: true });
  return names;
}
