/**
 * The "what the money bought" charts of a scenario sweep, on a real policy comparison: each
 * spending scenario's gain over the no-spend scenario per US$1M, checked against points.csv by hand.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planReport } from '../reports/index.js';
import { loadResult } from '../reports/load.js';

const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-baseline-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('baseline comparison of a scenario sweep', () => {
  it('gives (mean − no-spend mean) / spend per scenario, with an interval around it', async () => {
    const out = join(tmp, 'policy');
    const r = spawnSync(process.execPath, [join(root, 'dist/runners/cli.js'), 'sweep', join(root, 'experiments/policy-comparison.yaml'), '--out', out, '--quiet'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const plan = planReport(await loadResult(out));
    const chart = plan.charts.find((c) => c.file === 'sweep-baseline-defected-all-per-million-usd.png');
    expect(chart, plan.charts.map((c) => c.file).join(', ')).toBeDefined();
    if (chart!.chart.type !== 'bar') throw new Error('expected a bar chart');
    expect(chart!.chart.x.categories).toEqual(['myanmar-2021', 'defection-offer', 'off-ramp', 'economic-targeting']);

    // By hand from points.csv.
    const rows = readFileSync(join(out, 'points.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
    const stat = (scenario: string, metric: string) => {
      const row = rows.find((c) => c[1] === scenario && c[2] === metric)!;
      return { n: Number(row[3]), mean: Number(row[4]), sd: Number(row[5]) };
    };
    const base = stat('sanctions-only', 'defected_all');
    expect(stat('sanctions-only', 'spend_usd').mean).toBe(0);
    chart!.chart.x.categories.forEach((scenario, k) => {
      const s = stat(String(scenario), 'defected_all');
      const millions = stat(String(scenario), 'spend_usd').mean / 1e6;
      const expected = (s.mean - base.mean) / millions;
      const se = Math.sqrt(s.sd ** 2 / s.n + base.sd ** 2 / base.n) / millions;
      const bar = chart!.chart.type === 'bar' ? chart!.chart.groups[0].values[k] : undefined;
      expect(bar!.y).toBeCloseTo(expected, 6);
      expect(bar!.low).toBeCloseTo(expected - 1.96 * se, 6);
      expect(bar!.high).toBeCloseTo(expected + 1.96 * se, 6);
    });
    // The undefined per-$1M bar of the no-spend scenario is named, not silently empty.
    const perMillion = plan.charts.find((c) => c.file === 'sweep-scenario-defections-per-million-usd.png')!;
    expect(perMillion.chart.type === 'bar' && perMillion.chart.x.categories).toContain('sanctions-only (n/a)');
  });
});
