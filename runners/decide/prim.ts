/**
 * Scenario discovery by PRIM (Friedman & Fisher 1999), as Bryant & Lempert (2010) use it and the
 * EMA Workbench implements it: given a case label per world (1: a world of interest, e.g. one
 * where the expected-best policy is not best), find a box — limits on a few parameters — that
 * holds many of the cases (coverage) and few of the others (density: the share of cases in it).
 *
 * - Peeling: from the box holding every world, each step considers cutting `peelAlpha` of the
 *   box's weight off the bottom or the top of each parameter (a whole tied value at once) and
 *   makes the cut with the largest gain in density per unit of mass removed (the EMA Workbench's
 *   default objective, "lenient1", which compares cuts of unequal size fairly when values tie);
 *   equal gains prefer a parameter already restricted. It stops when no cut raises the density or
 *   the box would hold less than `massMin` of the weight. Each step is a point of the trajectory:
 *   coverage, density, mass, restricted parameters. A cut is placed half-way between the last
 *   value cut off and the first kept, so a world is in the box when low ≤ x ≤ high.
 * - Choosing a box (documented in docs/DECISIONS.md) among the boxes that restrict at least one
 *   parameter: `excess` (default) takes the box holding the most cases beyond chance, mass ×
 *   (density − case share) — the weighted relative accuracy of subgroup discovery (Lavrač et al.
 *   2004), the cases it holds minus the cases a box of its size would hold at the base rate — among
 *   the boxes whose density reaches `threshold` (default 0.8, the Workbench's); it sits at the knee
 *   of the trade-off curve, where a wider box would add more non-cases than cases and a narrower
 *   one would lose cases without gaining density. `coverage` takes the box of largest coverage
 *   among those reaching the threshold (Bryant & Lempert's "as much coverage as the wanted
 *   density allows"). When no box reaches the threshold the box with the most excess cases of the
 *   whole trajectory is taken and `meetsThreshold` is false.
 * - Pasting (optional, default on): the chosen box is widened again, `pasteAlpha` at a time, on a
 *   restricted side, while that raises its density (Friedman & Fisher's pasting).
 * - Pruning: a restriction whose quasi-p-value (below) is above `significance` (default 0.05) is
 *   dropped, the least significant first, the box's figures recomputed each time, until every
 *   restriction left is significant or one is left — what an analyst does with the Workbench's
 *   `drop_restriction`, so that the box read out to a decision maker holds no limit that chance
 *   alone could have drawn. The dropped limits are listed with the box.
 * - Significance of each restricted parameter, two ways: (1) the quasi-p-value of Bryant & Lempert
 *   as the Workbench computes it — a one-sided binomial test of the box's cases against the case
 *   rate of the box with that parameter's limits removed (small: the restriction is not chance);
 *   with importance weights the counts are effective counts (weights scaled to sum to the Kish
 *   effective sample size); (2) reproducibility: PRIM is run again on `resamples` random subsets
 *   of `resampleShare` of the worlds, and the box of each trajectory closest to the chosen one in
 *   (coverage, density) is asked whether it restricts the parameter (the Workbench's "reproduce
 *   coverage/density", merged into one number): the share that do.
 * Weights are the worlds' importance weights (equal by default); coverage, density and mass are
 * weighted shares.
 */
import { InputError } from '../../engine/errors.js';
import { RandomStream } from '../../engine/rng.js';
import { ascendingOrder, binomialUpperTail, normaliseWeights } from './numeric.js';
import { checkParameters, type WorldParameters } from './outcomes.js';

export type BoxChoice = 'excess' | 'coverage';

export interface PrimSettings {
  /** Share of the box's weight cut off per peel, in (0, 0.5]; default 0.05. */
  readonly peelAlpha?: number;
  /** Share of the box's weight added per paste, in (0, 0.5]; default 0.05. */
  readonly pasteAlpha?: number;
  /** Paste the chosen box (default true). */
  readonly paste?: boolean;
  /** Smallest mass (weighted share of worlds) a box may have, in (0, 1); default 0.05. */
  readonly massMin?: number;
  /** Density a box must reach to count as a scenario, in (0, 1]; default 0.8. */
  readonly threshold?: number;
  /** How the box is chosen on the trajectory (default 'excess'). */
  readonly choice?: BoxChoice;
  /** PRIM runs on random subsets for reproducibility, 0–1000; default 20. */
  readonly resamples?: number;
  /** Share of the worlds in each subset, in (0, 1); default 0.5. */
  readonly resampleShare?: number;
  /** Drop restrictions whose quasi-p-value is above this, in (0, 1]; default 0.05 (1: keep every restriction). */
  readonly significance?: number;
  /** Seed of the subsets (default 1). */
  readonly seed?: number;
}

export type ResolvedPrimSettings = Required<PrimSettings>;

export const DEFAULT_PRIM: ResolvedPrimSettings = {
  peelAlpha: 0.05, pasteAlpha: 0.05, paste: true, massMin: 0.05, threshold: 0.8, choice: 'excess', resamples: 20, resampleShare: 0.5, significance: 0.05, seed: 1,
};

/** The keys of PrimSettings as a user types them (the CLI passes its flags: peelAlpha → '--peel-alpha'). */
export type SettingKey = (name: keyof PrimSettings) => string;

/** Settings with defaults filled in; a value out of range is an InputError naming the key, the value and what is allowed. */
export function resolvePrimSettings(settings: PrimSettings = {}, key: SettingKey = (name) => name): ResolvedPrimSettings {
  const out = { ...DEFAULT_PRIM, ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) } as ResolvedPrimSettings;
  const bad = (name: keyof PrimSettings, allowed: string) => new InputError(`invalid value for '${key(name)}': ${JSON.stringify(out[name])} (allowed: ${allowed})`);
  const inRange = (v: unknown, low: number, high: number, closedHigh: boolean) => typeof v === 'number' && v > low && (closedHigh ? v <= high : v < high);
  if (!inRange(out.peelAlpha, 0, 0.5, true)) throw bad('peelAlpha', 'a share in (0, 0.5]');
  if (!inRange(out.pasteAlpha, 0, 0.5, true)) throw bad('pasteAlpha', 'a share in (0, 0.5]');
  if (!inRange(out.massMin, 0, 1, false)) throw bad('massMin', 'a share in (0, 1)');
  if (!inRange(out.threshold, 0, 1, true)) throw bad('threshold', 'a density in (0, 1]');
  if (!inRange(out.resampleShare, 0, 1, false)) throw bad('resampleShare', 'a share in (0, 1)');
  if (!inRange(out.significance, 0, 1, true)) throw bad('significance', 'a p-value in (0, 1]');
  if (!Number.isInteger(out.resamples) || out.resamples < 0 || out.resamples > 1000) throw bad('resamples', 'a whole number from 0 to 1000');
  if (!Number.isInteger(out.seed) || out.seed < 0) throw bad('seed', 'a whole number ≥ 0');
  if (out.choice !== 'excess' && out.choice !== 'coverage') throw bad('choice', "'excess' or 'coverage'");
  if (typeof out.paste !== 'boolean') throw bad('paste', 'true or false');
  return out;
}

/** One box: limits per parameter (null: that side is not restricted). */
export interface BoxLimits {
  readonly [parameter: string]: readonly [low: number | null, high: number | null];
}

export interface PrimStep {
  readonly coverage: number;
  readonly density: number;
  readonly mass: number;
  /** The parameters this box restricts, in the parameters' order. */
  readonly restricted: readonly string[];
  /** Limits of the restricted parameters only. */
  readonly limits: BoxLimits;
}

export interface BoxDimension {
  readonly parameter: string;
  /** null: not restricted from below (above). */
  readonly low: number | null;
  readonly high: number | null;
  /** The quasi-p-value of the restriction (one-sided binomial test); small means it matters. */
  readonly quasiP: number;
  /** Share of resampled PRIM runs whose closest box restricts this parameter too; NaN without resamples. */
  readonly reproducibility: number;
}

export interface PrimBox {
  /** The trajectory step the box was chosen at. */
  readonly step: number;
  readonly coverage: number;
  readonly density: number;
  readonly mass: number;
  /** Whether pasting changed the chosen step's box (coverage, density and mass are the pasted box's). */
  readonly pasted: boolean;
  /** Whether the box reaches the density threshold. */
  readonly meetsThreshold: boolean;
  /** The restricted parameters, in the parameters' order. */
  readonly dimensions: readonly BoxDimension[];
  /** Restrictions of the chosen step dropped as not significant (their limits and quasi-p-value when dropped). */
  readonly dropped: readonly Omit<BoxDimension, 'reproducibility'>[];
  /** Membership of every world (1 in the box). */
  readonly inBox: Uint8Array;
}

export interface PrimResult {
  readonly parameters: readonly string[];
  readonly worlds: number;
  /** Weighted share of worlds that are cases. */
  readonly caseShare: number;
  readonly trajectory: readonly PrimStep[];
  /** null when no world is a case, or when no cut raises the density (every world a case, or nothing to tell them apart). */
  readonly box: PrimBox | null;
  readonly settings: ResolvedPrimSettings;
}

interface Data {
  readonly columns: readonly Float64Array[];
  readonly orders: readonly Uint32Array[];
  readonly cases: Uint8Array;
  readonly n: number;
}

interface Box {
  low: Float64Array;
  high: Float64Array;
}

interface RawStep {
  readonly box: Box;
  readonly coverage: number;
  readonly density: number;
  readonly mass: number;
}

/** Worlds' parameters with each parameter's ascending order, to run PRIM on many labels (criteria) without sorting again. */
export interface SortedWorlds extends WorldParameters {
  readonly orders: readonly Uint32Array[];
}

export function sortWorlds(parameters: WorldParameters): SortedWorlds {
  return { ...parameters, orders: parameters.columns.map((c) => ascendingOrder(c)) };
}

/** PRIM on a binary label per world (`cases[w]` 1 or 0) over the worlds' parameters (or sortWorlds of them). */
export function prim(parameters: WorldParameters | SortedWorlds, cases: ArrayLike<number>, options: PrimSettings & { weights?: ArrayLike<number> } = {}): PrimResult {
  const n = cases.length;
  checkParameters(parameters, n);
  if (n < 2) throw new InputError(`PRIM needs at least 2 worlds (got ${n})`);
  const settings = resolvePrimSettings(options);
  const weights = normaliseWeights(n, options.weights);
  const labels = Uint8Array.from({ length: n }, (_, i) => {
    const c = cases[i];
    if (c !== 0 && c !== 1) throw new InputError(`invalid value for 'cases[${i}]': ${String(c)} (allowed: 0 or 1)`);
    return c;
  });
  const orders = 'orders' in parameters ? parameters.orders : sortWorlds(parameters).orders;
  const data: Data = { columns: parameters.columns, orders, cases: labels, n };
  const everyone = new Uint8Array(n).fill(1);
  let caseWeight = 0;
  for (let i = 0; i < n; i++) caseWeight += weights[i] * labels[i];
  const trajectory = peel(data, everyone, weights, settings);
  const steps = trajectory.map((s) => describeStep(parameters.names, s));
  if (!(caseWeight > 0)) return { parameters: parameters.names, worlds: n, caseShare: 0, trajectory: steps, box: null, settings };
  const chosen = chooseStep(trajectory, settings);
  if (chosen < 0) return { parameters: parameters.names, worlds: n, caseShare: caseWeight, trajectory: steps, box: null, settings };
  let box = trajectory[chosen].box;
  let stats = { coverage: trajectory[chosen].coverage, density: trajectory[chosen].density, mass: trajectory[chosen].mass };
  let pasted = false;
  if (settings.paste) {
    const result = paste(data, everyone, weights, box, settings.pasteAlpha);
    if (result.density > stats.density) {
      box = result.box;
      stats = { coverage: result.coverage, density: result.density, mass: result.mass };
      pasted = true;
    }
  }
  let sumSquares = 0;
  for (let i = 0; i < n; i++) sumSquares += weights[i] * weights[i];
  const ess = 1 / sumSquares;
  const limitsOf = (j: number) => ({
    low: Number.isFinite(box.low[j]) ? box.low[j] : null,
    high: Number.isFinite(box.high[j]) ? box.high[j] : null,
  });
  const dropped: Omit<BoxDimension, 'reproducibility'>[] = [];
  for (;;) {
    const current = restrictedDimensions(box);
    if (current.length <= 1) break;
    const pValues = current.map((j) => quasiP(data, weights, box, j, stats, ess));
    const worst = pValues.reduce((w, v, k) => (v > pValues[w] ? k : w), 0);
    if (!(pValues[worst] > settings.significance)) break;
    const j = current[worst];
    dropped.push({ parameter: parameters.names[j], ...limitsOf(j), quasiP: pValues[worst] });
    box = { low: box.low.slice(), high: box.high.slice() };
    box.low[j] = -Infinity;
    box.high[j] = Infinity;
    stats = boxStats(data, everyone, weights, box);
  }
  const restricted = restrictedDimensions(box);
  const reproduced = reproducibility(data, weights, settings, stats, restricted);
  const inBox = membership(data, everyone, box);
  const dimensions = restricted.map((j, k) => ({
    parameter: parameters.names[j],
    ...limitsOf(j),
    quasiP: quasiP(data, weights, box, j, stats, ess),
    reproducibility: reproduced[k],
  }));
  return {
    parameters: parameters.names, worlds: n, caseShare: caseWeight, trajectory: steps,
    box: { step: chosen, ...stats, pasted, meetsThreshold: stats.density >= settings.threshold, dimensions, dropped, inBox },
    settings,
  };
}

function describeStep(names: readonly string[], step: RawStep): PrimStep {
  const restricted = restrictedDimensions(step.box);
  const limits: Record<string, readonly [number | null, number | null]> = {};
  for (const j of restricted) limits[names[j]] = [Number.isFinite(step.box.low[j]) ? step.box.low[j] : null, Number.isFinite(step.box.high[j]) ? step.box.high[j] : null];
  return { coverage: step.coverage, density: step.density, mass: step.mass, restricted: restricted.map((j) => names[j]), limits };
}

function restrictedDimensions(box: Box): number[] {
  const out: number[] = [];
  for (let j = 0; j < box.low.length; j++) if (Number.isFinite(box.low[j]) || Number.isFinite(box.high[j])) out.push(j);
  return out;
}

/** The step chosen on a trajectory (see the file's comment); -1 when no step restricts anything. */
export function chooseStep(trajectory: readonly Pick<RawStep, 'coverage' | 'density' | 'mass'>[], settings: Pick<ResolvedPrimSettings, 'threshold' | 'choice'>): number {
  if (trajectory.length < 2) return -1;
  const base = trajectory[0].density;
  const excess = (i: number) => trajectory[i].mass * (trajectory[i].density - base);
  const restricted = trajectory.map((_, i) => i).slice(1);
  const eligible = restricted.filter((i) => trajectory[i].density >= settings.threshold - 1e-12);
  const most = (candidates: number[]) => candidates.reduce((best, i) => (excess(i) > excess(best) + 1e-15 ? i : best), candidates[0]);
  if (eligible.length === 0 || settings.choice === 'excess') return most(eligible.length > 0 ? eligible : restricted);
  return eligible.reduce((best, i) => {
    const [a, b] = [trajectory[i], trajectory[best]];
    return a.coverage > b.coverage || (a.coverage === b.coverage && a.density > b.density) ? i : best;
  }, eligible[0]);
}

/** Coverage, density and mass of a box over the worlds in `sample`. */
function boxStats(data: Data, sample: Uint8Array, weights: Float64Array, box: Box): { coverage: number; density: number; mass: number } {
  const inBox = membership(data, sample, box);
  let [total, totalCases, w, c] = [0, 0, 0, 0];
  for (let i = 0; i < data.n; i++) {
    if (!sample[i]) continue;
    total += weights[i];
    totalCases += weights[i] * data.cases[i];
    if (!inBox[i]) continue;
    w += weights[i];
    c += weights[i] * data.cases[i];
  }
  return { coverage: totalCases > 0 ? c / totalCases : 0, density: w > 0 ? c / w : 0, mass: w / total };
}

/** Which worlds (of those in `sample`) lie in the box. */
function membership(data: Data, sample: Uint8Array, box: Box): Uint8Array {
  const inBox = new Uint8Array(data.n);
  for (let i = 0; i < data.n; i++) {
    if (!sample[i]) continue;
    let inside = 1;
    for (let j = 0; j < data.columns.length && inside; j++) {
      const x = data.columns[j][i];
      if (x < box.low[j] || x > box.high[j]) inside = 0;
    }
    inBox[i] = inside;
  }
  return inBox;
}

/** The peeling trajectory over the worlds in `sample` (weights renormalised within it). */
function peel(data: Data, sample: Uint8Array, weights: Float64Array, settings: ResolvedPrimSettings): RawStep[] {
  const { n, columns, orders, cases } = data;
  const p = columns.length;
  let total = 0;
  let totalCases = 0;
  for (let i = 0; i < n; i++) {
    if (!sample[i]) continue;
    total += weights[i];
    totalCases += weights[i] * cases[i];
  }
  const inBox = sample.slice();
  const box: Box = { low: new Float64Array(p).fill(-Infinity), high: new Float64Array(p).fill(Infinity) };
  // Positions in each sorted order before which (after which) every world is below (above) the box.
  const lowAt = new Int32Array(p);
  const highAt = new Int32Array(p).fill(n - 1);
  let boxWeight = total;
  let boxCases = totalCases;
  const step = (): RawStep => ({
    box: { low: box.low.slice(), high: box.high.slice() },
    coverage: totalCases > 0 ? boxCases / totalCases : 0,
    density: boxWeight > 0 ? boxCases / boxWeight : 0,
    mass: boxWeight / total,
  });
  const trajectory = [step()];
  for (;;) {
    const mean = boxCases / boxWeight;
    let best: { j: number; side: 0 | 1; limit: number; weight: number; cases: number; objective: number; widens: boolean } | null = null;
    for (let j = 0; j < p; j++) {
      for (const side of [0, 1] as const) {
        const cut = cutOff(data, inBox, weights, j, side, side === 0 ? lowAt[j] : highAt[j], settings.peelAlpha * boxWeight);
        if (!cut) continue;
        const remaining = boxWeight - cut.weight;
        if (remaining / total < settings.massMin - 1e-12) continue;
        const objective = ((boxCases - cut.cases) / remaining - mean) / (cut.weight / total);
        const widens = !Number.isFinite(side === 0 ? box.low[j] : box.high[j]) && !Number.isFinite(side === 0 ? box.high[j] : box.low[j]);
        if (!best || objective > best.objective + 1e-15 || (Math.abs(objective - best.objective) <= 1e-15 && best.widens && !widens)) {
          best = { j, side, limit: cut.limit, weight: cut.weight, cases: cut.cases, objective, widens };
        }
      }
    }
    if (!best || !(best.objective > 1e-15)) break;
    // Apply the cut: drop the worlds beyond the new limit and move the pointer past them.
    const { j, side, limit } = best;
    const order = orders[j];
    const column = columns[j];
    if (side === 0) {
      box.low[j] = limit;
      while (lowAt[j] < n && column[order[lowAt[j]]] < limit) inBox[order[lowAt[j]++]] = 0;
    } else {
      box.high[j] = limit;
      while (highAt[j] >= 0 && column[order[highAt[j]]] > limit) inBox[order[highAt[j]--]] = 0;
    }
    boxWeight -= best.weight;
    boxCases -= best.cases;
    trajectory.push(step());
  }
  return trajectory;
}

/**
 * The cut of at least `target` weight off the bottom (side 0) or top (side 1) of parameter j among
 * the worlds in the box, whole tied values at once; null when it would leave the box empty.
 */
function cutOff(data: Data, inBox: Uint8Array, weights: Float64Array, j: number, side: 0 | 1, start: number, target: number): { limit: number; weight: number; cases: number } | null {
  const order = data.orders[j];
  const column = data.columns[j];
  const step = side === 0 ? 1 : -1;
  let weight = 0;
  let cases = 0;
  let k = start;
  let last = NaN;
  for (; k >= 0 && k < data.n; k += step) {
    const i = order[k];
    if (!inBox[i]) continue;
    if (weight >= target && column[i] !== last) break;
    weight += weights[i];
    cases += weights[i] * data.cases[i];
    last = column[i];
  }
  // k is the first kept world (in the box, a new value) or the end: no world left means no cut.
  while (k >= 0 && k < data.n && !inBox[order[k]]) k += step;
  if (k < 0 || k >= data.n) return null;
  return { limit: (last + column[order[k]]) / 2, weight, cases };
}

/** Friedman & Fisher's pasting of a box while its density rises. */
function paste(data: Data, sample: Uint8Array, weights: Float64Array, start: Box, alpha: number): RawStep {
  const box: Box = { low: start.low.slice(), high: start.high.slice() };
  const p = data.columns.length;
  let total = 0;
  let totalCases = 0;
  for (let i = 0; i < data.n; i++) {
    if (!sample[i]) continue;
    total += weights[i];
    totalCases += weights[i] * data.cases[i];
  }
  const stats = () => {
    const inBox = membership(data, sample, box);
    let w = 0;
    let c = 0;
    for (let i = 0; i < data.n; i++) {
      if (!inBox[i]) continue;
      w += weights[i];
      c += weights[i] * data.cases[i];
    }
    return { weight: w, cases: c };
  };
  let current = stats();
  for (;;) {
    let best: { j: number; side: 0 | 1; limit: number; weight: number; cases: number; density: number } | null = null;
    for (let j = 0; j < p; j++) {
      for (const side of [0, 1] as const) {
        if (!Number.isFinite(side === 0 ? box.low[j] : box.high[j])) continue;
        const added = pasteOn(data, sample, weights, box, j, side, alpha * current.weight);
        if (!added) continue;
        const density = (current.cases + added.cases) / (current.weight + added.weight);
        if (!best || density > best.density) best = { j, side, ...added, density };
      }
    }
    if (!best || !(best.density > current.cases / current.weight + 1e-15)) break;
    if (best.side === 0) box.low[best.j] = best.limit;
    else box.high[best.j] = best.limit;
    current = stats();
  }
  return { box, coverage: totalCases > 0 ? current.cases / totalCases : 0, density: current.weight > 0 ? current.cases / current.weight : 0, mass: current.weight / total };
}

/** The worlds just outside side `side` of parameter j (inside every other limit) making up `target` weight. */
function pasteOn(data: Data, sample: Uint8Array, weights: Float64Array, box: Box, j: number, side: 0 | 1, target: number): { limit: number; weight: number; cases: number } | null {
  const order = data.orders[j];
  const column = data.columns[j];
  const limit = side === 0 ? box.low[j] : box.high[j];
  const insideOthers = (i: number) => {
    if (!sample[i]) return false;
    for (let k = 0; k < data.columns.length; k++) {
      if (k === j) continue;
      const x = data.columns[k][i];
      if (x < box.low[k] || x > box.high[k]) return false;
    }
    return true;
  };
  // Walk outwards from the limit: downwards for the lower side, upwards for the upper side.
  const step = side === 0 ? -1 : 1;
  let k = side === 0 ? upperBound(order, column, limit) - 1 : upperBound(order, column, limit);
  while (k >= 0 && k < data.n && (side === 0 ? column[order[k]] >= limit : column[order[k]] <= limit)) k += step;
  let weight = 0;
  let cases = 0;
  let last = NaN;
  for (; k >= 0 && k < data.n; k += step) {
    const i = order[k];
    if (!insideOthers(i)) continue;
    if (weight >= target && column[i] !== last) break;
    weight += weights[i];
    cases += weights[i] * data.cases[i];
    last = column[i];
  }
  if (!(weight > 0)) return null;
  while (k >= 0 && k < data.n && !insideOthers(order[k])) k += step;
  const next = k >= 0 && k < data.n ? (last + column[order[k]]) / 2 : side === 0 ? -Infinity : Infinity;
  return { limit: next, weight, cases };
}

/** The first position in `order` whose value is above `value`. */
function upperBound(order: Uint32Array, column: Float64Array, value: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (column[order[mid]] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Bryant & Lempert's quasi-p-value of parameter j's restriction: P(X ≥ cases in the box) for X
 * binomial with the box's (effective) count and the case rate of the box without j's limits.
 */
function quasiP(data: Data, weights: Float64Array, box: Box, j: number, stats: { density: number; mass: number }, ess: number): number {
  const loose: Box = { low: box.low.slice(), high: box.high.slice() };
  loose.low[j] = -Infinity;
  loose.high[j] = Infinity;
  const inLoose = membership(data, new Uint8Array(data.n).fill(1), loose);
  let w = 0;
  let c = 0;
  for (let i = 0; i < data.n; i++) {
    if (!inLoose[i]) continue;
    w += weights[i];
    c += weights[i] * data.cases[i];
  }
  const trials = stats.mass * ess;
  return binomialUpperTail(stats.density * trials, trials, w > 0 ? c / w : 0);
}

/** For each restricted parameter: the share of resampled trajectories whose box nearest the chosen one restricts it too. */
function reproducibility(data: Data, weights: Float64Array, settings: ResolvedPrimSettings, chosen: { coverage: number; density: number }, restricted: number[]): number[] {
  if (settings.resamples === 0) return restricted.map(() => NaN);
  const positive: number[] = [];
  for (let i = 0; i < data.n; i++) if (weights[i] > 0) positive.push(i);
  const pool = Uint32Array.from(positive);
  const size = Math.max(2, Math.floor(settings.resampleShare * pool.length));
  const random = new RandomStream(settings.seed, 'decide-prim-resample');
  const counts = restricted.map(() => 0);
  for (let r = 0; r < settings.resamples; r++) {
    random.shuffle(pool);
    const sample = new Uint8Array(data.n);
    for (let k = 0; k < size; k++) sample[pool[k]] = 1;
    const trajectory = peel(data, sample, weights, settings);
    let nearest = 0;
    let distance = Infinity;
    trajectory.forEach((s, i) => {
      const d = (s.coverage - chosen.coverage) ** 2 + (s.density - chosen.density) ** 2;
      if (d < distance) {
        distance = d;
        nearest = i;
      }
    });
    const box = trajectory[nearest].box;
    restricted.forEach((j, k) => {
      if (Number.isFinite(box.low[j]) || Number.isFinite(box.high[j])) counts[k]++;
    });
  }
  return counts.map((c) => c / settings.resamples);
}
