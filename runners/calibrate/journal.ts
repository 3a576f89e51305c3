/**
 * The append-only journal of a calibration (`journal.ndjson`): a header naming the calibration,
 * then one JSON line per finished candidate (its generation, index and measured values, the mean
 * over its replicates) and per finished posterior-predictive point, written as they come back. A
 * line counts once its newline is on disk, so `kill -9` loses only work in flight; `--resume` cuts
 * a torn last line off and replays the journal through the same deterministic ABC-SMC, which asks
 * for the same candidates and gets their journaled values instead of running them again. Each
 * record carries a check of its text and of the candidate or point it is the result of (its
 * generation and index, seed and parameter values, and the model: runners/io/journal-record.ts), verified when the
 * replay asks for it; one that fails is simulated again, and counted. Journals of format 1 (no
 * checks) are still read, their records trusted as before.
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { writeAll } from '../io/csv.js';
import { fileOperation } from '../io/fault-injection.js';
import { checkSeal, modelIdentityText, parametersHash, sealedLine } from '../io/journal-record.js';
import { parseLine } from '../sweep/journal.js';

export const CALIBRATION_JOURNAL = 'journal.ndjson';
/** 2: every record sealed with its check; 1: no checks (still read). */
const FORMAT = 2;

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
    if (fstatSync(fd).size !== validLength) {
      ftruncateSync(fd, validLength);
      fileOperation();
    }
    closeSync(fd);
    return new CalibrationJournal(openSync(path, 'a'));
  }

  /** Append finished records, each sealed with the identity of what it is the result of (fitIdentity, predictiveIdentity). */
  append(records: readonly { record: FitRecord | PredictiveRecord; identity: string }[]): void {
    if (records.length > 0) writeAll(this.fd, records.map(({ record, identity }) => sealedLine(record, identity) + '\n').join(''));
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** A journaled record with the line it was read from (to check its seal when the replay asks for it); null when it is not of the shape defsim writes. */
export interface JournaledLine<T> {
  record: T | null;
  line: string;
}

export interface CalibrationJournalScan {
  header: CalibrationJournalHeader | null;
  /** Fit records by `${g}:${i}`, in journal order (a record that fails its check may be followed by its re-run). */
  fit: Map<string, JournaledLine<FitRecord>[]>;
  /** Predictive records by point, in journal order. */
  predictive: Map<number, JournaledLine<PredictiveRecord>[]>;
  validLength: number;
  /** Candidates and points whose journaled records all failed their check, so far asked for: simulated again. */
  rejected: number;
}

/** The model in a calibration's identities: name, version and a user's module's sha256 (LoadedModel.identity). */
export type JournalModel = { name: string; version: string; sha256?: string };

/** The identity a fit record is checked against: the calibration, its model, candidate (g, i), its seed and parameter values. */
export function fitIdentity(calibrationHash: string, model: JournalModel, seed: number, generation: number, index: number, values: readonly number[]): string {
  return `calibration ${calibrationHash} ${modelIdentityText(model)} fit ${generation}:${index} seed ${seed} parameters ${parametersHash(values)}`;
}

/** The identity a predictive record is checked against: the calibration, its model, the point, its seed and parameter values. */
export function predictiveIdentity(calibrationHash: string, model: JournalModel, seed: number, point: number, values: readonly number[]): string {
  return `calibration ${calibrationHash} ${modelIdentityText(model)} predictive ${point} seed ${seed} parameters ${parametersHash(values)}`;
}

/** The first whole record among `lines` for `identity`, or undefined (counted in scan.rejected when some were there but none whole). */
export function journaled<T>(scan: CalibrationJournalScan, lines: readonly JournaledLine<T>[] | undefined, identity: string): T | undefined {
  if (!lines) return undefined;
  const legacy = (scan.header?.format ?? FORMAT) < 2;
  for (const { record, line } of lines) {
    const seal = checkSeal(line, identity);
    if (record && (seal === 'valid' || (seal === 'unsealed' && legacy))) return record;
  }
  scan.rejected++;
  return undefined;
}

export function fitKey(generation: number, index: number): string {
  return `${generation}:${index}`;
}

/** What a new calibration starts from: nothing journaled. */
export function emptyJournalScan(): CalibrationJournalScan {
  return { header: null, fit: new Map(), predictive: new Map(), validLength: 0, rejected: 0 };
}

/** Read a journal; lines that do not parse (a torn write) are skipped. */
export function scanCalibrationJournal(path: string): CalibrationJournalScan {
  const scan = emptyJournalScan();
  if (!existsSync(path)) return scan;
  const bytes = readFileSync(path);
  let start = 0;
  for (let nl = bytes.indexOf(10, start); nl !== -1; nl = bytes.indexOf(10, start)) {
    const line = bytes.toString('utf8', start, nl);
    const value = parseLine(line);
    const claims = (value ?? {}) as { g?: unknown; i?: unknown; p?: unknown };
    if (start === 0 && isHeader(value)) scan.header = value;
    else if (Number.isSafeInteger(claims.g) && Number.isSafeInteger(claims.i)) {
      const key = fitKey(claims.g as number, claims.i as number);
      if (!scan.fit.has(key)) scan.fit.set(key, []);
      scan.fit.get(key)!.push({ record: isFit(value) ? value : null, line });
    } else if (Number.isSafeInteger(claims.p)) {
      const p = claims.p as number;
      if (!scan.predictive.has(p)) scan.predictive.set(p, []);
      scan.predictive.get(p)!.push({ record: isPredictive(value) ? value : null, line });
    }
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

function isNumbers(values: unknown): boolean {
  return Array.isArray(values) && values.every((x) => (typeof x === 'number' && Number.isFinite(x)) || x === 'NaN' || x === 'Infinity' || x === '-Infinity');
}

function isFit(value: unknown): value is FitRecord {
  const r = value as FitRecord;
  return typeof value === 'object' && value !== null && Number.isSafeInteger(r.g) && Number.isSafeInteger(r.i) && (r.status === 'ok' || r.status === 'failed') &&
    (r.values === null || isNumbers(r.values));
}

function isPredictive(value: unknown): value is PredictiveRecord {
  const r = value as PredictiveRecord;
  return typeof value === 'object' && value !== null && Number.isSafeInteger(r.p) && (r.status === 'ok' || r.status === 'failed') &&
    (r.values === null || isNumbers(r.values)) && (r.series === null || (Array.isArray(r.series) && r.series.every(isNumbers)));
}
