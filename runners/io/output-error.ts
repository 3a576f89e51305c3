/**
 * The one path for a result directory that cannot be written (a full disk, a quota, a read-only
 * file system, no permission): the error becomes an `OutputError` naming the directory, the
 * reason and how to go on, and runners/cli.ts prints its message alone and exits with code 1
 * (no stack trace). Commands wrap the work that writes their directory in `writingTo`.
 *
 *   await writingTo(out, `defsim sweep ${file} --out ${out} --resume`, () => runSweep(file, { out }));
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileOperation } from './fault-injection.js';

/** Errors that mean "this place cannot be written", and how each reads in a sentence. */
const DISK_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'a file grew past the largest size allowed there',
  EROFS: 'it is on a read-only file system',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
};

/** Errors that can only come from writing (EACCES and EPERM can also come from reading). */
const WRITE_ONLY = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EROFS']);
/** Calls that only write: EACCES or EPERM from one of them is a write refused. */
const WRITING_CALLS = new Set(['mkdir', 'write', 'rename', 'unlink', 'rmdir', 'link', 'symlink', 'copyfile', 'ftruncate', 'mkdtemp']);

export class OutputError extends Error {
  readonly exitCode = 1;
  constructor(
    /** The result directory that could not be written (null: not known, only the failing call). */
    readonly dir: string | null,
    /** The system error code (ENOSPC, EACCES, …). */
    readonly code: string,
    /** The file or directory the failing call was about, when known. */
    readonly path: string | null,
    /** The command that finishes the work once the cause is fixed (null: nothing to resume). */
    readonly resume: string | null,
  ) {
    super(outputMessage(dir, code, path, resume));
    this.name = 'OutputError';
  }
}

function outputMessage(dir: string | null, code: string, path: string | null, resume: string | null): string {
  const where = path && path !== dir ? `, at ${path}` : '';
  const fix = code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG' ? 'free some space' : `make ${dir ? `'${dir}'` : 'it'} writable`;
  const next = resume ? `; ${fix}, then run: ${resume}` : `; ${fix} and run the command again`;
  return `cannot write${dir ? ` to '${dir}'` : ''}: ${DISK_ERRORS[code] ?? code} (${code}${where})${next}`;
}

/** The system error code of a disk error (ENOSPC, EROFS, EACCES, …), or null for any other error. */
export function diskErrorCode(error: unknown): string | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code in DISK_ERRORS ? code : null;
}

/**
 * Run `work`, which writes the result directory `dir`; a disk error it throws becomes an
 * OutputError naming `dir` and `resume` (the command that continues once the cause is fixed).
 */
export async function writingTo<T>(dir: string, resume: string | null, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asOutputError(error, dir, resume) ?? error;
  }
}

/**
 * The OutputError for a disk error, or null. Without `dir` (a command that did not say which
 * directory it writes) only errors that come from writing count (ENOSPC, EROFS, …, or EACCES
 * from mkdir, rename, …), and the directory is the one holding the failing path, when known.
 */
export function asOutputError(error: unknown, dir?: string, resume: string | null = null): OutputError | null {
  if (error instanceof OutputError) return error;
  const code = diskErrorCode(error);
  const { path = null, syscall = '' } = error as NodeJS.ErrnoException;
  if (code === null || (dir === undefined && !WRITE_ONLY.has(code) && !(path !== null && WRITING_CALLS.has(syscall)))) return null;
  return new OutputError(dir ?? (path === null ? null : dirname(path)), code, path, resume);
}

/**
 * `mkdir -p` that reports the real cause: Node's recursive mkdir turns EROFS (and some EACCES)
 * into ENOENT, so each level is made on its own.
 */
export function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir);
    fileOperation();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
    makeDirectory(dirname(dir));
    try {
      mkdirSync(dir);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'EEXIST') throw again;
    }
  }
}
