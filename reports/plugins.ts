/** Chart.js plugins for what Chart.js does not draw itself: interval whiskers, calibration ceilings, heatmap cells and a colour bar. */
import type { Chart, Plugin, Scale } from 'chart.js';
import { FONT_FAMILY } from './font.js';
import { formatValue } from './format.js';
import { heatColour, heatTextColour } from './palette.js';
import type { ForestChartSpec, HeatmapSpec } from './spec.js';

export interface WhiskerSet {
  readonly datasetIndex: number;
  readonly low: readonly (number | null | undefined)[];
  readonly high: readonly (number | null | undefined)[];
  readonly colour: string;
}

export interface CapSet {
  readonly datasetIndex: number;
  readonly style: 'ceiling' | 'floor';
  readonly colour: string;
}

export interface MarkStyle {
  readonly lineWidth: number;
  /** Half-width of whisker caps and ceiling bars, in CSS pixels. */
  readonly capHalfWidth: number;
}

/** Pixel for a value, clamping values a log axis cannot show to the axis ends. */
function pixelFor(scale: Scale, value: number): number {
  if (scale.type === 'logarithmic' && value <= 0) return scale.bottom;
  return scale.getPixelForValue(value);
}

function clipToChartArea(chart: Chart): void {
  const area = chart.chartArea;
  chart.ctx.beginPath();
  chart.ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
  chart.ctx.clip();
}

function segment(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

/** Vertical whiskers from low to high at each point of the given datasets (confidence intervals, tolerance bands). */
export function whiskerPlugin(sets: readonly WhiskerSet[], style: MarkStyle): Plugin {
  return {
    id: 'defsimWhiskers',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      clipToChartArea(chart);
      ctx.lineWidth = style.lineWidth;
      for (const set of sets) {
        const meta = chart.getDatasetMeta(set.datasetIndex);
        const scale = chart.scales[meta.yAxisID ?? 'y'];
        ctx.strokeStyle = set.colour;
        meta.data.forEach((element, j) => {
          const [low, high] = [set.low[j], set.high[j]];
          if (low == null || high == null || !Number.isFinite(low) || !Number.isFinite(high)) return;
          const [yLow, yHigh] = [pixelFor(scale, low), pixelFor(scale, high)];
          const x = element.x;
          segment(ctx, x, yLow, x, yHigh);
          segment(ctx, x - style.capHalfWidth, yLow, x + style.capHalfWidth, yLow);
          segment(ctx, x - style.capHalfWidth, yHigh, x + style.capHalfWidth, yHigh);
        });
      }
      ctx.restore();
    },
  };
}

/** A horizontal bar at each point: a ceiling (the triangle marker points down to it from above) or a floor. */
export function capPlugin(sets: readonly CapSet[], style: MarkStyle): Plugin {
  return {
    id: 'defsimCaps',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.lineWidth = style.lineWidth * 1.6;
      for (const set of sets) {
        ctx.strokeStyle = set.colour;
        for (const element of chart.getDatasetMeta(set.datasetIndex).data) {
          segment(ctx, element.x - style.capHalfWidth * 2, element.y, element.x + style.capHalfWidth * 2, element.y);
        }
      }
      ctx.restore();
    },
  };
}

/** A rule across the chart at the top of each given stacked panel axis, so panels read as separate plots. */
export function panelSeparatorPlugin(axisIds: readonly string[]): Plugin {
  return {
    id: 'defsimPanelSeparators',
    afterDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = '#777777';
      ctx.lineWidth = 1.5;
      for (const id of axisIds) {
        const top = chart.scales[id]?.top;
        if (top !== undefined) segment(ctx, chart.chartArea.left, top, chart.chartArea.right, top);
      }
      ctx.restore();
    },
  };
}

export interface HeatmapStyle {
  readonly fontSize: number;
  readonly colourBarWidth: number;
}

/** Heatmap cells (viridis by value, with the value written in each cell) and a colour bar at the right. */
export function heatmapPlugin(spec: HeatmapSpec, style: HeatmapStyle): Plugin {
  const finite = spec.cells.map((c) => c.value).filter((v): v is number => v !== null && Number.isFinite(v));
  const [low, high] = spec.value.range ?? (finite.length > 0 ? [Math.min(...finite), Math.max(...finite)] : [0, 1]);
  const shade = (value: number): number => (high > low ? (value - low) / (high - low) : 0.5);
  return {
    id: 'defsimHeatmap',
    beforeDatasetsDraw(chart) {
      const { x: xScale, y: yScale } = chart.scales;
      const ctx = chart.ctx;
      ctx.save();
      for (const cell of spec.cells) {
        const left = xScale.getPixelForValue(cell.x - 0.5);
        const right = xScale.getPixelForValue(cell.x + 0.5);
        const top = yScale.getPixelForValue(cell.y + 0.5);
        const bottom = yScale.getPixelForValue(cell.y - 0.5);
        const hasValue = cell.value !== null && Number.isFinite(cell.value);
        ctx.fillStyle = hasValue ? heatColour(shade(cell.value!)) : '#EEEEEE';
        ctx.fillRect(left, top, right - left, bottom - top);
        ctx.strokeStyle = '#FFFFFF';
        ctx.lineWidth = 2;
        ctx.strokeRect(left, top, right - left, bottom - top);
        const text = hasValue ? formatValue(cell.value!, spec.value.format) : 'no point';
        const size = Math.max(6, Math.min(style.fontSize, (bottom - top) * 0.35, (right - left) / (text.length * 0.62)));
        ctx.fillStyle = hasValue ? heatTextColour(shade(cell.value!)) : '#333333';
        ctx.font = `${size.toFixed(1)}px ${FONT_FAMILY}`;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(text, (left + right) / 2, (top + bottom) / 2);
      }
      ctx.restore();
    },
    afterDraw(chart) {
      drawColourBar(chart, spec, style, low, high);
    },
  };
}

function drawColourBar(chart: Chart, spec: HeatmapSpec, style: HeatmapStyle, low: number, high: number): void {
  const ctx = chart.ctx;
  const area = chart.chartArea;
  const left = area.right + style.fontSize * 1.2;
  const steps = 64;
  const stepHeight = (area.bottom - area.top) / steps;
  ctx.save();
  for (let i = 0; i < steps; i++) {
    ctx.fillStyle = heatColour((i + 0.5) / steps);
    ctx.fillRect(left, area.bottom - (i + 1) * stepHeight, style.colourBarWidth, stepHeight + 0.5);
  }
  ctx.strokeStyle = '#333333';
  ctx.lineWidth = 1;
  ctx.strokeRect(left, area.top, style.colourBarWidth, area.bottom - area.top);
  ctx.fillStyle = '#222222';
  ctx.font = `${style.fontSize * 0.9}px ${FONT_FAMILY}`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const labelX = left + style.colourBarWidth + style.fontSize * 0.4;
  let widestLabel = 0;
  for (const [fraction, value] of [[0, low], [0.5, (low + high) / 2], [1, high]] as const) {
    const label = formatValue(value, spec.value.format);
    widestLabel = Math.max(widestLabel, ctx.measureText(label).width);
    ctx.fillText(label, labelX, area.bottom - fraction * (area.bottom - area.top));
  }
  ctx.translate(labelX + widestLabel + style.fontSize * 0.6, (area.top + area.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.font = `${style.fontSize}px ${FONT_FAMILY}`;
  ctx.fillText(spec.value.title, 0, 0);
  ctx.restore();
}

/** Right-hand room the colour bar needs: gap, bar, value labels, rotated title. */
export function colourBarRoom(style: HeatmapStyle, longestLabelChars: number): number {
  return style.fontSize * 1.2 + style.colourBarWidth + style.fontSize * (0.4 + 0.9 * 0.62 * longestLabelChars + 0.6 + 1.6);
}

/**
 * What a forest plot needs besides its points: a dashed line at 0 in each column, a rule between
 * columns, each interval as a horizontal whisker, and the note (`n/a: no spend`) of a cell with
 * no value, written where its point would be.
 */
export function forestPlugin(spec: ForestChartSpec, style: MarkStyle, fontSize: number): Plugin {
  return {
    id: 'defsimForest',
    beforeDatasetsDraw(chart) {
      const ctx = chart.ctx;
      const area = chart.chartArea;
      const y = chart.scales.y;
      ctx.save();
      spec.columns.forEach((column, k) => {
        const x = chart.scales[`x${k}`];
        ctx.strokeStyle = '#777777';
        ctx.lineWidth = 1.5;
        if (k > 0) segment(ctx, x.left, area.top, x.left, area.bottom);
        ctx.setLineDash([6, 4]);
        ctx.strokeStyle = '#555555';
        ctx.lineWidth = 1.2;
        const zero = x.getPixelForValue(0);
        if (zero >= x.left && zero <= x.right) segment(ctx, zero, area.top, zero, area.bottom);
        ctx.setLineDash([]);
        ctx.strokeStyle = '#000000';
        ctx.lineWidth = style.lineWidth;
        column.cells.forEach((cell, row) => {
          const py = y.getPixelForValue(row);
          if (cell.x === null || !Number.isFinite(cell.x)) {
            ctx.fillStyle = '#444444';
            ctx.font = `italic ${fontSize}px ${FONT_FAMILY}`;
            ctx.textAlign = 'center';
            ctx.textBaseline = 'middle';
            ctx.fillText(cell.note ?? 'n/a', (x.left + x.right) / 2, py, x.right - x.left - 8);
            return;
          }
          if (cell.low === null || cell.high === null || !Number.isFinite(cell.low) || !Number.isFinite(cell.high)) return;
          const [left, right] = [x.getPixelForValue(cell.low), x.getPixelForValue(cell.high)];
          segment(ctx, left, py, right, py);
          segment(ctx, left, py - style.capHalfWidth, left, py + style.capHalfWidth);
          segment(ctx, right, py - style.capHalfWidth, right, py + style.capHalfWidth);
        });
      });
      ctx.restore();
    },
  };
}
