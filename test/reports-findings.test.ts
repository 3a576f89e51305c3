/**
 * Effects on a real policy comparison (the shipped experiment at 1/50 scale), from effects.csv to
 * the report: each policy's effect over no-policy and its ratios equal a hand computation from
 * runs.csv (paired under common seeds, Welch otherwise); paired intervals are narrower; the
 * baseline's own effects are 0; the report opens with Findings (tables, forest plot, n/a with
 * reasons), its title names the experiment, not a temporary directory, and the comparison over
 * time is split by group and drawn as effects over the baseline.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as math from 'mathjs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planReport, renderReport } from '../reports/index.js';
import { loadResult } from '../reports/load.js';
import { effects } from '../runners/effects/files.js';
import { studentTQuantile } from '../runners/sweep/stats.js';

const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-findings-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const policy = parseYaml(readFileSync(join(root, 'experiments/policy-comparison.yaml'), 'utf8'));
const POLICIES = ['myanmar-2021', 'sanctions-only', 'defection-offer', 'off-ramp', 'economic-targeting'];
const t = (df: number) => studentTQuantile(math, 0.975, df);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1);
const covariance = (xs: number[], ys: number[]) => xs.reduce((a, x, i) => a + (x - mean(xs)) * (ys[i] - mean(ys)), 0) / (xs.length - 1);

function sweep(seeds: 'per-run' | 'common'): string {
  const file = join(tmp, `policy-${seeds}.json`);
  writeFileSync(file, JSON.stringify({ ...policy, seeds, set: { 'population.scale': 50 }, replicates: 6 }));
  const out = join(tmp, seeds);
  const r = spawnSync(process.execPath, [join(root, 'dist/runners/cli.js'), 'sweep', file, '--out', out, '--quiet'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return out;
}

/** A metric's value in each run of a scenario, by replicate (runs.csv). */
function runValues(dir: string, scenario: string, metric: string): number[] {
  const [header, ...lines] = readFileSync(join(dir, 'runs.csv'), 'utf8').trim().split('\n').map((line) => line.split(','));
  const col = (name: string) => header.indexOf(name);
  return lines.filter((r) => r[col('scenario')] === scenario).sort((a, b) => Number(a[col('replicate')]) - Number(b[col('replicate')])).map((r) => Number(r[col(metric)]));
}

/** Fieller's interval of mean(a)/mean(b), solved here from its quadratic. */
function fieller(a: number, b: number, vaa: number, vbb: number, vab: number, tq: number): [number, number] {
  const A = b * b - tq * tq * vbb;
  const B = a * b - tq * tq * vab;
  const C = a * a - tq * tq * vaa;
  return [(B - Math.sqrt(B * B - A * C)) / A, (B + Math.sqrt(B * B - A * C)) / A];
}

let common: string;
let perRun: string;
beforeAll(() => {
  common = sweep('common');
  perRun = sweep('per-run');
}, 120_000);

describe('effects.csv of the policy comparison', () => {
  it('paired (common seeds): each effect and its ratios equal a hand computation from runs.csv', () => {
    const rows = effects(common);
    const baseline = runValues(common, 'no-policy', 'defected_army');
    const baselineSpend = runValues(common, 'no-policy', 'spend_usd');
    for (const scenario of POLICIES) {
      const row = rows.find((r) => r.parameters.scenario === scenario && r.metric === 'defected_army')!;
      expect(row.baselinePointId).toBe(0);
      const dy = runValues(common, scenario, 'defected_army').map((v, r) => v - baseline[r]);
      const ds = runValues(common, scenario, 'spend_usd').map((v, r) => v - baselineSpend[r]);
      const n = dy.length;
      expect(row.n).toBe(6);
      expect(row.effect).toBeCloseTo(mean(dy), 9);
      const half = t(n - 1) * Math.sqrt(variance(dy) / n);
      if (half === 0) expect([row.effectCi95Low, row.effectCi95High]).toEqual([row.effect, row.effect]);
      else {
        expect(row.effectCi95Low).toBeCloseTo(mean(dy) - half, 6);
        expect(row.effectCi95High).toBeCloseTo(mean(dy) + half, 6);
      }
      expect(row.spendOverBaselineUsd).toBeCloseTo(mean(ds), 3);
      if (mean(ds) === 0) {
        expect(row.effectPerMillionUsd).toBeNull();
        expect(row.effectPerMillionUsdUndefinedReason).toBe('no spend over baseline');
        continue;
      }
      const [low, high] = fieller(mean(dy), mean(ds) / 1e6, variance(dy) / n, variance(ds) / n / 1e12, covariance(dy, ds) / n / 1e6, t(n - 1));
      expect(row.effectPerMillionUsd).toBeCloseTo(mean(dy) / (mean(ds) / 1e6), 9);
      expect(row.effectPerMillionUsdCi95Low).toBeCloseTo(low, 6);
      expect(row.effectPerMillionUsdCi95High).toBeCloseTo(high, 6);
      // The army's cost per additional defection divides the army's own spend (model 1.2 attributes spend by group).
      expect(row.costSpendMetric === null || row.costSpendMetric === 'spend_army_usd').toBe(true);
      const armySpend = runValues(common, 'no-policy', 'spend_army_usd');
      const da = runValues(common, scenario, 'spend_army_usd').map((v, r) => v - armySpend[r]);
      if (row.costPerAdditionalDefectionUsd !== null) {
        expect(row.costSpendOverBaselineUsd).toBeCloseTo(mean(da), 3);
        const [costLow, costHigh] = fieller(mean(da), mean(dy), variance(da) / n, variance(dy) / n, covariance(dy, da) / n, t(n - 1));
        expect(row.costPerAdditionalDefectionUsdCi95Low! / costLow).toBeCloseTo(1, 9);
        expect(row.costPerAdditionalDefectionUsdCi95High! / costHigh).toBeCloseTo(1, 9);
      } else {
        expect(row.costPerAdditionalDefectionUsdUndefinedReason).toMatch(/^(extra defections not distinguishable from 0|fewer defections than the baseline|no extra defections)$/);
      }
    }
  });

  it("independent (per-run seeds): Welch's interval of the difference of the means", () => {
    const rows = effects(perRun);
    const b = runValues(perRun, 'no-policy', 'defected_police');
    for (const scenario of POLICIES) {
      const x = runValues(perRun, scenario, 'defected_police');
      const row = rows.find((r) => r.parameters.scenario === scenario && r.metric === 'defected_police')!;
      const [v1, v2] = [variance(x) / x.length, variance(b) / b.length];
      const df = (v1 + v2) ** 2 / (v1 ** 2 / (x.length - 1) + v2 ** 2 / (b.length - 1));
      const half = t(df) * Math.sqrt(v1 + v2);
      expect(row.effect).toBeCloseTo(mean(x) - mean(b), 9);
      expect(row.effectCi95Low).toBeCloseTo(mean(x) - mean(b) - half, 6);
      expect(row.effectCi95High).toBeCloseTo(mean(x) - mean(b) + half, 6);
    }
    expect(JSON.parse(readFileSync(join(perRun, 'manifest.json'), 'utf8')).effects.pairing).toBe('independent');
    expect(JSON.parse(readFileSync(join(common, 'manifest.json'), 'utf8')).effects.pairing).toBe('paired');
  });

  it('paired intervals are narrower than independent ones (all defections and the CDM, every policy)', () => {
    const width = (dir: string, scenario: string, metric: string) => {
      const row = effects(dir).find((r) => r.parameters.scenario === scenario && r.metric === metric)!;
      return row.effectCi95High! - row.effectCi95Low!;
    };
    for (const scenario of POLICIES) {
      for (const metric of ['defected_all', 'defected_official']) {
        expect(width(common, scenario, metric), `${scenario} ${metric}`).toBeLessThan(width(perRun, scenario, metric) / 2);
      }
    }
  });

  it("the baseline's own effects are exactly 0, under either pairing", () => {
    for (const dir of [common, perRun]) {
      for (const row of effects(dir).filter((r) => r.pointId === 0 && r.n > 0)) {
        expect([row.effect, row.effectCi95Low, row.effectCi95High, row.spendOverBaselineUsd], row.metric).toEqual([0, 0, 0, 0]);
      }
    }
  });
});

describe('the report of a sweep with a baseline', () => {
  it('opens with Findings: effects, per US$1M and cost tables, and a forest plot with n/a and its reason', async () => {
    const plan = planReport(await loadResult(common));
    expect(plan.findings).not.toBeNull();
    const [effectTable, perMillion, cost] = plan.findings!.tables;
    expect(effectTable.rows.map((r) => r[0])).toEqual(POLICIES);
    expect(effectTable.columns.slice(1, 5)).toEqual(['army (people)', 'police (people)', 'senior officials (people)', 'CDM (junior, mid officials) (people)']);
    expect(perMillion.rows.find((r) => r[0] === 'sanctions-only')!.slice(1).every((c) => c === 'n/a (no spend over baseline)')).toBe(true);
    expect(cost.title).toMatch(/^Cost per additional defection/);
    expect(plan.findings!.charts).toEqual(['findings-forest-defections-per-million-usd.png', 'findings-forest-capacity-lost-per-million-usd.png']);
    expect(plan.charts.slice(0, 2).map((c) => c.file)).toEqual(plan.findings!.charts);
    const forest = plan.charts[0].chart;
    if (forest.type !== 'forest') throw new Error('expected a forest plot');
    expect(forest.rows).toEqual(POLICIES);
    const army = forest.columns[0];
    const row = effects(common).find((r) => r.parameters.scenario === 'defection-offer' && r.metric === 'defected_army')!;
    expect(army.cells[2]).toEqual({ x: row.effectPerMillionUsd, low: row.effectPerMillionUsdCi95Low, high: row.effectPerMillionUsdCi95High });
    expect(army.cells[1]).toEqual({ x: null, low: null, high: null, note: 'n/a: no spend' });
  });

  it('draws the comparison over time as effects over the baseline, one panel per group; no chart divides a total by spend', async () => {
    const plan = planReport(await loadResult(common));
    const overTime = plan.charts.filter((c) => c.kind === 'effects_over_time');
    expect(overTime.map((c) => c.file)).toEqual(['sweep-effects-over-time-defections-by-group.png', 'sweep-effects-over-time-capacity-lost.png']);
    const groups = overTime[0].chart;
    if (groups.type !== 'line') throw new Error('expected a line chart');
    expect(groups.panels.map((p) => p.axis.title.split('\n')[0])).toEqual(['army', 'police', 'officials, CDM and senior', 'senior officials', 'tycoons']);
    // The baseline itself is the dashed zero line; every policy's line is an effect over it.
    expect(groups.series.filter((s) => s.dashed).every((s) => s.points.every((p) => p.y === 0))).toBe(true);
    expect(plan.charts.some((c) => c.kind === 'points_compare')).toBe(false);
    const totals = plan.charts.filter((c) => /per-million/.test(c.file) && !c.file.startsWith('findings-'));
    expect(totals.map((c) => c.file)).toEqual([]);
  });

  it('is titled by the experiment, never by a temporary directory', async () => {
    const staging = join(tmp, '.policy-comparison.partial-4014');
    cpSync(common, staging, { recursive: true });
    const report = await renderReport(staging, { width: 800, height: 450 });
    const json = JSON.parse(readFileSync(join(report.outDir, 'report.json'), 'utf8'));
    expect(json.title).toBe('defsim sweep report: policy-comparison');
    expect(Object.keys(json).indexOf('findings')).toBeLessThan(Object.keys(json).indexOf('charts'));
    const html = readFileSync(report.html, 'utf8');
    const markdown = readFileSync(join(report.outDir, 'report.md'), 'utf8');
    for (const page of [html, markdown]) expect(page).not.toContain('partial');
    expect(html).toContain('<title>defsim sweep report: policy-comparison</title>');
    // Findings come first: before the notes, the key numbers and the other charts.
    expect(html.indexOf('<h2>Findings</h2>')).toBeGreaterThan(0);
    expect(html.indexOf('<h2>Findings</h2>')).toBeLessThan(html.indexOf('<h2>Key numbers</h2>'));
    expect(html.indexOf('findings-forest-defections-per-million-usd.png')).toBeLessThan(html.indexOf('<h2>Key numbers</h2>'));
    expect(markdown.indexOf('## Findings')).toBeLessThan(markdown.indexOf('## Key numbers'));
  }, 120_000);
});
