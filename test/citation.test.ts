/**
 * CITATION.cff is valid Citation File Format 1.2.0 (the required keys, the allowed top-level
 * keys, authors as persons or entities) and agrees with package.json and LICENSE; every manifest
 * names the citation.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { citation, toolInfo } from '../runners/io/outputs.js';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; license: string };
const cff = parseYaml(readFileSync(join(root, 'CITATION.cff'), 'utf8'), { schema: 'core' }) as Record<string, unknown>;
const tmp = mkdtempSync(join(tmpdir(), 'defsim-citation-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The top-level keys the CFF 1.2.0 schema allows (it forbids any other). */
const CFF_KEYS = [
  'abstract', 'authors', 'cff-version', 'commit', 'contact', 'date-released', 'doi', 'identifiers', 'keywords', 'license',
  'license-url', 'message', 'preferred-citation', 'references', 'repository', 'repository-artifact', 'repository-code', 'title',
  'type', 'url', 'version',
];
const PERSON_KEYS = ['family-names', 'given-names', 'name-particle', 'name-suffix', 'affiliation', 'alias', 'email', 'orcid', 'website', 'address', 'city', 'country', 'post-code', 'region', 'tel', 'fax'];
const ENTITY_KEYS = ['name', 'address', 'alias', 'city', 'country', 'date-end', 'date-start', 'email', 'fax', 'location', 'orcid', 'post-code', 'region', 'tel', 'website'];

describe('CITATION.cff', () => {
  it('parses as YAML with the keys CFF 1.2.0 requires, and only keys it allows', () => {
    expect(cff['cff-version']).toBe('1.2.0');
    for (const key of ['message', 'title']) expect(typeof cff[key] === 'string' && (cff[key] as string).length > 0, key).toBe(true);
    expect(Object.keys(cff).filter((key) => !CFF_KEYS.includes(key))).toEqual([]);
    expect(['software', 'dataset']).toContain(cff.type ?? 'software');
    const authors = cff.authors as Record<string, unknown>[];
    expect(Array.isArray(authors) && authors.length > 0).toBe(true);
    for (const author of authors) {
      const isEntity = typeof author.name === 'string';
      const allowed = isEntity ? ENTITY_KEYS : PERSON_KEYS;
      expect(Object.keys(author).filter((key) => !allowed.includes(key))).toEqual([]);
      if (!isEntity) expect(typeof author['family-names'] === 'string' || typeof author['given-names'] === 'string').toBe(true);
    }
  });

  it("matches package.json's version and license, and LICENSE is that licence", () => {
    expect(String(cff.version)).toBe(pkg.version);
    expect(cff.license).toBe(pkg.license);
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
  });

  it('every manifest names it: toolInfo() for all kinds, a run and a sweep (shards and merges share its writer) as written', () => {
    expect(toolInfo().citation).toEqual(citation());
    expect(citation().cff).toBe('CITATION.cff');
    expect(citation().text).toContain(`${String(cff.title)} (version ${pkg.version})`);
    const run = join(tmp, 'run');
    expect(spawnSync(process.execPath, [join(root, 'dist', 'runners', 'cli.js'), 'run', '--set', 'population.scale=50', '--ticks', '6', '--out', run, '--quiet']).status).toBe(0);
    expect(JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8')).citation).toEqual(citation());
    const experiment = join(tmp, 'cited.json');
    writeFileSync(experiment, JSON.stringify({ name: 'cited', set: { 'population.scale': 50 }, ticks: 6, replicates: 1, design: { type: 'list', points: [{ 'sanctions.offRamp': true }] } }));
    const sweep = join(tmp, 'sweep');
    expect(spawnSync(process.execPath, [join(root, 'dist', 'runners', 'cli.js'), 'sweep', experiment, '--out', sweep, '--quiet']).status).toBe(0);
    expect(JSON.parse(readFileSync(join(sweep, 'manifest.json'), 'utf8')).citation).toEqual(citation());
  });
});
