/**
 * Chart specifications and key tables for a calibration (reports read its files only): marginal
 * posteriors against their priors, pairwise scatter plots of the most correlated parameters,
 * tolerance, acceptance and ESS by generation, identifiability, and the posterior-predictive
 * check — each calibrated series' 50% and 90% bands over time with the observed points and their
 * tolerance bars, holdouts in their own colour and scored apart.
 */
import { axisTitle, displayName, formatForName, formatValue, MONTH_AXIS_TITLE, slug, unitLabel } from './format.js';
import { formatOfUnit, NO_UNIT, recordedUnits, titled, usesGenericCharts } from './units.js';
import type { CalibrationParameter, CalibrationResult, CalibrationTargetInfo, PredictionRow } from './calibration-load.js';
import { priorDensity } from './calibration-load.js';
import { OTHER_COLOURS } from './palette.js';
import type { ChartPlan } from './run-charts.js';
import type { AxisSpec, ChartSpec, LineSeriesSpec, PointSpec, TargetSetSpec } from './spec.js';
import type { KeyTable } from './tables.js';

/** Okabe-Ito roles in every calibration chart. */
const COLOURS = {
  posterior: '#0072B2', // blue
  prior: OTHER_COLOURS.grey,
  fitted: OTHER_COLOURS.black,
  holdout: '#D55E00', // vermillion: holdouts, never fitted
  scenario: '#009E73', // bluish green: the scenario's value before calibration
  notIdentified: '#E69F00', // orange
};
const HISTOGRAM_BINS = 30;
const MAX_PAIRS = 3;

export function calibrationCharts(result: CalibrationResult): ChartPlan {
  const plan: ChartPlan = { charts: [], notes: [] };
  plan.charts.push(generationsChart(result));
  plan.charts.push(...result.parameters.map((p, k) => marginalChart(result, p, k)));
  if (result.parameters.length >= 2) plan.charts.push(...pairCharts(result));
  plan.charts.push(identifiabilityChart(result));
  const { charts, notes } = predictiveSeriesCharts(result);
  plan.charts.push(...charts, predictiveTargetsChart(result));
  plan.notes.push(...notes);
  return plan;
}

// ─── generations ────────────────────────────────────────────────────────────

function generationsChart(result: CalibrationResult): ChartSpec {
  const rows = result.generations;
  const categories = rows.map((g) => `${g.generation}${g.complete ? '' : ' (stopped)'}`);
  const point = (i: number, y: number): PointSpec => ({ x: i, y: Number.isFinite(y) && y > 0 ? y : null });
  const series: LineSeriesSpec[] = [
    { label: 'tolerance (generation 0: every simulation accepted)', colour: COLOURS.posterior, markers: true, points: rows.map((g, i) => point(i, g.tolerance)), panel: 0 },
    { label: 'acceptance rate', colour: COLOURS.fitted, markers: true, points: rows.map((g, i) => point(i, g.acceptanceRate)), panel: 1 },
    { label: 'effective sample size', colour: COLOURS.scenario, markers: true, points: rows.map((g, i) => point(i, g.complete ? g.ess : Number.NaN)), panel: 2 },
  ];
  const method = result.manifest.method as { until?: { acceptanceRate?: number } } | undefined;
  const floor = method?.until?.acceptanceRate;
  return {
    file: 'calibration-generations.png',
    title: 'Tolerance, acceptance rate and effective sample size by generation',
    caption:
      'ABC-SMC generations (x): the tolerance each generation accepted distances under (distance units: the root-mean-square residual in ' +
      "tolerance units of the fitted targets), the share of its simulations accepted, and the effective sample size of its particles' weights. " +
      `The calibration stops after a generation whose acceptance rate falls below until.acceptanceRate${floor !== undefined ? ` (${floor})` : ''} or after until.generations; a generation marked "stopped" ran out of its simulation budget and is not part of the posterior.`,
    kind: 'calibration_generations',
    source: { file: 'generations.csv', columns: ['generation', 'tolerance', 'acceptance_rate', 'ess', 'complete'] },
    chart: {
      type: 'line',
      x: { title: 'Generation', format: 'number', categories, everyLabel: true },
      panels: [
        { axis: { title: 'Tolerance\n(distance, log)', format: 'number', log: true, padded: true } },
        { axis: { title: 'Acceptance\n(share, log)', format: 'share', log: true, padded: true } },
        { axis: { title: 'ESS\n(particles)', format: 'number', min: 0, padded: true } },
      ],
      series,
      note: 'one point per generation · log axes for the tolerance and the acceptance rate',
    },
  };
}

// ─── marginal posteriors ────────────────────────────────────────────────────

function isLog(p: CalibrationParameter): boolean {
  return p.prior.kind === 'log-uniform';
}

function toSampling(p: CalibrationParameter, x: number): number {
  return isLog(p) ? Math.log(x) : x;
}

function fromSampling(p: CalibrationParameter, z: number): number {
  return isLog(p) ? Math.exp(z) : z;
}

/** The range drawn: the prior's support, a normal cut at ±4 sd. */
function samplingRange(p: CalibrationParameter): [number, number] {
  const prior = p.prior;
  if (prior.kind === 'normal') return [Math.max(prior.from, prior.mean - 4 * prior.sd), Math.min(prior.to, prior.mean + 4 * prior.sd)];
  return [toSampling(p, prior.from), toSampling(p, prior.to)];
}

function parameterAxis(p: CalibrationParameter): AxisSpec {
  const unit = p.unit === '1' ? '' : `, ${p.unit}`;
  return { title: `${p.name} (${isLog(p) ? 'log scale' : 'linear'}${unit})`, format: 'number', log: isLog(p), padded: true };
}

function marginalChart(result: CalibrationResult, p: CalibrationParameter, k: number): ChartSpec {
  const [lo, hi] = samplingRange(p);
  const width = (hi - lo) / HISTOGRAM_BINS;
  const mass = new Array<number>(HISTOGRAM_BINS).fill(0);
  const values = result.posterior.values[k];
  values.forEach((x, i) => {
    const bin = Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor((toSampling(p, x) - lo) / width)));
    mass[bin] += result.posterior.weights[i];
  });
  const total = mass.reduce((a, b) => a + b, 0);
  const centre = (bin: number) => lo + (bin + 0.5) * width;
  const priorRaw = mass.map((_, bin) => priorDensity(p.prior, centre(bin)));
  const priorScale = priorRaw.reduce((a, b) => a + b, 0) * width; // normalise numerically over the drawn range
  const densityPoints = (ys: number[]): PointSpec[] => ys.map((y, bin) => ({ x: fromSampling(p, centre(bin)), y }));
  const posteriorDensity = mass.map((m) => m / total / width);
  const peak = Math.max(...posteriorDensity, ...priorRaw.map((d) => d / priorScale));
  const row = result.identifiability.find((r) => r.parameter === p.name);
  const vertical = (label: string, colour: string, x: number, dashed: boolean): LineSeriesSpec => ({
    label, colour, dashed, points: [{ x, y: 0 }, { x, y: peak * 1.05 }],
  });
  const series: LineSeriesSpec[] = [
    { label: `posterior (generation ${result.posterior.generation}, weighted)`, colour: COLOURS.posterior, markers: true, points: densityPoints(posteriorDensity) },
    { label: 'prior', colour: COLOURS.prior, dashed: true, points: densityPoints(priorRaw.map((d) => d / priorScale)) },
  ];
  if (row) {
    series.push(vertical('posterior median', COLOURS.fitted, row.quantiles[2], false));
    series.push({ ...vertical('90% interval', COLOURS.fitted, row.quantiles[0], true), label: '90% posterior interval' });
    series.push({ ...vertical('', COLOURS.fitted, row.quantiles[4], true) });
  }
  if (Number.isFinite(p.scenarioValue)) series.push(vertical(`scenario value ${formatValue(p.scenarioValue, 'number')}`, COLOURS.scenario, p.scenarioValue, true));
  const identified = row ? (row.identified ? 'identified by the targets' : 'NOT identified by the targets (posterior sd > 0.5 × prior sd)') : '';
  return {
    file: `calibration-marginal-${slug(p.name)}.png`,
    title: `${p.name}: posterior against prior`,
    caption:
      `Marginal posterior of ${p.name} (${HISTOGRAM_BINS}-bin weighted histogram of the final generation's particles, as a density) against its prior ` +
      `${row?.prior ?? ''}, with the posterior median, the 90% posterior interval and the scenario's value before calibration. ` +
      `Density per unit of ${isLog(p) ? `ln(${p.name})` : p.name}. Posterior sd / prior sd ${row ? formatValue(row.sdRatio, 'number') : '–'}: ${identified}.`,
    kind: 'calibration_marginal',
    source: { file: 'posterior.csv', columns: [p.name, 'weight'] },
    chart: {
      type: 'line',
      x: parameterAxis(p),
      panels: [{ axis: { title: `Density (per unit of ${isLog(p) ? 'ln ' : ''}${p.name})`, format: 'number', min: 0 } }],
      series,
      note: `sd ratio ${row ? formatValue(row.sdRatio, 'number') : '–'} · ${identified}`,
    },
  };
}

// ─── pairwise scatter plots ─────────────────────────────────────────────────

function weightedCorrelation(x: readonly number[], y: readonly number[], w: readonly number[]): number {
  let sw = 0, mx = 0, my = 0;
  for (let i = 0; i < x.length; i++) {
    sw += w[i];
    mx += w[i] * x[i];
    my += w[i] * y[i];
  }
  mx /= sw;
  my /= sw;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += w[i] * (x[i] - mx) * (y[i] - my);
    sxx += w[i] * (x[i] - mx) ** 2;
    syy += w[i] * (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/** The pairs with the largest |weighted correlation| (in sampling space), up to MAX_PAIRS. */
export function mostCorrelatedPairs(result: CalibrationResult): { a: number; b: number; r: number }[] {
  const { parameters, posterior } = result;
  const z = parameters.map((p, k) => posterior.values[k].map((x) => toSampling(p, x)));
  const pairs: { a: number; b: number; r: number }[] = [];
  for (let a = 0; a < parameters.length; a++) {
    for (let b = a + 1; b < parameters.length; b++) pairs.push({ a, b, r: weightedCorrelation(z[a], z[b], posterior.weights) });
  }
  return pairs.filter((p) => Number.isFinite(p.r)).sort((p, q) => Math.abs(q.r) - Math.abs(p.r) || p.a - q.a || p.b - q.b).slice(0, MAX_PAIRS);
}

function pairCharts(result: CalibrationResult): ChartSpec[] {
  return mostCorrelatedPairs(result).map(({ a, b, r }) => {
    const [pa, pb] = [result.parameters[a], result.parameters[b]];
    const points = result.posterior.values[a].map((x, i) => ({ x, y: result.posterior.values[b][i] }));
    return {
      file: `calibration-pair-${slug(pa.name)}-${slug(pb.name)}.png`,
      title: `${pa.name} against ${pb.name} (weighted r = ${r.toFixed(2)})`,
      caption:
        `The final generation's ${points.length} particles: ${pa.name} (across) against ${pb.name} (up). One of the ${MAX_PAIRS} most correlated pairs of fitted ` +
        `parameters (weighted Pearson r = ${r.toFixed(2)}${isLog(pa) || isLog(pb) ? ', on the log scale of log-uniform priors' : ''}): a ridge means the targets fix a combination of the two rather than each.`,
      kind: 'calibration_pairs',
      source: { file: 'posterior.csv', columns: [pa.name, pb.name, 'weight'] },
      chart: {
        type: 'line',
        x: parameterAxis(pa),
        panels: [{ axis: { ...parameterAxis(pb) } }],
        series: [{ label: `posterior particles (generation ${result.posterior.generation})`, colour: COLOURS.posterior, scatter: true, points }],
        note: `weighted correlation r = ${r.toFixed(2)} · each dot one particle`,
      },
    };
  });
}

// ─── identifiability ────────────────────────────────────────────────────────

function identifiabilityChart(result: CalibrationResult): ChartSpec {
  const rows = result.identifiability;
  return {
    file: 'calibration-identifiability.png',
    title: 'Identifiability: posterior sd over prior sd, by parameter',
    caption:
      'For each fitted parameter, the posterior standard deviation over the prior standard deviation (on the log scale for log-uniform priors). ' +
      'Near 1: the targets leave the prior as it was, the data do not identify the parameter (flagged above 0.5); near 0: the targets pin it down.',
    kind: 'calibration_identifiability',
    source: { file: 'identifiability.csv', columns: ['parameter', 'sd_ratio', 'identified'] },
    chart: {
      type: 'line',
      x: { title: 'Fitted parameter', format: 'number', categories: rows.map((r) => r.parameter), everyLabel: true },
      panels: [{ axis: { title: 'Posterior sd / prior sd (1 = nothing learnt)', format: 'number', min: 0, padded: true } }],
      series: [
        { label: 'identified (ratio <= 0.5)', colour: COLOURS.posterior, markers: true, noLine: true, points: rows.map((r, i) => ({ x: i, y: r.identified ? r.sdRatio : null })) },
        { label: 'not identified by the targets', colour: COLOURS.notIdentified, markers: true, noLine: true, points: rows.map((r, i) => ({ x: i, y: r.identified ? null : r.sdRatio })) },
        { label: 'threshold 0.5', colour: OTHER_COLOURS.grey, dashed: true, points: [{ x: -0.5, y: 0.5 }, { x: rows.length - 0.5, y: 0.5 }] },
      ],
      note: 'one dot per parameter · a posterior sd above half the prior sd is flagged as not identified',
    },
  };
}

// ─── the posterior-predictive check ─────────────────────────────────────────

function predictionOf(result: CalibrationResult, id: string): PredictionRow | undefined {
  return result.predictions.find((p) => p.target === id);
}

/** One chart per series a target reads as a column at a tick or a mean over ticks (not shares of a stock, not ratios). */
function predictiveSeriesCharts(result: CalibrationResult): { charts: ChartSpec[]; notes: string[] } {
  const notes: string[] = [];
  const byColumn = new Map<string, CalibrationTargetInfo[]>();
  for (const t of result.targets) {
    if (!t.quantity || t.quantity.perStock) {
      notes.push(`Posterior-predictive target ${t.id} (${t.description}) is a share or a ratio, not a point of one series: it is in the all-targets chart and tables only`);
      continue;
    }
    if (!byColumn.has(t.quantity.column)) byColumn.set(t.quantity.column, []);
    byColumn.get(t.quantity.column)!.push(t);
  }
  const charts: ChartSpec[] = [];
  for (const [column, targets] of byColumn) {
    const rows = result.predictiveSeries.get(column);
    if (!rows || rows.length === 0) {
      notes.push(`Posterior-predictive bands of ${column}: left out, predictive-series.csv has no rows for it`);
      continue;
    }
    charts.push(predictiveSeriesChart(result, column, rows, targets));
  }
  return { charts, notes };
}

function predictiveSeriesChart(
  result: CalibrationResult, column: string, rows: readonly { tick: number; quantiles: readonly number[] }[], targets: readonly CalibrationTargetInfo[],
): ChartSpec {
  // The defection model's series are named by its conventions and ticked in months; any other model's carry the units its files record.
  const generic = usesGenericCharts(result.manifest);
  const unit = recordedUnits(result.manifest)[column] ?? NO_UNIT;
  const format = generic ? formatOfUnit(unit) : formatForName(column);
  const valueTitle = generic ? titled(column, unit) : axisTitle(displayName(column), format);
  const band = (low: number, high: number) => rows.map((r) => ({ x: r.tick, y: null, low: r.quantiles[low], high: r.quantiles[high] }));
  const series: LineSeriesSpec[] = [
    { label: '90% posterior-predictive interval (light)', colour: COLOURS.posterior, interval: 'band', points: band(0, 4) },
    { label: '50% interval (dark)', colour: COLOURS.posterior, interval: 'band', points: band(1, 3) },
    { label: 'posterior-predictive median', colour: COLOURS.posterior, points: rows.map((r) => ({ x: r.tick, y: r.quantiles[2] })) },
  ];
  const marks: TargetSetSpec[] = [];
  for (const holdout of [false, true]) {
    const colour = holdout ? COLOURS.holdout : COLOURS.fitted;
    const who = holdout ? 'holdout (never fitted)' : 'fitted';
    const mine = targets.filter((t) => t.holdout === holdout);
    const observed = mine.filter((t) => t.kind === 'value' && t.quantity?.tick !== undefined);
    if (observed.length > 0) {
      marks.push({
        label: `observed, ${who}: bars = its tolerance band`, colour, whiskerColour: colour, style: 'observed',
        marks: observed.map((t) => ({ x: t.quantity!.tick!, y: t.observed!, low: t.observed! * (1 - t.tolerance), high: t.observed! * (1 + t.tolerance) })),
      });
    }
    const ceilings = mine.filter((t) => t.kind !== 'value' && t.quantity?.tick !== undefined && t.max !== undefined);
    if (ceilings.length > 0) marks.push({ label: `upper bound, ${who}`, colour, style: 'ceiling', marks: ceilings.map((t) => ({ x: t.quantity!.tick!, y: t.max! })) });
    const floors = mine.filter((t) => t.kind !== 'value' && t.quantity?.tick !== undefined && t.min !== undefined);
    if (floors.length > 0) marks.push({ label: `lower bound, ${who}`, colour, style: 'floor', marks: floors.map((t) => ({ x: t.quantity!.tick!, y: t.min! })) });
    for (const t of mine.filter((c) => c.quantity?.mean)) {
      const { from, to } = t.quantity!.mean!;
      const segment = (y: number, what: string): LineSeriesSpec => ({
        label: `${t.id}: mean over ticks ${from}-${to} ${what} ${formatValue(y, format)} (${who})`, colour, dashed: true, points: [{ x: from, y }, { x: to, y }],
      });
      if (t.max !== undefined) series.push(segment(t.max, '<='));
      if (t.min !== undefined) series.push(segment(t.min, '>='));
    }
  }
  const ids = targets.map((t) => t.id);
  const scored = targets.map((t) => {
    const p = predictionOf(result, t.id);
    return p ? `${t.id}${t.holdout ? ' (holdout)' : ''} met by ${formatValue(p.metShare, 'share')} of draws` : t.id;
  });
  const draws = predictionOf(result, ids[0])?.n;
  return {
    file: `calibration-predictive-${slug(column)}.png`,
    title: `Posterior-predictive check: ${displayName(column)}`,
    caption:
      `${generic ? valueTitle : `${displayName(column)} (${unitLabel(format)})`} over time in ${draws ?? 'the'} runs of posterior draws (posterior-predictive.yaml): the median and the 50% and 90% ` +
      `posterior-predictive intervals, with the observed values and their tolerance bands (fitted targets in black, holdouts — never used to fit — in vermillion) ` +
      `and the bounds and shape checks on this series. ${scored.join('; ')}.`,
    kind: 'calibration_predictive_series',
    source: { file: 'predictive-series.csv', columns: ['column', 'tick', 'q05', 'q25', 'median', 'q75', 'q95'] },
    chart: {
      type: 'line',
      // half a tick of room at both ends, so marks on the first and last tick are whole
      x: generic
        ? { title: 'Tick', format: 'number', wholeNumbers: true, min: rows[0].tick - 0.5, max: rows[rows.length - 1].tick + 0.5 }
        : { title: MONTH_AXIS_TITLE, format: 'month', min: rows[0].tick - 0.5, max: rows[rows.length - 1].tick + 0.5 },
      panels: [{ axis: { title: valueTitle, format, padded: true, ...(rows.every((r) => r.quantiles[0] >= 0) ? { min: 0 } : {}) } }],
      series,
      targets: marks,
      note: 'line: median of the posterior draws · dark band: 50% · light band: 90% · black: fitted targets · vermillion: holdouts',
    },
  };
}

/** Every target's predictive median and 90% interval, relative to its observed value or bound: fitted and holdouts apart. */
function predictiveTargetsChart(result: CalibrationResult): ChartSpec {
  const targets = result.targets.filter((t) => Number.isFinite(reference(t)));
  const categories = targets.map((t) => t.id);
  const series: LineSeriesSpec[] = [false, true].map((holdout) => ({
    label: holdout ? 'holdouts (never fitted): median, 90% interval' : 'fitted targets: median, 90% interval',
    colour: holdout ? COLOURS.holdout : COLOURS.fitted,
    markers: true,
    noLine: true,
    interval: 'whiskers' as const,
    points: targets.map((t, i) => {
      const p = predictionOf(result, t.id);
      if (!p || t.holdout !== holdout) return { x: i, y: null };
      const ref = reference(t);
      return { x: i, y: p.quantiles[2] / ref, low: p.quantiles[0] / ref, high: p.quantiles[4] / ref };
    }),
  }));
  series.push({ label: 'observed value or bound (= 1)', colour: OTHER_COLOURS.grey, dashed: true, points: [{ x: -0.5, y: 1 }, { x: categories.length - 0.5, y: 1 }] });
  const score = (holdout: boolean) => {
    const rows = result.predictions.filter((p) => p.holdout === holdout);
    const shares = rows.map((p) => p.metShare).filter(Number.isFinite);
    return shares.length ? formatValue(shares.reduce((a, b) => a + b, 0) / shares.length, 'share') : '–';
  };
  return {
    file: 'calibration-predictive-targets.png',
    title: 'Posterior-predictive check of every target, fitted and holdout',
    caption:
      "Each target's posterior-predictive median and 90% interval divided by its observed value (value targets: the tolerance band is 1 ± the target's tolerance) " +
      'or by its bound (bounds and shape checks: an upper bound is met below 1, a lower bound above 1). ' +
      `Targets met, averaged over the targets: fitted ${score(false)}, holdouts ${score(true)} of the posterior draws (predictive.csv met_share).`,
    kind: 'calibration_predictive_targets',
    source: { file: 'predictive.csv', columns: ['target', 'holdout', 'q05', 'median', 'q95', 'observed', 'min', 'max'] },
    chart: {
      type: 'line',
      x: { title: 'Target (id in the targets file)', format: 'number', categories, everyLabel: true },
      panels: [{ axis: { title: 'Model / observed value or bound (1 = on target)', format: 'number', padded: true, min: 0 } }],
      series,
      note: `fitted: met by ${score(false)} of draws on average · holdouts: ${score(true)}`,
    },
  };
}

function reference(t: CalibrationTargetInfo): number {
  const value = t.kind === 'value' ? t.observed : t.max ?? t.min;
  return value !== undefined && value !== 0 ? value : Number.NaN;
}

// ─── tables ─────────────────────────────────────────────────────────────────

/** Three significant digits, trailing zeros dropped, a true minus sign: parameter values of any size. */
function significant(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const text = String(Number(x.toPrecision(3)));
  return text.replace('-', '−');
}

export function calibrationTables(result: CalibrationResult): KeyTable[] {
  const number = (x: number) => formatValue(x, 'number');
  const share = (x: number) => formatValue(x, 'share');
  const last = result.generations.find((g) => g.generation === result.posterior.generation);
  const posterior: KeyTable = {
    title: `Posterior (generation ${result.posterior.generation}: ${result.posterior.weights.length} particles, ESS ${last ? number(last.ess) : '–'})`,
    columns: ['parameter', 'prior', 'median (calibrated.yaml)', '90% interval', 'sd ratio', 'identified', 'scenario value', 'scenario value inside 90%'],
    rows: result.identifiability.map((r) => [
      r.parameter, r.prior, significant(r.quantiles[2]), `${significant(r.quantiles[0])} to ${significant(r.quantiles[4])}`, significant(r.sdRatio),
      r.identified ? 'yes' : 'no', significant(r.scenarioValue), r.scenarioInside90 ? 'yes' : 'no',
    ]),
  };
  const generations: KeyTable = {
    title: 'Generations',
    columns: ['generation', 'tolerance', 'simulations', 'acceptance rate', 'ESS', 'complete'],
    rows: result.generations.map((g) => [String(g.generation), Number.isFinite(g.tolerance) ? significant(g.tolerance) : '∞', number(g.simulations), share(g.acceptanceRate), g.complete ? number(g.ess) : '–', g.complete ? 'yes' : 'no (dropped)']),
  };
  const scoreRow = (holdout: boolean): string[] => {
    const rows = result.predictions.filter((p) => p.holdout === holdout);
    const values = rows.filter((p) => p.observedIn90 !== null);
    const shares = rows.map((p) => p.metShare).filter(Number.isFinite);
    return [
      holdout ? 'holdouts (never fitted)' : 'fitted targets', String(rows.length),
      shares.length ? share(shares.reduce((a, b) => a + b, 0) / shares.length) : '–',
      `${values.filter((p) => p.observedIn50).length} of ${values.length}`, `${values.filter((p) => p.observedIn90).length} of ${values.length}`,
    ];
  };
  const scores: KeyTable = {
    title: 'Posterior-predictive check, scored apart for holdouts',
    columns: ['targets', 'count', 'mean share of draws meeting each', 'observed inside the 50% interval', 'observed inside the 90% interval'],
    rows: [scoreRow(false), scoreRow(true)],
  };
  const targets: KeyTable = {
    title: 'Each target: observed or bound against the posterior-predictive draws',
    columns: ['target', 'fitted or holdout', 'measure', 'observed / bound', 'median', '90% interval', 'share of draws meeting it'],
    rows: result.targets.map((t) => {
      const p = predictionOf(result, t.id);
      const bound = t.kind === 'value' ? `${number(t.observed!)} ± ${share(t.tolerance)}` : [t.min !== undefined ? `>= ${number(t.min)}` : '', t.max !== undefined ? `<= ${number(t.max)}` : ''].filter(Boolean).join(', ');
      return [t.id, t.holdout ? 'holdout' : 'fitted', t.description, bound, p ? number(p.quantiles[2]) : '–', p ? `${number(p.quantiles[0])} to ${number(p.quantiles[4])}` : '–', p ? share(p.metShare) : '–'];
    }),
  };
  return [scores, posterior, targets, generations];
}
