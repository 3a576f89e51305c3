/**
 * Reading the files of one result directory: every file read is remembered with its sha256 (for
 * report.json and the checksum notes), and a missing or malformed file is an error naming it.
 * Shared by the run/sweep, sensitivity and calibration loaders.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCsv, type Table } from './csv.js';
import { ReportInputError } from './errors.js';

export interface InputFile {
  readonly name: string;
  readonly sha256: string;
}

export interface LoadedCommon {
  /** The result directory as given, resolved to an absolute path. */
  readonly dir: string;
  /** Its base name, used for batch output folders and page titles. */
  readonly name: string;
  /** Files read, with their sha256 (recorded in report.json). */
  readonly inputFiles: readonly InputFile[];
  /** Non-fatal problems, shown on the page (e.g. a checksum that differs from the manifest). */
  readonly notes: readonly string[];
}

/** Reads files of one result directory, remembering each file's sha256. */
export class InputFiles {
  readonly read: InputFile[] = [];
  constructor(readonly dir: string) {}

  path(name: string): string {
    return join(this.dir, name);
  }

  async exists(name: string): Promise<boolean> {
    return (await stat(this.path(name)).catch(() => null))?.isFile() ?? false;
  }

  /** A missing file is reported against the directory when missingDetail is given (e.g. no manifest.json). */
  async text(name: string, missingDetail?: string): Promise<string> {
    const bytes = await readFile(this.path(name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw new ReportInputError(this.path(name), `cannot read: ${error.message}`);
      throw missingDetail ? new ReportInputError(this.dir, missingDetail) : new ReportInputError(this.path(name), 'file is missing');
    });
    this.read.push({ name, sha256: createHash('sha256').update(bytes).digest('hex') });
    return bytes.toString('utf8');
  }

  async json(name: string, missingDetail?: string): Promise<Record<string, unknown>> {
    const text = await this.text(name, missingDetail);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ReportInputError(this.path(name), `invalid JSON (${(error as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ReportInputError(this.path(name), 'expected a JSON object');
    }
    return value as Record<string, unknown>;
  }

  async csv(name: string): Promise<Table> {
    return parseCsv(await this.text(name), this.path(name));
  }

  /** Notes for files whose sha256 differs from the one in the manifest. */
  checksumNotes(manifest: Record<string, unknown>): string[] {
    const listed = manifest.files;
    if (listed === null || typeof listed !== 'object') return [];
    const expected = listed as Record<string, unknown>;
    return this.read
      .filter((file) => typeof expected[file.name] === 'string' && expected[file.name] !== file.sha256)
      .map((file) => `${file.name}: sha256 differs from manifest.json (the file changed after the run was written)`);
  }
}

export type InputFilesReader = InputFiles;
