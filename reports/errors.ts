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
