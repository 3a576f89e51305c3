/**
 * Long commands and the disk, on real small file systems: a sweep whose journal fills a 1 MB
 * tmpfs, one whose final files do not fit, a read-only --out, `defsim main` (npm start) and
 * `defsim report` on a full disk. Each ends with one message naming the directory and how to go
 * on, exit code 1, no stack trace; nothing already written is lost, and a --resume (in place
 * after the disk grows, or elsewhere from a copy of the journal) gives the files of a sweep that
 * never failed. Mounting needs root (or passwordless sudo), as on CI; without it this file fails
 * and says so.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-disk-'));
const mounted: string[] = [];

function sh(command: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const r = spawnSync(asRoot ? command : 'sudo', asRoot ? args : ['-n', command, ...args], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`test/disk.test.ts fills real small file systems and needs root or passwordless sudo for '${command} ${args.join(' ')}': ${r.stderr || r.error?.message}`);
  }
}

/** A fresh tmpfs of `size` (e.g. '1m') at tmp/name; `options` such as ',ro'. */
function smallDisk(name: string, size: string, options = ''): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  sh('mount', ['-t', 'tmpfs', '-o', `size=${size}${options}`, 'tmpfs', dir]);
  mounted.push(dir);
  return dir;
}

function resize(disk: string, size: string): void {
  sh('mount', ['-o', `remount,size=${size}`, disk]);
}

afterAll(() => {
  for (const dir of mounted.reverse()) spawnSync(process.getuid?.() === 0 ? 'umount' : 'sudo', process.getuid?.() === 0 ? [dir] : ['-n', 'umount', dir]);
  rmSync(tmp, { recursive: true, force: true });
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One message, no stack trace. */
function expectOneMessage(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

const FINAL = ['runs.csv', 'points.csv', 'series.csv'];

function expectSameFinalFiles(dir: string, reference: string): void {
  for (const name of FINAL) expect(readFileSync(join(dir, name), 'utf8'), `${dir}/${name}`).toBe(readFileSync(join(reference, name), 'utf8'));
  const manifest = (d: string) => ({ ...JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')), gitCommit: null });
  expect(manifest(dir)).toEqual(manifest(reference));
}

/** Every complete line of a journal parses; returns the number of run records. */
function intactJournal(dir: string): number {
  const text = readFileSync(join(dir, 'journal.ndjson'), 'utf8');
  const lines = text.split('\n').slice(0, -1); // the part after the last newline may be torn; --resume cuts it
  expect(JSON.parse(lines[0]).journal).toBe('defsim-sweep');
  for (const line of lines.slice(1)) expect(() => JSON.parse(line)).not.toThrow();
  return lines.length - 1;
}

/** 120 runs with every tick's series: a journal of about 2.7 MB and a series.csv of about 2.1 MB (model 1.2's columns). */
const experiment = {
  name: 'fill', set: { 'population.scale': 1000 }, ticks: 24, replicates: 20, seed: 3,
  design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true], 'sponsors.payout.soldierUsd': [0, 5000, 20000] } },
  record: { series: 'every-tick' },
};
const file = join(tmp, 'fill.json');
let reference: string;

beforeAll(() => {
  writeFileSync(file, JSON.stringify(experiment));
  reference = join(tmp, 'reference');
  expect(cli(['sweep', file, '--out', reference, '--quiet']).code).toBe(0);
});

describe('a sweep on a full disk', () => {
  it('whose journal fills the disk ends with one message and exit 1; the journal is intact and --resume elsewhere or after freeing space gives the same files', () => {
    const disk = smallDisk('journal-full', '1m');
    const out = join(disk, 'sweep');
    const failed = cli(['sweep', file, '--out', out, '--quiet']);
    expect(failed.code).toBe(1);
    expect(expectOneMessage(failed.stderr)).toBe(
      `defsim: cannot write to '${out}': no space left on the device (ENOSPC); free some space, then run: defsim sweep ${file} --out ${out} --resume`,
    );
    expect(readdirSync(out)).toEqual(['journal.ndjson']); // no lock, no temporary files
    const journaled = intactJournal(out);
    expect(journaled).toBeGreaterThan(0);
    expect(journaled).toBeLessThan(120);

    const elsewhere = join(tmp, 'resumed-elsewhere');
    mkdirSync(elsewhere);
    copyFileSync(join(out, 'journal.ndjson'), join(elsewhere, 'journal.ndjson'));
    expect(cli(['sweep', file, '--out', elsewhere, '--resume', '--quiet']).code).toBe(0);
    expectSameFinalFiles(elsewhere, reference);

    resize(disk, '8m');
    const resumed = cli(['sweep', file, '--out', out, '--resume', '--quiet']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expectSameFinalFiles(out, reference);
  });

  it('whose final files do not fit ends the same way, with no manifest and no half-written file; --resume then assembles them', () => {
    const disk = smallDisk('files-full', '3m');
    const out = join(disk, 'sweep');
    const failed = cli(['sweep', file, '--out', out, '--quiet']);
    expect(failed.code).toBe(1);
    expect(expectOneMessage(failed.stderr)).toContain(`cannot write to '${out}': no space left on the device (ENOSPC)`);
    expect(intactJournal(out)).toBe(120);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    expect(readdirSync(out).filter((name) => name.includes('.tmp'))).toEqual([]);
    resize(disk, '8m');
    expect(cli(['sweep', file, '--out', out, '--resume', '--quiet']).code).toBe(0);
    expectSameFinalFiles(out, reference);
  });

  it('an --out on a read-only file system: one message naming it, exit 1, for sweep and run', () => {
    const disk = smallDisk('read-only', '1m', ',ro');
    const out = join(disk, 'sweep');
    const sweep = cli(['sweep', file, '--out', out, '--quiet']);
    expect(sweep.code).toBe(1);
    expect(expectOneMessage(sweep.stderr)).toBe(
      `defsim: cannot write to '${out}': it is on a read-only file system (EROFS); make '${out}' writable, then run: defsim sweep ${file} --out ${out} --resume`,
    );
    const run = cli(['run', '--set', 'population.scale=50', '--out', join(disk, 'run'), '--quiet']);
    expect(run.code).toBe(1);
    expect(expectOneMessage(run.stderr)).toContain(`cannot write to '${join(disk, 'run')}': it is on a read-only file system (EROFS`);
  });
});

describe('npm start and reports on a full disk', () => {
  it('defsim main (npm start): one message, exit 1, the earlier result untouched and no staging directory left', () => {
    const disk = smallDisk('main-full', '1m');
    const earlier = join(disk, 'decide-myanmar-2021');
    mkdirSync(earlier);
    const earlierManifest = JSON.stringify({ kind: 'decision', experiment: { name: 'decide-myanmar-2021' }, files: {} });
    writeFileSync(join(earlier, 'manifest.json'), earlierManifest);
    const main = cli(['main', '--out', disk, '--quiet', '--workers', '2']);
    expect(main.code).toBe(1);
    expect(expectOneMessage(main.stderr)).toBe(
      `defsim: cannot write to '${disk}': no space left on the device (ENOSPC); free some space, then run: defsim main --out ${disk}`,
    );
    expect(readdirSync(disk)).toEqual(['decide-myanmar-2021']);
    expect(readdirSync(earlier)).toEqual(['manifest.json']);
    expect(readFileSync(join(earlier, 'manifest.json'), 'utf8')).toBe(earlierManifest);
  });

  it('defsim report: one message naming the report folder, exit 1, the earlier report unchanged', () => {
    const disk = smallDisk('report-full', '16m');
    const dir = join(disk, 'sweep');
    mkdirSync(dir);
    for (const name of [...FINAL, 'manifest.json']) copyFileSync(join(reference, name), join(dir, name));
    expect(cli(['report', dir, '--quiet', '--width', '400', '--height', '300']).code).toBe(0);
    const reportDir = join(dir, 'report');
    const before = Object.fromEntries(readdirSync(reportDir).map((name) => [name, readFileSync(join(reportDir, name))]));
    // Fill the disk so that a second rendering cannot fit.
    const filler = join(disk, 'filler');
    writeFileSync(filler, '');
    spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { encoding: 'utf8' });
    const again = cli(['report', dir, '--quiet', '--width', '400', '--height', '300']);
    expect(again.code).toBe(1);
    const message = expectOneMessage(again.stderr);
    expect(message).toContain(`cannot write the report to '${reportDir}'`);
    expect(message).toContain('ENOSPC');
    expect(message).toContain('any earlier report there is unchanged');
    expect(message).toContain(`then run 'defsim report ${dir} --width 400 --height 300' again`); // the retry keeps the options

    const after = Object.fromEntries(readdirSync(reportDir).map((name) => [name, readFileSync(join(reportDir, name))]));
    expect(after).toEqual(before);
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]); // no half-written report folder left
  });
});
