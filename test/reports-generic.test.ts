/**
 * Generic report charts for any model but the defection model: a run of Epstein's model and
 * sweeps of Granovetter's and Epstein's, written as result directories from the models' own runs.
 * Which charts, their units (read from the manifest), the dispatch on the manifest's model, and
 * valid PNGs.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { model as epstein } from '../agents/epstein/index.js';
import { model as granovetter } from '../agents/granovetter/index.js';
import { modelOf } from '../reports/generic-charts.js';
import { planReport, renderReport } from '../reports/index.js';
import { loadResult } from '../reports/load.js';
import type { BarChartSpec, LineChartSpec } from '../reports/spec.js';
import { writeModelRun, writeModelSweep } from './model-result-dirs.js';
import { cleanupTempDirs, makeRunDir, pixelStats, pngHeader, tempDir } from './reports-helpers.js';

afterAll(cleanupTempDirs);

let parent = '';
let runDir = '', sdSweepDir = '', scenarioSweepDir = '';
beforeAll(async () => {
  parent = await tempDir();
  runDir = join(parent, 'epstein-run');
  await writeModelRun(runDir, epstein, 'model-1', 3, { 'time.ticks': 400 });
  sdSweepDir = join(parent, 'granovetter-sd');
  await writeModelSweep(sdSweepDir, granovetter, 'normal-25-sd-10', { 'thresholds.normal.sdShare': [0.08, 0.1, 0.12, 0.14, 0.16] }, 20, { series: true, overrides: { 'time.ticks': 40 } });
  scenarioSweepDir = join(parent, 'epstein-legitimacy');
  await writeModelSweep(scenarioSweepDir, epstein, 'legitimacy-high', { scenario: ['legitimacy-high', 'legitimacy-sudden', 'legitimacy-gradual'] }, 3, { series: true, overrides: { 'world.width': 30, 'world.height': 30, 'time.ticks': 200 } });
}, 120_000);

describe('which model a result comes from', () => {
  it('the manifest\'s model.name; none recorded is the defection model', () => {
    expect(modelOf({ model: { name: 'epstein', version: '1.0.0' } })).toEqual({ name: 'epstein', version: '1.0.0' });
    expect(modelOf({ model: 'granovetter' })).toEqual({ name: 'granovetter', version: null });
    expect(modelOf({ modelVersion: '1.1' })).toEqual({ name: 'defection', version: '1.1' });
  });

  it('a defection result keeps its own charts (with or without the model field)', async () => {
    const dir = await makeRunDir(await tempDir());
    const kinds = (plan: ReturnType<typeof planReport>) => new Set(plan.charts.map((c) => c.kind));
    expect(kinds(planReport(await loadResult(dir))).has('cumulative_defections')).toBe(true);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, model: { name: 'defection', version: '1.1' } }));
    expect(kinds(planReport(await loadResult(dir))).has('run_series')).toBe(false);
  });
});

describe('a run of another model', () => {
  it('one chart per series column over the ticks, one per shared unit, each axis in the recorded unit', async () => {
    const plan = planReport(await loadResult(runDir));
    expect(plan.charts.map((c) => c.file)).toEqual([
      'run-series-citizens.png', 'run-series-column-active.png', 'run-series-column-jailed.png', 'run-series-column-quiescent.png',
    ]);
    // Legitimacy holds at 0.82 in model-1: a flat line gets a note, not a chart.
    expect(plan.notes).toContain('legitimacy: 82% (share) at every tick, so it has no chart of its own');
    const overview = plan.charts[0].chart as LineChartSpec;
    expect(overview.series.map((s) => s.label.split(' ')[0])).toEqual(['active', 'jailed', 'quiescent']);
    expect(overview.panels[0].axis.title).toBe('Value (citizens)');
    expect(overview.x).toMatchObject({ title: 'Tick', format: 'number', min: 0, max: 399 });
    expect(plan.tables.map((t) => t.title)).toEqual(['Model', 'Series at the last tick (tick 399)', 'Summary metrics (summary.json)']);
    expect(plan.tables[2].rows.find((r) => r[0] === 'peak_active')?.[2]).toBe('citizens');
  });
});

describe('sweeps of other models', () => {
  it('a numeric parameter: series per design point over time, and each metric against it', async () => {
    const sweep = await loadResult(sdSweepDir);
    const plan = planReport(sweep);
    const over = plan.charts.filter((c) => c.kind === 'points_compare');
    expect(over.map((c) => c.file)).toEqual(['sweep-series-rioters.png', 'sweep-series-rioters-share.png', 'sweep-series-new-rioters.png']);
    expect((over[0].chart as LineChartSpec).series).toHaveLength(5);
    expect((over[0].chart as LineChartSpec).panels[0].axis.title).toBe('rioters (people)');
    const curve = plan.charts.find((c) => c.file === 'sweep-response-thresholds-normal-sdshare-equilibrium-share.png')!.chart as LineChartSpec;
    const means = curve.series[0].points.map((p) => p.y!);
    expect(curve.series[0].points.map((p) => p.x)).toEqual([0.08, 0.1, 0.12, 0.14, 0.16]);
    expect(means[0]).toBeLessThan(0.05);
    expect(means[4]).toBeGreaterThan(0.8); // the jump, in the chart's own numbers
    expect(curve.panels[0].axis).toMatchObject({ title: 'equilibrium_share (share of the crowd)', format: 'share' });
    expect(plan.tables[1].columns).toContain('equilibrium_rioters (people)');
  });

  it('scenarios: bars of each metric by scenario with intervals', async () => {
    const plan = planReport(await loadResult(scenarioSweepDir));
    const peak = plan.charts.find((c) => c.file === 'sweep-bars-scenario-peak-active.png')!.chart as BarChartSpec;
    expect(peak.x.categories).toEqual(['legitimacy-high', 'legitimacy-sudden', 'legitimacy-gradual']);
    const [high, sudden, gradual] = peak.groups[0].values.map((v) => v.y!);
    expect(sudden).toBeGreaterThan(10 * Math.max(1, high, gradual));
    expect(peak.y.title).toBe('peak_active (citizens)');
  });

  it('renders every chart to a valid, non-blank PNG', async () => {
    for (const dir of [runDir, sdSweepDir, scenarioSweepDir]) {
      const report = await renderReport(dir, { width: 800, height: 450 });
      const pngs = (await readdir(report.outDir)).filter((f) => f.endsWith('.png')).sort();
      expect(pngs).toEqual(report.charts.map((c) => c.file).sort());
      for (const file of pngs) {
        const bytes = await readFile(join(report.outDir, file));
        expect(pngHeader(bytes)).toMatchObject({ width: 800, height: 450 });
        expect((await pixelStats(bytes)).greyVariance, file).toBeGreaterThan(100);
      }
    }
  }, 120_000);
});
