/**
 * `defsim reproduce` for a calibration directory: re-run the calibration its manifest records,
 * with the targets copied into the directory (targets.json, listed in the manifest's files and
 * so already checked), through the same `calibrate` the command uses, into the empty directory
 * given. Only the manifest and that copy are read, never the working tree's targets file.
 */
import { join } from 'node:path';
import { InputError } from '../../engine/errors.js';
import type { RerunContext } from '../reproduce/rerun.js';
import { statusProgress } from '../io/progress.js';
import { calibrate } from './calibrate.js';
import { loadCalibration, type Calibration } from './calibration-file.js';

export async function rerunCalibration({ dir, manifest, model, into, workers, quiet }: RerunContext): Promise<void> {
  const recorded = manifest.calibration;
  if (recorded === null || typeof recorded !== 'object' || Array.isArray(recorded)) {
    throw new InputError(`'${dir}/manifest.json': invalid "calibration" (allowed: the resolved calibration, a mapping)`);
  }
  if (manifest.targetsFile !== 'targets.json' || typeof manifest.files['targets.json'] !== 'string') {
    throw new InputError(`'${dir}/manifest.json': the targets the calibration used are not listed as targets.json (allowed: a calibration directory as defsim wrote it)`);
  }
  const targetsPath = join(dir, 'targets.json');
  const calibration = recorded as Calibration;
  if (loadCalibration(calibration, { targetsPath, model }).hash !== manifest.calibrationHash) {
    throw new InputError(`'${dir}/manifest.json': the calibration it records does not hash to its calibrationHash (edited by hand?) (allowed: a manifest as defsim wrote it)`);
  }
  const progress = statusProgress(`reproduce ${calibration.name}`, quiet);
  try {
    // A calibration the wall clock stopped is re-run for the generations it made (abc-smc.ts: each is a pure function of the ones before).
    const replay = manifest.stopRule === 'wall-clock' && typeof manifest.generations === 'number' ? { replayGenerations: manifest.generations } : {};
    await calibrate(calibration, {
      model, out: into, workers, targetsPath, ...replay,
      onProgress: (p) => progress.update(p.stage === 'fit' ? `generation ${p.generation}, accepted ${p.accepted}/${p.particles}` : `posterior predictive ${p.done}/${p.total}`),
    });
  } finally {
    progress.stop();
  }
}
