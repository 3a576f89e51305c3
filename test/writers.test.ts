/**
 * Two writers on one directory, for every command that writes one (run, sweep, calibrate,
 * analyze, sample, decide, merge, report, main — `npm start` —, slurm, k8s): exactly one proceeds; the
 * other exits with code 2 and one line naming the holder. The first is stopped (SIGSTOP, by the
 * test hook DEFSIM_STOP_AFTER_LOCK, runners/io/fault-injection.ts) right after it takes its lock, so
 * the second surely meets it; then it goes on (SIGCONT) and must finish as if alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-writers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(name: string, value: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** The state letter of /proc/PID/stat ('T' when stopped), or null once the process is gone. */
function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return null;
  }
}

/** Start `args` with DEFSIM_STOP_AFTER_LOCK and wait until it has stopped holding its lock. */
async function startHoldingLock(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: tmp, env: { ...process.env, DEFSIM_STOP_AFTER_LOCK: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.resume();
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let exited = false;
  void done.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`'defsim ${args.join(' ')}' finished without stopping after a lock: it took none (${stderr})`);
    if (processState(child.pid!) === 'T') break;
    await new Promise((r) => setTimeout(r, 5));
  }
  return { pid: child.pid!, resume: () => child.kill('SIGCONT'), done, stderr: () => stderr };
}

const experiment = { name: 'writers', set: { 'population.scale': 2000 }, ticks: 6, replicates: 2, seed: 3, design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true] } } };
const comparison = { ...experiment, name: 'writers-main', design: { type: 'grid', parameters: { scenario: ['no-policy', 'defection-offer'] } }, baseline: { scenario: 'no-policy' }, seeds: 'common' };
const sobol = {
  name: 'writers-sobol', set: { 'population.scale': 2000 }, ticks: 6, replicates: 1, seed: 5,
  design: { type: 'sobol', samples: 4, parameters: { 'decision.peerWeight': { from: 1, to: 5 }, 'decision.riskWeight': { from: 1, to: 3 } } },
};
const calibration = {
  name: 'writers-cal', scenario: 'myanmar-2021', targets: join(root, 'data', 'myanmar-2021.json'), set: { 'population.scale': 400 }, ticks: 25,
  parameters: { 'decision.stay.armyEnlisted': { from: -2, to: 2 } },
  method: { type: 'abc-smc', particles: 6, until: { acceptanceRate: 0.05, generations: 2 } }, replicates: 1, seed: 7,
};
const problem = { num_vars: 2, names: ['a', 'b'], bounds: [[0, 1], [0, 1]] };

let files: Record<string, string>;
beforeAll(() => {
  files = {
    experiment: json('exp.json', experiment), comparison: json('main.json', comparison), sobol: json('sobol.json', sobol),
    calibration: json('cal.json', calibration), problem: json('problem.json', problem),
    worlds: join(tmp, 'worlds.csv'), outcomes: join(tmp, 'outcomes.csv'),
  };
  // A small decision problem: 40 worlds over two parameters, two policies, one criterion.
  const worlds = ['world,a,b'];
  const outcomes = ['world,policy,criterion,value'];
  for (let w = 0; w < 40; w++) {
    const [a, b] = [((w * 7) % 40) / 40, ((w * 13) % 40) / 40];
    worlds.push(`w${w},${a},${b}`);
    outcomes.push(`w${w},p1,gain,${(10 * a).toFixed(3)}`, `w${w},p2,gain,${(10 * b + 0.05).toFixed(3)}`);
  }
  writeFileSync(files.worlds, worlds.join('\n') + '\n');
  writeFileSync(files.outcomes, outcomes.join('\n') + '\n');
  for (const [args, what] of [
    [['run', '--set', 'population.scale=2000', '--ticks', '6', '--out', 'for-report', '--quiet'], 'a run to report'],
    [['sweep', files.experiment, '--shard', '0/2', '--out', 'shard-0', '--workers', '1', '--quiet'], 'shard 0'],
    [['sweep', files.experiment, '--shard', '1/2', '--out', 'shard-1', '--workers', '1', '--quiet'], 'shard 1'],
    [['sweep', files.sobol, '--out', 'sobol', '--workers', '1', '--quiet'], 'a sobol sweep'],
  ] as const) {
    const r = cli([...args]);
    expect(r.code, `${what}: ${r.stderr}`).toBe(0);
  }
}, 120_000);

/** Each command that writes a directory: its two invocations (the second may differ, as a user's would) and the directory both write. */
const WRITERS: { command: string; dir: string; first: () => string[]; second?: () => string[]; result: string }[] = [
  { command: 'run', dir: 'run', first: () => ['run', '--set', 'population.scale=2000', '--ticks', '6', '--seed', '1', '--out', 'run', '--quiet'],
    second: () => ['run', '--set', 'population.scale=2000', '--ticks', '6', '--seed', '2', '--scenario', 'off-ramp', '--out', 'run', '--quiet'], result: 'manifest.json' },
  { command: 'sweep', dir: 'sweep', first: () => ['sweep', files.experiment, '--out', 'sweep', '--workers', '1', '--quiet'], result: 'manifest.json' },
  { command: 'calibrate', dir: 'cal', first: () => ['calibrate', files.calibration, '--out', 'cal', '--workers', '1', '--quiet'], result: 'manifest.json' },
  { command: 'analyze', dir: 'sobol', first: () => ['analyze', 'sobol', '--no-report', '--resamples', '20', '--quiet'], result: 'sensitivity-manifest.json' },
  { command: 'sample', dir: 'sample', first: () => ['sample', files.problem, '--method', 'sobol', '--samples', '8', '--out', 'sample/X.csv', '--quiet'],
    second: () => ['sample', files.problem, '--method', 'morris', '--samples', '4', '--out', 'sample/X.csv', '--quiet'], result: 'X.manifest.json' },
  { command: 'decide', dir: 'decide', first: () => ['decide', '--x', files.worlds, '--y', files.outcomes, '--out', 'decide', '--resamples', '5', '--draws', '20', '--quiet'],
    second: () => ['decide', '--x', files.worlds, '--y', files.outcomes, '--out', 'decide', '--no-report', '--quiet'], result: 'manifest.json' },
  { command: 'merge', dir: 'merged', first: () => ['merge', 'shard-0', 'shard-1', '--out', 'merged', '--quiet'], result: 'manifest.json' },
  { command: 'report', dir: 'for-report', first: () => ['report', 'for-report', '--quiet', '--width', '400', '--height', '300'], result: 'report/report.html' },
  { command: 'main', dir: 'main', first: () => ['main', '--experiment', files.comparison, '--out', 'main', '--workers', '1', '--quiet'], result: 'writers-main/manifest.json' },
  { command: 'slurm', dir: 'slurm', first: () => ['slurm', files.experiment, '--shards', '2', '--out', 'slurm'], result: 'submit.sh' },
  { command: 'k8s', dir: 'k8s', first: () => ['k8s', files.experiment, '--shards', '2', '--out', 'k8s', '--image', 'x/defsim:1'], result: 'submit-k8s.sh' },
];

describe('two writers on one directory', () => {
  it.each(WRITERS)('$command: exactly one proceeds, the other exits 2 naming the holder', async ({ dir, first, second, result }) => {
    const holder = await startHoldingLock(first());
    let other: ReturnType<typeof cli>;
    try {
      other = cli((second ?? first)());
    } finally {
      holder.resume();
    }
    expect(await holder.done, holder.stderr()).toBe(0);
    expect(other.code, other.stderr).toBe(2);
    const lines = other.stderr.trim().split('\n');
    expect(lines, other.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^defsim: invalid value for '(--out|DIR)': /u);
    expect(lines[0]).toContain(`it is being written by another defsim process (pid ${holder.pid} on ${hostname()}, 'defsim ${first().join(' ')}'`);
    expect(existsSync(join(tmp, dir, result)), result).toBe(true);
    expect(existsSync(join(tmp, dir, 'defsim.lock'))).toBe(false);
  });
});
