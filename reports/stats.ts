/** Replicate statistics: mean and a 95% confidence interval of the mean (Student's t). */

/** Two-sided 95% Student t quantiles for 1…30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The 0.975 quantile of Student's t with df degrees of freedom (Cornish–Fisher expansion past the table). */
export function tQuantile975(df: number): number {
  if (df < 1) return Number.NaN;
  if (df <= T975.length) return T975[Math.floor(df) - 1];
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

export interface MeanInterval {
  readonly n: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

/** Mean of the finite values with a 95% t interval; with one value the interval is the value itself. */
export function meanInterval(values: readonly number[]): MeanInterval {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  if (n === 0) return { n, mean: Number.NaN, low: Number.NaN, high: Number.NaN };
  const mean = finite.reduce((sum, v) => sum + v, 0) / n;
  if (n === 1) return { n, mean, low: mean, high: mean };
  const variance = finite.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  const halfWidth = tQuantile975(n - 1) * Math.sqrt(variance / n);
  return { n, mean, low: mean - halfWidth, high: mean + halfWidth };
}
