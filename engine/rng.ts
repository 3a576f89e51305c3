/**
 * Seeded, splittable random numbers. A stream is a xoshiro128** generator whose state is derived
 * from (seed, stream id) by a fixed hash, so every purpose in a run (population, decisions,
 * sanctions…) draws from its own stream and a run replays bit for bit. No Math.random anywhere.
 */

/** splitmix32-style finaliser: a fixed 32-bit mixing hash. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

/** Hash any list of integers (each taken modulo 2^32, doubles split in two words) into 32 bits. */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    const lo = v >>> 0;
    const hi = Math.floor(v / 4294967296) >>> 0;
    h = mix32(h ^ lo) + 0x6a09e667;
    h = mix32(h ^ hi) + 0xbb67ae85;
  }
  return mix32(h);
}

/** Hash a string (e.g. a stream name) to 32 bits (FNV-1a then mixed). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h >>> 0);
}

export const INV_2_32 = 1 / 4294967296;

export class RandomStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number, streamId: number | string) {
    const id = typeof streamId === 'string' ? hashString(streamId) : streamId >>> 0;
    let h = hashInts(seed, id);
    const next = () => (h = mix32(h + 0x9e3779b9));
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1; // never all zero
  }

  /** The generator state, for hot loops that inline the step (see `xoshiroStep`); write it back with `restore`. */
  save(out: Int32Array): void {
    out[0] = this.s0; out[1] = this.s1; out[2] = this.s2; out[3] = this.s3;
  }
  restore(state: Int32Array): void {
    this.s0 = state[0]; this.s1 = state[1]; this.s2 = state[2]; this.s3 = state[3];
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 = s2 ^ s0;
    this.s3 = s3 ^ s1;
    this.s1 = s1 ^ this.s2;
    this.s0 = s0 ^ this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution (enough for per-agent probabilities). */
  uniform(): number {
    return this.nextUint32() * INV_2_32;
  }

  /** Uniform in (0, 1): safe under log. */
  uniformOpen(): number {
    return (this.nextUint32() + 0.5) * INV_2_32;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Marsaglia polar method, both variates not cached: simple and replayable). */
  normal(): number {
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
    }
  }

  /** Exponential with rate 1. */
  exponential(): number {
    return -Math.log(this.uniformOpen());
  }

  /** Fisher–Yates shuffle of the first n entries of an index array, in place. */
  shuffle(values: Int32Array | Uint32Array, n = values.length): void {
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
  }
}

/**
 * One xoshiro128** step on a state saved with `save` (s0…s3 in an Int32Array): the uint32 that
 * `nextUint32` would return, and the state advanced the same way. For hot loops, where a plain
 * function on a typed array is cheaper than the method; `restore` hands the state back.
 * `Math.floor(xoshiroStep(state) * INV_2_32 * n)` is `int(n)`.
 */
export function xoshiroStep(state: Int32Array): number {
  const s0 = state[0], s1 = state[1];
  const s2 = state[2] ^ s0;
  const s3 = state[3] ^ s1;
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  state[0] = s0 ^ s3;
  state[1] = s1 ^ s2;
  state[2] = s2 ^ (s1 << 9);
  state[3] = rotl(s3, 11);
  return result;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
