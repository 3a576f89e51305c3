/**
 * The "what the money bought" charts of a scenario sweep, on a real policy comparison: each
 * spending scenario's gain over the no-spend scenario per US$1M, checked by hand against
 * points.csv (independent seeds) and against paired replicates in runs.csv (common random numbers).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { planReport } from '../reports/index.js';
import { loadResult } from '../reports/load.js';
import { tQuantile975 } from '../reports/stats.js';

const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-baseline-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const policy = parseYaml(readFileSync(join(root, 'experiments/policy-comparison.yaml'), 'utf8'));
const SPENDERS = ['myanmar-2021', 'defection-offer', 'off-ramp', 'economic-targeting'];

async function sweepAndPlan(seeds: 'per-run' | 'common') {
  const file = join(tmp, `policy-${seeds}.json`);
  writeFileSync(file, JSON.stringify({ ...policy, name: `policy-${seeds}`, seeds, set: { 'population.scale': 50 }, replicates: 4 }));
  const out = join(tmp, seeds);
  const r = spawnSync(process.execPath, [join(root, 'dist/runners/cli.js'), 'sweep', file, '--out', out, '--quiet'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const plan = planReport(await loadResult(out));
  const chart = plan.charts.find((c) => c.file === 'sweep-baseline-defected-all-per-million-usd.png');
  expect(chart, plan.charts.map((c) => c.file).join(', ')).toBeDefined();
  if (chart!.chart.type !== 'bar') throw new Error('expected a bar chart');
  expect(chart!.chart.x.categories).toEqual(SPENDERS);
  return { out, plan, bars: chart!.chart.groups[0].values };
}

function csvRows(path: string): string[][] {
  return readFileSync(path, 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
}

describe('baseline comparison of a scenario sweep', () => {
  it('independent seeds: (mean − no-spend mean) / spend, interval from the two standard errors', async () => {
    const { out, plan, bars } = await sweepAndPlan('per-run');
    const rows = csvRows(join(out, 'points.csv'));
    const stat = (scenario: string, metric: string) => {
      const row = rows.find((c) => c[1] === scenario && c[2] === metric)!;
      return { n: Number(row[3]), mean: Number(row[4]), sd: Number(row[5]) };
    };
    const base = stat('sanctions-only', 'defected_all');
    expect(stat('sanctions-only', 'spend_usd').mean).toBe(0);
    SPENDERS.forEach((scenario, k) => {
      const s = stat(scenario, 'defected_all');
      const millions = stat(scenario, 'spend_usd').mean / 1e6;
      const expected = (s.mean - base.mean) / millions;
      const se = Math.sqrt(s.sd ** 2 / s.n + base.sd ** 2 / base.n) / millions;
      expect(bars[k].y).toBeCloseTo(expected, 6);
      expect(bars[k].low).toBeCloseTo(expected - 1.96 * se, 6);
      expect(bars[k].high).toBeCloseTo(expected + 1.96 * se, 6);
    });
    // The undefined per-$1M bar of the no-spend scenario is named, not silently empty.
    const perMillion = plan.charts.find((c) => c.file === 'sweep-scenario-defections-per-million-usd.png')!;
    expect(perMillion.chart.type === 'bar' && perMillion.chart.x.categories).toContain('sanctions-only (n/a)');
  });

  it('common random numbers: the t interval of the per-replicate differences', async () => {
    const { out, bars } = await sweepAndPlan('common');
    const header = readFileSync(join(out, 'runs.csv'), 'utf8').split('\n')[0].split(',');
    const rows = csvRows(join(out, 'runs.csv'));
    const col = (name: string) => header.indexOf(name);
    const values = (scenario: string, metric: string) =>
      rows.filter((r) => r[col('scenario')] === scenario).sort((a, b) => Number(a[col('replicate')]) - Number(b[col('replicate')])).map((r) => Number(r[col(metric)]));
    // Replicate r has the same seed in every scenario.
    const seeds = (scenario: string) => rows.filter((r) => r[col('scenario')] === scenario).map((r) => r[col('seed')]);
    expect(seeds('defection-offer')).toEqual(seeds('sanctions-only'));
    const base = values('sanctions-only', 'defected_all');
    SPENDERS.forEach((scenario, k) => {
      const diffs = values(scenario, 'defected_all').map((v, r) => v - base[r]);
      const spend = values(scenario, 'spend_usd');
      const millions = spend.reduce((a, b) => a + b, 0) / spend.length / 1e6;
      const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
      const sd = Math.sqrt(diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (diffs.length - 1));
      const half = (tQuantile975(diffs.length - 1) * sd) / Math.sqrt(diffs.length);
      expect(bars[k].y).toBeCloseTo(mean / millions, 6);
      expect(bars[k].low).toBeCloseTo((mean - half) / millions, 6);
      expect(bars[k].high).toBeCloseTo((mean + half) / millions, 6);
    });
  });
});
