/**
 * Whatever `run`, `sweep` and `calibrate` accepted, `reproduce` accepts: every shipped scenario at
 * short and long horizons (a horizon before a default tick such as the conscription's used to be
 * refused: `regime.conscription.startTick: 36 (allowed … [0, 24])`), a run from the shipped
 * calibration's calibrated.yaml, and every shipped experiment and calibration file (the
 * tutorial's, of a user's model module, too) read back from the resolved form its manifest records
 * — decide experiments (the same runs from their resolved form) and plausible-worlds files (as
 * calibrations) included. Every built-in model's scenarios, not only the defection model's; a
 * scenario another model's run itself refuses at a horizon (a tick beyond it) is checked to be
 * refused for that reason.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../engine/errors.js';
import { isDecideExperiment, openDecideExperiment, sweepExperiment, worldLevers } from '../runners/decide/experiment.js';
import { readStructuredFile } from '../runners/io/structured-file.js';
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

/** The message `run` refuses this scenario and horizon with, or null when it runs. */
function refusedByRun(model: LoadedModel, scenario: string, ...layers: Map<string, unknown>[]): string | null {
  try {
    resolveParameters(model.definition, scenario, ...layers);
    return null;
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
}

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
    // A scenario that sets a tick beyond the horizon (Epstein's change of legitimacy at tick 75) is
    // refused by run itself, with the horizon named: nothing to reproduce. Every defection scenario
    // runs at every horizon (its defaults past the horizon were the bug).
    const refusal = name === 'defection' ? null : refusedByRun(model, scenario, layer);
    if (refusal !== null) {
      expect(refusal).toMatch(/a tick within the horizon/u);
      return;
    }
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
  // Plausible worlds are a calibration over more parameters (defsim worlds reads them as one).
  const isCalibration = (file: string) => /calibrat|worlds-/u.test(file);
  const isDecide = (file: string) => !isCalibration(file) && isDecideExperiment(readStructuredFile(join(root, file)));

  it.each(files.filter((f) => !isCalibration(f) && !isDecide(f)))('%s (and, for the defection model, at a 25-tick horizon)', async (file) => {
    const { model: fileModel } = await openExperiment(join(root, file));
    // Another model's experiment may set ticks its horizon must hold (Epstein's change at tick 75).
    for (const ticks of fileModel.definition.name === 'defection' ? [undefined, 25] : [undefined]) {
      const { experiment, model } = await openExperiment(join(root, file));
      const plan = planSweep(ticks === undefined ? experiment : loadExperiment({ ...experiment, ticks } as never, { model }), model);
      const recorded = JSON.parse(JSON.stringify(plan.experiment)); // as manifest.json holds it
      expect(planSweep(loadExperiment(recorded, { maxRuns: plan.runs, model }), model).hash).toBe(plan.hash);
    }
  });

  it.each(files.filter(isDecide))('%s (a decide experiment: the same runs from its resolved form)', async (file) => {
    const sweepHash = async (source: string | Record<string, unknown>) => {
      const opened = await openDecideExperiment(source);
      const plan = planSweep(sweepExperiment(opened.experiment, opened.worlds, worldLevers(opened.model.definition, opened.experiment, opened.worlds)), opened.model);
      return { hash: plan.hash, recorded: JSON.parse(JSON.stringify(opened.experiment)) as Record<string, unknown> };
    };
    const first = await sweepHash(join(root, file));
    expect((await sweepHash(first.recorded)).hash).toBe(first.hash);
  });

  it.each(files.filter(isCalibration))('%s', async (file) => {
    const plan = await openCalibration(join(root, file));
    const recorded = JSON.parse(JSON.stringify(plan.calibration));
    const targetsPath = plan.calibration.targets === undefined ? undefined : join(root, plan.calibration.targets);
    expect(loadCalibration(recorded, { targetsPath, model: plan.model }).hash).toBe(plan.hash);
  });
});
