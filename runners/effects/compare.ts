/**
 * Two points' effects over the same baseline, compared: can they be told apart with the
 * replicates run? The difference of two effects is A − B (the baseline cancels), with the paired
 * t interval of A_r − B_r or Welch's; the difference of two ratios (effect per US$1M) has a
 * delta-method interval from the linearised ratio estimators. Pure functions over arrays.
 */
import { effectInterval, jointEffects, type Interval, type Pairing, type TQuantile } from './estimate.js';

/** Per-replicate values of a metric and of spend at one point (index = replicate). */
export interface MetricAndSpend {
  y: readonly number[];
  spend: readonly number[];
}

/** The difference of the effects of a and b over one baseline: mean(a) − mean(b), with its 95% interval. */
export function effectDifference(a: readonly number[], b: readonly number[], pairing: Pairing, t: TQuantile): Interval {
  return effectInterval(jointEffects(a, a, b, b, pairing).y, t);
}

/** Whether an interval excludes 0 (NaN bounds: no). */
export function excludesZero(interval: Pick<Interval, 'ci95Low' | 'ci95High'>): boolean {
  return interval.ci95Low > 0 || interval.ci95High < 0;
}

function meanOf(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function varianceOf(xs: readonly number[]): number {
  const m = meanOf(xs);
  return xs.reduce((s, x) => s + (x - m) * (x - m), 0) / (xs.length - 1);
}

/**
 * R_a − R_b, where R_p = (mean y_p − mean y_0) / (mean s_p − mean s_0) · per, over the shared
 * baseline 0, with a 95% delta-method interval. Paired (replicate r of all three ran with the
 * same seed): the t interval of the per-replicate linearised values
 * z_r = (Δy_a,r − R_a·Δs_a,r)/Δs̄_a − (Δy_b,r − R_b·Δs_b,r)/Δs̄_b. Independent: the three samples'
 * linearised contributions add, with t on the smallest sample's n − 1 degrees of freedom.
 * NaN when either denominator is 0 or there are fewer than 2 replicates.
 */
export function ratioDifference(a: MetricAndSpend, b: MetricAndSpend, baseline: MetricAndSpend, pairing: Pairing, t: TQuantile, per = 1): Interval {
  const none = { value: NaN, ci95Low: NaN, ci95High: NaN };
  const finite = (p: MetricAndSpend, r: number) => Number.isFinite(p.y[r]) && Number.isFinite(p.spend[r]);
  if (pairing === 'paired') {
    const rs = [...a.y.keys()].filter((r) => finite(a, r) && finite(b, r) && finite(baseline, r));
    if (rs.length < 2) return none;
    const dy = (p: MetricAndSpend) => rs.map((r) => p.y[r] - baseline.y[r]);
    const ds = (p: MetricAndSpend) => rs.map((r) => (p.spend[r] - baseline.spend[r]) / per);
    const [ya, sa, yb, sb] = [dy(a), ds(a), dy(b), ds(b)];
    const [ma, mb] = [meanOf(sa), meanOf(sb)];
    if (ma === 0 || mb === 0) return none;
    const [ra, rb] = [meanOf(ya) / ma, meanOf(yb) / mb];
    const z = rs.map((_, i) => (ya[i] - ra * sa[i]) / ma - (yb[i] - rb * sb[i]) / mb);
    const half = t(rs.length - 1) * Math.sqrt(varianceOf(z) / rs.length);
    return { value: ra - rb, ci95Low: ra - rb - half, ci95High: ra - rb + half };
  }
  const pick = (p: MetricAndSpend) => {
    const rs = [...p.y.keys()].filter((r) => finite(p, r));
    return { y: rs.map((r) => p.y[r]), s: rs.map((r) => p.spend[r] / per) };
  };
  const [pa, pb, p0] = [pick(a), pick(b), pick(baseline)];
  if (Math.min(pa.y.length, pb.y.length, p0.y.length) < 2) return none;
  const [ba, bb] = [meanOf(pa.s) - meanOf(p0.s), meanOf(pb.s) - meanOf(p0.s)];
  if (ba === 0 || bb === 0) return none;
  const [ra, rb] = [(meanOf(pa.y) - meanOf(p0.y)) / ba, (meanOf(pb.y) - meanOf(p0.y)) / bb];
  const ua = pa.y.map((y, i) => (y - ra * pa.s[i]) / ba);
  const ub = pb.y.map((y, i) => (y - rb * pb.s[i]) / bb);
  const u0 = p0.y.map((y, i) => -(y - ra * p0.s[i]) / ba + (y - rb * p0.s[i]) / bb);
  const se = Math.sqrt(varianceOf(ua) / ua.length + varianceOf(ub) / ub.length + varianceOf(u0) / u0.length);
  const half = t(Math.min(ua.length, ub.length, u0.length) - 1) * se;
  return { value: ra - rb, ci95Low: ra - rb - half, ci95High: ra - rb + half };
}
