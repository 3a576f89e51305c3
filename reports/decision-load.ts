/**
 * Reads a decision analysis (written by `defsim decide`, docs/FORMATS.md): manifest.json with
 * "kind": "decision", decision.csv, evppi.csv, scenarios.json and worlds-outcomes.csv. Files only;
 * no model or runner code.
 */
import { basename } from 'node:path';
import { columnIndex, parseNumberCell, type Table } from './csv.js';
import { ReportInputError } from './errors.js';
import type { InputFilesReader, LoadedCommon } from './input-files.js';

export interface DecisionCriterion {
  readonly name: string;
  readonly higherIsBetter: boolean;
  /** The unit as given (--unit), or ''. */
  readonly unit: string;
  readonly threshold: number | null;
  readonly expectedBest: string;
  readonly mostLikelyBest: string;
  readonly evpi: number;
}

/** One row of decision.csv. */
export interface PolicyRecord {
  readonly policy: string;
  readonly expectedEffect: number;
  readonly expectedEffectSe: number;
  readonly effectLow: number;
  readonly effectHigh: number;
  readonly varianceBetweenWorlds: number;
  readonly varianceWithinWorlds: number;
  readonly seedNoiseShare: number;
  readonly probabilityBest: number;
  readonly probabilityBestSe: number;
  readonly expectedRank: number;
  readonly ranks: readonly number[];
  readonly expectedRegret: number;
  readonly expectedRegretSe: number;
  readonly p90Regret: number;
  readonly maxRegret: number;
  readonly thresholdShare: number;
}

/** One row of evppi.csv. */
export interface EvppiRecord {
  readonly parameter: string;
  readonly kind: 'all' | 'parameter' | 'group';
  readonly members: readonly string[];
  readonly method: string;
  readonly evppi: number;
  readonly evppiSe: number;
  readonly shareOfEvpi: number;
}

export interface BoxDimensionRecord {
  readonly parameter: string;
  readonly low: number | null;
  readonly high: number | null;
  readonly quasiP: number;
  readonly reproducibility: number;
}

export interface ScenarioRecord {
  readonly criterion: string;
  readonly reference: string;
  readonly caseShare: number;
  readonly trajectory: readonly { coverage: number; density: number; mass: number; restricted: readonly string[] }[];
  readonly box: {
    readonly step: number;
    readonly coverage: number;
    readonly density: number;
    readonly mass: number;
    readonly pasted: boolean;
    readonly meetsThreshold: boolean;
    readonly dimensions: readonly BoxDimensionRecord[];
    readonly dropped: readonly Omit<BoxDimensionRecord, 'reproducibility'>[];
  } | null;
  readonly bestInBox: readonly { policy: string; probability: number }[];
}

/** A criterion's per-world values: `values[d][w]`, `regret[d][w]`, and the worlds' weights. */
export interface WorldValues {
  readonly weights: Float64Array;
  readonly values: readonly Float64Array[];
  readonly regret: readonly Float64Array[];
}

export interface DecisionResult extends LoadedCommon {
  readonly kind: 'decision';
  readonly manifest: Readonly<Record<string, unknown>>;
  readonly policies: readonly string[];
  readonly parameters: readonly string[];
  readonly parameterUnits: Readonly<Record<string, string>>;
  readonly criteria: readonly DecisionCriterion[];
  readonly worlds: number;
  readonly effectiveSampleSize: number;
  readonly replicates: boolean;
  readonly densityThreshold: number;
  /** criterion → its policies' rows, in the manifest's policy order. */
  readonly decision: ReadonlyMap<string, readonly PolicyRecord[]>;
  readonly evppi: ReadonlyMap<string, readonly EvppiRecord[]>;
  readonly scenarios: ReadonlyMap<string, ScenarioRecord>;
  /** parameter → [lowest, highest] value across the worlds. */
  readonly ranges: Readonly<Record<string, readonly [number, number]>>;
  readonly worldValues: ReadonlyMap<string, WorldValues>;
}

function strings(value: unknown, file: string, key: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new ReportInputError(file, `"${key}" must be an array of strings`);
  return value;
}

function numberAt(table: Table, row: readonly string[], line: number, column: string): number {
  return parseNumberCell(row[columnIndex(table, column)], table.file, line, column);
}

export async function loadDecision(dir: string, manifest: Record<string, unknown>, files: InputFilesReader): Promise<DecisionResult> {
  const manifestFile = files.path('manifest.json');
  const policies = strings(manifest.policies, manifestFile, 'policies');
  const parameters = strings(manifest.parameters, manifestFile, 'parameters');
  if (!Array.isArray(manifest.criteria)) throw new ReportInputError(manifestFile, '"criteria" must be an array');
  const criteria: DecisionCriterion[] = (manifest.criteria as Record<string, unknown>[]).map((c, i) => {
    if (typeof c?.name !== 'string') throw new ReportInputError(manifestFile, `criteria[${i}].name must be a string`);
    return {
      name: c.name,
      higherIsBetter: c.direction !== 'lower is better',
      unit: typeof c.unit === 'string' ? c.unit : '',
      threshold: typeof c.threshold === 'number' ? c.threshold : null,
      expectedBest: String(c.expectedBest ?? ''),
      mostLikelyBest: String(c.mostLikelyBest ?? ''),
      evpi: typeof c.evpi === 'number' ? c.evpi : NaN,
    };
  });
  const units = (manifest.units ?? {}) as { parameters?: Record<string, string> };
  const source = (manifest.source ?? {}) as Record<string, unknown>;
  const settings = (manifest.settings ?? {}) as { prim?: { threshold?: number } };

  const decisionTable = await files.csv('decision.csv');
  const decision = new Map<string, PolicyRecord[]>();
  decisionTable.rows.forEach((row, i) => {
    const line = i + 2;
    const n = (column: string) => numberAt(decisionTable, row, line, column);
    const criterion = row[columnIndex(decisionTable, 'criterion')];
    const list = decision.get(criterion) ?? [];
    list.push({
      policy: row[columnIndex(decisionTable, 'policy')],
      expectedEffect: n('expected_effect'), expectedEffectSe: n('expected_effect_se'), effectLow: n('effect_low_95'), effectHigh: n('effect_high_95'),
      varianceBetweenWorlds: n('variance_between_worlds'), varianceWithinWorlds: n('variance_within_worlds'), seedNoiseShare: n('seed_noise_share'),
      probabilityBest: n('probability_best'), probabilityBestSe: n('probability_best_se'), expectedRank: n('expected_rank'),
      ranks: policies.map((_, r) => n(`rank_${r + 1}`)),
      expectedRegret: n('expected_regret'), expectedRegretSe: n('expected_regret_se'), p90Regret: n('p90_regret'), maxRegret: n('max_regret'),
      thresholdShare: n('threshold_share'),
    });
    decision.set(criterion, list);
  });

  const evppiTable = await files.csv('evppi.csv');
  const evppi = new Map<string, EvppiRecord[]>();
  evppiTable.rows.forEach((row, i) => {
    const line = i + 2;
    const criterion = row[columnIndex(evppiTable, 'criterion')];
    const kind = row[columnIndex(evppiTable, 'kind')];
    if (kind !== 'all' && kind !== 'parameter' && kind !== 'group') throw new ReportInputError(evppiTable.file, `line ${line}, column "kind": "${kind}" (expected all, parameter or group)`);
    const members = row[columnIndex(evppiTable, 'members')];
    const list = evppi.get(criterion) ?? [];
    list.push({
      parameter: row[columnIndex(evppiTable, 'parameter')], kind, members: members === '' ? [] : members.split(';'), method: row[columnIndex(evppiTable, 'method')],
      evppi: numberAt(evppiTable, row, line, 'evppi'), evppiSe: numberAt(evppiTable, row, line, 'evppi_se'), shareOfEvpi: numberAt(evppiTable, row, line, 'share_of_evpi'),
    });
    evppi.set(criterion, list);
  });

  const scenariosJson = await files.json('scenarios.json');
  const scenarios = new Map<string, ScenarioRecord>();
  const scenarioFile = files.path('scenarios.json');
  if (!Array.isArray(scenariosJson.criteria)) throw new ReportInputError(scenarioFile, '"criteria" must be an array');
  for (const entry of scenariosJson.criteria as ScenarioRecord[]) {
    if (typeof entry?.criterion !== 'string' || !Array.isArray(entry.trajectory)) throw new ReportInputError(scenarioFile, 'each criterion needs "criterion" and "trajectory"');
    scenarios.set(entry.criterion, {
      ...entry,
      box: entry.box ? { ...entry.box, dimensions: entry.box.dimensions.map(nullToNaN), dropped: (entry.box.dropped ?? []).map(nullToNaN) } : null,
    });
  }
  const ranges = (scenariosJson.ranges ?? {}) as Record<string, [number, number]>;

  const worldTable = await files.csv('worlds-outcomes.csv');
  const [cAt, wAt, weightAt, pAt, vAt, rAt] = ['criterion', 'world', 'weight', 'policy', 'value', 'regret'].map((c) => columnIndex(worldTable, c));
  const worldValues = new Map<string, WorldValues>();
  const worldIndex = new Map<string, number>();
  const collected = new Map<string, { weights: number[]; values: number[][]; regret: number[][] }>();
  worldTable.rows.forEach((row, i) => {
    const criterion = row[cAt];
    let entry = collected.get(criterion);
    if (!entry) {
      entry = { weights: [], values: policies.map(() => []), regret: policies.map(() => []) };
      collected.set(criterion, entry);
    }
    const d = policies.indexOf(row[pAt]);
    if (d < 0) throw new ReportInputError(worldTable.file, `line ${i + 2}, column "policy": "${row[pAt]}" is not a policy of the manifest`);
    const key = `${criterion}\u0000${row[wAt]}`;
    let w = worldIndex.get(key);
    if (w === undefined) {
      w = entry.weights.length;
      worldIndex.set(key, w);
      entry.weights.push(parseNumberCell(row[weightAt], worldTable.file, i + 2, 'weight'));
    }
    entry.values[d][w] = parseNumberCell(row[vAt], worldTable.file, i + 2, 'value');
    entry.regret[d][w] = parseNumberCell(row[rAt], worldTable.file, i + 2, 'regret');
  });
  for (const [criterion, entry] of collected) {
    worldValues.set(criterion, {
      weights: Float64Array.from(entry.weights),
      values: entry.values.map((v) => Float64Array.from(v)),
      regret: entry.regret.map((v) => Float64Array.from(v)),
    });
  }
  return {
    kind: 'decision',
    dir,
    name: basename(dir),
    manifest,
    policies,
    parameters,
    parameterUnits: units.parameters ?? {},
    criteria,
    worlds: typeof source.worlds === 'number' ? source.worlds : 0,
    effectiveSampleSize: typeof source.effectiveSampleSize === 'number' ? source.effectiveSampleSize : NaN,
    replicates: source.replicates === true,
    densityThreshold: typeof settings.prim?.threshold === 'number' ? settings.prim.threshold : 0.8,
    decision,
    evppi,
    scenarios,
    ranges,
    worldValues,
    inputFiles: files.read,
    notes: files.checksumNotes(manifest),
  };
}

/** JSON writes NaN as null: read a dimension's numbers back as NaN (limits stay null: unrestricted). */
function nullToNaN<T extends { quasiP: number | null; reproducibility?: number | null }>(d: T): T {
  return { ...d, quasiP: d.quasiP ?? NaN, ...(d.reproducibility !== undefined ? { reproducibility: d.reproducibility ?? NaN } : {}) };
}
