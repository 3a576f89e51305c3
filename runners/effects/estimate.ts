/**
 * The effect of a design point over its baseline for one metric, from the per-replicate values of
 * both, and ratios of two effects (per US$1M, cost per additional defection) with Fieller's
 * interval. Pure functions over arrays: no files, no model; the Student t quantile is injected.
 *
 * Paired (common random numbers: replicate r of both points ran with the same seed): the effect
 * is the mean of the differences x_r − b_r and its interval the t interval of those differences.
 * Independent: the difference of the two means with Welch's interval (Welch–Satterthwaite
 * degrees of freedom).
 */

export type Pairing = 'paired' | 'independent';

/** The 0.975 quantile of Student's t with `df` (possibly fractional) degrees of freedom. */
export type TQuantile = (df: number) => number;

/** Means, and the sampling (co)variances of the two estimated effects `a` (a metric) and `b` (spend, say). */
export interface EffectMoments {
  /** Replicates used: pairs with both values at both points (paired), or values at the point (independent). */
  n: number;
  baselineN: number;
  baselineMean: number;
  mean: number;
  /** mean − baselineMean. */
  effect: number;
  /** Standard error of `effect` (NaN with fewer than 2 replicates on a side). */
  se: number;
  /** Degrees of freedom of the t quantile used with `se`. */
  df: number;
}

export interface Interval {
  value: number;
  ci95Low: number;
  ci95High: number;
}

/** Sample mean and the sample (co)variance (n − 1) of two aligned arrays. */
function moments(xs: readonly number[], ys: readonly number[]): { n: number; meanX: number; meanY: number; varX: number; varY: number; cov: number } {
  const n = xs.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i];
    sy += ys[i];
  }
  const meanX = sx / n;
  const meanY = sy / n;
  let vx = 0;
  let vy = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - meanX;
    const dy = ys[i] - meanY;
    vx += dx * dx;
    vy += dy * dy;
    c += dx * dy;
  }
  const denominator = n - 1;
  return n > 1 ? { n, meanX, meanY, varX: vx / denominator, varY: vy / denominator, cov: c / denominator } : { n, meanX, meanY, varX: NaN, varY: NaN, cov: NaN };
}

/** Welch–Satterthwaite degrees of freedom of the sum of two variances of means v1 (n1 values) and v2 (n2). */
export function welchDf(v1: number, n1: number, v2: number, n2: number): number {
  const total = v1 + v2;
  if (total === 0) return n1 + n2 - 2;
  return (total * total) / ((v1 * v1) / (n1 - 1) + (v2 * v2) / (n2 - 1));
}

/**
 * Two effects of the same point over the same baseline — of `y` (a metric) and of `s` (a second
 * metric, e.g. spend) — with the sampling variances of both and their covariance, as Fieller's
 * interval needs them. `point` and `baseline` hold [y, s] per replicate (index = replicate).
 * Replicates where y or s is not finite are left out (and, when paired, their partners too).
 */
export interface JointEffects {
  y: EffectMoments;
  s: EffectMoments;
  /** Covariance of the two estimated effects. */
  cov: number;
  /** Degrees of freedom for an interval involving both. */
  df: number;
}

export function jointEffects(
  pointY: readonly number[], pointS: readonly number[], baselineY: readonly number[], baselineS: readonly number[], pairing: Pairing,
): JointEffects {
  const usable = (ys: readonly number[], ss: readonly number[], r: number) => Number.isFinite(ys[r]) && Number.isFinite(ss[r]);
  if (pairing === 'paired') {
    const [py, ps, by, bs] = [[], [], [], []] as number[][];
    const length = Math.min(pointY.length, baselineY.length);
    for (let r = 0; r < length; r++) {
      if (!usable(pointY, pointS, r) || !usable(baselineY, baselineS, r)) continue;
      py.push(pointY[r]);
      ps.push(pointS[r]);
      by.push(baselineY[r]);
      bs.push(baselineS[r]);
    }
    const p = moments(py, ps);
    const b = moments(by, bs);
    const d = moments(py.map((v, i) => v - by[i]), ps.map((v, i) => v - bs[i]));
    const n = d.n;
    const df = n - 1;
    const effectOf = (mean: number, baselineMean: number, variance: number): EffectMoments => ({
      n, baselineN: n, baselineMean, mean, effect: mean - baselineMean, se: Math.sqrt(variance / n), df,
    });
    return { y: effectOf(p.meanX, b.meanX, d.varX), s: effectOf(p.meanY, b.meanY, d.varY), cov: d.cov / n, df };
  }
  const pick = (ys: readonly number[], ss: readonly number[]) => {
    const [y, s] = [[], []] as number[][];
    for (let r = 0; r < ys.length; r++) if (usable(ys, ss, r)) (y.push(ys[r]), s.push(ss[r]));
    return moments(y, s);
  };
  const p = pick(pointY, pointS);
  const b = pick(baselineY, baselineS);
  const independent = (mean: number, baselineMean: number, varP: number, varB: number): EffectMoments => {
    const [v1, v2] = [varP / p.n, varB / b.n];
    return { n: p.n, baselineN: b.n, baselineMean, mean, effect: mean - baselineMean, se: Math.sqrt(v1 + v2), df: welchDf(v1, p.n, v2, b.n) };
  };
  const y = independent(p.meanX, b.meanX, p.varX, b.varX);
  const s = independent(p.meanY, b.meanY, p.varY, b.varY);
  // The two samples are independent, so the covariance of the effects is the sum of the within-point covariances of the means.
  return { y, s, cov: p.cov / p.n + b.cov / b.n, df: Math.min(y.df, s.df) };
}

/** The effect's 95% t interval (empty — NaN — with fewer than 2 replicates on a side). */
export function effectInterval(effect: EffectMoments, t: TQuantile): Interval {
  if (!Number.isFinite(effect.se)) return { value: effect.effect, ci95Low: NaN, ci95High: NaN };
  if (effect.se === 0) return { value: effect.effect, ci95Low: effect.effect, ci95High: effect.effect };
  const half = t(effect.df) * effect.se;
  return { value: effect.effect, ci95Low: effect.effect - half, ci95High: effect.effect + half };
}

/** Why a ratio is undefined: its denominator is exactly 0, or not distinguishable from 0, or below 0; or there is no interval. */
export type UndefinedRatio = 'zero' | 'not-distinguishable' | 'negative' | 'too-few';

export type Ratio = ({ defined: true } & Interval) | { defined: false; why: UndefinedRatio };

/**
 * a / b with Fieller's 95% interval, for estimates a and b with sampling variances vaa and vbb,
 * covariance vab and t quantile t: the set of R with (a − R·b)² ≤ t²·(vaa − 2R·vab + R²·vbb).
 * It is a bounded interval exactly when b's own t interval excludes 0; otherwise the ratio is
 * undefined (never a huge number). A denominator below 0 is refused too: "per dollar" or "per
 * additional defection" of a point that spends less, or loses fewer, than its baseline means
 * nothing as a purchase.
 */
export function fiellerRatio(a: number, b: number, vaa: number, vbb: number, vab: number, t: number): Ratio {
  if (![a, b, vaa, vbb, vab, t].every(Number.isFinite)) return { defined: false, why: 'too-few' };
  if (b === 0 && vbb === 0) return { defined: false, why: 'zero' };
  const t2 = t * t;
  const A = b * b - t2 * vbb;
  if (A <= 0) return { defined: false, why: 'not-distinguishable' };
  if (b < 0) return { defined: false, why: 'negative' };
  const B = a * b - t2 * vab;
  const C = a * a - t2 * vaa;
  // B² − AC ≥ 0 whenever A > 0 (the quadratic is ≤ 0 at R = a/b); clamp rounding below 0.
  const root = Math.sqrt(Math.max(0, B * B - A * C));
  return { defined: true, value: a / b, ci95Low: (B - root) / A, ci95High: (B + root) / A };
}

/** The ratio of the effect on y to the effect on s (scaled: y per `per` units of s), with Fieller's interval. */
export function effectRatio(joint: JointEffects, t: TQuantile, per = 1): Ratio {
  const { y, s } = joint;
  if (y.n < 2 || s.n < 2 || y.baselineN < 2) return { defined: false, why: 'too-few' };
  return fiellerRatio(y.effect, s.effect / per, y.se * y.se, (s.se * s.se) / (per * per), joint.cov / per, t(joint.df));
}

/** The inverse ratio: the effect on s per unit of the effect on y (e.g. spend per additional defection). */
export function inverseEffectRatio(joint: JointEffects, t: TQuantile): Ratio {
  return effectRatio({ y: joint.s, s: joint.y, cov: joint.cov, df: joint.df }, t);
}
