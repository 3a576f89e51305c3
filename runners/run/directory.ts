/**
 * A single run's directory: series.csv, summary.json and manifest.json (last). The run is made
 * before anything is written, so a run that fails (bad output of a user's model, a parameter
 * clash) leaves nothing behind.
 */
import { existsSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ParameterValues } from '../../engine/model.js';
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
  const existed = existsSync(request.out);
  prepareOutputDirectory(request.out, request.force ?? false); // refuse a non-empty --out before a long run
  let result: RunResult;
  try {
    result = simulate(request.model.definition, request.params, request.seed, request.simulate);
  } catch (error) {
    if (!existed) rmdirSync(request.out);
    throw error;
  }
  writeRunDirectory(request.out, result, request);
  return result;
}

export function writeRunDirectory(dir: string, result: RunResult, request: Omit<RunRequest, 'out'>): void {
  const files: Record<string, string> = {};
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
