/**
 * Required behaviour 8: the calibrated `myanmar-2021` scenario (the defaults) lands on the
 * observed record (data/myanmar-2021.json) and on MODEL.md's cumulative targets and shapes, on the
 * mean over several seeds — at full scale (one agent per person) and at the scale the main job
 * uses (experiments/policy-comparison.yaml), which model 1.1 makes exact.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibrationRecord } from '../agents/defection/calibration.js';
import { compareWithRecord } from '../runners/run/record.js';
import { DefectionModel } from '../agents/defection/model.js';
import { simulate, type RunResult } from '../runners/run/simulate.js';
import { meets } from '../runners/calibrate/distance.js';
import { measureValue } from '../runners/calibrate/measures.js';
import { readTargetsFile } from '../runners/calibrate/targets.js';
import { column, DEFECTION, mean, meanOver, meanSeries, params, quantile, unitShares } from './helpers.js';

const mainJob = parse(readFileSync(join(import.meta.dirname, '..', 'experiments', 'policy-comparison.yaml'), 'utf8')) as { set: Record<string, number> };
const MAIN_SCALE = mainJob.set['population.scale'];

for (const { scale, seeds } of [{ scale: 1, seeds: [1, 2, 3] }, { scale: MAIN_SCALE, seeds: [1, 2, 3, 4, 5, 6, 7, 8] }]) {
describe(`8. calibration of myanmar-2021 (population.scale ${scale}, mean of ${seeds.length} seeds)`, () => {
  let runs: RunResult[];
  let meanOf: (name: string) => number[];

  beforeAll(() => {
    const p = params({ 'population.scale': scale });
    runs = seeds.map((seed) => simulate(DEFECTION, p, seed));
    meanOf = (name) => meanSeries(runs.map((r) => column(r, name)));
  });

  it('every target of data/myanmar-2021.json is met by the mean run', () => {
    const record = calibrationRecord();
    const results = compareWithRecord(DEFECTION.record!, (name, tick) => meanOf(name)[tick]);
    expect(results.map((r) => r.id)).toEqual(record.targets.map((t) => t.id));
    const failed = results.filter((r) => !r.pass).map((r) => `${r.id}: model ${r.model} (allowed ${r.low ?? 0}..${r.high ?? r.max})`);
    expect(failed).toEqual([]);
    // Each run's own summary reports the same targets.
    for (const r of runs) {
      expect(r.summary.calibration!.map((c) => c.id)).toEqual(record.targets.map((t) => t.id));
      expect(r.summary.metrics.calibration_targets).toBe(record.targets.length);
    }
  });

  it("lands within ±35% of each of MODEL.md's cumulative targets", () => {
    const targets: Array<[string, number, number]> = [
      ['defected_army', 6, 1500],
      ['defected_army', 10, 2000],
      ['defected_army', 14, 3000],
      ['defected_army', 24, 3236],
      ['defected_police', 10, 6000],
      ['defected_police', 24, 9091],
      ['out_official', 6, 410000],
      ['out_official', 24, 410000],
      ['sanctioned', 24, 185],
    ];
    const off = targets
      .map(([name, tick, value]) => ({ name, tick, value, model: meanOf(name)[tick] }))
      .filter((t) => Math.abs(t.model / t.value - 1) > 0.35)
      .map((t) => `${t.name} at tick ${t.tick}: ${t.model} vs ${t.value}`);
    expect(off).toEqual([]);
    // Upper bounds: fewer than ~100 senior officials and at most 1% of tycoons by tick 24.
    expect(meanOf('defected_official_senior')[24]).toBeLessThan(100);
    expect(meanOf('defected_tycoon')[24]).toBeLessThanOrEqual(0.01 * 300);
  });

  it('army flow is flat then a cliff: ~150-250 a month over ticks 0-14, at most 40 over ticks 15-24', () => {
    const flow = meanOf('new_defections_army');
    expect(meanOver(flow, 0, 14)).toBeGreaterThanOrEqual(150);
    expect(meanOver(flow, 0, 14)).toBeLessThanOrEqual(250);
    expect(meanOver(flow, 15, 24)).toBeLessThanOrEqual(40);
    // Month by month the flat part never collapses early, and the tail never returns to the 2021 level.
    for (let t = 0; t <= 13; t++) expect(flow[t], `army flow at tick ${t}`).toBeGreaterThan(100);
    for (let t = 17; t <= 24; t++) expect(flow[t], `army flow at tick ${t}`).toBeLessThan(100);
  });

  it("police defect at several times the army's rate as a share of the force", () => {
    const police = meanOf('defected_police')[24] / 80000;
    const army = meanOf('defected_army')[24] / 150000;
    expect(police / army).toBeGreaterThanOrEqual(3);
  });

  it('the machine-readable checks of the shapes in data/myanmar-2021.json (what defsim calibrate fits) hold for the mean run', () => {
    const checks = readTargetsFile(join(import.meta.dirname, '..', 'data', 'myanmar-2021.json'), 25, DEFECTION).targets.filter((t) => t.kind === 'check');
    expect(checks.map((c) => c.id)).toEqual(['army_flow_early', 'army_flow_late', 'police_vs_army_share']);
    const failed = checks.map((c) => ({ c, value: measureValue(c.measure, meanOf, DEFECTION.record!.stockColumns) })).filter(({ c, value }) => !meets(c, value));
    expect(failed.map(({ c, value }) => `${c.id}: ${value} (allowed ${c.min ?? '-inf'}..${c.max ?? 'inf'})`)).toEqual([]);
  });

  it('the CDM plateaus: ~410,000 out on strike at tick 24, few joining after tick 6', () => {
    const out = meanOf('out_official');
    expect(Math.abs(out[24] / 410000 - 1)).toBeLessThanOrEqual(0.4);
    const joined = meanOf('defected_official');
    expect(joined[24] / joined[6] - 1).toBeLessThan(0.15);
    // More than 300,000 still out in 2023 (tick 24 = February 2023 to tick 34 = December 2023).
    for (let t = 24; t <= Math.min(34, out.length - 1); t++) expect(out[t], `out at tick ${t}`).toBeGreaterThan(300000);
  });

  it('the CDM share varies widely between ministry offices', () => {
    // One more full-scale run of the 2021 wave, to read the agents: the share of each office out
    // on strike at tick 6 (August 2021). The record: 2.7% (Ministry of Information) to 72% (Chin State).
    const model = new DefectionModel(params({ 'time.ticks': 7, 'population.scale': scale }), seeds[0]);
    model.run();
    expect(model.recorder.value('out_official', 6)).toBe(column(runs[0], 'out_official')[6]);
    const shares = unitShares(model, (g) => g.kind === 'official');
    expect(shares.length).toBeGreaterThan(scale === 1 ? 5000 : 250);
    const p5 = quantile(shares, 0.05), p95 = quantile(shares, 0.95);
    const context = `p1 ${quantile(shares, 0.01)}, p5 ${p5}, median ${quantile(shares, 0.5)}, p95 ${p95}, p99 ${quantile(shares, 0.99)}`;
    // The model gives about p5 0.16, p95 0.65 (p1 0.08, p99 0.70).
    expect(p5, context).toBeLessThan(0.2);
    expect(p95, context).toBeGreaterThan(0.6);
    expect(p95 / p5, context).toBeGreaterThan(3);
    expect(quantile(shares, 0.01), context).toBeLessThan(0.12);
    expect(mean(shares)).toBeGreaterThan(0.3);
  });
});
}

describe('the defaults against the shipped calibration (docs/results/calibrate-myanmar-2021/)', () => {
  const dir = join(import.meta.dirname, '..', 'docs', 'results', 'calibrate-myanmar-2021');
  const lines = readFileSync(join(dir, 'identifiability.csv'), 'utf8').trimEnd().split('\n');
  const header = lines[0].split(',');
  // The prior column holds quoted text with commas; every other cell is plain.
  const rows = lines.slice(1).map((line) => {
    const cells = line.replace(/"[^"]*"/g, 'prior').split(',');
    return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  });
  const calibrationFile = parse(readFileSync(join(import.meta.dirname, '..', 'experiments', 'calibrate-myanmar-2021.yaml'), 'utf8')) as { parameters: Record<string, unknown> };

  it('covers every parameter the shipped calibration fits', () => {
    expect(rows.map((r) => r.parameter).sort()).toEqual(Object.keys(calibrationFile.parameters).sort());
  });
  it('every default lies inside its 90% posterior interval, and is the value the calibration started from', () => {
    const defaults = params();
    const off = rows.flatMap((r) => {
      const value = r.parameter.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], defaults) as number;
      const problems: string[] = [];
      if (value !== Number(r.scenario_value)) problems.push(`${r.parameter}: default ${value}, but the calibration ran from ${r.scenario_value} (run it again)`);
      if (value < Number(r.q05) || value > Number(r.q95)) problems.push(`${r.parameter}: default ${value} outside the 90% posterior interval [${r.q05}, ${r.q95}]`);
      return problems;
    });
    expect(off).toEqual([]);
  });
  it('ships the posterior: posterior.csv holds the posterior generation\'s particles with weights that sum to 1, and their weighted quantiles are identifiability.csv\'s', () => {
    const text = readFileSync(join(dir, 'posterior.csv'), 'utf8').trimEnd().split('\n');
    const head = text[0].split(',');
    const particles = text.slice(1).map((line) => Object.fromEntries(line.split(',').map((cell, i) => [head[i], Number(cell)])));
    expect(particles.length).toBe(500);
    for (const name of Object.keys(calibrationFile.parameters)) expect(head).toContain(name);
    const generations = new Set(particles.map((p) => p.generation));
    expect(generations.size).toBe(1);
    const total = particles.reduce((s, p) => s + p.weight, 0);
    expect(Math.abs(total - 1)).toBeLessThan(1e-9);
    for (const p of particles) {
      expect(p.weight).toBeGreaterThan(0);
      expect(Number.isFinite(p.distance)).toBe(true);
    }
    // The weighted median of each parameter, recomputed from the particles, is the one identifiability.csv reports.
    for (const r of rows) {
      const sorted = particles.map((p) => [p[r.parameter], p.weight] as const).sort((a, b) => a[0] - b[0]);
      let cumulative = 0;
      const median = sorted.find(([, w]) => (cumulative += w) >= 0.5 - 1e-12)![0];
      const [lo, hi] = [Number(r.q25), Number(r.q75)];
      expect(median, r.parameter).toBeGreaterThanOrEqual(lo);
      expect(median, r.parameter).toBeLessThanOrEqual(hi);
      expect(Math.abs(median - Number(r.median)), r.parameter).toBeLessThanOrEqual(0.05 * (hi - lo) + 1e-12);
    }
  });
});
