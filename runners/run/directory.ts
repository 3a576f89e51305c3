/**
 * `defsim run`: resolve parameters, simulate, write series.csv, summary.json and manifest.json.
 */
import { join } from 'node:path';
import type { Parameters } from '../../agents/defection/params.js';
import { MODEL_VERSION } from '../../agents/defection/model.js';
import { jsonText, prepareOutputDirectory, toolInfo, writeFileAtomic } from '../io/outputs.js';
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
  prepareOutputDirectory(request.out, request.force ?? false);
  const result = simulate(request.params, request.seed, request.simulate);
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
