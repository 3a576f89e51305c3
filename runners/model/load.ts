/**
 * Loading a model: a built-in one by name (agents/index.ts, the registry) or a user's own ES
 * module by path (`.js` or `.mjs`, exporting `model` or a default export). Either way the value is
 * checked against the model interface (engine/model.ts) before anything runs: a module missing
 * part of it is refused with one message naming everything missing (InputError, exit code 2).
 * What manifests record of a model (`name`, `version`, and for a module its `file` and `sha256`)
 * and what a sweep worker needs to load the same model again (`reference`) come with it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtInModel, DEFAULT_MODEL, MODEL_NAMES } from '../../agents/index.js';
import { InputError, inputError } from '../../engine/errors.js';
import type { ModelDefinition } from '../../engine/model.js';
import { sha256 } from '../io/outputs.js';
import { modelProblems } from './check.js';

export { DEFAULT_MODEL, MODEL_NAMES } from '../../agents/index.js';

/** What a manifest records of the model that made a result. */
export interface ModelIdentity {
  name: string;
  version: string;
  /** A user's module: its absolute path … */
  file?: string;
  /** … and the sha256 of its bytes when it was loaded. */
  sha256?: string;
}

export interface LoadedModel {
  readonly definition: ModelDefinition;
  readonly identity: ModelIdentity;
  /** How it was named (`defection`, `./my-model.mjs`): experiment and calibration files keep this. */
  readonly spec: string;
  /** What loads the same model again (a sweep worker): a built-in name, or the module's absolute path. */
  readonly reference: string;
  readonly builtIn: boolean;
}

const MODULE_EXTENSIONS = ['.js', '.mjs'];
const builtIns = new Map<string, LoadedModel>();

/** Whether a model name is a path to a module (it has a slash or a .js/.mjs ending) rather than a built-in name. */
export function isModelPath(spec: string): boolean {
  return spec.includes('/') || spec.includes('\\') || /\.(c|m)?js$/.test(spec);
}

function knownModels(): string {
  return `a built-in model (${MODEL_NAMES.join(', ')}) or the path of an ES module (.js or .mjs) that exports one (docs/MODEL-API.md)`;
}

/** A built-in model by name, checked once; null for any other name. */
export function builtInLoadedModel(name: string): LoadedModel | null {
  const cached = builtIns.get(name);
  if (cached) return cached;
  const definition = builtInModel(name);
  if (!definition) return null;
  const problems = modelProblems(definition);
  if (problems.length > 0) throw new Error(`the built-in model '${name}' does not satisfy the model interface: ${problems.join('; ')}`);
  const loaded: LoadedModel = { definition, identity: { name, version: definition.version }, spec: name, reference: name, builtIn: true };
  builtIns.set(name, loaded);
  return loaded;
}

/** The default model (defection), loaded. */
export function defaultModel(): LoadedModel {
  return builtInLoadedModel(DEFAULT_MODEL)!;
}

/**
 * Load a model by built-in name or module path (relative paths from the working directory).
 * `key` names where the name came from in error messages (`--model`, `model`).
 */
export async function loadModel(spec: string | LoadedModel = DEFAULT_MODEL, key = '--model'): Promise<LoadedModel> {
  if (typeof spec !== 'string') return spec;
  if (spec === '') throw inputError(key, spec, knownModels());
  if (!isModelPath(spec)) {
    const loaded = builtInLoadedModel(spec);
    if (!loaded) throw inputError(key, spec, knownModels());
    return loaded;
  }
  return loadModelModule(spec, key);
}

async function loadModelModule(spec: string, key: string): Promise<LoadedModel> {
  const file = resolve(spec);
  if (!MODULE_EXTENSIONS.includes(extname(file))) {
    throw inputError(key, spec, `${knownModels()}; this file name ends in neither .js nor .mjs`);
  }
  if (!existsSync(file) || !statSync(file).isFile()) throw new InputError(`cannot load the model module '${spec}': no such file (${file})`);
  const bytes = readFileSync(file);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
    throw new InputError(`cannot load the model module '${spec}': ${why}`);
  }
  const definition = module.model ?? module.default;
  if (definition === undefined) {
    throw new InputError(`the module '${spec}' exports no model (allowed: \`export const model = { … }\` or \`export default { … }\`, a value of the model interface; see docs/MODEL-API.md)`);
  }
  const problems = modelProblems(definition);
  if (problems.length > 0) {
    throw new InputError(`the model in '${spec}' does not satisfy the model interface: ${problems.join('; ')} (see docs/MODEL-API.md)`);
  }
  const model = definition as ModelDefinition;
  return {
    definition: model, spec, reference: file, builtIn: false,
    identity: { name: model.name, version: model.version, file, sha256: sha256(bytes) },
  };
}

/**
 * The model to use for a file (experiment, calibration, run config) that names `fileModel`, given
 * the one a command line names (`--model`): both may be given only when they name the same model.
 * A model already loaded by the caller (library use, `defsim reproduce`) is used as it is.
 */
export function modelSpecOf(fileModel: unknown, commandModel: string | LoadedModel | undefined, key = 'model'): string | LoadedModel {
  if (fileModel !== undefined && (typeof fileModel !== 'string' || fileModel === '')) throw inputError(key, fileModel, knownModels());
  if (commandModel === undefined) return (fileModel as string | undefined) ?? DEFAULT_MODEL;
  if (fileModel === undefined || typeof commandModel !== 'string') return commandModel;
  const reference = (spec: string) => (isModelPath(spec) ? resolve(spec) : spec);
  if (reference(fileModel as string) !== reference(commandModel)) {
    throw inputError(key, fileModel, `the model the command names, '${commandModel}' (--model), or leave 'model' out of the file`);
  }
  return commandModel;
}
