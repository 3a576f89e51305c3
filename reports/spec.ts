/**
 * Chart specifications: plain data (structured-cloneable, so they travel to render workers) that
 * chart-config.ts turns into Chart.js configurations.
 */
import type { ValueFormat } from './format.js';

export type ChartKind =
  | 'cumulative_defections'
  | 'monthly_new_defections'
  | 'capacity'
  | 'budget'
  | 'sanctions'
  | 'calibration'
  | 'point_replicate_mean'
  | 'points_compare'
  | 'response_curve'
  | 'heatmap'
  | 'scenario_bars'
  | 'forest'
  | 'effects_over_time'
  | 'sensitivity_bars'
  | 'sensitivity_heatmap'
  | 'morris_scatter'
  | 'convergence'
  | 'calibration_generations'
  | 'calibration_marginal'
  | 'calibration_pairs'
  | 'calibration_identifiability'
  | 'calibration_predictive_series'
  | 'calibration_predictive_targets'
  /** A worlds directory: every fitted parameter's posterior interval on its prior's quantile scale (worlds-charts.ts). */
  | 'worlds_within_prior'
  | 'decision_probability_best'
  | 'decision_effects'
  | 'decision_regret'
  | 'decision_evppi'
  | 'decision_prim_tradeoff'
  | 'decision_prim_box'
  /** A series column of a run of a model other than the defection model (generic-charts.ts). */
  | 'run_series';

export interface ChartSource {
  /** Result file the data comes from, relative to the result directory. */
  readonly file: string;
  readonly columns: readonly string[];
}

/** What report.json records about each chart. */
export interface ChartMeta {
  /** PNG file name, beside report.html. */
  readonly file: string;
  readonly title: string;
  readonly caption: string;
  readonly kind: ChartKind;
  readonly source: ChartSource;
}

export type AxisFormat = ValueFormat | 'month';

export interface AxisSpec {
  readonly title: string;
  readonly format: AxisFormat;
  readonly log?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** Leave a margin at both ends so markers and whiskers at the extremes are not cut (response curves). */
  readonly padded?: boolean;
  /** Category labels, for a category axis (response curves against a text parameter). */
  readonly categories?: readonly string[];
  /** Slant the category labels when they do not fit side by side (long names). */
  readonly everyLabel?: boolean;
  /** Label whole numbers only (a tick axis with half a tick of room at its ends). */
  readonly wholeNumbers?: boolean;
}

export interface PointSpec {
  readonly x: number;
  readonly y: number | null;
  readonly low?: number | null;
  readonly high?: number | null;
}

export interface LineSeriesSpec {
  readonly label: string;
  readonly colour: string;
  readonly points: readonly PointSpec[];
  readonly dashed?: boolean;
  /** How low/high are drawn: a shaded band or whiskers at each point. */
  readonly interval?: 'band' | 'whiskers';
  /** Panel index (for charts split into stacked panels); 0 when absent. */
  readonly panel?: number;
  readonly rightAxis?: boolean;
  /** Draw a marker at each point (response curves). */
  readonly markers?: boolean;
  /** The marker's shape (Chart.js point style; default a circle), so lines of one colour family stay apart. */
  readonly marker?: 'circle' | 'triangle' | 'rect' | 'rectRot' | 'star' | 'crossRot' | 'rectRounded';
  /** Marker size relative to the default (1). */
  readonly markerScale?: number;
  /** Small translucent markers and no line: a cloud of points (posterior scatter plots). */
  readonly scatter?: boolean;
  /** Markers (and whiskers) without a line joining them: separate things side by side (one target each). */
  readonly noLine?: boolean;
}

export interface PanelSpec {
  readonly axis: AxisSpec;
  readonly rightAxis?: AxisSpec;
}

/** Calibration targets of one series: observed values with bands, or ceilings/floors. */
export interface TargetSetSpec {
  readonly label: string;
  readonly colour: string;
  readonly style: 'observed' | 'ceiling' | 'floor';
  readonly marks: readonly { x: number; y: number; low?: number; high?: number }[];
  /** Colour of an observed mark's band whiskers (default black). */
  readonly whiskerColour?: string;
}

export interface LineChartSpec {
  readonly type: 'line';
  readonly x: AxisSpec;
  readonly panels: readonly PanelSpec[];
  readonly series: readonly LineSeriesSpec[];
  readonly targets?: readonly TargetSetSpec[];
  /** One line under the title, e.g. what the shading means. */
  readonly note?: string;
}

export interface BarGroupSpec {
  readonly label: string;
  readonly colour: string;
  readonly values: readonly { y: number | null; low?: number | null; high?: number | null }[];
}

export interface BarChartSpec {
  readonly type: 'bar';
  readonly x: { readonly title: string; readonly categories: readonly string[] };
  readonly y: AxisSpec;
  readonly groups: readonly BarGroupSpec[];
  readonly note?: string;
}

export interface HeatmapSpec {
  readonly type: 'heatmap';
  readonly x: { readonly title: string; readonly categories: readonly string[] };
  readonly y: { readonly title: string; readonly categories: readonly string[] };
  /** x and y are category indexes; value null where the design has no point. */
  readonly cells: readonly { x: number; y: number; value: number | null }[];
  /** `range`: a fixed colour scale (values outside it take the end colours), else the data's min and max. */
  readonly value: { readonly title: string; readonly format: ValueFormat; readonly range?: readonly [number, number] };
  readonly note?: string;
}

/** One cell of a forest plot: a value with its interval, or a note saying why there is none (`n/a: no spend`). */
export interface ForestCellSpec {
  readonly x: number | null;
  readonly low: number | null;
  readonly high: number | null;
  readonly note?: string;
}

/** One column of a forest plot: an outcome with its own axis (units differ between outcomes). */
export interface ForestColumnSpec {
  readonly title: string;
  readonly format: ValueFormat;
  readonly colour: string;
  /** One per row, in row order. */
  readonly cells: readonly ForestCellSpec[];
}

/** A forest plot: rows (policies, top to bottom) against columns (outcomes), each cell a point with a horizontal interval. */
export interface ForestChartSpec {
  readonly type: 'forest';
  readonly rows: readonly string[];
  readonly columns: readonly ForestColumnSpec[];
  readonly note?: string;
}

export interface ChartSpec extends ChartMeta {
  readonly chart: LineChartSpec | BarChartSpec | HeatmapSpec | ForestChartSpec;
}

/** Pixel size of every chart; scale is the device pixel ratio (2 for print). */
export interface RenderSize {
  readonly width: number;
  readonly height: number;
  readonly scale: number;
}

export const DEFAULT_SIZE: RenderSize = { width: 1600, height: 900, scale: 1 };

/** The metadata part of a spec (what report.json lists). */
export function chartMeta(spec: ChartSpec): ChartMeta {
  const { file, title, caption, kind, source } = spec;
  return { file, title, caption, kind, source };
}
