/**
 * The model of a result directory, from its manifest's `model` (name, version, and for a user's
 * module its file and sha256), checked before anything is re-run or analysed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { DEFAULT_MODEL, loadModel, type LoadedModel, type ModelIdentity } from './load.js';

/**
 * The model a result directory was made with (to re-run or analyse it): the one its manifest names (a built-in name, or the
 * module file it records), or `override` (`--model`, e.g. the module moved). A module whose bytes
 * differ from the sha256 the manifest records, or a model of another name, is refused: nothing
 * is re-run.
 */
export async function manifestModel(dir: string, manifest: { model?: unknown }, override?: string): Promise<LoadedModel> {
  const recorded = manifest.model as ModelIdentity | undefined;
  if (recorded !== undefined && (recorded === null || typeof recorded !== 'object' || typeof recorded.name !== 'string')) {
    throw new InputError(`'${join(dir, 'manifest.json')}': invalid "model" (allowed: { name, version, file?, sha256? } as defsim wrote it)`);
  }
  const spec = override ?? recorded?.file ?? recorded?.name ?? DEFAULT_MODEL;
  if (override === undefined && recorded?.file !== undefined && !existsSync(recorded.file)) {
    throw new InputError(`the model file '${recorded.file}' that made '${dir}' is not there (allowed: --model with the path of the file, moved or copied; its sha256 must be ${recorded.sha256 ?? 'the one in the manifest'})`);
  }
  const model = await loadModel(spec, override === undefined ? 'model' : '--model');
  const name = recorded?.name ?? DEFAULT_MODEL;
  if (model.definition.name !== name) {
    throw new InputError(`invalid value for '${override === undefined ? 'model' : '--model'}': ${JSON.stringify(spec)} is the model '${model.definition.name}'; '${dir}' was made by '${name}' (allowed: the model that made it; nothing was re-run)`);
  }
  if (recorded?.sha256 !== undefined && model.identity.sha256 !== recorded.sha256) {
    throw new InputError(`the model file '${model.identity.file ?? spec}' changed since '${dir}' was made: its sha256 is ${model.identity.sha256 ?? 'none'}, the manifest says ${recorded.sha256} (allowed: the model file that made it, or --model with a copy of it; nothing was re-run)`);
  }
  return model;
}
