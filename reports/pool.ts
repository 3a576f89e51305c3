/**
 * The worker-thread pool that renders charts in parallel. It always runs the compiled worker: from dist/ it is the
 * file beside this one; from source (vitest runs reports/*.ts) it is the dist/ equivalent, so build first
 * (`npm test` does, through scripts/setup.sh).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { RenderTask } from './render-worker.js';

export type RenderPool = Piscina<RenderTask, number>;

/** Path of the compiled worker for the code that is running now. */
export function renderWorkerFile(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return join(resolve(dirname(here), '..'), 'dist', 'reports', 'render-worker.js');
  return join(dirname(here), 'render-worker.js');
}

/** When running from source, the compiled worker must exist and be newer than every reports/*.ts file. */
function checkCompiledWorker(workerFile: string): void {
  const build = 'build it with `npx tsc -p tsconfig.json` (`npm test` does this through scripts/setup.sh)';
  if (!existsSync(workerFile)) throw new Error(`chart render worker ${workerFile} is missing: ${build}`);
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return;
  const sourceDir = dirname(here);
  const builtAt = statSync(workerFile).mtimeMs;
  const newer = readdirSync(sourceDir).filter((f) => f.endsWith('.ts') && statSync(join(sourceDir, f)).mtimeMs > builtAt);
  if (newer.length > 0) throw new Error(`chart render worker ${workerFile} is older than reports/${newer[0]}: re${build.slice(1)}`);
}

export function createRenderPool(threads: number): RenderPool {
  const workerFile = renderWorkerFile();
  checkCompiledWorker(workerFile);
  return new Piscina<RenderTask, number>({
    filename: pathToFileURL(workerFile).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 1000,
  });
}
