/**
 * `defsim run`: resolve parameters, simulate, write series.csv, summary.json and manifest.json.
 * One writer per directory (runners/lock.ts); an earlier manifest is removed before anything else
 * is replaced, and the new one written last, so a run killed part-way through `--force` never
 * leaves a manifest beside files of another run.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Parameters } from '../agents/params.js';
import { MODEL_VERSION } from '../agents/model.js';
import { fileOperation } from './fault-injection.js';
import { lockDirectory } from './lock.js';
import { jsonText, prepareOutputDirectory, toolInfo, writeFileAtomic } from './outputs.js';
import { seriesCsv, simulate, type RunResult, type SimulateOptions } from './simulate.js';

export interface RunRequest {
  scenario: string;
  params: Parameters;
  seed: number;
  out: string;
  force?: boolean;
  command?: string;
  simulate?: SimulateOptions;
}

export function runToDirectory(request: RunRequest): RunResult {
  const lock = lockDirectory(request.out);
  try {
    prepareOutputDirectory(request.out, request.force ?? false);
    const result = simulate(request.params, request.seed, request.simulate);
    writeRunDirectory(request.out, result, request);
    return result;
  } finally {
    lock.release();
  }
}

export function writeRunDirectory(dir: string, result: RunResult, request: Omit<RunRequest, 'out'>): void {
  const files: Record<string, string> = {};
  rmSync(join(dir, 'manifest.json'), { force: true }); // an earlier run's (--force): the directory is incomplete until the new one
  fileOperation();
  files['series.csv'] = writeFileAtomic(join(dir, 'series.csv'), seriesCsv(result));
  const summary = { scenario: request.scenario, seed: result.seed, ticks: result.ticks, ...result.summary };
  files['summary.json'] = writeFileAtomic(join(dir, 'summary.json'), jsonText(summary));
  const manifest = {
    kind: 'run',
    ...toolInfo(),
    modelVersion: MODEL_VERSION,
    command: request.command ?? null,
    scenario: request.scenario,
    seed: result.seed,
    ticks: result.ticks,
    parameters: request.params,
    units: result.units,
    files,
  };
  writeFileAtomic(join(dir, 'manifest.json'), jsonText(manifest));
}
