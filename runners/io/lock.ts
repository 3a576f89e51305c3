/**
 * One writer per result directory: `lockDirectory(dir)` creates `dir/defsim.lock`, a small JSON
 * file naming the holder (pid, host, command, start time as text — never copied into results),
 * and refuses with an InputError (exit code 2) while another live process holds it. A lock whose
 * process is gone (kill -9, a crash, a reboot) is stale and taken over. The lock is released by
 * `release()`, and in any case when the process exits, on SIGINT and on SIGTERM.
 *
 *   const lock = lockDirectory(out);           // at the start, before anything is written
 *   try { …write out… } finally { lock.release(); }
 *
 * Creation is atomic (the holder's text is written to a temporary file and hard-linked into
 * place, so nobody reads a half-written lock); taking over a stale lock happens under a second,
 * short-lived guard file, so two processes that find the same stale lock cannot both take it.
 * Once the lock is taken, what a gone writer left in the directory (runners/io/leftovers.ts) is removed.
 */
import { existsSync, linkSync, openSync, readdirSync, readFileSync, rmdirSync, statSync, unlinkSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { makeDirectory } from './output-error.js';
import { fileOperation, lockTaken } from './fault-injection.js';
import { removeLeftovers } from './leftovers.js';
import { isPathError, unusablePathReason } from './out-path.js';

export const LOCK_FILE = 'defsim.lock';

/** What a lock file says (JSON). Text for people and for the stale check; no result depends on it. */
export interface LockHolder {
  pid: number;
  host: string;
  /** The command line that took the lock. */
  command: string;
  /** When the lock was taken (ISO 8601 text). */
  started: string;
  /** The holder's start time in clock ticks since boot (Linux /proc), to tell a reused pid apart. */
  processStart?: number;
}

export interface DirectoryLock {
  readonly dir: string;
  /** The lock file. */
  readonly path: string;
  /** Remove the lock (only if it is still ours); safe to call more than once. */
  release(): void;
}

export interface LockOptions {
  /** The command line to record (default: this process's arguments). */
  command?: string;
  /** The option that named the directory, for messages (default '--out'). */
  key?: string;
}

/** Locks this process holds, by lock file path: released on exit and on SIGINT/SIGTERM. */
const held = new Map<string, { text: string; createdDir: string | null }>();

/**
 * Take the lock of `dir`, creating the directory when it is missing (it is removed again on
 * release if it is then empty). Throws an InputError naming the holder while another live
 * process holds it.
 */
export function lockDirectory(dir: string, options: LockOptions = {}): DirectoryLock {
  const key = options.key ?? '--out';
  const path = resolve(dir, LOCK_FILE);
  if (held.has(path)) throw refusal(dir, key, 'it is already being written by this process');
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError(`invalid value for '${key}': ${JSON.stringify(dir)} (allowed: a directory path; this is a file)`);
  const createdDir = existsSync(dir) ? null : resolve(dir);
  try {
    makeDirectory(dir);
  } catch (error) {
    throw unusable(dir, key, error);
  }
  const holder: LockHolder = {
    pid: process.pid, host: hostname(), command: options.command ?? commandLine(),
    started: new Date().toISOString(), // for people reading the lock; never written to a result
    ...optional('processStart', processStartTicks(process.pid)),
  };
  const text = JSON.stringify(holder, null, 2) + '\n';
  try {
    take(dir, key, path, text);
  } catch (error) {
    if (createdDir) removeIfEmpty(createdDir);
    throw unusable(dir, key, error);
  }
  held.set(path, { text, createdDir });
  installHandlers();
  fileOperation();
  lockTaken();
  removeLeftovers(dir); // what a writer that was killed left here (temporary files, partial reports)
  return { dir, path, release: () => release(path) };
}

/** Run `work` holding the lock of `dir`; the lock is released however `work` ends. */
export async function withDirectoryLock<T>(dir: string, work: () => T | Promise<T>, options: LockOptions = {}): Promise<T> {
  const lock = lockDirectory(dir, options);
  try {
    return await work();
  } finally {
    lock.release();
  }
}

/** The holder named by `dir`'s lock file, or null when there is none (or it cannot be read as one). */
export function readLock(dir: string): LockHolder | null {
  const text = readText(resolve(dir, LOCK_FILE));
  return text === null ? null : parseHolder(text);
}

/** How many tries to take a lock that keeps changing hands under us before giving up. */
const ATTEMPTS = 5;

function take(dir: string, key: string, path: string, text: string): void {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (createExclusive(path, text)) return;
    const found = readText(path);
    if (found === null) continue; // released between our two calls: try again
    const holder = parseHolder(found);
    if (!holder) {
      throw refusal(dir, key, `its lock file ${path} cannot be read as a defsim lock; if no defsim process is writing '${dir}', delete that file`);
    }
    const state = holderState(holder, path);
    if (state === 'alive') throw refusal(dir, key, `it is being written by another defsim process (${describeHolder(holder)}); wait for it to finish, or choose another ${key}`);
    if (state === 'unknown') {
      throw refusal(dir, key, `it is locked by a defsim process on another host (${describeHolder(holder)}), which cannot be checked from here; if that process is gone, delete ${path}`);
    }
    if (takeOver(dir, key, path, found, text)) return;
  }
  throw refusal(dir, key, `its lock ${path} kept changing hands; another process is starting to write it`);
}

/** Replace a stale lock (still holding `staleText`) by ours, under a guard file; false to start again. */
function takeOver(dir: string, key: string, path: string, staleText: string, text: string): boolean {
  const guard = `${path}.takeover`;
  const guardText = JSON.stringify({ pid: process.pid, host: hostname(), ...optional('processStart', processStartTicks(process.pid)) }) + '\n';
  if (!createExclusive(guard, guardText)) {
    const other = readText(guard);
    const holder = other === null ? null : parseHolder(other);
    if (holder && holderState(holder, null) !== 'gone') throw refusal(dir, key, `another process (pid ${holder.pid}) is taking over its stale lock ${path}`);
    removeFile(guard, other); // left by a process that died while taking over
    return false;
  }
  try {
    if (readText(path) === staleText) unlinkSync(path);
    return createExclusive(path, text);
  } finally {
    removeFile(guard, guardText);
  }
}

/** Create `path` holding `text`, only if it does not exist; false when it does. */
function createExclusive(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  try {
    linkSync(tmp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EOPNOTSUPP') return createWithoutLink(path, text);
    throw error;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
}

/** For file systems without hard links: exclusive create, then write (a reader may briefly see it empty). */
function createWithoutLink(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

type HolderState = 'alive' | 'gone' | 'unknown';

/** Whether the process named in a lock still runs: 'unknown' when it is on another host. */
function holderState(holder: Pick<LockHolder, 'pid' | 'host' | 'processStart'>, path: string | null): HolderState {
  if (holder.host !== hostname()) return 'unknown';
  if (holder.pid === process.pid) return path !== null && held.has(path) ? 'alive' : 'gone'; // an earlier process with our pid (a container restart)
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return 'gone';
  }
  // The pid exists (or we may not signal it). On Linux, a different start time means the pid was reused.
  const start = processStartTicks(holder.pid);
  if (holder.processStart !== undefined && start !== undefined && start !== holder.processStart) return 'gone';
  return 'alive';
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks after boot), where there is a /proc. */
function processStartTicks(pid: number): number | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === null) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields 3… (the name in parentheses may hold spaces)
  const ticks = Number(fields[22 - 3]);
  return Number.isSafeInteger(ticks) ? ticks : undefined;
}

function release(path: string): void {
  const mine = held.get(path);
  if (!mine) return;
  held.delete(path);
  removeFile(path, mine.text);
  fileOperation();
  if (mine.createdDir) removeIfEmpty(mine.createdDir);
  if (held.size === 0) removeHandlers();
}

/** Remove `path` if it still holds `text` (never someone else's lock). */
function removeFile(path: string, text: string | null): void {
  try {
    if (text === null || readText(path) === text) unlinkSync(path);
  } catch {
    /* gone already, or the directory went away */
  }
}

function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    /* not ours to worry about */
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function releaseAll(): void {
  for (const path of [...held.keys()]) release(path);
}

/** On a signal: release, then let the signal do what it would have done had we not listened. */
function onSignal(signal: NodeJS.Signals): void {
  releaseAll();
  removeHandlers();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

let installed = false;
function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', releaseAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function removeHandlers(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('exit', releaseAll);
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}

/** A path that cannot hold a directory (a file in the way, a dangling link, /proc) as one line naming the option; other errors as they are. */
function unusable(dir: string, key: string, error: unknown): unknown {
  if (!isPathError(error)) return error;
  return new InputError(`invalid value for '${key}': ${JSON.stringify(dir)} (allowed: a directory path that can be created and written; ${unusablePathReason(dir, error)})`);
}

function refusal(dir: string, key: string, why: string): InputError {
  return new InputError(`invalid value for '${key}': ${JSON.stringify(dir)}: ${why}`);
}

function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} on ${holder.host}, '${holder.command}', since ${holder.started}`;
}

/** `defsim sweep …` when run from the command line, else the script and its arguments. */
function commandLine(): string {
  const [, script = '', ...args] = process.argv;
  return (/runners[\\/]cli\.js$/.test(script) ? ['defsim', ...args] : ['node', script, ...args]).join(' ');
}

function parseHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (!Number.isSafeInteger(value.pid) || typeof value.host !== 'string') return null;
    return { pid: value.pid!, host: value.host, command: String(value.command ?? '?'), started: String(value.started ?? '?'), ...optional('processStart', value.processStart) };
  } catch {
    return null;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
