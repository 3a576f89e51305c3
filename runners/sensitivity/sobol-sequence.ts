/**
 * A scrambled Sobol' low-discrepancy sequence in base 2 with Joe–Kuo direction numbers
 * (joe-kuo.ts), 32 bits per coordinate, in Gray-code order. Scrambling is Matoušek's linear matrix
 * scramble (a random lower-triangular binary matrix with unit diagonal per dimension) followed
 * by a random digital shift, the same family scipy's `qmc.Sobol(scramble=True)` uses; the random
 * bits come from engine/rng.ts (stream `sobol:scramble`), so a seed always gives the same points.
 * Both operations keep the net property: the first 2^m points of every dimension fall one in
 * each interval [j/2^m, (j+1)/2^m).
 */
import { RandomStream } from '../../engine/rng.js';
import { DIRECTION_ROWS, MAX_SOBOL_DIMENSIONS } from './joe-kuo.js';

const BITS = 32;
const TWO_POW_MINUS_32 = 2 ** -32;

export interface SobolOptions {
  /** Scramble with this seed; without one the plain (unscrambled) sequence is returned. */
  seed?: number;
}

/** Direction numbers v_1 … v_32 of one dimension (0-based), scaled by 2^32. */
export function directionNumbers(dimension: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dimension === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const { degree: s, coefficients: a, initial: m } = DIRECTION_ROWS[dimension - 1];
  for (let k = 0; k < BITS; k++) {
    if (k < s) {
      v[k] = (m[k] * 2 ** (BITS - 1 - k)) >>> 0;
      continue;
    }
    let value = v[k - s] ^ (v[k - s] >>> s);
    for (let i = 1; i < s; i++) if ((a >>> (s - 1 - i)) & 1) value ^= v[k - i];
    v[k] = value >>> 0;
  }
  return v;
}

/** Parity of the set bits of a 32-bit integer. */
function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  return (0x6996 >>> (x & 0xf)) & 1;
}

/** Apply a lower-triangular binary matrix (row masks, row 0 = most significant digit) to a 32-bit digit vector. */
function applyMatrix(rows: Uint32Array, x: number): number {
  let out = 0;
  for (let r = 0; r < BITS; r++) if (parity(rows[r] & x)) out |= 1 << (BITS - 1 - r);
  return out >>> 0;
}

/**
 * The first `n` points of the `dimensions`-dimensional sequence, row-major (point i, dimension j
 * at i·dimensions + j). Coordinates are (x + ½)·2^−32 for the 32-bit digit vector x: the centre of
 * the point's finest cell, so never exactly 0 or 1 (unbounded quantile functions stay finite).
 */
export function sobolPoints(n: number, dimensions: number, options: SobolOptions = {}): Float64Array {
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 30) throw new RangeError(`a Sobol' sequence here has 1 to 2^30 points (asked for ${n})`);
  return new SobolSequence(dimensions, options).next(n);
}

/** The sequence a few points at a time (a design of millions of rows is written without holding it: `defsim sample`). */
export class SobolSequence {
  private readonly directions: Uint32Array[];
  private readonly x: Uint32Array;
  /** Points given so far. */
  private i = 0;

  constructor(readonly dimensions: number, options: SobolOptions = {}) {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_SOBOL_DIMENSIONS) {
      throw new RangeError(`a Sobol' sequence here has 1 to ${MAX_SOBOL_DIMENSIONS} dimensions (asked for ${dimensions})`);
    }
    this.directions = Array.from({ length: dimensions }, (_, j) => directionNumbers(j));
    const shift = new Uint32Array(dimensions);
    if (options.seed !== undefined) {
      const stream = new RandomStream(options.seed, 'sobol:scramble');
      const rows = new Uint32Array(BITS);
      for (let j = 0; j < dimensions; j++) {
        for (let r = 0; r < BITS; r++) {
          const above = r === 0 ? 0 : (stream.nextUint32() & ~(2 ** (BITS - r) - 1)) >>> 0; // random digits s < r
          rows[r] = (above | (1 << (BITS - 1 - r))) >>> 0; // unit diagonal
        }
        for (let k = 0; k < BITS; k++) this.directions[j][k] = applyMatrix(rows, this.directions[j][k]);
        shift[j] = stream.nextUint32();
      }
    }
    this.x = shift;
  }

  /** The next `n` points, row-major (n × dimensions). */
  next(n: number): Float64Array {
    const { dimensions, directions, x } = this;
    if (this.i + n > 2 ** 30) throw new RangeError(`a Sobol' sequence here has at most 2^30 points`);
    const out = new Float64Array(n * dimensions);
    for (let p = 0; p < n; p++, this.i++) {
      const i = this.i;
      if (i > 0) {
        const c = 31 - Math.clz32(i & -i); // index of the lowest set bit of i: Gray-code order
        for (let j = 0; j < dimensions; j++) x[j] ^= directions[j][c];
      }
      for (let j = 0; j < dimensions; j++) out[p * dimensions + j] = (x[j] + 0.5) * TWO_POW_MINUS_32;
    }
    return out;
  }
}
