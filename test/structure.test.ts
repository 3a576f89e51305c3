/**
 * The project's shape: import boundaries between folders (runners reach models only through the
 * registry; reports read files only), no import cycles anywhere, a README naming every file of
 * every folder, generated files kept in step with the parameter schema they come from, and the
 * ODD's account of every parameter's basis.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
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

/** Relative imports of a file, resolved to repository paths (`.js` → `.ts`), static and dynamic. */
function resolvedImports(file: string): string[] {
  return importsOf(file).filter((i) => i.startsWith('.')).map((i) => normalize(join(dirname(file), i)).replace(/\.js$/, '.ts'));
}

/** Every cycle of the import graph (its strongly connected components with more than one file, or a file importing itself). */
function importCycles(files: readonly string[], importsOfFile: (file: string) => readonly string[]): string[][] {
  const known = new Set(files);
  const graph = new Map(files.map((f) => [f, importsOfFile(f).filter((g) => known.has(g))]));
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => { // Tarjan's algorithm
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) cycles.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return cycles;
}

describe('import cycles', () => {
  const files = ['engine', 'agents', 'runners', 'reports'].flatMap(sources);

  it('no file of engine/, agents/, runners/ or reports/ is part of an import cycle (of any length)', () => {
    expect(importCycles(files, resolvedImports)).toEqual([]);
  });

  it('the cycle finder finds a pair, a longer ring and a self-import, and nothing in a chain', () => {
    const graph: Record<string, string[]> = { a: ['b'], b: ['a'], c: ['d'], d: ['e'], e: ['c'], f: ['f'], g: ['h'], h: [] };
    expect(importCycles(Object.keys(graph), (f) => graph[f])).toEqual([['a', 'b'], ['c', 'd', 'e'], ['f']]);
  });
});

describe('folder guides', () => {
  const folders = ['engine', 'agents', 'reports', 'runners', ...readdirSync(join(root, 'runners'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `runners/${d.name}`),
    ...readdirSync(join(root, 'agents'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `agents/${d.name}`)];

  it.each(folders)('%s/README.md names every file of the folder', (folder) => {
    const readme = join(root, folder, 'README.md');
    expect(existsSync(readme), readme).toBe(true);
    const text = readFileSync(readme, 'utf8');
    const files = readdirSync(join(root, folder)).filter((f) => f.endsWith('.ts'));
    expect(files.filter((f) => !text.includes(`\`${f}\``))).toEqual([]);
  });
});

describe('import boundaries', () => {
  it('runners/ reaches models only through the registry, agents/index.ts', () => {
    const bad = sources('runners').flatMap((f) => resolvedImports(f).filter((i) => i.startsWith('agents/') && i !== 'agents/index.ts').map((i) => `${f}: ${i}`));
    expect(bad).toEqual([]);
  });
  it('a model folder under agents/ imports no other model (only engine/ and its own files)', () => {
    const bad = sources('agents').flatMap((f) => {
      const own = dirname(f);
      return resolvedImports(f).filter((i) => i.startsWith('agents/') && f !== 'agents/index.ts' && dirname(i) !== own).map((i) => `${f}: ${i}`);
    });
    expect(bad).toEqual([]);
  });
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
