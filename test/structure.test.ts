/**
 * The project's shape: import boundaries between folders, generated files kept in step with
 * the parameter schema they come from, and the ODD's account of every parameter's basis.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARAMETER_SCHEMA } from '../agents/defection/params.js';
import { flattenSchema } from '../engine/schema.js';
import { runConfigJsonSchema, parametersMarkdown } from '../runners/model/write-json-schema.js';

const root = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe('import boundaries', () => {
  it('engine/ never imports agents/, runners/ or reports/', () => {
    const bad = sources('engine').flatMap((f) => importsOf(f).filter((i) => /\.\.\/(agents|runners|reports)\//.test(i)).map((i) => `${f}: ${i}`));
    expect(bad).toEqual([]);
  });
  it('reports/ never imports the model (engine/, agents/, runners/)', () => {
    const bad = sources('reports').flatMap((f) => importsOf(f).filter((i) => /\.\.\/(engine|agents|runners)\//.test(i)).map((i) => `${f}: ${i}`));
    expect(bad).toEqual([]);
  });
  it('agents/ never imports runners/ or reports/', () => {
    const bad = sources('agents').flatMap((f) => importsOf(f).filter((i) => /\.\.\/(runners|reports)\//.test(i)).map((i) => `${f}: ${i}`));
    expect(bad).toEqual([]);
  });
  it('no Math.random or Date.now in model, engine or runners code', () => {
    const bad = [...sources('engine'), ...sources('agents'), ...sources('runners')].filter((f) =>
      /Math\.random\(|Date\.now\(/.test(readFileSync(join(root, f), 'utf8')),
    );
    expect(bad).toEqual([]);
  });
});

describe('generated files are up to date', () => {
  it('docs/PARAMETERS.md matches the parameter schema', () => {
    expect(readFileSync(join(root, 'docs/PARAMETERS.md'), 'utf8')).toBe(parametersMarkdown());
  });
  it('schema/params.schema.json matches the parameter schema', () => {
    expect(JSON.parse(readFileSync(join(root, 'schema/params.schema.json'), 'utf8'))).toEqual(runConfigJsonSchema());
  });
});

describe('docs/ODD.md says what rests on calibration and what on assumption', () => {
  const odd = readFileSync(join(root, 'docs/ODD.md'), 'utf8');
  const calibration = odd.slice(odd.indexOf('## Calibration'));
  const assumptions = odd.slice(odd.indexOf('### Parameters no target identifies'));
  const specs = [...flattenSchema(PARAMETER_SCHEMA)];
  const named = (text: string, path: string) =>
    text.includes(`\`${path}\``) || path.split('.').some((_, i, parts) => i > 0 && text.includes(`\`${parts.slice(0, i).join('.')}.*\``));

  it('every parameter has a basis (ODD+2): data, calibrated, assumption, policy lever or setting', () => {
    const bad = specs.filter(([, spec]) => !/^(data|calibrated|assumption|policy lever|setting)\b/.test(spec.source ?? '')).map(([path]) => path);
    expect(bad).toEqual([]);
  });
  it('the calibration table lists every calibrated parameter with its default', () => {
    const missing = specs.filter(([, spec]) => spec.source?.startsWith('calibrated'))
      .filter(([path, spec]) => !new RegExp(`\\| \`${path.replace(/\./g, '\\.')}\` \\| ${String(spec.default).replace('-', '[−-]')} \\|`).test(calibration))
      .map(([path, spec]) => `${path} = ${spec.default}`);
    expect(missing).toEqual([]);
  });
  it('the list of parameters no target identifies names every assumption', () => {
    const missing = specs.filter(([, spec]) => spec.source?.startsWith('assumption')).map(([path]) => path).filter((path) => !named(assumptions, path));
    expect(missing).toEqual([]);
  });
});
