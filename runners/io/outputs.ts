/**
 * Writing result directories safely: refuse a non-empty directory unless forced, write each
 * file through a temporary name and rename it into place, write the manifest (with the sha256 of
 * every file) last, so a directory without a manifest is visibly incomplete.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../engine/errors.js';
import { makeDirectory } from './output-error.js';
import { bytesToWrite, fileOperation } from './fault-injection.js';
import { LOCK_FILE } from './lock.js';

export const PACKAGE_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

function packageJson(): { version: string; license: string } {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string; license: string };
}

export function packageVersion(): string {
  return packageJson().version;
}

let commit: string | null | undefined;
/** The git commit of the defsim checkout, when known (null outside a git checkout). */
export function gitCommit(): string | null {
  if (commit !== undefined) return commit;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    commit = null;
  }
  return commit;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Create `dir`; refuse when it exists and is not empty (its lock file aside, runners/io/lock.ts), unless `force`. */
export function prepareOutputDirectory(dir: string, force: boolean, key = '--out'): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new InputError(`invalid value for '${key}': ${JSON.stringify(dir)} (allowed: a directory path; this is a file)`);
    if (readdirSync(dir).some((entry) => entry !== LOCK_FILE) && !force) {
      throw new InputError(`invalid value for '${key}': ${JSON.stringify(dir)} is not empty (allowed: a new or empty directory, or add --force to overwrite its defsim files)`);
    }
  }
  makeDirectory(dir);
}

/** Write a file atomically (temporary name, then rename). Returns its sha256. */
export function writeFileAtomic(path: string, content: string | Uint8Array): string {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    writeFileSync(tmp, bytes.subarray(0, bytesToWrite(bytes.length)));
    fileOperation();
    renameSync(tmp, path);
    fileOperation();
  } catch (error) {
    rmSync(tmp, { force: true }); // a full disk leaves no half-written temporary file behind
    throw error;
  }
  return sha256(content);
}

/** Stable JSON: two-space indent and a final newline. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

/** How to cite defsim: the CITATION.cff file beside package.json, and a one-line reference built from it. */
export interface Citation {
  cff: 'CITATION.cff';
  text: string;
}

export interface ToolInfo {
  tool: string;
  version: string;
  gitCommit: string | null;
  node: string;
  citation: Citation;
}

/** What made a result: every manifest (run, sweep, shard, merge and later kinds) spreads this. */
export function toolInfo(): ToolInfo {
  return { tool: 'defsim', version: packageVersion(), gitCommit: gitCommit(), node: process.version, citation: citation() };
}

let cited: Citation | undefined;
/** The citation, read once from CITATION.cff (package.json's name and version when the file is missing). */
export function citation(): Citation {
  if (cited) return cited;
  let cff: { title?: unknown; version?: unknown; license?: unknown; authors?: Array<Record<string, unknown>> } = {};
  try {
    cff = (parseYaml(readFileSync(join(PACKAGE_ROOT, 'CITATION.cff'), 'utf8')) ?? {}) as typeof cff;
  } catch {
    /* an install without CITATION.cff: cite by name and version */
  }
  const authors = (cff.authors ?? []).map((a) => String(a.name ?? [a['given-names'], a['family-names']].filter(Boolean).join(' '))).join(', ');
  const title = typeof cff.title === 'string' ? cff.title : 'defsim';
  const version = String(cff.version ?? packageVersion());
  const license = String(cff.license ?? packageJson().license);
  cited = { cff: 'CITATION.cff', text: `${authors ? `${authors}. ` : ''}${title} (version ${version}) [computer software]. Licence ${license}. See CITATION.cff.` };
  return cited;
}
