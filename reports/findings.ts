/**
 * "Findings", the opening of a sweep report with a baseline: what each design point adds over its
 * baseline (effects.csv) as tables — effects, effects per US$1M, cost per additional defection,
 * each with its 95% interval — and a forest plot of each point's effect per US$1M for each
 * outcome. An undefined ratio is shown as n/a with its reason, never as a number.
 */
import { describePoint, formatValue, type ValueFormat } from './format.js';
import type { EffectRecord, SweepResult } from './load.js';
import { GROUP_COLOURS, OTHER_COLOURS } from './palette.js';
import type { ChartSpec, ForestColumnSpec } from './spec.js';
import type { KeyTable } from './tables.js';

export interface Findings {
  /** The baseline in words, e.g. `scenario = no-policy`. */
  readonly baseline: string;
  readonly pairing: string;
  readonly intervals: string;
  readonly tables: readonly KeyTable[];
  /** The forest plot's PNG files (they are also in the report's charts). */
  readonly charts: readonly string[];
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
  return Object.entries(baseline).map(([k, v]) => `${k} = ${String(v)}`).join(', ') || 'the baseline';
}

export function findingsOf(sweep: SweepResult): FindingsPlan {
  const effects = sweep.effects;
  if (!effects) return { findings: null, charts: [], notes: [] };
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
    findings: { baseline: base, pairing: effects.pairing, intervals: effects.intervals, tables, charts: charts.map((c) => c.file) },
    charts,
    notes,
  };
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
