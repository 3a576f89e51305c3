/**
 * The model a result comes from and the units its files record (manifest.json `model` and
 * `units`), for the charts and pages of any model: how a value in a unit is formatted, how an
 * axis in it is titled and bounded, when lines need panels of their own, and the sentence under
 * a page's title that says what the numbers are in.
 */
import { formatForName, type ValueFormat } from './format.js';
import type { AxisSpec, LineSeriesSpec, PointSpec } from './spec.js';

/** What an axis or column says when the result files record no unit for it. */
export const NO_UNIT = 'unit not recorded';

/** The model a result comes from: manifest.json's `model.name` (or `model` as a string); none recorded means the defection model. */
export function modelOf(manifest: Readonly<Record<string, unknown>>): { name: string; version: string | null } {
  const model = manifest.model;
  if (typeof model === 'string') return { name: model, version: null };
  if (model !== null && typeof model === 'object') {
    const { name, version } = model as Record<string, unknown>;
    if (typeof name === 'string') return { name, version: typeof version === 'string' ? version : null };
  }
  return { name: 'defection', version: typeof manifest.modelVersion === 'string' ? manifest.modelVersion : null };
}

/** Whether a result gets the charts and words of any model (every model but the defection model, which keeps its own). */
export function usesGenericCharts(manifest: Readonly<Record<string, unknown>>): boolean {
  return modelOf(manifest).name !== 'defection';
}

/** `granovetter 1.0.0`, or the name alone when no version is recorded. */
export function modelLabel(manifest: Readonly<Record<string, unknown>>): string {
  const { name, version } = modelOf(manifest);
  return version ? `${name} ${version}` : name;
}

function textEntries(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * The units a result records, by column or metric name: manifest.json's `units` (run and sweep
 * manifests: every series column and metric), with a calibration's `units.series` (the series its
 * targets read) and `units.tick`; `loaded` (a run's units as loaded) wins.
 */
export function recordedUnits(manifest: Readonly<Record<string, unknown>>, loaded: Readonly<Record<string, string>> = {}): Record<string, string> {
  const units = manifest.units as Record<string, unknown> | undefined;
  return { ...textEntries(units), ...textEntries(units?.series), ...loaded };
}

/** Shares and probabilities read as per cent; every other unit as a plain number with its unit in the axis title. */
export function formatOfUnit(unit: string): ValueFormat {
  return /^share\b|^probability\b/.test(unit) ? 'share' : 'number';
}

/** `name (unit)`. */
export function titled(name: string, unit: string): string {
  return `${name} (${unit})`;
}

/** The sentence under a page's title: what the numbers are in. */
export function unitsSentence(manifest: Readonly<Record<string, unknown>>): string {
  if (!usesGenericCharts(manifest)) return 'Counts are in people, money in US dollars, one tick is one month (tick 0 = February 2021).';
  return `Model ${modelLabel(manifest)}: every value is in the unit its result files record (manifest.json "units"), named beside each column, axis and table; a tick is one step of the model.`;
}

/**
 * A value axis with room around the data; it starts at 0 when no value is negative (counts,
 * shares), and a share whose values all lie in [0, 1] ends just above 100% (not at a padded 120%).
 */
export function valueAxis(title: string, unit: string, values: Iterable<number | null>): AxisSpec {
  let negative = false;
  let aboveOne = false;
  for (const v of values) {
    if (v !== null && v < 0) negative = true;
    if (v !== null && v > 1) aboveOne = true;
  }
  const format = formatOfUnit(unit);
  // A little room above 100% keeps markers there whole; no label is drawn above 100% (chart-config.ts).
  return { title, format, padded: true, ...(negative ? {} : { min: 0 }), ...(format === 'share' && !negative && !aboveOne ? { max: 1.04 } : {}) };
}

/** Groups of lines whose largest values differ more than this many times get a panel each (one axis would flatten the small ones). */
export const PANEL_SCALE_RATIO = 5;

function largestMagnitude(points: readonly PointSpec[]): number {
  return Math.max(0, ...points.map((p) => Math.abs(p.y ?? 0)));
}

/** Whether lines live on such different scales that each needs its own panel (at most 4 panels). */
export function needsPanels(lines: readonly LineSeriesSpec[]): boolean {
  if (lines.length < 2 || lines.length > 4) return false;
  const sizes = lines.map((line) => largestMagnitude(line.points)).filter((m) => m > 0);
  return sizes.length > 1 && Math.max(...sizes) > PANEL_SCALE_RATIO * Math.min(...sizes);
}


/** The x axis of a numeric parameter: a share (a name ending in Share) in per cent, any other as the experiment file writes it. */
export function parameterAxis(path: string): AxisSpec {
  return formatForName(path) === 'share'
    ? { title: `${path} (share, %)`, format: 'share', padded: true }
    : { title: `${path} (value in the experiment file)`, format: 'number', padded: true };
}
