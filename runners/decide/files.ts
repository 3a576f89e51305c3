/**
 * Files of a decision analysis (not pure: the I/O around the estimators). Reading the inputs of
 * `defsim decide --x worlds.csv --y outcomes.csv` (docs/FORMATS.md): every bad cell, column or
 * missing combination is an InputError naming it. Writing: decision.csv, evppi.csv, scenarios.csv,
 * scenarios.json, worlds-outcomes.csv and the manifest, each through a temporary name, the
 * manifest last (sensitivity/files.ts `writeAnalysisFiles`).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { InputError, inputError } from '../../engine/errors.js';
import { leftovers } from '../io/leftovers.js';
import { LOCK_FILE } from '../io/lock.js';
import { sha256 } from '../io/outputs.js';
import { isDecimal, parseCsv } from '../io/csv-columns.js';
import type { CriterionDecision } from './decide.js';
import type { CriterionOutcomes, WorldParameters } from './outcomes.js';

/** The names a decide result directory holds (the report in `report/`). */
export const DECISION_FILES = ['decision.csv', 'evppi.csv', 'scenarios.csv', 'scenarios.json', 'worlds-outcomes.csv', 'manifest.json', 'report'] as const;

/** worlds.csv's reserved columns; every other column is a parameter. */
export const WORLD_COLUMN = 'world';
export const WEIGHT_COLUMN = 'weight';
/** outcomes.csv's columns (replicate optional). */
export const OUTCOME_COLUMNS = ['world', 'policy', 'criterion', 'value'] as const;
export const REPLICATE_COLUMN = 'replicate';

export interface WorldsFile {
  readonly ids: readonly string[];
  /** The weight column, when there is one. */
  readonly weights?: Float64Array;
  readonly parameters: WorldParameters;
  readonly sha256: string;
}

export interface OutcomesFile {
  readonly policies: readonly string[];
  readonly criteria: readonly string[];
  /** Criterion name → its outcomes over the worlds of worlds.csv (in its row order), higher is better until told otherwise. */
  readonly outcomes: ReadonlyMap<string, CriterionOutcomes>;
  /** Whether the file has a replicate column. */
  readonly replicated: boolean;
  readonly rows: number;
  readonly sha256: string;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new InputError(`cannot read ${what} '${path}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function records(path: string, text: string, allowed: string): string[][] {
  const rows = parseCsv(text, path).map((r) => r.map((c) => c.trim()));
  if (rows.length < 2) throw new InputError(`'${path}' has no data rows (allowed: ${allowed})`);
  const header = rows[0];
  const seen = new Set<string>();
  header.forEach((name, c) => {
    if (name === '') throw new InputError(`'${path}' column ${c + 1} has an empty name in the header`);
    if (seen.has(name)) throw new InputError(`'${path}' names column '${name}' twice`);
    seen.add(name);
  });
  rows.slice(1).forEach((row, r) => {
    if (row.length !== header.length) throw new InputError(`'${path}' line ${r + 2}: ${row.length} fields, the header has ${header.length}`);
  });
  return rows;
}

function numberCell(path: string, line: number, column: string, cell: string, allowed: string): number {
  const value = cell === '' || !isDecimal(cell) ? NaN : Number(cell); // not 0x10, 1_000 or Infinity
  if (!Number.isFinite(value)) throw new InputError(`invalid value for '${column}' in '${path}' line ${line}: ${JSON.stringify(cell)} (allowed: ${allowed})`);
  return value;
}

/** worlds.csv: a `world` id column, an optional `weight` column, one numeric column per parameter. */
export function readWorlds(path: string): WorldsFile {
  const text = readText(path, 'the worlds');
  const rows = records(path, text, 'a header (world, optional weight, one column per parameter), then one row per world');
  const header = rows[0];
  const worldAt = header.indexOf(WORLD_COLUMN);
  if (worldAt < 0) throw inputError(`${path} header`, header.join(','), `a '${WORLD_COLUMN}' column naming each world, an optional '${WEIGHT_COLUMN}' column and one column per parameter`);
  const weightAt = header.indexOf(WEIGHT_COLUMN);
  const parameterAt = header.map((_, c) => c).filter((c) => c !== worldAt && c !== weightAt);
  if (parameterAt.length === 0) throw inputError(`${path} header`, header.join(','), `at least one parameter column besides '${WORLD_COLUMN}'${weightAt >= 0 ? ` and '${WEIGHT_COLUMN}'` : ''}`);
  const n = rows.length - 1;
  const ids: string[] = [];
  const seen = new Map<string, number>();
  const weights = weightAt >= 0 ? new Float64Array(n) : undefined;
  const columns = parameterAt.map(() => new Float64Array(n));
  for (let r = 1; r <= n; r++) {
    const row = rows[r];
    const id = row[worldAt];
    if (id === '') throw new InputError(`invalid value for '${WORLD_COLUMN}' in '${path}' line ${r + 1}: "" (allowed: a non-empty id)`);
    if (seen.has(id)) throw new InputError(`invalid value for '${WORLD_COLUMN}' in '${path}' line ${r + 1}: ${JSON.stringify(id)} (allowed: each world once; also on line ${seen.get(id)! + 1})`);
    seen.set(id, r);
    ids.push(id);
    if (weights) {
      weights[r - 1] = numberCell(path, r + 1, WEIGHT_COLUMN, row[weightAt], 'a finite weight ≥ 0');
      if (weights[r - 1] < 0) throw new InputError(`invalid value for '${WEIGHT_COLUMN}' in '${path}' line ${r + 1}: ${row[weightAt]} (allowed: a finite weight ≥ 0)`);
    }
    parameterAt.forEach((c, j) => (columns[j][r - 1] = numberCell(path, r + 1, header[c], row[c], 'a finite number (switches as 0 or 1)')));
  }
  if (weights && !weights.some((w) => w > 0)) throw inputError(`${path} ${WEIGHT_COLUMN}`, 0, 'at least one world with a positive weight');
  return { ids, ...(weights ? { weights } : {}), parameters: { names: parameterAt.map((c) => header[c]), columns }, sha256: sha256(text) };
}

/** outcomes.csv, long format: world, policy, criterion, value, optionally replicate. */
export function readOutcomes(path: string, worlds: WorldsFile, pathOfWorlds: string): OutcomesFile {
  const text = readText(path, 'the outcomes');
  const rows = records(path, text, 'a header world,policy,criterion,value (optionally replicate), then one row per value');
  const header = rows[0];
  const allowedColumns = [...OUTCOME_COLUMNS, REPLICATE_COLUMN] as string[];
  for (const name of header) if (!allowedColumns.includes(name)) throw inputError(`${path} header`, name, `the columns ${OUTCOME_COLUMNS.join(', ')} and optionally ${REPLICATE_COLUMN}`);
  for (const name of OUTCOME_COLUMNS) if (!header.includes(name)) throw inputError(`${path} header`, header.join(','), `the columns ${OUTCOME_COLUMNS.join(', ')} (missing '${name}') and optionally ${REPLICATE_COLUMN}`);
  const [worldAt, policyAt, criterionAt, valueAt] = OUTCOME_COLUMNS.map((c) => header.indexOf(c));
  const replicateAt = header.indexOf(REPLICATE_COLUMN);
  const worldIndex = new Map(worlds.ids.map((id, w) => [id, w]));
  const policies: string[] = [];
  const criteria: string[] = [];
  // criterion → policy → world → replicate → value
  const cells = new Map<string, Map<string, Map<number, Map<string, number>>>>();
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    const line = r + 1;
    const world = worldIndex.get(row[worldAt]);
    if (world === undefined) throw new InputError(`invalid value for '${WORLD_COLUMN}' in '${path}' line ${line}: ${JSON.stringify(row[worldAt])} (allowed: a world of '${pathOfWorlds}')`);
    const policy = row[policyAt];
    const criterion = row[criterionAt];
    if (policy === '') throw new InputError(`invalid value for 'policy' in '${path}' line ${line}: "" (allowed: a policy's name)`);
    if (criterion === '') throw new InputError(`invalid value for 'criterion' in '${path}' line ${line}: "" (allowed: a criterion's name)`);
    const value = numberCell(path, line, 'value', row[valueAt], 'a finite number');
    const replicate = replicateAt >= 0 ? row[replicateAt] : '';
    if (replicateAt >= 0 && replicate === '') throw new InputError(`invalid value for '${REPLICATE_COLUMN}' in '${path}' line ${line}: "" (allowed: a replicate id)`);
    if (!policies.includes(policy)) policies.push(policy);
    if (!criteria.includes(criterion)) criteria.push(criterion);
    const byPolicy = cells.get(criterion) ?? new Map<string, Map<number, Map<string, number>>>();
    cells.set(criterion, byPolicy);
    const byWorld = byPolicy.get(policy) ?? new Map<number, Map<string, number>>();
    byPolicy.set(policy, byWorld);
    const byReplicate = byWorld.get(world) ?? new Map<string, number>();
    byWorld.set(world, byReplicate);
    if (byReplicate.has(replicate)) {
      throw new InputError(`'${path}' line ${line} repeats world ${JSON.stringify(row[worldAt])}, policy ${JSON.stringify(policy)}, criterion ${JSON.stringify(criterion)}${replicateAt >= 0 ? `, replicate ${JSON.stringify(replicate)}` : ''} (allowed: one value each${replicateAt >= 0 ? '' : '; add a replicate column for several runs of one world'})`);
    }
    byReplicate.set(replicate, value);
  }
  if (policies.length < 2) throw inputError(`${path} policy`, policies, 'at least two policies to choose between');
  const W = worlds.ids.length;
  const P = policies.length;
  const outcomes = new Map<string, CriterionOutcomes>();
  for (const criterion of criteria) {
    const values = new Float64Array(W * P);
    const replicates = new Float64Array(W * P);
    const withinVariance = new Float64Array(W * P);
    policies.forEach((policy, d) => {
      const byWorld = cells.get(criterion)!.get(policy);
      for (let w = 0; w < W; w++) {
        const runs = byWorld?.get(w);
        if (!runs) {
          throw new InputError(`'${path}' has no value for world ${JSON.stringify(worlds.ids[w])}, policy ${JSON.stringify(policy)}, criterion ${JSON.stringify(criterion)} (allowed: a value for every world of '${pathOfWorlds}', every policy and every criterion)`);
        }
        const list = [...runs.values()];
        const mean = list.reduce((s, v) => s + v, 0) / list.length;
        values[w * P + d] = mean;
        replicates[w * P + d] = list.length;
        withinVariance[w * P + d] = list.length > 1 ? list.reduce((s, v) => s + (v - mean) ** 2, 0) / (list.length - 1) : NaN;
      }
    });
    outcomes.set(criterion, {
      policies, worlds: W, values, higherIsBetter: true,
      ...(replicateAt >= 0 ? { replicates, withinVariance } : {}),
    });
  }
  return { policies, criteria, outcomes, replicated: replicateAt >= 0, rows: rows.length - 1, sha256: sha256(text) };
}

/** A decision directory must be new, empty, or hold an earlier decision analysis (which is replaced). */
export function checkDecisionDirectory(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw inputError('--out', dir, 'a directory path (this is a file)');
  const left = new Set(leftovers(dir)); // a killed writer's temporary files: removed once the lock is taken
  const entries = readdirSync(dir).filter((e) => e !== LOCK_FILE && !left.has(e));
  if (entries.length === 0) return;
  let kind: unknown;
  try {
    kind = (JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8')) as { kind?: unknown }).kind;
  } catch {
    kind = undefined;
  }
  if (kind === 'decision') return;
  // A decide killed before its manifest (or replacing an earlier result, whose manifest goes first)
  // leaves only files of its own: visibly incomplete, and replaced by the next decide.
  const incomplete = !existsSync(`${dir}/manifest.json`) && entries.every((e) => (DECISION_FILES as readonly string[]).includes(e));
  if (!incomplete) throw inputError('--out', dir, 'a new or empty directory, or one holding an earlier defsim decide result (this one holds other files)');
}

// ─── writing ────────────────────────────────────────────────────────────────

/** A number as every defsim CSV writes it: shortest round-trip form; NaN and ±Infinity an empty cell. */
export function numberText(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? String(x) : '';
}

/** Quote a CSV cell when it holds a comma, a quote or a line break (RFC 4180). */
export function cell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}

export function decisionHeader(policies: number): string[] {
  return [
    'criterion', 'policy', 'direction', 'expected_effect', 'expected_effect_se', 'effect_low_95', 'effect_high_95',
    'variance_across_worlds', 'variance_between_worlds', 'variance_within_worlds', 'seed_noise_share',
    'probability_best', 'probability_best_se', 'expected_rank', ...Array.from({ length: policies }, (_, r) => `rank_${r + 1}`),
    'expected_regret', 'expected_regret_se', 'p90_regret', 'max_regret', 'threshold', 'threshold_share', 'expected_best', 'most_likely_best',
  ];
}

/** decision.csv; a criterion that compares fewer policies than another leaves its last rank columns empty. */
export function decisionCsv(decisions: readonly CriterionDecision[]): string {
  const P = Math.max(0, ...decisions.map((d) => d.comparison.policies.length));
  return csv(decisionHeader(P), decisions.flatMap((d) => d.comparison.policies.map((p, i) => [
    cell(d.criterion), cell(p.policy), d.higherIsBetter ? 'higher' : 'lower',
    ...[p.expectedEffect, p.expectedEffectSe, p.effectLow, p.effectHigh, p.varianceAcrossWorlds, p.varianceBetweenWorlds, p.varianceWithinWorlds, p.seedNoiseShare,
      p.probabilityBest, p.probabilityBestSe, p.expectedRank, ...Array.from({ length: P }, (_, r) => p.rankProbabilities[r] ?? NaN),
      p.expectedRegret, p.expectedRegretSe, p.p90Regret, p.maxRegret, d.threshold ?? NaN, p.thresholdShare].map(numberText),
    String(i === d.comparison.expectedBest), String(i === d.comparison.mostLikelyBest),
  ])));
}

export const EVPPI_HEADER = ['criterion', 'parameter', 'kind', 'members', 'method', 'evppi', 'evppi_se', 'share_of_evpi'];

export function evppiCsv(decisions: readonly CriterionDecision[]): string {
  return csv(EVPPI_HEADER, decisions.flatMap((d) => d.information.rows.map((r) => [
    cell(d.criterion), cell(r.parameter), r.kind, cell(r.kind === 'all' ? '' : r.members.join(';')), r.method,
    numberText(r.evppi), numberText(r.evppiSe), numberText(r.shareOfEvpi),
  ])));
}

export const SCENARIOS_HEADER = [
  'criterion', 'row', 'step', 'coverage', 'density', 'mass', 'restricted_count', 'restricted', 'parameter', 'low', 'high', 'quasi_p', 'reproducibility', 'meets_threshold', 'pasted',
];

/** scenarios.csv: per criterion, the trajectory (one row a step), then the chosen box (one row per restricted parameter). */
export function scenariosCsv(decisions: readonly CriterionDecision[]): string {
  const rows: string[][] = [];
  for (const d of decisions) {
    const s = d.scenarios;
    if (!s) continue;
    s.trajectory.forEach((step, i) => rows.push([
      cell(d.criterion), 'trajectory', String(i), numberText(step.coverage), numberText(step.density), numberText(step.mass),
      String(step.restricted.length), cell(step.restricted.join(';')), '', '', '', '', '', '', '',
    ]));
    const box = s.box;
    if (!box) continue;
    for (const dim of box.dimensions) {
      rows.push([
        cell(d.criterion), 'box', String(box.step), numberText(box.coverage), numberText(box.density), numberText(box.mass),
        String(box.dimensions.length), cell(box.dimensions.map((x) => x.parameter).join(';')), cell(dim.parameter),
        numberText(dim.low), numberText(dim.high), numberText(dim.quasiP), numberText(dim.reproducibility), String(box.meetsThreshold), String(box.pasted),
      ]);
    }
  }
  return csv(SCENARIOS_HEADER, rows);
}

/** scenarios.json: the same per criterion, structured, with who is best inside the box and each parameter's range. */
export function scenariosJson(decisions: readonly CriterionDecision[], parameters: WorldParameters): unknown {
  const ranges = Object.fromEntries(parameters.names.map((name, j) => {
    let [low, high] = [Infinity, -Infinity];
    for (const v of parameters.columns[j]) [low, high] = [Math.min(low, v), Math.max(high, v)];
    return [name, [low, high]];
  }));
  return {
    ranges,
    criteria: decisions.filter((d) => d.scenarios).map((d) => {
      const s = d.scenarios!;
      return {
        criterion: d.criterion,
        reference: s.reference,
        label: s.label,
        caseShare: s.caseShare,
        trajectory: s.trajectory,
        box: s.box ? {
          step: s.box.step, coverage: s.box.coverage, density: s.box.density, mass: s.box.mass, pasted: s.box.pasted,
          meetsThreshold: s.box.meetsThreshold, dimensions: s.box.dimensions, dropped: s.box.dropped,
        } : null,
        bestInBox: s.bestInBox,
      };
    }),
  };
}

export const WORLD_OUTCOMES_HEADER = ['criterion', 'world', 'weight', 'policy', 'value', 'regret'];

/** worlds-outcomes.csv: every world's value and regret per criterion and policy (the report's distributions). */
export function worldOutcomesCsv(decisions: readonly CriterionDecision[], outcomes: ReadonlyMap<string, CriterionOutcomes>, ids: readonly string[]): string {
  const lines = [WORLD_OUTCOMES_HEADER.join(',')];
  const quoted = ids.map(cell);
  for (const d of decisions) {
    const o = outcomes.get(d.criterion)!;
    const P = o.policies.length;
    const name = cell(d.criterion);
    const policyCells = o.policies.map(cell);
    const { weights, regret } = d.comparison;
    for (let w = 0; w < o.worlds; w++) {
      const weight = numberText(weights[w]);
      for (let p = 0; p < P; p++) lines.push(`${name},${quoted[w]},${weight},${policyCells[p]},${numberText(o.values[w * P + p])},${numberText(regret[w * P + p])}`);
    }
  }
  return lines.join('\n') + '\n';
}
