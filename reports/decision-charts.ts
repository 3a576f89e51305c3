/**
 * Charts, tables and the opening section of a decision report (reads the decide files only):
 * "The answer" in words per criterion — the policy most likely best and how likely, what choosing
 * it risks, which unknown matters most, the box of worlds where the answer flips — then the
 * probability of being best, each policy's effect across the worlds (a strip of worlds with the
 * mean and the central 95%), the regret distributions, the value of information, PRIM's trade-off
 * curve and the chosen box's limits.
 */
import type { DecisionCriterion, DecisionResult, EvppiRecord, PolicyRecord, ScenarioRecord, WorldValues } from './decision-load.js';
import { axisTitle, displayName, formatForName, formatParameterValue, formatValue, slug, type ValueFormat } from './format.js';
import { categoricalColours, OTHER_COLOURS } from './palette.js';
import type { ChartPlan } from './run-charts.js';
import { factorLabels } from './sensitivity-charts.js';
import type { ChartSpec, LineSeriesSpec, PointSpec } from './spec.js';
import type { KeyTable } from './tables.js';

/** Worlds drawn in a strip per policy (resampled by weight, so the strip shows the weighted distribution). */
const STRIP_WORLDS = 400;
/** Points per line of a regret distribution. */
const ECDF_POINTS = 300;
/** Bars of an EVPPI chart besides EVPI. */
const EVPPI_BARS = 16;

export interface DecisionLead {
  readonly title: string;
  readonly paragraphs: readonly string[];
  readonly tables: readonly KeyTable[];
}

// ─── words and numbers ──────────────────────────────────────────────────────

/** The format of a criterion's values: from its name (FORMATS.md rules), plain numbers when the user gave a unit. */
function formatOf(c: DecisionCriterion): ValueFormat {
  return c.unit ? 'number' : formatForName(c.name);
}

function round3(v: number, digits = 3): number {
  return Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(digits)) : v;
}

/** A value of a criterion with its unit, three significant digits (more with `digits`): "551 people", "$2,390". */
export function amount(v: number, c: DecisionCriterion, digits = 3): string {
  const format = formatOf(c);
  const text = formatValue(round3(v, digits), format);
  if (c.unit) return `${text} ${c.unit}`;
  return format === 'people' ? `${text} people` : text;
}

/** A criterion's axis title: its name and unit. */
function valueAxis(c: DecisionCriterion, what: string): string {
  if (c.unit) return `${what} (${c.unit})`;
  const format = formatForName(c.name);
  return format === 'number' ? `${what} (the criterion's units)` : axisTitle(what, format);
}

function percent(v: number): string {
  return Number.isFinite(v) ? `${Math.round(v * 100)}%` : '–';
}

function pointsOf(v: number): string {
  return `${Math.round(v * 100)} points`;
}

function direction(c: DecisionCriterion): string {
  return c.higherIsBetter ? 'more is better' : 'less is better';
}

/** A parameter value in its own units: by the parameter's name (FORMATS.md), or with the unit given (--unit). */
function parameterValue(result: DecisionResult, name: string, v: number): string {
  const unit = result.parameterUnits[name];
  if (unit) return `${formatValue(round3(v), 'number')} ${unit}`;
  return formatParameterValue(name, String(round3(v)));
}

/** A box's limits in words: "a ≥ 0.21 and 0.2 ≤ b ≤ 0.295". */
export function limitsText(result: DecisionResult, dimensions: readonly { parameter: string; low: number | null; high: number | null }[]): string {
  return dimensions.map((d) => {
    const low = d.low === null ? null : parameterValue(result, d.parameter, d.low);
    const high = d.high === null ? null : parameterValue(result, d.parameter, d.high);
    if (low !== null && high !== null) return `${low} ≤ ${d.parameter} ≤ ${high}`;
    return low !== null ? `${d.parameter} ≥ ${low}` : `${d.parameter} ≤ ${high}`;
  }).join(' and ');
}

function rowsOf(result: DecisionResult, c: DecisionCriterion): readonly PolicyRecord[] {
  return result.decision.get(c.name) ?? [];
}

/** The policies a criterion compares (all of them unless the experiment named fewer), in the manifest's order. */
function comparedPolicies(result: DecisionResult, c: DecisionCriterion): string[] {
  return result.policies.filter((p) => byPolicy(result, c, p));
}

function byPolicy(result: DecisionResult, c: DecisionCriterion, policy: string): PolicyRecord | undefined {
  return rowsOf(result, c).find((r) => r.policy === policy);
}

/**
 * The unknown that matters most: the largest EVPPI among those above two standard errors (the
 * estimator is biased up by about one standard error; a smaller one cannot be told from 0).
 */
function mostValuable(ranked: readonly EvppiRecord[]): EvppiRecord | undefined {
  return ranked.find((r) => r.evppi > 2 * r.evppiSe);
}

/** EVPPI rows of a criterion, largest first, EVPI apart. */
function valueRows(result: DecisionResult, c: DecisionCriterion): { evpi: EvppiRecord | undefined; ranked: EvppiRecord[] } {
  const rows = result.evppi.get(c.name) ?? [];
  return { evpi: rows.find((r) => r.kind === 'all'), ranked: rows.filter((r) => r.kind !== 'all').sort((a, b) => b.evppi - a.evppi) };
}

function criterionParagraphs(result: DecisionResult, c: DecisionCriterion): string[] {
  const rows = rowsOf(result, c);
  const best = byPolicy(result, c, c.mostLikelyBest);
  if (!best) return [`${displayName(c.name)}: no policy rows in decision.csv.`];
  const ranked = [...rows].sort((a, b) => b.probabilityBest - a.probabilityBest);
  const runnerUp = ranked.find((r) => r.policy !== best.policy);
  const paragraphs: string[] = [];
  paragraphs.push(
    `${displayName(c.name)} (${direction(c)}): ${best.policy} is the policy most likely to be best — best in ${percent(best.probabilityBest)} of the worlds ` +
    `(± ${pointsOf(1.96 * best.probabilityBestSe)})${runnerUp ? `, ahead of ${runnerUp.policy} (${percent(runnerUp.probabilityBest)})` : ''}. ` +
    `Its outcome is ${amount(best.expectedEffect, c)} on average, between ${amount(best.effectLow, c)} and ${amount(best.effectHigh, c)} in 95% of the worlds.`,
  );
  let risk = `Choosing ${best.policy} risks ${amount(best.expectedRegret, c)} on average against the best policy of each world (expected regret), ` +
    `at most ${amount(best.p90Regret, c)} in 9 worlds out of 10 and ${amount(best.maxRegret, c)} in the worst.`;
  const expected = byPolicy(result, c, c.expectedBest);
  if (expected && expected.policy !== best.policy) {
    // Enough digits to tell the two apart (two means that round alike would read as a contradiction).
    let digits = 3;
    while (digits < 8 && amount(expected.expectedEffect, c, digits) === amount(best.expectedEffect, c, digits)) digits++;
    risk += ` ${expected.policy} does better on average (${amount(expected.expectedEffect, c, digits)} against ${amount(best.expectedEffect, c, digits)}) although it is best less often (${percent(expected.probabilityBest)}): ` +
      `when it wins it wins by more, and its expected regret is lower (${amount(expected.expectedRegret, c)}); it is the choice that loses least on average.`;
  }
  if (c.threshold !== null) risk += ` It reaches ${amount(c.threshold, c)} in ${percent(best.thresholdShare)} of the worlds.`;
  paragraphs.push(risk);
  const { evpi, ranked: valued } = valueRows(result, c);
  if (evpi) {
    const top = mostValuable(valued);
    if (!(evpi.evppi > 0)) paragraphs.push(`Knowing more would not change the choice: ${c.expectedBest} is best in every world (EVPI 0).`);
    else if (!top && valued.length > 0) {
      paragraphs.push(`Knowing the world exactly before choosing would be worth ${amount(evpi.evppi, c)} (EVPI), but no single unknown's value (EVPPI) is above two standard errors: ` +
        `with ${formatValue(result.worlds, 'number')} worlds none can be told from 0 (the largest estimate, ${valued[0].parameter}, ${amount(valued[0].evppi, c)} ± ${amount(1.96 * valued[0].evppiSe, c)}).`);
    } else if (top) {
      const next = valued.filter((r) => r !== top && r.evppi > 2 * r.evppiSe).slice(0, 2).filter((r) => r.shareOfEvpi >= 0.1);
      paragraphs.push(
        `The unknown that matters most for this choice is ${top.kind === 'group' ? `the group ${top.parameter} (${top.members.join(', ')})` : top.parameter}: knowing it before choosing would be worth ` +
        `${amount(top.evppi, c)} (± ${amount(1.96 * top.evppiSe, c)}), ${percent(top.shareOfEvpi)} of the ${amount(evpi.evppi, c)} that knowing the world exactly would be worth (EVPI).` +
        (next.length > 0 ? ` Next: ${next.map((r) => `${r.parameter} (${percent(r.shareOfEvpi)})`).join(', ')}.` : '') +
        (top.shareOfEvpi < 0.2 ? ' No single unknown explains much of it: the value lies in learning several together.' : ''),
      );
    }
  }
  const s = result.scenarios.get(c.name);
  if (s) paragraphs.push(flipText(result, s));
  return paragraphs;
}

function flipText(result: DecisionResult, s: ScenarioRecord): string {
  if (!(s.caseShare > 0)) return `${s.reference}, the expected best, is best in every world: the answer never flips.`;
  if (!s.box || s.box.dimensions.length === 0) {
    return `${s.reference}, the expected best, is not best in ${percent(s.caseShare)} of the worlds, and no box of parameter values holds those worlds: they are spread across the range of every parameter.`;
  }
  const box = s.box;
  const shares = [...s.bestInBox].sort((a, b) => b.probability - a.probability);
  const other = shares.find((b) => b.policy !== s.reference);
  const itself = shares.find((b) => b.policy === s.reference);
  return `The answer flips — ${s.reference}, the expected best, is not best — in ${percent(s.caseShare)} of the worlds, most of all where ${limitsText(result, box.dimensions)}: ` +
    `it is not best in ${percent(box.density)} of the worlds in that box, which holds ${percent(box.coverage)} of all the worlds where it is not (and ${percent(box.mass)} of all worlds).` +
    (other ? ` There ${other.policy} is best in ${percent(other.probability)} of the worlds${itself && itself.probability >= other.probability ? ` (${s.reference} itself still in ${percent(itself.probability)})` : ''}.` : '') +
    (box.meetsThreshold ? '' : ` No box reached the wanted density of ${percent(result.densityThreshold)}: the flips are spread out, and this box is only where they are most frequent.`);
}

/** For a decide experiment (its manifest records it): what each value is over, and where the worlds came from. */
function experimentParagraph(result: DecisionResult): string[] {
  const m = result.manifest as { experiment?: { ticks?: number; replicates?: number }; baseline?: string; source?: { worldsSource?: Record<string, unknown> } };
  if (!m.experiment || typeof m.baseline !== 'string') return [];
  const source = m.source?.worldsSource ?? {};
  const from = source.kind === 'design' ? `a ${String(source.type)} design over ranges (no data)`
    : source.kind === 'copy' ? 'the worlds.csv of an earlier run'
      : `${String(source.path)}${typeof source.sample === 'number' ? `, ${source.sample} drawn by their weights from its ${String(source.rows)}` : ''}`;
  return [`Every outcome is a policy's effect over ${m.baseline} over ${String(m.experiment.ticks)} ticks: in each world the policies and ${m.baseline} ran ${String(m.experiment.replicates)} replicates with the same seeds (paired), other worlds with other seeds. The worlds: ${from}. ` +
    'How each criterion is computed in a world, and what stands in where a ratio is not a number, is in the manifest (criteria[].definition) and world-criteria.csv.'];
}

export function decisionLead(result: DecisionResult): DecisionLead {
  const paragraphs = [
    `${result.policies.length} policies compared over ${formatValue(result.worlds, 'number')} worlds (parameter sets${Number.isFinite(result.effectiveSampleSize) && result.effectiveSampleSize < result.worlds - 0.5 ? `; importance weights, effective sample size ${Math.round(result.effectiveSampleSize)}` : ''}) ` +
    `on ${result.criteria.length} criteria. A world's outcome is ${result.replicates ? 'the mean of its replicates' : 'one value'}; "best" is best in that world, and every share below is a (weighted) share of worlds.`,
    ...experimentParagraph(result),
    ...result.criteria.flatMap((c) => criterionParagraphs(result, c)),
  ];
  const table: KeyTable = {
    title: 'The answer per criterion',
    columns: ['criterion', 'most likely best (share of worlds)', 'its outcome: mean [95% of worlds]', 'its regret: mean / 90% of worlds / worst', 'unknown that matters most (share of EVPI)', 'where the expected best is not best (density, coverage)'],
    rows: result.criteria.map((c) => {
      const best = byPolicy(result, c, c.mostLikelyBest);
      const ranked = valueRows(result, c).ranked;
      const top = mostValuable(ranked);
      const s = result.scenarios.get(c.name);
      const box = s?.box && s.box.dimensions.length > 0 ? `${limitsText(result, s.box.dimensions)} (${percent(s.box.density)}, ${percent(s.box.coverage)})` : s && !(s.caseShare > 0) ? 'never' : 'spread out';
      return [
        displayName(c.name),
        best ? `${best.policy} (${percent(best.probabilityBest)})` : '–',
        best ? `${amount(best.expectedEffect, c)} [${amount(best.effectLow, c)}, ${amount(best.effectHigh, c)}]` : '–',
        best ? `${amount(best.expectedRegret, c)} / ${amount(best.p90Regret, c)} / ${amount(best.maxRegret, c)}` : '–',
        top ? `${top.parameter} (${percent(top.shareOfEvpi)})` : ranked[0] ? `${ranked[0].parameter} (${percent(ranked[0].shareOfEvpi)}; not distinguishable from 0)` : '–',
        box,
      ];
    }),
  };
  return { title: 'The answer', paragraphs, tables: [table] };
}

// ─── tables ─────────────────────────────────────────────────────────────────

export function decisionTables(result: DecisionResult): KeyTable[] {
  const tables: KeyTable[] = [{
    title: 'The analysis',
    columns: ['item', 'value'],
    rows: [
      ['worlds', String(result.worlds)],
      ['effective sample size (weights)', Number.isFinite(result.effectiveSampleSize) ? String(Math.round(result.effectiveSampleSize)) : '–'],
      ['replicates per world', result.replicates ? 'yes: each value is a mean over replicates, seed variance split out' : 'one value per world and policy'],
      ['policies', result.policies.join(', ')],
      ['parameters', result.parameters.join(', ')],
      ['criteria', result.criteria.map((c) => `${c.name} (${direction(c)}${c.unit ? `, ${c.unit}` : ''})`).join('; ')],
    ],
  }];
  for (const c of result.criteria) {
    tables.push({
      title: `${displayName(c.name)}: each policy across the worlds`,
      columns: ['policy', 'best in (± 95%)', 'mean outcome (± 95%)', '95% of worlds', 'seed noise share', 'expected rank', 'regret: mean', '90% of worlds', 'worst', ...(c.threshold !== null ? [`reaches ${amount(c.threshold, c)}`] : [])],
      rows: rowsOf(result, c).map((r) => [
        r.policy + (r.policy === c.expectedBest ? ' (expected best)' : ''),
        `${percent(r.probabilityBest)} (± ${pointsOf(1.96 * r.probabilityBestSe)})`,
        `${amount(r.expectedEffect, c)} (± ${amount(1.96 * r.expectedEffectSe, c)})`,
        `${amount(r.effectLow, c)} to ${amount(r.effectHigh, c)}`,
        Number.isFinite(r.seedNoiseShare) ? percent(r.seedNoiseShare) : '–',
        r.expectedRank.toFixed(2),
        amount(r.expectedRegret, c), amount(r.p90Regret, c), amount(r.maxRegret, c),
        ...(c.threshold !== null ? [percent(r.thresholdShare)] : []),
      ]),
    });
    const { evpi, ranked } = valueRows(result, c);
    if (evpi) {
      tables.push({
        title: `${displayName(c.name)}: value of information (EVPI = ${amount(evpi.evppi, c)} ± ${amount(1.96 * evpi.evppiSe, c)})`,
        columns: ['parameter or group', 'EVPPI (± 95%)', 'share of EVPI', 'method'],
        rows: ranked.map((r) => [r.kind === 'group' ? `${r.parameter} (${r.members.join(', ')})` : r.parameter, `${amount(r.evppi, c)} (± ${amount(1.96 * r.evppiSe, c)})`, percent(r.shareOfEvpi), r.method]),
      });
    }
    const box = result.scenarios.get(c.name)?.box;
    if (box && box.dimensions.length > 0) {
      tables.push({
        title: `${displayName(c.name)}: the box where the expected best is not best (density ${percent(box.density)}, coverage ${percent(box.coverage)}, mass ${percent(box.mass)})`,
        columns: ['parameter', 'limits', 'quasi-p-value', 'reproduced in resamples'],
        rows: [
          ...box.dimensions.map((d) => [d.parameter, limitsText(result, [d]), formatP(d.quasiP), Number.isFinite(d.reproducibility) ? percent(d.reproducibility) : '–']),
          ...box.dropped.map((d) => [d.parameter, `dropped: ${limitsText(result, [d])}`, formatP(d.quasiP), 'not significant']),
        ],
      });
    }
  }
  return tables;
}

function formatP(p: number): string {
  if (!Number.isFinite(p)) return '–';
  return p < 1e-4 ? '< 0.0001' : p.toPrecision(2);
}

// ─── charts ─────────────────────────────────────────────────────────────────

export function decisionCharts(result: DecisionResult): ChartPlan {
  const plan: ChartPlan = { charts: [probabilityBestChart(result)], notes: [] };
  for (const c of result.criteria) {
    const worlds = result.worldValues.get(c.name);
    if (worlds) plan.charts.push(effectsChart(result, c, worlds), regretChart(result, c, worlds));
    else plan.notes.push(`worlds-outcomes.csv has no values for ${c.name}: its distributions are not drawn`);
    const evppi = evppiChart(result, c);
    if (evppi) plan.charts.push(evppi);
    const s = result.scenarios.get(c.name);
    if (s && s.trajectory.length > 1) plan.charts.push(tradeoffChart(result, c, s));
    if (s?.box && s.box.dimensions.length > 0) plan.charts.push(boxChart(result, c, s));
  }
  return plan;
}

function policyColours(result: DecisionResult): Map<string, string> {
  const colours = categoricalColours(result.policies.length);
  return new Map(result.policies.map((p, i) => [p, colours[i]]));
}

function probabilityBestChart(result: DecisionResult): ChartSpec {
  const colours = policyColours(result);
  return {
    file: 'decision-probability-best.png',
    title: 'Probability of being the best policy, per criterion',
    caption: 'The share of the worlds (weighted) in which each policy is the best one on the criterion; a tie among k policies counts 1/k for each. Whiskers: ±1.96 Monte Carlo standard errors (finite number of worlds).',
    kind: 'decision_probability_best',
    source: { file: 'decision.csv', columns: ['criterion', 'policy', 'probability_best', 'probability_best_se'] },
    chart: {
      type: 'bar',
      x: { title: 'Criterion', categories: result.criteria.map((c) => wrapped(displayName(c.name), result.criteria.length > 4 ? 14 : 24)) },
      y: { title: 'Probability of being best (share of worlds, %)', format: 'probability', min: 0, max: 1 },
      groups: result.policies.map((policy) => ({
        label: policy,
        colour: colours.get(policy)!,
        values: result.criteria.map((c) => {
          const r = byPolicy(result, c, policy);
          return r ? { y: r.probabilityBest, low: Math.max(0, r.probabilityBest - 1.96 * r.probabilityBestSe), high: Math.min(1, r.probabilityBest + 1.96 * r.probabilityBestSe) } : { y: null };
        }),
      })),
      note: 'bars: share of worlds where the policy is best · whiskers: ±1.96 Monte Carlo standard errors',
    },
  };
}

/** Words broken into lines of at most `width` characters (a longer word keeps a line of its own). */
export function wrapped(text: string, width: number): string {
  const lines: string[] = [];
  for (const word of text.split(/\s+/)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.join('\n');
}

/** Indices of `count` worlds drawn by systematic resampling on the weights (evenly spaced worlds when weights are equal). */
function resampled(weights: Float64Array, count: number): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  const picks: number[] = [];
  let cumulative = 0;
  let w = 0;
  for (let k = 0; k < count; k++) {
    const target = ((k + 0.5) / count) * total;
    while (w < weights.length - 1 && cumulative + weights[w] < target) cumulative += weights[w++];
    picks.push(w);
  }
  return picks;
}

function effectsChart(result: DecisionResult, c: DecisionCriterion, worlds: WorldValues): ChartSpec {
  const colours = policyColours(result);
  const shown = Math.min(STRIP_WORLDS, worlds.weights.length);
  const picks = resampled(worlds.weights, shown);
  // A criterion may compare only some of the policies (e.g. those that spend, for a cost): its columns only.
  const compared = comparedPolicies(result, c);
  const series: LineSeriesSpec[] = compared.map((policy, x) => ({
    label: policy,
    colour: colours.get(policy)!,
    scatter: true,
    // A deterministic spread across the column (golden-ratio steps), so points of equal value do not stack.
    points: picks.map((w, k) => ({ x: x + 0.6 * (((k * 0.6180339887) % 1) - 0.5), y: worlds.values[result.policies.indexOf(policy)][w] })),
  }));
  series.push({
    label: 'mean · whiskers: central 95% of the worlds',
    colour: '#000000',
    markers: true,
    marker: 'rectRot',
    markerScale: 1.6,
    noLine: true,
    interval: 'whiskers',
    points: compared.map((policy, x) => {
      const r = byPolicy(result, c, policy);
      return { x, y: r?.expectedEffect ?? null, low: r?.effectLow ?? null, high: r?.effectHigh ?? null };
    }),
  });
  return {
    file: `decision-effects-${slug(c.name)}.png`,
    title: `${displayName(c.name)}: each policy's outcome across the worlds`,
    caption: `Each dot is one world (${shown} of ${worlds.weights.length} drawn${shown < worlds.weights.length ? ' by their weights' : ''}): the spread is what the unknowns do to the policy's outcome. ` +
      `Black: the weighted mean and the central 95% of the worlds (decision.csv).${result.replicates ? ' A world\'s value is the mean of its replicates; decision.csv splits the spread into parameters and seed noise.' : ''} ${c.higherIsBetter ? 'Higher is better.' : 'Lower is better.'}`,
    kind: 'decision_effects',
    source: { file: 'worlds-outcomes.csv', columns: ['criterion', 'world', 'weight', 'policy', 'value'] },
    chart: {
      type: 'line',
      x: { title: 'Policy', format: 'number', categories: compared },
      panels: [{ axis: { title: valueAxis(c, displayName(c.name)), format: formatOf(c), padded: true } }],
      series,
    },
  };
}

/** A weighted empirical distribution function as a staircase, thinned to about ECDF_POINTS steps. */
function ecdf(values: Float64Array, weights: Float64Array): PointSpec[] {
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const total = weights.reduce((s, w) => s + w, 0);
  const points: PointSpec[] = [];
  let cumulative = 0;
  let drawn = 0; // the height the staircase has reached
  for (let k = 0; k < order.length; k++) {
    const x = values[order[k]];
    cumulative += weights[order[k]];
    const last = k + 1 === order.length;
    if (!last && values[order[k + 1]] === x) continue; // tied values make one step
    const y = cumulative / total;
    if (!last && y - drawn < 1 / ECDF_POINTS) continue;
    points.push({ x, y: drawn }, { x, y });
    drawn = y;
  }
  return points;
}

function regretChart(result: DecisionResult, c: DecisionCriterion, worlds: WorldValues): ChartSpec {
  const colours = policyColours(result);
  return {
    file: `decision-regret-${slug(c.name)}.png`,
    title: `${displayName(c.name)}: what choosing each policy risks (regret)`,
    caption: 'Each line: the share of worlds (weighted) in which choosing the policy loses at most the amount on the horizontal axis against the best policy of that world. ' +
      'It starts at the share of worlds where the policy is best (regret 0); a line that climbs early and reaches 100% soon risks little. decision.csv has the mean, the 90th percentile and the maximum.',
    kind: 'decision_regret',
    source: { file: 'worlds-outcomes.csv', columns: ['criterion', 'world', 'weight', 'policy', 'regret'] },
    chart: {
      type: 'line',
      x: { title: valueAxis(c, c.higherIsBetter ? 'Regret: the best policy of the world minus this one' : "Regret: this policy's value minus the best (lowest) of the world"), format: formatOf(c), min: 0 },
      panels: [{ axis: { title: 'Share of worlds with at most this regret (%)', format: 'share', min: 0, max: 1 } }],
      series: comparedPolicies(result, c).map((policy) => ({ label: policy, colour: colours.get(policy)!, points: ecdf(worlds.regret[result.policies.indexOf(policy)], worlds.weights) })),
    },
  };
}

function evppiChart(result: DecisionResult, c: DecisionCriterion): ChartSpec | null {
  const { evpi, ranked } = valueRows(result, c);
  if (!evpi || ranked.length === 0) return null;
  const shown = ranked.slice(0, EVPPI_BARS);
  const bar = (r: EvppiRecord) => ({ y: r.evppi, low: Math.max(0, r.evppi - 1.96 * r.evppiSe), high: r.evppi + 1.96 * r.evppiSe });
  const labels = factorLabels(shown.map((r) => r.parameter)).map((label, i) => `${label}${shown[i].kind === 'group' ? '\n(group)' : ''}\n${percent(shown[i].shareOfEvpi)}`);
  return {
    file: `decision-evppi-${slug(c.name)}.png`,
    title: `${displayName(c.name)}: what knowing each unknown before choosing is worth`,
    caption: `EVPPI: the expected gain from learning the parameter (or group) before choosing, in the criterion's units, with ±1.96 standard errors; under each name its share of EVPI, the value of knowing everything (first bar). ` +
      `Regression estimator of Strong, Oakley & Brennan (2014) over the worlds already run.${ranked.length > shown.length ? ` The ${shown.length} largest of ${ranked.length}; evppi.csv has them all.` : ''}`,
    kind: 'decision_evppi',
    source: { file: 'evppi.csv', columns: ['criterion', 'parameter', 'evppi', 'evppi_se', 'share_of_evpi'] },
    chart: {
      type: 'bar',
      x: { title: 'Parameter or group (share of EVPI)', categories: ['everything\n(EVPI)', ...labels] },
      y: { title: valueAxis(c, 'Value of knowing it'), format: formatOf(c) },
      groups: [{ label: 'EVPI (first bar), then EVPPI of each unknown', colour: '#0072B2', values: [bar(evpi), ...shown.map(bar)] }],
      note: 'bars: value of information · whiskers: ±1.96 standard errors',
    },
  };
}

function tradeoffChart(result: DecisionResult, c: DecisionCriterion, s: ScenarioRecord): ChartSpec {
  const trajectory = s.trajectory;
  const box = s.box;
  // Chart.js draws the first series on top: the boxes' markers, then the trajectory, then the threshold.
  const series: LineSeriesSpec[] = [];
  if (box) {
    const step = trajectory[box.step];
    series.push({ label: `chosen box (step ${box.step})`, colour: '#D55E00', markers: true, marker: 'star', markerScale: 2.6, noLine: true, points: [{ x: step.coverage, y: step.density }] });
    if (Math.abs(step.coverage - box.coverage) > 1e-9 || Math.abs(step.density - box.density) > 1e-9) {
      series.push({ label: 'reported box (pasted, insignificant limits dropped)', colour: '#009E73', markers: true, marker: 'rectRot', markerScale: 2, noLine: true, points: [{ x: box.coverage, y: box.density }] });
    }
  }
  series.push(
    { label: 'peeling trajectory (each point a box)', colour: '#0072B2', markers: true, points: trajectory.map((t) => ({ x: t.coverage, y: t.density })) },
    { label: 'density threshold', colour: OTHER_COLOURS.grey, dashed: true, points: [{ x: 0, y: result.densityThreshold }, { x: 1, y: result.densityThreshold }] },
  );
  return {
    file: `decision-prim-tradeoff-${slug(c.name)}.png`,
    title: `${displayName(c.name)}: finding the worlds where ${s.reference} is not best (PRIM)`,
    caption: `PRIM peels the space of parameters step by step, from every world (right: coverage 100%, density = the ${percent(s.caseShare)} of worlds where ${s.reference}, the expected best, is not best) ` +
      `towards small boxes where nearly every world is such a world (left, up). Coverage: the share of all those worlds inside the box; density: the share of the box's worlds that are such worlds. ` +
      `The chosen box holds the most such worlds beyond chance among the boxes above the threshold (docs/DECISIONS.md).`,
    kind: 'decision_prim_tradeoff',
    source: { file: 'scenarios.json', columns: ['trajectory.coverage', 'trajectory.density', 'box'] },
    chart: {
      type: 'line',
      x: { title: 'Coverage (share of the worlds where it is not best, inside the box, %)', format: 'share', min: 0, max: 1 },
      panels: [{ axis: { title: 'Density (share of the box\'s worlds where it is not best, %)', format: 'share', min: 0, max: 1 } }],
      series,
    },
  };
}

function boxChart(result: DecisionResult, c: DecisionCriterion, s: ScenarioRecord): ChartSpec {
  const box = s.box!;
  const dims = box.dimensions;
  const rangeOf = (name: string): [number, number] => {
    const r = result.ranges[name];
    return r ? [r[0], r[1]] : [0, 1];
  };
  const position = (name: string, v: number | null, side: 'low' | 'high') => {
    const [lo, hi] = rangeOf(name);
    if (v === null) return side === 'low' ? 0 : 1;
    return hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0.5;
  };
  const rows = dims.map((d) => {
    const [lo, hi] = rangeOf(d.parameter);
    return `${d.parameter}\n${limitsText(result, [d]).replace(d.parameter, 'x')}  (range ${parameterValue(result, d.parameter, lo)} to ${parameterValue(result, d.parameter, hi)})`;
  });
  // The first restricted parameter on top: category k is drawn at height k, so rows go in reverse.
  const rowOf = (i: number) => dims.length - 1 - i;
  const segments = (make: (i: number) => [number, number]): PointSpec[] =>
    dims.flatMap((_, i) => {
      const [a, b] = make(i);
      return [{ x: a, y: rowOf(i) }, { x: b, y: rowOf(i) }, { x: b, y: null }];
    });
  return {
    file: `decision-prim-box-${slug(c.name)}.png`,
    title: `${displayName(c.name)}: the box where ${s.reference} is not best`,
    caption: `Each row is a parameter the box restricts, drawn over its range across the worlds (grey); the coloured part is the box. ` +
      `In the box ${s.reference} is not best in ${percent(box.density)} of the worlds; the box holds ${percent(box.coverage)} of all such worlds. ` +
      `The limits in the parameters' own units are under each name; their significance (quasi-p-values and reproducibility) is in the table "the box".`,
    kind: 'decision_prim_box',
    source: { file: 'scenarios.json', columns: ['box.dimensions', 'ranges'] },
    chart: {
      type: 'line',
      x: { title: "Position in the parameter's range across the worlds (0% = its lowest value, 100% = its highest)", format: 'share', min: 0, max: 1 },
      panels: [{ axis: { title: '', format: 'number', categories: [...rows].reverse() } }],
      // Chart.js draws the first series on top: the box over the range.
      series: [
        { label: 'the box', colour: '#D55E00', points: segments((i) => [position(dims[i].parameter, dims[i].low, 'low'), position(dims[i].parameter, dims[i].high, 'high')]) },
        {
          label: 'its limits', colour: '#D55E00', markers: true, markerScale: 1.4, noLine: true,
          points: dims.flatMap((d, i) => [
            ...(d.low !== null ? [{ x: position(d.parameter, d.low, 'low'), y: rowOf(i) }] : []),
            ...(d.high !== null ? [{ x: position(d.parameter, d.high, 'high'), y: rowOf(i) }] : []),
          ]),
        },
        { label: 'range across the worlds', colour: '#9A9A9A', dashed: true, points: segments(() => [0, 1]) },
      ],
    },
  };
}

