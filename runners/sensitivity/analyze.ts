/**
 * One output through one method (pure): Sobol (S1, ST, S2) or Morris (mu, mu*, sigma) with their
 * intervals, the convergence steps and their flags. An output with a non-finite value at some
 * design row, or one that does not vary, is skipped with the reason (never analysed as if it
 * were complete). Outputs as large as ±1e308 are analysed scaled by their largest magnitude
 * (Sobol indices do not depend on the scale; Morris' are scaled back), so no sum overflows; a
 * Morris index that would itself exceed the largest double skips the output, with the reason.
 */
import { morrisConvergence, sobolConvergence, type ConvergenceRow, type ConvergenceSettings, type IndexRow } from './convergence.js';
import type { Problem } from './problem.js';

export type Method = 'sobol' | 'morris';

/** Outputs whose largest magnitude is above this are analysed scaled (their squares would overflow). */
const SCALE_ABOVE = 1e150;

export interface AnalysisSettings extends ConvergenceSettings {
  /** Bootstrap resamples (default 1000). */
  resamples: number;
  /** Seed of the bootstrap streams. */
  seed: number;
  /** Sobol: the design has second-order rows. */
  secondOrder: boolean;
  /** Morris: grid levels of the design. */
  levels: number;
}

export type OutputAnalysis =
  | { skipped: false; rows: IndexRow[]; convergence: ConvergenceRow[] }
  | { skipped: true; reason: string };

/** Analyse one output (one value per design row). `unitX` is the design (rows × inputs), needed by Morris. */
export function analyzeOutput(method: Method, problem: Problem, unitX: Float64Array, values: Float64Array, settings: AnalysisSettings): OutputAnalysis {
  const missing: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) missing.push(i);
  if (missing.length > 0) {
    return { skipped: true, reason: `undefined at ${missing.length} of ${values.length} design rows (first: row ${missing[0]}); ${method === 'sobol' ? 'Sobol' : 'Morris'} indices need a value at every row` };
  }
  let constant = true;
  for (let i = 1; i < values.length && constant; i++) constant = values[i] === values[0];
  if (constant) return { skipped: true, reason: `the same value (${values[0]}) at every design row: nothing to apportion` };
  const options = { resamples: settings.resamples, seed: settings.seed };
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]));
  // Squares and sums of values beyond ~1e154 overflow; smaller outputs are analysed as they are (the same bytes as ever).
  const scale = largest > SCALE_ABOVE ? largest : 1;
  const analysed = scale === 1 ? values : values.map((v) => v / scale);
  const convergence = method === 'sobol'
    ? sobolConvergence(problem, analysed, { ...options, secondOrder: settings.secondOrder }, settings)
    : morrisConvergence(problem, unitX, analysed, { ...options, levels: settings.levels }, settings);
  if (method === 'morris' && scale !== 1) {
    for (const row of convergence) {
      row.value *= scale;
      row.low *= scale;
      row.high *= scale;
      if (row.value === Infinity || row.value === -Infinity || row.high === Infinity || row.low === -Infinity) {
        return { skipped: true, reason: `its Morris ${row.index} for ${row.parameter} exceeds the largest double (about 1.8e308; the output reaches ${largest})` };
      }
    }
  }
  const last = convergence[convergence.length - 1].samples;
  const rows = convergence.filter((r) => r.samples === last).map(({ parameter, index, value, low, high }) => ({ parameter, index, value, low, high }));
  return { skipped: false, rows, convergence };
}
