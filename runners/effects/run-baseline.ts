/**
 * `defsim run --scenario S --baseline B --replicates N`: the effects of one scenario over another
 * in a single command. It is a two-point sweep with common seeds — replicate r of both scenarios
 * runs with seed hashInts(--seed, 0, r), so `seeds: common` in an experiment file gives the same
 * numbers — written as a sweep directory (runs.csv, points.csv, effects.csv), plus effects.json
 * (the scenario's rows of effects.csv, with what they compare) and a table on stdout.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { inputError, InputError } from '../../engine/errors.js';
import type { ModelDefinition, ModelOutcome } from '../../engine/model.js';
import { getPath } from '../../engine/schema.js';
import type { LoadedModel } from '../model/load.js';
import { findScenario, scenarioNames, ticksOf } from '../model/parameters.js';
import type { ExperimentObject } from '../sweep/experiment.js';
import { LOCK_FILE, withDirectoryLock } from '../io/lock.js';
import { jsonText, writeFileAtomic } from '../io/outputs.js';
import { resolveParameters, type Overrides } from '../model/parameters.js';
import { runsProgress } from '../io/progress.js';
import { runSweep, type SweepManifest } from '../sweep/sweep.js';
import { readEffects, type EffectsRow } from './files.js';
import { formatInterval, formatNumber, textTable, type Unit } from './format.js';

export interface BaselineRunRequest {
  model: LoadedModel;
  scenario: string;
  baseline: string;
  replicates: number;
  seed: number;
  /** The config file's overrides, then --set (and --ticks as time.ticks): both scenarios get them. */
  overrides: Overrides[];
  out: string;
  force: boolean;
  quiet: boolean;
  workers?: number;
  command: string;
}

/** Files a baseline run (or a single run) writes; with --force only these are replaced in a non-empty directory. */
const OWN_FILES = ['journal.ndjson', 'runs.csv', 'points.csv', 'effects.csv', 'effects.json', 'manifest.json', 'series.csv', 'summary.json'];

/** The experiment a baseline run is: both scenarios as a list design, common seeds, the baseline named. */
export function baselineExperiment(request: Pick<BaselineRunRequest, 'model' | 'scenario' | 'baseline' | 'replicates' | 'seed' | 'overrides'>): ExperimentObject {
  const model = request.model.definition;
  if (!findScenario(model, request.baseline)) throw inputError('--baseline', request.baseline, `one of ${scenarioNames(model).join(', ')} (see 'defsim scenarios')`);
  // Resolving checks every override; the typed values are then taken from the result.
  const params = resolveParameters(model, request.scenario, ...request.overrides);
  resolveParameters(model, request.baseline, ...request.overrides);
  const set: Record<string, number | boolean | string> = {};
  for (const layer of request.overrides) {
    for (const key of layer.keys()) if (key !== model.ticksParameter) set[key] = getPath(params, key) as number | boolean | string;
  }
  return {
    name: `${request.scenario}-vs-${request.baseline}`,
    description: `defsim run --scenario ${request.scenario} --baseline ${request.baseline} --replicates ${request.replicates}`,
    scenario: request.scenario,
    set,
    ticks: ticksOf(model, params),
    replicates: request.replicates,
    seed: request.seed,
    seeds: 'common',
    design: { type: 'list', points: [{ scenario: request.scenario }, { scenario: request.baseline }] },
    baseline: { scenario: request.baseline },
  };
}

export interface BaselineRunResult {
  rows: EffectsRow[];
  manifest: SweepManifest;
}

export async function runWithBaseline(request: BaselineRunRequest): Promise<BaselineRunResult> {
  const experiment = baselineExperiment(request);
  // Into a non-empty --out (with --force) the run goes to a directory beside it first, and its
  // files replace the earlier ones only when complete: a failed run loses nothing.
  const replacing = checkOut(request.out, request.force);
  const dir = replacing ? join(dirname(request.out), `.${basename(request.out)}.partial-${process.pid}`) : request.out;
  if (replacing) rmSync(dir, { recursive: true, force: true });
  const progress = runsProgress(`run ${request.scenario} over ${request.baseline}`, request.quiet);
  let final: SweepManifest;
  try {
    const outcome = await runSweep(experiment, { model: request.model, out: dir, workers: request.workers, onProgress: (p) => progress.update(p.done, p.total, p.failed) });
    progress.stop();
    // effects.json, then the manifest again (last) with its sha256 and the command, under the directory's lock.
    final = await withDirectoryLock(dir, () => {
      const manifest = outcome.manifest!;
      const files = { ...manifest.files, 'effects.json': writeEffectsJson(dir) };
      const rewritten = { ...manifest, command: request.command, files };
      writeFileAtomic(join(dir, 'manifest.json'), jsonText(rewritten));
      return rewritten;
    });
    if (replacing) await withDirectoryLock(request.out, () => replaceOwnFiles(dir, request.out));
  } catch (error) {
    progress.stop();
    if (replacing) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { rows: readEffects(request.out).rows.filter((row) => row.pointId === 0), manifest: final };
}

/** Whether --out already holds something (then --force is needed, and only defsim's own files are replaced). */
function checkOut(out: string, force: boolean): boolean {
  if (!existsSync(out) || readdirSync(out).length === 0) return false;
  if (!force) {
    throw new InputError(`invalid value for '--out': ${JSON.stringify(out)} is not empty (allowed: a new or empty directory, or add --force to overwrite its defsim files)`);
  }
  return true;
}

/** Move the complete run from `from` into `out`: defsim's earlier files there (and an earlier report of them) go first. */
function replaceOwnFiles(from: string, out: string): void {
  for (const name of OWN_FILES) rmSync(join(out, name), { force: true });
  if (isEarlierReport(join(out, 'report'))) rmSync(join(out, 'report'), { recursive: true, force: true });
  for (const name of readdirSync(from)) if (name !== LOCK_FILE) renameSync(join(from, name), join(out, name));
  rmSync(from, { recursive: true, force: true });
}

function isEarlierReport(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { generator?: unknown }).generator === 'defsim report';
  } catch {
    return false;
  }
}

/**
 * effects.json of a baseline run's directory, from its manifest and effects.csv alone (so
 * `defsim reproduce` re-creates it): the scenario's rows and what they compare. Returns its sha256.
 */
export function writeEffectsJson(dir: string): string {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as SweepManifest;
  const { rows, effects } = readEffects(dir);
  const experiment = manifest.experiment;
  const design = experiment.design as { points: Record<string, unknown>[] };
  const effectsJson = {
    kind: 'effects',
    scenario: design.points[0].scenario,
    baseline: experiment.baseline?.scenario,
    replicates: experiment.replicates,
    seed: experiment.seed,
    seeds: manifest.seeds,
    ticks: experiment.ticks,
    modelVersion: manifest.modelVersion,
    pairing: effects.pairing,
    intervals: effects.intervals,
    ratios: effects.ratios,
    failed: manifest.failed,
    effects: rows.filter((row) => row.pointId === 0).map(({ pointId: _p, parameters: _v, baselinePointId: _b, ...rest }) => rest),
  };
  return writeFileAtomic(join(dir, 'effects.json'), jsonText(effectsJson));
}

const UNITS: Record<ModelOutcome['kind'], Unit> = { count: 'people', index: 'index', usd: 'usd', other: 'number' };

/** The outcomes the table shows: the model's, or every metric of a model that names none. */
function outcomesOf(model: ModelDefinition): { metric: string; label: string; unit: Unit }[] {
  if (model.outcomes) return model.outcomes.effects.map((o) => ({ metric: o.metric, label: o.label, unit: UNITS[o.kind] }));
  return model.metrics.map((m) => ({ metric: m.name, label: m.name, unit: m.count ? 'people' : 'number' }));
}

/** The table `defsim run --baseline` prints. */
export function baselineTable(model: ModelDefinition, rows: readonly EffectsRow[], scenario: string, baseline: string): string[] {
  const byMetric = new Map(rows.map((row) => [row.metric, row]));
  const spendMetric = model.outcomes?.spendMetric;
  const body = outcomesOf(model).filter((o) => byMetric.has(o.metric)).map((o) => {
    const r = byMetric.get(o.metric)!;
    const perMillion = r.effectPerMillionUsd === null ? `n/a (${r.effectPerMillionUsdUndefinedReason})` : formatInterval(r.effectPerMillionUsd, r.effectPerMillionUsdCi95Low, r.effectPerMillionUsdCi95High, o.unit);
    const cost = o.unit !== 'people' ? '' : r.costPerAdditionalDefectionUsd === null
      ? `n/a (${r.costPerAdditionalDefectionUsdUndefinedReason})`
      : formatInterval(r.costPerAdditionalDefectionUsd, r.costPerAdditionalDefectionUsdCi95Low, r.costPerAdditionalDefectionUsdCi95High, 'usd_per_person', false);
    const levels = [o.label, formatNumber(r.baselineMean ?? NaN, o.unit), formatNumber(r.mean ?? NaN, o.unit), formatInterval(r.effect, r.effectCi95Low, r.effectCi95High, o.unit)];
    return spendMetric ? [...levels, o.metric === spendMetric ? '' : perMillion, cost] : levels;
  });
  // A model that records no spend (Granovetter's, Epstein's) gets effects alone: no money columns.
  const money = spendMetric ? ['effect per $1M [95%]', 'cost per additional defection [95%]'] : [];
  return textTable(['outcome', baseline, scenario, 'effect [95% interval]', ...money], body);
}
