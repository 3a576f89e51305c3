/**
 * The library API `worlds(file, options)`: plausible worlds — ABC-SMC over the calibrated
 * parameters and the assumptions together (runners/calibrate/, with the truncated kernel by
 * default), writing everything `calibrate` writes plus worlds.csv and assumptions.csv, the
 * manifest (kind `worlds`) last. Byte-identical for any number of workers and after kill -9 and
 * `--resume`, as a calibration.
 *
 *   import { worlds } from 'defsim';
 *   const outcome = await worlds('experiments/worlds-myanmar-2021.yaml', { out: 'out/worlds' });
 */
import type { LoadedModel } from '../model/load.js';
import { calibrate, type CalibrateOptions, type CalibrationOutcome } from '../calibrate/calibrate.js';
import type { ParameterVerdict } from './assumptions.js';
import { verdicts, worldsExtension } from './outputs.js';
import { openWorlds, type ParameterRole } from './worlds-file.js';

export interface WorldsOptions extends Omit<CalibrateOptions, 'extend' | 'model'> {
  model?: string | LoadedModel;
}

export interface WorldsOutcome extends CalibrationOutcome {
  roles: Record<string, ParameterRole>;
  /** Per fitted parameter, what the record says about it (assumptions.csv). */
  verdicts: ParameterVerdict[];
}

/** Fit a worlds file (a YAML/JSON path or an object) and write its directory when `out` is given. */
export async function worlds(source: string | Record<string, unknown>, options: WorldsOptions = {}): Promise<WorldsOutcome> {
  const { calibration, plan, roles } = await openWorlds(source, { model: options.model, targetsPath: options.targetsPath });
  const outcome = await calibrate(calibration, { ...options, model: plan.model, extend: (run) => worldsExtension(run, roles) });
  return { ...outcome, roles, verdicts: verdicts(outcome.run, roles) };
}
