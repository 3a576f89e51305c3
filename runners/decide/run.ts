/**
 * `decideExperiment` (*I/O*): a decide experiment run end to end into one directory. Every policy
 * and the baseline run in every world with paired replicates, as a sweep in DIR/runs (the sweep
 * pool, journal, shards and --resume, unchanged: kill -9 and any worker count give the same
 * bytes); then each criterion's value per world and policy (criteria.ts), `decide()` over the
 * worlds, and the files: decision.csv, evppi.csv, scenarios.csv/json, worlds-outcomes.csv,
 * world-criteria.csv, worlds.csv and manifest.json (kind `decision`), the manifest last. The
 * directory is locked while it is written (runners/io/lock.ts).
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, inputError } from '../../engine/errors.js';
import { LOCK_FILE, lockDirectory } from '../io/lock.js';
import { jsonText, sha256, toolInfo, writeFileAtomic } from '../io/outputs.js';
import type { LoadedModel } from '../model/load.js';
import { parseCsv } from '../io/csv-columns.js';
import { planSweep } from '../sweep/design.js';
import { runSweep, type SweepProgress } from '../sweep/sweep.js';
import type { Shard } from '../sweep/shard.js';
import { worldValue, type WorldValue } from './criteria.js';
import { decide, ESTIMATORS, type Criterion, type CriterionDecision } from './decide.js';
import { openDecideExperiment, scenariosRun, sweepExperiment, worldLevers, type CriterionSpec, type DecideExperiment, type OpenedDecideExperiment } from './experiment.js';
import { cell, decisionCsv, evppiCsv, numberText, scenariosCsv, scenariosJson, worldOutcomesCsv } from './files.js';
import type { CriterionOutcomes, WorldParameters } from './outcomes.js';
import { worldsCsv, type Worlds } from './worlds.js';

/** The sweep's own directory inside a decision directory. */
export const RUNS_DIR = 'runs';

export interface DecideExperimentOptions {
  /** The result directory: new or empty, or (with resume) one this experiment was writing. */
  out: string;
  workers?: number;
  /** Finish the experiment journaled in `out` (its runs, then the decision files); a missing or empty `out` just starts it. */
  resume?: boolean;
  /** Run only this shard of the runs into `out`/runs (no decision files: merge the shards' runs, then --resume). */
  shard?: Shard;
  /** The model (the experiment's `model` must agree). */
  model?: string | LoadedModel;
  onProgress?: (progress: SweepProgress) => void;
  /** Run the worlds of this copy (a result directory's worlds.csv) instead of the experiment's source: `defsim reproduce`. */
  worldsCopy?: string;
}

export interface DecideExperimentOutcome {
  readonly opened: OpenedDecideExperiment;
  readonly runs: number;
  readonly ranNow: number;
  readonly failed: number;
  /** null for a shard. */
  readonly decisions: readonly CriterionDecision[] | null;
  /** Worlds left out of the decision because some policy had no replicate pair there (failed runs). */
  readonly worldsLeftOut: readonly string[];
  /** The decision manifest (null for a shard). */
  readonly manifest: Record<string, unknown> | null;
}

/** Run a decide experiment (a file path, an object, or one already opened) into `options.out`. */
export async function decideExperiment(source: string | Record<string, unknown> | OpenedDecideExperiment, options: DecideExperimentOptions): Promise<DecideExperimentOutcome> {
  const opened = isOpened(source)
    ? source
    : await openDecideExperiment(source, { ...(options.model !== undefined ? { model: options.model } : {}), ...(options.worldsCopy ? { worldsCopy: options.worldsCopy } : {}) });
  const { experiment, model, worlds } = opened;
  const inner = sweepExperiment(experiment, worlds, worldLevers(model.definition, experiment, worlds));
  const plan = planSweep(inner, model);
  const out = options.out;
  checkDecideDirectory(out, options.resume ?? false);
  const lock = lockDirectory(out, { key: '--out' });
  try {
    const runsDir = join(out, RUNS_DIR);
    let ranNow = 0;
    let failed: number;
    const finished = finishedSweep(runsDir, plan.hash);
    if (finished !== null && !options.shard) {
      // The runs' own lock, taken and given back: refused while another process writes them, and a
      // lock that a decide killed after its sweep left there is cleared (runners/io/lock.ts).
      lockDirectory(runsDir, { key: '--out' }).release();
      failed = finished.failed;
    } else {
      const outcome = await runSweep(inner, { model, out: runsDir, workers: options.workers, resume: options.resume, shard: options.shard, maxRuns: plan.runs, onProgress: options.onProgress });
      ranNow = outcome.ranNow;
      failed = outcome.failed;
      if (options.shard) return { opened, runs: outcome.runs, ranNow, failed, decisions: null, worldsLeftOut: [], manifest: null };
    }
    const runs = readRuns(runsDir, plan.runs, metricsNeeded(experiment.criteria));
    const analysis = analyse(experiment, worlds, runs);
    const manifest = writeDecision(out, opened, analysis, { runsHash: plan.hash, runs: plan.runs, failed });
    return { opened, runs: plan.runs, ranNow, failed, decisions: analysis.decisions, worldsLeftOut: analysis.leftOut, manifest };
  } finally {
    lock.release();
  }
}

function isOpened(source: unknown): source is OpenedDecideExperiment {
  return typeof source === 'object' && source !== null && 'experiment' in source && 'worlds' in source && 'model' in source && 'fileSha256' in source;
}

/** `out` must be new or empty; with resume, it may hold this experiment's runs and files. */
function checkDecideDirectory(out: string, resume: boolean): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw inputError('--out', out, 'a directory path (this is a file)');
  const entries = readdirSync(out).filter((e) => e !== LOCK_FILE);
  if (entries.length === 0) return;
  if (!resume) {
    throw inputError('--out', out, entries.includes(RUNS_DIR) ? 'a new or empty directory; this one holds a decide experiment (add --resume to finish it, or to recompute its decision files)' : 'a new or empty directory');
  }
  if (!entries.includes(RUNS_DIR)) throw inputError('--out', out, `a directory holding a decide experiment's ${RUNS_DIR}/ to resume, or a new or empty one`);
}

/** A finished, whole sweep of this experiment in `dir` (e.g. merged from shards), or null. */
function finishedSweep(dir: string, hash: string): { failed: number } | null {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return null;
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (manifest.kind !== 'sweep' || manifest.shard !== undefined) return null;
  if (manifest.experimentHash !== hash) {
    throw inputError('--out', dir, `the runs of this experiment; '${path}' holds another sweep (experiment hash ${String(manifest.experimentHash).slice(0, 12)}…): the policies, worlds, set, ticks, replicates or seed changed`);
  }
  const files = manifest.files as Record<string, string> | undefined;
  const runsCsv = join(dir, 'runs.csv');
  if (!files?.['runs.csv'] || !existsSync(runsCsv) || sha256(readFileSync(runsCsv)) !== files['runs.csv']) return null;
  return { failed: typeof manifest.failed === 'number' ? manifest.failed : 0 };
}

/** Per metric, every run's value by run_id (NaN for a failed run or an undefined metric). */
type RunValues = ReadonlyMap<string, Float64Array>;

function metricsNeeded(criteria: readonly CriterionSpec[]): string[] {
  return [...new Set(criteria.flatMap((c) => [c.metric, ...(c.spendMetric ? [c.spendMetric] : [])]))];
}

function readRuns(dir: string, runs: number, metrics: readonly string[]): RunValues {
  const path = join(dir, 'runs.csv');
  const rows = parseCsv(readFileSync(path, 'utf8'), path);
  const header = rows[0];
  const at = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new InputError(`'${path}' has no column '${name}' (allowed: runs.csv as defsim sweep wrote it)`);
    return i;
  };
  const [runAt, statusAt] = [at('run_id'), at('status')];
  const columns = metrics.map(at);
  if (rows.length - 1 !== runs) throw new InputError(`'${path}' has ${rows.length - 1} runs; the experiment makes ${runs}`);
  const out = new Map(metrics.map((m) => [m, new Float64Array(runs).fill(NaN)] as const));
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    if (Number(row[runAt]) !== r - 1) throw new InputError(`'${path}' line ${r + 1}: run ${row[runAt]} out of order`);
    if (row[statusAt] !== 'ok') continue;
    metrics.forEach((m, k) => {
      const text = row[columns[k]];
      out.get(m)![r - 1] = text === '' ? NaN : Number(text);
    });
  }
  return out;
}

interface Analysis {
  readonly decisions: CriterionDecision[];
  /** Every (criterion, world, policy) value, for world-criteria.csv. */
  readonly values: ReadonlyMap<string, WorldValue[][]>;
  readonly kept: readonly number[];
  readonly leftOut: readonly string[];
  readonly outcomes: ReadonlyMap<string, CriterionOutcomes>;
  readonly parameters: WorldParameters;
  readonly weights: Float64Array;
}

/** Each criterion's values per world and policy, then the decision over the worlds where every value is known. */
function analyse(experiment: DecideExperiment, worlds: Worlds, runs: RunValues): Analysis {
  const scenarios = scenariosRun(experiment);
  const S = scenarios.length;
  const R = experiment.replicates;
  const W = worlds.ids.length;
  const replicatesOf = (metric: string, point: number) => runs.get(metric)!.subarray(point * R, (point + 1) * R);
  const values = new Map<string, WorldValue[][]>();
  for (const c of experiment.criteria) {
    values.set(c.name, Array.from({ length: W }, (_, w) => c.policies.map((policy) => {
      const point = w * S + scenarios.indexOf(policy);
      const base = w * S;
      return worldValue(c.kind, {
        policy: replicatesOf(c.metric, point), baseline: replicatesOf(c.metric, base),
        ...(c.spendMetric ? { policySpend: replicatesOf(c.spendMetric, point), baselineSpend: replicatesOf(c.spendMetric, base) } : {}),
      }, { ...(c.ceiling !== undefined ? { ceiling: c.ceiling } : {}), ...(c.spendFloorUsd !== undefined ? { spendFloorUsd: c.spendFloorUsd } : {}) });
    })));
  }
  const kept: number[] = [];
  const leftOut: string[] = [];
  for (let w = 0; w < W; w++) {
    if ([...values.values()].every((byWorld) => byWorld[w].every((v) => v.replicates > 0))) kept.push(w);
    else leftOut.push(worlds.ids[w]);
  }
  if (kept.length === 0) throw new InputError(`no world has a value for every policy and criterion (every world has a failed run; see ${RUNS_DIR}/runs.csv)`);
  const outcomes = new Map<string, CriterionOutcomes>();
  for (const c of experiment.criteria) {
    const P = c.policies.length;
    const n = kept.length;
    const table = { values: new Float64Array(n * P), replicates: new Float64Array(n * P), withinVariance: new Float64Array(n * P) };
    kept.forEach((w, k) => values.get(c.name)![w].forEach((v, d) => {
      table.values[k * P + d] = v.value;
      table.replicates[k * P + d] = v.replicates;
      table.withinVariance[k * P + d] = v.withinVariance;
    }));
    outcomes.set(c.name, { policies: c.policies, worlds: n, higherIsBetter: c.direction === 'higher', ...table });
  }
  const parameters: WorldParameters = { names: worlds.parameters.names, columns: worlds.parameters.columns.map((col) => Float64Array.from(kept, (w) => col[w])) };
  const weights = Float64Array.from(kept, (w) => worlds.weights[w]);
  const criteria: Criterion[] = experiment.criteria.map((c) => ({ name: c.name, outcomes: outcomes.get(c.name)!, ...(c.threshold !== undefined ? { threshold: c.threshold } : {}) }));
  const decisions = decide(criteria, parameters, {
    weights,
    tieTolerance: experiment.tieTolerance,
    evppi: { groups: experiment.evppi.groups, draws: experiment.evppi.draws, seed: experiment.prim.seed, gp: { fitSamples: experiment.evppi.gpSamples } },
    prim: experiment.prim,
    primKey: (name) => `prim.${name}`,
  });
  return { decisions, values, kept, leftOut, outcomes, parameters, weights };
}

export const WORLD_CRITERIA_HEADER = ['criterion', 'world', 'policy', 'replicates', 'effect', 'spend_over_baseline_usd', 'value', 'within_variance', 'note'];

/** world-criteria.csv: how each value was made — the effect and spend over the baseline behind it, and what the rule did. */
export function worldCriteriaCsv(experiment: DecideExperiment, worlds: Worlds, values: ReadonlyMap<string, WorldValue[][]>): string {
  const lines = [WORLD_CRITERIA_HEADER.join(',')];
  for (const c of experiment.criteria) {
    const byWorld = values.get(c.name)!;
    worlds.ids.forEach((id, w) => c.policies.forEach((policy, d) => {
      const v = byWorld[w][d];
      lines.push([cell(c.name), cell(id), cell(policy), String(v.replicates), numberText(v.effect), numberText(v.spendOverBaseline), numberText(v.value), numberText(v.withinVariance), cell(v.note)].join(','));
    }));
  }
  return lines.join('\n') + '\n';
}

/** How a criterion's value in a world is made, in words (the manifest). */
export function definition(c: CriterionSpec, baseline: string): string {
  const pair = `replicate r of the policy against replicate r of ${baseline} in the same world (same seed)`;
  if (c.kind === 'effect') return `mean over the replicates of ${c.metric}(policy) − ${c.metric}(${baseline}), ${pair}`;
  if (c.kind === 'per_million_usd') {
    return `mean extra ${c.metric} / (mean extra ${c.spendMetric} / 10^6), ${pair}; where the mean extra spend is below ${c.spendFloorUsd} USD (e.g. a policy that spends nothing), the mean extra ${c.metric} per ${c.spendFloorUsd! / 1e6} US$1M`;
  }
  return `mean extra ${c.spendMetric} / mean extra ${c.metric} (US$ of the group's own spend per additional person), ${pair}; ${c.ceiling} (the ceiling) where the mean extra ${c.metric} is ≤ 0 (no additional person bought) or the cost is above it`;
}

/** The parameters' units from the model's schema, for the report's words ('1' and share left out: unitless). */
function parameterUnits(worlds: Worlds): Record<string, string> {
  const out: Record<string, string> = {};
  worlds.parameters.names.forEach((name, j) => {
    const unit = worlds.specs[j].unit;
    if (unit && unit !== '1' && unit !== 'share' && worlds.specs[j].type === 'number') out[name] = unit;
  });
  return out;
}

function writeDecision(out: string, opened: OpenedDecideExperiment, analysis: Analysis, sweep: { runsHash: string; runs: number; failed: number }): Record<string, unknown> {
  const { experiment, model, worlds } = opened;
  const { decisions } = analysis;
  const keptIds = analysis.kept.map((w) => worlds.ids[w]);
  const files: Record<string, string> = {
    'decision.csv': decisionCsv(decisions),
    'evppi.csv': evppiCsv(decisions),
    'scenarios.csv': scenariosCsv(decisions),
    'scenarios.json': jsonText(scenariosJson(decisions, analysis.parameters)),
    'worlds-outcomes.csv': worldOutcomesCsv(decisions, analysis.outcomes, keptIds),
    'world-criteria.csv': worldCriteriaCsv(experiment, worlds, analysis.values),
    'worlds.csv': worldsCsv(worlds),
  };
  rmSync(join(out, 'manifest.json'), { force: true }); // no manifest until every file is complete
  const hashes: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) hashes[name] = writeFileAtomic(join(out, name), content);
  for (const name of ['runs.csv', 'points.csv']) hashes[`${RUNS_DIR}/${name}`] = sha256(readFileSync(join(out, RUNS_DIR, name)));
  const notes = (c: CriterionSpec) => {
    const counts: Record<string, Record<string, number>> = {};
    analysis.values.get(c.name)!.forEach((byPolicy) => byPolicy.forEach((v, d) => {
      if (v.note === 'defined') return;
      const p = (counts[c.policies[d]] ??= {});
      p[v.note] = (p[v.note] ?? 0) + 1;
    }));
    return counts;
  };
  const units = { criteria: Object.fromEntries(experiment.criteria.map((c) => [c.name, c.unit])), parameters: parameterUnits(worlds) };
  const levers = worldLevers(model.definition, experiment, worlds);
  const manifest = {
    kind: 'decision',
    experiment,
    ...(opened.fileSha256 ? { experimentSha256: opened.fileSha256 } : {}),
    source: {
      worlds: analysis.kept.length,
      weights: worlds.source.weights,
      effectiveSampleSize: decisions[0].comparison.effectiveSampleSize,
      replicates: true,
      worldsFile: 'worlds.csv',
      worldsSource: worlds.source,
      ...(analysis.leftOut.length > 0 ? { worldsLeftOut: analysis.leftOut } : {}),
      runs: { dir: RUNS_DIR, experimentHash: sweep.runsHash, runs: sweep.runs, failed: sweep.failed, seeds: `replicate r of every scenario in world w runs with seed hashInts(${experiment.seed}, w, r) (engine/rng.ts): paired within a world, other seeds in other worlds` },
    },
    policies: experiment.policies,
    baseline: experiment.baseline,
    parameters: worlds.parameters.names,
    groups: experiment.evppi.groups,
    ...(Object.keys(levers).length > 0 ? { worldLevers: { note: "parameters of the worlds that a compared scenario also sets: in the scenarios listed the scenario's value runs (a policy's levers are its own), in the others the world's", parameters: levers } } : {}),
    criteria: decisions.map((d, i) => {
      const c = experiment.criteria[i];
      return {
        name: d.criterion, metric: c.metric, kind: c.kind,
        direction: d.higherIsBetter ? 'higher is better' : 'lower is better',
        unit: c.unit, threshold: d.threshold, policies: c.policies,
        ...(c.spendMetric ? { spendMetric: c.spendMetric } : {}),
        ...(c.ceiling !== undefined ? { ceiling: c.ceiling } : {}),
        ...(c.spendFloorUsd !== undefined ? { spendFloorUsd: c.spendFloorUsd } : {}),
        definition: definition(c, experiment.baseline),
        notDefined: notes(c),
        expectedBest: d.comparison.policies[d.comparison.expectedBest].policy,
        mostLikelyBest: d.comparison.policies[d.comparison.mostLikelyBest].policy,
        evpi: d.information.evpi,
      };
    }),
    units,
    settings: {
      tieTolerance: experiment.tieTolerance,
      effectInterval: 0.95,
      evppi: { draws: experiment.evppi.draws, seed: experiment.prim.seed, gpFitSamples: experiment.evppi.gpSamples },
      prim: experiment.prim,
    },
    estimators: ESTIMATORS,
    model: model.identity,
    modelVersion: model.definition.version,
    ...toolInfo(),
    files: hashes,
  };
  writeFileAtomic(join(out, 'manifest.json'), jsonText(manifest));
  return manifest;
}
