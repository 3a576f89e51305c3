/**
 * The shipped plausible worlds (docs/results/worlds-myanmar-2021/): each world re-run once at the
 * worlds' own scale and horizon (population.scale 20, 25 ticks) with a fixed seed, and the share
 * of the fitted targets its run meets, weighted by the worlds' importance weights, against the
 * rate the README states (the posterior-predictive check of the run that made them). The
 * tolerance is four standard errors: that of the weighted share over these worlds and that of
 * the stated rate over its own draws. Also the files' shape and their sha256 as the README lists.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashInts } from '../engine/rng.js';
import { meets } from '../runners/calibrate/distance.js';
import { measureValues } from '../runners/calibrate/measures.js';
import { loadCalibration, baseOverrides, type CalibrationPlan } from '../runners/calibrate/calibration-file.js';
import { sha256 } from '../runners/io/outputs.js';
import { resolveParameters } from '../runners/model/parameters.js';
import { simulate } from '../runners/run/simulate.js';

const root = join(import.meta.dirname, '..');
const RESULTS = join(root, 'docs', 'results', 'worlds-myanmar-2021');
const readme = readFileSync(join(RESULTS, 'README.md'), 'utf8');

function csv(file: string): { header: string[]; rows: string[][] } {
  const [head, ...lines] = readFileSync(join(RESULTS, file), 'utf8').trimEnd().split('\n');
  return { header: head.split(','), rows: lines.map((line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"')).slice(0, head.split(',').length)) };
}

/** A number the README states as `name = value`. */
function stated(name: string): number {
  const match = new RegExp(`${name} = ([0-9.]+)`).exec(readme);
  if (!match) throw new Error(`docs/results/worlds-myanmar-2021/README.md states no ${name}`);
  return Number(match[1]);
}

describe('the shipped plausible worlds (docs/results/worlds-myanmar-2021/)', () => {
  const worlds = csv('worlds.csv');
  let plan: CalibrationPlan;
  beforeAll(() => {
    // The worlds file has no role: keys, so it reads as the calibration it runs.
    plan = loadCalibration(join(root, 'experiments', 'worlds-myanmar-2021.yaml'));
  });

  it('every file the README lists has the sha256 it states', () => {
    const listed = [...readme.matchAll(/\| `([^`]+)` \| ([0-9a-f]{64}) \|/g)];
    expect(listed.map((m) => m[1]).sort()).toEqual(['assumptions.csv', 'generations.csv', 'identifiability.csv', 'predictive.csv', 'worlds.csv']);
    for (const [, file, hash] of listed) expect(sha256(readFileSync(join(RESULTS, file))), file).toBe(hash);
  });

  it('worlds.csv: one row per world, weights summing to 1, a column per parameter of the worlds file, every value inside its prior', () => {
    expect(worlds.header).toEqual(['world', 'weight', ...plan.priors.map((p) => p.name)]);
    expect(worlds.rows).toHaveLength(plan.calibration.method.particles);
    expect(Math.abs(worlds.rows.reduce((s, r) => s + Number(r[1]), 0) - 1)).toBeLessThan(1e-9);
    plan.priors.forEach((p, k) => {
      for (const row of worlds.rows) {
        const x = Number(row[2 + k]);
        expect(x >= p.spec.from && x <= p.spec.to, `${p.name} = ${x}`).toBe(true);
      }
    });
  });

  it('re-run once each, the worlds meet the fitted targets at the rate the README states (within 4 standard errors)', () => {
    const model = plan.model.definition;
    const base = baseOverrides(model, plan.calibration);
    const measures = plan.fitted.map((t) => t.measure);
    const weights = worlds.rows.map((r) => Number(r[1]));
    const shares = worlds.rows.map((row, world) => {
      const overrides = new Map<string, unknown>([...base, ...plan.priors.map((p, k) => [p.name, Number(row[2 + k])] as const)]);
      const params = resolveParameters(model, plan.calibration.scenario, overrides);
      const run = simulate(model, params, hashInts(20210, world));
      const values = measureValues(measures, run.columns, run.data, model.record?.stockColumns);
      return plan.fitted.filter((t, k) => meets(t, values[k])).length / plan.fitted.length;
    });
    const rate = shares.reduce((s, x, k) => s + weights[k] * x, 0);
    const seWorlds = Math.sqrt(shares.reduce((s, x, k) => s + weights[k] ** 2 * (x - rate) ** 2, 0));
    const spread = Math.sqrt(shares.reduce((s, x, k) => s + weights[k] * (x - rate) ** 2, 0));
    const seStated = spread / Math.sqrt(stated('predictive draws'));
    const expected = stated('meanMetShare');
    expect(Math.abs(rate - expected), `re-run rate ${rate}, stated ${expected}, se ${seWorlds} and ${seStated}`).toBeLessThan(4 * Math.hypot(seWorlds, seStated));
  });
});
