/**
 * The project's shape: import boundaries between folders, and generated files kept in step with
 * the parameter schema they come from.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigJsonSchema, parametersMarkdown } from '../runners/write-json-schema.js';

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
