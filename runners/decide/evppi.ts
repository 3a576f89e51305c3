/**
 * The value of information for a choice between policies, over worlds already run (no nested
 * simulation), in the criterion's own units.
 *
 * EVPI = E[max_d NB_d] − max_d E[NB_d]: what knowing the world before choosing would be worth. It
 * equals the expected regret of the policy chosen now (the expected best, d*), so its standard
 * error is that of a weighted mean of per-world regrets.
 *
 * EVPPI of a parameter (or group) θ = E_θ[max_d E(NB_d | θ)] − max_d E[NB_d]: what knowing θ alone
 * would be worth. Strong, Oakley & Brennan (2014): regress each policy's incremental net benefit
 * over d* on θ across the worlds; the fitted values are E(INB_d | θ) at each world, and
 * EVPPI = Σᵢ wᵢ max(0, maxₐ ĝ_d(θᵢ)) − max(0, maxₐ Σᵢ wᵢ ĝ_d(θᵢ)). One parameter: a penalised
 * cubic regression spline chosen by GCV, or exact means per level for a parameter with few values
 * (spline.ts); a group: Gaussian-process regression (gp.ts, where the choice is argued).
 *
 * Standard error, two parts added as variances: (1) the regression's uncertainty, as Strong et al.
 * compute it — draw each fitted curve from its approximate posterior (`draws` times), recompute
 * EVPPI for every draw, take the variance; (2) the Monte Carlo error of averaging over a finite set
 * of worlds, the same as for EVPI: Σ wᵢ² (tᵢ − EVPPI)² with tᵢ each world's term. The regression
 * estimator is biased upwards by noise in the fitted curves (a maximum of noisy estimates); with a
 * parameter that does not enter the outcome the bias is of the order of its standard error.
 */
import { InputError } from '../../engine/errors.js';
import { RandomStream } from '../../engine/rng.js';
import { gpSmoother, type GpSettings, type GpSmoother } from './gp.js';
import { choleskyInPlace, normaliseWeights, unitRanks } from './numeric.js';
import { checkOutcomes, checkParameters, netBenefit, type CriterionOutcomes, type WorldParameters } from './outcomes.js';
import { smootherFor, type CurveFit, type Smoother } from './spline.js';

/** The parameter name of the EVPI row in evppi tables. */
export const ALL_PARAMETERS = '*';
/** Posterior draws of the fitted curves for the standard error (default). */
export const DEFAULT_EVPPI_DRAWS = 200;

export interface EvppiOptions {
  /** Importance weights of the worlds (default equal). */
  readonly weights?: ArrayLike<number>;
  /** Parameters to value one by one (default: every parameter). */
  readonly parameters?: readonly string[];
  /** Named groups valued jointly: name → its parameters. */
  readonly groups?: Readonly<Record<string, readonly string[]>>;
  /** Posterior draws of the fitted curves for the standard error (default 200; 0: regression part left out). */
  readonly draws?: number;
  /** Seed of the draws and of the GP's subsets (default 1). */
  readonly seed?: number;
  readonly gp?: GpSettings;
}

export interface ValueOfInformation {
  /** EVPI in the criterion's units (outcome units; a gain whether higher or lower is better). */
  readonly evpi: number;
  readonly evpiSe: number;
  /** Index of the policy chosen without further information: the best expected outcome. */
  readonly expectedBest: number;
}

export interface EvppiRow {
  /** `*` for EVPI, a parameter's name, or a group's name. */
  readonly parameter: string;
  readonly kind: 'all' | 'parameter' | 'group';
  /** The parameters the row is about (all of them for EVPI). */
  readonly members: readonly string[];
  /** evpi: no regression; spline or levels: one parameter; gp: a group. */
  readonly method: 'evpi' | 'spline' | 'levels' | 'gp';
  readonly evppi: number;
  readonly evppiSe: number;
  /** EVPPI / EVPI (NaN when EVPI is 0). */
  readonly shareOfEvpi: number;
}

export interface EvppiResult extends ValueOfInformation {
  /** EVPI first (parameter `*`), then the parameters, then the groups, in the order asked. */
  readonly rows: readonly EvppiRow[];
}

/** EVPI of a criterion with its standard error. */
export function evpi(outcomes: CriterionOutcomes, options: { weights?: ArrayLike<number> } = {}): ValueOfInformation {
  checkOutcomes(outcomes);
  const weights = normaliseWeights(outcomes.worlds, options.weights);
  return evpiOf(netBenefit(outcomes), outcomes.policies.length, weights);
}

function evpiOf(nb: Float64Array, P: number, weights: Float64Array): ValueOfInformation {
  const W = weights.length;
  const means = new Float64Array(P);
  for (let w = 0; w < W; w++) for (let d = 0; d < P; d++) means[d] += weights[w] * nb[w * P + d];
  let best = 0;
  for (let d = 1; d < P; d++) if (means[d] > means[best]) best = d;
  const regret = new Float64Array(W);
  let value = 0;
  for (let w = 0; w < W; w++) {
    let top = -Infinity;
    for (let d = 0; d < P; d++) top = Math.max(top, nb[w * P + d]);
    regret[w] = top - nb[w * P + best];
    value += weights[w] * regret[w];
  }
  let variance = 0;
  for (let w = 0; w < W; w++) variance += weights[w] * weights[w] * (regret[w] - value) ** 2;
  return { evpi: value, evpiSe: Math.sqrt(variance), expectedBest: best };
}

type CurveSmoother = Smoother | GpSmoother;

/**
 * Smoothers prepared for a set of worlds (parameters and weights), to be reused across criteria:
 * what depends on the inputs alone is computed once.
 */
export interface EvppiPlan {
  readonly parameters: WorldParameters;
  readonly weights: Float64Array;
  readonly targets: readonly { name: string; kind: 'parameter' | 'group'; members: readonly string[]; smoother: () => CurveSmoother }[];
  readonly draws: number;
  readonly seed: number;
}

/** Check the parameters, groups and settings and prepare the smoothers (lazily, on first use). */
export function prepareEvppi(parameters: WorldParameters, options: EvppiOptions = {}): EvppiPlan {
  const worlds = parameters.columns[0]?.length ?? 0;
  checkParameters(parameters, worlds);
  const weights = normaliseWeights(worlds, options.weights);
  const draws = options.draws ?? DEFAULT_EVPPI_DRAWS;
  if (!Number.isInteger(draws) || draws < 0 || draws > 100_000) throw new InputError(`invalid value for 'draws': ${String(draws)} (allowed: a whole number from 0 to 100000)`);
  const seed = options.seed ?? 1;
  const known = new Set(parameters.names);
  const names = options.parameters ?? parameters.names;
  for (const name of names) if (!known.has(name)) throw new InputError(`invalid value for 'parameters': ${JSON.stringify(name)} (allowed: parameters of the worlds: ${parameters.names.join(', ')})`);
  const column = (name: string) => parameters.columns[parameters.names.indexOf(name)];
  const lazy = (make: () => CurveSmoother) => {
    let made: CurveSmoother | undefined;
    return () => (made ??= make());
  };
  const targets: EvppiPlan['targets'][number][] = names.map((name) => ({
    name, kind: 'parameter' as const, members: [name], smoother: lazy(() => smootherFor(column(name), weights)),
  }));
  for (const [group, members] of Object.entries(options.groups ?? {})) {
    if (group === ALL_PARAMETERS || known.has(group)) throw new InputError(`invalid value for 'groups': ${JSON.stringify(group)} (allowed: a group name that is not '*' and not a parameter's name)`);
    if (!Array.isArray(members) || members.length === 0) throw new InputError(`invalid value for 'groups.${group}': ${JSON.stringify(members)} (allowed: a list of at least one parameter)`);
    for (const m of members) if (!known.has(m)) throw new InputError(`invalid value for 'groups.${group}': ${JSON.stringify(m)} (allowed: parameters of the worlds: ${parameters.names.join(', ')})`);
    if (new Set(members).size !== members.length) throw new InputError(`invalid value for 'groups.${group}': ${JSON.stringify(members)} (allowed: each parameter once)`);
    targets.push({
      name: group, kind: 'group', members: [...members],
      smoother: lazy(() => (members.length === 1
        ? smootherFor(column(members[0]), weights)
        : gpSmoother(members.map((m) => unitRanks(column(m))), weights, { seed, ...options.gp }))),
    });
  }
  return { parameters, weights, targets, draws, seed };
}

/**
 * EVPI and EVPPI of one criterion: `parameters` are the worlds' parameters (or an EvppiPlan made
 * for them, shared between criteria). Rows: EVPI, then each parameter, then each group.
 */
export function evppi(outcomes: CriterionOutcomes, parameters: WorldParameters | EvppiPlan, options: EvppiOptions = {}): EvppiResult {
  checkOutcomes(outcomes);
  const plan = 'targets' in parameters ? parameters : prepareEvppi(parameters, options);
  if (plan.weights.length !== outcomes.worlds) throw new InputError(`the worlds' parameters have ${plan.weights.length} worlds, the outcomes ${outcomes.worlds} (allowed: the same worlds)`);
  const P = outcomes.policies.length;
  const nb = netBenefit(outcomes);
  const total = evpiOf(nb, P, plan.weights);
  const share = (v: number) => (total.evpi > 0 ? v / total.evpi : NaN);
  const rows: EvppiRow[] = [{
    parameter: ALL_PARAMETERS, kind: 'all', members: plan.parameters.names, method: 'evpi', evppi: total.evpi, evppiSe: total.evpiSe, shareOfEvpi: total.evpi > 0 ? 1 : NaN,
  }];
  // Incremental net benefit of every other policy over the expected best.
  const increments: Float64Array[] = [];
  for (let d = 0; d < P; d++) {
    if (d === total.expectedBest) continue;
    const inb = new Float64Array(outcomes.worlds);
    for (let w = 0; w < outcomes.worlds; w++) inb[w] = nb[w * P + d] - nb[w * P + total.expectedBest];
    increments.push(inb);
  }
  for (const target of plan.targets) {
    const smoother = target.smoother();
    const fits = increments.map((inb) => smoother.fit(inb));
    const value = partialValue(fits, plan.weights);
    const regression = plan.draws > 0 ? drawVariance(smoother, fits, plan.draws, new RandomStream(plan.seed, `decide-evppi:${target.name}`)) : 0;
    const evppiSe = Math.sqrt(value.samplingVariance + regression);
    rows.push({ parameter: target.name, kind: target.kind, members: target.members, method: smoother.method, evppi: value.evppi, evppiSe, shareOfEvpi: share(value.evppi) });
  }
  return { ...total, rows };
}

/** EVPPI from fitted incremental net benefits, and the Monte Carlo variance of its average over worlds. */
function partialValue(fits: readonly CurveFit[], weights: Float64Array): { evppi: number; samplingVariance: number } {
  const W = weights.length;
  const means = fits.map((f) => f.fitted.reduce((s, g, w) => s + weights[w] * g, 0));
  let chosen = -1; // the option with the best mean fitted value: -1 is the expected best itself (increment 0)
  let base = 0;
  means.forEach((m, k) => {
    if (m > base) {
      base = m;
      chosen = k;
    }
  });
  const terms = new Float64Array(W);
  let value = 0;
  for (let w = 0; w < W; w++) {
    let top = 0;
    for (const f of fits) if (f.fitted[w] > top) top = f.fitted[w];
    terms[w] = top - (chosen < 0 ? 0 : fits[chosen].fitted[w]);
    value += weights[w] * terms[w];
  }
  let variance = 0;
  for (let w = 0; w < W; w++) variance += weights[w] * weights[w] * (terms[w] - value) ** 2;
  return { evppi: value, samplingVariance: variance };
}

/** The variance of EVPPI over posterior draws of the fitted curves, evaluated on the smoother's bins. */
function drawVariance(smoother: CurveSmoother, fits: readonly CurveFit[], draws: number, random: RandomStream): number {
  const B = smoother.binWeights.length;
  const K = smoother.size;
  const curves = fits.map((fit) => {
    const factor = robustCholesky(fit.covariance, K);
    const values = new Float64Array(draws * B);
    const coefficients = new Float64Array(K);
    const noise = new Float64Array(K);
    for (let s = 0; s < draws; s++) {
      for (let k = 0; k < K; k++) noise[k] = random.normal();
      for (let r = 0; r < K; r++) {
        let v = fit.coefficients[r];
        for (let c = 0; c <= r; c++) v += factor[r * K + c] * noise[c];
        coefficients[r] = v;
      }
      const width = smoother.binWidth;
      for (let b = 0; b < B; b++) {
        let v = 0;
        for (let k = b * width; k < (b + 1) * width; k++) v += smoother.binValues[k] * coefficients[smoother.binColumns[k]];
        values[s * B + b] = v;
      }
    }
    return values;
  });
  const results = new Float64Array(draws);
  for (let s = 0; s < draws; s++) {
    let perfect = 0;
    let base = 0;
    for (const values of curves) {
      let mean = 0;
      for (let b = 0; b < B; b++) mean += smoother.binWeights[b] * values[s * B + b];
      base = Math.max(base, mean);
    }
    for (let b = 0; b < B; b++) {
      let top = 0;
      for (const values of curves) top = Math.max(top, values[s * B + b]);
      perfect += smoother.binWeights[b] * top;
    }
    results[s] = perfect - base;
  }
  let mean = 0;
  for (const r of results) mean += r / draws;
  let variance = 0;
  for (const r of results) variance += (r - mean) ** 2;
  return draws > 1 ? variance / (draws - 1) : 0;
}

/** Cholesky factor of a covariance matrix, with a growing ridge when it is only semi-definite. */
function robustCholesky(covariance: Float64Array, K: number): Float64Array {
  let diagonal = 0;
  for (let k = 0; k < K; k++) diagonal += Math.abs(covariance[k * K + k]) / K;
  if (!(diagonal > 0)) return new Float64Array(K * K);
  for (let ridge = 1e-10; ; ridge *= 10) {
    const a = covariance.slice();
    for (let k = 0; k < K; k++) a[k * K + k] += ridge * diagonal;
    if (choleskyInPlace(a, K)) return a;
    if (ridge > 1) return new Float64Array(K * K); // no usable covariance: the draws leave the curve as fitted
  }
}
