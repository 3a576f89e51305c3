/**
 * "Findings", the opening of a sweep report with a baseline: what each design point adds over its
 * baseline (effects.csv) as tables — effects, effects per US$1M, cost per additional defection,
 * each with its 95% interval — and a forest plot of each point's effect per US$1M for each
 * outcome. An undefined ratio is shown as n/a with its reason, never as a number.
 *
 * For any model but the defection model the outcomes, their labels and units and the spend
 * metric come from the sweep's manifest (`outcomes`, `units`; every effects.csv metric when no
 * outcomes are recorded). A model with a spend metric gets the same findings in its own words; a
 * model without one gets model-neutral findings: effects with their intervals, each point beside
 * its baseline, and a chart of the effects (against the compared parameter when it is a number,
 * a forest plot otherwise) — no money.
 */
import { describePoint, formatParameterValue, formatValue, slug, type ValueFormat } from './format.js';
import type { EffectRecord, SweepResult } from './load.js';
import { GROUP_COLOURS, OTHER_COLOURS, orderedColours } from './palette.js';
import type { ChartSpec, ForestColumnSpec, LineSeriesSpec, PointSpec } from './spec.js';
import type { KeyTable } from './tables.js';
import { formatOfUnit, needsPanels, NO_UNIT, PANEL_SCALE_RATIO, parameterAxis, recordedUnits, titled, usesGenericCharts, valueAxis } from './units.js';

export interface Findings {
  /** The baseline in words, e.g. `scenario = no-policy`. */
  readonly baseline: string;
  readonly pairing: string;
  readonly intervals: string;
  readonly tables: readonly KeyTable[];
  /** The forest plot's PNG files (they are also in the report's charts). */
  readonly charts: readonly string[];
  /** Whether the findings speak of money (per US$1M, costs); false for a model that records no spend. */
  readonly money?: boolean;
}

interface Outcome {
  readonly metric: string;
  readonly label: string;
  readonly format: ValueFormat;
  readonly perMillion: ValueFormat;
  readonly colour: string;
}

/**
 * The people of each group who left: model 1.2's distinct people (`left_ever_*`; the CDM proper is
 * junior and mid-tier officials, senior officials apart), or, for results of earlier model versions
 * that lack them, the cumulative defections (`defected_*`, where `official` counted senior officials).
 */
const GROUP_OUTCOMES: readonly Outcome[] = [
  { metric: 'left_ever_army', label: 'army', format: 'people', perMillion: 'people_per_million_usd', colour: GROUP_COLOURS.army },
  { metric: 'left_ever_police', label: 'police', format: 'people', perMillion: 'people_per_million_usd', colour: GROUP_COLOURS.police },
  { metric: 'left_ever_official_senior', label: 'senior officials', format: 'people', perMillion: 'people_per_million_usd', colour: GROUP_COLOURS.official },
  { metric: 'left_ever_cdm', label: 'CDM (junior, mid officials)', format: 'people', perMillion: 'people_per_million_usd', colour: GROUP_COLOURS.official },
  { metric: 'left_ever_official_economic', label: 'economic officials', format: 'people', perMillion: 'people_per_million_usd', colour: GROUP_COLOURS.official },
  { metric: 'left_ever_tycoon', label: 'tycoons', format: 'people', perMillion: 'people_per_million_usd', colour: GROUP_COLOURS.tycoon },
];
const GROUP_OUTCOMES_BEFORE_1_2: readonly Outcome[] = [
  { metric: 'defected_army', label: 'army', format: 'people', perMillion: 'people_per_million_usd', colour: GROUP_COLOURS.army },
  { metric: 'defected_police', label: 'police', format: 'people', perMillion: 'people_per_million_usd', colour: GROUP_COLOURS.police },
  { metric: 'defected_official_senior', label: 'senior officials', format: 'people', perMillion: 'people_per_million_usd', colour: GROUP_COLOURS.official },
  { metric: 'defected_official', label: 'officials (CDM and senior)', format: 'people', perMillion: 'people_per_million_usd', colour: GROUP_COLOURS.official },
  { metric: 'defected_official_economic', label: 'economic officials', format: 'people', perMillion: 'people_per_million_usd', colour: GROUP_COLOURS.official },
  { metric: 'defected_tycoon', label: 'tycoons', format: 'people', perMillion: 'people_per_million_usd', colour: GROUP_COLOURS.tycoon },
];
const CAPACITY_OUTCOMES: readonly Outcome[] = [
  { metric: 'regime_strength_lost', label: 'regime strength lost', format: 'index', perMillion: 'index_per_million_usd', colour: OTHER_COLOURS.skyBlue },
  { metric: 'military_capacity_lost', label: 'military capacity lost', format: 'index', perMillion: 'index_per_million_usd', colour: OTHER_COLOURS.black },
  { metric: 'economic_capacity_lost', label: 'economic capacity lost', format: 'index', perMillion: 'index_per_million_usd', colour: OTHER_COLOURS.reddishPurple },
];
const SPEND: Outcome = { metric: 'spend_usd', label: 'spend over baseline', format: 'usd', perMillion: 'per_million_usd', colour: OTHER_COLOURS.grey };

/** Forest rows beyond this are left out (with a note): a taller chart would be unreadable at a fixed size. */
const MAX_FOREST_ROWS = 24;

/** Short forms of the reasons for chart cells. */
const SHORT_REASONS: Readonly<Record<string, string>> = {
  'no spend over baseline': 'n/a: no spend',
  'spend over baseline not distinguishable from 0': 'n/a: spend ≈ 0',
  'spends less than the baseline': 'n/a: spends less',
  'fewer than 2 replicates with a value': 'n/a: too few runs',
};

export interface FindingsPlan {
  readonly findings: Findings | null;
  readonly charts: ChartSpec[];
  readonly notes: string[];
}

function signed(value: number, format: ValueFormat): string {
  const text = formatValue(value, format);
  return value > 0 ? `+${text}` : text;
}

function interval(value: number, low: number, high: number, format: ValueFormat, sign = true): string {
  if (!Number.isFinite(value)) return '–';
  const shown = sign ? signed(value, format) : formatValue(value, format);
  return Number.isFinite(low) && Number.isFinite(high) ? `${shown} [${formatValue(low, format)}, ${formatValue(high, format)}]` : shown;
}

/** The points compared with a baseline (not their own), labelled by their varied values. */
export function comparedPoints(sweep: SweepResult): { id: string; label: string; baselineId: string }[] {
  const effects = sweep.effects;
  if (!effects) return [];
  const baselineOf = new Map(effects.rows.map((r) => [r.pointId, r.baselinePointId]));
  const onlyScenario = sweep.varied.length === 1 && sweep.varied[0].path === 'scenario';
  return sweep.points
    .filter((p) => baselineOf.has(p.id) && baselineOf.get(p.id) !== p.id)
    .map((p) => ({ id: p.id, label: onlyScenario ? p.params.scenario : describePoint(p.params), baselineId: baselineOf.get(p.id)! }));
}

export function baselineText(sweep: SweepResult): string {
  const baseline = sweep.effects?.baseline ?? {};
  return Object.entries(baseline).map(([k, v]) => `${k} = ${formatParameterValue(k, String(v))}`).join(', ') || 'the baseline';
}

export function findingsOf(sweep: SweepResult): FindingsPlan {
  const effects = sweep.effects;
  if (!effects) return { findings: null, charts: [], notes: [] };
  if (usesGenericCharts(sweep.manifest)) return modelFindings(sweep);
  const notes: string[] = [];
  const points = comparedPoints(sweep);
  const byKey = new Map(effects.rows.map((r) => [`${r.pointId}|${r.metric}`, r]));
  const get = (pointId: string, metric: string): EffectRecord | undefined => byKey.get(`${pointId}|${metric}`);
  const present = (outcomes: readonly Outcome[]) => outcomes.filter((o) => points.some((p) => get(p.id, o.metric)));
  const groups = present(GROUP_OUTCOMES).length > 0 ? present(GROUP_OUTCOMES) : present(GROUP_OUTCOMES_BEFORE_1_2);
  const capacity = present(CAPACITY_OUTCOMES);
  const base = baselineText(sweep);
  const how = effects.pairing === 'paired' ? 'paired replicates (common seeds)' : 'independent samples (Welch)';
  if (points.length === 0) return { findings: null, charts: [], notes: ['Findings: left out, effects.csv compares no point with another (every point is its own baseline)'] };
  const outcomes = [...groups, ...capacity];
  const tables: KeyTable[] = [
    {
      title: `What each point adds over ${base} at the end of the run: effect, mean [95% interval], ${how}`,
      columns: ['point', ...outcomes.map((o) => `${o.label} (${o.format === 'people' ? 'people' : 'index'})`), 'spend over baseline (US dollars)'],
      rows: points.map((p) => [p.label, ...[...outcomes, SPEND].map((o) => {
        const r = get(p.id, o.metric);
        return r ? interval(r.effect, r.effectLow, r.effectHigh, o.format) : '–';
      })]),
    },
    {
      title: `Effect per US$1M spent over ${base} [95% Fieller interval]; n/a: undefined, with the reason`,
      columns: ['point', ...outcomes.map((o) => `${o.label} per US$1M`)],
      rows: points.map((p) => [p.label, ...outcomes.map((o) => {
        const r = get(p.id, o.metric);
        if (!r) return '–';
        return Number.isFinite(r.perMillionUsd) ? interval(r.perMillionUsd, r.perMillionUsdLow, r.perMillionUsdHigh, o.perMillion) : `n/a (${r.perMillionUsdReason || 'undefined'})`;
      })]),
    },
    {
      title: `Cost per additional defection: spend over ${base} on the group's own people (cost_spend_metric; the whole spend for results before model 1.2) / its extra people who left, US dollars per person [95% Fieller interval]`,
      columns: ['point', ...groups.map((o) => o.label)],
      rows: points.map((p) => [p.label, ...groups.map((o) => {
        const r = get(p.id, o.metric);
        if (!r) return '–';
        return Number.isFinite(r.costPerAdditionalDefectionUsd)
          ? interval(r.costPerAdditionalDefectionUsd, r.costLow, r.costHigh, 'usd_per_person', false)
          : `n/a (${r.costReason || 'undefined'})`;
      })]),
    },
  ];
  const shown = points.slice(0, MAX_FOREST_ROWS);
  if (points.length > shown.length) notes.push(`Forest plot: the first ${shown.length} of ${points.length} compared points are drawn (all are in the tables and effects.csv)`);
  const column = (o: Outcome): ForestColumnSpec => ({
    title: `${o.label}\n(${o.format === 'people' ? 'people' : 'index'} per US$1M)`,
    format: o.perMillion,
    colour: o.colour,
    cells: shown.map((p) => {
      const r = get(p.id, o.metric);
      if (!r || !Number.isFinite(r.perMillionUsd)) return { x: null, low: null, high: null, note: SHORT_REASONS[r?.perMillionUsdReason ?? ''] ?? 'n/a' };
      return { x: r.perMillionUsd, low: finite(r.perMillionUsdLow), high: finite(r.perMillionUsdHigh) };
    }),
  });
  const forest = (file: string, what: string, chosen: readonly Outcome[]): ChartSpec => ({
    file,
    title: `${what} per US$1M spent over ${base}`,
    caption:
      `${what} per US$1 million of spend over ${base}, by the end of the run, for each compared point (rows) and outcome (columns, each on its own axis): ` +
      `the effect over the baseline divided by the spend over the baseline (effects.csv, effect_per_million_usd). Diamonds: estimates; whiskers: Fieller's 95% interval ` +
      `(${how}); dashed line: 0. n/a: undefined (${[...new Set(chosen.flatMap((o) => shown.map((p) => get(p.id, o.metric)?.perMillionUsdReason ?? '')).filter(Boolean))].join('; ') || 'none here'}).`,
    kind: 'forest',
    source: { file: 'effects.csv', columns: ['point_id', 'metric', 'effect_per_million_usd', 'effect_per_million_usd_ci95_low', 'effect_per_million_usd_ci95_high', 'effect_per_million_usd_undefined_reason'] },
    chart: { type: 'forest', rows: shown.map((p) => p.label), columns: chosen.map(column), note: `diamond: estimate · whiskers: 95% interval · dashed: 0 · over ${base}` },
  });
  const charts = [
    ...(groups.length ? [forest('findings-forest-defections-per-million-usd.png', 'Additional defections', groups)] : []),
    ...(capacity.length ? [forest('findings-forest-capacity-lost-per-million-usd.png', 'Additional capacity lost', capacity)] : []),
  ];
  return {
    findings: { baseline: base, pairing: effects.pairing, intervals: effects.intervals, tables, charts: charts.map((c) => c.file), money: true },
    charts,
    notes,
  };
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

// ─── any model but the defection model ──────────────────────────────────────

/** An outcome of a model as its sweep records it: the metric, its label and kind, and its unit from the manifest. */
interface RecordedOutcome {
  readonly metric: string;
  readonly label: string;
  readonly kind: string;
  readonly unit: string;
  readonly format: ValueFormat;
}

/** Okabe-Ito colours for outcomes, which have no order. */
const OUTCOME_COLOURS = [OTHER_COLOURS.black, GROUP_COLOURS.army, GROUP_COLOURS.police, GROUP_COLOURS.official, GROUP_COLOURS.tycoon, OTHER_COLOURS.reddishPurple];

/**
 * The outcomes and spend metric a sweep's manifest records (`outcomes`: the model's), each with
 * the unit of `units`; without recorded outcomes, every metric of effects.csv but the spend.
 */
function recordedOutcomes(sweep: SweepResult): { outcomes: RecordedOutcome[]; spendMetric: string | null } {
  const units = recordedUnits(sweep.manifest);
  const recorded = (sweep.manifest.outcomes ?? {}) as { effects?: unknown; spendMetric?: unknown };
  const spendMetric = typeof recorded.spendMetric === 'string' ? recorded.spendMetric : null;
  const inEffects = new Set(sweep.effects?.rows.map((r) => r.metric));
  const listed = Array.isArray(recorded.effects)
    ? recorded.effects.flatMap((o: Record<string, unknown>) => (typeof o?.metric === 'string' ? [{ metric: o.metric, label: typeof o.label === 'string' ? o.label : o.metric, kind: typeof o.kind === 'string' ? o.kind : 'other' }] : []))
    : [...inEffects].filter((m) => m !== spendMetric).map((metric) => ({ metric, label: metric, kind: 'other' }));
  const outcomes = listed.filter((o) => inEffects.has(o.metric)).map((o) => {
    const unit = units[o.metric] ?? NO_UNIT;
    return { ...o, unit, format: formatOfUnit(unit) };
  });
  return { outcomes, spendMetric: spendMetric !== null && inEffects.has(spendMetric) ? spendMetric : null };
}

/** Findings in the model's own words: its outcomes, units and (when it has one) spend metric. */
function modelFindings(sweep: SweepResult): FindingsPlan {
  const effects = sweep.effects!;
  const points = comparedPoints(sweep);
  if (points.length === 0) return { findings: null, charts: [], notes: ['Findings: left out, effects.csv compares no point with another (every point is its own baseline)'] };
  const { outcomes, spendMetric } = recordedOutcomes(sweep);
  if (outcomes.length === 0) return { findings: null, charts: [], notes: ['Findings: left out, effects.csv holds none of the outcomes the manifest records'] };
  const byKey = new Map(effects.rows.map((r) => [`${r.pointId}|${r.metric}`, r]));
  const get = (pointId: string, metric: string): EffectRecord | undefined => byKey.get(`${pointId}|${metric}`);
  const base = baselineText(sweep);
  const how = effects.pairing === 'paired' ? 'paired replicates (common seeds)' : 'independent samples (Welch)';
  const money = spendMetric !== null;
  const effectCell = (pointId: string, o: RecordedOutcome) => {
    const r = get(pointId, o.metric);
    return r ? interval(r.effect, r.effectLow, r.effectHigh, o.format) : '–';
  };
  const beside = (pointId: string, o: RecordedOutcome) => {
    const r = get(pointId, o.metric);
    return r && Number.isFinite(r.mean) ? `${formatValue(r.baselineMean, o.format)} → ${formatValue(r.mean, o.format)}` : '–';
  };
  const tables: KeyTable[] = [money
    ? {
      title: `What each point adds over ${base} at the end of the run: effect, mean [95% interval], ${how}`,
      columns: ['point', ...outcomes.map((o) => titled(o.label, o.unit)), 'spend over baseline (US dollars)'],
      rows: points.map((p) => [p.label, ...outcomes.map((o) => effectCell(p.id, o)), effectCell(p.id, { metric: spendMetric, label: 'spend', kind: 'usd', unit: 'USD', format: 'usd' })]),
    }
    : {
      title: `What each point adds over ${base} at the end of the run: effect, mean [95% interval], ${how}; and the means, baseline → point`,
      columns: ['point', ...outcomes.flatMap((o) => [`${titled(o.label, o.unit)}: effect`, 'baseline → point'])],
      rows: points.map((p) => [p.label, ...outcomes.flatMap((o) => [effectCell(p.id, o), beside(p.id, o)])]),
    }];
  if (money) {
    tables.push({
      title: `Effect per US$1M spent over ${base} [95% Fieller interval]; n/a: undefined, with the reason`,
      columns: ['point', ...outcomes.map((o) => `${o.label} per US$1M (${o.unit} per US$1M)`)],
      rows: points.map((p) => [p.label, ...outcomes.map((o) => {
        const r = get(p.id, o.metric);
        if (!r) return '–';
        return Number.isFinite(r.perMillionUsd) ? interval(r.perMillionUsd, r.perMillionUsdLow, r.perMillionUsdHigh, 'per_million_usd') : `n/a (${r.perMillionUsdReason || 'undefined'})`;
      })]),
    });
    const counts = outcomes.filter((o) => o.kind === 'count');
    if (counts.length > 0) {
      tables.push({
        title: `Cost per additional one: spend over ${base} / the extra count, US dollars each [95% Fieller interval]`,
        columns: ['point', ...counts.map((o) => `${o.label} (US dollars per additional one)`)],
        rows: points.map((p) => [p.label, ...counts.map((o) => {
          const r = get(p.id, o.metric);
          if (!r) return '–';
          return Number.isFinite(r.costPerAdditionalDefectionUsd) ? interval(r.costPerAdditionalDefectionUsd, r.costLow, r.costHigh, 'usd_per_person', false) : `n/a (${r.costReason || 'undefined'})`;
        })]),
      });
    }
  }
  const notes: string[] = [];
  const charts = money ? [moneyForest(points, outcomes, get, base, how, notes)] : effectCharts(sweep, points, outcomes, get, base, how, notes);
  return {
    findings: { baseline: base, pairing: effects.pairing, intervals: effects.intervals, tables, charts: charts.map((c) => c.file), money },
    charts,
    notes,
  };
}

type Compared = ReturnType<typeof comparedPoints>;
type EffectOf = (pointId: string, metric: string) => EffectRecord | undefined;

function forestRows(points: Compared, notes: string[]): Compared {
  const shown = points.slice(0, MAX_FOREST_ROWS);
  if (points.length > shown.length) notes.push(`Forest plot: the first ${shown.length} of ${points.length} compared points are drawn (all are in the tables and effects.csv)`);
  return shown;
}

/** A model with a spend metric: each outcome's effect per US$1M, as the defection model's forest plot. */
function moneyForest(points: Compared, outcomes: readonly RecordedOutcome[], get: EffectOf, base: string, how: string, notes: string[]): ChartSpec {
  const shown = forestRows(points, notes);
  const reasons = [...new Set(outcomes.flatMap((o) => shown.map((p) => get(p.id, o.metric)?.perMillionUsdReason ?? '')).filter(Boolean))];
  return {
    file: 'findings-forest-per-million-usd.png',
    title: `Effects per US$1M spent over ${base}`,
    caption:
      `Each outcome's effect per US$1 million of spend over ${base}, by the end of the run, for each compared point (rows) and outcome (columns, each on its own axis): ` +
      `the effect over the baseline divided by the spend over the baseline (effects.csv, effect_per_million_usd). Diamonds: estimates; whiskers: Fieller's 95% interval (${how}); dashed line: 0. ` +
      `n/a: undefined (${reasons.join('; ') || 'none here'}).`,
    kind: 'forest',
    source: { file: 'effects.csv', columns: ['point_id', 'metric', 'effect_per_million_usd', 'effect_per_million_usd_ci95_low', 'effect_per_million_usd_ci95_high', 'effect_per_million_usd_undefined_reason'] },
    chart: {
      type: 'forest', rows: shown.map((p) => p.label),
      columns: outcomes.map((o, i): ForestColumnSpec => ({
        title: `${o.label}\n(${o.unit} per US$1M)`, format: 'per_million_usd', colour: OUTCOME_COLOURS[i % OUTCOME_COLOURS.length],
        cells: shown.map((p) => {
          const r = get(p.id, o.metric);
          if (!r || !Number.isFinite(r.perMillionUsd)) return { x: null, low: null, high: null, note: SHORT_REASONS[r?.perMillionUsdReason ?? ''] ?? 'n/a' };
          return { x: r.perMillionUsd, low: finite(r.perMillionUsdLow), high: finite(r.perMillionUsdHigh) };
        }),
      })),
      note: `diamond: estimate · whiskers: 95% interval · dashed: 0 · over ${base}`,
    },
  };
}

/**
 * A model without spend: the effects themselves. When the points differ from their baselines in
 * one numeric parameter (the baseline's key), each outcome's effect against it, one line per value
 * of the other varied parameters (a panel each when their scales differ); otherwise a forest plot
 * of every outcome's effect.
 */
function effectCharts(sweep: SweepResult, points: Compared, outcomes: readonly RecordedOutcome[], get: EffectOf, base: string, how: string, notes: string[]): ChartSpec[] {
  const keys = Object.keys(sweep.effects!.baseline);
  const compared = sweep.varied.filter((v) => keys.includes(v.path));
  if (compared.length === 1 && compared[0].numeric) return outcomes.map((o) => effectCurve(sweep, compared[0].path, o, get, base, how, notes)).filter((c): c is ChartSpec => c !== null);
  const shown = forestRows(points, notes);
  return [{
    file: 'findings-forest-effects.png',
    title: `What each point adds over ${base}`,
    caption:
      `Each outcome's effect over ${base} by the end of the run, for each compared point (rows) and outcome (columns, each on its own axis, in its own unit): ` +
      `the mean of the point minus the mean of its baseline (effects.csv, effect). Diamonds: estimates; whiskers: 95% interval (${how}); dashed line: 0.`,
    kind: 'forest',
    source: { file: 'effects.csv', columns: ['point_id', 'metric', 'effect', 'effect_ci95_low', 'effect_ci95_high'] },
    chart: {
      type: 'forest', rows: shown.map((p) => p.label),
      columns: outcomes.map((o, i): ForestColumnSpec => ({
        title: `${o.label}\n(${o.unit})`, format: o.format, colour: OUTCOME_COLOURS[i % OUTCOME_COLOURS.length],
        cells: shown.map((p) => {
          const r = get(p.id, o.metric);
          if (!r || !Number.isFinite(r.effect)) return { x: null, low: null, high: null, note: 'n/a: undefined' };
          return { x: r.effect, low: finite(r.effectLow), high: finite(r.effectHigh) };
        }),
      })),
      note: `diamond: effect · whiskers: 95% interval · dashed: 0 · over ${base}`,
    },
  }];
}

/** One outcome's effect against the compared numeric parameter, the baseline's own point (effect 0) included. */
function effectCurve(sweep: SweepResult, path: string, o: RecordedOutcome, get: EffectOf, base: string, how: string, notes: string[]): ChartSpec | null {
  const others = sweep.varied.filter((v) => v.path !== path);
  const groups = new Map<string, PointSpec[]>();
  for (const point of sweep.points) {
    const r = get(point.id, o.metric);
    if (!r) continue;
    const label = others.map((v) => `${v.path} = ${formatParameterValue(v.path, point.params[v.path])}`).join(', ') || 'effect';
    groups.set(label, [...(groups.get(label) ?? []), { x: Number(point.params[path]), y: finite(r.effect), low: finite(r.effectLow), high: finite(r.effectHigh) }]);
  }
  if (groups.size === 0) return null;
  if (groups.size > 10) {
    notes.push(`Findings: the effect on ${o.label} against ${path} is left out, ${groups.size} lines are too many to overlay (effects.csv has them all)`);
    return null;
  }
  const colours = groups.size <= OUTCOME_COLOURS.length ? OUTCOME_COLOURS : orderedColours(groups.size);
  const lines: LineSeriesSpec[] = [...groups].map(([label, pts], i) => ({ label, colour: colours[i], markers: true, interval: 'whiskers', points: pts.sort((a, b) => a.x - b.x) }));
  const split = needsPanels(lines);
  const axisTitle = titled(`${o.label}, effect`, o.unit);
  const signedAxis = (pts: readonly PointSpec[]) => ({ ...valueAxis(axisTitle, o.unit, pts.map((p) => p.y)), min: undefined, max: undefined });
  return {
    file: `findings-effect-${slug(o.metric)}-by-${slug(path)}.png`,
    title: `Effect on ${o.label} over ${base}, against ${path}`,
    caption:
      `${o.label} (${o.unit}) by the end of the run: each point's mean minus its baseline's (${base}; effects.csv, effect), against ${path}, with the 95% interval ` +
      `(${how}); at the baseline's own value the effect is 0.${split ? ` Each line has its own panel and axis: their scales differ more than ${PANEL_SCALE_RATIO} times.` : ''}`,
    kind: 'response_curve',
    source: { file: 'effects.csv', columns: ['point_id', path, 'metric', 'effect', 'effect_ci95_low', 'effect_ci95_high'] },
    chart: {
      type: 'line',
      x: parameterAxis(path),
      panels: split ? lines.map((line) => ({ axis: signedAxis(line.points) })) : [{ axis: signedAxis(lines.flatMap((line) => line.points)) }],
      series: split ? lines.map((line, i) => ({ ...line, panel: i })) : lines,
      note: `markers: effect over ${base} · whiskers: 95% interval`,
    },
  };
}
