/**
 * Crash consistency, in the spirit of SQLite's crash tests: each command that writes a result is
 * killed (SIGKILL, as kill -9) right after its n-th file operation — every write, rename, removal,
 * directory creation, truncation and journal append of the atomic-write, journal, lock and report
 * helpers counts (the test hook DEFSIM_FAIL_AFTER_OPS of runners/io/fault-injection.ts), every other
 * kill point with a torn last write (DEFSIM_FAIL_TORN) — and then finished as a user would
 * (`--resume`, or the same command again). After the kill the directory must be either the
 * complete result, byte for byte, or visibly incomplete (no manifest, and `defsim reproduce`
 * refuses it) — never a manifest beside files it does not describe; after the finish it must be
 * byte-identical to an uninterrupted result, with nothing left behind (temporary files, partial
 * reports, the lock).
 *
 * Table-driven: a command that writes a result is one more entry of CASES (run, sweep,
 * calibrate, analyze, decide --x --y, decide EXPERIMENT). Kill points: 4 or 5 per command spread over its file operations (first and last included);
 * DEFSIM_CRASH_POINTS=all tries every one (about 10 for run, 25 for sweep, 55 for calibrate, 20 for decide).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../runners/io/outputs.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-crash-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The result directory, relative to each attempt's own working directory (so command lines match). */
const OUT = 'result';
const ALL_POINTS = process.env.DEFSIM_CRASH_POINTS === 'all';

function cli(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stderr: r.stderr };
}

/** The same, without blocking the test runner (the kill loops take a while). */
function cliAsync(cwd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

function json(name: string, value: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** Every file under `dir` (relative paths), sorted. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

/** A file's bytes for comparison; a manifest's gitCommit (read once per process) is masked. */
function comparable(path: string): string {
  const text = readFileSync(path, 'latin1');
  return path.endsWith('.json') ? text.replace(/"gitCommit": (null|"[0-9a-f]+")/u, '"gitCommit": "…"') : text;
}

interface CrashCase {
  command: string;
  /** The command that writes OUT (run in its own working directory). */
  args: () => string[];
  /** How a user finishes after a crash: --resume, or the same command again. */
  finish: () => string[];
  /** The manifest whose presence says the result is complete; it lists the sha256 of each file under `files`. */
  manifest: string;
  /** What OUT holds before the command (analyze: a finished sweep). */
  before?: (out: string) => void;
  /** Files that are not part of the result (the journal: in completion order, with any re-run records). */
  ignore?: RegExp;
  /** `defsim reproduce` refuses the directory while its manifest is missing. */
  reproducible?: boolean;
  /** Kill points to try (default 4), spread over the command's file operations. */
  points?: number;
}

const sweepExperiment = { name: 'crash-sweep', set: { 'population.scale': 2000 }, ticks: 6, replicates: 2, seed: 3, design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true] } }, record: { series: { every: 3 } } };
const calibration = {
  name: 'crash-cal', scenario: 'myanmar-2021', targets: join(root, 'data', 'myanmar-2021.json'), set: { 'population.scale': 400 }, ticks: 25,
  parameters: { 'decision.stay.armyEnlisted': { from: -2, to: 2 } },
  method: { type: 'abc-smc', particles: 6, until: { acceptanceRate: 0.05, generations: 2 } }, replicates: 1, seed: 7,
};
const sobol = {
  name: 'crash-sobol', set: { 'population.scale': 2000 }, ticks: 6, replicates: 1, seed: 5,
  design: { type: 'sobol', samples: 4, parameters: { 'decision.peerWeight': { from: 1, to: 5 }, 'decision.riskWeight': { from: 1, to: 3 } } },
};
let files: Record<string, string>;
let sobolSweep: string;
let earlierRun: string;

const CASES: CrashCase[] = [
  {
    command: 'run', manifest: 'manifest.json', reproducible: true,
    args: () => ['run', '--set', 'population.scale=2000', '--ticks', '6', '--seed', '4', '--out', OUT, '--force', '--quiet'],
    finish: () => ['run', '--set', 'population.scale=2000', '--ticks', '6', '--seed', '4', '--out', OUT, '--force', '--quiet'],
  },
  {
    // The earlier run's manifest must go before any of its files is replaced (it once stayed beside the new series.csv).
    command: 'run --force over an earlier run', manifest: 'manifest.json', reproducible: true, points: 3,
    before: (out) => cpSync(earlierRun, out, { recursive: true }),
    args: () => ['run', '--set', 'population.scale=2000', '--ticks', '6', '--seed', '4', '--out', OUT, '--force', '--quiet'],
    finish: () => ['run', '--set', 'population.scale=2000', '--ticks', '6', '--seed', '4', '--out', OUT, '--force', '--quiet'],
  },
  {
    command: 'sweep', manifest: 'manifest.json', reproducible: true, ignore: /^journal\.ndjson$/u,
    args: () => ['sweep', files.sweep, '--out', OUT, '--workers', '1', '--quiet'],
    finish: () => ['sweep', files.sweep, '--out', OUT, '--workers', '1', '--resume', '--quiet'],
  },
  {
    command: 'calibrate', manifest: 'manifest.json', reproducible: true, ignore: /^journal\.ndjson$/u,
    args: () => ['calibrate', files.calibration, '--out', OUT, '--workers', '1', '--quiet'],
    finish: () => ['calibrate', files.calibration, '--out', OUT, '--workers', '1', '--resume', '--quiet'],
  },
  {
    // Five points: one falls while the report is being built beside its folder (.report.partial-*).
    command: 'analyze', manifest: 'sensitivity-manifest.json', points: 5,
    before: (out) => cpSync(sobolSweep, out, { recursive: true }),
    args: () => ['analyze', OUT, '--resamples', '20', '--metrics', 'defected_army', '--quiet'],
    finish: () => ['analyze', OUT, '--resamples', '20', '--metrics', 'defected_army', '--quiet'],
  },
  {
    // decide --x --y: five CSV/JSON files and the manifest (the earlier one removed first), then the report.
    command: 'decide', manifest: 'manifest.json', points: 5,
    args: () => ['decide', '--x', files.worlds, '--y', files.outcomes, '--out', OUT, '--resamples', '5', '--draws', '20', '--quiet'],
    finish: () => ['decide', '--x', files.worlds, '--y', files.outcomes, '--out', OUT, '--resamples', '5', '--draws', '20', '--quiet'],
  },
  {
    // decide EXPERIMENT: the sweep of (world, scenario) points into runs/ (journaled), then the decision files and the manifest, last.
    command: 'decide EXPERIMENT', manifest: 'manifest.json', reproducible: true, ignore: /^runs\/journal\.ndjson$/u,
    args: () => ['decide', files.decideExperiment, '--out', OUT, '--workers', '1', '--no-report', '--quiet'],
    finish: () => ['decide', files.decideExperiment, '--out', OUT, '--workers', '1', '--resume', '--no-report', '--quiet'],
  },
];

/** A tiny decide experiment: 4 worlds from a design, two policies against no-policy, one replicate. */
const decideExperiment = {
  name: 'crash-decide', policies: ['sanctions-only', 'defection-offer'], baseline: 'no-policy',
  set: { 'population.scale': 2000 }, ticks: 6, replicates: 1, seed: 13,
  worlds: { design: { type: 'lhs', samples: 4, parameters: { 'decision.peerWeight': { from: 1.5, to: 4.5 } } } },
  criteria: [{ name: 'strength', metric: 'regime_strength_lost', kind: 'effect' }],
  evppi: { draws: 20 }, prim: { resamples: 3 },
};

/** A small decision problem: 40 worlds over two parameters, two policies, one criterion (each policy leads in half of them). */
function decisionInputs(): { worlds: string; outcomes: string } {
  const worlds = ['world,a,b'];
  const outcomes = ['world,policy,criterion,value'];
  for (let w = 0; w < 40; w++) {
    const a = ((w * 7) % 40) / 40;
    const b = ((w * 13) % 40) / 40;
    worlds.push(`w${w},${a},${b}`);
    outcomes.push(`w${w},p1,gain,${(10 * a + ((w * 3) % 5) / 10).toFixed(3)}`, `w${w},p2,gain,${(10 * b + ((w * 11) % 5) / 10).toFixed(3)}`);
  }
  return { worlds: worlds.join('\n') + '\n', outcomes: outcomes.join('\n') + '\n' };
}

beforeAll(() => {
  files = { sweep: json('sweep.json', sweepExperiment), calibration: json('cal.json', calibration), sobol: json('sobol.json', sobol), decideExperiment: json('decide.json', decideExperiment) };
  const decision = decisionInputs();
  files.worlds = join(tmp, 'worlds.csv');
  files.outcomes = join(tmp, 'outcomes.csv');
  writeFileSync(files.worlds, decision.worlds);
  writeFileSync(files.outcomes, decision.outcomes);
  sobolSweep = join(tmp, 'sobol-sweep');
  earlierRun = join(tmp, 'earlier-run');
  for (const args of [
    ['sweep', files.sobol, '--out', sobolSweep, '--workers', '1', '--quiet'],
    ['run', '--set', 'population.scale=2000', '--ticks', '6', '--seed', '9', '--scenario', 'off-ramp', '--out', earlierRun, '--quiet'],
  ]) {
    const r = cli(tmp, args);
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);

/** `count` kill points spread over 1 … total, both ends included. */
function killPoints(total: number, count: number): number[] {
  if (total <= count) return Array.from({ length: total }, (_, i) => i + 1);
  return [...new Set(Array.from({ length: count }, (_, i) => 1 + Math.round((i * (total - 1)) / (count - 1))))];
}

/**
 * What the directory is after a kill: 'complete' (a manifest, and every file it lists as listed:
 * the new result, or the earlier one it was to replace) or 'incomplete' (no manifest). A manifest
 * beside a file it does not describe — a mixed directory — fails.
 */
function stateAfterKill(out: string, c: CrashCase, where: string): 'complete' | 'incomplete' {
  const manifestPath = join(out, c.manifest);
  if (!existsSync(manifestPath)) return 'incomplete';
  const listed = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: Record<string, string> }).files;
  for (const [name, hash] of Object.entries(listed)) {
    expect(existsSync(join(out, name)), `${where}: ${name} listed in the manifest`).toBe(true);
    expect(sha256(readFileSync(join(out, name))), `${where}: ${name} is what the manifest says (not mixed)`).toBe(hash);
  }
  return 'complete';
}

function expectSameResult(out: string, reference: string, c: CrashCase): void {
  const kept = (f: string) => !c.ignore?.test(f);
  const expected = filesUnder(reference).filter(kept);
  expect(filesUnder(out).filter(kept)).toEqual(expected); // nothing more: no temporary file, partial report or lock
  for (const f of expected) expect(comparable(join(out, f)), f).toBe(comparable(join(reference, f)));
  expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
}

describe('crash consistency: kill -9 after any file operation, then --resume or rerun', () => {
  it('spreads kill points over the operations', () => {
    expect(killPoints(5, 8)).toEqual([1, 2, 3, 4, 5]);
    expect(killPoints(22, 8)).toEqual([1, 4, 7, 10, 13, 16, 19, 22]);
  });

  it.each(CASES)('$command: complete and byte-identical, or refused as incomplete; never mixed', async (c) => {
    const base = join(tmp, c.command.replace(/\W+/gu, '-'));
    const referenceCwd = join(base, 'reference');
    mkdirSync(referenceCwd, { recursive: true });
    c.before?.(join(referenceCwd, OUT));
    const reference = await cliAsync(referenceCwd, c.args(), { DEFSIM_COUNT_OPS: '1' });
    expect(reference.code, reference.stderr).toBe(0);
    const total = Number(/defsim: (\d+) file operations/u.exec(reference.stderr)?.[1]);
    expect(total).toBeGreaterThan(3);
    const referenceOut = join(referenceCwd, OUT);
    const seen = { complete: 0, incomplete: 0 };
    const points = killPoints(total, ALL_POINTS ? Infinity : c.points ?? 4);
    for (const [k, n] of points.entries()) {
      const cwd = join(base, `kill-${n}`);
      mkdirSync(cwd, { recursive: true });
      c.before?.(join(cwd, OUT));
      const out = join(cwd, OUT);
      const killed = await cliAsync(cwd, c.args(), { DEFSIM_FAIL_AFTER_OPS: String(n), DEFSIM_FAIL_TORN: k % 2 === 1 ? '1' : '0' });
      const where = `${c.command}, killed after file operation ${n} of ${total}`;
      expect(killed.signal === 'SIGKILL' || killed.code === 0, `${where}: ${killed.stderr}`).toBe(true);
      const state = stateAfterKill(out, c, where);
      seen[state]++;
      if (state === 'incomplete' && c.reproducible && seen.incomplete === 1) {
        const refused = cli(cwd, ['reproduce', OUT]);
        expect(refused.code, `${where}: reproduce of an incomplete directory`).toBe(2);
      }
      const finished = await cliAsync(cwd, c.finish());
      expect(finished.code, `${where}, then '${c.finish().join(' ')}': ${finished.stderr}`).toBe(0);
      expectSameResult(out, referenceOut, c);
      rmSync(cwd, { recursive: true, force: true });
    }
    expect(seen.incomplete).toBeGreaterThan(0);
  });
});
