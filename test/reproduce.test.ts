/**
 * `defsim reproduce DIR` through the CLI: identical on a fresh run, a fresh sweep, a shard and a
 * merged sweep; `different` (exit 1) when the manifest describes another run than its files; the
 * refusals (exit 2, naming the file, nothing re-run): no manifest, an edited output file, an
 * edited experiment, an unknown kind; warnings for other model, defsim and Node versions.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentHash, loadExperiment } from '../runners/sweep/experiment.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-reproduce-test-'));
/** The re-runs go to their own temporary folder, so the test can see that none is left behind. */
const rerunTmp = join(tmp, 'tmpdir');
mkdirSync(rerunTmp);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, TMPDIR: rerunTmp } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The per-file lines of `defsim reproduce`: file → identical | different. */
function verdicts(stdout: string): Record<string, string> {
  return Object.fromEntries(stdout.trim().split('\n').slice(0, -1).map((line) => line.split(/\s+/).slice(0, 2)));
}

function manifestOf(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
}

function writeManifest(dir: string, manifest: Record<string, unknown>): void {
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}

const experiment = {
  name: 'reproduced', set: { 'population.scale': 500 }, ticks: 18, replicates: 3, seed: 11,
  design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true], 'sponsors.payout.soldierUsd': [0, 4000, 12000] } },
  record: { series: { every: 3 } },
};
const experimentFile = join(tmp, 'reproduced.json');
const run = join(tmp, 'run');
const sweep = join(tmp, 'sweep');

beforeAll(() => {
  writeFileSync(experimentFile, JSON.stringify(experiment));
  expect(cli(['run', '--set', 'population.scale=50', '--seed', '4', '--out', run, '--quiet']).code).toBe(0);
  expect(cli(['sweep', experimentFile, '--out', sweep, '--workers', '2', '--quiet']).code).toBe(0);
});

describe('defsim reproduce', () => {
  it('a fresh run: every file identical, exit 0, no temporary directory left', () => {
    const r = cli(['reproduce', run, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(verdicts(r.stdout)).toEqual({ 'series.csv': 'identical', 'summary.json': 'identical' });
    expect(r.stdout.trim().split('\n').at(-1)).toBe(`${run}: 2 of 2 files identical`);
    expect(readdirSync(rerunTmp)).toEqual([]);
  });

  it('a fresh sweep, re-run on the pool with 1 or 2 workers: every file identical', () => {
    for (const workers of ['1', '2']) {
      const r = cli(['reproduce', sweep, '--workers', workers, '--quiet']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(verdicts(r.stdout)).toEqual({ 'runs.csv': 'identical', 'points.csv': 'identical', 'series.csv': 'identical' });
    }
    expect(readdirSync(rerunTmp)).toEqual([]);
  });

  it('a shard and a merged sweep: every file identical', () => {
    const shards = [0, 1].map((i) => join(tmp, `shard-${i}`));
    shards.forEach((dir, i) => expect(cli(['sweep', experimentFile, '--shard', `${i}/2`, '--out', dir, '--quiet']).code).toBe(0));
    const merged = join(tmp, 'merged');
    expect(cli(['merge', ...shards, '--out', merged, '--quiet']).code).toBe(0);
    const r = cli(['reproduce', merged, '--quiet']);
    expect(r.code).toBe(0);
    expect(verdicts(r.stdout)).toEqual({ 'runs.csv': 'identical', 'points.csv': 'identical', 'series.csv': 'identical' });
    const one = cli(['reproduce', shards[1], '--quiet']);
    expect(one.code).toBe(0);
    expect(Object.values(verdicts(one.stdout))).toEqual(['identical', 'identical', 'identical']);
  });

  it('--keep leaves the re-run where it says, with the same bytes', () => {
    const r = cli(['reproduce', run, '--quiet', '--keep']);
    expect(r.code).toBe(0);
    const kept = /the re-run is in (.+)$/.exec(r.stdout.trim())![1];
    expect(readFileSync(join(kept, 'series.csv'), 'utf8')).toBe(readFileSync(join(run, 'series.csv'), 'utf8'));
    rmSync(kept, { recursive: true });
  });

  it('says different (exit 1) when the manifest describes another run than its files hold', () => {
    const edited = join(tmp, 'run-other-seed');
    cpSync(run, edited, { recursive: true });
    writeManifest(edited, { ...manifestOf(edited), seed: 5 });
    const r = cli(['reproduce', edited, '--quiet']);
    expect(r.code).toBe(1);
    expect(verdicts(r.stdout)).toEqual({ 'series.csv': 'different', 'summary.json': 'different' });
    expect(r.stdout).toContain(`${edited}: 0 of 2 files identical`);

    const sweepEdited = join(tmp, 'sweep-other-seed');
    cpSync(sweep, sweepEdited, { recursive: true });
    const manifest = manifestOf(sweepEdited);
    const other = loadExperiment({ ...(manifest.experiment as object), seed: 12 } as never);
    writeManifest(sweepEdited, { ...manifest, experiment: other, experimentHash: experimentHash(other) });
    const s = cli(['reproduce', sweepEdited, '--quiet']);
    expect(s.code).toBe(1);
    expect(verdicts(s.stdout)).toEqual({ 'runs.csv': 'different', 'points.csv': 'different', 'series.csv': 'different' });
  });

  it('refuses an edited output file with exit 2, naming it, before re-running anything', () => {
    const edited = join(tmp, 'sweep-edited');
    cpSync(sweep, edited, { recursive: true });
    const runsCsv = join(edited, 'runs.csv');
    writeFileSync(runsCsv, readFileSync(runsCsv, 'utf8').replace(/,ok,/, ',ok ,'));
    const r = cli(['reproduce', edited, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^defsim: '${runsCsv}' was changed after it was written: its sha256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64}`));
    cpSync(join(sweep, 'runs.csv'), runsCsv);
    rmSync(join(edited, 'points.csv'));
    expect(cli(['reproduce', edited, '--quiet']).stderr).toContain(`'${join(edited, 'points.csv')}' is listed in ${join(edited, 'manifest.json')} but missing`);
  });

  it('refuses with exit 2: no manifest (an empty directory, an unfinished sweep, no directory), an edited experiment, an unknown kind', () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    const noManifest = cli(['reproduce', empty]);
    expect(noManifest.code).toBe(2);
    expect(noManifest.stderr).toContain(`'${empty}' has no manifest.json`);
    const unfinished = join(tmp, 'unfinished');
    cpSync(sweep, unfinished, { recursive: true });
    rmSync(join(unfinished, 'manifest.json'));
    expect(cli(['reproduce', unfinished]).stderr).toContain('finish it with --resume first');
    expect(cli(['reproduce', join(tmp, 'missing')]).code).toBe(2);

    const edited = join(tmp, 'sweep-experiment-edited');
    cpSync(sweep, edited, { recursive: true });
    const manifest = manifestOf(edited);
    writeManifest(edited, { ...manifest, experiment: { ...(manifest.experiment as object), seed: 12 } });
    const hash = cli(['reproduce', edited, '--quiet']);
    expect(hash.code).toBe(2);
    expect(hash.stderr).toContain(`'${edited}/manifest.json': the experiment it records does not hash to its experimentHash`);

    const unknown = join(tmp, 'unknown-kind');
    cpSync(run, unknown, { recursive: true });
    writeManifest(unknown, { ...manifestOf(unknown), kind: 'teleport' });
    const kind = cli(['reproduce', unknown]);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('a result of kind "teleport" cannot be reproduced (allowed: run, sweep');
    expect(readdirSync(rerunTmp)).toEqual([]);
  });

  it('warns when the model, defsim or Node version differs from the manifest, and still compares', () => {
    const old = join(tmp, 'run-old-versions');
    cpSync(run, old, { recursive: true });
    writeManifest(old, { ...manifestOf(old), modelVersion: '0.9.0', version: '0.0.1', node: 'v18.0.0' });
    const r = cli(['reproduce', old, '--quiet']);
    expect(r.code).toBe(0);
    const warnings = r.stderr.trim().split('\n');
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(new RegExp(`^defsim reproduce: warning: '${old}' was made with model version 0\\.9\\.0; this is \\S+, so files may differ$`));
    expect(warnings[1]).toContain('made with defsim version 0.0.1; this is');
    expect(warnings[2]).toContain(`made with Node version v18.0.0; this is ${process.version}`);
    expect(Object.values(verdicts(r.stdout))).toEqual(['identical', 'identical']);
  });
});
