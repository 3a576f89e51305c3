/**
 * One writer per result directory (runners/io/lock.ts): the lock file's contents, refusal while a
 * live process holds it, take-over of a stale lock (dead pid, a reused pid, a dead take-over
 * guard), and through the CLI: a second sweep into a directory being written is refused while the
 * first finishes with no duplicate records; a sweep killed with -9 or SIGTERM is resumed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../engine/errors.js';
import { LOCK_FILE, lockDirectory, readLock, withDirectoryLock } from '../runners/io/lock.js';
import { prepareOutputDirectory } from '../runners/io/outputs.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const LOCK_JS = join(root, 'dist', 'runners', 'io', 'lock.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-lock-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** Another node process that takes the lock of `dir` and holds it until killed. */
async function holdLockElsewhere(dir: string): Promise<ChildProcess> {
  const script = `import(${JSON.stringify(LOCK_JS)}).then((m) => { m.lockDirectory(${JSON.stringify(dir)}, { command: 'holder' }); console.log('locked'); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`the lock holder exited early (${code})`)));
  });
  return child;
}

async function killed(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('lockDirectory', () => {
  it('writes a lock naming pid, host, command and start time, refuses a second taker, and releases', () => {
    const dir = join(tmp, 'basic');
    const lock = lockDirectory(dir, { command: 'defsim sweep exp.yaml --out basic' });
    const holder = readLock(dir)!;
    expect(holder).toMatchObject({ pid: process.pid, host: hostname(), command: 'defsim sweep exp.yaml --out basic' });
    expect(new Date(holder.started).toISOString()).toBe(holder.started);
    expect(refusal(() => lockDirectory(dir))).toContain('already being written by this process');
    expect(readdirSync(dir)).toEqual([LOCK_FILE]); // no temporary files left
    lock.release();
    lock.release(); // a second release does nothing
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(existsSync(dir)).toBe(false); // it created the directory, which is empty again
  });

  it('keeps a directory it did not create, and one that holds files', async () => {
    const dir = join(tmp, 'kept');
    mkdirSync(dir);
    await withDirectoryLock(dir, () => writeFileSync(join(dir, 'a.csv'), 'x\n'));
    expect(readdirSync(dir)).toEqual(['a.csv']);
    const empty = join(tmp, 'kept-empty');
    mkdirSync(empty);
    await withDirectoryLock(empty, () => undefined);
    expect(existsSync(empty)).toBe(true);
  });

  it('refuses while another live process holds the lock, naming its pid, and takes over once it is killed', async () => {
    const dir = join(tmp, 'elsewhere');
    const holder = await holdLockElsewhere(dir);
    const message = refusal(() => lockDirectory(dir));
    expect(message).toContain(`pid ${holder.pid} on ${hostname()}, 'holder'`);
    expect(message).toContain('being written by another defsim process');
    await killed(holder);
    expect(readLock(dir)?.pid).toBe(holder.pid); // kill -9 leaves the lock behind: stale
    const lock = lockDirectory(dir);
    expect(readLock(dir)?.pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a stale lock whose pid is dead, and one whose pid was reused by another process', () => {
    const dir = join(tmp, 'stale');
    mkdirSync(dir);
    const lockFile = join(dir, LOCK_FILE);
    writeFileSync(lockFile, JSON.stringify({ pid: deadPid(), host: hostname(), command: 'defsim sweep old', started: '2020-01-01T00:00:00.000Z' }));
    let lock = lockDirectory(dir);
    expect(readLock(dir)?.pid).toBe(process.pid);
    lock.release();
    // A live pid (this test's parent) with another start time: the pid was reused, the holder is gone.
    writeFileSync(lockFile, JSON.stringify({ pid: process.ppid, host: hostname(), command: 'defsim sweep old', started: '2020-01-01T00:00:00.000Z', processStart: 1 }));
    lock = lockDirectory(dir);
    expect(readLock(dir)?.pid).toBe(process.pid);
    lock.release();
  });

  it('refuses a lock held on another host (it cannot be checked) and an unreadable lock file, naming the file', () => {
    const dir = join(tmp, 'other-host');
    mkdirSync(dir);
    const lockFile = join(dir, LOCK_FILE);
    writeFileSync(lockFile, JSON.stringify({ pid: 1, host: `not-${hostname()}`, command: 'defsim sweep x', started: '2020-01-01T00:00:00.000Z' }));
    const message = refusal(() => lockDirectory(dir));
    expect(message).toContain('another host');
    expect(message).toContain(`delete ${lockFile}`);
    writeFileSync(lockFile, 'not json');
    expect(refusal(() => lockDirectory(dir))).toContain(`${lockFile} cannot be read as a defsim lock`);
  });

  it('a take-over guard left by a dead process is cleared; one held by a live process refuses', async () => {
    const dir = join(tmp, 'guard');
    mkdirSync(dir);
    const lockFile = join(dir, LOCK_FILE);
    const stale = JSON.stringify({ pid: deadPid(), host: hostname(), command: 'old', started: '2020-01-01T00:00:00.000Z' });
    writeFileSync(lockFile, stale);
    writeFileSync(`${lockFile}.takeover`, JSON.stringify({ pid: deadPid(), host: hostname() }));
    const lock = lockDirectory(dir);
    expect(readLock(dir)?.pid).toBe(process.pid);
    expect(existsSync(`${lockFile}.takeover`)).toBe(false);
    lock.release();
    writeFileSync(lockFile, stale);
    writeFileSync(`${lockFile}.takeover`, JSON.stringify({ pid: process.ppid, host: hostname() }));
    expect(refusal(() => lockDirectory(dir))).toContain(`another process (pid ${process.ppid}) is taking over`);
  });

  it('a directory holding only a lock file counts as empty for a new result', () => {
    const dir = join(tmp, 'only-lock');
    const lock = lockDirectory(dir);
    expect(() => prepareOutputDirectory(dir, false)).not.toThrow();
    lock.release();
  });
});

describe('two sweeps into one directory', () => {
  /** 240 runs of a few ms each: long enough to hold the lock while a second sweep starts. */
  const experiment = {
    name: 'locked', set: { 'population.scale': 200 }, ticks: 24, replicates: 40, seed: 12,
    design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true], 'sponsors.payout.soldierUsd': [0, 5000, 20000] } },
  };
  const file = join(tmp, 'locked.json');
  let reference: string;

  beforeAll(() => {
    writeFileSync(file, JSON.stringify(experiment));
    reference = join(tmp, 'locked-reference');
    expect(cli(['sweep', file, '--out', reference, '--quiet']).code).toBe(0);
  });

  function journalRunIds(dir: string): number[] {
    return readFileSync(join(dir, 'journal.ndjson'), 'utf8').trim().split('\n').slice(1).map((line) => (JSON.parse(line) as { runId: number }).runId);
  }

  async function started(dir: string): Promise<ChildProcess & { done: Promise<number | null> }> {
    const child = spawn(process.execPath, [CLI, 'sweep', file, '--out', dir, '--workers', '1', '--quiet'], { cwd: root, stdio: 'ignore' });
    const done = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
    const journal = join(dir, 'journal.ndjson');
    while (!(existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length > 3)) await new Promise((r) => setTimeout(r, 5));
    return Object.assign(child, { done });
  }

  it('the second is refused with exit code 2 naming the first, which finishes with no duplicate records', async () => {
    const out = join(tmp, 'locked-two');
    const first = await started(out);
    first.kill('SIGSTOP'); // hold the first mid-sweep, so the second surely meets it
    try {
      const second = cli(['sweep', file, '--out', out, '--resume', '--quiet']);
      expect(second.code).toBe(2);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);
      expect(second.stderr).toContain(`being written by another defsim process (pid ${first.pid} on ${hostname()}, 'defsim sweep ${file} --out ${out} --workers 1 --quiet'`);
      const without = cli(['sweep', file, '--out', out, '--quiet']);
      expect(without.code).toBe(2);
      expect(without.stderr).toContain(`pid ${first.pid}`);
    } finally {
      first.kill('SIGCONT');
    }
    expect(await first.done).toBe(0);
    const ids = journalRunIds(out);
    expect(ids.length).toBe(240);
    expect(new Set(ids).size).toBe(240);
    for (const name of ['runs.csv', 'points.csv']) expect(readFileSync(join(out, name), 'utf8')).toBe(readFileSync(join(reference, name), 'utf8'));
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });

  it('kill -9 leaves a stale lock that --resume takes over; SIGTERM releases it', async () => {
    const out = join(tmp, 'locked-killed');
    const first = await started(out);
    first.kill('SIGKILL');
    await first.done;
    expect(readLock(out)?.pid).toBe(first.pid);
    const resumed = cli(['sweep', file, '--out', out, '--resume', '--quiet']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(readFileSync(join(out, 'runs.csv'), 'utf8')).toBe(readFileSync(join(reference, 'runs.csv'), 'utf8'));
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);

    const terminated = join(tmp, 'locked-terminated');
    const second = await started(terminated);
    second.kill('SIGTERM');
    expect(await second.done).toBe(143);
    expect(existsSync(join(terminated, LOCK_FILE))).toBe(false);
    expect(cli(['sweep', file, '--out', terminated, '--resume', '--quiet']).code).toBe(0);
    expect(readFileSync(join(terminated, 'runs.csv'), 'utf8')).toBe(readFileSync(join(reference, 'runs.csv'), 'utf8'));
  });
});
