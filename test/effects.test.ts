/**
 * The effect estimators (runners/effects/) on synthetic inputs whose answers are computed here by
 * hand: paired and Welch intervals, Fieller's ratio interval, undefined ratios, the baseline's
 * own effects, baselines of design points; and effects.csv of a synthetic sweep assembled from a
 * journal whose effect is known.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as math from 'mathjs';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../engine/errors.js';
import { RandomStream } from '../engine/rng.js';
import { MODEL_VERSION } from '../agents/defection/model.js';
import { baselinePointIds } from '../runners/effects/baseline.js';
import { effectInterval, fiellerRatio, jointEffects, welchDf } from '../runners/effects/estimate.js';
import { effectRows } from '../runners/effects/rows.js';
import { readEffects } from '../runners/effects/files.js';
import { loadExperiment } from '../runners/sweep/experiment.js';
import { planSweep } from '../runners/sweep/design.js';
import { assembleSweep } from '../runners/sweep/files.js';
import { JournalIndex, journalHeader, sweepIdentity, type JournalRecord } from '../runners/sweep/journal.js';
import { sealedLine } from '../runners/io/journal-record.js';
import { studentTQuantile } from '../runners/sweep/stats.js';

const t = (df: number) => studentTQuantile(math, 0.975, df);
const tmp = mkdtempSync(join(tmpdir(), 'defsim-effects-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1);
const covariance = (xs: number[], ys: number[]) => xs.reduce((a, x, i) => a + (x - mean(xs)) * (ys[i] - mean(ys)), 0) / (xs.length - 1);

describe('effect of a point over its baseline', () => {
  const point = [10, 12, 15, 11];
  const baseline = [8, 9, 13, 10];

  it('paired: the mean of the differences, with the t interval of the differences', () => {
    // d = 2 3 2 1: mean 2, sample variance (0 + 1 + 0 + 1)/3 = 2/3, se = √(2/3)/2, t(0.975, 3) = 3.182446305284263
    const e = jointEffects(point, point, baseline, baseline, 'paired').y;
    expect(e).toMatchObject({ n: 4, baselineN: 4, mean: 12, baselineMean: 10, df: 3 });
    expect(e.effect).toBe(2);
    const half = 3.182446305284263 * Math.sqrt(2 / 3) / 2;
    const ci = effectInterval(e, t);
    expect(ci.ci95Low).toBeCloseTo(2 - half, 9);
    expect(ci.ci95High).toBeCloseTo(2 + half, 9);
  });

  it('independent: the difference of the means, with the Welch interval', () => {
    // point: mean 12, variance (4 + 0 + 9 + 1)/3 = 14/3; baseline: mean 10, variance (4 + 1 + 9 + 0)/3 = 14/3
    const e = jointEffects(point, point, baseline, baseline, 'independent').y;
    const [v1, v2] = [14 / 3 / 4, 14 / 3 / 4];
    const df = (v1 + v2) ** 2 / (v1 ** 2 / 3 + v2 ** 2 / 3); // = 6 with equal variances and sizes
    expect(df).toBeCloseTo(6, 12);
    expect(e.df).toBeCloseTo(6, 12);
    expect(e.effect).toBe(2);
    expect(e.se).toBeCloseTo(Math.sqrt(v1 + v2), 14);
    const ci = effectInterval(e, t);
    expect(ci.ci95High - 2).toBeCloseTo(2.4469118511449692 * Math.sqrt(v1 + v2), 9); // t(0.975, 6)
    expect(welchDf(1, 5, 0, 9)).toBeCloseTo(4, 12); // all the variance from one side: its n − 1
  });

  it('leaves out replicates without a value (and, paired, their partners)', () => {
    const e = jointEffects([10, NaN, 15, 11], [1, 1, 1, 1], [8, 9, 13, NaN], [0, 0, 0, 0], 'paired').y;
    expect(e).toMatchObject({ n: 2, mean: 12.5, baselineMean: 10.5, effect: 2 });
    const independent = jointEffects([10, NaN, 15, 11], [1, 1, 1, 1], [8, 9, 13, NaN], [0, 0, 0, 0], 'independent').y;
    expect(independent).toMatchObject({ n: 3, baselineN: 3, mean: 12, baselineMean: 10 });
  });

  it('paired intervals are narrower than independent ones under common random numbers, and both cover the known effect', () => {
    // A synthetic model: replicate r draws a large population effect u_r (the same draw at every
    // point when the seed is common), plus small run noise; the policy adds exactly 5.
    const replicates = 30;
    const stream = new RandomStream(17, 'synthetic-model');
    const population = Array.from({ length: replicates }, () => 100 * stream.normal());
    const run = (policy: number) => population.map((u) => u + policy + stream.normal());
    const withPolicy = run(5);
    const without = run(0);
    const paired = effectInterval(jointEffects(withPolicy, withPolicy, without, without, 'paired').y, t);
    const independent = effectInterval(jointEffects(withPolicy, withPolicy, without, without, 'independent').y, t);
    expect(paired.ci95High - paired.ci95Low).toBeLessThan((independent.ci95High - independent.ci95Low) / 20);
    for (const ci of [paired, independent]) expect(ci.ci95Low < 5 && 5 < ci.ci95High).toBe(true);
  });
});

describe("Fieller's ratio interval", () => {
  it('with a known denominator it is the numerator interval divided by it', () => {
    const r = fiellerRatio(6, 2, 0.25, 0, 0, 2);
    expect(r).toEqual({ defined: true, value: 3, ci95Low: (6 - 2 * 0.5) / 2, ci95High: (6 + 2 * 0.5) / 2 });
  });

  it('its ends solve (a − R·b)² = t²·(vaa − 2R·vab + R²·vbb) and hold a/b, with the covariance', () => {
    const [a, b, vaa, vbb, vab, tq] = [10, 4, 1.5, 0.3, 0.4, 2.2];
    const r = fiellerRatio(a, b, vaa, vbb, vab, tq);
    if (!r.defined) throw new Error('expected a defined ratio');
    for (const R of [r.ci95Low, r.ci95High]) expect((a - R * b) ** 2).toBeCloseTo(tq ** 2 * (vaa - 2 * R * vab + R * R * vbb), 9);
    expect(r.ci95Low).toBeLessThan(a / b);
    expect(r.ci95High).toBeGreaterThan(a / b);
    // A positive covariance between numerator and denominator narrows the interval.
    const independent = fiellerRatio(a, b, vaa, vbb, 0, tq);
    if (!independent.defined) throw new Error('expected a defined ratio');
    expect(r.ci95High - r.ci95Low).toBeLessThan(independent.ci95High - independent.ci95Low);
  });

  it('is undefined, with the reason, when the denominator is 0, not distinguishable from 0, or below 0', () => {
    expect(fiellerRatio(5, 0, 1, 0, 0, 2)).toEqual({ defined: false, why: 'zero' });
    expect(fiellerRatio(5, 1, 1, 0.25, 0, 2)).toEqual({ defined: false, why: 'not-distinguishable' }); // b's interval 1 ± 2·0.5 reaches 0
    expect(fiellerRatio(5, 1.01, 1, 0.25, 0, 2).defined).toBe(true);
    expect(fiellerRatio(5, -3, 1, 0.25, 0, 2)).toEqual({ defined: false, why: 'negative' });
    expect(fiellerRatio(5, 3, NaN, 0.25, 0, 2)).toEqual({ defined: false, why: 'too-few' });
  });

  it('covers the true ratio about 95% of the time (paired data, fixed seed)', () => {
    const stream = new RandomStream(5, 'fieller-coverage');
    let covered = 0;
    const trials = 2000;
    for (let k = 0; k < trials; k++) {
      // Differences over a baseline: y = 3·s + noise, s = 10 + noise (true ratio 3 per unit of s).
      const s = Array.from({ length: 8 }, () => 10 + 2 * stream.normal());
      const y = s.map((x) => 3 * x + 4 * stream.normal());
      const zeros = s.map(() => 0);
      const rows = effectRows(new Map([['y', y], ['spend_usd', s]]), new Map([['y', zeros], ['spend_usd', zeros]]), ['y'], { pairing: 'paired', t });
      // per $1M: y per 1e6 units of s, so the true value is 3e6.
      if (rows[0].effectPerMillionUsdCi95Low <= 3e6 && 3e6 <= rows[0].effectPerMillionUsdCi95High) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.93);
    expect(covered / trials).toBeLessThan(0.97);
  });
});

describe('effect rows', () => {
  const spendPoint = [2e6, 2.2e6, 1.9e6, 2.1e6];
  const spendBase = [0, 0, 0, 0];
  const armyPoint = [130, 150, 118, 140];
  const armyBase = [100, 104, 98, 101];
  const point = new Map([['defected_army', armyPoint], ['spend_usd', spendPoint], ['military_capacity_lost', [0.2, 0.21, 0.19, 0.2]]]);
  const base = new Map([['defected_army', armyBase], ['spend_usd', spendBase], ['military_capacity_lost', [0.2, 0.21, 0.19, 0.2]]]);

  it('effect per $1M and cost per additional defection equal a hand computation (paired, Fieller with the covariance)', () => {
    const [army] = effectRows(point, base, ['defected_army'], { pairing: 'paired', t });
    const dy = armyPoint.map((v, i) => v - armyBase[i]); // 30 46 20 39
    const ds = spendPoint.map((v, i) => v - spendBase[i]);
    expect(army.effect).toBeCloseTo(mean(dy), 12);
    expect(army.spendOverBaselineUsd).toBeCloseTo(mean(ds), 6);
    const n = 4;
    const tq = t(n - 1);
    const solve = (a: number, b: number, vaa: number, vbb: number, vab: number) => {
      const A = b * b - tq * tq * vbb;
      const B = a * b - tq * tq * vab;
      const C = a * a - tq * tq * vaa;
      return [(B - Math.sqrt(B * B - A * C)) / A, (B + Math.sqrt(B * B - A * C)) / A];
    };
    const [vy, vs, c] = [variance(dy) / n, variance(ds) / n, covariance(dy, ds) / n];
    const perMillion = solve(mean(dy), mean(ds) / 1e6, vy, vs / 1e12, c / 1e6);
    expect(army.effectPerMillionUsd).toBeCloseTo(mean(dy) / (mean(ds) / 1e6), 9);
    expect(army.effectPerMillionUsdCi95Low).toBeCloseTo(perMillion[0], 9);
    expect(army.effectPerMillionUsdCi95High).toBeCloseTo(perMillion[1], 9);
    const cost = solve(mean(ds), mean(dy), vs, vy, c);
    expect(army.costPerAdditionalDefectionUsd).toBeCloseTo(mean(ds) / mean(dy), 6);
    expect(army.costPerAdditionalDefectionUsdCi95Low).toBeCloseTo(cost[0], 6);
    expect(army.costPerAdditionalDefectionUsdCi95High).toBeCloseTo(cost[1], 6);
    expect(army.effectPerMillionUsdUndefinedReason).toBeNull();
    expect(army.costPerAdditionalDefectionUsdUndefinedReason).toBeNull();
  });

  it('an undefined ratio is reported as undefined, with its reason, never as a number', () => {
    // No spend over the baseline; no extra capacity lost; a cost only for defection counts.
    const [army, capacity] = effectRows(new Map([...point, ['spend_usd', spendBase]]), base, ['defected_army', 'military_capacity_lost'], { pairing: 'paired', t });
    expect(Number.isNaN(army.effectPerMillionUsd) && Number.isNaN(army.effectPerMillionUsdCi95Low)).toBe(true);
    expect(army.effectPerMillionUsdUndefinedReason).toBe('no spend over baseline');
    expect(army.costPerAdditionalDefectionUsd).toBe(0); // nothing spent for each extra defection
    expect(capacity.effect).toBe(0);
    expect(Number.isNaN(capacity.costPerAdditionalDefectionUsd)).toBe(true);
    expect(capacity.costPerAdditionalDefectionUsdUndefinedReason).toBeNull(); // not a defection count
    // Extra defections whose interval includes 0: no cost per additional defection.
    const noisy = effectRows(new Map([...point, ['defected_army', [90, 120, 95, 110]]]), base, ['defected_army'], { pairing: 'paired', t })[0];
    expect(noisy.effectCi95Low).toBeLessThan(0);
    expect(Number.isNaN(noisy.costPerAdditionalDefectionUsd)).toBe(true);
    expect(noisy.costPerAdditionalDefectionUsdUndefinedReason).toBe('extra defections not distinguishable from 0');
    // Spend whose interval includes 0.
    const spendNoise = effectRows(new Map([...point, ['spend_usd', [-1e6, 2e6, -2e6, 1.5e6]]]), base, ['defected_army'], { pairing: 'paired', t })[0];
    expect(spendNoise.effectPerMillionUsdUndefinedReason).toBe('spend over baseline not distinguishable from 0');
    expect(Number.isNaN(spendNoise.effectPerMillionUsd)).toBe(true);
  });

  it("the baseline's own effects are exactly 0, with a zero-width interval, even when not paired", () => {
    for (const pairing of ['paired', 'independent'] as const) {
      for (const row of effectRows(point, point, ['defected_army', 'spend_usd', 'military_capacity_lost'], { pairing, t, sameRuns: true })) {
        expect([row.effect, row.effectCi95Low, row.effectCi95High, row.spendOverBaselineUsd]).toEqual([0, 0, 0, 0]);
        expect(row.effectPerMillionUsdUndefinedReason).toBe('no spend over baseline');
      }
    }
  });
});

describe('baselines of design points', () => {
  const points = [
    { id: 0, values: { scenario: 'a', x: 1 } }, { id: 1, values: { scenario: 'b', x: 1 } },
    { id: 2, values: { scenario: 'a', x: 2 } }, { id: 3, values: { scenario: 'b', x: 2 } },
  ];
  it('replace the baseline keys in each point; naming every varied key gives one point for all', () => {
    expect(Array.from(baselinePointIds(points, ['scenario', 'x'], { scenario: 'a' }))).toEqual([0, 0, 2, 2]);
    expect(Array.from(baselinePointIds(points, ['scenario', 'x'], { scenario: 'b', x: 1 }))).toEqual([1, 1, 1, 1]);
    // A key the design does not vary must hold the one value every point has (the base scenario).
    const xs = [{ id: 0, values: { x: 1 } }, { id: 1, values: { x: 2 } }];
    expect(Array.from(baselinePointIds(xs, ['x'], { scenario: 'a' }, { scenario: 'a' }))).toEqual([0, 1]);
    expect(() => baselinePointIds(xs, ['x'], { scenario: 'b' }, { scenario: 'a' })).toThrow(/every point has scenario = "a"/);
  });
  it('refuse a baseline that names no point, or leaves a point without one, naming it', () => {
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        return (error as Error).message;
      }
      throw new Error('expected an InputError');
    };
    expect(message(() => baselinePointIds(points, ['scenario', 'x'], { scenario: 'c' }))).toMatch(/^invalid value for 'baseline': \{"scenario":"c"\} .*no design point has scenario = c \(the design has scenario = a, b\)/);
    expect(message(() => baselinePointIds(points.slice(0, 3), ['scenario', 'x'], { scenario: 'b' }))).toMatch(/design point 2 \(scenario = a, x = 2\) has none: no point has scenario = b, x = 2/);
  });
});

describe('effects.csv of a synthetic sweep', () => {
  // Two points (off-ramp off = the baseline, on), 4 replicates with common seeds; the journal
  // holds made-up metrics whose effect is known: the off-ramp adds 10 + r army defections.
  const experiment = loadExperiment({
    name: 'effects-synthetic', set: { 'population.scale': 1000 }, ticks: 3, replicates: 4, seed: 4, seeds: 'common',
    design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true] } }, baseline: { 'sanctions.offRamp': false },
  });
  const plan = planSweep(experiment);
  const army = [[100, 90, 120, 105], [110, 101, 132, 118]];
  const spend = [[0, 0, 0, 0], [1e6, 1.5e6, 1.2e6, 0.9e6]];

  async function assemble(failRun?: number): Promise<string> {
    const dir = mkdtempSync(join(tmp, 'sweep-'));
    const path = join(dir, 'journal.ndjson');
    writeFileSync(path, JSON.stringify(journalHeader(experiment, plan.hash, MODEL_VERSION, plan.runs)) + '\n');
    for (let runId = 0; runId < plan.runs; runId++) {
      const [p, r] = [Math.floor(runId / 4), runId % 4];
      const failed = runId === failRun;
      const record: JournalRecord = {
        runId, pointId: p, replicate: r, seed: 1, parameters: plan.points[p].values, status: failed ? 'failed' : 'ok', error: failed ? 'Error: x' : null,
        metrics: failed ? {} : { defected_army: army[p][r], spend_usd: spend[p][r] }, series: null,
      };
      appendFileSync(path, sealedLine(record, sweepIdentity(plan)(runId)!) + '\n');
    }
    const index = new JournalIndex([path], plan.runs, sweepIdentity(plan));
    const manifest = await assembleSweep(dir, plan, index);
    index.close();
    expect(manifest.effects).toMatchObject({ baseline: { 'sanctions.offRamp': false }, pairing: 'paired' });
    expect(Object.keys(manifest.files)).toContain('effects.csv');
    return dir;
  }

  it('equal a hand computation, and the baseline rows are exactly 0', async () => {
    const dir = await assemble();
    const header = readFileSync(join(dir, 'effects.csv'), 'utf8').split('\n')[0];
    expect(header).toBe('point_id,sanctions.offRamp,metric,n,baseline_mean,mean,effect,effect_ci95_low,effect_ci95_high,spend_over_baseline_usd,' +
      'effect_per_million_usd,effect_per_million_usd_ci95_low,effect_per_million_usd_ci95_high,cost_per_additional_defection_usd,' +
      'cost_per_additional_defection_usd_ci95_low,cost_per_additional_defection_usd_ci95_high,baseline_point_id,' +
      'effect_per_million_usd_undefined_reason,cost_per_additional_defection_usd_undefined_reason,cost_spend_metric,cost_spend_over_baseline_usd');
    const { rows } = readEffects(dir);
    expect(rows.map((r) => [r.pointId, r.metric, r.baselinePointId])).toEqual([[0, 'defected_army', 0], [0, 'spend_usd', 0], [1, 'defected_army', 0], [1, 'spend_usd', 0]]);
    for (const row of rows.slice(0, 2)) {
      expect(row.parameters).toEqual({ 'sanctions.offRamp': false });
      expect([row.effect, row.effectCi95Low, row.effectCi95High, row.spendOverBaselineUsd]).toEqual([0, 0, 0, 0]);
      expect(row.effectPerMillionUsd).toBeNull();
      expect(row.effectPerMillionUsdUndefinedReason).toBe('no spend over baseline');
    }
    const on = rows[2];
    // differences 10 11 12 13: mean 11.5, sample variance 5/3, t(0.975, 3) = 3.182446305284263
    const half = 3.182446305284263 * Math.sqrt(5 / 3 / 4);
    expect(on).toMatchObject({ parameters: { 'sanctions.offRamp': true }, n: 4, baselineMean: 103.75, mean: 115.25, effect: 11.5, spendOverBaselineUsd: 1.15e6 });
    expect(on.effectCi95Low).toBeCloseTo(11.5 - half, 9);
    expect(on.effectCi95High).toBeCloseTo(11.5 + half, 9);
    expect(on.effectPerMillionUsd).toBeCloseTo(10, 12);
    expect(on.costPerAdditionalDefectionUsd).toBeCloseTo(1e5, 6);
    expect(on.effectPerMillionUsdCi95Low! < 10 && 10 < on.effectPerMillionUsdCi95High!).toBe(true);
  });

  it('leave out a failed run and its partner', async () => {
    const row = readEffects(await assemble(6)).rows.find((r) => r.pointId === 1 && r.metric === 'defected_army')!;
    // replicate 2 failed at point 1: differences 10 11 13
    expect(row.n).toBe(3);
    expect(row.effect).toBeCloseTo(34 / 3, 12);
  });
});
