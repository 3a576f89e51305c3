/**
 * The library: everything a user drives from their own code is exported from the package entry
 * (`import … from 'defsim'`, resolved through package.json's exports by Node itself): the model
 * interface's registry and loader, one run, sweeps, calibration, and every estimator — effects,
 * Sobol, Morris, ABC-SMC — usable on a simulator of the user's own.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

const EXPORTS = [
  // models
  'MODELS', 'MODEL_NAMES', 'DEFAULT_MODEL', 'builtInModel', 'loadModel', 'defaultModel', 'modelProblems', 'checkRunOutput',
  'num', 'int', 'share', 'bool', 'choice', 'InputError',
  // runs and sweeps
  'simulate', 'seriesCsv', 'resolveParameters', 'readRunConfig', 'parseSetArguments', 'runToDirectory',
  'sweep', 'runSweep', 'loadExperiment', 'openExperiment', 'reproduce',
  // estimators
  'effects', 'jointEffects', 'effectInterval', 'effectRatio', 'inverseEffectRatio', 'fiellerRatio', 'effectRows', 'loadTQuantile975',
  'sampleSobol', 'analyzeSobol', 'sampleMorris', 'analyzeMorris', 'parseSalibProblem', 'toSalibProblem',
  'abcSmc', 'generationBudget', 'distanceOf', 'calibrate', 'loadCalibration', 'openCalibration',
  'movedParameters', 'truncatedMixture', 'worlds', 'openWorlds', 'parameterVerdict',
  // the defection model's own, as before
  'PARAMETER_SCHEMA', 'defaultParameters', 'SCENARIOS',
];

/** Run an ES module snippet with Node in the repository (so `defsim` resolves to this package) and parse its JSON output. */
function node(code: string): unknown {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe("import … from 'defsim'", () => {
  it('exports the model interface, the registry, loadModel and every estimator', () => {
    const kinds = node(`import * as defsim from 'defsim'; console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(EXPORTS)}.map((k) => [k, typeof defsim[k]]))));`) as Record<string, string>;
    expect(Object.entries(kinds).filter(([, kind]) => kind === 'undefined').map(([name]) => name)).toEqual([]);
    expect(kinds.abcSmc).toBe('function');
  });

  it("drives ABC-SMC, Sobol and the effect estimators on the user's own simulator, and a model by name", () => {
    const out = node(`
      import { abcSmc, sampleSobol, analyzeSobol, parseSalibProblem, jointEffects, effectInterval, loadTQuantile975, loadModel, simulate, resolveParameters } from 'defsim';
      // ABC-SMC on y = theta + noise-free: the distance is |theta - 2|; stop once the tolerance is below 0.05.
      const priors = [{ name: 'theta', spec: { kind: 'uniform', from: 0, to: 5 } }];
      const settings = { particles: 200, generations: 20, minAcceptanceRate: 0.01, quantile: 0.5, kernelScale: 2, seed: 3, minTolerance: 0.05 };
      const run = abcSmc(priors, settings, async (batch) => batch.map((c) => Math.abs(c.values[0] - 2)));
      let next; while (!(next = await run.next()).done);
      const abc = next.value;
      const mean = abc.posterior.values.reduce((s, v, k) => s + v[0] * abc.posterior.weights[k], 0);
      // Sobol on y = 4a + b: a has most of the variance.
      const problem = parseSalibProblem({ num_vars: 2, names: ['a', 'b'], bounds: [[0, 1], [0, 1]] });
      const design = sampleSobol(problem, 256, { seed: 1 });
      const y = new Float64Array(design.rows);
      for (let i = 0; i < design.rows; i++) y[i] = 4 * design.values[i * 2] + design.values[i * 2 + 1];
      const sobol = analyzeSobol(problem, y, { seed: 1 });
      // A paired effect of +1 on every replicate.
      const joint = jointEffects([2, 3, 4], [0, 0, 0], [1, 2, 3], [0, 0, 0], 'paired');
      const effect = effectInterval(joint.y, await loadTQuantile975());
      const model = await loadModel('defection');
      const result = simulate(model.definition, resolveParameters(model.definition, 'no-policy', new Map([['population.scale', 100], ['time.ticks', 3]])), 1);
      console.log(JSON.stringify({ stop: abc.stopReason, tolerance: abc.posterior.tolerance, mean, s1: sobol.S1, effect: effect.value, width: effect.ci95High - effect.ci95Low, ticks: result.ticks, model: result.model }));
    `) as { stop: string; tolerance: number; mean: number; s1: number[]; effect: number; width: number; ticks: number; model: string };
    expect(out.stop).toBe('min-tolerance');
    expect(out.tolerance).toBeLessThanOrEqual(0.05);
    expect(Math.abs(out.mean - 2)).toBeLessThan(0.05);
    expect(out.s1[0]).toBeGreaterThan(0.8);
    expect(out.s1[1]).toBeLessThan(0.2);
    expect(out.effect).toBe(1);
    expect(out.width).toBe(0);
    expect(out).toMatchObject({ ticks: 3, model: 'defection' });
  });
});
