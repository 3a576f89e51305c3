/**
 * The registry of built-in models: the one module of agents/ the runners import. Each model lives
 * in its own folder and exports `model: ModelDefinition` (engine/model.ts) from its index.ts;
 * `--model NAME` and `model: NAME` in experiment and calibration files name one of these, and a
 * path names a user's own module instead (runners/model/load.ts).
 */
import type { ModelDefinition } from '../engine/model.js';
import { model as defection } from './defection/index.js';
import { model as epstein } from './epstein/index.js';
import { model as granovetter } from './granovetter/index.js';

/** The built-in models, in the order messages list them. */
export const MODELS: readonly ModelDefinition[] = [
  defection,
  granovetter,
  epstein,
];

/** The model a command runs when none is named. */
export const DEFAULT_MODEL = 'defection';

export const MODEL_NAMES: readonly string[] = MODELS.map((m) => m.name);

/** The built-in model of this name, if there is one. */
export function builtInModel(name: string): ModelDefinition | undefined {
  return MODELS.find((m) => m.name === name);
}
