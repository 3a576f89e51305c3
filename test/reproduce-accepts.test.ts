/**
 * Whatever `run`, `sweep` and `calibrate` accepted, `reproduce` accepts: every shipped scenario at
 * short and long horizons (a horizon before a default tick such as the conscription's used to be
 * refused: `regime.conscription.startTick: 36 (allowed … [0, 24])`), a run from the shipped
 * calibration's calibrated.yaml, and every shipped experiment and calibration file read back from
 * the resolved form its manifest records.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCENARIO_NAMES } from '../agents/scenarios.js';
import { loadCalibration } from '../runners/calibrate/calibration-file.js';
import { loadExperiment } from '../runners/experiment.js';
import { readRunConfig, resolveParameters } from '../runners/parameters.js';
import { reproduce } from '../runners/reproduce/reproduce.js';
import { runToDirectory } from '../runners/run.js';
import { planSweep } from '../runners/sweep-design.js';

const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-reproduce-accepts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let runs = 0;
async function runThenReproduce(scenario: string, ...layers: Map<string, unknown>[]): Promise<void> {
  const out = join(tmp, `run-${++runs}`);
  const params = resolveParameters(scenario, ...layers);
  runToDirectory({ scenario, params, seed: 3, out, command: 'defsim run …' });
  const outcome = await reproduce(out, { quiet: true, workers: 1 });
  expect(outcome.files.filter((f) => !f.identical).map((f) => f.file)).toEqual([]);
  expect(outcome.identical).toBe(true);
}

describe('reproduce accepts every run that run accepted', () => {
  it.each(SCENARIO_NAMES.flatMap((scenario) => [6, 25, 48].map((ticks) => ({ scenario, ticks }))))('$scenario, ticks $ticks', async ({ scenario, ticks }) => {
    await runThenReproduce(scenario, new Map<string, unknown>([['population.scale', 2000], ['time.ticks', ticks]]));
  });

  it('a run of the shipped calibration\'s calibrated.yaml', async () => {
    const config = readRunConfig(join(root, 'docs', 'results', 'calibrate-myanmar-2021', 'calibrated.yaml'));
    await runThenReproduce(config.scenario ?? 'myanmar-2021', config.overrides, new Map([['population.scale', 2000]]));
  });
});

describe('reproduce reads back every shipped experiment and calibration as its manifest records it', () => {
  const files = readdirSync(join(root, 'experiments')).filter((f) => /\.ya?ml$/u.test(f));

  it.each(files.filter((f) => !f.startsWith('calibrate-')))('%s (and at a 25-month horizon)', (file) => {
    for (const ticks of [undefined, 25]) {
      const experiment = loadExperiment(join(root, 'experiments', file));
      const plan = planSweep(ticks === undefined ? experiment : loadExperiment({ ...experiment, ticks } as never));
      const recorded = JSON.parse(JSON.stringify(plan.experiment)); // as manifest.json holds it
      expect(planSweep(loadExperiment(recorded, { maxRuns: plan.runs })).hash).toBe(plan.hash);
    }
  });

  it.each(files.filter((f) => f.startsWith('calibrate-')))('%s', (file) => {
    const plan = loadCalibration(join(root, 'experiments', file));
    const recorded = JSON.parse(JSON.stringify(plan.calibration));
    expect(loadCalibration(recorded, { targetsPath: join(root, plan.calibration.targets) }).hash).toBe(plan.hash);
  });
});
