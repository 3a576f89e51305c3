/**
 * The sensitivity estimators (runners/sensitivity/) on functions whose indices are known in closed
 * form: Ishigami (a = 7, b = 0.1) and the Sobol G-function for Sobol indices, with and without
 * groups; Ishigami's elementary effects for Morris; plus the pieces underneath (normal quantile,
 * the Sobol sequence, SALib's problem format). Fixed seeds throughout, no retries.
 */
import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, quantile } from '../runners/sensitivity/distributions.js';
import { sobolPoints, directionNumbers } from '../runners/sensitivity/sobol-sequence.js';
import { factorsOf, parseSalibProblem, toSalibProblem, type Problem } from '../runners/sensitivity/problem.js';
import { sampleSobol, saltelliRows } from '../runners/sensitivity/sobol-sample.js';
import { analyzeSobol } from '../runners/sensitivity/sobol-analysis.js';
import { sampleMorris, morrisDelta } from '../runners/sensitivity/morris-sample.js';
import { analyzeMorris, elementaryEffects } from '../runners/sensitivity/morris-analysis.js';
import { convergenceSteps, morrisConvergence, sobolConvergence, sobolRows } from '../runners/sensitivity/convergence.js';

const PI = Math.PI;
const ishigamiProblem: Problem = parseSalibProblem({ num_vars: 3, names: ['x1', 'x2', 'x3'], bounds: [[-PI, PI], [-PI, PI], [-PI, PI]] });

function ishigami(values: Float64Array, inputs = 3): Float64Array {
  const y = new Float64Array(values.length / inputs);
  for (let i = 0; i < y.length; i++) {
    const [x1, x2, x3] = [values[i * inputs], values[i * inputs + 1], values[i * inputs + 2]];
    y[i] = Math.sin(x1) + 7 * Math.sin(x2) ** 2 + 0.1 * x3 ** 4 * Math.sin(x1);
  }
  return y;
}

/** Ishigami's analytic variance decomposition (a = 7, b = 0.1). */
const a = 7;
const b = 0.1;
const V1 = 0.5 * (1 + (b * PI ** 4) / 5) ** 2;
const V2 = a ** 2 / 8;
const V13 = b ** 2 * PI ** 8 * (1 / 18 - 1 / 50);
const V = V1 + V2 + V13;
const ISHIGAMI = { S1: [V1 / V, V2 / V, 0], ST: [(V1 + V13) / V, V2 / V, V13 / V] };

describe('distributions', () => {
  it('normalCdf and normalQuantile agree with known values and invert each other', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 14);
    expect(normalCdf(-5) / 2.866515718791939e-7).toBeCloseTo(1, 10);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
    for (const p of [1e-12, 1e-6, 0.01, 0.2, 0.5, 0.7, 0.99, 1 - 1e-9]) expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 9);
  });
  it('quantile functions follow SALib conventions', () => {
    expect(quantile({ kind: 'unif', low: 2, high: 6 }, 0.25)).toBe(3);
    expect(quantile({ kind: 'logunif', low: 1, high: 100 }, 0.5)).toBeCloseTo(10, 12);
    expect(quantile({ kind: 'norm', mean: 3, sd: 2 }, 0.975)).toBeCloseTo(3 + 2 * 1.959963984540054, 10);
    expect(quantile({ kind: 'lognorm', mean: 0, sd: 1 }, 0.5)).toBeCloseTo(1, 12);
    // Truncated normal on [0, 1] with mean 0: the median is Φ⁻¹((½ + Φ(1)) / 2).
    expect(quantile({ kind: 'truncnorm', low: 0, high: 1, mean: 0, sd: 1 }, 0.5)).toBeCloseTo(normalQuantile((0.5 + normalCdf(1)) / 2), 12);
    // ... and far in the upper tail it stays inside its bounds, increasing.
    const tail = [0.01, 0.5, 0.99].map((u) => quantile({ kind: 'truncnorm', low: 8, high: 9, mean: 0, sd: 1 }, u));
    expect(tail[0]).toBeGreaterThanOrEqual(8);
    expect(tail[2]).toBeLessThanOrEqual(9);
    expect(tail[0] < tail[1] && tail[1] < tail[2]).toBe(true);
    expect(quantile({ kind: 'triang', low: 0, high: 2, peak: 0.5 }, 0.5)).toBeCloseTo(1, 12);
  });
});

describe('Sobol sequence', () => {
  it('the unscrambled sequence starts with the published points', () => {
    const points = sobolPoints(8, 3);
    const expected = [[0, 0, 0], [0.5, 0.5, 0.5], [0.75, 0.25, 0.25], [0.25, 0.75, 0.75], [0.375, 0.375, 0.625], [0.875, 0.875, 0.125], [0.625, 0.125, 0.875], [0.125, 0.625, 0.375]];
    const half = 0.5 * 2 ** -32;
    expected.forEach((p, i) => p.forEach((x, j) => expect(points[i * 3 + j] - half).toBe(x)));
  });
  it('scrambled or not, the first 2^m points of every dimension fill each interval of width 2^-m once', () => {
    for (const seed of [undefined, 11]) {
      const n = 256;
      const dims = 161;
      const points = sobolPoints(n, dims, { seed });
      for (let j = 0; j < dims; j++) {
        const cells = new Uint8Array(n);
        for (let i = 0; i < n; i++) cells[Math.floor(points[i * dims + j] * n)]++;
        expect(cells.every((c) => c === 1), `dimension ${j}, seed ${seed}`).toBe(true);
      }
    }
  });
  it('scrambling depends on the seed and is reproducible', () => {
    expect(sobolPoints(16, 4, { seed: 5 })).toEqual(sobolPoints(16, 4, { seed: 5 }));
    expect(sobolPoints(16, 4, { seed: 5 })).not.toEqual(sobolPoints(16, 4, { seed: 6 }));
  });
  it('direction numbers of dimension 2 (s = 1, a = 0, m = 1) are 2^31, 3·2^30, 5·2^29, 15·2^28 …', () => {
    const v = directionNumbers(1);
    expect([v[0], v[1], v[2], v[3]]).toEqual([2 ** 31, 3 * 2 ** 30, 5 * 2 ** 29, 15 * 2 ** 28]);
  });
});

describe("SALib's problem definition", () => {
  it('reads names, bounds, groups and dists, and writes them back', () => {
    const problem = parseSalibProblem({
      num_vars: 4, names: ['a', 'b', 'c', 'd'],
      bounds: [[0, 1], [1, 100], [5, 2], [0, 1, 0.5, 0.2]],
      groups: ['g1', 'g1', 'g2', 'g2'], dists: ['unif', 'logunif', 'norm', 'truncnorm'],
    });
    expect(factorsOf(problem).names).toEqual(['g1', 'g2']);
    expect(problem.dists[2]).toEqual({ kind: 'norm', mean: 5, sd: 2 });
    expect(toSalibProblem(problem)).toEqual({
      num_vars: 4, names: ['a', 'b', 'c', 'd'], bounds: [[0, 1], [1, 100], [5, 2], [0, 1, 0.5, 0.2]],
      groups: ['g1', 'g1', 'g2', 'g2'], dists: ['unif', 'logunif', 'norm', 'truncnorm'],
    });
  });
  it('groups equal to the names mean no groups, as in SALib', () => {
    expect(parseSalibProblem({ num_vars: 2, names: ['a', 'b'], bounds: [[0, 1], [0, 1]], groups: ['a', 'b'] }).groups).toBeUndefined();
  });
  it.each([
    [{ num_vars: 3, names: ['a', 'b'], bounds: [[0, 1], [0, 1]] }, "'problem.num_vars'"],
    [{ names: ['a'], bounds: [[1, 1]] }, 'lower < upper'],
    [{ names: ['a'], bounds: [[0, -1]], dists: ['norm'] }, 'sd > 0'],
    [{ names: ['a'], bounds: [[0, 1]], dists: ['gamma'] }, 'one of unif'],
    [{ names: ['a', 'b'], bounds: [[0, 1], [0, 1]], groups: ['g', 'g'] }, 'at least two different groups'],
    [{ names: ['a', 'a'], bounds: [[0, 1], [0, 1]] }, 'not used by another input'],
  ])('refuses a bad problem %#', (raw, message) => {
    expect(() => parseSalibProblem(raw)).toThrow(message);
  });
});

describe('Sobol indices (Saltelli design, SALib estimators)', () => {
  it('has N·(2k+2) rows with second order, N·(k+2) without, in SALib order', () => {
    const d2 = sampleSobol(ishigamiProblem, 8, { seed: 1 });
    expect(d2.rows).toBe(8 * 8);
    const d1 = sampleSobol(ishigamiProblem, 8, { seed: 1, secondOrder: false });
    expect(d1.rows).toBe(8 * 5);
    // Block of base sample 0: A, AB_1, AB_2, AB_3, BA_1, BA_2, BA_3, B.
    const row = (i: number) => Array.from(d2.unit.subarray(i * 3, i * 3 + 3));
    const [A, B] = [row(0), row(7)];
    expect(row(1)).toEqual([B[0], A[1], A[2]]);
    expect(row(3)).toEqual([A[0], A[1], B[2]]);
    expect(row(4)).toEqual([A[0], B[1], B[2]]);
    expect(saltelliRows(256, 8, true)).toBe(4608);
    expect(() => sampleSobol(ishigamiProblem, 1000, { seed: 1 })).toThrow('power of 2');
  });

  it('Ishigami at N = 4096: S1 ≈ 0.314/0.442/0, ST ≈ 0.558/0.442/0.244 within 0.03, intervals covering them', () => {
    expect(ISHIGAMI.S1[0]).toBeCloseTo(0.3139, 3);
    expect(ISHIGAMI.ST[2]).toBeCloseTo(0.2437, 3);
    const design = sampleSobol(ishigamiProblem, 4096, { seed: 2021 });
    const s = analyzeSobol(ishigamiProblem, ishigami(design.values), { seed: 7, resamples: 1000 });
    for (let f = 0; f < 3; f++) {
      expect(Math.abs(s.S1[f] - ISHIGAMI.S1[f])).toBeLessThan(0.03);
      expect(Math.abs(s.ST[f] - ISHIGAMI.ST[f])).toBeLessThan(0.03);
      expect(Math.abs(s.S1[f] - ISHIGAMI.S1[f])).toBeLessThanOrEqual(s.S1Conf[f]);
      expect(Math.abs(s.ST[f] - ISHIGAMI.ST[f])).toBeLessThanOrEqual(s.STConf[f]);
      expect(s.S1Conf[f]).toBeGreaterThan(0);
    }
    // Second order: only x1:x3 interacts, S2 = V13 / V ≈ 0.244.
    const S2 = (i: number, j: number) => s.S2![i * 3 + j];
    expect(Math.abs(S2(0, 2) - V13 / V)).toBeLessThan(0.06);
    expect(Math.abs(S2(0, 1))).toBeLessThan(0.05);
    expect(Math.abs(S2(1, 2))).toBeLessThan(0.05);
    expect(Math.abs(S2(0, 2) - V13 / V)).toBeLessThanOrEqual(s.S2Conf![2]);
  });

  it('the Sobol G-function: indices equal the closed form', () => {
    const coefficients = [0, 1, 4.5, 9, 99, 99, 99, 99];
    const problem = parseSalibProblem({ names: coefficients.map((_, i) => `x${i + 1}`), bounds: coefficients.map(() => [0, 1]) });
    const Vi = coefficients.map((c) => 1 / (3 * (1 + c) ** 2));
    const total = Vi.reduce((p, v) => p * (1 + v), 1) - 1;
    const S1 = Vi.map((v) => v / total);
    const ST = Vi.map((v, i) => (v * Vi.reduce((p, w, j) => (j === i ? p : p * (1 + w)), 1)) / total);
    const design = sampleSobol(problem, 4096, { seed: 3, secondOrder: false });
    const y = new Float64Array(design.rows);
    for (let r = 0; r < design.rows; r++) {
      let g = 1;
      for (let i = 0; i < 8; i++) g *= (Math.abs(4 * design.values[r * 8 + i] - 2) + coefficients[i]) / (1 + coefficients[i]);
      y[r] = g;
    }
    const s = analyzeSobol(problem, y, { seed: 4, secondOrder: false, resamples: 500 });
    expect(s.S2).toBeNull();
    for (let i = 0; i < 8; i++) {
      expect(Math.abs(s.S1[i] - S1[i]), `S1 x${i + 1}`).toBeLessThan(0.03);
      expect(Math.abs(s.ST[i] - ST[i]), `ST x${i + 1}`).toBeLessThan(0.03);
      expect(Math.abs(s.ST[i] - ST[i])).toBeLessThanOrEqual(s.STConf[i] + 1e-3);
    }
  });

  it('groups vary as one factor: Ishigami with x1 and x3 grouped has S1 = ST = (V1 + V13)/V', () => {
    const grouped = parseSalibProblem({ names: ['x1', 'x2', 'x3'], bounds: [[-PI, PI], [-PI, PI], [-PI, PI]], groups: ['x1x3', 'x2', 'x1x3'] });
    const design = sampleSobol(grouped, 4096, { seed: 5 });
    expect(design.rows).toBe(4096 * (2 * 2 + 2));
    // AB_group x1x3 takes x1 and x3 from B together.
    const row = (i: number) => Array.from(design.unit.subarray(i * 3, i * 3 + 3));
    expect(row(1)).toEqual([row(5)[0], row(0)[1], row(5)[2]]);
    const s = analyzeSobol(grouped, ishigami(design.values), { seed: 6 });
    expect(s.factors).toEqual(['x1x3', 'x2']);
    expect(Math.abs(s.S1[0] - (V1 + V13) / V)).toBeLessThan(0.03);
    expect(Math.abs(s.ST[0] - (V1 + V13) / V)).toBeLessThan(0.03);
    expect(Math.abs(s.S1[1] - V2 / V)).toBeLessThan(0.03);
  });

  it('indices do not depend on the output scale; a constant output has none', () => {
    const design = sampleSobol(ishigamiProblem, 64, { seed: 8 });
    const y = ishigami(design.values);
    const scaled = y.map((v) => 1e6 * v + 3);
    const [s, t] = [analyzeSobol(ishigamiProblem, y, { seed: 1, resamples: 50 }), analyzeSobol(ishigamiProblem, scaled, { seed: 1, resamples: 50 })];
    for (let f = 0; f < 3; f++) expect(t.ST[f]).toBeCloseTo(s.ST[f], 9);
    const constant = analyzeSobol(ishigamiProblem, new Float64Array(design.rows).fill(2), { seed: 1, resamples: 50 });
    expect(constant.constant).toBe(true);
    expect(Number.isNaN(constant.S1[0])).toBe(true);
    expect(() => analyzeSobol(ishigamiProblem, y.subarray(0, 30), { seed: 1 })).toThrow('whole Saltelli blocks');
  });

  it('point estimates equal a hand computation of SALib\'s formulas on a tiny design', () => {
    const problem = parseSalibProblem({ names: ['p', 'q'], bounds: [[0, 1], [0, 1]] });
    // Two base samples, blocks of 2k+2 = 6 rows: A, AB1, AB2, BA1, BA2, B.
    const y = Float64Array.from([1, 2, 0, 4, 3, 5, 2, 1, 3, 0, 2, 6]);
    const s = analyzeSobol(problem, y, { seed: 1, resamples: 10 });
    const mean = y.reduce((p, v) => p + v, 0) / 12;
    const sd = Math.sqrt(y.reduce((p, v) => p + (v - mean) ** 2, 0) / 12);
    const z = (v: number) => (v - mean) / sd;
    const A = [z(1), z(2)], B = [z(5), z(6)], AB1 = [z(2), z(1)], AB2 = [z(0), z(3)], BA1 = [z(4), z(0)];
    const all = [...A, ...B];
    const m = all.reduce((p, v) => p + v, 0) / 4;
    const varAB = all.reduce((p, v) => p + (v - m) ** 2, 0) / 4;
    const s1 = (AB: number[]) => ((B[0] * (AB[0] - A[0]) + B[1] * (AB[1] - A[1])) / 2) / varAB;
    const st = (AB: number[]) => (0.5 * ((A[0] - AB[0]) ** 2 + (A[1] - AB[1]) ** 2) / 2) / varAB;
    expect(s.S1[0]).toBeCloseTo(s1(AB1), 12);
    expect(s.S1[1]).toBeCloseTo(s1(AB2), 12);
    expect(s.ST[0]).toBeCloseTo(st(AB1), 12);
    const v12 = ((BA1[0] * AB2[0] - A[0] * B[0] + BA1[1] * AB2[1] - A[1] * B[1]) / 2) / varAB;
    expect(s.S2![1]).toBeCloseTo(v12 - s1(AB1) - s1(AB2), 12);
  });

  it('the same seed gives the same intervals', () => {
    const design = sampleSobol(ishigamiProblem, 128, { seed: 9 });
    const y = ishigami(design.values);
    expect(analyzeSobol(ishigamiProblem, y, { seed: 3, resamples: 100 })).toEqual(analyzeSobol(ishigamiProblem, y, { seed: 3, resamples: 100 }));
    expect(analyzeSobol(ishigamiProblem, y, { seed: 3, resamples: 100 }).S1Conf).not.toEqual(analyzeSobol(ishigamiProblem, y, { seed: 4, resamples: 100 }).S1Conf);
  });
});

describe('Morris', () => {
  const levels = 4;
  const delta = morrisDelta(levels);
  // Closed form for Ishigami at p = 4 (levels −π, −π/3, π/3, π; Δ moves two levels): |EE| of x2 is
  // always 7·0.75/Δ; x1's is sin(π/3)·(1 + 0.1·x3⁴)/Δ and x3's 0.1·(π⁴ − (π/3)⁴)·|sin x1|/Δ,
  // averaged over x3 (x1) uniform on the four levels.
  const s3 = Math.sin(PI / 3);
  const x4 = [PI ** 4, (PI / 3) ** 4];
  const MU_STAR = [(s3 * (1 + 0.1 * (x4[0] + x4[1]) / 2)) / delta, (7 * 0.75) / delta, (0.1 * (x4[0] - x4[1]) * (s3 / 2)) / delta];

  it('trajectories: k+1 rows, one factor moving by Δ per row, values on the grid', () => {
    const design = sampleMorris(ishigamiProblem, 10, { levels, seed: 1 });
    expect(design.rows).toBe(40);
    for (let t = 0; t < 10; t++) {
      for (let s = 1; s <= 3; s++) {
        const moved = [0, 1, 2].filter((j) => design.unit[(t * 4 + s) * 3 + j] !== design.unit[(t * 4 + s - 1) * 3 + j]);
        expect(moved).toHaveLength(1);
        expect(Math.abs(design.unit[(t * 4 + s) * 3 + moved[0]] - design.unit[(t * 4 + s - 1) * 3 + moved[0]])).toBeCloseTo(delta, 12);
      }
    }
    for (const u of design.unit) expect([0, 1 / 3, 2 / 3, 1].some((l) => Math.abs(u - l) < 1e-12)).toBe(true);
  });

  it('Ishigami: mu* equals the closed form and ranks x1, x2 above x3; x3 acts through interaction (mu ≈ 0, large sigma); x1 only raises y', () => {
    expect(MU_STAR[1]).toBeCloseTo(7.875, 10);
    const design = sampleMorris(ishigamiProblem, 400, { levels, seed: 2 });
    const m = analyzeMorris(ishigamiProblem, design.values, ishigami(design.values), { levels, seed: 3 });
    for (let f = 0; f < 3; f++) expect(Math.abs(m.muStar[f] - MU_STAR[f])).toBeLessThanOrEqual(m.muStarConf[f]);
    expect(m.muStar[2]).toBeLessThan(Math.min(m.muStar[0], m.muStar[1]));
    expect(Math.abs(m.mu[2])).toBeLessThan(0.2 * m.sigma[2]);
    expect(m.mu[0]).toBeCloseTo(m.muStar[0], 10);
    // Elementary effects from unit or scaled X are the same.
    const fromUnit = elementaryEffects(ishigamiProblem, design.unit, ishigami(design.values), levels).ee;
    expect(fromUnit).toEqual(elementaryEffects(ishigamiProblem, design.values, ishigami(design.values), levels).ee);
  });

  it('optimised trajectories are spread wider than the candidates on average', () => {
    const plain = sampleMorris(ishigamiProblem, 40, { levels, seed: 4 });
    const optimised = sampleMorris(ishigamiProblem, 8, { levels, seed: 4, candidates: 40 });
    expect(optimised.rows).toBe(32);
    // The kept trajectories are among the candidates (the plain draw of the same seed).
    const key = (u: Float64Array, t: number) => Array.from(u.subarray(t * 12, t * 12 + 12)).join(',');
    const candidates = new Set(Array.from({ length: 40 }, (_, t) => key(plain.unit, t)));
    for (let t = 0; t < 8; t++) expect(candidates.has(key(optimised.unit, t))).toBe(true);
    const spread = (u: Float64Array, count: number) => {
      let s = 0;
      for (let x = 0; x < count; x++) for (let y = x + 1; y < count; y++) {
        for (let p = 0; p < 4; p++) for (let q = 0; q < 4; q++) {
          let d2 = 0;
          for (let j = 0; j < 3; j++) d2 += (u[(x * 4 + p) * 3 + j] - u[(y * 4 + q) * 3 + j]) ** 2;
          s += Math.sqrt(d2);
        }
      }
      return s / ((count * (count - 1)) / 2);
    };
    expect(spread(optimised.unit, 8)).toBeGreaterThan(spread(plain.unit, 40));
  });

  it('groups: one elementary effect per group; mu and sigma undefined for a group of two, as SALib', () => {
    const grouped = parseSalibProblem({ names: ['x1', 'x2', 'x3'], bounds: [[-PI, PI], [-PI, PI], [-PI, PI]], groups: ['x1x3', 'x2', 'x1x3'] });
    const design = sampleMorris(grouped, 20, { levels, seed: 5 });
    expect(design.rows).toBe(60);
    const m = analyzeMorris(grouped, design.values, ishigami(design.values), { levels, seed: 6 });
    expect(m.factors).toEqual(['x1x3', 'x2']);
    expect(Number.isNaN(m.mu[0]) && Number.isNaN(m.sigma[0])).toBe(true);
    expect(m.muStar[1]).toBeCloseTo(7.875, 10); // x2 alone: every |EE| is 7·0.75/Δ
  });

  it('refuses unbounded distributions and odd levels', () => {
    const normal = parseSalibProblem({ names: ['a', 'b'], bounds: [[0, 1], [0, 1]], dists: ['unif', 'norm'] });
    expect(() => sampleMorris(normal, 4, { seed: 1 })).toThrow('unbounded');
    expect(() => sampleMorris(ishigamiProblem, 4, { seed: 1, levels: 5 })).toThrow('even');
  });
});

describe('convergence', () => {
  it('steps are N/8, N/4, N/2 and N; the last step flags wide and moving indices', () => {
    expect(convergenceSteps(1024)).toEqual([128, 256, 512, 1024]);
    const design = sampleSobol(ishigamiProblem, 1024, { seed: 10 });
    const y = ishigami(design.values);
    const rows = sobolConvergence(ishigamiProblem, y, { seed: 1, resamples: 200 }, { maxWidth: 0.1, moveTolerance: 0.05 });
    expect(new Set(rows.map((r) => r.samples))).toEqual(new Set([128, 256, 512, 1024]));
    const final = rows.filter((r) => r.samples === 1024);
    expect(final.map((r) => `${r.parameter} ${r.index}`)).toEqual(sobolRows(analyzeSobol(ishigamiProblem, y, { seed: 1, resamples: 200 })).map((r) => `${r.parameter} ${r.index}`));
    for (const r of final) {
      const previous = rows.find((p) => p.samples === 512 && p.parameter === r.parameter && p.index === r.index)!;
      const expected = [r.high - r.low > 0.1 ? 'wide' : '', Math.abs(r.value - previous.value) > 0.05 ? 'moving' : ''].filter(Boolean).join(';');
      expect(r.flag).toBe(expected);
    }
    expect(rows.filter((r) => r.samples < 1024).every((r) => r.flag === '')).toBe(true);
    // Much looser thresholds flag nothing; much tighter ones flag every index as wide.
    expect(sobolConvergence(ishigamiProblem, y, { seed: 1, resamples: 200 }, { maxWidth: 10, moveTolerance: 10 }).every((r) => r.flag === '')).toBe(true);
    expect(sobolConvergence(ishigamiProblem, y, { seed: 1, resamples: 200 }, { maxWidth: 1e-6, moveTolerance: 10 }).filter((r) => r.samples === 1024).every((r) => r.flag === 'wide')).toBe(true);
  });
  it('Morris convergence steps over trajectories and flags only mu*', () => {
    const design = sampleMorris(ishigamiProblem, 64, { levels: 4, seed: 11 });
    const rows = morrisConvergence(ishigamiProblem, design.unit, ishigami(design.values), { levels: 4, seed: 1, resamples: 100 }, { maxWidth: 1e-6 });
    expect(new Set(rows.map((r) => r.samples))).toEqual(new Set([8, 16, 32, 64]));
    expect(rows.filter((r) => r.flag !== '').every((r) => r.index === 'mu_star' && r.samples === 64)).toBe(true);
    // x2's |EE| is the same at every step (7·0.75/Δ), so its interval has zero width: never wide.
    expect(rows.filter((r) => r.flag.includes('wide')).map((r) => r.parameter)).toEqual(['x1', 'x3']);
  });
});
