/** Chart specifications for a sweep: replicate means over time, response curves, heatmaps and scenario bars. */
import { columnIndex, hasColumn, type Table } from './csv.js';
import {
  axisTitle, describePoint, displayName, formatForName, formatParameterValue, GROUPS, MONTH_AXIS_TITLE, slug, totalOverSpendCaveat, unitLabel,
  type ValueFormat,
} from './format.js';
import type { DesignPoint, MetricStat, SweepResult, VariedParameter } from './load.js';
import { GROUP_COLOURS, OTHER_COLOURS, orderedColours } from './palette.js';
import type { ChartPlan } from './run-charts.js';
import type { AxisSpec, BarGroupSpec, ChartSpec, LineSeriesSpec, PointSpec } from './spec.js';
import { meanInterval, type MeanInterval } from './stats.js';
import { effectsOverTime } from './effect-charts.js';

/** Overlaying more design points than this in one chart is unreadable; per-point charts still show them all. */
const MAX_OVERLAID_POINTS = 10;
const COMPARED_CAPACITY = ['military_capacity', 'economic_capacity'];
/** Groups compared over time, one panel each (the CDM's hundreds of thousands would flatten the army on one axis). */
const COMPARED_GROUPS: ReadonlyArray<{ column: string; title: string }> = [
  { column: 'defected_army', title: 'army\n(people)' },
  { column: 'defected_police', title: 'police\n(people)' },
  { column: 'defected_official', title: 'officials, CDM and senior\n(people)' },
  { column: 'defected_official_senior', title: 'senior officials\n(people)' },
  { column: 'defected_tycoon', title: 'tycoons\n(people)' },
];
/** Model 1.2's distinct people who left (the CDM proper apart from senior officials) and regime strength; earlier results' cumulative defections. */
const SCENARIO_METRICS_1_2 = [
  'left_ever_army', 'left_ever_police', 'left_ever_official_senior', 'left_ever_cdm', 'regime_strength_lost', 'military_capacity_lost', 'economic_capacity_lost', 'spend_usd',
];
const SCENARIO_METRICS_BEFORE_1_2 = [
  'defected_army', 'defected_police', 'defected_official_senior', 'defected_official', 'military_capacity_lost', 'economic_capacity_lost', 'spend_usd',
];
const GROUP_METRICS = GROUPS.map((g) => `defected_${g}`);
const INTERVAL_NOTE = 'markers: mean over replicates · whiskers: 95% confidence interval of the mean';

export function sweepCharts(sweep: SweepResult): ChartPlan {
  const plan: ChartPlan = { charts: [], notes: [] };
  if (sweep.series) {
    const means = replicateMeans(sweep.series, [...GROUP_METRICS, ...COMPARED_GROUPS.map((g) => g.column), ...COMPARED_CAPACITY]);
    plan.charts.push(...sweep.points.flatMap((point) => pointChart(sweep, point, means.get(point.id))));
    // With a baseline the comparison over time is drawn as effects over it (effect-charts.ts).
    plan.charts.push(...(sweep.effects ? effectsOverTime(sweep, plan.notes) : compareCharts(sweep, means, plan.notes)));
  } else {
    plan.notes.push('Replicate means over time: left out, the sweep has no series.csv (series were not recorded)');
  }
  plan.charts.push(...responseCharts(sweep));
  if (sweep.varied.length === 2) plan.charts.push(...heatmapCharts(sweep));
  const scenario = sweep.varied.find(isScenario);
  if (scenario) plan.charts.push(...scenarioCharts(sweep, scenario, plan.notes));
  if (plan.charts.length === 0) plan.notes.push('No charts: points.csv has no metric with a finite mean');
  return plan;
}

function isScenario(parameter: VariedParameter): boolean {
  return parameter.path === 'scenario' || parameter.path.endsWith('.scenario');
}

// ─── replicate means over time (long series.csv) ───────────────────────────

interface PointSeries {
  readonly ticks: number[];
  readonly runs: number;
  readonly columns: Map<string, MeanInterval[]>;
}

/** Per design point and tick, the mean and 95% interval over replicates of each column present. */
export function replicateMeans(table: Table, wanted: readonly string[]): Map<string, PointSeries> {
  const columns = wanted.filter((c) => hasColumn(table, c));
  const [pointAt, runAt, tickAt] = ['point_id', 'run_id', 'tick'].map((c) => columnIndex(table, c));
  const columnAt = columns.map((c) => columnIndex(table, c));
  const byPoint = new Map<string, { runs: Set<string>; ticks: Map<number, number[][]> }>();
  for (const row of table.rows) {
    const pointId = row[pointAt];
    if (!byPoint.has(pointId)) byPoint.set(pointId, { runs: new Set(), ticks: new Map() });
    const point = byPoint.get(pointId)!;
    point.runs.add(row[runAt]);
    const tick = Number(row[tickAt]);
    if (!point.ticks.has(tick)) point.ticks.set(tick, columns.map(() => []));
    point.ticks.get(tick)!.forEach((values, k) => values.push(Number(row[columnAt[k]])));
  }
  const result = new Map<string, PointSeries>();
  for (const [pointId, point] of byPoint) {
    const ticks = [...point.ticks.keys()].sort((a, b) => a - b);
    const intervals = new Map(columns.map((c, k) => [c, ticks.map((t) => meanInterval(point.ticks.get(t)![k]))]));
    result.set(pointId, { ticks, runs: point.runs.size, columns: intervals });
  }
  return result;
}

function bandPoints(ticks: readonly number[], intervals: readonly MeanInterval[]): PointSpec[] {
  return ticks.map((x, i) => ({ x, y: finiteOrNull(intervals[i].mean), low: finiteOrNull(intervals[i].low), high: finiteOrNull(intervals[i].high) }));
}

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

function monthAxis(ticks: readonly number[]): AxisSpec {
  return { title: MONTH_AXIS_TITLE, format: 'month', min: ticks[0], max: ticks[ticks.length - 1] };
}

function pointChart(sweep: SweepResult, point: DesignPoint, series: PointSeries | undefined): ChartSpec[] {
  if (!series) return [];
  const groups = GROUPS.filter((g) => series.columns.has(`defected_${g}`));
  if (groups.length === 0) return [];
  return [
    {
      file: `sweep-point-${slug(point.id)}-defections.png`,
      title: `Design point ${point.id}: cumulative defections by group`,
      caption:
        `Design point ${point.id} (${describePoint(point.params) || 'no varied parameters'}): mean cumulative defections over ` +
        `${series.runs} replicate runs, with the 95% confidence interval of the mean shaded. People, logarithmic axis.`,
      kind: 'point_replicate_mean',
      source: { file: 'series.csv', columns: ['point_id', 'run_id', 'tick', ...groups.map((g) => `defected_${g}`)] },
      chart: {
        type: 'line',
        x: monthAxis(series.ticks),
        panels: [{ axis: { title: axisTitle('Cumulative defections, log scale', 'people'), format: 'people', log: true, padded: true } }],
        series: groups.map((group) => ({
          label: group,
          colour: GROUP_COLOURS[group],
          interval: 'band',
          points: bandPoints(series.ticks, series.columns.get(`defected_${group}`)!),
        })),
        note: `${describePoint(point.params) || sweep.name} · line: mean of ${series.runs} runs · shaded: 95% CI of the mean`,
      },
    },
  ];
}

function compareCharts(sweep: SweepResult, means: Map<string, PointSeries>, notes: string[]): ChartSpec[] {
  const points = sweep.points.filter((p) => means.has(p.id));
  if (points.length < 2) return [];
  if (points.length > MAX_OVERLAID_POINTS) {
    notes.push(`Design points compared over time: left out, ${points.length} points are too many to overlay (see the per-point charts)`);
    return [];
  }
  const colours = orderedColours(points.length);
  const first = means.get(points[0].id)!;
  const groups = COMPARED_GROUPS.filter((g) => first.columns.has(g.column));
  const byGroup: ChartSpec[] = groups.length === 0 ? [] : [{
    file: 'sweep-compare-defections-by-group.png',
    title: 'Cumulative defections over time, by group and design point',
    caption:
      'Cumulative defections (people) of each group, one panel per group on its own linear axis (so the CDM does not flatten the army), ' +
      'one line per design point: mean over replicate runs, 95% confidence interval of the mean shaded.',
    kind: 'points_compare',
    source: { file: 'series.csv', columns: ['point_id', 'run_id', 'tick', ...groups.map((g) => g.column)] },
    chart: {
      type: 'line',
      x: monthAxis(first.ticks),
      panels: groups.map((g) => ({ axis: { title: g.title, format: 'people', min: 0 } })),
      series: groups.flatMap((g, k) => points.map((point, i) => {
        const series = means.get(point.id)!;
        return { label: k === 0 ? pointLabel(point) : '', colour: colours[i], interval: 'band' as const, panel: k, points: bandPoints(series.ticks, series.columns.get(g.column)!) };
      })),
      note: 'lines: mean over replicates · shaded: 95% CI of the mean',
    },
  }];
  return [...byGroup, ...COMPARED_CAPACITY.filter((column) => first.columns.has(column)).map((column) => {
    const format = formatForName(column);
    return {
      file: `sweep-compare-${slug(column)}.png`,
      title: `${displayName(column)} over time, by design point`,
      caption: `${displayName(column)} (${unitLabel(format)}): mean over replicate runs for each design point, 95% confidence interval of the mean shaded.`,
      kind: 'points_compare',
      source: { file: 'series.csv', columns: ['point_id', 'run_id', 'tick', column] },
      chart: {
        type: 'line',
        x: monthAxis(first.ticks),
        panels: [{ axis: { title: axisTitle(displayName(column), format), format } }],
        series: points.map((point, i) => {
          const series = means.get(point.id)!;
          return { label: pointLabel(point), colour: colours[i], interval: 'band', points: bandPoints(series.ticks, series.columns.get(column)!) };
        }),
        note: 'lines: mean over replicates · shaded: 95% CI of the mean',
      },
    } satisfies ChartSpec;
  })];
}

function pointLabel(point: DesignPoint): string {
  const description = describePoint(point.params);
  return description ? `${point.id}: ${description}` : `point ${point.id}`;
}

// ─── response curves (points.csv) ──────────────────────────────────────────

function statOf(sweep: SweepResult, point: DesignPoint, metric: string): MetricStat | undefined {
  return sweep.stats.get(point.id)?.get(metric);
}

function hasFiniteMean(sweep: SweepResult, metric: string): boolean {
  return sweep.points.some((p) => Number.isFinite(statOf(sweep, p, metric)?.mean ?? Number.NaN));
}

/** Design points grouped by the values of the other varied parameters (one line or bar colour per group). */
function groupByOthers(points: readonly DesignPoint[], others: readonly VariedParameter[]): { label: string; points: DesignPoint[] }[] {
  const groups = new Map<string, DesignPoint[]>();
  for (const point of points) {
    const label = others.map((o) => `${o.path} = ${formatParameterValue(o.path, point.params[o.path])}`).join(', ');
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label)!.push(point);
  }
  return [...groups].map(([label, members]) => ({ label, points: members }));
}

function parameterAxis(parameter: VariedParameter): AxisSpec {
  const format = formatForName(parameter.path);
  if (!parameter.numeric) return { title: parameterTitle(parameter), format: 'number', categories: [...parameter.values] };
  const values = parameter.values.map(Number);
  const wide = values.every((v) => v > 0) && Math.max(...values) / Math.min(...values) >= 100;
  return { title: parameterTitle(parameter), format, log: wide, padded: true };
}

function xOf(parameter: VariedParameter, point: DesignPoint): number {
  const value = point.params[parameter.path];
  return parameter.numeric ? Number(value) : parameter.values.indexOf(value);
}

/** A log axis when positive values span more than 50×, so small groups are not flattened. */
function wantsLog(values: readonly number[]): boolean {
  const finite = values.filter(Number.isFinite);
  return finite.length > 0 && finite.every((v) => v > 0) && Math.max(...finite) / Math.min(...finite) > 50;
}

function metricAxis(metric: string, values: readonly number[], what = displayName(metric)): AxisSpec {
  const format = formatForName(metric);
  const log = wantsLog(values);
  return { title: axisTitle(log ? `${what}, log scale` : what, format), format, log, padded: true };
}

function responseCharts(sweep: SweepResult): ChartSpec[] {
  return sweep.varied.filter((p) => !isScenario(p)).flatMap((parameter) => {
    const others = sweep.varied.filter((p) => p !== parameter);
    const metrics = sweep.metrics.filter((m) => hasFiniteMean(sweep, m));
    const combineGroups = others.length === 0 && GROUP_METRICS.filter((m) => metrics.includes(m)).length > 1;
    const charts = combineGroups ? [groupResponseChart(sweep, parameter)] : [];
    const single = metrics.filter((m) => !(combineGroups && GROUP_METRICS.includes(m)));
    return [...charts, ...single.map((metric) => metricResponseChart(sweep, parameter, others, metric))];
  });
}

function responsePoints(sweep: SweepResult, parameter: VariedParameter, points: readonly DesignPoint[], metric: string): PointSpec[] {
  return points
    .map((point) => {
      const stat = statOf(sweep, point, metric);
      return { x: xOf(parameter, point), y: finiteOrNull(stat?.mean), low: finiteOrNull(stat?.ci95Low), high: finiteOrNull(stat?.ci95High) };
    })
    .sort((a, b) => a.x - b.x);
}

function replicateCount(sweep: SweepResult, metric: string): string {
  const counts = [...new Set(sweep.points.map((p) => statOf(sweep, p, metric)?.n).filter((n): n is number => Number.isFinite(n)))];
  return counts.length === 1 ? `${counts[0]} runs per point` : `${Math.min(...counts)}–${Math.max(...counts)} runs per point`;
}

function groupResponseChart(sweep: SweepResult, parameter: VariedParameter): ChartSpec {
  const groups = GROUPS.filter((g) => hasFiniteMean(sweep, `defected_${g}`));
  const series: LineSeriesSpec[] = groups.map((group) => ({
    label: group,
    colour: GROUP_COLOURS[group],
    markers: true,
    interval: 'whiskers',
    points: responsePoints(sweep, parameter, sweep.points, `defected_${group}`),
  }));
  const values = series.flatMap((s) => s.points.map((p) => p.y ?? Number.NaN));
  return {
    file: `sweep-response-${slug(parameter.path)}-defections-by-group.png`,
    title: `Defections by group against ${parameter.path}`,
    caption:
      `Final cumulative defections of each group (people) at each value of ${parameter.path}: mean over replicate runs ` +
      `(${replicateCount(sweep, 'defected_army')}) with 95% confidence intervals.`,
    kind: 'response_curve',
    source: { file: 'points.csv', columns: ['point_id', parameter.path, 'metric', 'mean', 'ci95_low', 'ci95_high'] },
    chart: {
      type: 'line',
      x: parameterAxis(parameter),
      panels: [{ axis: { ...metricAxis('defected_all', values, 'Defections'), log: true, title: axisTitle('Defections, log scale', 'people') } }],
      series,
      note: INTERVAL_NOTE,
    },
  };
}

function metricResponseChart(sweep: SweepResult, parameter: VariedParameter, others: readonly VariedParameter[], metric: string): ChartSpec {
  const lines = groupByOthers(sweep.points, others);
  const colours = lines.length === 1 ? [OTHER_COLOURS.black] : orderedColours(lines.length);
  const series: LineSeriesSpec[] = lines.map((line, i) => ({
    label: line.label || `mean (${replicateCount(sweep, metric)})`,
    colour: colours[i],
    markers: true,
    interval: 'whiskers',
    points: responsePoints(sweep, parameter, line.points, metric),
  }));
  const values = series.flatMap((s) => s.points.map((p) => p.y ?? Number.NaN));
  return {
    file: `sweep-response-${slug(parameter.path)}-${slug(metric)}.png`,
    title: `${displayName(metric)} against ${parameter.path}`,
    caption:
      `${displayName(metric)} (${unitLabel(formatForName(metric))}) at each value of ${parameter.path}: mean over replicate runs ` +
      `(${replicateCount(sweep, metric)}) with 95% confidence intervals` +
      (others.length > 0 ? `; one line per value of ${others.map((o) => o.path).join(' and ')}.` : '.') + totalOverSpendCaveat(metric),
    kind: 'response_curve',
    source: { file: 'points.csv', columns: ['point_id', ...sweep.varied.map((p) => p.path), 'metric', 'mean', 'ci95_low', 'ci95_high'] },
    chart: { type: 'line', x: parameterAxis(parameter), panels: [{ axis: metricAxis(metric, values) }], series, note: INTERVAL_NOTE },
  };
}

// ─── heatmaps (two varied parameters) ──────────────────────────────────────

function heatmapCharts(sweep: SweepResult): ChartSpec[] {
  const [xParameter, yParameter] = sweep.varied;
  return sweep.metrics.filter((m) => hasFiniteMean(sweep, m)).map((metric) => {
    const format: ValueFormat = formatForName(metric);
    const cells = sweep.points.map((point) => ({
      x: xParameter.values.indexOf(point.params[xParameter.path]),
      y: yParameter.values.indexOf(point.params[yParameter.path]),
      value: finiteOrNull(statOf(sweep, point, metric)?.mean),
    }));
    return {
      file: `sweep-heatmap-${slug(metric)}.png`,
      title: `${displayName(metric)} by ${xParameter.path} and ${yParameter.path}`,
      caption:
        `${displayName(metric)} (${unitLabel(format)}), mean over replicate runs (${replicateCount(sweep, metric)}), for each ` +
        `combination of ${xParameter.path} (across) and ${yParameter.path} (up). Colour and the number in each cell show the mean.` + totalOverSpendCaveat(metric),
      kind: 'heatmap',
      source: { file: 'points.csv', columns: ['point_id', xParameter.path, yParameter.path, 'metric', 'mean'] },
      chart: {
        type: 'heatmap',
        x: { title: parameterTitle(xParameter), categories: xParameter.values.map((v) => formatParameterValue(xParameter.path, v)) },
        y: { title: parameterTitle(yParameter), categories: yParameter.values.map((v) => formatParameterValue(yParameter.path, v)) },
        cells,
        value: { title: axisTitle(displayName(metric), format), format },
        note: `cell: mean of ${replicateCount(sweep, metric)} · colour scale: viridis, low (dark) to high (yellow)`,
      },
    };
  });
}

/** A parameter path with its unit when its name gives one (`…_usd`, `…_share`); otherwise the path alone. */
function parameterTitle(parameter: VariedParameter): string {
  const format = formatForName(parameter.path);
  if (!parameter.numeric) return parameter.path;
  return format !== 'number' ? axisTitle(parameter.path, format) : `${parameter.path} (value in the experiment file)`;
}

// ─── scenario comparison bars ───────────────────────────────────────────────

function scenarioCharts(sweep: SweepResult, scenario: VariedParameter, notes: string[]): ChartSpec[] {
  const others = sweep.varied.filter((p) => p !== scenario);
  const groups = groupByOthers(sweep.points, others);
  const colours = groups.length === 1 ? [OTHER_COLOURS.skyBlue] : orderedColours(groups.length);
  const wanted = sweep.metrics.includes('left_ever_army') ? SCENARIO_METRICS_1_2 : SCENARIO_METRICS_BEFORE_1_2;
  const metrics = wanted.filter((m) => hasFiniteMean(sweep, m));
  if (metrics.length === 0) notes.push(`Scenario comparison: left out, points.csv has none of ${wanted.join(', ')}`);
  return metrics.map((metric) => {
    const format = formatForName(metric);
    const bars: BarGroupSpec[] = groups.map((group, i) => ({
      label: group.label || `mean (${replicateCount(sweep, metric)})`,
      colour: colours[i],
      values: scenario.values.map((value) => {
        const point = group.points.find((p) => p.params[scenario.path] === value);
        const stat = point ? statOf(sweep, point, metric) : undefined;
        return { y: finiteOrNull(stat?.mean), low: finiteOrNull(stat?.ci95Low), high: finiteOrNull(stat?.ci95High) };
      }),
    }));
    // A scenario where the metric is undefined in every group (e.g. per $1M with nothing spent) is named as such.
    const undefinedAt = scenario.values.map((_, k) => bars.every((b) => b.values[k].y === null));
    const categories = scenario.values.map((value, k) => (undefinedAt[k] ? `${value} (n/a)` : String(value)));
    return {
      file: `sweep-scenario-${slug(metric)}.png`,
      title: `${displayName(metric)}, by scenario`,
      caption:
        `${displayName(metric)} (${unitLabel(format)}) for each scenario: mean over replicate runs (${replicateCount(sweep, metric)}) ` +
        `with 95% confidence intervals` + (others.length > 0 ? `; one bar per value of ${others.map((o) => o.path).join(' and ')}.` : '.') +
        (undefinedAt.some(Boolean) ? ' n/a: undefined there.' : '') +
        ' These are levels, not effects: what each scenario adds over a baseline is in the Findings (effects.csv).',
      kind: 'scenario_bars',
      source: { file: 'points.csv', columns: ['point_id', ...sweep.varied.map((p) => p.path), 'metric', 'mean', 'ci95_low', 'ci95_high'] },
      chart: {
        type: 'bar',
        x: { title: scenario.path, categories },
        y: { title: axisTitle(displayName(metric), format), format },
        groups: bars,
        note: 'bars: mean over replicates · whiskers: 95% confidence interval of the mean',
      },
    };
  });
}
