/**
 * Engine unit tests: the seeded random streams, the inverse-CDF tables used to build populations,
 * and the parameter schema's validation (every bad value named with its key path, the value given
 * and what is allowed).
 */
import { describe, expect, it } from 'vitest';
import { PARAMETER_SCHEMA, defaultParameters } from '../agents/defection/params.js';
import { betaTable, drawFromTable, normalTable } from '../engine/distributions.js';
import { InputError } from '../engine/errors.js';
import { RandomStream } from '../engine/rng.js';
import { applyOverrides, checkValue, flattenSchema, parseAssignment } from '../engine/schema.js';

function draws(stream: RandomStream, n: number, draw: (s: RandomStream) => number = (s) => s.uniform()): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = draw(stream);
  return out;
}

function moments(xs: Float64Array): { mean: number; variance: number; skew: number; kurtosis: number } {
  let m = 0;
  for (const x of xs) m += x;
  m /= xs.length;
  let m2 = 0, m3 = 0, m4 = 0;
  for (const x of xs) {
    const d = x - m;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= xs.length;
  m3 /= xs.length;
  m4 /= xs.length;
  return { mean: m, variance: m2, skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

function correlation(a: Float64Array, b: Float64Array): number {
  const ma = moments(a).mean, mb = moments(b).mean;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** The table's quantile at probability p (the same interpolation drawFromTable uses). */
function tableQuantile(table: Float64Array, p: number): number {
  const x = p * (table.length - 1);
  const k = Math.min(table.length - 2, Math.floor(x));
  return table[k] + (x - k) * (table[k + 1] - table[k]);
}

describe('RandomStream', () => {
  it('replays the same sequence for the same (seed, stream)', () => {
    const a = draws(new RandomStream(42, 'decisions'), 10000, (s) => s.nextUint32());
    const b = draws(new RandomStream(42, 'decisions'), 10000, (s) => s.nextUint32());
    expect(Array.from(a)).toEqual(Array.from(b));
    const n1 = draws(new RandomStream(42, 7), 1000, (s) => s.normal());
    const n2 = draws(new RandomStream(42, 7), 1000, (s) => s.normal());
    expect(Array.from(n1)).toEqual(Array.from(n2));
  });

  it('gives different, uncorrelated sequences for different streams and different seeds', () => {
    const n = 100000;
    const base = draws(new RandomStream(1, 'decisions'), n);
    const otherStream = draws(new RandomStream(1, 'resolve'), n);
    const otherSeed = draws(new RandomStream(2, 'decisions'), n);
    const numericStream = draws(new RandomStream(1, 1), n);
    for (const other of [otherStream, otherSeed, numericStream]) {
      let same = 0;
      for (let i = 0; i < n; i++) if (other[i] === base[i]) same++;
      expect(same).toBeLessThan(5);
      // |r| of independent uniforms has sd 1/sqrt(n) ≈ 0.003.
      expect(Math.abs(correlation(base, other))).toBeLessThan(0.015);
    }
    // Seeds that differ only above 2^32 still give different streams (doubles are hashed in two words).
    const high = draws(new RandomStream(2 ** 32 + 1, 'decisions'), 100);
    expect(Array.from(high)).not.toEqual(Array.from(base.subarray(0, 100)));
  });

  it('has no lag-1 serial correlation', () => {
    const xs = draws(new RandomStream(3, 'serial'), 100001);
    expect(Math.abs(correlation(xs.subarray(0, 100000), xs.subarray(1)))).toBeLessThan(0.015);
  });

  it('draws uniforms in [0,1) with mean 1/2, variance 1/12 and a flat histogram', () => {
    const n = 200000;
    const xs = draws(new RandomStream(5, 'uniform'), n);
    expect(xs.filter((x) => !(x >= 0 && x < 1)).length).toBe(0);
    const m = moments(xs);
    expect(m.mean).toBeCloseTo(0.5, 2);
    expect(m.variance).toBeCloseTo(1 / 12, 3);
    const bins = new Array(20).fill(0);
    for (const x of xs) bins[Math.floor(x * 20)]++;
    const expected = n / 20;
    const chi2 = bins.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.8); // chi-square, 19 df, p = 0.001
  });

  it('draws open uniforms in (0,1), integers in [0,n) evenly, and exponentials with mean 1', () => {
    const s = new RandomStream(6, 'misc');
    const counts = new Array(7).fill(0);
    let bad = 0;
    for (let i = 0; i < 70000; i++) {
      const u = s.uniformOpen();
      if (!(u > 0 && u < 1)) bad++;
      const k = s.int(7);
      if (!(Number.isInteger(k) && k >= 0 && k < 7)) bad++;
      else counts[k]++;
    }
    expect(bad).toBe(0);
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(500);
    const e = moments(draws(s, 100000, (r) => r.exponential()));
    expect(e.mean).toBeCloseTo(1, 1);
    expect(e.variance).toBeCloseTo(1, 1);
  });

  it('draws standard normals with the right first four moments', () => {
    const m = moments(draws(new RandomStream(7, 'normal'), 200000, (s) => s.normal()));
    expect(Math.abs(m.mean)).toBeLessThan(0.01);
    expect(Math.abs(m.variance - 1)).toBeLessThan(0.015);
    expect(Math.abs(m.skew)).toBeLessThan(0.03);
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(0.06);
  });

  it('shuffles into a permutation, reproducibly, moving every position', () => {
    const n = 1000;
    const a = Int32Array.from({ length: n }, (_, i) => i);
    const b = Int32Array.from({ length: n }, (_, i) => i);
    new RandomStream(8, 'shuffle').shuffle(a);
    new RandomStream(8, 'shuffle').shuffle(b);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
    let fixed = 0;
    for (let i = 0; i < n; i++) if (a[i] === i) fixed++;
    expect(fixed).toBeLessThan(8); // a random permutation has ~1 fixed point
    // Shuffling only a prefix leaves the rest alone.
    const c = Int32Array.from({ length: 10 }, (_, i) => i);
    new RandomStream(9, 'shuffle').shuffle(c, 4);
    expect(Array.from(c.subarray(4))).toEqual([4, 5, 6, 7, 8, 9]);
    expect([...c.subarray(0, 4)].sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('distribution tables', () => {
  it('Beta tables have the known quantiles', () => {
    // Beta(1,1) is uniform; Beta(a,1) has quantile q^(1/a); Beta(1,b) has 1-(1-q)^(1/b).
    for (const q of [0.05, 0.25, 0.5, 0.75, 0.95]) {
      expect(tableQuantile(betaTable(1, 1), q)).toBeCloseTo(q, 3);
      expect(tableQuantile(betaTable(3, 1), q)).toBeCloseTo(q ** (1 / 3), 3);
      expect(tableQuantile(betaTable(1, 3), q)).toBeCloseTo(1 - (1 - q) ** (1 / 3), 3);
      // Beta(1/2,1/2) is the arcsine law: quantile sin^2(pi q / 2).
      expect(Math.abs(tableQuantile(betaTable(0.5, 0.5), q) - Math.sin((Math.PI * q) / 2) ** 2)).toBeLessThan(0.003);
    }
    // Symmetric Betas have median 1/2; Beta(2,2) has CDF 3x^2 - 2x^3 (0.25 at x = 0.326352).
    expect(tableQuantile(betaTable(2, 2), 0.5)).toBeCloseTo(0.5, 4);
    expect(tableQuantile(betaTable(2, 2), 0.25)).toBeCloseTo(0.326352, 3);
    expect(tableQuantile(betaTable(7, 7), 0.5)).toBeCloseTo(0.5, 4);
  });

  it('draws from Beta tables match the Beta means and variances', () => {
    // J- and U-shaped Betas (a parameter below 1: an infinite density at an edge) included.
    for (const [a, b] of [[2, 2], [5, 2], [9, 2], [2.5, 2], [8, 2], [2, 5], [0.3, 2], [2, 0.3], [0.1, 0.1]]) {
      const table = betaTable(a, b);
      const xs = draws(new RandomStream(11, `beta${a},${b}`), 100000, (s) => drawFromTable(table, s));
      const m = moments(xs);
      const mean = a / (a + b);
      const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
      expect(Math.abs(m.mean - mean), `Beta(${a}, ${b}) mean`).toBeLessThan(0.003);
      expect(Math.abs(m.variance / variance - 1), `Beta(${a}, ${b}) variance`).toBeLessThan(0.03);
      expect(xs.filter((x) => !(x >= 0 && x <= 1)).length).toBe(0);
    }
  });

  it('the normal table has the standard normal quantiles and moments', () => {
    const table = normalTable();
    expect(tableQuantile(table, 0.5)).toBeCloseTo(0, 6);
    expect(tableQuantile(table, 0.975)).toBeCloseTo(1.959964, 2);
    expect(tableQuantile(table, 0.025)).toBeCloseTo(-1.959964, 2);
    expect(tableQuantile(table, 0.8413447)).toBeCloseTo(1, 2);
    const m = moments(draws(new RandomStream(12, 'normal-table'), 200000, (s) => drawFromTable(table, s)));
    expect(Math.abs(m.mean)).toBeLessThan(0.01);
    expect(Math.abs(m.variance - 1)).toBeLessThan(0.02);
    expect(Math.abs(m.skew)).toBeLessThan(0.03);
  });
});

describe('parameter schema', () => {
  const base = defaultParameters();
  const apply = (entries: Array<[string, unknown]> | Record<string, unknown>) =>
    applyOverrides(PARAMETER_SCHEMA, base, Array.isArray(entries) ? new Map(entries) : entries);

  /** The InputError thrown by `fn`. */
  function errorOf(fn: () => unknown): InputError {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).exitCode).toBe(2);
      return error as InputError;
    }
    throw new Error('expected an InputError, but nothing was thrown');
  }

  it('every default is valid against its own spec', () => {
    const specs = flattenSchema(PARAMETER_SCHEMA);
    expect(specs.size).toBeGreaterThan(100);
    for (const [path, spec] of specs) expect(checkValue(path, spec, spec.default)).toBe(spec.default);
  });

  it('applies valid overrides (strings parsed as from --set) without changing the base', () => {
    const before = JSON.stringify(base);
    const p = apply([
      ['sponsors.budgetUsd', '25e6'],
      ['sponsors.monthlyFundingUsd', '1_000'],
      ['sanctions.offRamp', 'true'],
      ['sanctions.offRampCredibility', 1],
      ['sanctions.trancheSize', '40'],
    ]);
    expect(p.sponsors.budgetUsd).toBe(25e6);
    expect(p.sponsors.monthlyFundingUsd).toBe(1000);
    expect(p.sanctions.offRamp).toBe(true);
    expect(p.sanctions.offRampCredibility).toBe(1);
    expect(p.sanctions.trancheSize).toBe(40);
    expect(JSON.stringify(base)).toBe(before);
    // Nested objects (as read from YAML/JSON) work the same way.
    const nested = apply({ sponsors: { payout: { soldierUsd: 3000 } }, 'sanctions.periodTicks': 6 });
    expect(nested.sponsors.payout.soldierUsd).toBe(3000);
    expect(nested.sanctions.periodTicks).toBe(6);
  });

  const badCases: Array<{ name: string; key: string; value: unknown; shown: string; allowed: RegExp }> = [
    { name: 'unknown key', key: 'sponsors.budgetUSD', value: 5, shown: '5', allowed: /allowed under 'sponsors': .*budgetUsd/ },
    { name: 'unknown top-level key', key: 'sponsor.budgetUsd', value: 5, shown: '5', allowed: /allowed at the top level: .*sponsors/ },
    { name: 'wrong type (boolean)', key: 'sanctions.offRamp', value: 'maybe', shown: '"maybe"', allowed: /true or false/ },
    { name: 'wrong type (number given a boolean)', key: 'sponsors.budgetUsd', value: true, shown: 'true', allowed: /a finite number >= 0/ },
    { name: 'wrong type (number given text)', key: 'decision.peerWeight', value: 'lots', shown: '"lots"', allowed: /a finite number in \[0, 100\]/ },
    { name: 'NaN', key: 'sponsors.budgetUsd', value: NaN, shown: 'NaN', allowed: /a finite number >= 0/ },
    { name: 'NaN as text', key: 'sponsors.budgetUsd', value: 'NaN', shown: '"NaN"', allowed: /a finite number >= 0/ },
    { name: 'Infinity', key: 'sponsors.budgetUsd', value: Infinity, shown: 'Infinity', allowed: /a finite number >= 0/ },
    { name: 'Infinity as text', key: 'sponsors.budgetUsd', value: 'Infinity', shown: '"Infinity"', allowed: /a finite number >= 0/ },
    { name: 'overflowing number', key: 'sponsors.budgetUsd', value: '1e400', shown: '"1e400"', allowed: /a finite number >= 0/ },
    { name: 'negative money', key: 'sponsors.payout.soldierUsd', value: -100, shown: '-100', allowed: /a finite number >= 0/ },
    { name: 'share above 1', key: 'sanctions.offRampCredibility', value: 1.5, shown: '1.5', allowed: /a finite number in \[0, 1\]/ },
    { name: 'share below 0', key: 'regime.familyRestriction.initialShare', value: -0.1, shown: '-0.1', allowed: /a finite number in \[0, 1\]/ },
    { name: 'non-integer count', key: 'sanctions.trancheSize', value: 2.5, shown: '2.5', allowed: /an integer >= 0/ },
    { name: 'non-integer tick count', key: 'time.ticks', value: '12.5', shown: '"12.5"', allowed: /an integer in \[1, 600\]/ },
    { name: 'scale below 1', key: 'population.scale', value: 0, shown: '0', allowed: /a finite number in \[1, 100000\]/ },
  ];
  for (const c of badCases) {
    it(`rejects ${c.name}, naming the key path, the value and what is allowed`, () => {
      const error = errorOf(() => apply([[c.key, c.value]]));
      expect(error.message).toContain(`'${c.key}'`);
      expect(error.message).toContain(c.shown);
      expect(error.message).toMatch(c.allowed);
      expect(error.message.split('\n')).toHaveLength(1);
    });
  }

  it('rejects __proto__, constructor and prototype keys, dotted or nested', () => {
    const cases: Array<[Map<string, unknown> | Record<string, unknown>, string]> = [
      [new Map([['__proto__.polluted', 1]]), '__proto__.polluted'],
      [new Map([['sponsors.__proto__', 1]]), 'sponsors.__proto__'],
      [new Map([['constructor.prototype.x', 1]]), 'constructor.prototype.x'],
      [JSON.parse('{"__proto__": {"polluted": 1}}') as Record<string, unknown>, '__proto__'],
      [JSON.parse('{"sponsors": {"__proto__": {"budgetUsd": 1}}}') as Record<string, unknown>, 'sponsors.__proto__'],
    ];
    for (const [overrides, path] of cases) {
      const error = errorOf(() => applyOverrides(PARAMETER_SCHEMA, base, overrides));
      expect(error.message).toContain(`'${path}'`);
      expect(error.message).toMatch(/not allowed as a parameter name/);
      expect(error.message).toMatch(/allowed: /);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });

  it('rejects a --set without key=value', () => {
    expect(parseAssignment('sponsors.budgetUsd=25e6')).toEqual(['sponsors.budgetUsd', '25e6']);
    for (const text of ['sponsors.budgetUsd', '=5', '']) {
      const error = errorOf(() => parseAssignment(text));
      expect(error.message).toContain('key=value');
    }
  });
});

describe('reused agent arrays', () => {
  it('an array handed back comes out again zero-filled, for any type of the same byte length', async () => {
    const { takeArray, releaseArrays } = await import('../engine/columns.js');
    const first = takeArray(Float32Array, 1000);
    first.fill(7);
    releaseArrays([first]);
    const again = takeArray(Int32Array, 1000);
    expect(again.buffer).toBe(first.buffer);
    expect(again.every((x) => x === 0)).toBe(true);
    // A different size does not get it.
    releaseArrays([again]);
    expect(takeArray(Int32Array, 999).buffer).not.toBe(first.buffer);
  });
});
