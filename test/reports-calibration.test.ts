/**
 * The report of a calibration directory (reports/calibration-*.ts), on a real small calibration
 * made by the CLI: which charts it plans and from which files, holdouts drawn in their own colour
 * and scored apart, the numbers in the tables against the files, PNGs valid and not blank, and a
 * broken directory refused naming the file.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mostCorrelatedPairs } from '../reports/calibration-charts.js';
import type { CalibrationResult } from '../reports/calibration-load.js';
import { planReport, renderReport, type ReportResult } from '../reports/index.js';
import { loadResult } from '../reports/load.js';
import type { LineChartSpec } from '../reports/spec.js';
import { pixelStats, pngHeader } from './reports-helpers.js';

const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-report-calibration-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const dir = join(tmp, 'cal');

beforeAll(() => {
  const file = join(tmp, 'cal.json');
  writeFileSync(file, JSON.stringify({
    name: 'report-cal', targets: 'data/myanmar-2021.json', set: { 'population.scale': 100 }, ticks: 25,
    parameters: {
      'decision.stay.armyEnlisted': { from: -3, to: 1 },
      'decision.stay.policeEnlisted': { from: -5, to: -1 },
      'regime.shockHalfLifeTicks': { from: 2, to: 30, log: true },
    },
    method: { type: 'abc-smc', particles: 40, until: { acceptanceRate: 0.05, generations: 3 } },
    seed: 4,
  }));
  const r = spawnSync(process.execPath, [join(root, 'dist', 'runners', 'cli.js'), 'calibrate', file, '--out', dir, '--quiet'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`calibration failed: ${r.stderr}`);
}, 300_000);

describe('planning a calibration report', () => {
  let result: CalibrationResult;
  beforeAll(async () => {
    const loaded = await loadResult(dir);
    if (loaded.kind !== 'calibration') throw new Error(`loaded a ${loaded.kind}`);
    result = loaded;
  });

  it('reads the priors, targets and posterior from the files', () => {
    expect(result.parameters.map((p) => p.name)).toEqual(['decision.stay.armyEnlisted', 'decision.stay.policeEnlisted', 'regime.shockHalfLifeTicks']);
    expect(result.parameters[2].prior).toEqual({ kind: 'log-uniform', from: 2, to: 30 });
    expect(result.posterior.weights).toHaveLength(40);
    expect(result.targets.filter((t) => t.holdout).map((t) => t.id)).toEqual(['police_t24', 'police_vs_army_share']);
    expect(result.generations.map((g) => g.generation)).toEqual([0, 1, 2]);
    expect(result.inputFiles.map((f) => f.name)).toEqual(['manifest.json', 'posterior.csv', 'generations.csv', 'identifiability.csv', 'predictive.csv', 'predictive-series.csv']);
  });

  it('plans generations, a marginal per parameter, the most correlated pairs, identifiability and the predictive check', () => {
    const plan = planReport(result);
    const kinds = plan.charts.map((c) => c.kind);
    expect(kinds.filter((k) => k === 'calibration_generations')).toHaveLength(1);
    expect(plan.charts.filter((c) => c.kind === 'calibration_marginal').map((c) => c.source.columns[0])).toEqual(result.parameters.map((p) => p.name));
    expect(kinds.filter((k) => k === 'calibration_pairs')).toHaveLength(3); // 3 parameters: every pair
    expect(kinds.filter((k) => k === 'calibration_identifiability')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'calibration_predictive_targets')).toHaveLength(1);
    const seriesCharts = plan.charts.filter((c) => c.kind === 'calibration_predictive_series');
    expect(seriesCharts.map((c) => c.file).sort()).toEqual([
      'calibration-predictive-defected-army.png', 'calibration-predictive-defected-official-senior.png', 'calibration-predictive-defected-police.png',
      'calibration-predictive-new-defections-army.png', 'calibration-predictive-out-official.png', 'calibration-predictive-sanctioned.png',
    ]);
    // A share and a ratio are not points of one series: named in the notes.
    expect(plan.notes.filter((n) => /tycoons_t24|police_vs_army_share/.test(n))).toHaveLength(2);
  });

  it('the pairs are the most correlated ones, by |weighted correlation|', () => {
    const pairs = mostCorrelatedPairs(result);
    expect(pairs.map((p) => Math.abs(p.r))).toEqual([...pairs.map((p) => Math.abs(p.r))].sort((a, b) => b - a));
    for (const p of pairs) expect(Math.abs(p.r)).toBeLessThanOrEqual(1);
  });

  it('draws the holdout apart: its observed point in vermillion on the police chart, its own series in the all-targets chart', () => {
    const plan = planReport(result);
    const police = plan.charts.find((c) => c.file === 'calibration-predictive-defected-police.png')!.chart as LineChartSpec;
    const observed = police.targets!.filter((t) => t.style === 'observed');
    expect(observed.map((t) => [t.label.includes('holdout'), t.colour, t.marks.map((m) => m.x)])).toEqual([[false, '#000000', [10]], [true, '#D55E00', [24]]]);
    const band = observed[1].marks[0];
    expect([band.low, band.high]).toEqual([9091 * 0.65, 9091 * 1.35]);
    const all = plan.charts.find((c) => c.kind === 'calibration_predictive_targets')!.chart as LineChartSpec;
    const holdoutSeries = all.series.find((s) => s.label.startsWith('holdouts'))!;
    const categories = all.x.categories!;
    const drawn = holdoutSeries.points.filter((p) => p.y !== null).map((p) => categories[p.x]);
    expect(drawn).toEqual(['police_t24', 'police_vs_army_share']);
    // Each point is the predictive median over the observed value.
    const predictive = readFileSync(join(dir, 'predictive.csv'), 'utf8').split('\n');
    const header = predictive[0].split(',');
    const row = predictive.find((l) => l.startsWith('police_t24,'))!.split(',');
    const median = Number(row[header.indexOf('median')]);
    expect(holdoutSeries.points[categories.indexOf('police_t24')].y).toBeCloseTo(median / 9091, 12);
  });

  it('the tables score fitted targets and holdouts apart, from predictive.csv', () => {
    const plan = planReport(result);
    const scores = plan.tables.find((t) => t.title.startsWith('Posterior-predictive check, scored apart'))!;
    expect(scores.rows.map((r) => [r[0], r[1]])).toEqual([['fitted targets', '12'], ['holdouts (never fitted)', '2']]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(scores.rows[1][3]).toBe(`${manifest.predictiveScores.holdout.observedIn50} of 1`);
    const posterior = plan.tables.find((t) => t.title.startsWith('Posterior (generation 2'))!;
    expect(posterior.rows.map((r) => r[0])).toEqual(result.parameters.map((p) => p.name));
  });
});

describe('rendering a calibration report', () => {
  let report: ReportResult;
  beforeAll(async () => {
    report = await renderReport(dir);
  }, 120_000);

  it('writes one valid, non-blank 1600×900 PNG per chart and pages that reference each', async () => {
    const pngs = (await readdir(report.outDir)).filter((f) => f.endsWith('.png')).sort();
    expect(pngs).toEqual(report.charts.map((c) => c.file).sort());
    const html = await readFile(report.html, 'utf8');
    for (const file of pngs) {
      const bytes = await readFile(join(report.outDir, file));
      expect(pngHeader(bytes)).toMatchObject({ width: 1600, height: 900 });
      expect((await pixelStats(bytes)).greyVariance, file).toBeGreaterThan(100);
      expect(html).toContain(`<img src="${file}"`);
    }
    expect(html).toContain('<title>defsim calibration report: report-cal</title>');
    expect(html).toContain('scored apart for holdouts');
  });
});

describe('a broken calibration directory', () => {
  it('is refused naming the file', async () => {
    const broken = join(tmp, 'broken');
    cpSync(dir, broken, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(broken, 'manifest.json'), 'utf8'));
    delete manifest.targets;
    writeFileSync(join(broken, 'manifest.json'), JSON.stringify(manifest));
    await expect(loadResult(broken)).rejects.toThrow(/manifest\.json.*"targets" must list the calibration targets/);
    writeFileSync(join(broken, 'manifest.json'), readFileSync(join(dir, 'manifest.json')));
    const header = readFileSync(join(dir, 'posterior.csv'), 'utf8').split('\n')[0];
    writeFileSync(join(broken, 'posterior.csv'), header + '\n');
    await expect(loadResult(broken)).rejects.toThrow(/posterior\.csv.*no particles/);
    writeFileSync(join(broken, 'posterior.csv'), header.replace('weight', 'w') + '\n');
    await expect(loadResult(broken)).rejects.toThrow(/posterior\.csv.*missing column "weight"/);
  });
});
