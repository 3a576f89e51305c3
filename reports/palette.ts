/** Colour-blind-safe colours: a fixed Okabe-Ito colour per group everywhere, viridis for ordered series and heatmaps. */
import type { Group } from './format.js';

/** Okabe-Ito colours, one per reporting group, identical in every chart. */
export const GROUP_COLOURS: Readonly<Record<Group, string>> = {
  army: '#D55E00', // vermillion
  police: '#0072B2', // blue
  official: '#009E73', // bluish green
  tycoon: '#E69F00', // orange
};

/** Okabe-Ito colours left for series that are not a group (capacities, budget, sanctions). */
export const OTHER_COLOURS = {
  black: '#000000',
  reddishPurple: '#CC79A7',
  skyBlue: '#56B4E9',
  grey: '#6E6E6E',
} as const;

/** Viridis stops (matplotlib), perceptually uniform and readable with colour-vision deficiency. */
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 73, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [110, 206, 88],
  [253, 231, 37],
];

function viridisRgb(t: number): [number, number, number] {
  const clamped = Math.min(1, Math.max(0, t));
  const position = clamped * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(position));
  const f = position - i;
  const [a, b] = [VIRIDIS[i], VIRIDIS[i + 1]];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

function hex([r, g, b]: readonly number[]): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`.toUpperCase();
}

/** Colour of a heatmap cell for t in [0,1]. */
export function heatColour(t: number): string {
  return hex(viridisRgb(t));
}

/** Black or white, whichever reads better on a heatmap cell of value t. */
export function heatTextColour(t: number): string {
  const [r, g, b] = viridisRgb(t);
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? '#000000' : '#FFFFFF';
}

/** n distinguishable line colours for ordered things (design points, parameter values); skips viridis' pale yellow end. */
export function orderedColours(n: number): string[] {
  if (n <= 1) return [hex(viridisRgb(0.1))];
  return Array.from({ length: n }, (_, i) => hex(viridisRgb((i / (n - 1)) * 0.85)));
}

/** `#RRGGBB` with an alpha, as an rgba() string. */
export function withAlpha(colour: string, alpha: number): string {
  const value = colour.replace('#', '');
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(value.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** Okabe-Ito colours for unordered things (policies), in a fixed order; more than seven continue on viridis. */
const CATEGORICAL = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

export function categoricalColours(n: number): string[] {
  return n <= CATEGORICAL.length ? CATEGORICAL.slice(0, n) : [...CATEGORICAL, ...orderedColours(n - CATEGORICAL.length)];
}
