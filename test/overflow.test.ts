/**
 * Values near the largest double never become an empty cell presented as a result: what can be
 * computed is computed stably (a uniform over [−1e308, 1e308], the mean of three budgets of
 * 1.7e308, Sobol indices of outputs as large as 1e308), and what cannot is refused (exit 2,
 * naming the key) or listed as skipped with the reason (Morris effects beyond the largest double).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describe as describeValues, loadMath } from '../runners/sweep/stats.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-overflow-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function csv(path: string): { header: string[]; rows: string[][] } {
  const [head, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  return { header: head.split(','), rows: lines.map((line) => line.split(',')) };
}

describe('near the largest double', () => {
  it('sample: a uniform over [-1e308, 1e308] gives finite values inside the bounds', () => {
    const problem = file('wide.json', { num_vars: 2, names: ['a', 'b'], bounds: [[-1e308, 1e308], [0, 1]] });
    const r = cli(['sample', problem, '--method', 'sobol', '--samples', '8', '--out', join(tmp, 'wide.csv'), '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const { rows } = csv(join(tmp, 'wide.csv'));
    const a = rows.map((row) => row[0]);
    expect(a.filter((cell) => cell === '')).toEqual([]);
    for (const cell of a) expect(Math.abs(Number(cell))).toBeLessThanOrEqual(1e308);
    expect(new Set(a).size).toBeGreaterThan(8);
  });

  it('sample: a distribution whose values overflow is refused (exit 2) naming its bounds', () => {
    const problem = file('huge-normal.json', { num_vars: 1, names: ['a'], bounds: [[0, 1e308]], dists: ['norm'] });
    const r = cli(['sample', problem, '--method', 'sobol', '--samples', '8', '--out', join(tmp, 'huge.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^defsim: invalid value for 'problem\[0\] \(a\)\.bounds'.*finite/u);
  });

  it('the statistics of three values of 1.7e308: mean 1.7e308, sd 0, the interval at the mean', async () => {
    const stats = describeValues(await loadMath(), [1.7e308, 1.7e308, 1.7e308]);
    expect(stats).toMatchObject({ n: 3, mean: 1.7e308, sd: 0, ci95Low: 1.7e308, ci95High: 1.7e308, min: 1.7e308, max: 1.7e308 });
    const spread = describeValues(await loadMath(), [1e308, -1e308, 5e307]);
    expect(spread.mean).toBeCloseTo(5e307 / 3, -300);
    expect(Number.isFinite(spread.sd)).toBe(true);
  });

  it('a sweep with a budget of 1.7e308: points.csv has n = 3 and the mean of budget_left_usd', () => {
    const experiment = file('budget.json', {
      name: 'huge-budget', scenario: 'defection-offer', set: { 'population.scale': 2000, 'sponsors.budgetUsd': 1.7e308 }, ticks: 6, replicates: 3, seed: 1,
      design: { type: 'list', points: [{ 'sanctions.offRamp': false }] },
    });
    const out = join(tmp, 'budget');
    const r = cli(['sweep', experiment, '--out', out, '--workers', '1', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const { header, rows } = csv(join(out, 'points.csv'));
    const at = (name: string) => header.indexOf(name);
    for (const row of rows) {
      if (row[at('n')] === '3') for (const column of ['mean', 'sd', 'ci95_low', 'ci95_high', 'min', 'max']) expect(row[at(column)], `${row[at('metric')]} ${column}`).not.toBe('');
    }
    const left = rows.find((row) => row[at('metric')] === 'budget_left_usd')!;
    expect(Number(left[at('mean')])).toBeGreaterThan(1e308);
  });

  it('analyze: outputs as large as ±1e308 get indices; a Morris mu* past the largest double is listed as skipped', () => {
    const problem = file('p2.json', { num_vars: 2, names: ['a', 'b'], bounds: [[0, 1], [0, 1]] });
    for (const method of ['sobol', 'morris'] as const) {
      const x = join(tmp, `${method}-X.csv`);
      expect(cli(['sample', problem, '--method', method, '--samples', method === 'sobol' ? '16' : '10', '--out', x, '--quiet']).code).toBe(0);
      const { rows } = csv(x);
      const small = rows.map(([a, b]) => Number(a) + 2 * Number(b));
      const big = small.map((v, i) => (i === 4 || i === 9 ? 1e308 : v * 1e307)); // large everywhere, two values of 1e308: the sums overflow
      const huge = small.map((_, i) => (i % 2 === 0 ? 1e308 : -1e308)); // every Morris step 2e308: mu* = 3e308
      const yPath = file(`${method}-Y.csv`, `big,small,huge\n${small.map((_, i) => `${big[i]},${small[i]},${huge[i]}`).join('\n')}\n`);
      const out = join(tmp, `${method}-analysis`);
      const r = cli(['analyze', '--problem', problem, '--method', method, '--x', x, '--y', yPath, '--out', out, '--resamples', '50', '--no-report', '--quiet']);
      expect(r.code, r.stderr).toBe(0);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { skipped: { name: string; reason: string }[] };
      const indices = csv(join(out, 'sensitivity.csv'));
      // Never an empty index presented as a result: each output is analysed in full or listed as skipped with the reason.
      expect(indices.rows.filter((row) => ['S1', 'ST', 'mu_star'].includes(row[2]) && (row[3] === '' || row[4] === '' || row[5] === ''))).toEqual([]);
      const analysed = new Set(indices.rows.map((row) => row[0]));
      if (method === 'sobol') {
        expect(manifest.skipped).toEqual([]);
        expect([...analysed].sort()).toEqual(['big', 'huge', 'small']);
      } else {
        expect(analysed.has('small')).toBe(true);
        expect(manifest.skipped.map((s) => s.name)).toContain('huge');
        for (const s of manifest.skipped) expect(s.reason, s.name).toMatch(/exceeds the largest double/u);
        expect(manifest.skipped.length + analysed.size).toBe(3);
      }
    }
  });
});
