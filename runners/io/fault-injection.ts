/**
 * Test hooks for the crash-consistency and two-writer tests (environment variables, for tests
 * only: never set them otherwise). Read once, on the main thread only (worker threads compute;
 * the main thread writes every result file, so its sequence of file operations is the one to cut).
 *
 *   DEFSIM_FAIL_AFTER_OPS=n   kill this process with SIGKILL, exactly as `kill -9` would, right after
 *                             its n-th file operation: each write, rename, removal, directory
 *                             creation, truncation and journal append made by the atomic-write,
 *                             journal, lock and report-folder helpers counts as one.
 *   DEFSIM_FAIL_TORN=1        with DEFSIM_FAIL_AFTER_OPS: when the n-th operation is a write, only
 *                             the first half of its bytes reach the file before the kill (a torn write).
 *   DEFSIM_COUNT_OPS=1        print `defsim: N file operations` on stderr at exit (how many kill points a
 *                             command has).
 *   DEFSIM_STOP_AFTER_LOCK=1  stop this process (SIGSTOP) right after it takes its first directory lock, so a
 *                             test can start a second writer while the first surely holds the lock,
 *                             then let it go on with SIGCONT.
 */
import { isMainThread } from 'node:worker_threads';

const limit = isMainThread ? Number(process.env.DEFSIM_FAIL_AFTER_OPS ?? 0) : 0;
const armed = Number.isSafeInteger(limit) && limit > 0;
const torn = armed && process.env.DEFSIM_FAIL_TORN === '1';
const stopAfterLock = isMainThread && process.env.DEFSIM_STOP_AFTER_LOCK === '1';
const counting = isMainThread && process.env.DEFSIM_COUNT_OPS === '1';
let done = 0;
if (counting) process.on('exit', () => process.stderr.write(`defsim: ${done} file operations\n`));

/** The name reports/ reaches fileOperation by (it may not import runners/: test/structure.test.ts). */
export const FILE_OPERATION_HOOK = Symbol.for('defsim.fileOperation');

/** Count one finished file operation; the n-th of DEFSIM_FAIL_AFTER_OPS kills the process. */
export function fileOperation(): void {
  if (!armed && !counting) return;
  if (++done >= limit && armed) process.kill(process.pid, 'SIGKILL');
}

if (armed || counting) (globalThis as Record<symbol, unknown>)[FILE_OPERATION_HOOK] = fileOperation;

/** How many of `length` bytes the next write may put on disk: half when it is a torn, fatal one. */
export function bytesToWrite(length: number): number {
  return torn && done + 1 === limit ? Math.floor(length / 2) : length;
}

/** Called right after a directory lock is taken (DEFSIM_STOP_AFTER_LOCK). */
let stopped = false;
export function lockTaken(): void {
  if (!stopAfterLock || stopped) return;
  stopped = true;
  process.kill(process.pid, 'SIGSTOP');
}
