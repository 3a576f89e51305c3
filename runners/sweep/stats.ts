/**
 * Statistics of a design point's replicates, per metric, over the finite values only (a failed
 * run or a NaN metric does not count): n, mean, sample standard deviation, the 95% confidence
 * interval of the mean (Student t with n−1 degrees of freedom), min and max. The arithmetic is
 * mathjs's (loaded only for a sweep that writes files); the t quantile inverts the t distribution
 * function, written with mathjs's lgamma.
 */
export interface PointStatistics {
  n: number;
  mean: number;
  sd: number;
  ci95Low: number;
  ci95High: number;
  min: number;
  max: number;
}

type MathJs = typeof import('mathjs');

export type Describe = (values: readonly number[]) => PointStatistics;

let loading: Promise<Describe> | undefined;
let loadingMath: Promise<MathJs> | undefined;

/** mathjs's number-only build (the lighter one), loaded once. */
export function loadMath(): Promise<MathJs> {
  loadingMath ??= import('mathjs/number').then((math) => math as unknown as MathJs);
  return loadingMath;
}

/**
 * Load mathjs once and return the statistics function. A sweep calls this early so the load
 * overlaps the runs.
 */
export function loadStatistics(): Promise<Describe> {
  loading ??= loadMath().then((math) => (values: readonly number[]) => describe(math, values));
  return loading;
}

/** The 0.975 quantile of Student's t as a function of the degrees of freedom (for effect intervals). */
export async function loadTQuantile975(): Promise<(df: number) => number> {
  const math = await loadMath();
  return (df: number) => studentTQuantile(math, 0.975, df);
}

export function describe(math: MathJs, values: readonly number[]): PointStatistics {
  const xs = values.filter((x) => Number.isFinite(x));
  const n = xs.length;
  if (n === 0) return { n, mean: NaN, sd: NaN, ci95Low: NaN, ci95High: NaN, min: NaN, max: NaN };
  const mean = math.mean(xs) as number;
  const min = math.min(xs) as number;
  const max = math.max(xs) as number;
  if (n === 1) return { n, mean, sd: NaN, ci95Low: NaN, ci95High: NaN, min, max };
  const sd = math.std(xs, 'unbiased') as unknown as number;
  const t = studentTQuantile(math, 0.975, n - 1);
  const half = t * (sd / Math.sqrt(n));
  if (Number.isFinite(mean - half) && Number.isFinite(mean + half)) return { n, mean, sd, ci95Low: mean - half, ci95High: mean + half, min, max };
  // Values near ±1.8e308 overflow the sums: the same statistics on the values scaled by the largest
  // magnitude, scaled back. (Only an interval bound truly beyond the largest double stays undefined.)
  const scale = Math.max(Math.abs(min), Math.abs(max));
  const scaled = xs.map((x) => x / scale);
  const meanScaled = math.mean(scaled) as number;
  const halfScaled = t * ((math.std(scaled, 'unbiased') as unknown as number) / Math.sqrt(n));
  return {
    n, mean: meanScaled * scale, sd: (math.std(scaled, 'unbiased') as unknown as number) * scale,
    ci95Low: (meanScaled - halfScaled) * scale, ci95High: (meanScaled + halfScaled) * scale, min, max,
  };
}

const quantiles = new Map<string, number>();

/** The p-quantile (p > 0.5) of Student's t with `df` degrees of freedom, by bisection to machine precision. */
export function studentTQuantile(math: Pick<MathJs, 'lgamma'>, p: number, df: number): number {
  const key = `${p}/${df}`;
  const cached = quantiles.get(key);
  if (cached !== undefined) return cached;
  let lo = 0;
  let hi = 1;
  while (studentTCdf(math, hi, df) < p) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (studentTCdf(math, mid, df) < p) lo = mid;
    else hi = mid;
  }
  quantiles.set(key, hi);
  return hi;
}

/** P(T <= t) for t >= 0: 1 − I_x(df/2, 1/2)/2 with x = df/(df + t²). */
export function studentTCdf(math: Pick<MathJs, 'lgamma'>, t: number, df: number): number {
  const x = df / (df + t * t);
  return 1 - 0.5 * regularizedIncompleteBeta(math, x, df / 2, 0.5);
}

/** I_x(a, b) by Lentz's continued fraction (Numerical Recipes `betai`). */
export function regularizedIncompleteBeta(math: Pick<MathJs, 'lgamma'>, x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = (math.lgamma(a + b) as number) - (math.lgamma(a) as number) - (math.lgamma(b) as number) + a * Math.log(x) + b * Math.log(1 - x);
  const front = Math.exp(lnFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}
