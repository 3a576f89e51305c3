/**
 * Writes schema/experiment.schema.json (experiment files for `defsim sweep` and `defsim validate`)
 * from the one parameter schema and the experiment settings' specs, for editors:
 * `node dist/runners/sweep/write-experiment-schema.js`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { experimentJsonSchema } from './experiment-schema.js';
import { PACKAGE_ROOT } from '../io/outputs.js';

export const EXPERIMENT_SCHEMA_FILE = join(PACKAGE_ROOT, 'schema', 'experiment.schema.json');

export function experimentSchemaText(): string {
  return JSON.stringify(experimentJsonSchema(), null, 2) + '\n';
}

export function writeExperimentSchema(): void {
  mkdirSync(join(PACKAGE_ROOT, 'schema'), { recursive: true });
  writeFileSync(EXPERIMENT_SCHEMA_FILE, experimentSchemaText());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) writeExperimentSchema();
