/**
 * `defsim reproduce` for a decision of a decide experiment (*I/O*): the experiment its manifest
 * records, run again on the worlds of its worlds.csv (the worlds exactly as they ran: a sample is
 * not drawn again) through `decideExperiment`, into the temporary directory. A decision of outcomes
 * computed elsewhere (`--x`, `--y`) has no runs of defsim's to repeat and is refused.
 */
import { join } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { runsProgress } from '../io/progress.js';
import type { RerunContext } from '../reproduce/rerun.js';
import { decideExperiment } from './run.js';

export async function rerunDecision({ dir, manifest, model, into, workers, quiet }: RerunContext): Promise<void> {
  const experiment = manifest.experiment;
  if (experiment === null || typeof experiment !== 'object' || Array.isArray(experiment)) {
    throw new InputError(`'${join(dir, 'manifest.json')}': a decision of outcomes computed elsewhere (defsim decide --x --y) has no runs of defsim's to repeat (allowed: the result of 'defsim decide EXPERIMENT' or 'npm start', whose manifest records its experiment)`);
  }
  const name = (experiment as { name?: unknown }).name;
  const progress = runsProgress(`reproduce ${typeof name === 'string' ? name : 'decision'}`, quiet);
  try {
    await decideExperiment(experiment as Record<string, unknown>, {
      out: into, workers, model, worldsCopy: join(dir, 'worlds.csv'), onProgress: (p) => progress.update(p.done, p.total, p.failed),
    });
  } finally {
    progress.stop();
  }
}
