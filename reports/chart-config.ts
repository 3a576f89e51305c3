/** Turns a plain-data ChartSpec into a Chart.js configuration (fonts, axes with units, legend, plugins) sized for the canvas. */
import type { ChartConfiguration, Plugin } from 'chart.js';
import { FONT_FAMILY } from './font.js';
import { formatValue, monthLabel } from './format.js';
import { withAlpha } from './palette.js';
import {
  capPlugin, colourBarRoom, forestPlugin, heatmapPlugin, panelSeparatorPlugin, whiskerPlugin, type CapSet, type MarkStyle, type WhiskerSet,
} from './plugins.js';
import type { AxisSpec, BarChartSpec, ChartSpec, ForestChartSpec, HeatmapSpec, LineChartSpec, LineSeriesSpec, RenderSize } from './spec.js';

/** Sizes that follow the canvas, so 800×450 and 3200×1800 charts look alike. */
interface Style {
  readonly font: number;
  readonly titleFont: number;
  readonly smallFont: number;
  readonly lineWidth: number;
  readonly marks: MarkStyle;
}

function styleFor(size: RenderSize): Style {
  const k = Math.min(size.width / 1600, size.height / 900);
  const font = Math.max(11, Math.round(17 * k));
  return {
    font,
    titleFont: Math.round(font * 1.4),
    smallFont: Math.round(font * 0.92),
    lineWidth: Math.max(1.5, 3 * k),
    marks: { lineWidth: Math.max(1.2, 2.2 * k), capHalfWidth: Math.max(3, 7 * k) },
  };
}

type AnyConfig = ChartConfiguration & { plugins: Plugin[] };
// Chart.js option objects are deeply typed per chart type; the builders below produce plain objects.
type Options = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function buildChartConfig(spec: ChartSpec, size: RenderSize): ChartConfiguration {
  const style = styleFor(size);
  switch (spec.chart.type) {
    case 'line':
      return lineConfig(spec, spec.chart, size, style);
    case 'bar':
      return barConfig(spec, spec.chart, size, style);
    case 'heatmap':
      return heatmapConfig(spec, spec.chart, size, style);
    case 'forest':
      return forestConfig(spec, spec.chart, size, style);
  }
}

function baseOptions(spec: ChartSpec, note: string | undefined, size: RenderSize, style: Style): Options {
  return {
    responsive: false,
    animation: false,
    devicePixelRatio: size.scale,
    font: { family: FONT_FAMILY, size: style.font },
    color: '#222222',
    layout: { padding: { top: style.font * 0.5, right: style.font * 2, bottom: style.font * 0.5, left: style.font * 0.5 } },
    plugins: {
      title: {
        display: true,
        text: spec.title,
        color: '#111111',
        font: { family: FONT_FAMILY, size: style.titleFont, weight: 'bold' },
        padding: { top: 0, bottom: note ? style.font * 0.3 : style.font * 0.8 },
      },
      subtitle: {
        display: Boolean(note),
        text: note ?? '',
        color: '#333333',
        font: { family: FONT_FAMILY, size: style.smallFont },
        padding: { bottom: style.font * 0.8 },
      },
      legend: {
        display: true,
        position: 'top',
        labels: {
          color: '#111111',
          font: { family: FONT_FAMILY, size: style.font },
          padding: style.font * 1.1,
          boxWidth: style.font * 2.4,
          boxHeight: style.font * 0.9,
          filter: (item: { text: string }) => item.text !== '',
        },
      },
      tooltip: { enabled: false },
    },
  };
}

/** An axis title; a newline splits it into lines (short stacked panels need two short lines). */
function axisTitle(text: string, style: Style): Options {
  const lines = text.split('\n');
  return { display: true, text: lines.length > 1 ? lines : text, color: '#111111', font: { family: FONT_FAMILY, size: style.font } };
}

function tickFont(style: Style): Options {
  return { family: FONT_FAMILY, size: style.smallFont };
}

/** Log axes label only 1, 2 and 5 × 10^k, so labels never crowd. */
function isRoundLogValue(value: number): boolean {
  if (value <= 0) return false;
  const mantissa = value / 10 ** Math.floor(Math.log10(value) + 1e-9);
  return [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6);
}

function tickLabel(value: number, axis: AxisSpec): string | string[] {
  // A category label with line breaks is given as lines, so Chart.js makes room for all of them.
  if (axis.categories) return Number.isInteger(value) ? (axis.categories[value] ?? '').split('\n') : '';
  if (axis.format === 'month') return Number.isInteger(value) ? monthLabel(value) : '';
  if (axis.wholeNumbers && !Number.isInteger(value)) return '';
  if (axis.log && !isRoundLogValue(value)) return '';
  // A share is at most 100%: the room an axis leaves above it gets no label.
  if ((axis.format === 'share' || axis.format === 'probability') && value > 1 + 1e-9) return '';
  return formatValue(value, axis.format);
}

/** Months between labelled ticks, so a month axis shows at most about 12 labels. */
function monthStep(span: number): number {
  return [1, 2, 3, 6, 12, 24, 60, 120].find((step) => span / step <= 12) ?? 240;
}

/** A numeric or category axis; categories sit at integer positions with half a cell of margin. */
function valueScale(axis: AxisSpec, style: Style, extra: Options = {}): Options {
  const { ticks: extraTicks, ...rest } = extra as { ticks?: Options };
  const scale: Options = {
    type: axis.log ? 'logarithmic' : 'linear',
    title: axisTitle(axis.title, style),
    ticks: { color: '#222222', font: tickFont(style), maxRotation: 0, callback: (value: number | string) => tickLabel(Number(value), axis), ...extraTicks },
    grid: { color: '#E3E3E3' },
    border: { color: '#777777' },
    ...rest,
  };
  if (axis.padded && scale.grace === undefined) scale.grace = '6%';
  if (axis.min !== undefined) scale.min = axis.min;
  if (axis.max !== undefined) scale.max = axis.max;
  if (axis.categories) {
    const count = axis.categories.length;
    Object.assign(scale, { min: -0.5, max: count - 0.5 });
    scale.afterBuildTicks = (s: { ticks: { value: number }[] }) => {
      s.ticks = axis.categories!.map((_, i) => ({ value: i }));
    };
    scale.grid = { display: false };
    // Every category is named: a heatmap column or a category point without its label is unreadable.
    scale.ticks.autoSkip = false;
    if (axis.everyLabel) Object.assign(scale.ticks, { maxRotation: 50, minRotation: 0 }); // slanted when they do not fit side by side
  }
  if (axis.format === 'month' && axis.min !== undefined && axis.max !== undefined) {
    Object.assign(scale.ticks, { stepSize: monthStep(axis.max - axis.min), includeBounds: false });
  }
  // Log axes blank every label but 1, 2 and 5 × 10^k themselves; Chart.js' auto-skip would drop some of those too.
  if (axis.log) {
    scale.ticks.autoSkip = false;
    scale.grid = { ...scale.grid, color: (c: { tick?: { value: number } }) => (c.tick && isRoundLogValue(c.tick.value) ? '#D6D6D6' : '#F1F1F1') };
  }
  return scale;
}

// ─── line charts ────────────────────────────────────────────────────────────

function lineConfig(spec: ChartSpec, original: LineChartSpec, size: RenderSize, style: Style): AnyConfig {
  const chart = dodged(original);
  const datasets: Options[] = [];
  const whiskers: WhiskerSet[] = [];
  const caps: CapSet[] = [];
  for (const series of chart.series) addLineSeries(series, chart, style, datasets, whiskers);
  for (const target of chart.targets ?? []) {
    const index = datasets.length;
    datasets.push(targetDataset(target, style));
    if (target.style === 'observed') {
      whiskers.push({ datasetIndex: index, low: target.marks.map((m) => m.low), high: target.marks.map((m) => m.high), colour: target.whiskerColour ?? '#000000' });
    } else caps.push({ datasetIndex: index, style: target.style, colour: target.colour });
  }
  const options = baseOptions(spec, chart.note, size, style);
  const withMarkers = chart.series.some((s) => s.markers);
  Object.assign(options.plugins.legend.labels, {
    usePointStyle: true,
    pointStyleWidth: withMarkers ? undefined : style.font * 2.6,
    generateLabels: lineLegendItems,
  });
  options.scales = lineScales(chart, style);
  const plugins = [whiskerPlugin(whiskers, style.marks), capPlugin(caps, style.marks)];
  if (chart.panels.length > 1) plugins.push(panelSeparatorPlugin(chart.panels.slice(1).map((_, i) => `y${i + 1}`)));
  return { type: 'line', data: { datasets: datasets as never[] }, options, plugins };
}

/**
 * Legend items straight from the datasets: Chart.js' own generator takes point options when point styles are on,
 * which would drop the dashes of dashed lines.
 */
function lineLegendItems(chart: { data: { datasets: Options[] } }): Options[] {
  return chart.data.datasets.map((dataset, datasetIndex) => ({
    text: dataset.label,
    datasetIndex,
    hidden: false,
    fontColor: '#111111',
    fillStyle: dataset.backgroundColor,
    strokeStyle: dataset.borderColor,
    lineWidth: dataset.borderWidth,
    lineDash: dataset.borderDash ?? [],
    pointStyle: dataset.pointStyle,
    rotation: dataset.rotation ?? 0,
  }));
}

function yAxisId(series: { panel?: number; rightAxis?: boolean }): string {
  return `y${series.panel ?? 0}${series.rightAxis ? 'r' : ''}`;
}

function addLineSeries(series: LineSeriesSpec, chart: LineChartSpec, style: Style, datasets: Options[], whiskers: WhiskerSet[]): void {
  const yAxisID = yAxisId(series);
  const panel = chart.panels[series.panel ?? 0];
  const axis = series.rightAxis ? panel.rightAxis! : panel.axis;
  if (series.interval === 'band') {
    const floor = axis.log ? smallestPositive(chart, series.panel ?? 0) : -Infinity;
    const bound = (v: number | null | undefined): number | null => (v == null || !Number.isFinite(v) ? null : Math.max(v, floor));
    const band = { label: '', xAxisID: 'x', yAxisID, borderWidth: 0, pointRadius: 0, backgroundColor: withAlpha(series.colour, 0.2) };
    datasets.push({ ...band, data: series.points.map((p) => ({ x: p.x, y: bound(p.low) })), fill: false });
    datasets.push({ ...band, data: series.points.map((p) => ({ x: p.x, y: bound(p.high) })), fill: '-1' });
  }
  if (series.interval === 'whiskers') {
    whiskers.push({ datasetIndex: datasets.length, low: series.points.map((p) => p.low), high: series.points.map((p) => p.high), colour: series.colour });
  }
  const invisibleOnLog = axis.log && !series.points.some((p) => p.y !== null && p.y > 0);
  // A band with no line (every y null) shows in the legend as a shaded box, not as a line.
  const bandOnly = series.interval === 'band' && series.points.every((p) => p.y === null);
  datasets.push({
    label: invisibleOnLog ? `${series.label} (zero throughout: not drawable on a log axis)` : series.label,
    xAxisID: 'x',
    yAxisID,
    data: series.points.map((p) => ({ x: p.x, y: p.y !== null && Number.isFinite(p.y) ? p.y : null })),
    borderColor: series.colour,
    backgroundColor: series.colour,
    borderWidth: style.lineWidth,
    borderDash: series.dashed ? [style.lineWidth * 3.5, style.lineWidth * 2] : [],
    pointStyle: series.markers ? (series.marker ?? 'circle') : series.scatter ? 'circle' : 'line',
    pointRadius: series.scatter ? style.font * 0.2 : series.markers ? style.font * 0.3 * (series.markerScale ?? 1) : 0,
    ...(series.scatter ? { showLine: false, backgroundColor: withAlpha(series.colour, 0.45), borderWidth: 0 } : {}),
    ...(bandOnly ? { pointStyle: 'rect', backgroundColor: withAlpha(series.colour, 0.35), borderWidth: 0 } : {}),
    ...(series.noLine ? { showLine: false } : {}),
    fill: false,
    tension: 0,
    spanGaps: false,
  });
}

function smallestPositive(chart: LineChartSpec, panel: number): number {
  const values = chart.series
    .filter((s) => (s.panel ?? 0) === panel)
    .flatMap((s) => s.points.map((p) => p.y))
    .filter((v): v is number => v !== null && v > 0);
  return values.length > 0 ? Math.min(...values) : 1;
}

function targetDataset(target: NonNullable<LineChartSpec['targets']>[number], style: Style): Options {
  return {
    label: target.label,
    xAxisID: 'x',
    yAxisID: 'y0',
    showLine: false,
    data: target.marks.map((m) => ({ x: m.x, y: m.y })),
    pointStyle: target.style === 'observed' ? 'rectRot' : 'triangle',
    rotation: target.style === 'ceiling' ? 180 : 0,
    pointRadius: style.font * 0.65,
    borderColor: '#000000',
    borderWidth: 1.5,
    backgroundColor: target.colour,
  };
}

/**
 * Bounds that keep whiskers and bands inside a padded axis: Chart.js sizes axes by the plotted values alone, and
 * ignores `grace` on log axes (those are padded by a factor of 1.6 instead).
 */
function paddedBounds(chart: LineChartSpec, panel: number, axis: AxisSpec): Options {
  if (!axis.padded) return {};
  const seriesValues = chart.series
    .filter((s) => (s.panel ?? 0) === panel && !s.rightAxis)
    .flatMap((s) => s.points.flatMap((p) => [p.y, p.low, p.high]));
  const targetValues = panel === 0 ? (chart.targets ?? []).flatMap((t) => t.marks.flatMap((m) => [m.y, m.low, m.high])) : [];
  const values = [...seriesValues, ...targetValues].filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && (!axis.log || v > 0));
  if (values.length === 0) return {};
  const [low, high] = [Math.min(...values), Math.max(...values)];
  return axis.log ? { min: low / 1.6, max: high * 1.6 } : { suggestedMin: low, suggestedMax: high };
}

/**
 * Room at both ends of a padded numeric x axis: a factor on log axes (Chart.js ignores `grace` there),
 * 4% of the span on linear ones, with no tick at the padded ends (Chart.js's `grace` rounds the ends
 * out to whole ticks, which put a "−$2,000" under a payout axis that starts at 0).
 */
function xPadding(chart: LineChartSpec): Options {
  if (!chart.x.padded || chart.x.categories) return {};
  const xs = chart.series.flatMap((s) => s.points.map((p) => p.x)).filter((x) => Number.isFinite(x) && (!chart.x.log || x > 0));
  if (xs.length === 0) return {};
  const [low, high] = [Math.min(...xs), Math.max(...xs)];
  if (chart.x.log) return { min: low / 1.25, max: high * 1.25 };
  const pad = (high - low) * 0.04 || Math.abs(low) * 0.04 || 1;
  return { min: low - pad, max: high + pad, grace: 0, ticks: { includeBounds: false } };
}

/**
 * Moves the points of each whiskered series a little sideways (1.2% of the x range, or a tenth of a category), so
 * intervals of several lines at the same x do not hide each other. The spec keeps the true x values.
 */
function dodged(chart: LineChartSpec): LineChartSpec {
  const whiskered = chart.series.filter((s) => s.interval === 'whiskers');
  if (whiskered.length < 2) return chart;
  const xs = chart.series.flatMap((s) => s.points.map((p) => p.x));
  const [low, high] = [Math.min(...xs), Math.max(...xs)];
  const shift = (x: number, k: number): number => {
    if (chart.x.categories) return x + 0.1 * k;
    if (chart.x.log) return x * Math.pow(high / low, 0.012 * k);
    return x + (high - low) * 0.012 * k;
  };
  const series = chart.series.map((s) => {
    const k = whiskered.indexOf(s) - (whiskered.length - 1) / 2;
    return s.interval === 'whiskers' ? { ...s, points: s.points.map((p) => ({ ...p, x: shift(p.x, k) })) } : s;
  });
  return { ...chart, series };
}

function lineScales(chart: LineChartSpec, style: Style): Options {
  const scales: Options = { x: valueScale(chart.x, style, xPadding(chart)) };
  const stacked = chart.panels.length > 1;
  // Chart.js stacks axes bottom-up in definition order; define panels in reverse so panel 0 is on top.
  const order = chart.panels.map((_, i) => i).reverse();
  for (const i of order) {
    const panel = chart.panels[i];
    const extra: Options = stacked ? { stack: 'panels', stackWeight: 1, offset: true, position: 'left', grace: '12%' } : { position: 'left' };
    scales[`y${i}`] = valueScale(panel.axis, style, { ...extra, ...paddedBounds(chart, i, panel.axis) });
    if (panel.rightAxis) {
      scales[`y${i}r`] = valueScale(panel.rightAxis, style, { position: 'right', grid: { drawOnChartArea: false } });
    }
  }
  return scales;
}

// ─── bar charts ─────────────────────────────────────────────────────────────

function barConfig(spec: ChartSpec, chart: BarChartSpec, size: RenderSize, style: Style): AnyConfig {
  const datasets = chart.groups.map((group) => ({
    label: group.label,
    data: group.values.map((v) => (v.y !== null && Number.isFinite(v.y) ? v.y : null)),
    backgroundColor: withAlpha(group.colour, 0.85),
    borderColor: group.colour,
    borderWidth: 1,
  }));
  const whiskers: WhiskerSet[] = chart.groups.map((group, i) => ({
    datasetIndex: i,
    low: group.values.map((v) => v.low),
    high: group.values.map((v) => v.high),
    colour: '#000000',
  }));
  const options = baseOptions(spec, chart.note, size, style);
  options.scales = {
    x: {
      type: 'category',
      title: axisTitle(chart.x.title, style),
      ticks: {
        color: '#222222', font: { family: FONT_FAMILY, size: style.font }, maxRotation: 0, autoSkip: false,
        callback: (_value: number | string, index: number) => (chart.x.categories[index] ?? '').split('\n'),
      },
      grid: { display: false },
    },
    y: valueScale(chart.y, style, { beginAtZero: !chart.y.log, grace: '5%', ...barBounds(chart) }),
  };
  return { type: 'bar', data: { labels: [...chart.x.categories], datasets }, options, plugins: [whiskerPlugin(whiskers, style.marks)] };
}

/** Keeps whiskers inside the axis: Chart.js sizes it by the bar heights alone. */
function barBounds(chart: BarChartSpec): Options {
  const values = chart.groups
    .flatMap((g) => g.values.flatMap((v) => [v.y, v.low, v.high]))
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return values.length > 0 ? { suggestedMin: Math.min(0, ...values), suggestedMax: Math.max(...values) } : {};
}

// ─── heatmaps ───────────────────────────────────────────────────────────────

function heatmapConfig(spec: ChartSpec, chart: HeatmapSpec, size: RenderSize, style: Style): AnyConfig {
  const heatStyle = { fontSize: style.font, colourBarWidth: style.font * 1.6 };
  const labels = chart.cells.map((c) => (c.value === null ? '' : formatValue(c.value, chart.value.format)));
  const longest = Math.max(4, ...labels.map((l) => l.length));
  const options = baseOptions(spec, chart.note, size, style);
  options.layout.padding.right = colourBarRoom(heatStyle, longest);
  options.plugins.legend.display = false;
  options.scales = {
    x: valueScale({ title: chart.x.title, format: 'number', categories: chart.x.categories }, style),
    y: valueScale({ title: chart.y.title, format: 'number', categories: chart.y.categories }, style),
  };
  const dataset = { label: chart.value.title, data: chart.cells.map((c) => ({ x: c.x, y: c.y })), pointRadius: 0 };
  return { type: 'scatter', data: { datasets: [dataset] }, options, plugins: [heatmapPlugin(chart, heatStyle)] };
}

// ─── forest plots ───────────────────────────────────────────────────────────

/**
 * Rows (policies, first on top) share the vertical axis; each column (outcome) gets its own
 * horizontal axis, the axes stacked side by side, each spanning 0 and every interval. Points are
 * drawn by Chart.js, intervals, zero lines, column rules and n/a notes by forestPlugin.
 */
function forestConfig(spec: ChartSpec, chart: ForestChartSpec, size: RenderSize, style: Style): AnyConfig {
  const datasets = chart.columns.map((column, k) => ({
    label: '',
    xAxisID: `x${k}`,
    yAxisID: 'y',
    data: column.cells.flatMap((cell, row) => (cell.x !== null && Number.isFinite(cell.x) ? [{ x: cell.x, y: row }] : [])),
    rows: column.cells.flatMap((cell, row) => (cell.x !== null && Number.isFinite(cell.x) ? [row] : [])),
    pointStyle: 'rectRot',
    pointRadius: style.font * 0.42,
    borderColor: '#000000',
    borderWidth: 1,
    backgroundColor: column.colour,
    showLine: false,
  }));
  const options = baseOptions(spec, chart.note, size, style);
  options.plugins.legend.display = false;
  const scales: Options = {
    y: {
      ...valueScale({ title: '', format: 'number', categories: chart.rows }, style),
      reverse: true,
      title: { display: false },
      ticks: { color: '#111111', font: { family: FONT_FAMILY, size: style.font }, callback: (value: number | string) => chart.rows[Number(value)] ?? '' },
    },
  };
  chart.columns.forEach((column, k) => {
    const values = column.cells.flatMap((c) => [c.x, c.low, c.high]).filter((v): v is number => v !== null && Number.isFinite(v));
    const [low, high] = values.length ? [Math.min(0, ...values), Math.max(0, ...values)] : [-1, 1];
    const pad = (high - low) * 0.15 || Math.abs(high) * 0.15 || 1;
    const [min, max] = [low - pad, high + pad];
    scales[`x${k}`] = {
      ...valueScale({ title: column.title, format: column.format }, style, { min, max }),
      // Round-number ticks, none at the very ends (where they would run into the next column's labels).
      afterBuildTicks: (scale: { ticks: { value: number }[] }) => {
        scale.ticks = forestTicks(min, max).map((value) => ({ value }));
      },
      position: 'bottom',
      stack: 'columns',
      stackWeight: 1,
      ticks: {
        color: '#222222', font: tickFont(style), maxRotation: 0, autoSkip: false, includeBounds: false,
        callback: (value: number | string) => formatValue(Number(value), column.format),
      },
    };
  });
  options.scales = scales;
  return { type: 'scatter', data: { datasets: datasets as never[] }, options, plugins: [forestPlugin(chart, style.marks, style.smallFont)] };
}

/** Two to five round values (1, 2 or 5 × 10^k apart) inside [min, max], at least 6% of the span from either end (one round value if no step gives two). */
function forestTicks(min: number, max: number): number[] {
  const [low, high] = [min + 0.06 * (max - min), max - 0.06 * (max - min)];
  let single: number[] = [];
  // Coarse first; finer steps when a coarse one leaves a single round value inside (e.g. [-11.6, 19.4]: 20 apart gives only 0, 10 apart gives 0 and 10).
  for (const divisions of [3, 2, 4, 5, 1]) {
    const raw = (high - low) / divisions;
    const power = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= raw) ?? 10 * power;
    const ticks: number[] = [];
    for (let k = Math.ceil(low / step); k * step <= high + 1e-12 * step; k++) ticks.push(Number((k * step).toPrecision(12)));
    if (ticks.length >= 2 && ticks.length <= 5) return ticks;
    if (ticks.length === 1 && single.length === 0) single = ticks;
  }
  return single.length ? single : [Number(((min + max) / 2).toPrecision(3))];
}
