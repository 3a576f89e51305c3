/**
 * The truncated kernel (runners/calibrate/truncated-kernel.ts and the 'truncated' kernel of
 * abc-smc.ts): its numerics (tails, draws, the exact mixture density), which parameters it
 * perturbs, and ABC-SMC with it recovering posteriors known in closed form — in one dimension, at
 * a face of the prior's box, and in 40 dimensions, 36 of which the data do not touch (where the
 * untruncated kernel almost never lands inside the box). Fixed seeds; tolerances are multiples of
 * the Monte Carlo standard error.
 */
import { describe, expect, it } from 'vitest';
import { hashInts, RandomStream } from '../engine/rng.js';
import { abcSmc, movedParameters, type AbcResult, type AbcSettings, type Evaluate, type GenerationResult } from '../runners/calibrate/abc-smc.js';
import { loadCalibration } from '../runners/calibrate/calibration-file.js';
import type { Prior } from '../runners/calibrate/priors.js';
import { drawTruncatedNormal, logNormalMass, logUpperTail, truncatedMixture, weightedKsDistance } from '../runners/calibrate/truncated-kernel.js';
import { effectiveSampleSize, weightedMean, weightedQuantile, weightedSd } from '../runners/calibrate/weighted.js';
import { normalCdf } from '../runners/sensitivity/distributions.js';

async function runAbc(priors: Prior[], settings: AbcSettings, evaluate: Evaluate): Promise<{ result: AbcResult; generations: GenerationResult[] }> {
  const generations: GenerationResult[] = [];
  const run = abcSmc(priors, settings, evaluate);
  for (;;) {
    const next = await run.next();
    if (next.done) return { result: next.value, generations };
    generations.push(next.value);
  }
}

function column(result: AbcResult, k: number): number[] {
  return result.posterior.values.map((v) => v[k]);
}

/** The p-quantile of a distribution on [lo, hi] given by its CDF (bisection). */
function quantileOf(cdf: (x: number) => number, p: number, lo: number, hi: number): number {
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The largest gap between the empirical CDF of draws and a CDF (the KS statistic, equal weights). */
function ksStatistic(draws: number[], cdf: (x: number) => number): number {
  const w = draws.map(() => 1 / draws.length);
  return weightedKsDistance(draws, w, cdf);
}

describe('truncated normal numerics', () => {
  it('ln Q(z) matches ln(1 − Φ(z)) where Φ is exact, and follows the asymptotic form far out', () => {
    for (const z of [-3, -0.5, 0, 0.7, 2, 4.9, 5.1, 7, 8, 20, 30]) {
      expect(logUpperTail(z)).toBeCloseTo(Math.log(normalCdf(-z)), 9);
    }
    // Far out (Φ underflows at 38): ln Q(z) = −z²/2 − ln z − ln √(2π) + ln(1 − 1/z² + 3/z⁴ …).
    for (const z of [40, 100, 1e4]) {
      const asymptotic = -0.5 * z * z - Math.log(z) - 0.5 * Math.log(2 * Math.PI) + Math.log(1 - 1 / z ** 2 + 3 / z ** 4);
      expect(Math.abs(logUpperTail(z) - asymptotic)).toBeLessThan(1e-6);
    }
    expect(logUpperTail(Infinity)).toBe(-Infinity);
  });

  it('ln(Φ(b) − Φ(a)) in the middle, in either tail and with infinite ends', () => {
    expect(logNormalMass(-Infinity, Infinity)).toBeCloseTo(0, 15);
    expect(logNormalMass(-1, 2)).toBeCloseTo(Math.log(normalCdf(2) - normalCdf(-1)), 12);
    expect(logNormalMass(3, 4)).toBeCloseTo(Math.log(normalCdf(-3) - normalCdf(-4)), 10);
    expect(logNormalMass(-4, -3)).toBeCloseTo(logNormalMass(3, 4), 12);
    expect(logNormalMass(50, Infinity)).toBeCloseTo(logUpperTail(50), 12);
    expect(logNormalMass(50, 50.1)).toBeLessThan(logUpperTail(50));
    expect(Number.isFinite(logNormalMass(200, 201))).toBe(true);
    expect(logNormalMass(1, 1)).toBe(-Infinity);
  });

  it('draws follow the truncated normal in the middle, in a tail and 35 sd out (KS at the 1% level)', () => {
    const n = 20000;
    const critical = 1.63 / Math.sqrt(n);
    const cases: [number, number][] = [[-1, 2], [2.5, 3], [-Infinity, -4], [35, Infinity], [-1e-3, 1e-3], [-3, Infinity]];
    cases.forEach(([a, b], c) => {
      const stream = new RandomStream(hashInts(4, c), 'truncated-normal-test');
      const draws = Array.from({ length: n }, () => drawTruncatedNormal(a, b, stream));
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(a);
      expect(Math.max(...draws)).toBeLessThanOrEqual(b);
      const mass = logNormalMass(a, b);
      const cdf = (x: number) => (x <= a ? 0 : x >= b ? 1 : Math.exp(logNormalMass(a, x) - mass));
      expect(ksStatistic(draws, cdf), `[${a}, ${b}]`).toBeLessThan(critical);
    });
  });

  it('the truncated mixture density integrates to 1 over the box, and its draws follow it', () => {
    // Two correlated parameters, box [0, 1]², one centre near a corner, one inside: most of the
    // first kernel's mass would fall outside the box.
    const factor = Float64Array.from([0.3, 0, 0.24, 0.18]); // L: sd 0.3 and 0.3, correlation 0.8
    const points = [Float64Array.from([0.05, 0.9]), Float64Array.from([0.6, 0.5])];
    const weights = [0.3, 0.7];
    const mixture = truncatedMixture(points, weights, factor, [0, 0], [1, 1]);
    const cells = 400;
    let integral = 0;
    const grid = 10;
    const cellMass = new Float64Array(grid * grid);
    for (let i = 0; i < cells; i++) {
      for (let j = 0; j < cells; j++) {
        const z = Float64Array.from([(i + 0.5) / cells, (j + 0.5) / cells]);
        const mass = Math.exp(mixture.logDensity(z)) / (cells * cells);
        integral += mass;
        cellMass[Math.floor((i * grid) / cells) * grid + Math.floor((j * grid) / cells)] += mass;
      }
    }
    expect(Math.abs(integral - 1)).toBeLessThan(1e-3);
    const n = 40000;
    const counts = new Float64Array(grid * grid);
    const stream = new RandomStream(7, 'mixture-test');
    for (let k = 0; k < n; k++) {
      const z = mixture.draw(stream.uniform() < 0.3 ? 0 : 1, stream);
      expect(z[0] >= 0 && z[0] <= 1 && z[1] >= 0 && z[1] <= 1).toBe(true);
      counts[Math.min(grid - 1, Math.floor(z[0] * grid)) * grid + Math.min(grid - 1, Math.floor(z[1] * grid))]++;
    }
    // Pearson's chi-square over the 100 cells (cells expecting fewer than 5 pooled): 99 degrees of freedom, 1% point ≈ 135.
    let chi = 0, pooledObserved = 0, pooledExpected = 0, dof = -1;
    for (let c = 0; c < grid * grid; c++) {
      const expected = cellMass[c] * n;
      if (expected < 5) {
        pooledObserved += counts[c];
        pooledExpected += expected;
        continue;
      }
      chi += (counts[c] - expected) ** 2 / expected;
      dof++;
    }
    if (pooledExpected > 0) {
      chi += (pooledObserved - pooledExpected) ** 2 / pooledExpected;
      dof++;
    }
    expect(chi).toBeLessThan(dof + 2.33 * Math.sqrt(2 * dof) + 5);
  });
});

describe('which parameters the truncated kernel perturbs', () => {
  it('a parameter the data shifted and its ridge partner; not the ones left at their priors', () => {
    const priors: Prior[] = Array.from({ length: 5 }, (_, a) => ({ name: `p${a}`, spec: { kind: 'uniform', from: 0, to: 1 } }));
    const stream = new RandomStream(3, 'moved-test');
    // p0 squeezed into [0.2, 0.5]; p1 uniform but tied to p2 (p1 + p2 ≈ 1: a ridge, both marginals uniform); p3, p4 untouched.
    const points = Array.from({ length: 800 }, () => {
      const ridge = stream.uniform();
      return Float64Array.from([0.2 + 0.3 * stream.uniform(), ridge, Math.min(1, Math.max(0, 1 - ridge + 0.02 * stream.normal())), stream.uniform(), stream.uniform()]);
    });
    const weights = new Float64Array(800).fill(1 / 800);
    // p2's marginal is uniform too, so only the KS test's p0 is "shifted": p1 and p2 are correlated with each other, not with p0.
    expect(movedParameters(priors, points, weights)).toEqual([0]);
    // Squeeze p1 as well: now p2 follows it along the ridge.
    const squeezed = points.map((z) => Float64Array.from([z[0], 0.5 * z[1], 1 - 0.5 * z[1], z[3], z[4]]));
    expect(movedParameters(priors, squeezed, weights)).toEqual([0, 1, 2]);
  });
});

describe('recovery with the truncated kernel', () => {
  it('a Gaussian mean with known variance (one parameter): as with the default kernel', async () => {
    const observed = 1.3;
    const priors: Prior[] = [{ name: 'theta', spec: { kind: 'uniform', from: -10, to: 10 } }];
    const settings: AbcSettings = { particles: 2000, generations: 8, minAcceptanceRate: 0.02, quantile: 0.5, kernelScale: 2, seed: 11, kernel: 'truncated' };
    const evaluate: Evaluate = async (batch) =>
      batch.map((c) => Math.abs(c.values[0] + new RandomStream(hashInts(77, c.generation, c.index), 'data').normal() - observed));
    const { result, generations } = await runAbc(priors, settings, evaluate);
    expect(generations.every((g) => g.summary.outsidePrior === 0)).toBe(true);
    checkGaussian(result, 0, observed, '1 parameter');
  });

  it('a Beta–binomial piled against the prior\'s lower face: Beta(2, 30) exactly at tolerance 0', async () => {
    // k = 1 success in n = 30 trials, θ ~ U(0, 1): posterior Beta(2, 30), mean 0.0625, sd 0.042 —
    // the kernel (sd ≈ 0.06) would put a third of its candidates below 0; the truncated one puts them inside.
    const n = 30, k = 1, a = 2, b = 30;
    const priors: Prior[] = [{ name: 'p', spec: { kind: 'uniform', from: 0, to: 1 } }];
    const settings: AbcSettings = { particles: 2000, generations: 10, minAcceptanceRate: 0.01, quantile: 0.3, kernelScale: 2, seed: 5, kernel: 'truncated' };
    const evaluate: Evaluate = async (batch) =>
      batch.map((c) => {
        const stream = new RandomStream(hashInts(3, c.generation, c.index), 'trials');
        let successes = 0;
        for (let i = 0; i < n; i++) if (stream.uniform() < c.values[0]) successes++;
        return Math.abs(successes - k) / n;
      });
    const { result } = await runAbc(priors, settings, evaluate);
    expect(result.posterior.tolerance).toBe(0);
    const p = column(result, 0);
    const w = result.posterior.weights;
    const ess = effectiveSampleSize(w);
    expect(ess).toBeGreaterThan(600);
    const mean = a / (a + b);
    const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
    const context = `mean ${weightedMean(p, w)}, sd ${weightedSd(p, w)}, ess ${ess}`;
    expect(Math.abs(weightedMean(p, w) - mean), context).toBeLessThan((4 * sd) / Math.sqrt(ess));
    expect(Math.abs(weightedSd(p, w) / sd - 1), context).toBeLessThan(4 / Math.sqrt(2 * ess));
    // Beta(2, 30)'s CDF in closed form: 1 − (1 − x)^30 (1 + 30x).
    const cdf = (x: number) => 1 - (1 - x) ** 30 * (1 + 30 * x);
    const density = (x: number) => 930 * x * (1 - x) ** 29;
    for (const q of [0.05, 0.5, 0.95]) {
      const exact = quantileOf(cdf, q, 0, 1);
      const qse = Math.sqrt(q * (1 - q)) / (density(exact) * Math.sqrt(ess));
      expect(Math.abs(weightedQuantile(p, w, q) - exact), `${context}, q${q}`).toBeLessThan(4 * qse);
    }
  });

  it('40 parameters, 4 seen by the data: each posterior as in one dimension, the other 36 keep their priors', async () => {
    // ȳ_a ~ N(θ_a, 1) for a < 4, distance max_a |ȳ_a − observed_a|: the acceptance region is a box,
    // so the ABC posterior factorises, each informative θ_a being observed_a + N(0, 1) + U(−ε, ε)
    // (the priors U(−10, 10) are flat over it), and θ_4 … θ_39 keep U(−10, 10). The untruncated
    // kernel lands inside this 40-dimensional box about once in 10⁸ proposals.
    const d = 40, informative = 4;
    const observed = [-1.2, 0.4, 0.9, 1.2];
    const priors: Prior[] = Array.from({ length: d }, (_, a) => ({ name: `theta${a}`, spec: { kind: 'uniform', from: -10, to: 10 } }));
    const settings: AbcSettings = { particles: 1000, generations: 10, minAcceptanceRate: 0.01, quantile: 0.5, kernelScale: 2, seed: 11, kernel: 'truncated' };
    const evaluate: Evaluate = async (batch) =>
      batch.map((c) => {
        const stream = new RandomStream(hashInts(77, c.generation, c.index), 'data');
        let distance = 0;
        for (let a = 0; a < informative; a++) distance = Math.max(distance, Math.abs(c.values[a] + stream.normal() - observed[a]));
        return distance;
      });
    const { result, generations } = await runAbc(priors, settings, evaluate);
    expect(result.stopReason).toBe('generations');
    expect(generations.every((g) => g.summary.outsidePrior === 0)).toBe(true);
    expect(result.posterior.tolerance).toBeLessThan(2.5);
    const w = result.posterior.weights;
    const ess = effectiveSampleSize(w);
    expect(ess).toBeGreaterThan(600); // the 36 untouched parameters do not enter the weights
    // The kernel perturbed the informative parameters in the later generations.
    for (const g of generations.slice(4)) for (let a = 0; a < informative; a++) expect(g.summary.kernelParameters).toContain(a);
    for (let a = 0; a < informative; a++) checkGaussian(result, a, observed[a], `theta${a}`);
    const priorSd = 20 / Math.sqrt(12);
    for (let a = informative; a < d; a++) {
      const x = column(result, a);
      const context = `theta${a}: mean ${weightedMean(x, w)}, sd ${weightedSd(x, w)}, ess ${ess}`;
      expect(Math.abs(weightedMean(x, w)), context).toBeLessThan((4 * priorSd) / Math.sqrt(ess));
      expect(Math.abs(weightedSd(x, w) / priorSd - 1), context).toBeLessThan(4 / Math.sqrt(2 * ess));
    }
  });
});

/** Parameter k's posterior against observed + N(0, 1) + U(−ε, ε): mean, sd and 90% interval within 4 Monte Carlo standard errors. */
function checkGaussian(result: AbcResult, k: number, observed: number, label: string): void {
  const w = result.posterior.weights;
  const theta = column(result, k);
  const eps = result.posterior.tolerance;
  const ess = effectiveSampleSize(w);
  const sd = Math.sqrt(1 + (eps * eps) / 3);
  const cdf = (t: number) => {
    let sum = 0;
    const steps = 200;
    for (let i = 0; i <= steps; i++) {
      const u = -eps + (2 * eps * i) / steps;
      sum += (i === 0 || i === steps ? 1 : i % 2 ? 4 : 2) * normalCdf(t - observed - u);
    }
    return sum / (3 * steps);
  };
  const context = `${label}: mean ${weightedMean(theta, w)}, sd ${weightedSd(theta, w)}, ess ${ess}, eps ${eps}`;
  expect(Math.abs(weightedMean(theta, w) - observed), context).toBeLessThan((4 * sd) / Math.sqrt(ess));
  expect(Math.abs(weightedSd(theta, w) / sd - 1), context).toBeLessThan(4 / Math.sqrt(2 * ess));
  for (const q of [0.05, 0.95]) {
    const exact = quantileOf(cdf, q, -10, 10);
    const h = 1e-4;
    const density = (cdf(exact + h) - cdf(exact - h)) / (2 * h);
    const qse = Math.sqrt(q * (1 - q)) / (density * Math.sqrt(ess));
    expect(Math.abs(weightedQuantile(theta, w, q) - exact), `${context}, q${q}`).toBeLessThan(4 * qse);
  }
}

describe('method.kernel in a calibration file', () => {
  const base = {
    scenario: 'myanmar-2021', set: { 'population.scale': 50 }, ticks: 25,
    parameters: { 'decision.stay.armyEnlisted': { from: -3, to: 0.5 } }, method: { type: 'abc-smc', particles: 10 },
  };

  it('truncated is kept in the resolved calibration and reaches the estimator; normal, the default, is left out (old calibrations keep their hash)', () => {
    const truncated = loadCalibration({ ...base, method: { ...base.method, kernel: 'truncated' } });
    expect(truncated.calibration.method.kernel).toBe('truncated');
    expect(truncated.settings.kernel).toBe('truncated');
    const normal = loadCalibration({ ...base, method: { ...base.method, kernel: 'normal' } });
    expect('kernel' in normal.calibration.method).toBe(false);
    expect(normal.hash).toBe(loadCalibration(base).hash);
    expect(truncated.hash).not.toBe(normal.hash);
  });

  it('an unknown kernel is refused, naming the key, the value and what is allowed', () => {
    expect(() => loadCalibration({ ...base, method: { ...base.method, kernel: 'gaussian' } }))
      .toThrow(/method\.kernel.*"gaussian".*normal or truncated/);
  });
});
