/**
 * `defsim reproduce` for a worlds directory: re-run the calibration its manifest records, with
 * the roles it records and the targets copied into the directory (targets.json), through the same
 * `worlds` the command uses, into the empty directory given.
 */
import { join } from 'node:path';
import { InputError } from '../../engine/errors.js';
import type { RerunContext } from '../reproduce/rerun.js';
import { statusProgress } from '../io/progress.js';
import { loadCalibration, type Calibration } from '../calibrate/calibration-file.js';
import { PARAMETER_ROLES } from './worlds-file.js';
import { worlds } from './worlds.js';

export async function rerunWorlds({ dir, manifest, model, into, workers, quiet }: RerunContext): Promise<void> {
  const recorded = manifest.calibration;
  if (recorded === null || typeof recorded !== 'object' || Array.isArray(recorded)) {
    throw new InputError(`'${dir}/manifest.json': invalid "calibration" (allowed: the resolved calibration, a mapping)`);
  }
  if (manifest.targetsFile !== 'targets.json' || typeof manifest.files['targets.json'] !== 'string') {
    throw new InputError(`'${dir}/manifest.json': the targets the worlds were fitted to are not listed as targets.json (allowed: a worlds directory as defsim wrote it)`);
  }
  const calibration = recorded as Calibration;
  const targetsPath = join(dir, 'targets.json');
  if (loadCalibration(calibration, { targetsPath, model }).hash !== manifest.calibrationHash) {
    throw new InputError(`'${dir}/manifest.json': the calibration it records does not hash to its calibrationHash (edited by hand?) (allowed: a manifest as defsim wrote it)`);
  }
  const roles = manifest.roles as Record<string, unknown> | undefined;
  const names = Object.keys(calibration.parameters);
  if (!roles || typeof roles !== 'object' || names.some((name) => !(PARAMETER_ROLES as readonly unknown[]).includes(roles[name]))) {
    throw new InputError(`'${dir}/manifest.json': invalid "roles" (allowed: calibrated or assumption for every fitted parameter)`);
  }
  // Every role as the manifest records it, written into the file, so the schema of today cannot change one.
  const parameters = Object.fromEntries(names.map((name) => [name, { ...calibration.parameters[name], role: roles[name] }]));
  const progress = statusProgress(`reproduce ${calibration.name}`, quiet);
  try {
    const replay = manifest.stopRule === 'wall-clock' && typeof manifest.generations === 'number' ? { replayGenerations: manifest.generations } : {};
    await worlds({ ...calibration, parameters } as unknown as Record<string, unknown>, {
      model, out: into, workers, targetsPath, ...replay,
      onProgress: (p) => progress.update(p.stage === 'fit' ? `generation ${p.generation}, accepted ${p.accepted}/${p.particles}` : `posterior predictive ${p.done}/${p.total}`),
    });
  } finally {
    progress.stop();
  }
}
