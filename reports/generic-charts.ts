/**
 * Charts and tables for a result of any model other than the defection model (whose manifest names
 * another model: `"model": { "name", "version" }`). They know no column by name: every series
 * column is drawn over the ticks and every metric against the design, each with the unit the
 * result files record (`units` in manifest.json: {column or metric: unit}).
 */
import { numericColumn } from './csv.js';
import { describePoint, formatParameterValue, formatValue, slug } from './format.js';
import type { DesignPoint, RunResult, SweepResult, VariedParameter } from './load.js';
import { GROUP_COLOURS, OTHER_COLOURS, orderedColours } from './palette.js';
import type { ChartPlan } from './run-charts.js';
import type { AxisSpec, BarGroupSpec, ChartSpec, LineSeriesSpec, PointSpec } from './spec.js';
import { replicateMeans } from './sweep-charts.js';
import type { KeyTable } from './tables.js';
import { formatOfUnit as formatOf, modelLabel, needsPanels, NO_UNIT, PANEL_SCALE_RATIO, parameterAxis, recordedUnits as unitsOf, titled, valueAxis } from './units.js';

export { modelOf, usesGenericCharts } from './units.js';

/** Okabe-Ito colours for series that have no order. */
const UNORDERED = [
  OTHER_COLOURS.black, GROUP_COLOURS.army, GROUP_COLOURS.police, GROUP_COLOURS.official, GROUP_COLOURS.tycoon, OTHER_COLOURS.reddishPurple, OTHER_COLOURS.skyBlue, OTHER_COLOURS.grey,
];
/** More lines than this in one chart are unreadable. */
const MAX_LINES = 10;
const TICK_AXIS_TITLE = 'Tick';
const INTERVAL_NOTE = 'markers: mean over replicates · whiskers: 95% confidence interval of the mean';

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

function tickAxis(ticks: readonly number[]): AxisSpec {
  return { title: TICK_AXIS_TITLE, format: 'number', min: ticks[0], max: ticks[ticks.length - 1] };
}

// ─── a run ──────────────────────────────────────────────────────────────────

function seriesColumns(header: readonly string[]): string[] {
  return header.filter((c) => !['tick', 'run_id', 'point_id', 'replicate'].includes(c));
}

/** A chart per series column over the ticks, and one per unit shared by several columns. */
export function genericRunCharts(run: RunResult): ChartPlan {
  const units = unitsOf(run.manifest, run.units);
  const ticks = numericColumn(run.series, 'tick');
  const columns = seriesColumns(run.series.header);
  const about = `${modelLabel(run.manifest)}, scenario ${run.scenario}${run.seed === null ? '' : `, seed ${run.seed}`}`;
  const unitOf = (column: string) => units[column] ?? NO_UNIT;
  const line = (column: string, colour: string): LineSeriesSpec => {
    const values = numericColumn(run.series, column);
    return {
      label: `${column} (${formatValue(values[values.length - 1], formatOf(unitOf(column)))} at tick ${ticks[ticks.length - 1]})`,
      colour,
      points: ticks.map((x, i) => ({ x, y: finiteOrNull(values[i]) })),
    };
  };
  const charts: ChartSpec[] = [];
  const byUnit = new Map<string, string[]>();
  for (const column of columns) byUnit.set(unitOf(column), [...(byUnit.get(unitOf(column)) ?? []), column]);
  for (const [unit, shared] of byUnit) {
    if (shared.length < 2 || shared.length > UNORDERED.length) continue;
    charts.push({
      file: `run-series-${slug(unit)}.png`,
      title: `Series in ${unit}, over time`,
      caption: `The series columns recorded in ${unit} (${shared.join(', ')}), at each tick of the run.`,
      kind: 'run_series',
      source: { file: 'series.csv', columns: ['tick', ...shared] },
      chart: {
        type: 'line', x: tickAxis(ticks), series: shared.map((c, i) => line(c, UNORDERED[i])),
        panels: [{ axis: valueAxis(titled('Value', unit), unit, shared.flatMap((c) => numericColumn(run.series, c))) }],
        note: about,
      },
    });
  }
  const notes: string[] = [];
  for (const column of columns) {
    const values = numericColumn(run.series, column);
    if (values.every((v) => v === values[0])) {
      // A flat line says nothing a number does not: the tables have it.
      notes.push(`${column}: ${formatValue(values[0], formatOf(unitOf(column)))} (${unitOf(column)}) at every tick, so it has no chart of its own`);
      continue;
    }
    charts.push({
      file: `run-series-column-${slug(column)}.png`,
      title: `${column} over time`,
      caption: `${column}, in ${unitOf(column)}, at each tick of the run (series.csv).`,
      kind: 'run_series',
      source: { file: 'series.csv', columns: ['tick', column] },
      chart: {
        type: 'line', x: tickAxis(ticks), series: [line(column, OTHER_COLOURS.black)],
        panels: [{ axis: valueAxis(titled(column, unitOf(column)), unitOf(column), numericColumn(run.series, column)) }],
        note: about,
      },
    });
  }
  if (columns.length === 0) notes.push('Series over time: left out, series.csv has no column besides tick');
  return { charts, notes };
}

export function genericRunTables(run: RunResult): KeyTable[] {
  const units = unitsOf(run.manifest, run.units);
  const ticks = numericColumn(run.series, 'tick');
  const last = ticks.length - 1;
  const value = (v: number, unit: string) => formatValue(v, formatOf(unit));
  return [
    {
      title: 'Model',
      columns: ['item', 'value'],
      rows: [['model', modelLabel(run.manifest)], ['scenario', run.scenario], ['seed', run.seed === null ? '' : String(run.seed)], ['ticks', String(ticks.length)]],
    },
    {
      title: `Series at the last tick (tick ${ticks[last]})`,
      columns: ['column', 'value', 'unit'],
      rows: seriesColumns(run.series.header).map((c) => [c, value(numericColumn(run.series, c)[last], units[c] ?? NO_UNIT), units[c] ?? NO_UNIT]),
    },
    {
      title: 'Summary metrics (summary.json)',
      columns: ['metric', 'value', 'unit', 'exact value'],
      rows: Object.entries(run.summary.metrics).map(([m, v]) => [m, value(v, units[m] ?? NO_UNIT), units[m] ?? NO_UNIT, String(v)]),
    },
  ].filter((t) => t.rows.length > 0);
}

// ─── a sweep ────────────────────────────────────────────────────────────────

function pointLabel(point: DesignPoint): string {
  const description = describePoint(point.params);
  return description ? `${point.id}: ${description}` : `point ${point.id}`;
}

/** Each series column over the ticks, one line per design point (replicate means, 95% band). */
function seriesOverTime(sweep: SweepResult, units: Record<string, string>, notes: string[]): ChartSpec[] {
  if (!sweep.series) {
    notes.push('Series over time: left out, the sweep has no series.csv (series were not recorded)');
    return [];
  }
  const columns = seriesColumns(sweep.series.header);
  const means = replicateMeans(sweep.series, columns);
  const points = sweep.points.filter((p) => means.has(p.id));
  if (points.length > MAX_LINES) {
    notes.push(`Series over time: left out, ${points.length} design points are too many to overlay (at most ${MAX_LINES})`);
    return [];
  }
  const colours = points.length <= UNORDERED.length ? UNORDERED : orderedColours(points.length);
  const first = means.get(points[0]?.id ?? '');
  if (!first) return [];
  return columns.map((column) => {
    const unit = units[column] ?? NO_UNIT;
    const series: LineSeriesSpec[] = points.map((point, i) => {
      const pointSeries = means.get(point.id)!;
      const intervals = pointSeries.columns.get(column)!;
      return {
        label: `${pointLabel(point)} (${pointSeries.runs} runs)`, colour: colours[i], interval: 'band' as const,
        points: pointSeries.ticks.map((x, k) => ({ x, y: finiteOrNull(intervals[k].mean), low: finiteOrNull(intervals[k].low), high: finiteOrNull(intervals[k].high) })),
      };
    });
    return {
      file: `sweep-series-${slug(column)}.png`,
      title: `${column} over time, by design point`,
      caption: `${column} (${unit}): for each design point the mean over its replicate runs at each tick, with the 95% confidence interval of the mean shaded.`,
      kind: 'points_compare',
      source: { file: 'series.csv', columns: ['point_id', 'run_id', 'tick', column] },
      chart: {
        type: 'line',
        x: tickAxis(first.ticks),
        panels: [{ axis: valueAxis(titled(column, unit), unit, series.flatMap((line) => line.points.map((p) => p.y))) }],
        series,
        note: `${modelLabel(sweep.manifest)} · lines: mean over replicates · shaded: 95% CI of the mean`,
      },
    } satisfies ChartSpec;
  });
}

/** Design points grouped by the values of the other varied parameters (one line or bar colour each). */
function groupByOthers(points: readonly DesignPoint[], others: readonly VariedParameter[]): { label: string; points: DesignPoint[] }[] {
  const groups = new Map<string, DesignPoint[]>();
  for (const point of points) {
    const label = others.map((o) => `${o.path} = ${formatParameterValue(o.path, point.params[o.path])}`).join(', ');
    groups.set(label, [...(groups.get(label) ?? []), point]);
  }
  return [...groups].map(([label, members]) => ({ label, points: members }));
}

function statPoint(sweep: SweepResult, point: DesignPoint, metric: string): { y: number | null; low: number | null; high: number | null } {
  const stat = sweep.stats.get(point.id)?.get(metric);
  return { y: finiteOrNull(stat?.mean), low: finiteOrNull(stat?.ci95Low), high: finiteOrNull(stat?.ci95High) };
}

function runsPerPoint(sweep: SweepResult, metric: string): string {
  const counts = [...new Set(sweep.points.map((p) => sweep.stats.get(p.id)?.get(metric)?.n).filter((n): n is number => Number.isFinite(n)))];
  return counts.length === 1 ? `${counts[0]} runs per point` : `${Math.min(...counts)}–${Math.max(...counts)} runs per point`;
}

/** Every metric against each varied parameter: a response curve (numeric) or bars (names, e.g. scenarios). */
function metricsByDesign(sweep: SweepResult, units: Record<string, string>): ChartSpec[] {
  const metrics = sweep.metrics.filter((m) => sweep.points.some((p) => Number.isFinite(sweep.stats.get(p.id)?.get(m)?.mean ?? Number.NaN)));
  return sweep.varied.flatMap((parameter) => {
    const others = sweep.varied.filter((p) => p !== parameter);
    const groups = groupByOthers(sweep.points, others);
    if (groups.length > MAX_LINES) return [];
    const colours = groups.length === 1 ? [OTHER_COLOURS.black] : groups.length <= UNORDERED.length ? UNORDERED : orderedColours(groups.length);
    const by = others.length > 0 ? `; one ${parameter.numeric ? 'line' : 'bar'} per value of ${others.map((o) => o.path).join(' and ')}` : '';
    return metrics.map((metric): ChartSpec => {
      const unit = units[metric] ?? NO_UNIT;
      const caption = `${metric} (${unit}) at each value of ${parameter.path}: mean over replicate runs (${runsPerPoint(sweep, metric)}) with 95% confidence intervals${by}.`;
      const source = { file: 'points.csv', columns: ['point_id', ...sweep.varied.map((p) => p.path), 'metric', 'mean', 'ci95_low', 'ci95_high'] };
      if (!parameter.numeric) {
        const bars: BarGroupSpec[] = groups.map((group, i) => ({
          label: group.label || `mean (${runsPerPoint(sweep, metric)})`,
          colour: groups.length === 1 ? OTHER_COLOURS.skyBlue : colours[i],
          values: parameter.values.map((value) => {
            const point = group.points.find((p) => p.params[parameter.path] === value);
            return point ? statPoint(sweep, point, metric) : { y: null };
          }),
        }));
        return {
          file: `sweep-bars-${slug(parameter.path)}-${slug(metric)}.png`, title: `${metric}, by ${parameter.path}`, caption, kind: 'scenario_bars', source,
          chart: { type: 'bar', x: { title: parameter.path, categories: [...parameter.values] }, y: { title: titled(metric, unit), format: formatOf(unit) }, groups: bars, note: 'bars: mean over replicates · whiskers: 95% confidence interval of the mean' },
        };
      }
      const lines: LineSeriesSpec[] = groups.map((group, i) => ({
        label: group.label || `mean (${runsPerPoint(sweep, metric)})`,
        colour: colours[i],
        markers: true,
        interval: 'whiskers',
        points: group.points.map((point): PointSpec => ({ x: Number(point.params[parameter.path]), ...statPoint(sweep, point, metric) })).sort((a, b) => a.x - b.x),
      }));
      // Lines on very different scales (a crowd of 100 beside one of 10,000) each get a panel with its own axis.
      const split = needsPanels(lines);
      const series = split ? lines.map((line, i) => ({ ...line, panel: i })) : lines;
      const panels = split
        ? lines.map((line) => ({ axis: valueAxis(titled(metric, unit), unit, line.points.map((p) => p.y)) }))
        : [{ axis: valueAxis(titled(metric, unit), unit, lines.flatMap((line) => line.points.map((p) => p.y))) }];
      return {
        file: `sweep-response-${slug(parameter.path)}-${slug(metric)}.png`, title: `${metric} against ${parameter.path}`,
        caption: split ? `${caption} Each line has its own panel and axis: their scales differ more than ${PANEL_SCALE_RATIO} times.` : caption,
        kind: 'response_curve', source,
        chart: { type: 'line', x: parameterAxis(parameter.path), panels, series, note: INTERVAL_NOTE },
      };
    });
  });
}

export function genericSweepCharts(sweep: SweepResult): ChartPlan {
  const notes: string[] = [];
  const units = unitsOf(sweep.manifest);
  const charts = [...seriesOverTime(sweep, units, notes), ...metricsByDesign(sweep, units)];
  if (charts.length === 0) notes.push('No charts: no series recorded and no metric with a finite mean');
  return { charts, notes };
}

export function genericSweepTables(sweep: SweepResult): KeyTable[] {
  const units = unitsOf(sweep.manifest);
  const overview: KeyTable = {
    title: 'Sweep',
    columns: ['item', 'value'],
    rows: [
      ['model', modelLabel(sweep.manifest)],
      ...sweep.varied.map((p) => [`varied: ${p.path}`, p.values.join(', ')]),
      ['design points', String(sweep.points.length)],
      ['runs finished ok', String(sweep.runStatus.ok)],
      ['runs failed', String(sweep.runStatus.failed)],
    ],
  };
  const metricTable: KeyTable = {
    title: 'Design points: mean over replicates [95% confidence interval]',
    columns: ['point', 'parameters', ...sweep.metrics.map((m) => titled(m, units[m] ?? NO_UNIT))],
    rows: sweep.points.map((point) => [
      point.id,
      describePoint(point.params),
      ...sweep.metrics.map((m) => {
        const stat = sweep.stats.get(point.id)?.get(m);
        if (!stat || !Number.isFinite(stat.mean)) return '–';
        const format = formatOf(units[m] ?? NO_UNIT);
        return `${formatValue(stat.mean, format)} [${formatValue(stat.ci95Low, format)}, ${formatValue(stat.ci95High, format)}]`;
      }),
    ]),
  };
  const failed: KeyTable = { title: 'Failed runs (runs.csv)', columns: ['run', 'point', 'error'], rows: sweep.runStatus.failures.map((f) => [f.runId, f.pointId, f.error]) };
  return [overview, metricTable, failed].filter((t) => t.rows.length > 0);
}
