/**
 * Saltelli's scheme on a scrambled Sobol' sequence, as SALib's `sample.sobol.sample`: N base
 * points of a 2D-dimensional sequence (D inputs) give matrices A (first D columns) and B (last D);
 * for each base point the rows are A, AB_1 … AB_k, [BA_1 … BA_k,] B, where AB_f is A with factor
 * f's inputs taken from B (BA_f the reverse) and k is the number of factors (groups, when given).
 * N·(2k+2) rows with second order, N·(k+2) without. N must be a power of 2.
 */
import { InputError } from '../../engine/errors.js';
import { quantile } from './distributions.js';
import { MAX_SOBOL_DIMENSIONS } from './joe-kuo.js';
import { factorsOf, type Problem } from './problem.js';
import { SobolSequence } from './sobol-sequence.js';

export interface SobolSampleOptions {
  /** Rows for second-order indices too (default true, as SALib). */
  secondOrder?: boolean;
  /** Scrambling seed (engine/rng.ts stream `sobol:scramble`). */
  seed: number;
}

/** A design: rows × inputs, row-major, in the unit cube and scaled to each input's distribution. */
export interface Design {
  readonly rows: number;
  readonly inputs: number;
  /** Unit-cube coordinates in (0, 1), row i input j at i·inputs + j. */
  readonly unit: Float64Array;
  /** The same points through each input's quantile function. */
  readonly values: Float64Array;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** Rows of a Saltelli design with N base samples and k factors. */
export function saltelliRows(baseSamples: number, factors: number, secondOrder: boolean): number {
  return baseSamples * (secondOrder ? 2 * factors + 2 : factors + 2);
}

export function sampleSobol(problem: Problem, baseSamples: number, options: SobolSampleOptions): Design {
  const secondOrder = options.secondOrder ?? true;
  const inputs = problem.names.length;
  const rows = saltelliRows(baseSamples, factorsOf(problem).names.length, secondOrder);
  const unit = new Float64Array(rows * inputs);
  let at = 0;
  for (const chunk of sobolDesignChunks(problem, baseSamples, options, baseSamples)) {
    unit.set(chunk, at);
    at += chunk.length;
  }
  return { rows, inputs, unit, values: scaleDesign(problem, unit) };
}

/**
 * The same design's unit-cube rows, `perChunk` base samples (N·(2k+2) or N·(k+2) rows) at a time:
 * `defsim sample` writes millions of rows this way without holding the design.
 */
export function* sobolDesignChunks(problem: Problem, baseSamples: number, options: SobolSampleOptions, perChunk = 4096): Generator<Float64Array> {
  if (!isPowerOfTwo(baseSamples) || baseSamples < 2) throw new InputError(`invalid number of base samples: ${baseSamples} (allowed: a power of 2, at least 2, e.g. 256, 512, 1024)`);
  const secondOrder = options.secondOrder ?? true;
  const inputs = problem.names.length;
  if (2 * inputs > MAX_SOBOL_DIMENSIONS) throw new InputError(`a Sobol design here has at most ${Math.floor(MAX_SOBOL_DIMENSIONS / 2)} inputs (got ${inputs})`);
  const factors = factorsOf(problem);
  const k = factors.names.length;
  const sequence = new SobolSequence(2 * inputs, { seed: options.seed });
  const rowsPerSample = saltelliRows(1, k, secondOrder);
  for (let first = 0; first < baseSamples; first += perChunk) {
    const count = Math.min(perChunk, baseSamples - first);
    const base = sequence.next(count);
    const unit = new Float64Array(count * rowsPerSample * inputs);
    let row = 0;
    const put = (i: number, fromB: (input: number) => boolean) => {
      const offset = i * 2 * inputs;
      for (let j = 0; j < inputs; j++) unit[row * inputs + j] = base[offset + j + (fromB(j) ? inputs : 0)];
      row++;
    };
    for (let i = 0; i < count; i++) {
      put(i, () => false); // A
      for (let f = 0; f < k; f++) put(i, (j) => factors.ofInput[j] === f); // AB_f
      if (secondOrder) for (let f = 0; f < k; f++) put(i, (j) => factors.ofInput[j] !== f); // BA_f
      put(i, () => true); // B
    }
    yield unit;
  }
}

/** Each column of a unit design through its input's quantile function. */
export function scaleDesign(problem: Problem, unit: Float64Array): Float64Array {
  const inputs = problem.names.length;
  const values = new Float64Array(unit.length);
  for (let i = 0; i < unit.length; i++) values[i] = quantile(problem.dists[i % inputs], unit[i]);
  return values;
}
