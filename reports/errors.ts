/** Errors that name the result file (or directory) they are about, so a failed report says where to look. */

/** The input is not usable: not a result directory, a missing file, or a corrupt CSV/JSON file. */
export class ReportInputError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'ReportInputError';
  }
}

/** The report cannot be written where it was asked to go (for example, the folder holds a user's other files). */
export class ReportOutputError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'ReportOutputError';
  }
}

/** The message of any thrown value, for the `failed` list of a batch. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Codes of errors that mean the report's folder cannot be written (a full disk, read-only, no permission). */
const DISK_CODES = ['ENOSPC', 'EDQUOT', 'EFBIG', 'EROFS', 'EACCES', 'EPERM'];

/**
 * The code of a disk error (ENOSPC, EROFS, …), or null. Errors from the render workers cross a
 * thread and may arrive without their `code`, so the message's "ENOSPC: …" prefix counts too.
 */
export function diskErrorCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && DISK_CODES.includes(code)) return code;
  const prefix = /^([A-Z]+):/.exec(errorMessage(error))?.[1];
  return prefix && DISK_CODES.includes(prefix) ? prefix : null;
}
