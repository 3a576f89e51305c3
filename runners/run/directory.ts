/**
 * A single run's directory: series.csv, summary.json and manifest.json (last). The run is made
 * before anything is written, so a run that fails (bad output of a user's model, a parameter
 * clash) leaves nothing behind. One writer per directory (runners/io/lock.ts); an earlier
 * manifest is removed before anything else is replaced, and the new one written last, so a run
 * killed part-way through `--force` never leaves a manifest beside files of another run.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ParameterValues } from '../../engine/model.js';
import { fileOperation } from '../io/fault-injection.js';
import { lockDirectory } from '../io/lock.js';
import { jsonText, prepareOutputDirectory, toolInfo, writeFileAtomic } from '../io/outputs.js';
import type { LoadedModel } from '../model/load.js';
import { seriesCsv, simulate, type RunResult, type SimulateOptions } from './simulate.js';

export interface RunRequest {
  model: LoadedModel;
  scenario: string;
  params: ParameterValues;
  seed: number;
  out: string;
  force?: boolean;
  command?: string;
  simulate?: SimulateOptions;
}

export function runToDirectory(request: RunRequest): RunResult {
  const lock = lockDirectory(request.out); // creates --out if missing; removed again on release if nothing was written
  try {
    prepareOutputDirectory(request.out, request.force ?? false); // refuse a non-empty --out before a long run
    const result = simulate(request.model.definition, request.params, request.seed, request.simulate);
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
    model: request.model.identity,
    modelVersion: result.modelVersion,
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
