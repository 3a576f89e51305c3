/**
 * Sobol and Morris designs in sweeps and `defsim analyze` / `defsim sample`, through the compiled
 * CLI: every bad design input exits 2 with one message and writes nothing; the design and the
 * indices are byte-identical for any worker count, for shards merged, and after kill -9 and
 * --resume; outputs computed elsewhere (Ishigami) are analysed from X.csv / Y.csv as SALib would.
 * Model numbers are never asserted: only relations that hold for any model version.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadExperiment } from '../runners/sweep/experiment.js';
import { planSweep } from '../runners/sweep/design.js';
import { designRows } from '../runners/sensitivity/design.js';
import { DEFECTION } from './helpers.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-sensitivity-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
let files = 0;
function file(content: unknown, ext = 'json'): string {
  const path = join(tmp, `file-${++files}.${ext}`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');
/** The manifest's gitCommit may differ between this process and a child after a commit; everything else must match. */
const comparable = (dir: string, name: string) => read(dir, name).replace(/"gitCommit": (null|"[0-9a-f]+")/, '"gitCommit": "…"');

/** 8 base samples × (2·3+2) rows × 2 scenarios = 128 points × 2 replicates, tiny runs. */
const small = {
  name: 'sa-small',
  set: { 'population.scale': 2000 },
  ticks: 6,
  replicates: 2,
  seed: 4,
  seeds: 'common',
  baseline: { scenario: 'sanctions-only' },
  design: {
    type: 'sobol',
    samples: 8,
    parameters: {
      'decision.peerWeight': { from: 1, to: 5 },
      'decision.riskWeight': { dist: 'normal', mean: 2, sd: 0.3, from: 1, to: 3 },
      'sponsors.payout.soldierUsd': { from: 500, to: 20000, log: true },
      'sponsors.startTick': { from: 3, to: 9 },
    },
    groups: { pay: ['sponsors.payout.soldierUsd', 'sponsors.startTick'] },
    cross: { scenario: ['sanctions-only', 'defection-offer'] },
  },
};

describe('sobol and morris designs in experiment files', () => {
  it('a sobol design has N·(2k+2) rows (k factors, groups counted once) at each cross combination', () => {
    const plan = planSweep(loadExperiment(small as never));
    expect(plan.points).toHaveLength(8 * (2 * 3 + 2) * 2);
    expect(plan.varied).toEqual(['decision.peerWeight', 'decision.riskWeight', 'sponsors.payout.soldierUsd', 'sponsors.startTick', 'scenario']);
    // Row-major: each design row at both scenarios, with the same sampled values.
    expect(plan.points[0].values.scenario).toBe('sanctions-only');
    expect(plan.points[1].values.scenario).toBe('defection-offer');
    expect({ ...plan.points[1].values, scenario: 'sanctions-only' }).toEqual(plan.points[0].values);
    for (const p of plan.points) {
      const v = p.values;
      expect(v['decision.peerWeight']).toBeGreaterThanOrEqual(1);
      expect(v['decision.peerWeight']).toBeLessThanOrEqual(5);
      expect(v['decision.riskWeight']).toBeGreaterThanOrEqual(1);
      expect(v['decision.riskWeight']).toBeLessThanOrEqual(3);
      expect(Number.isInteger(v['sponsors.startTick'])).toBe(true);
      expect([3, 4, 5, 6, 7, 8, 9]).toContain(v['sponsors.startTick']);
    }
    const noSecond = loadExperiment({ ...small, design: { ...small.design, secondOrder: false } } as never);
    expect(designRows(DEFECTION, noSecond.design as never)).toBe(8 * (3 + 2));
    // The resolved experiment is itself a valid experiment: feeding it back gives the same.
    const resolved = loadExperiment(small as never);
    expect(loadExperiment(resolved)).toEqual(resolved);
  });

  it('integer parameters take every integer of [from, to] with about equal chance', () => {
    const experiment = loadExperiment({ name: 'ints', design: { type: 'sobol', samples: 512, secondOrder: false, parameters: { 'sponsors.startTick': { from: 3, to: 6 }, 'decision.peerWeight': { from: 0, to: 1 } } } } as never);
    const counts = new Map<number, number>();
    for (const p of planSweep(experiment).points) counts.set(p.values['sponsors.startTick'] as number, (counts.get(p.values['sponsors.startTick'] as number) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([3, 4, 5, 6]);
    for (const n of counts.values()) expect(n / (512 * 4)).toBeCloseTo(0.25, 1);
  });

  it('a morris design has r·(k+1) rows; optimised trajectories are drawn from candidates', () => {
    const morris = { ...small, design: { type: 'morris', trajectories: 6, levels: 4, candidates: 20, parameters: small.design.parameters, groups: small.design.groups, cross: small.design.cross } };
    const plan = planSweep(loadExperiment(morris as never));
    expect(plan.points).toHaveLength(6 * 4 * 2);
  });

  const bad: [string, unknown, RegExp][] = [
    ['N not a power of 2', { samples: 1000 }, /^defsim: invalid value for 'design\.samples': 1000 \(allowed: a power of 2/],
    ['a parameter with no range', { parameters: { ...small.design.parameters, 'decision.peerWeight': 3 } }, /^defsim: invalid value for 'design\.parameters\.decision\.peerWeight': 3 \(allowed: a range \{from, to\}/],
    ['a range with only one end', { parameters: { ...small.design.parameters, 'decision.peerWeight': { from: 1 } } }, /^defsim: invalid value for 'design\.parameters\.decision\.peerWeight'.*allowed: a range/],
    ['from ≥ to', { parameters: { ...small.design.parameters, 'decision.peerWeight': { from: 5, to: 5 } } }, /^defsim: invalid value for 'design\.parameters\.decision\.peerWeight\.to': 5 \(allowed: a number > from \(5\)\)/],
    ['a normal with sd ≤ 0', { parameters: { ...small.design.parameters, 'decision.riskWeight': { dist: 'normal', mean: 2, sd: 0 } } }, /^defsim: invalid value for 'design\.parameters\.decision\.riskWeight\.sd': 0 \(allowed: a finite number > 0\)/],
    ['a normal that leaves the allowed range', { parameters: { ...small.design.parameters, 'decision.riskWeight': { dist: 'normal', mean: 1, sd: 1 } } }, /^defsim: invalid value for 'design\.parameters\.decision\.riskWeight'.*add from and to for a truncated normal/],
    ['an unknown group member', { groups: { pay: ['sponsors.payout.soldierUsd', 'decision.lockedWeight'] } }, /^defsim: invalid value for 'design\.groups\.pay\[1\]': "decision\.lockedWeight" \(allowed: a parameter of design\.parameters/],
    ['an unknown parameter', { parameters: { 'decision.noSuchWeight': { from: 0, to: 1 } } }, /^defsim: unknown parameter 'design\.parameters\.decision\.noSuchWeight'/],
    ['a cross key that is also sampled', { cross: { 'decision.peerWeight': [1, 2] } }, /^defsim: invalid key 'design\.cross\.decision\.peerWeight'/],
    ['levels on a sobol design', { levels: 4 }, /^defsim: unknown key 'design\.levels'/],
  ];
  it.each(bad)('%s: exit 2, one message, nothing written', (_what, change, message) => {
    const path = file({ ...small, design: { ...small.design, ...(change as object) } });
    const out = join(tmp, `bad-${files}`);
    const r = cli(['sweep', path, '--out', out, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('a morris design refuses an unbounded normal and odd levels', () => {
    for (const [design, message] of [
      [{ type: 'morris', trajectories: 4, parameters: { 'decision.riskWeight': { dist: 'normal', mean: 3, sd: 0.2 }, 'decision.peerWeight': { from: 1, to: 2 } } }, /a bounded range/],
      [{ type: 'morris', trajectories: 4, levels: 5, parameters: small.design.parameters }, /design\.levels.*an even integer/],
    ] as const) {
      const r = cli(['validate', file({ name: 'm', design })]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('determinism: the design and the indices', () => {
  const smallFile = file(small);
  const analysisFiles = ['sensitivity.csv', 'convergence.csv', 'seed-noise.csv', 'sensitivity-manifest.json'];

  function sweepAndAnalyze(out: string, extra: string[] = []): void {
    const s = cli(['sweep', smallFile, '--out', out, '--quiet', ...extra]);
    expect(s.stderr).toBe('');
    expect(s.code).toBe(0);
    const a = cli(['analyze', out, '--resamples', '200', '--quiet', '--no-report']);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
  }

  it('are byte-identical for 1 and 2 workers, and for two shards merged', () => {
    const one = join(tmp, 'workers-1');
    const two = join(tmp, 'workers-2');
    sweepAndAnalyze(one, ['--workers', '1']);
    sweepAndAnalyze(two, ['--workers', '2']);
    for (const name of ['runs.csv', 'points.csv', 'manifest.json', ...analysisFiles]) expect(comparable(two, name), name).toBe(comparable(one, name));
    const shards = [0, 1].map((i) => join(tmp, `shard-${i}`));
    shards.forEach((dir, i) => expect(cli(['sweep', smallFile, '--shard', `${i}/2`, '--out', dir, '--quiet']).code).toBe(0));
    const merged = join(tmp, 'merged');
    expect(cli(['merge', ...shards, '--out', merged]).code).toBe(0);
    expect(cli(['analyze', merged, '--resamples', '200', '--quiet', '--no-report']).code).toBe(0);
    for (const name of ['runs.csv', ...analysisFiles]) expect(comparable(merged, name), name).toBe(comparable(one, name));
    // The manifest records the design: the problem in SALib's form and the layout.
    const manifest = JSON.parse(read(one, 'manifest.json'));
    expect(manifest.sampling.method).toBe('sobol');
    expect(manifest.sampling.problem.names).toEqual(Object.keys(small.design.parameters));
    expect(manifest.sampling.factors).toEqual(['decision.peerWeight', 'decision.riskWeight', 'pay']);
    expect(manifest.sampling.designRows).toBe(64);
    // A shard alone is refused (merge first).
    const r = cli(['analyze', shards[0], '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/shard 0\/2 .*defsim merge/);
  });

  it('kill -9 mid-sweep, then --resume: the same design and indices', async () => {
    const long = { ...small, name: 'sa-long', set: { 'population.scale': 200 }, ticks: 12, replicates: 1, design: { ...small.design, samples: 16 } };
    const longFile = file(long);
    const reference = join(tmp, 'long-reference');
    expect(cli(['sweep', longFile, '--out', reference, '--quiet', '--workers', '2']).code).toBe(0);
    const out = join(tmp, 'long-killed');
    const journal = join(out, 'journal.ndjson');
    const child = spawn(process.execPath, [CLI, 'sweep', longFile, '--out', out, '--workers', '2', '--quiet'], { cwd: tmp, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
    const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 1 : 0);
    while (lines() < 12) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(lines() - 1).toBeLessThan(256);
    // Analysing the unfinished sweep is refused, naming the way to finish it.
    const early = cli(['analyze', out, '--quiet']);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/not finished .*--resume/);
    expect(cli(['sweep', longFile, '--out', out, '--resume', '--quiet', '--workers', '2']).code).toBe(0);
    for (const dir of [reference, out]) expect(cli(['analyze', dir, '--resamples', '100', '--quiet', '--no-report']).code).toBe(0);
    for (const name of ['runs.csv', 'manifest.json', ...analysisFiles]) expect(comparable(out, name), name).toBe(comparable(reference, name));
  });
});

describe('defsim analyze of a sweep', () => {
  it('writes sensitivity.csv, convergence.csv, seed-noise.csv and a report; effects over the baseline per sample', () => {
    const out = join(tmp, 'analyzed');
    expect(cli(['sweep', file(small), '--out', out, '--quiet']).code).toBe(0);
    const r = cli(['analyze', out, '--resamples', '100', '--salib']);
    expect(r.stderr).toMatch(/analyze \(sobol\): \d+\/\d+ outputs/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/report: .*report\.html \(\d+ charts\)/);
    const sensitivity = read(out, 'sensitivity.csv').trim().split('\n');
    expect(sensitivity[0]).toBe('metric,parameter,index,value,ci95_low,ci95_high');
    const rows = sensitivity.slice(1).map((l) => l.split(','));
    expect(new Set(rows.map((c) => c[2]))).toEqual(new Set(['S1', 'ST', 'S2']));
    expect(rows.some((c) => c[0] === 'defected_all|scenario=defection-offer')).toBe(true);
    expect(rows.some((c) => c[0] === 'defected_all.effect|scenario=defection-offer')).toBe(true);
    // The baseline has no effect over itself.
    expect(rows.some((c) => c[0].includes('.effect') && c[0].endsWith('scenario=sanctions-only'))).toBe(false);
    expect(rows.filter((c) => c[2] === 'S2').every((c) => /^[^:]+:[^:]+$/.test(c[1]))).toBe(true);
    for (const c of rows) if (c[4] !== '' && c[5] !== '') expect(Number(c[4])).toBeLessThanOrEqual(Number(c[5]));
    const manifest = JSON.parse(read(out, 'sensitivity-manifest.json'));
    expect(manifest.kind).toBe('sensitivity');
    expect(manifest.factors).toEqual(['decision.peerWeight', 'decision.riskWeight', 'pay']);
    expect(Object.keys(manifest.files).sort()).toEqual(['convergence.csv', 'salib/README.md', 'salib/X.csv', 'salib/Y.csv', 'salib/problem.json', 'seed-noise.csv', 'sensitivity.csv']);
    // Each analysed effect is the per-sample difference of two analysed means (checked on the Y export).
    const Y = read(out, 'salib/Y.csv').trim().split('\n');
    const header = Y[0].split(',');
    const [offer, base, effect] = ['defected_all|scenario=defection-offer', 'defected_all|scenario=sanctions-only', 'defected_all.effect|scenario=defection-offer'].map((n) => header.indexOf(n));
    expect(Math.min(offer, base, effect)).toBeGreaterThanOrEqual(0);
    for (const line of Y.slice(1)) {
      const v = line.split(',').map(Number);
      expect(v[effect]).toBeCloseTo(v[offer] - v[base], 6);
    }
    expect(Y.length - 1).toBe(64);
    const noise = read(out, 'seed-noise.csv').trim().split('\n');
    expect(noise[0]).toBe('metric,rows,replicates,output_variance,seed_noise_variance,seed_noise_share');
    for (const line of noise.slice(1)) expect(line.split(',')[1]).toBe('64');
    const report = readdirSync(join(out, 'report'));
    expect(report).toContain('report.html');
    expect(report).toContain('sensitivity-heatmap.png');
    expect(read(join(out, 'report'), 'report.md')).toMatch(/## What the answer depends on/);
    // defsim report re-renders the same report from the files.
    expect(cli(['report', out, '--quiet']).code).toBe(0);
  });

  it('refuses a grid sweep and a directory that is not a sweep', () => {
    const grid = join(tmp, 'grid');
    expect(cli(['sweep', file({ name: 'g', set: { 'population.scale': 2000 }, ticks: 6, design: { type: 'grid', parameters: { 'decision.peerWeight': [1, 2] } } }), '--out', grid, '--quiet']).code).toBe(0);
    const r = cli(['analyze', grid]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds a grid sweep \(allowed: a sweep whose design is sobol or morris/);
    expect(existsSync(join(grid, 'sensitivity.csv'))).toBe(false);
    const none = cli(['analyze', join(tmp, 'nowhere')]);
    expect(none.code).toBe(2);
  });
});

describe('defsim sample and analyze of outputs computed elsewhere', () => {
  const problem = file('num_vars: 3\nnames: [x1, x2, x3]\nbounds: [[-3.141592653589793, 3.141592653589793], [-3.141592653589793, 3.141592653589793], [-3.141592653589793, 3.141592653589793]]\n', 'yaml');

  function ishigamiY(xPath: string): string {
    const lines = readFileSync(xPath, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('x1,x2,x3');
    const ys = lines.slice(1).map((l) => {
      const [x1, x2, x3] = l.split(',').map(Number);
      return Math.sin(x1) + 7 * Math.sin(x2) ** 2 + 0.1 * x3 ** 4 * Math.sin(x1);
    });
    return file(`y\n${ys.join('\n')}\n`, 'csv');
  }

  it('sobol: N·(2k+2) rows; the indices of Ishigami; the SALib export', () => {
    const x = join(tmp, 'X.csv');
    const s = cli(['sample', problem, '--method', 'sobol', '--samples', '1024', '--out', x]);
    expect(s.code).toBe(0);
    expect(readFileSync(x, 'utf8').trim().split('\n')).toHaveLength(1 + 1024 * 8);
    expect(JSON.parse(readFileSync(join(tmp, 'X.manifest.json'), 'utf8')).rows).toBe(8192);
    const out = join(tmp, 'ext');
    const r = cli(['analyze', '--problem', problem, '--method', 'sobol', '--x', x, '--y', ishigamiY(x), '--out', out, '--resamples', '300', '--quiet', '--salib']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = read(out, 'sensitivity.csv').trim().split('\n').slice(1).map((l) => l.split(','));
    const st = (p: string) => Number(rows.find((c) => c[1] === p && c[2] === 'ST')![3]);
    expect(st('x1')).toBeCloseTo(0.558, 1);
    expect(st('x2')).toBeCloseTo(0.442, 1);
    expect(st('x3')).toBeCloseTo(0.244, 1);
    expect(JSON.parse(read(out, 'manifest.json')).kind).toBe('sensitivity');
    expect(read(join(out, 'salib'), 'X.csv')).toBe(readFileSync(x, 'utf8'));
    expect(existsSync(join(out, 'report', 'report.html'))).toBe(true);
    // A second analysis replaces the first; a directory of other files is refused.
    expect(cli(['analyze', '--problem', problem, '--method', 'sobol', '--x', x, '--y', ishigamiY(x), '--out', out, '--quiet', '--no-report']).code).toBe(0);
    const refused = cli(['analyze', '--problem', problem, '--method', 'sobol', '--x', x, '--y', ishigamiY(x), '--out', tmp, '--quiet']);
    expect(refused.code).toBe(2);
  });

  it('morris: trajectories and mu*; bad input exits 2', () => {
    const x = join(tmp, 'XM.csv');
    expect(cli(['sample', problem, '--method', 'morris', '--samples', '51', '--levels', '4', '--out', x]).code).toBe(0);
    expect(readFileSync(x, 'utf8').trim().split('\n')).toHaveLength(1 + 51 * 4);
    const out = join(tmp, 'ext-morris');
    expect(cli(['analyze', '--problem', problem, '--method', 'morris', '--x', x, '--y', ishigamiY(x), '--out', out, '--quiet']).code).toBe(0);
    const rows = read(out, 'sensitivity.csv').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(new Set(rows.map((c) => c[2]))).toEqual(new Set(['mu', 'mu_star', 'sigma']));
    expect(existsSync(join(out, 'report', 'report.html'))).toBe(true);
    for (const [args, message] of [
      [['sample', problem, '--method', 'sobol', '--samples', '1000', '--out', join(tmp, 'no.csv')], /power of 2/],
      [['sample', problem, '--method', 'fast', '--samples', '8'], /'--method': "fast" \(allowed: sobol or morris\)/],
      [['analyze', '--problem', problem, '--method', 'sobol', '--x', x, '--y', ishigamiY(x), '--out', join(tmp, 'no-out')], /Saltelli blocks/],
    ] as const) {
      const r = cli([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(join(tmp, 'no.csv'))).toBe(false);
    expect(existsSync(join(tmp, 'no-out'))).toBe(false);
  });
});

describe('experiments/sensitivity.yaml', () => {
  it('validates: a Sobol design over model assumptions, crossed with the policies and its baseline, at the main job\'s scale', () => {
    const experiment = loadExperiment(join(root, 'experiments', 'sensitivity.yaml'));
    const main = loadExperiment(join(root, 'experiments', 'policy-comparison.yaml'));
    expect(experiment.design.type).toBe('sobol');
    expect(experiment.set['population.scale']).toBe(main.set['population.scale']);
    const design = experiment.design as { cross?: Record<string, unknown[]> };
    expect(design.cross?.scenario).toContain(experiment.baseline?.scenario);
    expect(experiment.seeds).toBe('common');
  });
});
