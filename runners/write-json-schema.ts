/**
 * Writes schema/params.schema.json (run config files) from the one parameter schema, for editors.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toJsonSchema } from '../engine/schema.js';
import { PARAMETER_SCHEMA } from '../agents/params.js';
import { SCENARIO_NAMES } from '../agents/scenarios.js';
import { PACKAGE_ROOT } from './outputs.js';

export function runConfigJsonSchema(): Record<string, unknown> {
  const tree = toJsonSchema(PARAMETER_SCHEMA) as { properties: Record<string, unknown> };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'defsim run configuration',
    description: 'Parameters of the defection model (nested as here, or as dotted keys), plus an optional scenario and seed.',
    type: 'object',
    additionalProperties: false,
    properties: {
      scenario: { enum: SCENARIO_NAMES, description: 'Base scenario' },
      seed: { type: 'integer', minimum: 0, description: 'Random seed' },
      ...tree.properties,
    },
  };
}

const dir = join(PACKAGE_ROOT, 'schema');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'params.schema.json'), JSON.stringify(runConfigJsonSchema(), null, 2) + '\n');
