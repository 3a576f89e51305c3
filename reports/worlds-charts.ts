/**
 * The report of a worlds directory (`defsim worlds`): it opens with "What the record says about
 * each assumption" — in words, a table from assumptions.csv and one chart placing every fitted
 * parameter's posterior 90% interval within its prior — then each assumption's marginal posterior
 * against its prior and the rest of the calibration report (calibration-charts.ts, reused).
 */
import type { CalibrationParameter } from './calibration-load.js';
import { priorDensity } from './calibration-load.js';
import { calibrationCharts, calibrationTables } from './calibration-charts.js';
import { formatValue } from './format.js';
import { OTHER_COLOURS } from './palette.js';
import type { ChartPlan } from './run-charts.js';
import type { SensitivityLead } from './sensitivity-charts.js';
import type { ChartSpec, LineSeriesSpec } from './spec.js';
import type { KeyTable } from './tables.js';
import type { AssumptionRow, WorldsResult } from './worlds-load.js';

const COLOURS = {
  assumption: '#D55E00', // vermillion
  calibrated: '#0072B2', // blue
};

/** Three significant digits with a true minus sign. */
function significant(x: number): string {
  if (!Number.isFinite(x)) return '–';
  return String(Number(x.toPrecision(3))).replace('-', '−');
}

function percent(x: number): string {
  return Number.isFinite(x) ? `${Math.round(x * 100)}%` : '–';
}

export function worldsCharts(result: WorldsResult): ChartPlan {
  const calibration = calibrationCharts(result.calibration);
  const roleOf = new Map(result.assumptions.map((a) => [a.parameter, a.role]));
  const marginalOf = (role: string) => calibration.charts.filter((c) => c.kind === 'calibration_marginal' && roleOf.get(c.source.columns[0]) === role);
  const rest = calibration.charts.filter((c) => c.kind !== 'calibration_marginal');
  return {
    charts: [withinPriorChart(result), ...marginalOf('assumption'), ...rest.slice(0, 1), ...marginalOf('calibrated'), ...rest.slice(1)],
    notes: calibration.notes,
  };
}

/** The prior's distribution function at x (parameter space), for the chart's median marks. */
function priorCdf(p: CalibrationParameter, x: number): number {
  const prior = p.prior;
  const z = prior.kind === 'log-uniform' ? Math.log(x) : x;
  const [lo, hi] = prior.kind === 'log-uniform' ? [Math.log(prior.from), Math.log(prior.to)] : [prior.from, prior.to];
  if (z <= lo) return 0;
  if (z >= hi) return 1;
  if (prior.kind !== 'normal') return (z - lo) / (hi - lo);
  // Simpson's rule over the range (the density is unnormalised), cut at ±12 sd.
  const from = Math.max(lo, prior.mean - 12 * prior.sd), to = Math.min(hi, prior.mean + 12 * prior.sd);
  const integrate = (a: number, b: number) => {
    if (!(b > a)) return 0;
    const steps = 2000, h = (b - a) / steps;
    let sum = 0;
    for (let i = 0; i <= steps; i++) sum += (i === 0 || i === steps ? 1 : i % 2 ? 4 : 2) * priorDensity(prior, a + i * h);
    return (sum * h) / 3;
  };
  return integrate(from, Math.min(to, z)) / integrate(from, to);
}

/** Every fitted parameter's posterior median and 90% interval on its prior's quantile scale: untouched, the interval spans 0.05–0.95. */
function withinPriorChart(result: WorldsResult): ChartSpec {
  const parameters = new Map(result.calibration.parameters.map((p) => [p.name, p]));
  const rows = [...result.assumptions.filter((a) => a.role === 'assumption'), ...result.assumptions.filter((a) => a.role === 'calibrated')];
  const categories = rows.map((r) => r.parameter);
  const series: LineSeriesSpec[] = (['assumption', 'calibrated'] as const).map((role) => ({
    label: role === 'assumption' ? 'assumptions: posterior median and 90% interval' : 'calibrated parameters: posterior median and 90% interval',
    colour: COLOURS[role],
    markers: true,
    noLine: true,
    interval: 'whiskers' as const,
    points: rows.map((r, i) => {
      const p = parameters.get(r.parameter);
      if (r.role !== role || !p) return { x: i, y: null };
      return { x: i, y: priorCdf(p, r.posteriorMedian), low: r.priorMassBelow, high: 1 - r.priorMassAbove };
    }),
  }));
  const edge = (y: number, label: string): LineSeriesSpec => ({ label, colour: OTHER_COLOURS.grey, dashed: true, points: [{ x: -0.5, y }, { x: categories.length - 0.5, y }] });
  series.push(edge(0.05, 'the prior\'s own 5% and 95% quantiles (a parameter the record leaves alone spans them)'), { ...edge(0.95, ''), label: '' });
  const constrained = result.assumptions.filter((a) => a.role === 'assumption' && a.constraint !== 'none' && a.constraint !== 'weak').length;
  return {
    file: 'worlds-within-prior.png',
    title: 'Where the record puts each parameter within its prior',
    caption:
      "Each fitted parameter's posterior median and 90% interval, placed on its prior's quantile scale: 0 is the bottom of the prior's range, 1 its top, " +
      'and the prior\'s own 90% interval runs from 0.05 to 0.95 (dashed). An interval that still spans the dashed lines is a parameter the record leaves ' +
      'as it was; one that stops short of a line rules out that end of the prior. Assumptions first (vermillion), then the calibrated parameters (blue). ' +
      `From assumptions.csv (prior_mass_below_q05, prior_mass_above_q95) and the manifest's priors; ${constrained} of ${result.assumptions.filter((a) => a.role === 'assumption').length} assumptions constrained.`,
    kind: 'worlds_within_prior',
    source: { file: 'assumptions.csv', columns: ['parameter', 'role', 'posterior_median', 'prior_mass_below_q05', 'prior_mass_above_q95'] },
    chart: {
      type: 'line',
      x: { title: 'Fitted parameter (assumptions, then calibrated)', format: 'number', categories, everyLabel: true },
      panels: [{ axis: { title: 'Position within the prior\n(prior quantile: 0 = bottom, 1 = top)', format: 'number', min: 0, max: 1 } }],
      series,
      note: 'dashed: the prior\'s 5% and 95% quantiles · whiskers: the posterior 90% interval',
    },
  };
}

function verdictTable(title: string, rows: readonly AssumptionRow[]): KeyTable {
  return {
    title,
    columns: ['parameter', 'prior', 'posterior median', '90% interval', 'sd ratio', 'prior below / above the interval', 'what the record says'],
    rows: rows.map((r) => [
      r.parameter, r.prior, significant(r.posteriorMedian), `${significant(r.q05)} to ${significant(r.q95)}`, significant(r.sdRatio),
      `${percent(r.priorMassBelow)} / ${percent(r.priorMassAbove)}`, r.verdict,
    ]),
  };
}

export function worldsLead(result: WorldsResult): SensitivityLead {
  const assumptions = result.assumptions.filter((a) => a.role === 'assumption');
  const calibrated = result.assumptions.filter((a) => a.role === 'calibrated');
  const ruled = assumptions.filter((a) => a.constraint !== 'none' && a.constraint !== 'weak');
  const weak = assumptions.filter((a) => a.constraint === 'weak');
  const untouched = assumptions.filter((a) => a.constraint === 'none');
  const cal = result.calibration;
  const last = cal.generations.find((g) => g.generation === cal.posterior.generation);
  const scores = (holdout: boolean) => {
    const shares = cal.predictions.filter((p) => p.holdout === holdout).map((p) => p.metShare).filter(Number.isFinite);
    return shares.length ? percent(shares.reduce((a, b) => a + b, 0) / shares.length) : '–';
  };
  const paragraphs = [
    `${result.worlds} plausible worlds: a weighted sample (generation ${cal.posterior.generation}, effective sample size ${last ? formatValue(last.ess, 'number') : '–'}) ` +
      `from the joint posterior of ${calibrated.length} calibrated parameters and ${assumptions.length} assumptions given the record's fitted targets. ` +
      `Their posterior-predictive draws meet each fitted target ${scores(false)} of the time on average, the holdouts ${scores(true)} (worlds.csv holds the worlds and their weights).`,
    ruled.length === 0
      ? `The record constrains none of the ${assumptions.length} assumptions beyond their priors.`
      : `The record constrains ${ruled.length} of the ${assumptions.length} assumptions: ` + ruled.map((a) => `${a.parameter} (${a.verdict.replace(/; posterior sd .*$/, '')})`).join('; ') + '.',
    ...(weak.length ? [`It narrows ${weak.length} more without ruling out either end: ${weak.map((a) => `${a.parameter} (sd ratio ${significant(a.sdRatio)})`).join(', ')}.`] : []),
    ...(untouched.length ? [`It leaves ${untouched.length} as they were: ${untouched.map((a) => a.parameter).join(', ')}. What the policy answer rests on among these is an assumption, not a finding.`] : []),
    'The rule (docs/WORLDS.md): in the prior\'s sampling space, constrained when the posterior sd is at most half the prior\'s; one end ruled out when at least 20% of the prior ' +
      'lies beyond the posterior\'s 90% interval there (5% when untouched); weakly constrained when the sd ratio is at most 0.85.',
  ];
  return {
    title: 'What the record says about each assumption',
    paragraphs,
    tables: [verdictTable('Assumptions: prior against posterior (assumptions.csv)', assumptions)],
  };
}

export function worldsTables(result: WorldsResult): KeyTable[] {
  return [verdictTable('Calibrated parameters: prior against posterior (assumptions.csv)', result.assumptions.filter((a) => a.role === 'calibrated')), ...calibrationTables(result.calibration)];
}
