/**
 * The append-only journal of a sweep (`journal.ndjson`): a header line naming the experiment,
 * then one JSON line per finished run, written as soon as the run comes back, in completion
 * order. A line is only trusted once its newline is on disk, so `kill -9` at any moment loses at
 * most the runs in flight; `--resume` cuts an unfinished last line off and runs what is missing.
 * Each record carries a check of its text and of the run it is the result of (io/journal-record.ts):
 * a record that fails it — changed, damaged, or of another run — counts as missing and is run
 * again. Journals of format 1 (no checks) are still read, their records trusted as before.
 * The final files are assembled from the journal in run_id order (files.ts).
 */
import { closeSync, existsSync, ftruncateSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { writeAll } from '../io/csv.js';
import { fileOperation } from '../io/fault-injection.js';
import { checkSeal, modelIdentityText, parametersHash, sealedLine } from '../io/journal-record.js';
import type { ParameterValue } from './experiment.js';
import { runIdentity, type SweepPlan } from './design.js';

export const JOURNAL_FILE = 'journal.ndjson';
/** 2: every record sealed with its check (journal-record.ts); 1: no checks (still read). */
const JOURNAL_FORMAT = 2;

/** The identity of run `runId` as the plan defines it (journal-record.ts), or null when there is no such run. */
export type JournalIdentity = (runId: number) => string | null;

/** Run identities of a sweep plan: the model, experiment hash, run id, seed and a hash of the point's parameters. */
export function sweepIdentity(plan: Pick<SweepPlan, 'experiment' | 'model' | 'hash' | 'points' | 'runs'>): JournalIdentity {
  const pointHashes = new Map<number, string>();
  const model = modelIdentityText(plan.model.identity);
  return (runId) => {
    if (!Number.isSafeInteger(runId) || runId < 0 || runId >= plan.runs) return null;
    const { pointId, seed } = runIdentity(plan, runId);
    let hash = pointHashes.get(pointId);
    if (hash === undefined) pointHashes.set(pointId, (hash = parametersHash(plan.points[pointId].values)));
    return `sweep ${plan.hash} ${model} run ${runId} seed ${seed} parameters ${hash}`;
  };
}

export interface JournalHeader {
  journal: 'defsim-sweep';
  format: number;
  experiment: string;
  experimentHash: string;
  modelVersion: string;
  runs: number;
  /** 'i/N' when this directory holds one shard of the sweep. */
  shard?: string;
  /** A user's model module: its sha256 when the sweep started (a changed module cannot resume it). */
  modelSha256?: string;
}

/** Which run it was and how it ended: shared by the journal's records and the results `sweep` yields. */
export interface RunRecordBase {
  runId: number;
  pointId: number;
  replicate: number;
  seed: number;
  /** The varied parameters' values at this run's design point. */
  parameters: Record<string, ParameterValue>;
  status: 'ok' | 'failed';
  error: string | null;
}

/** One finished run, as journaled (non-finite metrics are null). */
export interface JournalRecord extends RunRecordBase {
  metrics: Record<string, number | null>;
  /** The recorded series: column names and CSV rows (no header, `\n`-separated, final newline). */
  series: { columns: string[]; csv: string } | null;
}

export function journalPath(dir: string): string {
  return join(dir, JOURNAL_FILE);
}

export function journalHeader(experiment: { name: string }, hash: string, modelVersion: string, runs: number, shard?: string, modelSha256?: string): JournalHeader {
  return {
    journal: 'defsim-sweep', format: JOURNAL_FORMAT, experiment: experiment.name, experimentHash: hash, modelVersion, runs,
    ...(shard ? { shard } : {}), ...(modelSha256 ? { modelSha256 } : {}),
  };
}

/** An open journal, appended to one whole line per write. */
export class JournalWriter {
  private constructor(private fd: number, private readonly identity: JournalIdentity) {}

  /** Start a new journal (the file must not exist). */
  static create(path: string, header: JournalHeader, identity: JournalIdentity): JournalWriter {
    const fd = openSync(path, 'wx');
    writeAll(fd, JSON.stringify(header) + '\n');
    return new JournalWriter(fd, identity);
  }

  /** Continue a journal: cut off an unfinished last line, then append. */
  static reopen(path: string, validLength: number, identity: JournalIdentity): JournalWriter {
    const fd = openSync(path, 'r+');
    if (fstatSync(fd).size !== validLength) {
      ftruncateSync(fd, validLength);
      fileOperation();
    }
    closeSync(fd);
    return new JournalWriter(openSync(path, 'a'), identity);
  }

  /** Append finished runs, one sealed line each, in one write. */
  append(records: readonly JournalRecord[]): void {
    if (records.length > 0) writeAll(this.fd, records.map((record) => sealedLine(record, this.identity(record.runId)!) + '\n').join(''));
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** What a journal holds: its header, the finished runs, and where its complete lines end. */
export interface JournalScan {
  header: JournalHeader | null;
  /** done[runId] = 1 when the run is journaled. */
  done: Uint8Array;
  finished: number;
  failed: number;
  /** Runs whose only records failed their check (changed, damaged, or of another run): to run again. */
  rejected: number;
  /** Bytes up to the end of the last complete line. */
  validLength: number;
}

export type RecordVisitor = (record: JournalRecord, offset: number, length: number) => void;

/**
 * Read a journal line by line. Lines that do not parse (a torn write) are skipped, as are runs
 * outside 0 … runs−1, repeats of a run already seen, and records that fail their check against
 * the run `identity` names (counted in `rejected` unless a later record of the run is whole);
 * `visit` sees each run once.
 */
export function scanJournal(path: string, runs: number, identity: JournalIdentity, visit?: RecordVisitor): JournalScan {
  const scan: JournalScan = { header: null, done: new Uint8Array(runs), finished: 0, failed: 0, rejected: 0, validLength: 0 };
  const rejected = new Set<number>();
  let first = true;
  scan.validLength = forEachLine(path, (text, offset, length) => {
    const value = parseLine(text);
    if (first) {
      first = false;
      if (isHeader(value)) return void (scan.header = value);
    }
    const runId = (value as { runId?: unknown } | null)?.runId;
    if (typeof runId !== 'number' || !Number.isSafeInteger(runId) || runId < 0 || runId >= runs || scan.done[runId]) return;
    if (!isRecord(value)) return void rejected.add(runId); // a record of this run, but not of the shape defsim writes
    if (!isWhole(text, identity(value.runId), scan.header?.format ?? JOURNAL_FORMAT)) return void rejected.add(value.runId);
    scan.done[value.runId] = 1;
    scan.finished++;
    if (value.status === 'failed') scan.failed++;
    visit?.(value, offset, length);
  });
  for (const runId of rejected) if (!scan.done[runId]) scan.rejected++;
  return scan;
}

/** A record is whole when its check holds for the run it claims (format 1: it has none, and is trusted as before). */
function isWhole(text: string, identity: string | null, format: number): boolean {
  if (identity === null) return false;
  const seal = checkSeal(text, identity);
  return seal === 'valid' || (seal === 'unsealed' && format < 2);
}

/** Refuse a journal written for another experiment or model version. */
export function checkJournalHeader(dir: string, header: JournalHeader | null, expected: JournalHeader): void {
  if (!header) throw new InputError(`'${journalPath(dir)}' has no sweep journal header (allowed: a directory written by 'defsim sweep'; choose a new --out)`);
  if (header.experimentHash !== expected.experimentHash) {
    throw new InputError(`'${dir}' holds a sweep of a different experiment ('${header.experiment}', hash ${header.experimentHash.slice(0, 12)}…; this one is '${expected.experiment}', ${expected.experimentHash.slice(0, 12)}…) (allowed: the same experiment file to resume, or a new --out)`);
  }
  if ((header.shard ?? null) !== (expected.shard ?? null)) {
    const what = (shard: string | undefined) => (shard ? `shard ${shard}` : 'the whole sweep');
    throw new InputError(`'${dir}' holds ${what(header.shard)} of '${header.experiment}'; this is ${what(expected.shard)} (allowed: resume with the same --shard, or a new --out)`);
  }
  if (header.modelVersion !== expected.modelVersion) {
    throw new InputError(`'${dir}' holds a sweep made with model version ${header.modelVersion}; this is ${expected.modelVersion} (allowed: resume with the same model version, or a new --out)`);
  }
  if ((header.modelSha256 ?? null) !== (expected.modelSha256 ?? null)) {
    throw new InputError(`'${dir}' holds a sweep made with a different model module (sha256 ${(header.modelSha256 ?? 'none').slice(0, 12)}…; this one is ${(expected.modelSha256 ?? 'none').slice(0, 12)}…): the model file changed since the sweep started (allowed: resume with the same model file, or a new --out)`);
  }
}

/** Locations of every run's record across one or more journals (shards), for assembly. */
export class JournalIndex {
  readonly present: Uint8Array;
  private readonly fileOf: Uint16Array;
  private readonly offset: Float64Array;
  private readonly length: Float64Array;
  private readonly metricOrder = new Map<string, [number, number]>();
  private readonly seriesOrder = new Map<string, [number, number]>();
  failed = 0;
  finished = 0;

  constructor(readonly files: readonly string[], readonly runs: number, identity: JournalIdentity) {
    this.present = new Uint8Array(runs);
    this.fileOf = new Uint16Array(runs);
    this.offset = new Float64Array(runs);
    this.length = new Float64Array(runs);
    files.forEach((file, f) => scanJournal(file, runs, identity, (record, offset, length) => this.add(f, record, offset, length)));
  }

  private add(file: number, record: JournalRecord, offset: number, length: number): void {
    const id = record.runId;
    if (this.present[id]) return;
    this.present[id] = 1;
    this.fileOf[id] = file;
    this.offset[id] = offset;
    this.length[id] = length;
    this.finished++;
    if (record.status === 'failed') this.failed++;
    noteFirstSeen(this.metricOrder, Object.keys(record.metrics), id);
    if (record.series) noteFirstSeen(this.seriesOrder, record.series.columns, id);
  }

  /** Metric names in the order of the lowest-numbered run that has them (the same whatever the journal order). */
  get metricNames(): string[] {
    return orderedNames(this.metricOrder);
  }

  get seriesColumns(): string[] {
    return orderedNames(this.seriesOrder);
  }

  /** The missing run ids (none when the sweep is complete). */
  missing(): number[] {
    const out: number[] = [];
    for (let id = 0; id < this.runs; id++) if (!this.present[id]) out.push(id);
    return out;
  }

  read(runId: number): JournalRecord {
    const buffer = Buffer.alloc(this.length[runId]);
    const fd = this.fd(this.fileOf[runId]);
    readSync(fd, buffer, 0, buffer.length, this.offset[runId]);
    return JSON.parse(buffer.toString('utf8')) as JournalRecord;
  }

  private fds = new Map<number, number>();
  private fd(file: number): number {
    let fd = this.fds.get(file);
    if (fd === undefined) this.fds.set(file, (fd = openSync(this.files[file], 'r')));
    return fd;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

function noteFirstSeen(order: Map<string, [number, number]>, names: string[], runId: number): void {
  names.forEach((name, position) => {
    const seen = order.get(name);
    if (!seen || runId < seen[0]) order.set(name, [runId, position]);
  });
}

function orderedNames(order: Map<string, [number, number]>): string[] {
  return [...order].sort(([, a], [, b]) => a[0] - b[0] || a[1] - b[1]).map(([name]) => name);
}

/** Call `line` for every complete (newline-terminated) line; return the byte length they cover. */
function forEachLine(path: string, line: (text: string, offset: number, length: number) => void): number {
  if (!existsSync(path)) return 0;
  const fd = openSync(path, 'r');
  try {
    let buffer = Buffer.alloc(1 << 22);
    let filled = 0; // bytes of `buffer` holding data not yet split into lines
    let base = 0; // file offset of buffer[0]
    for (;;) {
      if (filled === buffer.length) buffer = Buffer.concat([buffer, Buffer.alloc(buffer.length)]);
      const n = readSync(fd, buffer, filled, buffer.length - filled, base + filled);
      if (n === 0) return base;
      filled += n;
      let start = 0;
      for (let nl = buffer.indexOf(10, start); nl !== -1 && nl < filled; nl = buffer.indexOf(10, start)) {
        line(buffer.toString('utf8', start, nl), base + start, nl - start);
        start = nl + 1;
      }
      buffer.copy(buffer, 0, start, filled);
      filled -= start;
      base += start;
    }
  } finally {
    closeSync(fd);
  }
}

/** One journal line as JSON, or undefined when it is not (a line cut short by a crash). */
export function parseLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isHeader(value: unknown): value is JournalHeader {
  return typeof value === 'object' && value !== null && (value as JournalHeader).journal === 'defsim-sweep';
}

function isRecord(value: unknown): value is JournalRecord {
  const r = value as JournalRecord;
  return typeof value === 'object' && value !== null && Number.isSafeInteger(r.runId) && r.runId >= 0 &&
    (r.status === 'ok' || r.status === 'failed') && typeof r.metrics === 'object' && r.metrics !== null && !Array.isArray(r.metrics) &&
    Object.values(r.metrics).every((x) => x === null || (typeof x === 'number' && Number.isFinite(x)));
}
