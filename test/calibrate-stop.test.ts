/**
 * Calibration's stop rules (pyABC's): a minimum tolerance, a simulation budget and a wall-clock
 * limit, beside the acceptance rate and the generation count. Each is checked between
 * generations, so a calibration stopped by any of them is exactly the calibration with that many
 * generations; the manifest says which rule stopped it, and `defsim reproduce` re-runs a
 * calibration the wall clock stopped to the same bytes. Bad values exit 2 naming the key.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../engine/errors.js';
import { abcSmc, type AbcResult, type AbcSettings, type Evaluate } from '../runners/calibrate/abc-smc.js';
import { loadCalibration } from '../runners/calibrate/calibration-file.js';
import type { Prior } from '../runners/calibrate/priors.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-stop-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const priors: Prior[] = [{ name: 'theta', spec: { kind: 'uniform', from: 0, to: 5 } }];
const base: AbcSettings = { particles: 100, generations: 12, minAcceptanceRate: 0.001, quantile: 0.5, kernelScale: 2, seed: 9 };
const evaluate: Evaluate = async (batch) => batch.map((c) => Math.abs(c.values[0] - 2));

async function run(settings: AbcSettings): Promise<AbcResult> {
  const generator = abcSmc(priors, settings, evaluate);
  for (;;) {
    const next = await generator.next();
    if (next.done) return next.value;
  }
}

describe('the stop rules of the estimator', () => {
  it('minimum tolerance: stops after the first generation whose tolerance is at or below it', async () => {
    const result = await run({ ...base, minTolerance: 0.02 });
    expect(result.stopReason).toBe('min-tolerance');
    const tolerances = result.generations.map((g) => g.tolerance);
    expect(tolerances.at(-1)).toBeLessThanOrEqual(0.02);
    expect(tolerances.slice(0, -1).every((t) => t > 0.02)).toBe(true);
    // The same calibration with that many generations: the same posterior, bit for bit.
    const same = await run({ ...base, generations: result.generations.length });
    expect(same.stopReason).toBe('generations');
    expect(same.posterior.values).toEqual(result.posterior.values);
  });

  it('simulation budget: stops after the generation that brings the simulations to it, never cutting one short', async () => {
    const result = await run({ ...base, maxSimulations: 450 });
    expect(result.stopReason).toBe('simulations');
    const totals = result.generations.map((_, g) => result.generations.slice(0, g + 1).reduce((n, s) => n + s.simulations, 0));
    expect(totals.at(-1)).toBeGreaterThanOrEqual(450);
    expect(totals.at(-2)).toBeLessThan(450);
    expect(result.generations.every((g) => g.complete)).toBe(true);
  });

  it('wall clock: asked only between generations and only while more remain; the result is that of as many generations', async () => {
    let asked = 0;
    const result = await run({ ...base, stopNow: () => ++asked === 3 });
    expect(result.stopReason).toBe('wall-clock');
    expect(result.generations).toHaveLength(3);
    expect((await run({ ...base, generations: 3 })).posterior.values).toEqual(result.posterior.values);
    let askedAfterLast = 0;
    expect((await run({ ...base, generations: 1, stopNow: () => (askedAfterLast++, true) })).stopReason).toBe('generations');
    expect(askedAfterLast).toBe(0);
  });

  it('refuses a minTolerance below 0 and a budget that is not a positive integer', async () => {
    await expect(abcSmc(priors, { ...base, minTolerance: -1 }, evaluate).next()).rejects.toThrow(/minTolerance must be >= 0/);
    await expect(abcSmc(priors, { ...base, maxSimulations: 0.5 }, evaluate).next()).rejects.toThrow(/maxSimulations must be an integer >= 1/);
  });
});

describe('the stop rules in calibration files', () => {
  const calibration = (until: Record<string, unknown>) => ({
    scenario: 'myanmar-2021', targets: 'data/myanmar-2021.json', set: { 'population.scale': 100 }, ticks: 25,
    parameters: { 'decision.stay.armyEnlisted': { from: -2, to: 2 } },
    method: { type: 'abc-smc', particles: 10, until: { generations: 3, ...until } },
  });

  it('are validated: each bad value names its key and what is allowed', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ minTolerance: -0.1 }, /invalid value for 'method\.until\.minTolerance': -0\.1 \(allowed: a finite number >= 0\)/],
      [{ simulations: 0 }, /invalid value for 'method\.until\.simulations': 0 \(allowed: an integer in \[1, /],
      [{ simulations: 2.5 }, /invalid value for 'method\.until\.simulations': 2\.5/],
      [{ wallClockSeconds: 0 }, /invalid value for 'method\.until\.wallClockSeconds': 0/],
      [{ wallClockSeconds: '10' }, /invalid value for 'method\.until\.wallClockSeconds': "10"/],
      [{ seconds: 10 }, /unknown key 'method\.until\.seconds' .*allowed here: acceptanceRate, generations, minTolerance, simulations, wallClockSeconds/],
    ];
    for (const [until, message] of cases) {
      let error: unknown;
      try {
        loadCalibration(calibration(until));
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(until)).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('are part of the resolved calibration only when given (shipped calibrations keep their hash)', () => {
    const plain = loadCalibration(calibration({}));
    expect(Object.keys(plain.calibration.method.until)).toEqual(['acceptanceRate', 'generations']);
    const ruled = loadCalibration(calibration({ minTolerance: 0.5, simulations: 100, wallClockSeconds: 60 }));
    expect(ruled.calibration.method.until).toMatchObject({ minTolerance: 0.5, simulations: 100, wallClockSeconds: 60 });
    expect(ruled.settings).toMatchObject({ minTolerance: 0.5, maxSimulations: 100 });
    expect(ruled.hash).not.toBe(plain.hash);
  });

  it('a calibration the wall clock stopped says so in its manifest, and reproduce re-runs it to the same bytes', () => {
    const file = join(tmp, 'clock.yaml');
    writeFileSync(file, readFileSync(join(root, 'docs', 'tutorial', 'cascade-calibration.yaml'), 'utf8')
      .replace('until: { acceptanceRate: 0.05, generations: 4, simulations: 600 }', 'until: { acceptanceRate: 0.01, generations: 4, wallClockSeconds: 1e-9 }'));
    const out = join(tmp, 'clock');
    const made = spawnSync(process.execPath, [CLI, 'calibrate', file, '--out', out, '--quiet', '--workers', '2'], { cwd: root, encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.stopRule).toBe('wall-clock');
    expect(manifest.generations).toBe(1);
    expect(manifest.stopReason).toMatch(/^wall-clock limit: until\.wallClockSeconds \(1e-9\) passed during generation 0; .* the calibration with until\.generations = 1/);
    const again = spawnSync(process.execPath, [CLI, 'reproduce', out, '--quiet', '--workers', '1'], { cwd: root, encoding: 'utf8' });
    expect(again.status, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/(\d+) of \1 files identical/);
  });

  it('the simulation budget in a calibration file stops it and is named in the manifest', () => {
    const file = join(tmp, 'budget.yaml');
    writeFileSync(file, readFileSync(join(root, 'docs', 'tutorial', 'cascade-calibration.yaml'), 'utf8')
      .replace('until: { acceptanceRate: 0.05, generations: 4, simulations: 600 }', 'until: { acceptanceRate: 0.01, generations: 6, simulations: 40 }'));
    const out = join(tmp, 'budget');
    const made = spawnSync(process.execPath, [CLI, 'calibrate', file, '--out', out, '--quiet', '--workers', '2'], { cwd: root, encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.stopRule).toBe('simulations');
    expect(manifest.stopReason).toBe('candidates simulated reached until.simulations (40)');
    expect(manifest.generations).toBeLessThan(6);
  });
});
