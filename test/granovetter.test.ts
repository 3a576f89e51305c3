/**
 * Granovetter (1978): the riot examples of the paper. Thresholds 0…99 — all 100 riot; the person
 * with threshold 1 changed to 2 — one riots. Thresholds normal with mean 25: the equilibrium jumps
 * from a handful to nearly everyone as the sd crosses the paper's critical value (12.2 in a crowd
 * of 100), located here on the simulated curve. Plus the interface: pure runs, checks.
 */
import { describe, expect, it } from 'vitest';
import { model } from '../agents/granovetter/index.js';
import { effectiveThreshold } from '../agents/granovetter/model.js';
import { checkRunShape, column, parametersOf, runDigest } from './reference-model-helpers.js';

/** Mean equilibrium size (share of the crowd) over replicates at each sd, thresholds normal with mean 0.25. */
function curve(people: number, sds: readonly number[], replicates: number): number[] {
  return sds.map((sd, point) => {
    let sum = 0;
    for (let r = 0; r < replicates; r++) {
      const params = parametersOf(model, 'normal-25-sd-10', { 'population.people': people, 'thresholds.normal.sdShare': sd, 'time.ticks': people });
      const out = model.run(params, 1000 * point + r);
      expect(out.metrics.reached_equilibrium).toBe(1);
      sum += out.metrics.equilibrium_share;
    }
    return sum / replicates;
  });
}

/** The sd at which the curve first crosses half the crowd (linear interpolation between grid points). */
function crossing(sds: readonly number[], means: readonly number[]): number {
  const k = means.findIndex((m) => m >= 0.5);
  if (k <= 0) return Number.NaN;
  return sds[k - 1] + ((0.5 - means[k - 1]) / (means[k] - means[k - 1])) * (sds[k] - sds[k - 1]);
}

const grid = (from: number, to: number, step: number) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Number((from + i * step).toFixed(6)));

describe('the uniform ladder (the paper\'s first example)', () => {
  it('thresholds 0, 1, …, 99: each rioter brings in the next, and all 100 riot by tick 99', () => {
    const out = model.run(parametersOf(model, 'ladder'), 1);
    checkRunShape(model, out, 100);
    expect([...column(out, 'rioters')]).toEqual(Array.from({ length: 100 }, (_, t) => t + 1));
    expect(out.metrics).toMatchObject({ equilibrium_rioters: 100, equilibrium_share: 1, ticks_to_equilibrium: 99, reached_equilibrium: 1, final_rioters: 100 });
  });

  it('the person with threshold 1 changed to 2: exactly one riots (the instigator), from tick 0 on', () => {
    const out = model.run(parametersOf(model, 'ladder-broken'), 1);
    expect(out.metrics).toMatchObject({ equilibrium_rioters: 1, ticks_to_equilibrium: 0, final_rioters: 1 });
    expect(column(out, 'rioters').every((v) => v === 1)).toBe(true);
    expect([...column(out, 'new_rioters')].slice(0, 3)).toEqual([1, 0, 0]);
  });

  it('a horizon too short for the cascade leaves the equilibrium undefined, not wrong', () => {
    const out = model.run(parametersOf(model, 'ladder', { 'time.ticks': 50 }), 1);
    expect(out.metrics.reached_equilibrium).toBe(0);
    expect(out.metrics.equilibrium_rioters).toBeNaN();
    expect(out.metrics.final_rioters).toBe(50);
  });
});

describe('normal thresholds with mean 25 (the paper\'s figure: equilibrium against the sd)', () => {
  it('in the crowd of 100: from a handful (sd 0.10) to nearly everyone (sd 0.18)', () => {
    const sds = grid(0.06, 0.2, 0.01);
    const means = curve(100, sds, 200);
    console.info(`granovetter, crowd of 100, mean equilibrium share by sd: ${sds.map((sd, i) => `${sd}: ${means[i].toFixed(3)}`).join(', ')}; half the crowd at sd ${crossing(sds, means).toFixed(4)}`);
    expect(means[sds.indexOf(0.1)]).toBeLessThan(0.05);
    expect(means[sds.indexOf(0.18)]).toBeGreaterThan(0.95);
    means.forEach((m, i) => i > 0 && expect(m).toBeGreaterThan(means[i - 1] - 0.03));
    // 100 random draws smear the jump: half the crowd riots at a slightly larger sd than the paper's 0.122.
    expect(crossing(sds, means)).toBeGreaterThan(0.122);
    expect(crossing(sds, means)).toBeLessThan(0.142);
  });

  it('the critical sd located on the simulated curve of a large crowd is the paper\'s 12.2 (of 100) within 0.3', () => {
    // The paper computes the equilibrium from the normal distribution itself (r ← N·F(r)): the
    // limit of a large crowd, where the jump is sharp. 10^5 people, 8 replicates per sd.
    const sds = grid(0.115, 0.13, 0.001);
    const means = curve(100_000, sds, 8);
    const critical = crossing(sds, means);
    console.info(`granovetter, crowd of 10^5: critical sd ${critical.toFixed(4)} of the crowd (paper: 0.122); mean share ${means[0].toFixed(3)} at sd ${sds[0]}, ${means[means.length - 1].toFixed(3)} at sd ${sds[sds.length - 1]}`);
    expect(Math.abs(critical - 0.122)).toBeLessThan(0.003);
    expect(means[0]).toBeLessThan(0.05); // a handful below it …
    expect(means[means.length - 1]).toBeGreaterThan(0.99); // … nearly everyone above
  });

  it('thresholds act as whole numbers of people: 12.3 needs 13; negatives are instigators', () => {
    expect([effectiveThreshold(12.3), effectiveThreshold(13), effectiveThreshold(0.07 * 100), effectiveThreshold(-4), effectiveThreshold(0)]).toEqual([13, 13, 7, 0, 0]);
  });
});

describe('the model interface', () => {
  it('a run is a pure function of (parameters, seed): same bytes twice, another seed differs', () => {
    const params = parametersOf(model, 'normal-25-sd-15');
    const a = model.run(params, 42);
    checkRunShape(model, a, 100);
    expect(runDigest(model.run(params, 42))).toBe(runDigest(a));
    expect(runDigest(model.run(params, 43))).not.toBe(runDigest(a));
  });

  it('scenarios are valid and unique, the first is the defaults, every output has a unit', () => {
    expect(new Set(model.scenarios.map((s) => s.name)).size).toBe(model.scenarios.length);
    expect(model.scenarios[0].set).toEqual({});
    for (const s of model.scenarios) expect(() => parametersOf(model, s.name)).not.toThrow();
    for (const output of [...model.series, ...model.metrics]) expect(output.unit.length).toBeGreaterThan(0);
    expect(model.name).toMatch(/^[a-z0-9-]+$/);
  });

  it('checkParameters refuses a ladder change no one can make, naming the key and what is allowed', () => {
    expect(() => parametersOf(model, 'ladder', { 'thresholds.ladder.changedThreshold': 100 })).toThrow(/'thresholds\.ladder\.changedThreshold': 100 \(allowed: .*\[0, 99\]/);
    expect(() => parametersOf(model, 'ladder', { 'thresholds.ladder.newThreshold': 101 })).toThrow(/newThreshold/);
    expect(() => parametersOf(model, 'ladder', { 'population.people': 0 })).toThrow(/population\.people/);
  });
});
