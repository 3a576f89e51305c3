/**
 * Comparing policies over one baseline (runners/effects/compare.ts, ranking.ts, summary.ts) on
 * synthetic replicates with known answers: differences of effects and of ratios with their
 * intervals, rankings with ties, a verdict that says plainly when two policies cannot be told
 * apart, and a summary with no total divided by spend.
 */
import * as math from 'mathjs';
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../engine/rng.js';
import { effectDifference, ratioDifference } from '../runners/effects/compare.js';
import type { EffectsRow } from '../runners/effects/files.js';
import { formatInterval } from '../runners/effects/format.js';
import { chainText, rank } from '../runners/effects/ranking.js';
import { effectRows, type PointSamples } from '../runners/effects/rows.js';
import { mainSummary, RANKED_OUTCOMES } from '../runners/effects/summary.js';
import { studentTQuantile } from '../runners/sweep/stats.js';

const t = (df: number) => studentTQuantile(math, 0.975, df);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1);

describe('differences between two policies', () => {
  it('of effects: the baseline cancels, A_r − B_r with its t interval (paired)', () => {
    const d = effectDifference([10, 14, 9, 13], [8, 11, 9, 10], 'paired', t);
    // differences 2 3 0 3: mean 2, variance 2
    expect(d.value).toBe(2);
    expect(d.ci95High - 2).toBeCloseTo(t(3) * Math.sqrt(2 / 4), 12);
  });

  it('of ratios, paired, with a fixed spend: the t interval of (Δy_a − Δy_b)/spend', () => {
    const base = { y: [100, 90, 120, 80], spend: [0, 0, 0, 0] };
    const a = { y: [130, 118, 149, 111], spend: [1e6, 1e6, 1e6, 1e6] };
    const b = { y: [150, 146, 171, 126], spend: [2e6, 2e6, 2e6, 2e6] };
    const per = (p: typeof a, s: number) => p.y.map((v, r) => (v - base.y[r]) / s);
    const z = per(a, 1).map((v, r) => v - per(b, 2)[r]);
    const d = ratioDifference(a, b, base, 'paired', t, 1e6);
    expect(d.value).toBeCloseTo(mean(z), 9);
    expect(d.ci95High - d.value).toBeCloseTo(t(3) * Math.sqrt(variance(z) / 4), 9);
    // Equal ratios (b's differences twice a's, in the metric and in the spend): exactly no difference.
    const twice = { y: a.y.map((v, r) => base.y[r] + 2 * (v - base.y[r])), spend: a.spend.map((s) => 2 * s) };
    const none = ratioDifference(a, twice, base, 'paired', t, 1e6);
    expect(none.value).toBeCloseTo(0, 12);
    expect(none.ci95High - none.ci95Low).toBeCloseTo(0, 9);
  });

  it('of ratios, independent, with a fixed spend: the three samples’ variances add', () => {
    const base = { y: [100, 90, 120, 80, 95], spend: [0, 0, 0, 0, 0] };
    const a = { y: [130, 118, 149, 111], spend: [1e6, 1e6, 1e6, 1e6] };
    const b = { y: [150, 146, 171, 126, 160, 140], spend: Array(6).fill(4e6) };
    const d = ratioDifference(a, b, base, 'independent', t, 1e6);
    const expected = (mean(a.y) - mean(base.y)) / 1 - (mean(b.y) - mean(base.y)) / 4;
    const se = Math.sqrt(variance(a.y) / 4 + variance(b.y) / 6 / 16 + (variance(base.y) / 5) * (1 / 4 - 1) ** 2);
    expect(d.value).toBeCloseTo(expected, 9);
    expect(d.ci95High - d.value).toBeCloseTo(t(3) * se, 9);
  });
});

/** Effect rows as effects.csv gives them back, for synthetic points. */
function asRows(samples: Map<number, PointSamples>, metrics: string[]): EffectsRow[] {
  const base = samples.get(0)!;
  const options = {
    pairing: 'paired' as const, t, isDefectionCount: (m: string) => /^(defected|left_ever)_/.test(m),
    costSpendMetric: (m: string) => (m === 'left_ever_army' ? 'spend_army_usd' : null),
  };
  return [...samples].flatMap(([pointId, point]) => effectRows(point, base, metrics, { ...options, sameRuns: pointId === 0 }).map((row) => ({
    pointId, parameters: {}, baselinePointId: 0,
    ...Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? null : v])),
  }) as unknown as EffectsRow));
}

describe('the main job summary', () => {
  // Baseline 0; A buys +100 army and 0.02 military capacity for $10M, all spent on the army; B is
  // A's twin (same effect, its own small noise); C buys +30 army and 0.01 capacity for $1M: less,
  // but far more per dollar.
  const stream = new RandomStream(3, 'summary-test');
  const replicates = 12;
  const base = Array.from({ length: replicates }, () => 1000 + 50 * stream.normal());
  const capacity = base.map((x) => x / 20000);
  const noise = () => 2 * stream.normal();
  const point = (army: number, cap: number, spend: number): PointSamples => {
    // Drawn in this order (army, capacity, spend) so that the replicates are the ones the expectations were written for.
    const left = base.map((x) => x + army + noise());
    const lost = capacity.map((x) => x + cap + 0.0005 * stream.normal());
    const spent = base.map(() => spend * (1 + 0.01 * stream.normal()));
    return new Map([
      ['left_ever_army', left],
      ['military_capacity_lost', lost],
      ['spend_usd', spent],
      ['spend_army_usd', spent],
      // A total divided by spend, with a value that must never be printed.
      ['defections_total_per_million_usd', base.map(() => 987654.321)],
    ]);
  };
  const samples = new Map<number, PointSamples>([
    [0, new Map([['left_ever_army', base], ['military_capacity_lost', capacity], ['spend_usd', base.map(() => 0)], ['spend_army_usd', base.map(() => 0)], ['defections_total_per_million_usd', base.map(() => NaN)]])],
    [1, point(100, 0.02, 10e6)],
    [2, point(100, 0.02, 10e6)],
    [3, point(30, 0.01, 1e6)],
  ]);
  const metrics = ['left_ever_army', 'military_capacity_lost', 'spend_usd', 'spend_army_usd', 'defections_total_per_million_usd'];
  const rows = asRows(samples, metrics);
  const policies = [{ pointId: 1, label: 'A' }, { pointId: 2, label: 'B' }, { pointId: 3, label: 'C' }];
  const input = { policies, baseline: { pointId: 0, label: 'none' }, rows, samples, pairing: 'paired' as const, t, replicates, ticks: 48 };

  it('ranks on what each buys, marking the policies that cannot be told apart', () => {
    const army = rank(input, RANKED_OUTCOMES.find((o) => o.label === 'extra defections, army')!);
    expect(chainText(army)).toMatch(/^(A ≈ B|B ≈ A) > C$/);
    expect(army.tiedWithFirst.map((p) => p.label)).toHaveLength(1);
    const perDollar = rank(input, RANKED_OUTCOMES.find((o) => o.label === 'military capacity lost per $10M')!);
    expect(chainText(perDollar)).toMatch(/^C > (A ≈ B|B ≈ A)$/);
    const cost = rank(input, RANKED_OUTCOMES.find((o) => o.label === 'cost per extra defector, army')!);
    expect(chainText(cost)).toMatch(/^C < (A ≈ B|B ≈ A)$/);
  });

  it('says plainly which policies cannot be told apart, and prints no total over spend', () => {
    const text = mainSummary(input).join("\n");
    expect(text).toMatch(/Military capacity lost: [AB] buys the most \(\+0\.02\d* \[[\d.]+, [\d.]+\]\); [AB] cannot be told apart from it with 12 replicates\./);
    expect(text).toMatch(/Military capacity lost per \$10M: C buys the most \([^)]*\); it is ahead of every other policy with 12 replicates\./);
    expect(text).toMatch(/Cannot be told apart with 12 replicates: A and B on every outcome\./);
    expect(text).toMatch(/Cheapest additional defectors: army, C \(\$[\d,]+ \[/);
    expect(text).not.toMatch(/987,?654|total/i);
    // Every figure is an effect over the baseline: the army column shows A's effect, not its level.
    const a = rows.find((r) => r.pointId === 1 && r.metric === 'left_ever_army')!;
    const lineA = text.split('\n').find((line) => /^ {2}A\s/.test(line))!;
    expect(lineA).toContain(formatInterval(a.effect, a.effectCi95Low, a.effectCi95High, 'people'));
    expect(text).not.toContain(formatInterval(a.mean, null, null, 'people', false));
  });
});
