/**
 * Vitest global setup: the CLI tests spawn `node dist/runners/cli.js`, so make sure the compiled
 * build exists and is not older than the TypeScript sources (`npm test` normally builds it through
 * scripts/setup.sh; this covers running vitest directly after editing a source file).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'runners', 'cli.js');

/** Newest modification time of the sources tsc compiles into dist/ (the ones the CLI loads). */
function newestSource(): number {
  let newest = 0;
  const visit = (path: string): void => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else if (/\.(ts|json)$/u.exec(path) && !path.endsWith(".d.ts")) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const part of ['engine', 'agents', 'runners', 'reports', 'bench', 'data', 'index.ts', 'tsconfig.json']) visit(join(ROOT, part));
  return newest;
}

export default function setup(): void {
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newestSource()) return;
  // tsc still emits when another part of the tree (e.g. reports/, work in progress) has type
  // errors, so judge the build by its output, not by tsc's exit code.
  const result = spawnSync('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
  if (!existsSync(CLI)) {
    throw new Error(`could not build ${CLI}:\n${result.stdout}${result.stderr}`);
  }
  if (result.status !== 0) {
    process.stderr.write(`global-setup: tsc reported errors (dist/ was still emitted):\n${result.stdout}${result.stderr}`);
  }
}
