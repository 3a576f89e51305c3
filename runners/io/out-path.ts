/**
 * Why a result directory cannot be made at a path, in a sentence: a part of the path is a file, a
 * symbolic link points nowhere, the file system there does not allow new directories (/proc), the
 * name is too long or loops. runners/io/lock.ts turns such a failure into one line (exit 2) naming
 * the --out; full disks and permissions stay runners/io/output-error.ts's (exit 1).
 */
import { lstatSync, readlinkSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Error codes that mean "this path cannot hold a directory", not "this disk cannot be written". */
export const PATH_ERRORS = new Set(['ENOTDIR', 'ENOENT', 'ELOOP', 'ENAMETOOLONG', 'EEXIST', 'EISDIR']);

/** Whether `error` says the path itself is unusable (see PATH_ERRORS). */
export function isPathError(error: unknown): boolean {
  return PATH_ERRORS.has(String((error as NodeJS.ErrnoException | null)?.code));
}

/** What is wrong with `dir` as a directory to write, given the error making or writing it raised. */
export function unusablePathReason(dir: string, error: unknown): string {
  const code = String((error as NodeJS.ErrnoException).code);
  if (code === 'ENAMETOOLONG') return 'the path is too long (ENAMETOOLONG)';
  if (code === 'ELOOP') return 'its symbolic links loop (ELOOP)';
  // Walk up to the deepest part of the path that exists, and say what it is.
  for (let path = resolve(dir); ; path = dirname(path)) {
    const link = attempt(() => lstatSync(path));
    if (link) {
      const target = attempt(() => statSync(path));
      if (link.isSymbolicLink() && !target) return `'${path}' is a symbolic link to '${readlinkSync(path)}', which does not exist`;
      if (!target?.isDirectory()) return `'${path}' is a file, not a directory`;
      if (path === resolve(dir)) return `it cannot be written there (${code})`;
      return `a directory cannot be created in '${path}' (${code}; its file system does not allow it)`;
    }
    if (dirname(path) === path) return `it cannot be created (${code})`;
  }
}

/** `read()`, or null when it throws (a path that does not exist, or runs through a file). */
function attempt<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}
