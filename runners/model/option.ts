/**
 * The `--model NAME|PATH` option every command that runs or reads a model takes (yargs).
 */
import { DEFAULT_MODEL, MODEL_NAMES } from '../../agents/index.js';

export const MODEL_OPTION = {
  type: 'string',
  describe: `The model: a built-in name (${MODEL_NAMES.join(', ')}; default ${DEFAULT_MODEL}) or the path of an ES module (.js or .mjs) that exports one (docs/MODEL-API.md)`,
} as const;
