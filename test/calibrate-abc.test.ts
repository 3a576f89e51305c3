/**
 * The ABC-SMC estimator (runners/calibrate/abc-smc.ts) on models whose posterior is known in
 * closed form, run through the same code `defsim calibrate` uses: a Gaussian mean with known
 * variance and a Beta–binomial. Also its priors, weighted statistics, stopping rules and
 * determinism. Fixed seeds; the tolerances are multiples of the Monte Carlo standard error.
 */
import { describe, expect, it } from 'vitest';
import { hashInts, RandomStream } from '../engine/rng.js';
import { abcSmc, generationBudget, type AbcResult, type AbcSettings, type Candidate, type Evaluate, type GenerationResult } from '../runners/calibrate/abc-smc.js';
import { drawPrior, fromSampling, logPriorDensity, priorMoments, type Prior } from '../runners/calibrate/priors.js';
import {
  cholesky, effectiveSampleSize, weightedCorrelation, weightedCovariance, weightedMean, weightedQuantile, weightedQuantiles, weightedSd,
} from '../runners/calibrate/weighted.js';

async function runAbc(priors: Prior[], settings: AbcSettings, evaluate: Evaluate): Promise<{ result: AbcResult; generations: GenerationResult[] }> {
  const generations: GenerationResult[] = [];
  const run = abcSmc(priors, settings, evaluate);
  for (;;) {
    const next = await run.next();
    if (next.done) return { result: next.value, generations };
    generations.push(next.value);
  }
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
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

function posteriorColumn(result: AbcResult, k: number): number[] {
  return result.posterior.values.map((v) => v[k]);
}

describe('recovery: Gaussian mean with known variance', () => {
  // Data: n = 25 draws with sd 5, so the sample mean ȳ ~ N(θ, 1). Observed ȳ = 1.3; prior θ ~ U(−10, 10).
  // ABC accepts |ȳ_sim − ȳ_obs| ≤ ε, so (the prior being flat over the posterior's range) the ABC
  // posterior at the final ε is exactly ȳ_obs + N(0, 1) + U(−ε, ε): mean ȳ_obs, variance 1 + ε²/3.
  const observed = 1.3;
  const priors: Prior[] = [{ name: 'theta', spec: { kind: 'uniform', from: -10, to: 10 } }];
  const settings: AbcSettings = { particles: 2000, generations: 8, minAcceptanceRate: 0.02, quantile: 0.5, kernelScale: 2, seed: 11 };
  const evaluate: Evaluate = async (batch) =>
    batch.map((c) => Math.abs(c.values[0] + new RandomStream(hashInts(77, c.generation, c.index), 'data').normal() - observed));

  it('posterior mean, sd and 90% interval match the analytic ABC posterior within Monte Carlo error', async () => {
    const { result, generations } = await runAbc(priors, settings, evaluate);
    expect(result.stopReason).toBe('generations');
    expect(generations).toHaveLength(8);
    const post = result.posterior;
    const eps = post.tolerance;
    expect(eps).toBeLessThan(0.2); // the tolerances shrink towards 0
    for (let g = 2; g < generations.length; g++) expect(generations[g].summary.tolerance).toBeLessThan(generations[g - 1].summary.tolerance);
    const theta = posteriorColumn(result, 0);
    const ess = effectiveSampleSize(post.weights);
    expect(ess).toBeGreaterThan(500);
    const sd = Math.sqrt(1 + (eps * eps) / 3);
    const cdf = (t: number) => {
      // ȳ_obs + N(0,1) + U(−ε, ε): average Φ over the uniform (Simpson, 200 steps)
      let sum = 0;
      const steps = 200;
      for (let i = 0; i <= steps; i++) {
        const u = -eps + (2 * eps * i) / steps;
        sum += (i === 0 || i === steps ? 1 : i % 2 ? 4 : 2) * normalCdf(t - observed - u);
      }
      return sum / (3 * steps);
    };
    const q05 = quantileOf(cdf, 0.05, -10, 10), q95 = quantileOf(cdf, 0.95, -10, 10);
    const mean = weightedMean(theta, post.weights);
    const se = sd / Math.sqrt(ess);
    const context = `mean ${mean}, sd ${weightedSd(theta, post.weights)}, ess ${ess}, eps ${eps}`;
    expect(Math.abs(mean - observed), context).toBeLessThan(4 * se);
    expect(Math.abs(weightedSd(theta, post.weights) / sd - 1), context).toBeLessThan(4 / Math.sqrt(2 * ess));
    // Quantile standard error: sqrt(p(1−p)) / (density at the quantile × sqrt(ess)).
    const density = Math.exp(-0.5 * (1.645 * 1.645)) / Math.sqrt(2 * Math.PI) / sd;
    const qse = Math.sqrt(0.05 * 0.95) / (density * Math.sqrt(ess));
    expect(Math.abs(weightedQuantile(theta, post.weights, 0.05) - q05), context).toBeLessThan(4 * qse);
    expect(Math.abs(weightedQuantile(theta, post.weights, 0.95) - q95), context).toBeLessThan(4 * qse);
  });
});

describe('recovery: Beta–binomial', () => {
  // k = 9 successes in n = 30 trials; prior θ ~ U(0, 1) = Beta(1, 1). Distances are |k_sim − k| / n,
  // so once the tolerance reaches 0 ABC is exact: the posterior is Beta(1 + 9, 1 + 21). (With α = 0.5
  // the tolerance would stall at 1/30, where about a third of the accepted distances are 0; α = 0.3 reaches 0.)
  const n = 30, k = 9;
  const [a, b] = [1 + k, 1 + n - k];
  const priors: Prior[] = [{ name: 'p', spec: { kind: 'uniform', from: 0, to: 1 } }];
  const settings: AbcSettings = { particles: 3000, generations: 10, minAcceptanceRate: 0.01, quantile: 0.3, kernelScale: 2, seed: 5 };
  const evaluate: Evaluate = async (batch) =>
    batch.map((c) => {
      const stream = new RandomStream(hashInts(3, c.generation, c.index), 'trials');
      let successes = 0;
      for (let i = 0; i < n; i++) if (stream.uniform() < c.values[0]) successes++;
      return Math.abs(successes - k) / n;
    });

  /** CDF of Beta(a, b) by Simpson's rule on the density (normalised numerically). */
  function betaCdf(x: number): number {
    const density = (t: number) => Math.pow(t, a - 1) * Math.pow(1 - t, b - 1);
    const integrate = (hi: number) => {
      const steps = 2000;
      let sum = 0;
      for (let i = 0; i <= steps; i++) sum += (i === 0 || i === steps ? 1 : i % 2 ? 4 : 2) * density((hi * i) / steps);
      return (sum * hi) / (3 * steps);
    };
    return integrate(x) / integrate(1);
  }

  it('reaches tolerance 0 and then matches Beta(10, 22): mean, sd and 90% interval', async () => {
    const { result } = await runAbc(priors, settings, evaluate);
    const post = result.posterior;
    expect(post.tolerance).toBe(0);
    const p = posteriorColumn(result, 0);
    expect(Math.min(...p)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...p)).toBeLessThanOrEqual(1);
    const ess = effectiveSampleSize(post.weights);
    const mean = a / (a + b);
    const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
    const context = `mean ${weightedMean(p, post.weights)}, sd ${weightedSd(p, post.weights)}, ess ${ess}`;
    expect(ess).toBeGreaterThan(800);
    expect(Math.abs(weightedMean(p, post.weights) - mean), context).toBeLessThan((4 * sd) / Math.sqrt(ess));
    expect(Math.abs(weightedSd(p, post.weights) / sd - 1), context).toBeLessThan(4 / Math.sqrt(2 * ess));
    const [q05, q95] = [quantileOf(betaCdf, 0.05, 0, 1), quantileOf(betaCdf, 0.95, 0, 1)];
    const [e05, e95] = weightedQuantiles(p, post.weights, [0.05, 0.95]);
    const qse = (q: number) => Math.sqrt(0.05 * 0.95) / ((Math.pow(q, a - 1) * Math.pow(1 - q, b - 1) / betaIntegral()) * Math.sqrt(ess));
    expect(Math.abs(e05 - q05), context).toBeLessThan(4 * qse(q05));
    expect(Math.abs(e95 - q95), context).toBeLessThan(4 * qse(q95));
  });

  function betaIntegral(): number {
    const steps = 4000;
    let sum = 0;
    for (let i = 0; i <= steps; i++) {
      const t = i / steps;
      sum += (i === 0 || i === steps ? 1 : i % 2 ? 4 : 2) * Math.pow(t, a - 1) * Math.pow(1 - t, b - 1);
    }
    return sum / (3 * steps);
  }
});

describe('two parameters, one of them not identified', () => {
  // The distance sees only x: y's posterior stays its prior (sd ratio ≈ 1), x's shrinks.
  const priors: Prior[] = [
    { name: 'x', spec: { kind: 'uniform', from: -5, to: 5 } },
    { name: 'y', spec: { kind: 'log-uniform', from: 1, to: 100 } },
  ];
  const settings: AbcSettings = { particles: 1000, generations: 6, minAcceptanceRate: 0.02, quantile: 0.5, kernelScale: 2, seed: 2 };
  const evaluate: Evaluate = async (batch) =>
    batch.map((c) => Math.abs(c.values[0] + 0.3 * new RandomStream(hashInts(1, c.generation, c.index), 'noise').normal() - 2));

  it('the identified parameter contracts, the other keeps its prior spread, both inside their priors', async () => {
    const { result } = await runAbc(priors, settings, evaluate);
    const w = result.posterior.weights;
    const x = posteriorColumn(result, 0);
    const lnY = posteriorColumn(result, 1).map(Math.log);
    expect(weightedSd(x, w) / priorMoments(priors[0].spec).sd).toBeLessThan(0.15);
    const ratio = weightedSd(lnY, w) / priorMoments(priors[1].spec).sd;
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
    expect(Math.min(...posteriorColumn(result, 1))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...posteriorColumn(result, 1))).toBeLessThanOrEqual(100);
    expect(Math.abs(weightedCorrelation(x, lnY, w))).toBeLessThan(0.15);
  });
});

describe('stopping, budgets and failures', () => {
  const priors: Prior[] = [{ name: 'theta', spec: { kind: 'uniform', from: 0, to: 1 } }];

  it('stops once the acceptance rate falls below the threshold; an unfinished generation is dropped', async () => {
    // A distance that never improves with θ: acceptance stays near α, far above the threshold.
    const settings: AbcSettings = { particles: 200, generations: 50, minAcceptanceRate: 0.3, quantile: 0.5, kernelScale: 2, seed: 1 };
    // Noise only: each generation accepts about half, then a third… until a generation's budget (200/0.3 = 667) runs out.
    const evaluate: Evaluate = async (batch) => batch.map((c) => new RandomStream(hashInts(9, c.generation, c.index), 'd').uniform() ** 0.2);
    const { result, generations } = await runAbc(priors, settings, evaluate);
    expect(result.stopReason).toBe('acceptance-rate');
    const last = generations.at(-1)!.summary;
    const budget = generationBudget(settings);
    expect(budget).toBe(667);
    for (const g of generations) expect(g.summary.simulations).toBeLessThanOrEqual(budget);
    if (last.complete) expect(last.acceptanceRate).toBeLessThan(0.3);
    else {
      expect(generations.at(-1)!.population).toBeNull();
      expect(last.simulations).toBe(budget);
      expect(result.posterior.generation).toBe(last.generation - 1);
    }
    expect(generations.length).toBeLessThan(50);
  });

  it('failed simulations (NaN, Infinity) are never accepted, not even in generation 0', async () => {
    const settings: AbcSettings = { particles: 100, generations: 2, minAcceptanceRate: 0.05, quantile: 0.5, kernelScale: 2, seed: 4 };
    const failing = new Set<string>();
    const evaluate: Evaluate = async (batch) =>
      batch.map((c) => {
        if (c.index % 7 === 3) {
          failing.add(`${c.generation}:${c.index}`);
          return c.index % 2 ? Number.NaN : Infinity;
        }
        return Math.abs(c.values[0] - 0.5);
      });
    const { result, generations } = await runAbc(priors, settings, evaluate);
    expect(generations[0].summary.failed).toBeGreaterThan(0);
    expect(generations[0].summary.accepted).toBe(generations[0].summary.simulations - generations[0].summary.failed);
    for (const index of result.posterior.candidates) expect(failing.has(`${result.posterior.generation}:${index}`)).toBe(false);
    expect([...result.posterior.distances].every(Number.isFinite)).toBe(true);
  });

  it('the same distances give the same posterior however the evaluator splits and orders its work', async () => {
    const settings: AbcSettings = { particles: 300, generations: 4, minAcceptanceRate: 0.02, quantile: 0.4, kernelScale: 2, seed: 8 };
    const distance = (c: Candidate) => Math.abs(c.values[0] - 0.7 + 0.1 * new RandomStream(hashInts(5, c.generation, c.index), 'n').normal());
    const direct: Evaluate = async (batch) => batch.map(distance);
    // Evaluate in reversed chunks of 7, each resolved after a different delay.
    const scrambled: Evaluate = async (batch) => {
      const out = new Array<number>(batch.length);
      const chunks: Promise<void>[] = [];
      for (let start = batch.length - 1; start >= 0; start -= 7) {
        const from = Math.max(0, start - 6);
        chunks.push(new Promise((done) => setTimeout(() => {
          for (let i = from; i <= start; i++) out[i] = distance(batch[i]);
          done();
        }, (start * 13) % 5)));
      }
      await Promise.all(chunks);
      return out;
    };
    const a = await runAbc(priors, settings, direct);
    const b = await runAbc(priors, settings, scrambled);
    expect(b.result.posterior.values).toEqual(a.result.posterior.values);
    expect([...b.result.posterior.weights]).toEqual([...a.result.posterior.weights]);
    expect(b.generations.map((g) => g.summary)).toEqual(a.generations.map((g) => g.summary));
    // …and another seed gives another posterior.
    const c = await runAbc(priors, { ...settings, seed: 9 }, direct);
    expect(c.result.posterior.values).not.toEqual(a.result.posterior.values);
  });

  it('refuses settings it cannot run', async () => {
    const evaluate: Evaluate = async (batch) => batch.map(() => 0);
    const base: AbcSettings = { particles: 10, generations: 2, minAcceptanceRate: 0.1, quantile: 0.5, kernelScale: 2, seed: 1 };
    await expect(runAbc(priors, { ...base, particles: 1 }, evaluate)).rejects.toThrow(/particles must be an integer >= 2/);
    await expect(runAbc(priors, { ...base, minAcceptanceRate: 0 }, evaluate)).rejects.toThrow(/minAcceptanceRate/);
    await expect(runAbc(priors, { ...base, quantile: 1 }, evaluate)).rejects.toThrow(/quantile/);
    await expect(runAbc([], base, evaluate)).rejects.toThrow(/at least one parameter/);
  });
});

describe('priors', () => {
  it('log-uniform draws are uniform in ln x and stay inside [from, to]; densities vanish outside', () => {
    const spec = { kind: 'log-uniform' as const, from: 4, to: 30 };
    const stream = new RandomStream(1, 'prior-test');
    const draws = Array.from({ length: 20000 }, () => fromSampling(spec, drawPrior(spec, stream)));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(4);
    expect(Math.max(...draws)).toBeLessThanOrEqual(30);
    const belowGeometricMiddle = draws.filter((x) => x < Math.sqrt(4 * 30)).length / draws.length;
    expect(Math.abs(belowGeometricMiddle - 0.5)).toBeLessThan(0.02); // sd of the share: 0.0035
    expect(logPriorDensity(spec, Math.log(3.9))).toBe(-Infinity);
    expect(logPriorDensity(spec, Math.log(10))).toBeCloseTo(-Math.log(Math.log(30 / 4)), 12);
    expect(priorMoments(spec).sd).toBeCloseTo(Math.log(30 / 4) / Math.sqrt(12), 12);
  });

  it('a truncated normal prior: draws inside the range, moments of the truncated distribution', () => {
    const spec = { kind: 'normal' as const, mean: 0, sd: 1, from: 0, to: 50 };
    const stream = new RandomStream(2, 'prior-test');
    const draws = Array.from({ length: 20000 }, () => drawPrior(spec, stream));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    const moments = priorMoments(spec);
    // Half-normal: mean sqrt(2/π), sd sqrt(1 − 2/π), half the mass.
    expect(moments.mean).toBeCloseTo(Math.sqrt(2 / Math.PI), 6);
    expect(moments.sd).toBeCloseTo(Math.sqrt(1 - 2 / Math.PI), 6);
    expect(moments.mass).toBeCloseTo(0.5, 6);
    const ones = new Array(draws.length).fill(1);
    expect(Math.abs(weightedMean(draws, ones) - moments.mean)).toBeLessThan(4 * moments.sd / Math.sqrt(draws.length));
  });
});

describe('weighted statistics', () => {
  it('quantiles invert the weighted distribution; ESS; covariance and its Cholesky factor', () => {
    expect(weightedQuantile([3, 1, 2], [1, 1, 2], 0.5)).toBe(2);
    expect(weightedQuantile([3, 1, 2], [1, 1, 2], 0.25)).toBe(1);
    expect(weightedQuantile([3, 1, 2], [1, 1, 2], 0.76)).toBe(3);
    expect(weightedQuantile([5, Number.NaN, 1], [1, 1, 1], 1)).toBe(5);
    expect(weightedQuantiles([1, 2, 3, 4], [1, 1, 1, 1], [0, 0.5, 1])).toEqual([1, 2, 4]);
    expect(effectiveSampleSize([1, 1, 1, 1])).toBe(4);
    expect(effectiveSampleSize([1, 0, 0, 0])).toBe(1);
    const points = [[0, 0], [2, 2], [0, 2], [2, 0]];
    const cov = weightedCovariance(points, [1, 1, 1, 1], 2);
    expect([...cov]).toEqual([1, 0, 0, 1]);
    const l = cholesky([4, 2, 2, 3], 2)!;
    expect([...l]).toEqual([2, 0, 1, Math.sqrt(2)]);
    expect(cholesky([1, 2, 2, 1], 2)).toBeNull();
    expect(weightedCorrelation([1, 2, 3], [2, 4, 6], [1, 1, 1])).toBeCloseTo(1, 12);
    expect(weightedCorrelation([1, 2, 3], [5, 5, 5], [1, 1, 1])).toBeNaN();
  });
});
