/**
 * Sweeps on worker threads, through the compiled code (dist/): byte-identical outputs for any
 * number of workers, the library iterator, failing runs, dying workers, kill -9 and --resume,
 * and bad input through the CLI. The CLI tests run `node dist/runners/cli.js` (DEFSIM_CLI may
 * name another entry point that registers the sweep commands).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashInts } from '../engine/rng.js';
import { resolveParameters } from '../runners/model/parameters.js';
import { simulate } from '../runners/run/simulate.js';
import { DEFECTION } from './helpers.js';

type SweepModule = typeof import('../runners/sweep/sweep.js');

const root = join(import.meta.dirname, '..');
const CLI = process.env.DEFSIM_CLI ?? join(root, 'dist', 'runners', 'cli.js');
const FILES = ['runs.csv', 'points.csv', 'series.csv', 'effects.csv', 'manifest.json'];
const tmp = mkdtempSync(join(tmpdir(), 'defsim-sweep-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let api: SweepModule;

beforeAll(async () => {
  api = (await import(pathToFileURL(join(root, 'dist', 'runners', 'sweep', 'sweep.js')).href)) as SweepModule;
});

/** 2 × 3 points × 4 replicates = 24 small runs, series every tick. */
const small = {
  name: 'small',
  set: { 'population.scale': 1000 },
  ticks: 24,
  replicates: 4,
  seed: 3,
  design: { type: 'grid' as const, parameters: { 'sanctions.offRamp': [false, true], 'sponsors.payout.soldierUsd': [0, 5000, 20000] } },
  baseline: { 'sponsors.payout.soldierUsd': 0 },
  record: { series: 'every-tick' as const },
};
const smallFile = join(tmp, 'small.json');
writeFileSync(smallFile, JSON.stringify(small));

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8');
}

/**
 * A file's bytes for comparison. The manifest's gitCommit is read once per process from the
 * checkout; a commit made while the tests run would differ between the test process and a CLI
 * child, so that one value is masked (everything else must match byte for byte).
 */
function comparable(dir: string, file: string): string {
  const text = read(dir, file);
  return file === 'manifest.json' ? text.replace(/"gitCommit": (null|"[0-9a-f]+")/, '"gitCommit": "…"') : text;
}

function expectSameFiles(dir: string, reference: string, files = FILES): void {
  for (const file of files) expect(comparable(dir, file), `${dir}/${file}`).toBe(comparable(reference, file));
}

let reference: string;

describe('sweep outputs', () => {
  beforeAll(async () => {
    reference = join(tmp, 'workers-1');
    await api.runSweep(small, { out: reference, workers: 1 });
  });

  it('are byte-identical for 1, 2 and 3 workers', async () => {
    for (const workers of [2, 3]) {
      const out = join(tmp, `workers-${workers}`);
      const outcome = await api.runSweep(small, { out, workers });
      expect(outcome).toMatchObject({ runs: 24, points: 6, failed: 0, ranNow: 24 });
      expectSameFiles(out, reference);
    }
    const runs = read(reference, 'runs.csv').trim().split('\n');
    expect(runs.length).toBe(25);
    expect(runs.slice(1).map((line) => Number(line.split(',')[0]))).toEqual([...Array(24).keys()]);
    expect(read(reference, 'series.csv').trim().split('\n').length).toBe(1 + 24 * 24);
    const manifest = JSON.parse(read(reference, 'manifest.json'));
    expect(manifest).toMatchObject({ kind: 'sweep', runs: 24, points: 6, failed: 0, varied: ['sanctions.offRamp', 'sponsors.payout.soldierUsd'] });
    expect(Object.keys(manifest.files)).toEqual(['runs.csv', 'points.csv', 'series.csv', 'effects.csv']);
  });

  it('give each run the seed hashInts(experiment seed, point_id, replicate), the same as a single run', () => {
    const header = read(reference, 'runs.csv').split('\n')[0].split(',');
    const row = read(reference, 'runs.csv').split('\n')[1 + 4 * 4 + 2].split(','); // point 4, replicate 2
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('seed')).toBe(String(hashInts(3, 4, 2)));
    expect([cell('sanctions.offRamp'), cell('sponsors.payout.soldierUsd')]).toEqual(['true', '5000']);
    const params = resolveParameters(DEFECTION, 'myanmar-2021', new Map<string, unknown>([['population.scale', 1000], ['time.ticks', 24], ['sanctions.offRamp', true], ['sponsors.payout.soldierUsd', 5000]]));
    const single = simulate(DEFECTION, params, hashInts(3, 4, 2));
    expect(Number(cell('defected_all'))).toBe(single.summary.metrics.defected_all);
    expect(Number(cell('spend_usd'))).toBe(single.summary.metrics.spend_usd);
  });

  it('stream through the library iterator, which writes nothing without out', async () => {
    const seen: number[] = [];
    const progress: number[] = [];
    for await (const run of api.sweep(small, { workers: 2, onProgress: (p) => progress.push(p.done) })) {
      expect(run.status).toBe('ok');
      expect(run.seed).toBe(hashInts(3, run.pointId, run.replicate));
      expect(run.series?.rows.length).toBe(24);
      expect(typeof run.metrics.defected_all).toBe('number');
      seen.push(run.runId);
    }
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(24).keys()]);
    expect(progress.at(-1)).toBe(24);
  });

  it('can stop early: breaking out of the iterator ends the pool', async () => {
    let n = 0;
    for await (const run of api.sweep(small, { workers: 2 })) {
      expect(run.status).toBe('ok');
      if (++n === 3) break;
    }
    expect(n).toBe(3);
  });
});

describe('the policy comparison example', () => {
  it('runs the five policies and no-policy end to end, with statistics and effects over no-policy', async () => {
    const out = join(tmp, 'policy');
    // The shipped file as it is, with fewer replicates to keep the test short.
    const shipped = api.loadExperiment(join(root, 'experiments', 'policy-comparison.yaml'));
    const outcome = await api.runSweep({ ...shipped, replicates: 3 }, { out, workers: 2 });
    expect(outcome).toMatchObject({ runs: 18, points: 6, failed: 0 });
    const scenarios = ['no-policy', 'myanmar-2021', 'sanctions-only', 'defection-offer', 'off-ramp', 'economic-targeting'];
    const rows = read(out, 'points.csv').trim().split('\n').filter((line) => line.split(',')[2] === 'defected_all');
    expect(rows.map((line) => line.split(',').slice(0, 4))).toEqual(scenarios.map((s, i) => [String(i), s, 'defected_all', '3']));
    const effects = read(out, 'effects.csv').trim().split('\n').filter((line) => line.split(',')[2] === 'defected_army');
    expect(effects.map((line) => [line.split(',')[1], line.split(',')[16]])).toEqual(scenarios.map((s) => [s, '0'])); // baseline_point_id 0
    const series = read(out, 'series.csv').trim().split('\n');
    expect(series.length).toBe(1 + 18 * 8); // ticks 0, 6, …, 42
  });
});

describe('faults', () => {
  it('a run that throws is recorded as failed and the sweep goes on; exit code 1 with a count', () => {
    const out = join(tmp, 'failing');
    const result = cli(['sweep', smallFile, '--out', out, '--workers', '2', '--quiet'], { DEFSIM_FAIL_RUNS: '5,17' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`defsim: 2 of 24 runs failed (status and error in ${out}/runs.csv)`);
    const rows = read(out, 'runs.csv').trim().split('\n');
    const ref = read(reference, 'runs.csv').trim().split('\n');
    for (let id = 0; id < 24; id++) {
      if (id === 5 || id === 17) {
        expect(rows[1 + id]).toMatch(new RegExp(`^${id},${Math.floor(id / 4)},${id % 4},${hashInts(3, Math.floor(id / 4), id % 4)},(true|false),\\d+,[,]+failed,Error: run ${id} fails on purpose \\(DEFSIM_FAIL_RUNS test hook\\)$`));
      } else {
        expect(rows[1 + id]).toBe(ref[1 + id]);
      }
    }
    expect(JSON.parse(read(out, 'manifest.json')).failed).toBe(2);
    const point1 = read(out, 'points.csv').split('\n').find((line) => line.startsWith('1,false,5000,defected_all,'));
    expect(point1?.split(',')[4]).toBe('3'); // n: three of four replicates
  });

  it('a worker that dies is replaced and its runs retried: same bytes as a clean sweep', () => {
    const out = join(tmp, 'crashing');
    const result = cli(['sweep', smallFile, '--out', out, '--workers', '2', '--quiet'], { DEFSIM_CRASH_RUNS: '2,9,20' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expectSameFiles(out, reference);
  });

  it('a run that kills its worker twice is recorded as failed; the others finish', () => {
    const out = join(tmp, 'crashing-always');
    const result = cli(['sweep', smallFile, '--out', out, '--workers', '2', '--quiet'], { DEFSIM_CRASH_ALWAYS_RUNS: '7' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('1 of 24 runs failed');
    const rows = read(out, 'runs.csv').trim().split('\n');
    expect(rows[8]).toMatch(/,failed,the worker died twice running it \(worker exited with code: 70\)$/);
    expect(rows.filter((r) => r.endsWith(',ok,')).length).toBe(23);
  });
});

describe('crash safety', () => {
  /** 200 runs of ~20 ms: long enough to be killed mid-sweep. */
  const long = { ...small, name: 'long', set: { 'population.scale': 200 }, ticks: 12, replicates: 20, design: { type: 'grid' as const, parameters: { 'sponsors.payout.soldierUsd': [0, 1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000] } } };
  const longFile = join(tmp, 'long.yaml');
  writeFileSync(longFile, JSON.stringify(long));

  it('kill -9 mid-sweep, then --resume: the same bytes as an uninterrupted sweep', async () => {
    const uninterrupted = join(tmp, 'long-uninterrupted');
    await api.runSweep(long, { out: uninterrupted, workers: 2 });
    const out = join(tmp, 'long-killed');
    const journal = join(out, 'journal.ndjson');
    const child = spawn(process.execPath, [CLI, 'sweep', longFile, '--out', out, '--workers', '2', '--quiet'], { cwd: root, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 1 : 0);
    while (lines() < 12) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const journaled = lines() - 1;
    expect(journaled).toBeGreaterThan(0);
    expect(journaled).toBeLessThan(200);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);

    const again = cli(['sweep', longFile, '--out', out, '--quiet']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a sweep \(add --resume to finish it\)/);

    const resumed = cli(['sweep', longFile, '--out', out, '--resume', '--workers', '2']);
    expect(resumed.stderr).not.toContain('defsim:');
    expect(resumed.stderr).toMatch(/^sweep long: 200\/200 runs, [\d.]+ runs\/s, ETA 0s, 0 failed$/m); // plain progress lines off a terminal
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`${200 - journaled} run now`);
    expectSameFiles(out, uninterrupted, ['runs.csv', 'points.csv', 'series.csv', 'manifest.json']);

    const noop = cli(['sweep', longFile, '--out', out, '--resume', '--quiet']);
    expect(noop.code).toBe(0);
    expectSameFiles(out, uninterrupted);
  });

  it('resume refuses a journal of another experiment', () => {
    const result = cli(['sweep', smallFile, '--out', join(tmp, 'long-killed'), '--resume', '--quiet']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/holds a sweep of a different experiment \('long'/);
  });
});

describe('command line input', () => {
  it('validate prints the run count', () => {
    const result = cli(['validate', join(root, 'experiments', 'offramp-vs-payout.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('10 points × 10 replicates = 100 runs');
  });

  it('bad input exits 2 with one line, before anything is written', () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'name: bad\ndesign:\n  type: grid\n  parameters:\n    sponsors.payout.soldierUsd: [0, -1]\n');
    for (const command of ['validate', 'sweep']) {
      const out = join(tmp, `bad-${command}`);
      const result = cli([command, bad, '--out', out].slice(0, command === 'sweep' ? 4 : 2));
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`defsim: invalid value for 'design.parameters.sponsors.payout.soldierUsd[1]': -1 (allowed: a finite number >= 0)\n`);
      expect(existsSync(out)).toBe(false);
    }
    const big = cli(['validate', smallFile, '--max-runs', '10']);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/the design makes 24 runs \(6 points × 4 replicates\), more than --max-runs 10/);
    expect(cli(['sweep', smallFile, '--workers', '0', '--out', join(tmp, 'w0')]).stderr).toMatch(/'--workers': "0"/);
  });
});
