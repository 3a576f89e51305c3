/**
 * Whatever `run`, `sweep` and `calibrate` accepted, `reproduce` accepts: every shipped scenario at
 * short and long horizons (a horizon before a default tick such as the conscription's used to be
 * refused: `regime.conscription.startTick: 36 (allowed … [0, 24])`), a run from the shipped
 * calibration's calibrated.yaml, and every shipped experiment and calibration file (the
 * tutorial's, of a user's model module, too) read back from the resolved form its manifest records.
 * Every built-in model's scenarios, not only the defection model's.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCalibration, openCalibration } from '../runners/calibrate/calibration-file.js';
import { builtInLoadedModel, defaultModel, MODEL_NAMES, type LoadedModel } from '../runners/model/load.js';
import { readRunConfig, resolveParameters, scenarioNames } from '../runners/model/parameters.js';
import { reproduce } from '../runners/reproduce/reproduce.js';
import { runToDirectory } from '../runners/run/directory.js';
import { planSweep } from '../runners/sweep/design.js';
import { loadExperiment, openExperiment } from '../runners/sweep/experiment.js';

const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-reproduce-accepts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let runs = 0;
async function runThenReproduce(model: LoadedModel, scenario: string, ...layers: Map<string, unknown>[]): Promise<void> {
  const out = join(tmp, `run-${++runs}`);
  const params = resolveParameters(model.definition, scenario, ...layers);
  runToDirectory({ model, scenario, params, seed: 3, out, command: 'defsim run …' });
  const outcome = await reproduce(out, { quiet: true, workers: 1 });
  expect(outcome.files.filter((f) => !f.identical).map((f) => f.file)).toEqual([]);
  expect(outcome.identical).toBe(true);
}

describe('reproduce accepts every run that run accepted', () => {
  const cases = MODEL_NAMES.flatMap((name) => {
    const model = builtInLoadedModel(name)!;
    return scenarioNames(model.definition).flatMap((scenario) => [6, 25, 48].map((ticks) => ({ name, scenario, ticks })));
  });
  it.each(cases)('$name: $scenario, ticks $ticks', async ({ name, scenario, ticks }) => {
    const model = builtInLoadedModel(name)!;
    const layer = new Map<string, unknown>([[model.definition.ticksParameter, ticks]]);
    if (name === 'defection') layer.set('population.scale', 2000);
    await runThenReproduce(model, scenario, layer);
  });

  it('a run of the shipped calibration\'s calibrated.yaml', async () => {
    const config = readRunConfig(join(root, 'docs', 'results', 'calibrate-myanmar-2021', 'calibrated.yaml'));
    await runThenReproduce(defaultModel(), config.scenario ?? 'myanmar-2021', config.overrides, new Map([['population.scale', 2000]]));
  });
});

describe('reproduce reads back every shipped experiment and calibration as its manifest records it', () => {
  const files = [
    ...readdirSync(join(root, 'experiments')).filter((f) => /\.ya?ml$/u.test(f)).map((f) => join('experiments', f)),
    ...readdirSync(join(root, 'docs', 'tutorial')).filter((f) => /\.ya?ml$/u.test(f)).map((f) => join('docs', 'tutorial', f)),
  ];
  const isCalibration = (file: string) => /calibrat/u.test(file);

  it.each(files.filter((f) => !isCalibration(f)))('%s (and at a 25-tick horizon)', async (file) => {
    for (const ticks of [undefined, 25]) {
      const { experiment, model } = await openExperiment(join(root, file));
      const plan = planSweep(ticks === undefined ? experiment : loadExperiment({ ...experiment, ticks } as never, { model }), model);
      const recorded = JSON.parse(JSON.stringify(plan.experiment)); // as manifest.json holds it
      expect(planSweep(loadExperiment(recorded, { maxRuns: plan.runs, model }), model).hash).toBe(plan.hash);
    }
  });

  it.each(files.filter(isCalibration))('%s', async (file) => {
    const plan = await openCalibration(join(root, file));
    const recorded = JSON.parse(JSON.stringify(plan.calibration));
    const targetsPath = plan.calibration.targets === undefined ? undefined : join(root, plan.calibration.targets);
    expect(loadCalibration(recorded, { targetsPath, model: plan.model }).hash).toBe(plan.hash);
  });
});
