/**
 * `defsim worlds` end to end through the compiled CLI on a tiny worlds file (coarse scale, a few
 * particles): its files (everything calibrate writes plus worlds.csv and assumptions.csv, manifest
 * kind worlds, last), roles from the schema or `role:`, byte-identical files for 1 and 2 workers
 * and after kill -9 and --resume, `defsim reproduce`, the report, and bad input (exit 2, one
 * message, nothing written). Also the verdict rule of assumptions.csv on known posteriors.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomStream } from '../engine/rng.js';
import { sha256 } from '../runners/io/outputs.js';
import { classify, parameterVerdict, priorMeanSd } from '../runners/worlds/assumptions.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-worlds-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CALIBRATION_FILES = [
  'posterior.csv', 'generations.csv', 'simulations.csv', 'identifiability.csv', 'predictive.csv', 'predictive-series.csv',
  'calibrated.yaml', 'posterior-predictive.yaml', 'targets.json',
];
const OUTPUT_FILES = [...CALIBRATION_FILES, 'worlds.csv', 'assumptions.csv'];

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8');
}

/** A file's bytes for comparison; the manifest's gitCommit is masked. */
function comparable(dir: string, file: string): string {
  const text = read(dir, file);
  return file === 'manifest.json' ? text.replace(/"gitCommit": (null|"[0-9a-f]+")/, '"gitCommit": "…"') : text;
}

function csvRows(dir: string, file: string): Record<string, string>[] {
  const [head, ...lines] = read(dir, file).trimEnd().split('\n');
  const names = head.split(',');
  return lines.map((line) => {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"'));
    return Object.fromEntries(names.map((n, i) => [n, cells[i]]));
  });
}

/** A worlds file (FILE.json) with a tiny default design: two calibrated parameters, two assumptions, one of them marked by role. */
function worldsFile(file: string, overrides: Record<string, unknown> = {}): string {
  const path = join(tmp, `${file}.json`);
  writeFileSync(path, JSON.stringify({
    name: 'tiny',
    scenario: 'myanmar-2021',
    targets: 'data/myanmar-2021.json',
    set: { 'population.scale': 100 },
    ticks: 25,
    parameters: {
      'decision.stay.armyEnlisted': { from: -2, to: 2 },
      'regime.shockHalfLifeTicks': { from: 2, to: 30, log: true },
      'sanctions.revenueEffect': { from: 0, to: 1 },
      'decision.peerWeight': { from: 1.5, to: 4.5, role: 'calibrated' },
    },
    method: { type: 'abc-smc', particles: 30, until: { acceptanceRate: 0.05, generations: 3 } },
    replicates: 1,
    seed: 7,
    ...overrides,
  }, null, 2));
  return path;
}

describe('defsim worlds: files', () => {
  const file = worldsFile('tiny');
  const out = join(tmp, 'tiny-2');
  let run: ReturnType<typeof cli>;
  beforeAll(() => {
    run = cli(['worlds', file, '--out', out, '--workers', '2']);
  });

  it('writes calibrate\'s files, worlds.csv and assumptions.csv, the manifest (kind worlds) last with the sha256 of each', () => {
    expect(run.stderr).not.toContain('defsim:');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^tiny: 30 worlds \(generation 2 of 3, ESS \d+/m);
    expect(run.stdout).toMatch(/^What the record says about the 1 assumption: /m);
    const manifest = JSON.parse(read(out, 'manifest.json'));
    expect(manifest.kind).toBe('worlds');
    expect(Object.keys(manifest.files).sort()).toEqual([...OUTPUT_FILES].sort());
    for (const name of OUTPUT_FILES) expect(sha256(readFileSync(join(out, name))), name).toBe(manifest.files[name]);
    // The truncated kernel by default, recorded in the resolved calibration; generations.csv says how many parameters it perturbed.
    expect(manifest.calibration.method.kernel).toBe('truncated');
    expect(read(out, 'generations.csv').split('\n')[0]).toMatch(/,complete,kernel_parameters$/);
    expect(manifest.kernelParameters.map((g: { generation: number }) => g.generation)).toEqual([1, 2]);
    expect(manifest.worlds).toMatchObject({ file: 'worlds.csv', count: 30, generation: 2 });
    expect(manifest.assumptions.file).toBe('assumptions.csv');
    expect(manifest.units.world).toMatch(/id/);
    expect(manifest.units.weight).toMatch(/share/);
  });

  it('roles: calibrated or assumption from the schema\'s source, or as the file marks them', () => {
    const manifest = JSON.parse(read(out, 'manifest.json'));
    expect(manifest.roles).toEqual({
      'decision.stay.armyEnlisted': 'calibrated', 'regime.shockHalfLifeTicks': 'calibrated',
      'sanctions.revenueEffect': 'assumption', 'decision.peerWeight': 'calibrated',
    });
    // role: is taken out of the prior, so the calibration it records runs under `defsim calibrate` as it is.
    expect(manifest.calibration.parameters['decision.peerWeight']).toEqual({ from: 1.5, to: 4.5 });
  });

  it('worlds.csv: world, weight (summing to 1), one column per fitted parameter — the posterior particles', () => {
    const worlds = csvRows(out, 'worlds.csv');
    const posterior = csvRows(out, 'posterior.csv');
    expect(read(out, 'worlds.csv').split('\n')[0]).toBe('world,weight,decision.stay.armyEnlisted,regime.shockHalfLifeTicks,sanctions.revenueEffect,decision.peerWeight');
    expect(worlds).toHaveLength(30);
    expect(worlds.map((w) => w.world)).toEqual(worlds.map((_, k) => String(k)));
    expect(Math.abs(worlds.reduce((s, w) => s + Number(w.weight), 0) - 1)).toBeLessThan(1e-12);
    worlds.forEach((w, k) => {
      expect(w.weight).toBe(posterior[k].weight);
      for (const name of ['decision.stay.armyEnlisted', 'regime.shockHalfLifeTicks', 'sanctions.revenueEffect', 'decision.peerWeight']) expect(w[name]).toBe(posterior[k][name]);
    });
  });

  it('assumptions.csv: per parameter its role, prior against posterior and a verdict that agrees with identifiability.csv', () => {
    const rows = csvRows(out, 'assumptions.csv');
    const identifiability = csvRows(out, 'identifiability.csv');
    expect(read(out, 'assumptions.csv').split('\n')[0]).toBe(
      'parameter,role,prior,prior_mean,prior_sd,posterior_mean,posterior_median,q05,q95,sd_ratio,prior_mass_below_q05,prior_mass_above_q95,constraint,verdict');
    expect(rows.map((r) => [r.parameter, r.role])).toEqual([
      ['decision.stay.armyEnlisted', 'calibrated'], ['regime.shockHalfLifeTicks', 'calibrated'], ['sanctions.revenueEffect', 'assumption'], ['decision.peerWeight', 'calibrated'],
    ]);
    rows.forEach((r, k) => {
      expect(r.sd_ratio).toBe(identifiability[k].sd_ratio);
      expect(r.posterior_median).toBe(identifiability[k].median);
      expect(r.q05).toBe(identifiability[k].q05);
      expect(r.q95).toBe(identifiability[k].q95);
      expect(['constrained', 'one-sided', 'two-sided', 'weak', 'none']).toContain(r.constraint);
      expect(classify(Number(r.sd_ratio), Number(r.prior_mass_below_q05), Number(r.prior_mass_above_q95))).toBe(r.constraint);
      expect(r.verdict.length).toBeGreaterThan(20);
    });
    const uniform = rows.find((r) => r.parameter === 'sanctions.revenueEffect')!;
    expect(Number(uniform.prior_mean)).toBe(0.5);
    expect(Number(uniform.prior_sd)).toBeCloseTo(1 / Math.sqrt(12), 12);
    // The log-uniform prior's mean and sd are of the parameter itself.
    const log = rows.find((r) => r.parameter === 'regime.shockHalfLifeTicks')!;
    expect(Number(log.prior_mean)).toBeCloseTo(28 / Math.log(15), 10);
  });

  it('1 and 2 workers give byte-identical files', () => {
    const one = join(tmp, 'tiny-1');
    const again = cli(['worlds', file, '--out', one, '--workers', '1', '--quiet']);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    for (const name of [...OUTPUT_FILES, 'manifest.json']) expect(comparable(one, name), name).toBe(comparable(out, name));
  });

  it('defsim reproduce re-runs it from the manifest (roles and targets.json included): every file identical', () => {
    const r = cli(['reproduce', out, '--quiet', '--workers', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(`${out}: ${OUTPUT_FILES.length} of ${OUTPUT_FILES.length} files identical`);
  });

  it('defsim report opens with what the record says about each assumption', () => {
    const r = cli(['report', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const markdown = read(join(out, 'report'), 'report.md');
    expect(markdown).toMatch(/^# defsim worlds report: tiny/);
    expect(markdown).toMatch(/## What the record says about each assumption\n\n30 plausible worlds/);
    expect(markdown).toMatch(/\| sanctions\.revenueEffect \| uniform\(0, 1\) \|/);
    const charts = JSON.parse(read(join(out, 'report'), 'report.json')).charts.map((c: { file: string }) => c.file);
    expect(charts[0]).toBe('worlds-within-prior.png');
    expect(charts[1]).toBe('calibration-marginal-sanctions-revenueeffect.png');
    expect(existsSync(join(out, 'report', 'worlds-within-prior.png'))).toBe(true);
  });

  it('a worlds directory refuses a second run without --resume; --resume of a finished one changes nothing', () => {
    const again = cli(['worlds', file, '--out', out, '--quiet']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a calibration \(add --resume to finish it\)/);
    const before = OUTPUT_FILES.map((name) => read(out, name));
    expect(cli(['worlds', file, '--out', out, '--resume', '--quiet']).code).toBe(0);
    expect(OUTPUT_FILES.map((name) => read(out, name))).toEqual(before);
  });
});

describe('defsim worlds: kill -9 and --resume', () => {
  const file = worldsFile('long', { method: { type: 'abc-smc', particles: 60, until: { acceptanceRate: 0.05, generations: 4 } }, seed: 3 });

  it('gives the same bytes as an uninterrupted run', async () => {
    const whole = join(tmp, 'long-whole');
    expect(cli(['worlds', file, '--out', whole, '--quiet', '--workers', '2']).code).toBe(0);
    const killed = join(tmp, 'long-killed');
    const child = spawn(process.execPath, [CLI, 'worlds', file, '--out', killed, '--quiet', '--workers', '2'], { cwd: root, stdio: 'ignore' });
    const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const journal = join(killed, 'journal.ndjson');
    const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 2 : 0);
    while (lines() < 150) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(join(killed, 'manifest.json'))).toBe(false);
    const resumed = cli(['worlds', file, '--out', killed, '--resume', '--workers', '1']);
    expect(resumed.stderr).not.toContain('defsim:');
    expect(resumed.code).toBe(0);
    for (const name of [...OUTPUT_FILES, 'manifest.json']) expect(comparable(killed, name), name).toBe(comparable(whole, name));
  });
});

describe('defsim worlds: bad input (exit 2, one message naming key, value and what is allowed; nothing written)', () => {
  const cases: [string, () => string, RegExp][] = [
    ['an unknown parameter', () => worldsFile('bad', { parameters: { 'sanctions.revenueEfect': { from: 0, to: 1 } } }),
      /unknown parameter 'parameters\.sanctions\.revenueEfect'.*allowed: parameters under 'sanctions'/],
    ['a prior outside the parameter\'s range', () => worldsFile('bad', { parameters: { 'regime.fiscal.link': { from: 0, to: 1.5 } } }),
      /invalid value for 'parameters\.regime\.fiscal\.link\.to': 1\.5 \(allowed: a finite number in \[0, 1\]\)/],
    ['an integer parameter the kernel cannot move', () => worldsFile('bad', { parameters: { 'sanctions.trancheSize': { from: 10, to: 40 } } }),
      /invalid parameter 'parameters\.sanctions\.trancheSize': sanctions\.trancheSize is an integer \(allowed: real-valued parameters only/],
    ['a role that is neither', () => worldsFile('bad', { parameters: { 'regime.fiscal.link': { from: 0, to: 1, role: 'policy' } } }),
      /invalid value for 'parameters\.regime\.fiscal\.link\.role': "policy" \(allowed: calibrated or assumption/],
    ['an unknown kernel', () => worldsFile('bad', { method: { type: 'abc-smc', kernel: 'box', particles: 10 } }),
      /invalid value for 'method\.kernel': "box" \(allowed: normal or truncated/],
  ];
  for (const [what, make, message] of cases) {
    it(what, () => {
      const out = join(tmp, `bad-${what.replace(/\W+/g, '-')}`);
      const result = cli(['worlds', make(), '--out', out]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }
});

describe('the verdict rule (assumptions.csv)', () => {
  const spec = { kind: 'uniform' as const, from: 0, to: 1 };
  const draws = (n: number, f: (u: number) => number) => {
    const stream = new RandomStream(5, 'verdict-test');
    return Array.from({ length: n }, () => f(stream.uniform()));
  };
  const weights = (n: number) => new Array<number>(n).fill(1 / n);

  it('a posterior that is its prior: not constrained, each end of its 90% interval at the prior\'s 5%', () => {
    const v = parameterVerdict('x', 'assumption', spec, draws(4000, (u) => u), weights(4000));
    expect(v.constraint).toBe('none');
    expect(Math.abs(v.priorMassBelow - 0.05)).toBeLessThan(0.015);
    expect(Math.abs(v.priorMassAbove - 0.05)).toBeLessThan(0.015);
    expect(v.verdict).toMatch(/^not constrained: the record leaves the prior as it was; posterior sd (0\.9\d+|1|1\.0\d+) of the prior's$/);
  });

  it('a posterior on the lower 60% of the prior: the record rules out values above its 95th percentile', () => {
    const v = parameterVerdict('x', 'assumption', spec, draws(4000, (u) => 0.6 * u), weights(4000), 'share');
    expect(v.constraint).toBe('one-sided');
    expect(v.priorMassAbove).toBeGreaterThan(0.4);
    expect(v.verdict).toMatch(/^constrained from above: the record rules out values above 0\.5\d+ \(4\d% of the prior lies there, 5% of the posterior\)/);
  });

  it('squeezed towards the middle without halving the sd: both ends ruled out; halved: constrained; a little narrower: weak', () => {
    expect(parameterVerdict('x', 'calibrated', spec, draws(4000, (u) => 0.2 + 0.6 * u), weights(4000)).constraint).toBe('two-sided');
    const narrow = parameterVerdict('x', 'calibrated', spec, draws(4000, (u) => 0.4 + 0.2 * u), weights(4000), 'people');
    expect(narrow.constraint).toBe('constrained');
    expect(narrow.verdict).toMatch(/^constrained: the record narrows it to between 0\.4\d+ people and 0\.5\d+ people \(90%\)/);
    // A triangular posterior over the whole range: sd ratio √(1/2) ≈ 0.71, 90% interval 0.16–0.84 (prior below/above 16% each).
    const tri = draws(8000, (u) => (u < 0.5 ? Math.sqrt(u / 2) : 1 - Math.sqrt((1 - u) / 2)));
    expect(parameterVerdict('x', 'assumption', spec, tri, weights(8000)).constraint).toBe('weak');
  });

  it('weights count: the same draws weighted towards one end are ruled out at the other', () => {
    const x = draws(4000, (u) => u);
    const w = x.map((v) => (v < 0.5 ? 1 : 0.05));
    const total = w.reduce((a, b) => a + b, 0);
    expect(parameterVerdict('x', 'assumption', spec, x, w.map((v) => v / total)).constraint).toBe('one-sided');
  });

  it('a log-uniform prior\'s mean and sd are of x itself', () => {
    const { mean, sd } = priorMeanSd({ kind: 'log-uniform', from: 2, to: 30 });
    const xs = draws(200000, (u) => 2 * 15 ** u);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeCloseTo(28 / Math.log(15), 12);
    expect(Math.abs(m - mean)).toBeLessThan(0.05);
    expect(Math.abs(Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length) - sd)).toBeLessThan(0.05);
  });
});
