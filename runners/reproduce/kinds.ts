/**
 * How each kind of result directory is re-run, by the `kind` in its manifest. A kind's entry
 * re-creates the directory's output files in an empty directory from the manifest alone, through
 * the same code that wrote them first (`writeRunDirectory`, `runSweep`, …), so `defsim
 * reproduce` can compare them byte for byte. A new kind adds one line to RERUNS (see README.md).
 */
import { InputError } from '../../engine/errors.js';
import { flattenOverrides, getPath } from '../../engine/schema.js';
import { loadExperiment } from '../sweep/experiment.js';
import { resolveParameters, checkSeed } from '../model/parameters.js';
import { runsProgress, tickProgress } from '../io/progress.js';
import { writeRunDirectory } from '../run/directory.js';
import { parseShard } from '../sweep/shard.js';
import { simulate } from '../run/simulate.js';
import { planSweep } from '../sweep/design.js';
import { runSweep } from '../sweep/sweep.js';
import { writeEffectsJson } from '../effects/run-baseline.js';
import type { Manifest } from './manifest.js';
import type { Rerun, RerunContext } from './rerun.js';
import { rerunCalibration } from '../calibrate/reproduce.js';
import { rerunDecision } from '../decide/reproduce.js';
import { rerunWorlds } from '../worlds/reproduce.js';

export type { Rerun, RerunContext } from './rerun.js';

/** The kinds `defsim reproduce` knows, by manifest `kind`. */
export const RERUNS: Readonly<Record<string, Rerun>> = {
  run: rerunRun,
  sweep: rerunSweep,
  calibration: rerunCalibration,
  decision: rerunDecision,
  worlds: rerunWorlds,
};

/** A single run: its resolved parameters and seed, through `simulate` and `writeRunDirectory`. */
async function rerunRun({ dir, manifest, model, into, quiet }: RerunContext): Promise<void> {
  const scenario = field(dir, manifest, 'scenario', (v) => typeof v === 'string', 'a scenario name') as string;
  const parameters = field(dir, manifest, 'parameters', (v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'the resolved parameters (a mapping)');
  const seed = checkSeed(manifest.seed, 'seed');
  // The manifest holds every parameter; over the scenario, a parameter added since keeps the scenario's value.
  // Only the values that differ from the scenario's count as given (a default such as a tick past a short
  // horizon was never given, so `run` accepted it): whatever `run` accepted, this accepts.
  const scenarioParams = resolveParameters(model.definition, scenario);
  const given = new Map([...flattenOverrides(parameters)].filter(([path, value]) => JSON.stringify(getPath(scenarioParams, path)) !== JSON.stringify(value)));
  const params = resolveParameters(model.definition, scenario, given);
  const progress = tickProgress(`reproduce ${scenario}`, quiet);
  try {
    const result = simulate(model.definition, params, seed, { onTick: progress.update });
    writeRunDirectory(into, result, { model, scenario, params, seed, command: typeof manifest.command === 'string' ? manifest.command : undefined });
  } finally {
    progress.stop();
  }
}

/** A sweep, a shard of one (`shard: "i/N"`), or a merged sweep (the same files as one sweep): its experiment, on the pool. */
async function rerunSweep({ dir, manifest, model, into, workers, quiet }: RerunContext): Promise<void> {
  const recorded = field(dir, manifest, 'experiment', (v) => typeof v === 'object' && v !== null, 'the resolved experiment');
  const runs = typeof manifest.runs === 'number' && manifest.runs > 0 ? manifest.runs : undefined;
  const experiment = loadExperiment(recorded as never, { model, ...(runs ? { maxRuns: runs } : {}) });
  if (planSweep(experiment, model).hash !== manifest.experimentHash) {
    throw new InputError(`'${dir}/manifest.json': the experiment it records does not hash to its experimentHash (edited by hand?) (allowed: a manifest as defsim wrote it)`);
  }
  const shard = manifest.shard === undefined ? undefined : parseShard(String(manifest.shard));
  const progress = runsProgress(`reproduce ${experiment.name}`, quiet);
  try {
    await runSweep(experiment, { model, out: into, workers, shard, maxRuns: runs, onProgress: (p) => progress.update(p.done, p.total, p.failed) });
    // `defsim run --baseline` adds effects.json to its sweep directory (runners/effects/run-baseline.ts).
    if (typeof manifest.files === 'object' && manifest.files !== null && 'effects.json' in manifest.files) writeEffectsJson(into);
  } finally {
    progress.stop();
  }
}

function field(dir: string, manifest: Manifest, key: string, ok: (value: unknown) => boolean, allowed: string): unknown {
  const value = manifest[key];
  if (!ok(value)) throw new InputError(`'${dir}/manifest.json': invalid "${key}" (allowed: ${allowed})`);
  return value;
}
