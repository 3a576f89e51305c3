import { afterAll, describe, expect, it } from 'vitest';
import { planReport, type ChartKind } from '../reports/index.js';
import { loadResult } from '../reports/load.js';
import type { LineChartSpec } from '../reports/spec.js';
import { GROUP_COLOURS } from '../reports/palette.js';
import { cleanupTempDirs, makeRunDir, makeSweepDir, ONE_PARAMETER, SCENARIOS, tempDir, TWO_PARAMETERS } from './reports-helpers.js';

afterAll(cleanupTempDirs);

const RUN_KINDS: ChartKind[] = ['cumulative_defections', 'monthly_new_defections', 'capacity', 'budget', 'sanctions', 'calibration'];
const SWEEP_KINDS: ChartKind[] = ['point_replicate_mean', 'points_compare', 'response_curve', 'heatmap', 'scenario_bars'];

async function planFor(make: (parent: string) => Promise<string>) {
  return planReport(await loadResult(await make(await tempDir())));
}

function kindsOf(plan: Awaited<ReturnType<typeof planFor>>): Set<ChartKind> {
  return new Set(plan.charts.map((c) => c.kind));
}

describe('chart plans', () => {
  it('a run gets every run chart and no sweep chart', async () => {
    const plan = await planFor((p) => makeRunDir(p));
    expect([...kindsOf(plan)].sort()).toEqual([...RUN_KINDS].sort());
    expect(plan.notes).toEqual([]);
  });

  it('run charts plot the four groups in their fixed colours', async () => {
    const plan = await planFor((p) => makeRunDir(p));
    const cumulative = plan.charts.find((c) => c.kind === 'cumulative_defections')!.chart as LineChartSpec;
    expect(cumulative.panels[0].axis.log).toBe(true);
    expect(cumulative.series.map((s) => s.colour)).toEqual([GROUP_COLOURS.army, GROUP_COLOURS.police, GROUP_COLOURS.official, GROUP_COLOURS.tycoon]);
    const monthly = plan.charts.find((c) => c.kind === 'monthly_new_defections')!.chart as LineChartSpec;
    expect(monthly.panels).toHaveLength(4);
  });

  it('the calibration chart has observed bands and a ceiling for a max-style target', async () => {
    const plan = await planFor((p) => makeRunDir(p));
    const chart = plan.charts.find((c) => c.kind === 'calibration')!.chart as LineChartSpec;
    const ceiling = chart.targets!.find((t) => t.style === 'ceiling')!;
    expect(ceiling.marks).toEqual([{ x: 24, y: 100 }]);
    const army = chart.targets!.find((t) => t.label === 'observed: defected_army')!;
    expect(army.marks[0]).toEqual({ x: 6, y: 1500, low: 900, high: 2100 });
    expect(chart.series.map((s) => s.label)).toContain('model: defected_official_senior');
  });

  it('a one-parameter sweep gets per-point means, comparisons and response curves, but no heatmap or scenario bars', async () => {
    const plan = await planFor((p) => makeSweepDir(p, 's', ONE_PARAMETER));
    const kinds = kindsOf(plan);
    expect(kinds).toEqual(new Set(['point_replicate_mean', 'points_compare', 'response_curve']));
    expect(plan.charts.filter((c) => c.kind === 'point_replicate_mean')).toHaveLength(3);
    expect(RUN_KINDS.some((k) => kinds.has(k))).toBe(false);
    const perPoint = plan.charts.find((c) => c.kind === 'point_replicate_mean')!.chart as LineChartSpec;
    expect(perPoint.series.every((s) => s.interval === 'band' && s.points.every((p) => p.low! <= p.y! && p.y! <= p.high!))).toBe(true);
  });

  it('a two-parameter sweep gets a heatmap per metric; without series.csv no per-point time charts', async () => {
    const plan = await planFor((p) => makeSweepDir(p, 's', TWO_PARAMETERS));
    const kinds = kindsOf(plan);
    expect(kinds.has('heatmap')).toBe(true);
    expect(kinds.has('scenario_bars')).toBe(false);
    expect(kinds.has('point_replicate_mean')).toBe(false);
    expect(plan.notes.join('\n')).toMatch(/no series\.csv/);
    const heatmap = plan.charts.find((c) => c.file === 'sweep-heatmap-defected-all.png')!;
    expect(heatmap.chart.type).toBe('heatmap');
    if (heatmap.chart.type === 'heatmap') expect(heatmap.chart.cells).toHaveLength(4);
  });

  it('a scenario sweep gets comparison bars by group, for capacity lost and spend — none dividing a total by spend — and no heatmap', async () => {
    const plan = await planFor((p) => makeSweepDir(p, 's', SCENARIOS));
    const bars = plan.charts.filter((c) => c.kind === 'scenario_bars').map((c) => c.file);
    for (const metric of ['defected-army', 'defected-police', 'defected-official', 'military-capacity-lost', 'economic-capacity-lost', 'spend-usd']) {
      expect(bars).toContain(`sweep-scenario-${metric}.png`);
    }
    expect(bars.filter((file) => /per-million/.test(file))).toEqual([]);
    expect(kindsOf(plan).has('heatmap')).toBe(false);
    const chart = plan.charts.find((c) => c.file === 'sweep-scenario-defected-army.png')!.chart;
    expect(chart.type === 'bar' && chart.x.categories).toEqual(['myanmar-2021', 'cash-only', 'families-first']);
  });

  it('a chart of a metric that divides a total by spend says in its caption what it counts', async () => {
    const plan = await planFor((p) => makeSweepDir(p, 's', ONE_PARAMETER));
    const total = plan.charts.find((c) => c.file === 'sweep-response-payout-scale-defections-total-per-million-usd.png')!;
    expect(total.caption).toMatch(/divides a total — every defection, or all capacity lost, including what would have happened with no money at all — by the spend: it is not what the money bought/);
    const spend = plan.charts.find((c) => c.file === 'sweep-response-payout-scale-spend-usd.png')!;
    expect(spend.caption).not.toMatch(/divides a total/);
  });

  it('a scenario × parameter sweep with series gets all five sweep chart kinds, with unique file names', async () => {
    const plan = await planFor((p) => makeSweepDir(p, 's', { varied: { scenario: ['myanmar-2021', 'cash-only'], 'payout.scale': [1, 2] } }));
    const files = plan.charts.map((c) => c.file);
    expect(new Set(files).size).toBe(files.length);
    expect(kindsOf(plan)).toEqual(new Set(SWEEP_KINDS));
  });
});
