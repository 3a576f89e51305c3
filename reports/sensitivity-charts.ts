/**
 * Charts, tables and the opening section of a sensitivity report (reads the analysis files only):
 * S1 and ST bars with intervals per output (mu* for Morris), a heatmap of ST over parameters ×
 * outputs, Morris' mu* against sigma, convergence of the indices over the design's prefixes, and
 * "What the answer depends on": the parameters whose ST is above the threshold for a policy effect.
 */
import { displayName, slug, type ValueFormat } from './format.js';
import { OTHER_COLOURS, orderedColours } from './palette.js';
import type { ChartPlan } from './run-charts.js';
import type { IndexValue, SensitivityOutput, SensitivityResult } from './sensitivity-load.js';
import type { ChartSpec, LineSeriesSpec } from './spec.js';
import type { KeyTable } from './tables.js';
import { usesGenericCharts } from './units.js';

const MAX_BAR_CHARTS = 24;
const MAX_HEATMAP_ROWS = 30;
const MAX_SCATTER_CHARTS = 12;
const MAX_CONVERGENCE_CHARTS = 8;
/** A seed-noise share above this makes the indices of that output mostly about the seeds. */
const NOISY_SHARE = 0.2;

const S1_COLOUR = OTHER_COLOURS.skyBlue;
const ST_COLOUR = '#D55E00';

export interface SensitivityLead {
  readonly title: string;
  readonly paragraphs: readonly string[];
  readonly tables: readonly KeyTable[];
}

export function isPolicyEffect(output: SensitivityOutput): boolean {
  return output.statistic !== 'mean';
}

/** The outputs the page leads with: policy effects per $1M when there are any, else effects, else every output. */
export function headlineOutputs(result: SensitivityResult): SensitivityOutput[] {
  const perDollar = result.outputs.filter((o) => o.statistic === 'effect_per_million_usd');
  const effects = result.outputs.filter((o) => o.statistic === 'effect');
  return perDollar.length > 0 ? perDollar : effects.length > 0 ? effects : [...result.outputs];
}

function crossText(output: SensitivityOutput): string {
  return Object.values(output.cross).join(', ');
}

function baselineText(output: SensitivityOutput): string {
  return output.baseline ? Object.values(output.baseline).join(', ') : 'the baseline';
}

/** A readable output name: the metric's name, what is taken of it, the cross combination. */
export function outputLabel(output: SensitivityOutput): string {
  const metric = displayName(output.metric);
  const what = output.statistic === 'mean' ? metric
    : output.statistic === 'effect' ? `${metric}, effect over ${baselineText(output)}`
      : `${metric}, effect per US$1M over ${baselineText(output)}`;
  const cross = crossText(output);
  return cross ? `${what} (${cross})` : what;
}

/** A short label for heatmap columns. */
function shortLabel(output: SensitivityOutput): string {
  const metric = output.metric.replace(/^defected_/, '').replace(/_capacity_lost$/, ' cap.').replace(/_/g, ' ');
  const what = output.statistic === 'mean' ? '' : output.statistic === 'effect' ? ' Δ' : ' Δ/$1M';
  const cross = crossText(output);
  return `${metric}${what}${cross ? ` · ${cross}` : ''}`;
}

function indexOf(result: SensitivityResult, output: string, index: string, parameter: string): IndexValue | undefined {
  return result.indices.get(output)?.find((r) => r.index === index && r.parameter === parameter);
}

/** The importance of each factor for an output: ST (Sobol) or mu* relative to the largest (Morris). */
function importance(result: SensitivityResult, output: string): Map<string, IndexValue> {
  const out = new Map<string, IndexValue>();
  if (result.method === 'sobol') {
    for (const f of result.factors) {
      const v = indexOf(result, output, 'ST', f);
      if (v) out.set(f, v);
    }
    return out;
  }
  const values = result.factors.map((f) => indexOf(result, output, 'mu_star', f)).filter((v): v is IndexValue => v !== undefined);
  const top = Math.max(...values.map((v) => v.value)) || 1;
  for (const v of values) out.set(v.parameter, { ...v, value: v.value / top, low: v.low / top, high: v.high / top });
  return out;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3).replace(/^-(0\.000)$/, '$1') : '–';
}

// ─── the opening section ────────────────────────────────────────────────────

export function sensitivityLead(result: SensitivityResult): SensitivityLead {
  const headline = headlineOutputs(result);
  const policy = headline.some(isPolicyEffect);
  const what = result.method === 'sobol' ? 'total-order index ST' : 'mu* (as a share of the largest mu* for that output)';
  const rows = result.factors.map((factor) => {
    let above = 0;
    let best: { v: IndexValue; output: SensitivityOutput } | null = null;
    for (const output of headline) {
      const v = importance(result, output.name).get(factor);
      if (!v) continue;
      if (v.value > result.threshold) above++;
      if (!best || v.value > best.v.value) best = { v, output };
    }
    return { factor, above, best };
  });
  rows.sort((a, b) => b.above - a.above || (b.best?.v.value ?? 0) - (a.best?.v.value ?? 0));
  const matters = rows.filter((r) => r.above > 0).map((r) => r.factor);
  const barely = rows.filter((r) => r.above === 0).map((r) => r.factor);
  const subject = policy ? 'the policy effects' : 'the outputs';
  const paragraphs = [
    matters.length > 0
      ? `${matters.length} of ${result.factors.length} parameters have a ${what} above ${result.threshold} for at least one of ${subject}: ${matters.join(', ')}. ${policy ? 'The ranking of policies rests on these assumptions.' : 'These outputs rest on these assumptions.'}`
      : `No parameter has a ${what} above ${result.threshold} for any of ${subject}: within the ranges varied, none of these assumptions moves them much.`,
    barely.length > 0 ? `Below ${result.threshold} for every one of ${subject} (they barely matter here): ${barely.join(', ')}.` : `Every parameter matters for at least one of ${subject}.`,
  ];
  const counterfactual = usesGenericCharts(result.manifest) ? 'the scenario to compare with' : 'no-policy';
  if (!policy) paragraphs.push(`This analysis has no baseline, so there are no policy effects: the list is over every output. Name a baseline (e.g. baseline: { scenario: ${counterfactual} }) to analyse effects.`);
  const noisy = headline.filter((o) => (result.seedNoise.get(o.name) ?? 0) > NOISY_SHARE);
  if (noisy.length > 0) paragraphs.push(`Seed noise is more than ${NOISY_SHARE * 100}% of the variance of ${noisy.length} of these outputs (table "Seed noise"): their indices describe the seeds as much as the parameters; run more replicates.`);
  const flagged = headline.filter((o) => (result.convergence.get(o.name) ?? []).some((r) => r.flag !== ''));
  if (flagged.length > 0) paragraphs.push(`${flagged.length} of these outputs have indices that have not converged (interval wider than ${result.maxWidth}, or still moving at the last step; table "Convergence"): more base samples would sharpen them.`);
  const table: KeyTable = {
    title: `Parameters by ${what}, over ${headline.length} ${policy ? 'policy effects' : 'outputs'} (threshold ${result.threshold})`,
    columns: ['parameter', `outputs above ${result.threshold}`, 'largest [95% interval]', 'for'],
    rows: rows.map((r) => [
      r.factor, `${r.above} of ${headline.length}`,
      r.best ? `${fmt(r.best.v.value)} [${fmt(r.best.v.low)}, ${fmt(r.best.v.high)}]` : '–',
      r.best ? outputLabel(r.best.output) : '–',
    ]),
  };
  return { title: 'What the answer depends on', paragraphs, tables: [table] };
}

// ─── tables ─────────────────────────────────────────────────────────────────

export function sensitivityTables(result: SensitivityResult): KeyTable[] {
  const tables: KeyTable[] = [];
  const samples = result.convergence.values().next().value?.reduce((m, r) => Math.max(m, r.samples), 0) ?? 0;
  tables.push({
    title: 'The analysis',
    columns: ['item', 'value'],
    rows: [
      ['method', result.method === 'sobol' ? "Sobol' indices (Saltelli design, SALib estimators)" : 'Morris elementary effects'],
      ['factors', result.factors.join(', ')],
      [result.method === 'sobol' ? 'base samples' : 'trajectories', String(samples)],
      ...(result.replicates !== undefined ? [['replicates per point', String(result.replicates)]] : []),
      ['outputs analysed', String(result.outputs.length)],
      ['outputs skipped', String(result.skipped.length)],
    ],
  });
  if (result.seedNoise.size > 0) {
    const headline = headlineOutputs(result);
    tables.push({
      title: 'Seed noise (share of each output\'s variance over the design that is seed noise)',
      columns: ['output', 'seed noise share', 'note'],
      rows: headline.filter((o) => result.seedNoise.has(o.name)).map((o) => {
        const share = result.seedNoise.get(o.name)!;
        return [outputLabel(o), Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : '–', share > NOISY_SHARE ? 'indices mostly about the seeds' : ''];
      }),
    });
  }
  const flags = result.outputs.flatMap((o) => (result.convergence.get(o.name) ?? []).filter((r) => r.flag !== '').map((r) => ({ o, r })));
  if (flags.length > 0) {
    tables.push({
      title: `Convergence: ${flags.length} indices flagged at the last step${flags.length > 20 ? ' (first 20; all in convergence.csv)' : ''}`,
      columns: ['output', 'parameter', 'index', 'value [95% interval]', 'flag'],
      rows: flags.slice(0, 20).map(({ o, r }) => [outputLabel(o), r.parameter, r.index, `${fmt(r.value)} [${fmt(r.low)}, ${fmt(r.high)}]`, r.flag]),
    });
  }
  if (result.skipped.length > 0) {
    tables.push({
      title: `Outputs not analysed (${result.skipped.length}${result.skipped.length > 20 ? '; first 20' : ''})`,
      columns: ['output', 'why'],
      rows: result.skipped.slice(0, 20).map((s) => [s.name, s.reason]),
    });
  }
  return tables;
}

// ─── charts ─────────────────────────────────────────────────────────────────

export function sensitivityCharts(result: SensitivityResult): ChartPlan {
  const plan: ChartPlan = { charts: [], notes: [] };
  const headline = headlineOutputs(result);
  const bars = headline.slice(0, MAX_BAR_CHARTS);
  if (headline.length > bars.length) plan.notes.push(`Index bars are drawn for the first ${bars.length} of ${headline.length} outputs; sensitivity.csv has them all`);
  plan.charts.push(...bars.map((o) => barChart(result, o)));
  const heat = headline.slice(0, MAX_HEATMAP_ROWS);
  if (headline.length > heat.length) plan.notes.push(`The heatmap shows the first ${heat.length} of ${headline.length} outputs; sensitivity.csv has them all`);
  if (heat.length > 0) plan.charts.push(heatmap(result, heat));
  if (result.method === 'morris') plan.charts.push(...headline.slice(0, MAX_SCATTER_CHARTS).map((o) => scatterChart(result, o)));
  plan.charts.push(...headline.slice(0, MAX_CONVERGENCE_CHARTS).map((o) => convergenceChart(result, o)));
  if (plan.charts.length === 0) plan.notes.push('No charts: no output could be analysed (see "Outputs not analysed")');
  return plan;
}

function source(columns: string[], file = 'sensitivity.csv') {
  return { file, columns };
}

function barChart(result: SensitivityResult, output: SensitivityOutput): ChartSpec {
  const label = outputLabel(output);
  const value = (index: string, f: string) => {
    const v = indexOf(result, output.name, index, f);
    return { y: v ? v.value : null, low: v ? v.low : null, high: v ? v.high : null };
  };
  if (result.method === 'sobol') {
    return {
      file: `sensitivity-${slug(output.name)}.png`,
      title: `What drives: ${label}`,
      caption: `First-order (S1: the share of this output's variance due to the parameter alone) and total-order (ST: alone and through interactions) Sobol' indices, with bootstrap 95% intervals. A parameter with ST near 0 barely matters for this output.`,
      kind: 'sensitivity_bars',
      source: source(['metric', 'parameter', 'index', 'value', 'ci95_low', 'ci95_high']),
      chart: {
        type: 'bar',
        x: { title: 'Parameter (or group)', categories: factorLabels(result.factors) },
        y: { title: "Sobol' index (share of the output's variance)", format: 'number' },
        groups: [
          { label: 'S1 (first order)', colour: S1_COLOUR, values: result.factors.map((f) => value('S1', f)) },
          { label: 'ST (total order)', colour: ST_COLOUR, values: result.factors.map((f) => value('ST', f)) },
        ],
        note: 'bars: index · whiskers: bootstrap 95% interval',
      },
    };
  }
  return {
    file: `sensitivity-${slug(output.name)}.png`,
    title: `What drives: ${label}`,
    caption: "Morris' mu* (mean absolute elementary effect: the change in this output for a move of the parameter over Δ of its range) with bootstrap 95% intervals.",
    kind: 'sensitivity_bars',
    source: source(['metric', 'parameter', 'index', 'value', 'ci95_low', 'ci95_high']),
    chart: {
      type: 'bar',
      x: { title: 'Parameter (or group)', categories: factorLabels(result.factors) },
      y: { title: 'mu* (output units per Δ of the parameter range)', format: 'number' },
      groups: [{ label: 'mu*', colour: ST_COLOUR, values: result.factors.map((f) => value('mu_star', f)) }],
      note: 'bars: mu* · whiskers: bootstrap 95% interval',
    },
  };
}

/**
 * Category labels for parameters: dotted paths are too long to sit side by side, so each gets the
 * shortest ending of its path that no other factor shares (two parts when the last is a short word
 * such as `listed`), broken into two lines at a dot or a capital. The full paths are in the tables.
 */
export function factorLabels(factors: readonly string[]): string[] {
  const parts = factors.map((f) => f.split('.'));
  return parts.map((p, i) => {
    for (let k = Math.min(p.length, p[p.length - 1].length < 8 ? 2 : 1); k <= p.length; k++) {
      const tail = p.slice(-k).join('.');
      if (parts.every((q, j) => j === i || q.slice(-k).join('.') !== tail)) return twoLines(tail);
    }
    return twoLines(factors[i]);
  });
}

function twoLines(label: string): string {
  if (label.length <= 8) return label;
  // Break at the dot or capital nearest the middle (after a dot, before a capital).
  let best = -1;
  for (let i = 1; i < label.length; i++) {
    const at = label[i - 1] === '.' || /[A-Z]/.test(label[i]) ? i : -1;
    if (at > 0 && (best < 0 || Math.abs(at - label.length / 2) < Math.abs(best - label.length / 2))) best = at;
  }
  return best > 0 ? `${label.slice(0, best)}\n${label.slice(best)}` : label;
}

function heatmap(result: SensitivityResult, outputs: SensitivityOutput[]): ChartSpec {
  const sobol = result.method === 'sobol';
  const cells = outputs.flatMap((o, y) => result.factors.map((f, x) => ({ x, y, value: importance(result, o.name).get(f)?.value ?? null })));
  const format: ValueFormat = 'share';
  // Say what Δ and Δ/$1M mean only when rows carry them (an analysis without a baseline has plain outputs).
  const marks = [
    ...(outputs.some((o) => o.statistic === 'effect') ? ['Δ: effect over the baseline'] : []),
    ...(outputs.some((o) => o.statistic !== 'mean' && o.statistic !== 'effect') ? ['Δ/$1M: per US$1 million of extra spend'] : []),
  ];
  return {
    file: 'sensitivity-heatmap.png',
    title: sobol ? "Total-order Sobol' index ST, parameters × outputs" : 'Relative mu* (mu* / largest mu* of the output), parameters × outputs',
    caption: sobol
      ? `Each cell is the share of an output's variance that involves the parameter (alone or through interactions); colours run from 0 to 1 (an estimate beyond them, from too few samples, takes the end colour). Rows: the outputs the page leads with${marks.length ? ` (${marks.join('; ')})` : ''}.`
      : 'Each cell is a parameter\'s mu* as a share of the largest mu* for that output.',
    kind: 'sensitivity_heatmap',
    source: source(['metric', 'parameter', 'index', 'value']),
    chart: {
      type: 'heatmap',
      x: { title: 'Parameter (or group)', categories: factorLabels(result.factors) },
      y: { title: 'Output', categories: outputs.map(shortLabel) },
      cells,
      value: { title: sobol ? 'ST' : 'relative mu*', format, range: [0, 1] },
    },
  };
}

function scatterChart(result: SensitivityResult, output: SensitivityOutput): ChartSpec {
  const colours = orderedColours(result.factors.length);
  const series: LineSeriesSpec[] = result.factors.map((f, i) => {
    const muStar = indexOf(result, output.name, 'mu_star', f);
    const sigma = indexOf(result, output.name, 'sigma', f);
    return { label: f, colour: colours[i], markers: true, points: muStar && sigma && Number.isFinite(sigma.value) ? [{ x: muStar.value, y: sigma.value }] : [] };
  });
  return {
    file: `morris-${slug(output.name)}.png`,
    title: `mu* against sigma: ${outputLabel(output)}`,
    caption: 'Right: larger effects; up: effects that vary along the design (interactions or non-linearity). Points near the origin barely matter. Groups of several parameters have no sigma (their inputs may move in opposite directions) and are not drawn.',
    kind: 'morris_scatter',
    source: source(['metric', 'parameter', 'index', 'value']),
    chart: {
      type: 'line',
      x: { title: 'mu* (mean |elementary effect|)', format: 'number', min: 0, padded: true },
      panels: [{ axis: { title: 'sigma (sd of the elementary effects)', format: 'number', min: 0, padded: true } }],
      series,
    },
  };
}

const CONVERGENCE_SHOWN = 6;

function convergenceChart(result: SensitivityResult, output: SensitivityOutput): ChartSpec {
  const index = result.method === 'sobol' ? 'ST' : 'mu_star';
  const rows = (result.convergence.get(output.name) ?? []).filter((r) => r.index === index);
  const steps = [...new Set(rows.map((r) => r.samples))].sort((x, y) => x - y);
  // The parameters that matter most at the last step (at most 6): with every parameter drawn, the
  // lines of those that barely matter hide the ones whose convergence is in question.
  const last = steps[steps.length - 1];
  const shown = result.factors
    .map((f) => ({ f, v: rows.find((r) => r.parameter === f && r.samples === last)?.value ?? -Infinity }))
    .sort((a, b) => b.v - a.v).slice(0, CONVERGENCE_SHOWN).map((x) => x.f);
  const colours = orderedColours(shown.length);
  const series: LineSeriesSpec[] = shown.map((f, i) => ({
    label: f, colour: colours[i], markers: true, interval: 'whiskers',
    points: rows.filter((r) => r.parameter === f).map((r) => ({ x: steps.indexOf(r.samples), y: r.value, low: r.low, high: r.high })),
  }));
  const what = result.method === 'sobol' ? 'base samples' : 'trajectories';
  // ST lies in [0, 1]: the axis holds every estimate and that range, so one wild interval of N/8 samples
  // does not squash the lines that matter; whiskers beyond the axis are cut off (the caption says so).
  const estimates = series.flatMap((line) => line.points.map((p) => p.y)).filter((v): v is number => v !== null && Number.isFinite(v));
  const [lowest, highest] = [Math.min(0, ...estimates) - 0.1, Math.max(1, ...estimates) + 0.1];
  const cut = index === 'ST' && series.some((line) => line.points.some((p) => (p.low ?? 0) < lowest || (p.high ?? 0) > highest));
  return {
    file: `convergence-${slug(output.name)}.png`,
    title: `Convergence of ${index === 'ST' ? 'ST' : 'mu*'}: ${outputLabel(output)}`,
    caption: `The index recomputed on the first N/8, N/4, N/2 and N ${what} of the design, with bootstrap 95% intervals, for the ${Math.min(CONVERGENCE_SHOWN, result.factors.length)} parameters with the largest index at N (convergence.csv has every one). Converged: the last two steps agree and the intervals are narrow. Flags at the last step are in convergence.csv.${cut ? ' Whiskers that reach beyond the axis are cut off at its edge (convergence.csv has their ends).' : ''}`,
    kind: 'convergence',
    source: source(['metric', 'parameter', 'index', 'samples', 'value', 'ci95_low', 'ci95_high', 'flag'], 'convergence.csv'),
    chart: {
      type: 'line',
      x: { title: `${what[0].toUpperCase()}${what.slice(1)} used (N/8, N/4, N/2, N)`, format: 'number', categories: steps.map(String) },
      panels: [{ axis: { title: index === 'ST' ? 'ST (total-order index)' : 'mu*', format: 'number', padded: true, ...(cut ? { min: lowest, max: highest } : {}) } }],
      series,
      note: 'markers: index · whiskers: bootstrap 95% interval',
    },
  };
}
