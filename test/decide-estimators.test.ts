/**
 * The decision estimators (runners/decide/) on cases whose answers are known: probability best,
 * ranks, regret and threshold shares on small tables computed by hand (ties included); EVPI of two
 * options with a normal net-benefit difference (closed form) and the honesty of its standard
 * error; EVPPI of the only parameter (= EVPI), of a parameter that does not enter (≈ 0), of one of
 * two additive parameters (closed form), of a switch and of groups; PRIM on a known box with label
 * noise; and the numerics underneath. Fixed seeds throughout, nothing retried.
 */
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../engine/rng.js';
import { normalCdf } from '../runners/sensitivity/distributions.js';
import { decide } from '../runners/decide/decide.js';
import { evpi, evppi, prepareEvppi } from '../runners/decide/evppi.js';
import { binomialUpperTail, incompleteBeta, logGamma, unitRanks, weightedQuantile, normalDensity } from '../runners/decide/numeric.js';
import { criterionOutcomes, worldParameters } from '../runners/decide/outcomes.js';
import { comparePolicies } from '../runners/decide/policies.js';
import { prim, resolvePrimSettings } from '../runners/decide/prim.js';

const TABLE = [
  [5, 3, 5], // A and C tie for best
  [1, 4, 2], // B best, C second
  [2, 2, 2], // all three tie
];
const POLICIES = ['A', 'B', 'C'];

describe('policies across worlds (hand-computed)', () => {
  it('probability best, ranks, regret and threshold shares with ties, equal weights', () => {
    const c = comparePolicies(criterionOutcomes(POLICIES, TABLE), { threshold: 3 });
    const [A, B, C] = c.policies;
    expect(A.probabilityBest).toBeCloseTo((0.5 + 0 + 1 / 3) / 3, 14);
    expect(B.probabilityBest).toBeCloseTo((0 + 1 + 1 / 3) / 3, 14);
    expect(C.probabilityBest).toBeCloseTo((0.5 + 0 + 1 / 3) / 3, 14);
    expect(B.probabilityBestSe).toBeCloseTo(Math.sqrt(42) / 27, 14);
    expect(A.rankProbabilities.map((p) => p * 9)).toEqual([2.5, 2.5, 4].map((v) => expect.closeTo(v, 12)));
    expect(B.rankProbabilities.map((p) => p * 9)).toEqual([4, 1, 4].map((v) => expect.closeTo(v, 12)));
    expect(C.rankProbabilities.map((p) => p * 9)).toEqual([2.5, 5.5, 1].map((v) => expect.closeTo(v, 12)));
    expect(A.expectedRank).toBeCloseTo((2.5 + 2 * 2.5 + 3 * 4) / 9, 12);
    expect([A.expectedRegret, B.expectedRegret, C.expectedRegret]).toEqual([1, 2 / 3, 2 / 3].map((v) => expect.closeTo(v, 14)));
    expect([A.p90Regret, B.p90Regret, C.p90Regret]).toEqual([3, 2, 2]);
    expect([A.maxRegret, B.maxRegret, C.maxRegret]).toEqual([3, 2, 2]);
    expect([A.thresholdShare, B.thresholdShare, C.thresholdShare]).toEqual([1 / 3, 2 / 3, 1 / 3].map((v) => expect.closeTo(v, 14)));
    expect([A.expectedEffect, B.expectedEffect, C.expectedEffect]).toEqual([8 / 3, 3, 3].map((v) => expect.closeTo(v, 14)));
    expect(c.expectedBest).toBe(1); // B and C both expect 3: the first of equals
    expect(c.mostLikelyBest).toBe(1);
    expect(Array.from(c.regret)).toEqual([0, 2, 0, 3, 0, 2, 0, 0, 0]);
    expect(Array.from(c.bestShare)).toEqual([0.5, 0, 0.5, 0, 1, 0, 1 / 3, 1 / 3, 1 / 3]);
    // Central 95% across three equally weighted worlds: the smallest and the largest value.
    expect([A.effectLow, A.effectHigh]).toEqual([1, 5]);
    expect(Number.isNaN(A.varianceBetweenWorlds)).toBe(true);
  });

  it('lower is better: the same choice on the negated table, effects keep their sign', () => {
    const negated = TABLE.map((row) => row.map((v) => -v));
    const c = comparePolicies(criterionOutcomes(POLICIES, negated, { higherIsBetter: false }), { threshold: -3 });
    const plain = comparePolicies(criterionOutcomes(POLICIES, TABLE), { threshold: 3 });
    c.policies.forEach((p, d) => {
      expect(p.probabilityBest).toBeCloseTo(plain.policies[d].probabilityBest, 14);
      expect(p.expectedRegret).toBeCloseTo(plain.policies[d].expectedRegret, 14);
      expect(p.thresholdShare).toBeCloseTo(plain.policies[d].thresholdShare, 14);
      expect(p.expectedEffect).toBeCloseTo(-plain.policies[d].expectedEffect, 14);
    });
    expect(c.expectedBest).toBe(1);
  });

  it('importance weights and a tie tolerance', () => {
    const c = comparePolicies(criterionOutcomes(POLICIES, TABLE), { weights: [2, 1, 1] });
    expect(c.policies.map((p) => p.probabilityBest)).toEqual([1 / 3, 1 / 3, 1 / 3].map((v) => expect.closeTo(v, 14)));
    expect(c.policies[0].expectedRegret).toBeCloseTo(0.75, 14);
    expect(c.policies[0].p90Regret).toBe(3);
    expect(c.effectiveSampleSize).toBeCloseTo(1 / (0.25 + 0.0625 + 0.0625), 12);
    // Within 2 of the best ties with it: in world 1, B (4) and C (2) tie; A (1) does not.
    const tolerant = comparePolicies(criterionOutcomes(POLICIES, TABLE), { tieTolerance: 2 });
    expect(Array.from(tolerant.bestShare.subarray(3, 6))).toEqual([0, 0.5, 0.5]);
  });

  it('splits the spread across worlds into parameters and seeds when replicates are given', () => {
    const outcomes = criterionOutcomes(['A', 'B'], [], { replicateRows: [[[1, 3], [0, 0]], [[5, 7], [1, 1]]] });
    const [A] = comparePolicies(outcomes).policies;
    expect(A.expectedEffect).toBe(4);
    expect(A.varianceAcrossWorlds).toBe(4); // world values 2 and 6
    expect(A.varianceWithinWorlds).toBe(2); // each world's two replicates: sample variance 2
    expect(A.varianceBetweenWorlds).toBe(3); // 4 − 2/2
    expect(A.seedNoiseShare).toBe(0.25);
  });

  it('refuses fewer than two policies and non-finite values, naming them', () => {
    expect(() => criterionOutcomes(['A'], [[1]])).toThrow(/'policies'.*at least two/);
    expect(() => criterionOutcomes(['A', 'B'], [[1, NaN]])).toThrow(/policy 'B' in world 0: NaN/);
    expect(() => comparePolicies(criterionOutcomes(['A', 'B'], [[1, 2]]), { weights: [-1] })).toThrow(/'weights\[0\]': -1/);
  });
});

/** EVPI of two options whose net-benefit difference is N(μ, σ²). */
function normalEvpi(mu: number, sigma: number): number {
  return sigma * normalDensity(mu / sigma) - Math.abs(mu) * normalCdf(-Math.abs(mu) / sigma);
}

function normals(n: number, seed: number, stream = 'x'): Float64Array {
  const random = new RandomStream(seed, stream);
  return Float64Array.from({ length: n }, () => random.normal());
}

function uniforms(n: number, seed: number, stream: string): Float64Array {
  const random = new RandomStream(seed, stream);
  return Float64Array.from({ length: n }, () => random.uniform());
}

/** Two options, net benefit 0 and `difference`. */
function twoOptions(difference: Float64Array) {
  return criterionOutcomes(['status quo', 'new'], Array.from(difference, (d) => [0, d]));
}

describe('EVPI (closed form for a normal difference)', () => {
  it('recovers σφ(μ/σ) − |μ|Φ(−|μ|/σ) within its standard error', () => {
    for (const [mu, sigma, seed] of [[0, 1, 1], [0.5, 1, 2], [-1.2, 2, 3], [3, 1.5, 4]]) {
      const z = normals(40000, seed);
      const result = evpi(twoOptions(z.map((v) => mu + sigma * v)));
      const truth = normalEvpi(mu, sigma);
      expect(Math.abs(result.evpi - truth), `μ=${mu}, σ=${sigma}: ${result.evpi} ± ${result.evpiSe} vs ${truth}`).toBeLessThan(2 * result.evpiSe);
      if (mu !== 0) expect(result.expectedBest).toBe(mu > 0 ? 1 : 0);
    }
  });

  it('its standard error is honest: about 95% of ±1.96·SE intervals over 200 samples hold the truth', () => {
    const truth = normalEvpi(0.3, 1);
    let covered = 0;
    const errors: number[] = [];
    const ses: number[] = [];
    for (let r = 0; r < 200; r++) {
      const z = normals(2000, 100 + r);
      const result = evpi(twoOptions(z.map((v) => 0.3 + v)));
      if (Math.abs(result.evpi - truth) <= 1.96 * result.evpiSe) covered++;
      errors.push(result.evpi - truth);
      ses.push(result.evpiSe);
    }
    expect(covered / 200).toBeGreaterThanOrEqual(0.9);
    const sd = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
    const meanSe = ses.reduce((s, v) => s + v, 0) / ses.length;
    expect(meanSe / sd).toBeGreaterThan(0.8);
    expect(meanSe / sd).toBeLessThan(1.25);
  });
});

describe('EVPPI (Strong, Oakley & Brennan regression estimator)', () => {
  const n = 10000;
  const x = normals(n, 7, 'x');
  const u = uniforms(n, 7, 'u');
  const irrelevant = uniforms(n, 7, 'irrelevant');
  const noise = normals(n, 7, 'noise');

  it('of the only parameter equals EVPI (linear and non-linear outcome)', () => {
    const params = worldParameters(['x', 'u'], Array.from(x, (v, i) => [v, u[i]]));
    const linear = evppi(twoOptions(x.map((v) => 0.4 + 1.3 * v)), params, { parameters: ['x'] });
    const [all, only] = linear.rows;
    expect(all.parameter).toBe('*');
    expect(only.method).toBe('spline');
    expect(Math.abs(only.evppi - all.evppi)).toBeLessThan(0.01 * all.evppi);
    expect(only.shareOfEvpi).toBeCloseTo(1, 2);
    expect(Math.abs(all.evppi - normalEvpi(0.4, 1.3))).toBeLessThan(2 * all.evppiSe);
    const wavy = evppi(twoOptions(u.map((v) => Math.sin(6 * v) + 0.2)), params, { parameters: ['u'] });
    expect(Math.abs(wavy.rows[1].evppi - wavy.evpi)).toBeLessThan(0.01 * wavy.evpi);
  });

  it('of a parameter that does not enter the outcome is about 0', () => {
    const params = worldParameters(['x', 'irrelevant'], Array.from(x, (v, i) => [v, irrelevant[i]]));
    const result = evppi(twoOptions(x.map((v, i) => 0.2 + v + 0.5 * noise[i])), params);
    const row = result.rows.find((r) => r.parameter === 'irrelevant')!;
    expect(row.evppi).toBeLessThan(Math.max(3 * row.evppiSe, 0.02 * result.evpi));
    expect(row.evppi).toBeLessThan(0.03 * result.evpi);
  });

  it('of one of two additive parameters: E[max(0, x₁)] = φ(0), with an honest standard error', () => {
    const x2 = normals(n, 8, 'x2');
    const params = worldParameters(['x1', 'x2'], Array.from(x, (v, i) => [v, x2[i]]));
    const result = evppi(twoOptions(x.map((v, i) => v + x2[i])), params);
    const truth = normalDensity(0);
    const one = result.rows.find((r) => r.parameter === 'x1')!;
    expect(Math.abs(one.evppi - truth), `${one.evppi} ± ${one.evppiSe}`).toBeLessThan(2.5 * one.evppiSe);
    expect(result.evpi).toBeCloseTo(Math.SQRT2 * normalDensity(0), 1);
    // Over 30 smaller samples, the spread of the estimate matches the standard error it reports.
    const estimates: number[] = [];
    const ses: number[] = [];
    for (let r = 0; r < 30; r++) {
      const a = normals(2000, 300 + r, 'a');
      const b = normals(2000, 300 + r, 'b');
      const small = evppi(twoOptions(a.map((v, i) => v + b[i])), worldParameters(['a'], Array.from(a, (v) => [v])), { draws: 100 });
      estimates.push(small.rows[1].evppi);
      ses.push(small.rows[1].evppiSe);
    }
    const mean = estimates.reduce((s, v) => s + v, 0) / 30;
    const sd = Math.sqrt(estimates.reduce((s, v) => s + (v - mean) ** 2, 0) / 29);
    const meanSe = ses.reduce((s, v) => s + v, 0) / 30;
    expect(meanSe / sd).toBeGreaterThan(0.6);
    expect(meanSe / sd).toBeLessThan(1.8);
    expect(Math.abs(mean - truth)).toBeLessThan(3 * sd / Math.sqrt(30) + 0.01);
  });

  it('of a switch (few values): exact means per level', () => {
    const s = uniforms(n, 9, 'switch').map((v) => (v < 0.5 ? 0 : 1));
    const params = worldParameters(['switch'], Array.from(s, (v) => [v]));
    const result = evppi(twoOptions(s.map((v, i) => v - 0.5 + 0.1 * noise[i])), params);
    expect(result.rows[1].method).toBe('levels');
    expect(Math.abs(result.rows[1].evppi - 0.25)).toBeLessThan(0.01);
  });

  it('of groups by Gaussian-process regression: the pair that makes the outcome ≈ EVPI, an irrelevant pair ≈ 0', () => {
    const m = 2000;
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((k) => normals(m, 11, k));
    const params = worldParameters(['a', 'b', 'c', 'd'], Array.from(a, (v, i) => [v, b[i], c[i], d[i]]));
    const outcome = twoOptions(a.map((v, i) => v + b[i] + 0.3 * e[i]));
    const result = evppi(outcome, params, { parameters: [], groups: { ab: ['a', 'b'], cd: ['c', 'd'] }, draws: 100 });
    const ab = result.rows.find((r) => r.parameter === 'ab')!;
    const cd = result.rows.find((r) => r.parameter === 'cd')!;
    expect(ab.method).toBe('gp');
    const truth = Math.SQRT2 * normalDensity(0); // E[max(0, a + b)]
    expect(Math.abs(ab.evppi - truth), `${ab.evppi} ± ${ab.evppiSe} vs ${truth}`).toBeLessThan(2.5 * ab.evppiSe + 0.01);
    // Upward bias of the regression estimator (a maximum of noisy curves) is of the order of its standard error.
    expect(cd.evppi).toBeLessThan(3 * cd.evppiSe);
    expect(cd.evppi).toBeLessThan(0.08 * result.evpi);
    expect(ab.members).toEqual(['a', 'b']);
  });

  it('of groups on noisy outcomes with outliers (as simulations give): random groups ≈ 0, a group holding the signal ≈ its closed form', () => {
    // 500 worlds, five options with net benefit c_k (a − 0.5) + noise, c = (0, 2, −2, 1, −1): knowing a
    // is worth E[2 |a − 0.5|] = 0.5 (every option's mean is 0). Noise: sd 1, one world in 20 four
    // times that. Six random parameters carry nothing. A GP free to shrink its length-scales
    // explained the outliers as narrow bumps and gave random groups 90% of EVPI.
    const m = 500;
    const a = uniforms(m, 21, 'a');
    const noise = normals(m * 5, 22, 'noise');
    const outlier = uniforms(m * 5, 23, 'outlier');
    const random = Array.from({ length: 6 }, (_, k) => uniforms(m, 24, `r${k}`));
    const c = [0, 2, -2, 1, -1];
    const outcome = criterionOutcomes(['o0', 'o1', 'o2', 'o3', 'o4'], Array.from(a, (v, i) => c.map((ck, k) => ck * (v - 0.5) + noise[i * 5 + k] * (outlier[i * 5 + k] < 0.05 ? 4 : 1))));
    const names = ['a', 'r0', 'r1', 'r2', 'r3', 'r4', 'r5'];
    const params = worldParameters(names, Array.from(a, (v, i) => [v, ...random.map((r) => r[i])]));
    const result = evppi(outcome, params, { parameters: [], groups: { random2: ['r0', 'r1'], random4: ['r0', 'r1', 'r2', 'r3'], random6: ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'], withSignal: ['a', 'r0', 'r1'] }, draws: 100 });
    const row = (name: string) => result.rows.find((r) => r.parameter === name)!;
    for (const name of ['random2', 'random4', 'random6']) {
      expect(row(name).evppi, `${name}: ${row(name).evppi} ± ${row(name).evppiSe}, EVPI ${result.evpi}`).toBeLessThan(2 * row(name).evppiSe + 0.05 * result.evpi);
    }
    const signal = row('withSignal');
    expect(Math.abs(signal.evppi - 0.5), `${signal.evppi} ± ${signal.evppiSe}`).toBeLessThan(3 * signal.evppiSe + 0.05);
  });

  it('one plan serves many criteria; bad groups and parameters are refused by name', () => {
    const params = worldParameters(['x', 'u'], Array.from(x, (v, i) => [v, u[i]]));
    const plan = prepareEvppi(params, { draws: 20 });
    const first = evppi(twoOptions(x), plan);
    const again = evppi(twoOptions(x), params, { draws: 20 });
    expect(first.rows.map((r) => r.evppi)).toEqual(again.rows.map((r) => r.evppi));
    expect(() => prepareEvppi(params, { groups: { g: ['x', 'nope'] } })).toThrow(/'groups.g': "nope"/);
    expect(() => prepareEvppi(params, { groups: { x: ['u'] } })).toThrow(/'groups': "x"/);
    expect(() => prepareEvppi(params, { parameters: ['y'] })).toThrow(/'parameters': "y"/);
  });
});

describe('PRIM (scenario discovery)', () => {
  const n = 10000;
  const names = ['x1', 'x2', 'x3', 'x4', 'x5'];
  const columns = names.map((k) => uniforms(n, 21, k));
  const flip = uniforms(n, 21, 'noise');
  const cases = Uint8Array.from({ length: n }, (_, i) => {
    const inside = columns[0][i] > 0.7 && columns[1][i] < 0.3 ? 1 : 0;
    return flip[i] < 0.05 ? 1 - inside : inside;
  });
  const params = { names, columns };

  it('recovers x1 > 0.7 and x2 < 0.3 under 5% label noise, leaves x3–x5 free, density ≥ 0.9', () => {
    const result = prim(params, cases);
    const box = result.box!;
    expect(box.dimensions.map((d) => d.parameter)).toEqual(['x1', 'x2']);
    const [x1, x2] = box.dimensions;
    expect(Math.abs(x1.low! - 0.7)).toBeLessThanOrEqual(0.05);
    expect(x1.high).toBeNull();
    expect(x2.low).toBeNull();
    expect(Math.abs(x2.high! - 0.3)).toBeLessThanOrEqual(0.05);
    expect(box.density).toBeGreaterThanOrEqual(0.9);
    expect(box.coverage).toBeGreaterThan(0.6);
    expect(box.meetsThreshold).toBe(true);
    for (const d of box.dimensions) {
      expect(d.quasiP).toBeLessThan(1e-10);
      expect(d.reproducibility).toBeGreaterThanOrEqual(0.9);
    }
    // The trajectory starts with every world and the case rate; density rises as mass falls.
    const [first] = result.trajectory;
    expect(first.mass).toBe(1);
    expect(first.coverage).toBe(1);
    expect(first.density).toBeCloseTo(result.caseShare, 12);
    expect(result.trajectory.at(-1)!.mass).toBeGreaterThanOrEqual(0.05 - 1e-12);
    // The membership agrees with the limits.
    for (let i = 0; i < n; i += 97) {
      const inside = columns[0][i] >= x1.low! && columns[1][i] <= x2.high!;
      expect(box.inBox[i]).toBe(inside ? 1 : 0);
    }
  });

  it('the coverage rule takes the widest box of the wanted density; identical results for identical inputs', () => {
    const excess = prim(params, cases, { resamples: 0 });
    const wide = prim(params, cases, { resamples: 0, choice: 'coverage', threshold: 0.8, paste: false });
    expect(wide.box!.coverage).toBeGreaterThanOrEqual(excess.box!.coverage);
    expect(wide.box!.density).toBeGreaterThanOrEqual(0.8);
    expect(JSON.stringify(prim(params, cases, { resamples: 3 }))).toBe(JSON.stringify(prim(params, cases, { resamples: 3 })));
    expect(Number.isNaN(excess.box!.dimensions[0].reproducibility)).toBe(true);
  });

  it('no case, no box; every world a case, no box either', () => {
    const result = prim(params, new Uint8Array(n));
    expect(result.box).toBeNull();
    expect(result.caseShare).toBe(0);
    const all = prim(params, new Uint8Array(n).fill(1));
    expect(all.box).toBeNull();
    expect(all.trajectory).toHaveLength(1);
  });

  it('a high case rate: the box still restricts (most excess cases), not the whole space', () => {
    const common = Uint8Array.from(cases, (c, i) => (c || columns[2][i] < 0.8 ? 1 : 0));
    const result = prim(params, common, { resamples: 0 });
    expect(result.caseShare).toBeGreaterThan(0.8);
    expect(result.box!.dimensions.map((d) => d.parameter)).toContain('x3');
    expect(result.box!.density).toBeGreaterThan(result.caseShare);
  });

  it('refuses settings out of range, naming the key, the value and what is allowed', () => {
    expect(() => resolvePrimSettings({ peelAlpha: 0 })).toThrow("invalid value for 'peelAlpha': 0 (allowed: a share in (0, 0.5])");
    expect(() => resolvePrimSettings({ peelAlpha: 0.6 })).toThrow(/'peelAlpha': 0.6/);
    expect(() => resolvePrimSettings({ threshold: 0 })).toThrow(/'threshold': 0 \(allowed: a density in \(0, 1\]\)/);
    expect(() => resolvePrimSettings({ threshold: 1.2 })).toThrow(/'threshold': 1.2/);
    expect(() => resolvePrimSettings({ massMin: 1 })).toThrow(/'massMin': 1/);
    expect(() => resolvePrimSettings({ resamples: -1 })).toThrow(/'resamples': -1/);
    expect(() => resolvePrimSettings({ choice: 'elbow' as 'excess' })).toThrow(/'choice': "elbow"/);
    expect(() => resolvePrimSettings({ pasteAlpha: 0.7 }, (k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`)).toThrow(/'--paste-alpha': 0.7/);
    expect(resolvePrimSettings({ threshold: 1 }).threshold).toBe(1);
  });
});

describe('decide: the three together', () => {
  it('a policy that wins only when x1 > 0.7: the flip box, who wins there, EVPPI(x1) = EVPI', () => {
    const n = 4000;
    const x1 = uniforms(n, 31, 'x1');
    const x2 = uniforms(n, 31, 'x2');
    const params = worldParameters(['x1', 'x2'], Array.from(x1, (v, i) => [v, x2[i]]));
    const outcomes = criterionOutcomes(['steady', 'gamble'], Array.from(x1, (v) => [1, v > 0.7 ? 2 : 0]));
    const [result] = decide([{ name: 'defections', outcomes, threshold: 1.5 }], params, { prim: { resamples: 5 } });
    expect(result.comparison.expectedBest).toBe(0);
    expect(result.scenarios!.reference).toBe('steady');
    const box = result.scenarios!.box!;
    expect(box.dimensions.map((d) => d.parameter)).toEqual(['x1']);
    expect(Math.abs(box.dimensions[0].low! - 0.7)).toBeLessThan(0.02);
    expect(box.density).toBeGreaterThan(0.95);
    expect(result.scenarios!.bestInBox.find((b) => b.policy === 'gamble')!.probability).toBeCloseTo(box.density, 12);
    const share = (1 - 0.7);
    expect(result.information.evpi).toBeCloseTo(Array.from(x1).filter((v) => v > 0.7).length / n, 12);
    expect(Math.abs(result.information.evpi - share)).toBeLessThan(0.03);
    const row = result.information.rows.find((r) => r.parameter === 'x1')!;
    expect(Math.abs(row.evppi - result.information.evpi)).toBeLessThan(3 * row.evppiSe + 0.01);
    expect(result.comparison.policies[1].thresholdShare).toBeCloseTo(result.information.evpi, 12);
  });
});

describe('numerics', () => {
  it('weighted quantiles by the inverse distribution function, mid-ranks', () => {
    const w = new Float64Array(10).fill(0.1);
    const v = [5, 1, 9, 3, 7, 2, 8, 4, 6, 10];
    expect(weightedQuantile(v, w, 0.9)).toBe(9);
    expect(weightedQuantile(v, w, 0.5)).toBe(5);
    expect(weightedQuantile(v, w, 0.05)).toBe(1);
    expect(weightedQuantile([1, 2, 3], Float64Array.from([0, 0.5, 0.5]), 0.1)).toBe(2);
    expect(Array.from(unitRanks([3, 1, 3, 2]))).toEqual([(2.5) / 3, 0, 2.5 / 3, 1 / 3]);
  });
  it('log-gamma, incomplete beta and the binomial tail against direct sums', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(incompleteBeta(0.3, 2, 3)).toBeCloseTo(0.3483, 12); // 1 − Σ_{k<2} C(4,k) 0.3^k 0.7^(4−k)
    for (const [k, n, p] of [[7, 20, 0.2], [50, 60, 0.6], [1, 5, 0.5], [0, 3, 0.1]]) {
      let direct = 0;
      for (let j = k; j <= n; j++) direct += Math.exp(logGamma(n + 1) - logGamma(j + 1) - logGamma(n - j + 1) + j * Math.log(p) + (n - j) * Math.log(1 - p));
      expect(binomialUpperTail(k, n, p)).toBeCloseTo(direct, 12);
    }
  });
});
