/**
 * Index tables and their convergence. `sobolRows` / `morrisRows` flatten indices into the rows of
 * sensitivity.csv (parameter, index, value, 95% interval). The convergence functions recompute
 * the indices on the first N/8, N/4, N/2 and N base samples (Sobol) or trajectories (Morris) —
 * each a prefix of the design, so no new runs — and flag, at the last step, every index whose
 * interval is wider than `maxWidth` ("wide") or which moved by more than `moveTolerance` between
 * the last two steps ("moving"). For Morris the two thresholds are shares of the largest mu*, since
 * mu* is in the output's own units. Pure.
 */
import { analyzeMorris, type MorrisAnalysisOptions, type MorrisIndices } from './morris-analysis.js';
import { factorsOf, type Problem } from './problem.js';
import { analyzeSobol, type SobolAnalysisOptions, type SobolIndices } from './sobol-analysis.js';

export type IndexName = 'S1' | 'ST' | 'S2' | 'mu' | 'mu_star' | 'sigma';

/** One row of sensitivity.csv (less the metric). */
export interface IndexRow {
  /** The factor, or `a:b` for a second-order pair. */
  parameter: string;
  index: IndexName;
  value: number;
  low: number;
  high: number;
}

export function sobolRows(s: SobolIndices): IndexRow[] {
  const rows: IndexRow[] = [];
  const row = (parameter: string, index: IndexName, value: number, conf: number) => rows.push({ parameter, index, value, low: value - conf, high: value + conf });
  s.factors.forEach((f, i) => row(f, 'S1', s.S1[i], s.S1Conf[i]));
  s.factors.forEach((f, i) => row(f, 'ST', s.ST[i], s.STConf[i]));
  if (s.S2 && s.S2Conf) {
    const k = s.factors.length;
    for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) row(`${s.factors[i]}:${s.factors[j]}`, 'S2', s.S2[i * k + j], s.S2Conf[i * k + j]);
  }
  return rows;
}

/** mu, mu_star (with its interval) and sigma; mu and sigma have no interval (NaN bounds). */
export function morrisRows(m: MorrisIndices): IndexRow[] {
  const rows: IndexRow[] = [];
  m.factors.forEach((f, i) => rows.push({ parameter: f, index: 'mu', value: m.mu[i], low: NaN, high: NaN }));
  m.factors.forEach((f, i) => rows.push({ parameter: f, index: 'mu_star', value: m.muStar[i], low: m.muStar[i] - m.muStarConf[i], high: m.muStar[i] + m.muStarConf[i] }));
  m.factors.forEach((f, i) => rows.push({ parameter: f, index: 'sigma', value: m.sigma[i], low: NaN, high: NaN }));
  return rows;
}

export interface ConvergenceSettings {
  /** Flag an index whose 95% interval at the full design is wider than this (default 0.1). */
  maxWidth?: number;
  /** Flag an index that moved by more than this between the last two steps (default 0.05). */
  moveTolerance?: number;
}

export const DEFAULT_MAX_WIDTH = 0.1;
export const DEFAULT_MOVE_TOLERANCE = 0.05;

export interface ConvergenceRow extends IndexRow {
  /** Base samples (Sobol) or trajectories (Morris) used at this step. */
  samples: number;
  /** At the last step: '', 'wide', 'moving' or 'wide;moving'; empty before. */
  flag: string;
}

/** The steps N/8, N/4, N/2, N that have at least `least` samples. */
export function convergenceSteps(total: number, least = 2): number[] {
  return [...new Set([total / 8, total / 4, total / 2, total].map(Math.floor).filter((n) => n >= least))];
}

function flagged(steps: { samples: number; rows: IndexRow[] }[], maxWidth: number, moveTolerance: number, only?: (row: IndexRow) => boolean): ConvergenceRow[] {
  const out: ConvergenceRow[] = [];
  steps.forEach((step, s) => {
    const last = s === steps.length - 1;
    const previous = s > 0 ? steps[s - 1].rows : null;
    step.rows.forEach((row, r) => {
      let flag = '';
      if (last && (!only || only(row))) {
        const reasons: string[] = [];
        if (!(row.high - row.low <= maxWidth)) reasons.push('wide');
        if (previous && !(Math.abs(row.value - previous[r].value) <= moveTolerance)) reasons.push('moving');
        flag = reasons.join(';');
      }
      out.push({ ...row, samples: step.samples, flag });
    });
  });
  return out;
}

/** Sobol indices on the first N/8, N/4, N/2 and N base samples of a Saltelli design's outputs. */
export function sobolConvergence(problem: Problem, outputs: Float64Array, options: SobolAnalysisOptions, settings: ConvergenceSettings = {}): ConvergenceRow[] {
  const k = factorsOf(problem).names.length;
  const step = (options.secondOrder ?? true) ? 2 * k + 2 : k + 2;
  if (outputs.length % step !== 0) analyzeSobol(problem, outputs, options); // throws: not whole Saltelli blocks
  const total = outputs.length / step;
  const steps = convergenceSteps(total).map((n) => ({ samples: n, rows: sobolRows(analyzeSobol(problem, outputs.subarray(0, n * step), options)) }));
  return flagged(steps, settings.maxWidth ?? DEFAULT_MAX_WIDTH, settings.moveTolerance ?? DEFAULT_MOVE_TOLERANCE);
}

/** Morris indices on the first r/8, r/4, r/2 and r trajectories; mu* is flagged, relative to the largest mu*. */
export function morrisConvergence(problem: Problem, X: Float64Array, outputs: Float64Array, options: MorrisAnalysisOptions, settings: ConvergenceSettings = {}): ConvergenceRow[] {
  const inputs = problem.names.length;
  const size = factorsOf(problem).names.length + 1;
  if (outputs.length % size !== 0) analyzeMorris(problem, X, outputs, options); // throws: not whole trajectories
  const total = outputs.length / size;
  const steps = convergenceSteps(total).map((n) => ({
    samples: n,
    rows: morrisRows(analyzeMorris(problem, X.subarray(0, n * size * inputs), outputs.subarray(0, n * size), options)),
  }));
  const final = steps[steps.length - 1].rows.filter((r) => r.index === 'mu_star');
  const scale = Math.max(...final.map((r) => r.value)) || 1;
  return flagged(steps, (settings.maxWidth ?? DEFAULT_MAX_WIDTH) * scale, (settings.moveTolerance ?? DEFAULT_MOVE_TOLERANCE) * scale, (r) => r.index === 'mu_star');
}
