/**
 * Design expansion: every design type gives the right points in a fixed order, and every run's
 * id and seed follow the documented rule.
 */
import { describe, expect, it } from 'vitest';
import { hashInts } from '../engine/rng.js';
import { loadExperiment, rangePoints, type ExperimentObject } from '../runners/sweep/experiment.js';
import { latinHypercubeColumns, planSweep, randomColumns, runIdentity, seedRule } from '../runners/sweep/design.js';

function plan(experiment: ExperimentObject) {
  return planSweep(loadExperiment({ name: 'design', set: { 'population.scale': 1000 }, ticks: 6, ...experiment }));
}

describe('grid designs', () => {
  it('are the full factorial, the first parameter varying slowest', () => {
    const p = plan({ design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true], scenario: ['off-ramp', 'sanctions-only', 'myanmar-2021'] } } });
    expect(p.varied).toEqual(['sanctions.offRamp', 'scenario']);
    expect(p.points.map((pt) => [pt.id, pt.values['sanctions.offRamp'], pt.values.scenario])).toEqual([
      [0, false, 'off-ramp'], [1, false, 'sanctions-only'], [2, false, 'myanmar-2021'],
      [3, true, 'off-ramp'], [4, true, 'sanctions-only'], [5, true, 'myanmar-2021'],
    ]);
  });

  it('expand {from, to, step} and {from, to, count, log} ranges to exact values', () => {
    expect(rangePoints({ from: 0, to: 10000 }, 5).length).toBe(5);
    const p = plan({
      design: {
        type: 'grid',
        parameters: {
          'sponsors.payout.soldierUsd': { from: 0, to: 10000, count: 5 },
          'sanctions.offRampCredibility': { from: 0, to: 1, step: 0.1 },
          'sponsors.budgetUsd': { from: 1e5, to: 1e8, count: 4, log: true },
          'sponsors.visasPerMonth': { from: 0, to: 1000, step: 250 },
        },
      },
    });
    const d = p.experiment.design as { parameters: Record<string, unknown[]> };
    expect(d.parameters['sponsors.payout.soldierUsd']).toEqual([0, 2500, 5000, 7500, 10000]);
    expect(d.parameters['sanctions.offRampCredibility']).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(d.parameters['sponsors.budgetUsd']).toEqual([1e5, 1e6, 1e7, 1e8]);
    expect(d.parameters['sponsors.visasPerMonth']).toEqual([0, 250, 500, 750, 1000]);
    expect(p.points.length).toBe(5 * 11 * 4 * 5);
    expect(p.runs).toBe(5 * 11 * 4 * 5);
  });
});

describe('list designs', () => {
  it('keep the points in order; a point that leaves a varied parameter out shows the value its run uses', () => {
    const p = plan({
      scenario: 'myanmar-2021',
      design: { type: 'list', points: [{ scenario: 'off-ramp' }, { sponsors: { visasPerMonth: 50 } }, { scenario: 'sanctions-only', 'sponsors.visasPerMonth': 7 }] },
    });
    expect(p.varied).toEqual(['scenario', 'sponsors.visasPerMonth']);
    expect(p.points.map((pt) => pt.values)).toEqual([
      { scenario: 'off-ramp', 'sponsors.visasPerMonth': 200 }, // the off-ramp scenario's visas
      { scenario: 'myanmar-2021', 'sponsors.visasPerMonth': 50 },
      { scenario: 'sanctions-only', 'sponsors.visasPerMonth': 7 },
    ]);
  });
});

describe('random designs', () => {
  const experiment: ExperimentObject = {
    seed: 5,
    design: {
      type: 'random', samples: 200,
      parameters: {
        'sanctions.offRampCredibility': { from: 0.2, to: 0.4 },
        'sponsors.visasPerMonth': { from: 10, to: 13 },
        'sponsors.budgetUsd': { from: 1e4, to: 1e8, log: true },
        scenario: ['off-ramp', 'sanctions-only'],
      },
    },
  };

  it('draw within the ranges, integers for integer parameters, from the lists', () => {
    const p = plan(experiment);
    expect(p.points.length).toBe(200);
    const col = (k: string) => p.points.map((pt) => pt.values[k] as number);
    expect(Math.min(...col('sanctions.offRampCredibility'))).toBeGreaterThanOrEqual(0.2);
    expect(Math.max(...col('sanctions.offRampCredibility'))).toBeLessThanOrEqual(0.4);
    expect(new Set(col('sponsors.visasPerMonth'))).toEqual(new Set([10, 11, 12, 13]));
    const decades = new Set(col('sponsors.budgetUsd').map((x) => Math.floor(Math.log10(x))));
    expect(decades).toEqual(new Set([4, 5, 6, 7])); // log-uniform: every decade is drawn
    expect(new Set(p.points.map((pt) => pt.values.scenario))).toEqual(new Set(['off-ramp', 'sanctions-only']));
  });

  it('are the same for the same seed and differ for another', () => {
    expect(plan(experiment).points).toEqual(plan(experiment).points);
    expect(plan({ ...experiment, seed: 6 }).points).not.toEqual(plan(experiment).points);
    expect(Array.from(randomColumns(3, 4, 2)[1])).toEqual(Array.from(randomColumns(3, 4, 2)[1]));
  });
});

describe('Latin hypercube designs', () => {
  it('put exactly one sample in each stratum of each dimension', () => {
    for (const [samples, dims] of [[10, 3], [37, 5], [1, 2]] as const) {
      const columns = latinHypercubeColumns(42, samples, dims);
      for (const column of columns) {
        const strata = Array.from(column, (u) => Math.floor(u * samples)).sort((a, b) => a - b);
        expect(strata).toEqual(Array.from({ length: samples }, (_, k) => k));
      }
    }
  });

  it('keep one sample per stratum after mapping to the parameter ranges', () => {
    const n = 25;
    const p = plan({
      seed: 3,
      design: { type: 'lhs', samples: n, parameters: { 'sanctions.offRampCredibility': { from: 0.1, to: 0.6 }, 'sponsors.budgetUsd': { from: 0, to: 5e6 }, 'sponsors.visasPerMonth': { from: 0, to: 24 } } },
    });
    const strata = (key: string, from: number, to: number) =>
      p.points.map((pt) => Math.floor((((pt.values[key] as number) - from) / (to - from)) * n)).sort((a, b) => a - b);
    const all = Array.from({ length: n }, (_, k) => k);
    expect(strata('sanctions.offRampCredibility', 0.1, 0.6)).toEqual(all);
    expect(strata('sponsors.budgetUsd', 0, 5e6)).toEqual(all);
    // An integer parameter over 0..24 has exactly 25 values: each drawn once.
    expect(p.points.map((pt) => pt.values['sponsors.visasPerMonth']).sort((a, b) => (a as number) - (b as number))).toEqual(all);
  });
});

describe('runs', () => {
  it('are numbered run_id = point_id × replicates + replicate, seeded by hashInts(seed, point_id, replicate)', () => {
    const p = plan({ seed: 77, replicates: 3, design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true] } } });
    expect(p.runs).toBe(6);
    expect(runIdentity(p, 4)).toEqual({ pointId: 1, replicate: 1, seed: hashInts(77, 1, 1) });
    const seeds = new Set(Array.from({ length: p.runs }, (_, id) => runIdentity(p, id).seed));
    expect(seeds.size).toBe(6);
  });

  it('with seeds: common, replicate r has the same seed at every point (common random numbers)', () => {
    const p = plan({ seed: 77, replicates: 3, seeds: 'common', design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true] } } });
    for (let id = 0; id < p.runs; id++) expect(runIdentity(p, id).seed).toBe(hashInts(77, 0, id % 3));
    expect(new Set(Array.from({ length: p.runs }, (_, id) => runIdentity(p, id).seed)).size).toBe(3);
    expect(() => plan({ seeds: 'shared', design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true] } } } as never)).toThrow(/'seeds'.*per-run, common/);
  });

  it('with seeds: { commonWithin: n }, replicate r has the same seed within each block of n points, other seeds in other blocks', () => {
    const p = plan({ seed: 77, replicates: 2, seeds: { commonWithin: 2 }, design: { type: 'grid', parameters: { 'decision.peerWeight': [2, 3, 4], 'sanctions.offRamp': [false, true] } } });
    for (let id = 0; id < p.runs; id++) expect(runIdentity(p, id).seed).toBe(hashInts(77, Math.floor(Math.floor(id / 2) / 2), id % 2));
    expect(new Set(Array.from({ length: p.runs }, (_, id) => runIdentity(p, id).seed)).size).toBe(6);
    expect(seedRule(p.experiment)).toMatch(/floor\(point_id \/ 2\)/);
    expect(() => plan({ seeds: { commonWithin: 0 }, design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true] } } } as never)).toThrow(/'seeds.commonWithin': 0/);
    expect(() => plan({ seeds: { common: 2 }, design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true] } } } as never)).toThrow(/unknown key 'seeds.common'/);
  });
});
