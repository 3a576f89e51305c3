/**
 * Writes schema/params.schema.json (run config files, for editors) and docs/PARAMETERS.md from the
 * defection model's parameter schema (the default model's; another model's parameters are listed
 * by `defsim params --model NAME`). Run by the build; the tests check both files are up to date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { allowedText, flattenSchema, toJsonSchema } from '../../engine/schema.js';
import { PACKAGE_ROOT } from '../io/outputs.js';
import { defaultModel } from './load.js';
import { scenarioNames } from './parameters.js';

export function runConfigJsonSchema(): Record<string, unknown> {
  const model = defaultModel().definition;
  const tree = toJsonSchema(model.schema) as { properties: Record<string, unknown> };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'defsim run configuration',
    description: `Parameters of the ${model.name} model (nested as here, or as dotted keys), plus an optional scenario and seed.`,
    type: 'object',
    additionalProperties: false,
    properties: {
      model: { const: model.name, description: `The model: this schema is the ${model.name} model's (another model's config names it, and is checked by defsim run)` },
      scenario: { enum: scenarioNames(model), description: 'Base scenario' },
      seed: { type: 'integer', minimum: 0, description: 'Random seed' },
      ...tree.properties,
    },
  };
}

/** docs/PARAMETERS.md: every parameter with its default, range, unit, meaning and source. */
export function parametersMarkdown(): string {
  const lines = [
    '# Parameters',
    '',
    'Generated from the defection model\'s parameter schema (`agents/defection/params.ts`) by `npm run build`; do not edit by hand.',
    'Defaults are the calibrated `myanmar-2021` scenario. Set any of them with `--set path=value` or in a config file.',
    'The last column is the basis of each value (ODD+2\'s rationale): `data` (an observed quantity, with its source),',
    '`calibrated` (and the targets of data/myanmar-2021.json that identify it), `assumption` (no target identifies it;',
    'the sensitivity analysis varies these), `policy lever` (what scenarios choose) or `setting` (how a run is made).',
    'docs/ODD.md, Calibration, lists both kinds.',
    '',
    '| parameter | default | allowed | unit | meaning | basis |',
    '|---|---|---|---|---|---|',
  ];
  for (const [path, spec] of flattenSchema(defaultModel().definition.schema)) {
    lines.push(`| \`${path}\` | ${spec.default} | ${allowedText(spec)} | ${spec.unit} | ${spec.doc} | ${spec.source ?? ''} |`);
  }
  return lines.join('\n') + '\n';
}

export function writeGeneratedFiles(): void {
  const dir = join(PACKAGE_ROOT, 'schema');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'params.schema.json'), JSON.stringify(runConfigJsonSchema(), null, 2) + '\n');
  writeFileSync(join(PACKAGE_ROOT, 'docs', 'PARAMETERS.md'), parametersMarkdown());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) writeGeneratedFiles();
