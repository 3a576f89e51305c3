/**
 * Epstein (2002), civil violence Model I: the two results the paper is known for. Punctuated
 * equilibrium — long quiet spells, near-zero actives, broken by large, short outbursts at
 * irregular intervals (the waiting-time distribution is reported). The legitimacy crisis — the same
 * fall in legitimacy yields a mass outburst when sudden and none when gradual. Plus the model's
 * machinery: the incremental counts agree with a plain recount, pure runs, parameter checks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { model } from '../agents/epstein/index.js';
import { findOutbursts, median, type Outbursts } from '../agents/epstein/outbursts.js';
import type { ModelRunOutput } from '../engine/model.js';
import { legitimacyAt, type EpsteinParameters } from '../agents/epstein/params.js';
import { referenceRun } from './epstein-reference.js';
import { checkRunShape, column, parametersOf, runDigest } from './reference-model-helpers.js';

const quantiles = (values: readonly number[], qs: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return qs.map((q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
};

describe('punctuated equilibrium (the paper\'s Model I run: L = 0.82, J_max = 30, cops 0.04, vision 7)', () => {
  const threshold = 50;
  let runs: ModelRunOutput[] = [];
  let found: Outbursts[] = [];
  let waits: number[] = [], durations: number[] = [], peaks: number[] = [];
  beforeAll(() => {
    // Three long runs of the default scenario, 2,000 ticks each.
    runs = [1, 2, 3].map((seed) => model.run(parametersOf(model, 'model-1', { 'time.ticks': 2000 }), seed));
    found = runs.map((run) => findOutbursts(column(run, 'active'), threshold));
    waits = found.flatMap((f) => f.waits);
    durations = found.flatMap((f) => f.durations);
    peaks = found.flatMap((f) => f.peaks);
  });

  it('reports the waiting-time distribution between outbursts', () => {
    const [q10, q25, q50, q75, q90] = quantiles(waits, [0.1, 0.25, 0.5, 0.75, 0.9]);
    const meanWait = waits.reduce((s, w) => s + w, 0) / waits.length;
    const sd = Math.sqrt(waits.reduce((s, w) => s + (w - meanWait) ** 2, 0) / (waits.length - 1));
    console.info(
      `epstein model-1, 3 × 2000 ticks: ${peaks.length} outbursts (≥ ${threshold} actives), lasting median ${median(durations)} ticks, peak median ${median(peaks)}; ` +
      `waiting times (ticks) n = ${waits.length}, mean ${meanWait.toFixed(1)}, sd ${sd.toFixed(1)}, quantiles 10/25/50/75/90%: ${q10}/${q25}/${q50}/${q75}/${q90}, min ${Math.min(...waits)}, max ${Math.max(...waits)}`,
    );
    expect(waits.length).toBeGreaterThanOrEqual(20);
    // Irregular, not periodic: the spread of the waits is a large share of their mean.
    expect(sd / meanWait).toBeGreaterThan(0.3);
  });

  it('many outbursts over a long run, each large and short', () => {
    for (const f of found) expect(f.starts.length).toBeGreaterThanOrEqual(6);
    expect(median(peaks)).toBeGreaterThan(200); // a sizeable share of the 1,120 citizens at once
    expect(median(durations)).toBeLessThanOrEqual(15);
  });

  it('waiting times are far longer than outbursts: quiet spells dominate', () => {
    expect(median(waits)).toBeGreaterThan(5 * median(durations));
    for (const run of runs) expect(run.metrics.median_waiting_ticks).toBeGreaterThan(5 * run.metrics.mean_outburst_ticks);
  });

  it('between outbursts the actives are near zero', () => {
    for (const [r, run] of runs.entries()) {
      const active = column(run, 'active');
      const f = found[r];
      // The ticks of every quiet spell between two outbursts, after a 10-tick wind-down.
      const quiet: number[] = [];
      f.waits.forEach((wait, i) => {
        const end = f.starts[i] + f.durations[i];
        for (let t = end + 10; t < end + wait; t++) quiet.push(active[t]);
      });
      expect(median(quiet)).toBeLessThanOrEqual(1);
      expect(quiet.filter((a) => a <= 5).length / quiet.length).toBeGreaterThan(0.9);
      expect(median([...active])).toBeLessThanOrEqual(1);
    }
  });
});

describe('the legitimacy crisis: the same fall, 0.9 to 0.5, sudden or gradual', () => {
  const seeds = [1, 2, 3, 4, 5, 6];
  const peakOf = (scenario: string, seed: number) => model.run(parametersOf(model, scenario), seed).metrics.peak_active;

  it('sudden yields a mass outburst, gradual none: the sudden peak is more than ten times the gradual one', () => {
    const sudden = seeds.map((seed) => peakOf('legitimacy-sudden', seed));
    const gradual = seeds.map((seed) => peakOf('legitimacy-gradual', seed));
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    console.info(`epstein legitimacy 0.9 → 0.5: peak actives sudden ${sudden.join(', ')} (mean ${mean(sudden).toFixed(1)}); gradual ${gradual.join(', ')} (mean ${mean(gradual).toFixed(1)})`);
    // The paper: a small fall in one jump sets off a large outburst; a large fall in small steps, none.
    for (const peak of sudden) expect(peak).toBeGreaterThan(300); // over a quarter of the 1,120 citizens
    for (const peak of gradual) expect(peak).toBeLessThan(50); // never an outburst
    expect(mean(sudden)).toBeGreaterThan(10 * Math.max(1, mean(gradual)));
  });

  it('the baseline, legitimacy held at 0.9, stays quiet', () => {
    const run = model.run(parametersOf(model, 'legitimacy-high'), 1);
    expect(run.metrics.peak_active).toBe(0);
    expect(run.metrics.arrests).toBe(0);
  });

  it('the legitimacy schedule: at once, or in equal steps, and recorded', () => {
    const schedule = { initial: 0.9, change: -0.4, changeTick: 75, changeTicks: 120 };
    expect(legitimacyAt(schedule, 74)).toBe(0.9);
    expect(legitimacyAt(schedule, 75)).toBeCloseTo(0.9 - 0.4 / 120, 12);
    expect(legitimacyAt(schedule, 194)).toBeCloseTo(0.5, 12);
    expect(legitimacyAt(schedule, 500)).toBeCloseTo(0.5, 12);
    expect(legitimacyAt({ ...schedule, changeTicks: 0 }, 75)).toBe(0.5);
    const run = model.run(parametersOf(model, 'legitimacy-sudden'), 1);
    expect([column(run, 'legitimacy')[74], column(run, 'legitimacy')[75]]).toEqual([0.9, 0.5]);
  });
});

describe('the model machinery', () => {
  it('the incremental counts give exactly the run of a plain recount, for every neighbourhood and ratio rule', () => {
    const cases: Array<[string, Record<string, string | number | boolean>]> = [
      ['model-1', { 'world.width': 30, 'world.height': 30, 'legitimacy.initial': 0.7 }],
      ['model-1', { neighbourhood: 'von-neumann', 'citizens.arrestRatio': 'round' }],
      ['model-1', { neighbourhood: 'disc', 'citizens.vision': 5, 'cops.vision': 3 }],
      ['legitimacy-sudden', { 'world.width': 30, 'world.height': 30, 'legitimacy.changeTick': 20 }],
      ['legitimacy-sudden', { 'world.width': 30, 'legitimacy.changeTick': 20, 'citizens.arrestRatio': 'exact', 'jail.life': false, 'jail.maxTerm': 5 }],
    ];
    for (const [scenario, overrides] of cases) {
      const params = parametersOf(model, scenario, { 'time.ticks': 60, ...overrides });
      const out = model.run(params, 11);
      const reference = referenceRun(params as unknown as EpsteinParameters, 11);
      expect([...column(out, 'active')], `${scenario} ${JSON.stringify(overrides)}`).toEqual(reference.active);
      expect([...column(out, 'jailed')]).toEqual(reference.jailed);
      expect(Math.max(...reference.active), 'a case with something happening').toBeGreaterThan(20);
      expect(Math.max(...reference.jailed)).toBeGreaterThan(20);
    }
  });

  it('the neighbourhood is a parameter: each shape gives its own run, and vision sees the shape\'s cells', () => {
    const digests = ['moore', 'von-neumann', 'disc'].map((neighbourhood) => {
      const out = model.run(parametersOf(model, 'model-1', { neighbourhood, 'time.ticks': 60 }), 3);
      return [out.info?.visionCells, runDigest(out)];
    });
    expect(digests.map(([cells]) => cells)).toEqual([224, 112, 148]);
    expect(new Set(digests.map(([, d]) => d)).size).toBe(3);
  });

  it('a run is a pure function of (parameters, seed): same bytes twice, another seed differs', () => {
    const params = parametersOf(model, 'model-1', { 'time.ticks': 200 });
    const a = model.run(params, 42);
    checkRunShape(model, a, 200);
    expect(runDigest(model.run(params, 42))).toBe(runDigest(a));
    expect(runDigest(model.run(params, 43))).not.toBe(runDigest(a));
    const counts = a.info as { citizens: number; cops: number };
    expect([counts.citizens, counts.cops]).toEqual([1120, 64]);
    for (let t = 0; t < 200; t++) expect(column(a, 'active')[t] + column(a, 'jailed')[t] + column(a, 'quiescent')[t]).toBe(1120);
  });

  it('jail for life never releases; a finite jail does', () => {
    const life = model.run(parametersOf(model, 'legitimacy-sudden', { 'time.ticks': 200 }), 2);
    const jailed = column(life, 'jailed');
    for (let t = 1; t < 200; t++) expect(jailed[t]).toBeGreaterThanOrEqual(jailed[t - 1]);
    const finite = model.run(parametersOf(model, 'legitimacy-sudden', { 'time.ticks': 200, 'jail.life': false, 'jail.maxTerm': 10 }), 2);
    expect(column(finite, 'jailed')[199]).toBeLessThan(column(finite, 'jailed')[90]);
  });

  it('scenarios are valid and unique, the first is the defaults, every output has a unit', () => {
    expect(new Set(model.scenarios.map((s) => s.name)).size).toBe(model.scenarios.length);
    expect(model.scenarios[0].set).toEqual({});
    for (const s of model.scenarios) expect(() => parametersOf(model, s.name)).not.toThrow();
    expect(model.scenarios.some((s) => s.name === model.baselineScenario)).toBe(true);
    for (const output of [...model.series, ...model.metrics]) expect(output.unit.length).toBeGreaterThan(0);
  });

  it('checkParameters refuses densities over 1, a vision that wraps onto itself and a change after the horizon', () => {
    expect(() => parametersOf(model, 'model-1', { 'cops.density': 0.31 })).toThrow(/'cops\.density': 0\.31 \(allowed: a share with citizens\.density \+ cops\.density <= 1/);
    expect(() => parametersOf(model, 'model-1', { 'citizens.vision': 20 })).toThrow(/'citizens\.vision': 20 \(allowed: an integer in \[0, 19\]/);
    expect(() => parametersOf(model, 'model-1', { 'world.width': 10, 'cops.vision': 5 })).toThrow(/'citizens\.vision': 7/);
    expect(() => parametersOf(model, 'legitimacy-sudden', { 'legitimacy.changeTick': 300 })).toThrow(/'legitimacy\.changeTick': 300 \(allowed: a tick within the horizon/);
    expect(() => parametersOf(model, 'legitimacy-sudden', { 'legitimacy.change': -0.95 })).toThrow(/'legitimacy\.change': -0\.95 \(allowed: a change that keeps L in \[0, 1\]: from -0\.9 to 0\.1/);
    // Calibrating or sweeping L alone (no change) moves it throughout the run.
    const constant = model.run(parametersOf(model, 'model-1', { 'legitimacy.initial': 0.7, 'time.ticks': 5 }), 1);
    expect([...column(constant, 'legitimacy')]).toEqual([0.7, 0.7, 0.7, 0.7, 0.7]);
    expect(() => parametersOf(model, 'model-1', { neighbourhood: 'hexagon' })).toThrow(/neighbourhood/);
  });

  it('outbursts and waiting times on a hand-made series', () => {
    const series = [0, 60, 70, 10, 0, 0, 55, 0, 0, 0, 80, 90];
    expect(findOutbursts(series, 50)).toEqual({ starts: [1, 6, 10], durations: [2, 1, 2], peaks: [70, 55, 90], waits: [3, 3] });
    expect(findOutbursts([1, 2, 3], 50)).toEqual({ starts: [], durations: [], peaks: [], waits: [] });
  });
});
