/**
 * Reading the manifest of a result directory for `defsim reproduce`, and checking it before
 * anything is re-run: a directory without manifest.json, a manifest that is not JSON, or a file
 * whose sha256 differs from the manifest's (edited after it was written) is refused (InputError,
 * exit code 2) naming the file. Versions that differ from this defsim's are warnings.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { isAbsolute, join, normalize } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { packageVersion } from '../io/outputs.js';
import type { LoadedModel, ModelIdentity } from '../model/load.js';

export { manifestModel } from '../model/manifest-model.js';

/** The fields every manifest has (docs/FORMATS.md); each kind adds its own. */
export interface Manifest {
  kind: string;
  /** Output file name (relative to the directory) → sha256. */
  files: Record<string, string>;
  version?: string;
  /** The model that made it (absent in manifests from before models had names: the defection model). */
  model?: ModelIdentity;
  modelVersion?: string;
  node?: string;
  [key: string]: unknown;
}

/** Read `dir/manifest.json`; refuses a directory without one, or one that is not a defsim manifest. */
export function readManifest(dir: string): Manifest {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(`invalid value for 'dir': ${JSON.stringify(dir)} (allowed: a result directory written by defsim; this is not a directory)`);
  }
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) {
    throw new InputError(`'${dir}' has no manifest.json (allowed: a complete result directory of 'defsim run', 'sweep', 'merge' or 'calibrate'; an interrupted sweep has only its journal: finish it with --resume first)`);
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(`'${path}' is not valid JSON (${(error as Error).message})`);
  }
  const manifest = value as Partial<Manifest> | null;
  if (!manifest || typeof manifest !== 'object' || typeof manifest.kind !== 'string') {
    throw new InputError(`'${path}' has no "kind" (allowed: a manifest written by defsim)`);
  }
  const files = manifest.files;
  if (!files || typeof files !== 'object' || Array.isArray(files) || Object.values(files).some((h) => typeof h !== 'string')) {
    throw new InputError(`'${path}': "files" must map each output file to its sha256`);
  }
  for (const name of Object.keys(files)) {
    if (isAbsolute(name) || normalize(name).startsWith('..') || name.includes('\0')) {
      throw new InputError(`'${path}': the file name ${JSON.stringify(name)} leaves the directory (allowed: names relative to it)`);
    }
  }
  return manifest as Manifest;
}

/** Refuse when a file the manifest lists is missing or its sha256 differs (edited after it was written). */
export function checkFiles(dir: string, manifest: Manifest): void {
  for (const [name, expected] of Object.entries(manifest.files)) {
    const path = join(dir, name);
    if (!existsSync(path)) throw new InputError(`'${path}' is listed in ${join(dir, 'manifest.json')} but missing (allowed: a result directory as defsim wrote it)`);
    const actual = sha256File(path);
    if (actual !== expected) {
      throw new InputError(`'${path}' was changed after it was written: its sha256 is ${actual}, the manifest says ${expected} (allowed: a result directory as defsim wrote it; nothing was re-run)`);
    }
  }
}

/** Lines for each version the manifest records that differs from the one running now. */
export function versionWarnings(dir: string, manifest: Manifest, model: LoadedModel): string[] {
  const now: [string, string | undefined, string][] = [
    ['model version', manifest.modelVersion, model.definition.version],
    ['defsim version', manifest.version, packageVersion()],
    ['Node version', manifest.node, process.version],
  ];
  return now
    .filter(([, then, current]) => then !== undefined && then !== current)
    .map(([what, then, current]) => `'${dir}' was made with ${what} ${then}; this is ${current}, so files may differ`);
}

/** The sha256 of a file, read in 4 MiB pieces (series files can be large). */
export function sha256File(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(1 << 22);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
