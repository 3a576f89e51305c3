/**
 * The append-only journal of a calibration (`journal.ndjson`): a header naming the calibration,
 * then one JSON line per finished candidate (its generation, index and measured values, the mean
 * over its replicates) and per finished posterior-predictive point, written as they come back. A
 * line counts once its newline is on disk, so `kill -9` loses only work in flight; `--resume` cuts
 * a torn last line off and replays the journal through the same deterministic ABC-SMC, which asks
 * for the same candidates and gets their journaled values instead of running them again.
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { writeAll } from '../io/csv.js';
import { parseLine } from '../sweep/journal.js';

export const CALIBRATION_JOURNAL = 'journal.ndjson';
const FORMAT = 1;

export interface CalibrationJournalHeader {
  journal: 'defsim-calibration';
  format: number;
  calibration: string;
  calibrationHash: string;
  modelVersion: string;
  /** A user's model module: its sha256 when the calibration started (a changed module cannot resume it). */
  modelSha256?: string;
}

/** A number as journaled: finite numbers as they are, NaN and ±Infinity as strings (JSON has no such numbers). */
export type JournalNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export function encodeNumbers(values: ArrayLike<number>): JournalNumber[] {
  return Array.from(values, (x) => (Number.isFinite(x) ? x : (String(x) as JournalNumber)));
}

export function decodeNumbers(values: readonly JournalNumber[]): number[] {
  return values.map((x) => (typeof x === 'number' ? x : Number(x)));
}

/** A finished candidate of the fit: the mean measured value of each fitted target over its replicates. */
export interface FitRecord {
  g: number;
  i: number;
  status: 'ok' | 'failed';
  values: JournalNumber[] | null;
  error?: string;
}

/** A finished posterior-predictive point: every target's measure, and the mean series of the targets' columns. */
export interface PredictiveRecord {
  p: number;
  status: 'ok' | 'failed';
  values: JournalNumber[] | null;
  /** One array per column of the targets' columns, one value per tick. */
  series: JournalNumber[][] | null;
  error?: string;
}

export function calibrationJournalPath(dir: string): string {
  return join(dir, CALIBRATION_JOURNAL);
}

export function calibrationJournalHeader(name: string, hash: string, modelVersion: string, modelSha256?: string): CalibrationJournalHeader {
  return { journal: 'defsim-calibration', format: FORMAT, calibration: name, calibrationHash: hash, modelVersion, ...(modelSha256 ? { modelSha256 } : {}) };
}

export class CalibrationJournal {
  private constructor(private readonly fd: number) {}

  static create(path: string, header: CalibrationJournalHeader): CalibrationJournal {
    const fd = openSync(path, 'wx');
    writeAll(fd, JSON.stringify(header) + '\n');
    return new CalibrationJournal(fd);
  }

  /** Continue a journal: cut off an unfinished last line, then append. */
  static reopen(path: string, validLength: number): CalibrationJournal {
    const fd = openSync(path, 'r+');
    if (fstatSync(fd).size !== validLength) ftruncateSync(fd, validLength);
    closeSync(fd);
    return new CalibrationJournal(openSync(path, 'a'));
  }

  append(records: readonly (FitRecord | PredictiveRecord)[]): void {
    if (records.length > 0) writeAll(this.fd, records.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  close(): void {
    closeSync(this.fd);
  }
}

export interface CalibrationJournalScan {
  header: CalibrationJournalHeader | null;
  /** Fit records by `${g}:${i}`, first seen wins. */
  fit: Map<string, FitRecord>;
  /** Predictive records by point. */
  predictive: Map<number, PredictiveRecord>;
  validLength: number;
}

export function fitKey(generation: number, index: number): string {
  return `${generation}:${index}`;
}

/** What a new calibration starts from: nothing journaled. */
export function emptyJournalScan(): CalibrationJournalScan {
  return { header: null, fit: new Map(), predictive: new Map(), validLength: 0 };
}

/** Read a journal; lines that do not parse (a torn write) are skipped. */
export function scanCalibrationJournal(path: string): CalibrationJournalScan {
  const scan = emptyJournalScan();
  if (!existsSync(path)) return scan;
  const bytes = readFileSync(path);
  let start = 0;
  for (let nl = bytes.indexOf(10, start); nl !== -1; nl = bytes.indexOf(10, start)) {
    const value = parseLine(bytes.toString('utf8', start, nl));
    if (start === 0 && isHeader(value)) scan.header = value;
    else if (isFit(value)) {
      const key = fitKey(value.g, value.i);
      if (!scan.fit.has(key)) scan.fit.set(key, value);
    } else if (isPredictive(value) && !scan.predictive.has(value.p)) scan.predictive.set(value.p, value);
    start = nl + 1;
  }
  scan.validLength = start;
  return scan;
}

/** Refuse a journal of another calibration, or of another model version. */
export function checkCalibrationHeader(dir: string, header: CalibrationJournalHeader | null, expected: CalibrationJournalHeader): void {
  if (!header) throw new InputError(`'${calibrationJournalPath(dir)}' has no calibration journal header (allowed: a directory written by 'defsim calibrate'; choose a new --out)`);
  if (header.calibrationHash !== expected.calibrationHash) {
    throw new InputError(`'${dir}' holds a calibration of different settings or targets ('${header.calibration}', hash ${header.calibrationHash.slice(0, 12)}…; this one is '${expected.calibration}', ${expected.calibrationHash.slice(0, 12)}…) (allowed: the same calibration file and targets to resume, or a new --out)`);
  }
  if (header.modelVersion !== expected.modelVersion) {
    throw new InputError(`'${dir}' holds a calibration made with model version ${header.modelVersion}; this is ${expected.modelVersion} (allowed: resume with the same model version, or a new --out)`);
  }
  if ((header.modelSha256 ?? null) !== (expected.modelSha256 ?? null)) {
    throw new InputError(`'${dir}' holds a calibration made with a different model module: the model file changed since it started (allowed: resume with the same model file, or a new --out)`);
  }
}

function isHeader(value: unknown): value is CalibrationJournalHeader {
  return typeof value === 'object' && value !== null && (value as CalibrationJournalHeader).journal === 'defsim-calibration';
}

function isFit(value: unknown): value is FitRecord {
  const r = value as FitRecord;
  return typeof value === 'object' && value !== null && Number.isSafeInteger(r.g) && Number.isSafeInteger(r.i) && (r.status === 'ok' || r.status === 'failed');
}

function isPredictive(value: unknown): value is PredictiveRecord {
  const r = value as PredictiveRecord;
  return typeof value === 'object' && value !== null && Number.isSafeInteger(r.p) && (r.status === 'ok' || r.status === 'failed');
}
