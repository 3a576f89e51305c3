/**
 * Reading effects.csv back: `effects(sweepDir)` returns its rows as plain records (the library
 * API; `defsim run --baseline` and the main job read their effects this way too). An empty cell
 * — an undefined value — is null.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { parseCsv } from '../../reports/csv.js';
import { EFFECT_COLUMNS, type EffectsManifest } from './csv.js';

export interface EffectsRow {
  pointId: number;
  /** The point's varied parameters (numbers, booleans and names as in runs.csv). */
  parameters: Record<string, number | boolean | string>;
  baselinePointId: number;
  metric: string;
  n: number;
  baselineMean: number | null;
  mean: number | null;
  effect: number | null;
  effectCi95Low: number | null;
  effectCi95High: number | null;
  spendOverBaselineUsd: number | null;
  effectPerMillionUsd: number | null;
  effectPerMillionUsdCi95Low: number | null;
  effectPerMillionUsdCi95High: number | null;
  costPerAdditionalDefectionUsd: number | null;
  costPerAdditionalDefectionUsdCi95Low: number | null;
  costPerAdditionalDefectionUsdCi95High: number | null;
  effectPerMillionUsdUndefinedReason: string | null;
  costPerAdditionalDefectionUsdUndefinedReason: string | null;
  /** The spend the cost divides (the group's own, or the whole spend); null when no cost. */
  costSpendMetric: string | null;
  costSpendOverBaselineUsd: number | null;
}

/** snake_case column → camelCase field. */
const field = (column: string) => column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function parameterValue(text: string): number | boolean | string {
  if (text === 'true' || text === 'false') return text === 'true';
  const x = Number(text);
  return text.trim() !== '' && Number.isFinite(x) ? x : text;
}

/** The rows of `<sweepDir>/effects.csv`, in file order (point_id, then metric). */
export function effects(sweepDir: string): EffectsRow[] {
  return readEffects(sweepDir).rows;
}

export interface EffectsFile {
  rows: EffectsRow[];
  varied: string[];
  /** What manifest.json says about effects.csv (baseline, pairing, how intervals were made). */
  effects: EffectsManifest;
}

export function readEffects(sweepDir: string): EffectsFile {
  const path = join(sweepDir, 'effects.csv');
  let text: string;
  let manifest: { varied?: string[]; effects?: EffectsManifest };
  try {
    manifest = JSON.parse(readFileSync(join(sweepDir, 'manifest.json'), 'utf8'));
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read the effects of '${sweepDir}': ${code === 'ENOENT' ? 'no effects.csv or manifest.json there (allowed: a finished sweep directory whose experiment has a baseline)' : String(error)}`);
  }
  const table = parseCsv(text, path);
  const varied = manifest.varied ?? [];
  const at = (column: string) => {
    const i = table.header.indexOf(column);
    if (i < 0) throw new InputError(`'${path}' has no column '${column}' (allowed: effects.csv as docs/FORMATS.md describes it)`);
    return i;
  };
  const columns = EFFECT_COLUMNS.map((c) => [c, at(c)] as const);
  const pointAt = at('point_id');
  const variedAt = varied.map((v) => [v, at(v)] as const);
  const rows = table.rows.map((cells) => {
    const row: Record<string, unknown> = { pointId: Number(cells[pointAt]), parameters: Object.fromEntries(variedAt.map(([v, i]) => [v, parameterValue(cells[i])])) };
    for (const [column, i] of columns) {
      const cell = cells[i];
      if (column === 'metric' || column.endsWith('_reason') || column === 'cost_spend_metric') row[field(column)] = column === 'metric' ? cell : cell === '' ? null : cell;
      else row[field(column)] = cell === '' ? null : Number(cell);
    }
    return row as unknown as EffectsRow;
  });
  return { rows, varied, effects: manifest.effects! };
}
