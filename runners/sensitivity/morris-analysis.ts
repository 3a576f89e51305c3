/**
 * Morris elementary effects, as SALib's `analyze.morris.analyze`: along each trajectory, the step
 * that moves factor f gives EE_f = ±(y_after − y_before) / Δ, the sign making it the change for an
 * increase of the (first) input of f. mu = mean EE, mu* = mean |EE| (Campolongo et al. 2007),
 * sigma = sd of EE (ddof 1); mu*'s interval is SALib's bootstrap of the trajectories' |EE|:
 * mu* ± z·sd of the resampled means. As in SALib, mu and sigma are left undefined (NaN) for a
 * group of more than one input, whose inputs may move in opposite directions. X may be the unit
 * design or its scaled values: only which inputs change, and in which direction, is read from it.
 */
import { InputError } from '../../engine/errors.js';
import { RandomStream } from '../../engine/rng.js';
import { normalQuantile } from './distributions.js';
import { checkLevels, morrisDelta } from './morris-sample.js';
import { factorsOf, type Problem } from './problem.js';

export interface MorrisAnalysisOptions {
  /** Grid levels the design was made with (default 4). */
  levels?: number;
  resamples?: number;
  seed: number;
  confidence?: number;
}

export interface MorrisIndices {
  readonly factors: readonly string[];
  readonly trajectories: number;
  readonly mu: Float64Array;
  readonly muStar: Float64Array;
  readonly sigma: Float64Array;
  /** Half-width of mu*'s interval, SALib's mu_star_conf. */
  readonly muStarConf: Float64Array;
}

/** Elementary effects, factor-major: ee[f · trajectories + t]. */
export function elementaryEffects(problem: Problem, X: ArrayLike<number>, outputs: ArrayLike<number>, levels: number): { trajectories: number; ee: Float64Array } {
  const factors = factorsOf(problem);
  const inputs = problem.names.length;
  const k = factors.names.length;
  const size = k + 1;
  if (outputs.length === 0 || outputs.length % size !== 0) {
    throw new InputError(`${outputs.length} outputs do not make whole Morris trajectories of ${size} rows (${k} factors)`);
  }
  if (X.length !== outputs.length * inputs) throw new InputError(`the design has ${X.length / inputs} rows of ${inputs} inputs but there are ${outputs.length} outputs (allowed: one output per design row)`);
  const trajectories = outputs.length / size;
  const delta = morrisDelta(levels);
  const ee = new Float64Array(k * trajectories).fill(NaN);
  for (let t = 0; t < trajectories; t++) {
    for (let s = 1; s < size; s++) {
      const row = t * size + s;
      let moved = -1;
      let sign = 0;
      for (let j = 0; j < inputs; j++) {
        const change = X[row * inputs + j] - X[(row - 1) * inputs + j];
        if (change === 0) continue;
        const f = factors.ofInput[j];
        if (moved >= 0 && f !== moved) throw new InputError(`design row ${row} moves inputs of two factors (${factors.names[moved]}, ${factors.names[f]}) at once: not a Morris trajectory of this problem`);
        if (moved < 0) sign = change > 0 ? 1 : -1;
        moved = f;
      }
      if (moved < 0) throw new InputError(`design row ${row} moves no input: not a Morris trajectory (rows must come in blocks of ${size}, one factor moving per row)`);
      if (!Number.isNaN(ee[moved * trajectories + t])) throw new InputError(`trajectory ${t} moves factor '${factors.names[moved]}' twice: not a Morris trajectory`);
      const y1 = outputs[row];
      const y0 = outputs[row - 1];
      if (!Number.isFinite(y0) || !Number.isFinite(y1)) throw new InputError(`output row ${Number.isFinite(y0) ? row : row - 1} is not a finite number (Morris needs every row of the design)`);
      ee[moved * trajectories + t] = (sign * (y1 - y0)) / delta;
    }
  }
  return { trajectories, ee };
}

export function analyzeMorris(problem: Problem, X: ArrayLike<number>, outputs: ArrayLike<number>, options: MorrisAnalysisOptions): MorrisIndices {
  const levels = options.levels ?? 4;
  checkLevels(levels);
  const resamples = options.resamples ?? 1000;
  if (!Number.isInteger(resamples) || resamples < 2) throw new InputError(`invalid number of resamples: ${resamples} (allowed: an integer >= 2)`);
  const z = normalQuantile(0.5 + (options.confidence ?? 0.95) / 2);
  const factors = factorsOf(problem);
  const k = factors.names.length;
  const { trajectories: r, ee } = elementaryEffects(problem, X, outputs, levels);
  const mu = new Float64Array(k);
  const muStar = new Float64Array(k);
  const sigma = new Float64Array(k);
  const muStarConf = new Float64Array(k);
  const stream = new RandomStream(options.seed, 'morris:bootstrap');
  for (let f = 0; f < k; f++) {
    const effects = ee.subarray(f * r, (f + 1) * r);
    let sum = 0;
    let absolute = 0;
    for (const e of effects) {
      sum += e;
      absolute += Math.abs(e);
    }
    const m = sum / r;
    let squares = 0;
    for (const e of effects) squares += (e - m) ** 2;
    const single = factors.members[f].length === 1;
    mu[f] = single ? m : NaN;
    sigma[f] = single && r > 1 ? Math.sqrt(squares / (r - 1)) : NaN;
    muStar[f] = absolute / r;
    // Bootstrap of mu*: Welford over resampled means of |EE|.
    let mean = 0;
    let m2 = 0;
    for (let b = 1; b <= resamples; b++) {
      let s = 0;
      for (let t = 0; t < r; t++) s += Math.abs(effects[stream.int(r)]);
      const value = s / r;
      const delta = value - mean;
      mean += delta / b;
      m2 += delta * (value - mean);
    }
    muStarConf[f] = z * Math.sqrt(m2 / (resamples - 1));
  }
  return { factors: factors.names, trajectories: r, mu, muStar, sigma, muStarConf };
}
