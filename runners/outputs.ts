/**
 * Writing result directories safely: refuse a non-empty directory unless forced, write each
 * file through a temporary name and rename it into place, write the manifest (with the sha256 of
 * every file) last, so a directory without a manifest is visibly incomplete.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../engine/errors.js';

export const PACKAGE_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
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

/** Create `dir`; refuse when it exists and is not empty, unless `force`. */
export function prepareOutputDirectory(dir: string, force: boolean, key = '--out'): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new InputError(`invalid value for '${key}': ${JSON.stringify(dir)} (allowed: a directory path; this is a file)`);
    if (readdirSync(dir).length > 0 && !force) {
      throw new InputError(`invalid value for '${key}': ${JSON.stringify(dir)} is not empty (allowed: a new or empty directory, or add --force to overwrite its defsim files)`);
    }
  }
  mkdirSync(dir, { recursive: true });
}

/** Write a file atomically (temporary name, then rename). Returns its sha256. */
export function writeFileAtomic(path: string, content: string | Uint8Array): string {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
  return sha256(content);
}

/** Stable JSON: two-space indent and a final newline. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

export function toolInfo(): { tool: string; version: string; gitCommit: string | null; node: string } {
  return { tool: 'defsim', version: packageVersion(), gitCommit: gitCommit(), node: process.version };
}
