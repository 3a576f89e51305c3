/**
 * The comparison over time of a sweep with a baseline, drawn as effects over the baseline and
 * split by group: one panel per group (each on its own axis, so the CDM's hundreds of thousands
 * do not flatten the army), one line per compared point. Paired sweeps (common seeds) take the
 * mean of the per-replicate differences at each tick with its t interval; independent ones the
 * difference of the means with Welch's interval.
 */
import { columnIndex, hasColumn, type Table } from './csv.js';
import { MONTH_AXIS_TITLE, slug } from './format.js';
import { baselineText, comparedPoints } from './findings.js';
import type { SweepResult } from './load.js';
import { OTHER_COLOURS, orderedColours } from './palette.js';
import type { ChartSpec, LineSeriesSpec, PanelSpec, PointSpec } from './spec.js';
import { meanInterval, tQuantile975 } from './stats.js';

/** A marker shape per compared point: viridis shades of neighbours are close, their shapes are not. */
const MARKERS = ['circle', 'triangle', 'rect', 'rectRot', 'star', 'crossRot', 'rectRounded'] as const;

/** Overlaying more compared points than this is unreadable. */
const MAX_LINES = 10;

interface Panel {
  readonly column: string;
  readonly title: string;
  readonly format: 'people' | 'index';
  /** Capacity is recorded as what is left; its effect is shown as capacity lost (baseline − point). */
  readonly lost?: boolean;
}

const GROUP_PANELS: readonly Panel[] = [
  { column: 'defected_army', title: 'army\n(people)', format: 'people' },
  { column: 'defected_police', title: 'police\n(people)', format: 'people' },
  { column: 'defected_official', title: 'officials, CDM and senior\n(people)', format: 'people' },
  { column: 'defected_official_senior', title: 'senior officials\n(people)', format: 'people' },
  { column: 'defected_tycoon', title: 'tycoons\n(people)', format: 'people' },
];
const CAPACITY_PANELS: readonly Panel[] = [
  { column: 'military_capacity', title: 'military capacity\nlost (index)', format: 'index', lost: true },
  { column: 'economic_capacity', title: 'economic capacity\nlost (index)', format: 'index', lost: true },
];

/** series.csv as values[point][column][tick] → replicate → value. */
type ByReplicate = Map<string, Map<string, Map<number, Map<string, number>>>>;

function byReplicate(table: Table, columns: readonly string[]): ByReplicate {
  const [pointAt, replicateAt, tickAt] = ['point_id', 'replicate', 'tick'].map((c) => columnIndex(table, c));
  const at = columns.map((c) => columnIndex(table, c));
  const out: ByReplicate = new Map();
  for (const row of table.rows) {
    let point = out.get(row[pointAt]);
    if (!point) out.set(row[pointAt], (point = new Map(columns.map((c) => [c, new Map()]))));
    const tick = Number(row[tickAt]);
    columns.forEach((c, k) => {
      const ticks = point!.get(c)!;
      if (!ticks.has(tick)) ticks.set(tick, new Map());
      const value = Number(row[at[k]]);
      if (row[at[k]] !== '' && Number.isFinite(value)) ticks.get(tick)!.set(row[replicateAt], value);
    });
  }
  return out;
}

/** Effect at one tick: paired differences, or the difference of two independent means (Welch). */
function effectAt(point: Map<string, number>, baseline: Map<string, number>, paired: boolean, sign: number): PointSpec & { y: number | null } {
  const none = { x: 0, y: null, low: null, high: null };
  if (paired) {
    const diffs = [...point].filter(([r]) => baseline.has(r)).map(([r, v]) => sign * (v - baseline.get(r)!));
    const m = meanInterval(diffs);
    return Number.isFinite(m.mean) ? { x: 0, y: m.mean, low: finite(m.low), high: finite(m.high) } : none;
  }
  const a = meanInterval([...point.values()]);
  const b = meanInterval([...baseline.values()]);
  if (!Number.isFinite(a.mean) || !Number.isFinite(b.mean)) return none;
  const y = sign * (a.mean - b.mean);
  const variance = (xs: number[], mean: number) => xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  const [va, vb] = [variance([...point.values()], a.mean) / a.n, variance([...baseline.values()], b.mean) / b.n];
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const half = va + vb === 0 ? 0 : tQuantile975(Math.max(1, Math.floor(df))) * Math.sqrt(va + vb);
  return { x: 0, y, low: finite(y - half), high: finite(y + half) };
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** The two effects-over-time charts (groups, capacity), or notes saying why they are left out. */
export function effectsOverTime(sweep: SweepResult, notes: string[]): ChartSpec[] {
  if (!sweep.series || !sweep.effects) return [];
  const compared = comparedPoints(sweep);
  if (compared.length === 0) return [];
  if (compared.length > MAX_LINES) {
    notes.push(`Effects over time: left out, ${compared.length} compared points are too many to overlay (effects.csv has them all)`);
    return [];
  }
  const paired = sweep.effects.pairing === 'paired';
  const base = baselineText(sweep);
  const colours = orderedColours(compared.length);
  const chart = (file: string, what: string, panels: readonly Panel[]): ChartSpec | null => {
    const present = panels.filter((p) => hasColumn(sweep.series!, p.column));
    if (present.length === 0) return null;
    const values = byReplicate(sweep.series!, present.map((p) => p.column));
    const ticks = [...(values.values().next().value?.get(present[0].column)?.keys() ?? [])].sort((a, b) => a - b);
    const series: LineSeriesSpec[] = [];
    present.forEach((panel, k) => {
      series.push({ label: k === 0 ? `${base} (0)` : '', colour: OTHER_COLOURS.grey, dashed: true, panel: k, points: ticks.map((x) => ({ x, y: 0 })) });
      compared.forEach((point, i) => {
        const own = values.get(point.id)?.get(panel.column);
        const baseline = values.get(point.baselineId)?.get(panel.column);
        series.push({
          label: k === 0 ? point.label : '',
          colour: colours[i],
          interval: 'band',
          markers: true,
          marker: MARKERS[i % MARKERS.length],
          markerScale: 0.7,
          panel: k,
          points: ticks.map((x) => {
            const at = own?.get(x);
            const b = baseline?.get(x);
            return at && b ? { ...effectAt(at, b, paired, panel.lost ? -1 : 1), x } : { x, y: null, low: null, high: null };
          }),
        });
      });
    });
    const panelSpecs: PanelSpec[] = present.map((p) => ({ axis: { title: p.title, format: p.format, padded: true } }));
    return {
      file,
      title: `${what} over ${base}, over time`,
      caption:
        `${what} over the baseline (${base}) at each recorded month, one panel per ${panels === GROUP_PANELS ? 'group' : 'kind of capacity'}, each on its own linear axis, ` +
        `one line per compared point: ${paired ? 'the mean of the per-replicate differences (replicate r against replicate r of the baseline: common seeds) with its 95% t interval shaded' : "the difference of the two means with Welch's 95% interval shaded (independent seeds)"}. ` +
        'The dashed line is the baseline itself (0).' + (panels === CAPACITY_PANELS ? ' Capacity lost = baseline capacity − the point\'s capacity (index, 1.0 = Feb 2021).' : ''),
      kind: 'effects_over_time',
      source: { file: 'series.csv', columns: ['point_id', 'replicate', 'tick', ...present.map((p) => p.column)] },
      chart: { type: 'line', x: { title: MONTH_AXIS_TITLE, format: 'month', min: ticks[0], max: ticks[ticks.length - 1] }, panels: panelSpecs, series, note: `lines: effect over ${base} · shaded: 95% interval · dashed: ${base}` },
    };
  };
  return [
    chart(`sweep-effects-over-time-${slug('defections by group')}.png`, 'Additional defections', GROUP_PANELS),
    chart(`sweep-effects-over-time-${slug('capacity lost')}.png`, 'Additional capacity lost', CAPACITY_PANELS),
  ].filter((c): c is ChartSpec => c !== null);
}
