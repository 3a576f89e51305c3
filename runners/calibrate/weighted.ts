/**
 * Weighted statistics of a particle population and the small linear algebra the perturbation
 * kernel needs: weighted means, covariances, quantiles and correlations, the effective sample
 * size, and a Cholesky factor. Plain functions over arrays, no randomness, no I/O; every loop
 * runs in index order, so results are the same bits on every machine.
 */

/** Weights scaled to sum to 1 (all equal when they sum to 0). */
export function normalise(weights: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  const out = new Float64Array(weights.length);
  for (let i = 0; i < weights.length; i++) out[i] = total > 0 ? weights[i] / total : 1 / weights.length;
  return out;
}

/** Kish's effective sample size (Σw)² / Σw². */
export function effectiveSampleSize(weights: ArrayLike<number>): number {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i];
    squares += weights[i] * weights[i];
  }
  return squares > 0 ? (sum * sum) / squares : 0;
}

export function weightedMean(values: ArrayLike<number>, weights: ArrayLike<number>): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    sum += weights[i] * values[i];
    total += weights[i];
  }
  return sum / total;
}

/** Weighted variance with the weights as frequencies (no small-sample correction): Σw(x−m)²/Σw. */
export function weightedVariance(values: ArrayLike<number>, weights: ArrayLike<number>): number {
  const mean = weightedMean(values, weights);
  let sum = 0;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    sum += weights[i] * (values[i] - mean) ** 2;
    total += weights[i];
  }
  return sum / total;
}

export function weightedSd(values: ArrayLike<number>, weights: ArrayLike<number>): number {
  return Math.sqrt(weightedVariance(values, weights));
}

/** Weighted Pearson correlation of two columns (NaN when either is constant). */
export function weightedCorrelation(x: ArrayLike<number>, y: ArrayLike<number>, weights: ArrayLike<number>): number {
  const mx = weightedMean(x, weights);
  const my = weightedMean(y, weights);
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - mx, dy = y[i] - my;
    sxy += weights[i] * dx * dy;
    sxx += weights[i] * dx * dx;
    syy += weights[i] * dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/**
 * The weighted p-quantile: the smallest value whose cumulative weight (values ascending, ties
 * in index order) reaches p of the total — the inverse of the weighted empirical distribution.
 * Always one of the values. NaN values are ignored.
 */
export function weightedQuantile(values: ArrayLike<number>, weights: ArrayLike<number>, p: number): number {
  const order = sortedOrder(values);
  if (order.length === 0) return Number.NaN;
  let total = 0;
  for (const i of order) total += weights[i];
  const target = p * total;
  let cumulative = 0;
  for (const i of order) {
    cumulative += weights[i];
    if (cumulative >= target && weights[i] > 0) return values[i];
  }
  return values[order[order.length - 1]];
}

/** Several weighted quantiles of one column (sorting once). */
export function weightedQuantiles(values: ArrayLike<number>, weights: ArrayLike<number>, ps: readonly number[]): number[] {
  const order = sortedOrder(values);
  if (order.length === 0) return ps.map(() => Number.NaN);
  let total = 0;
  for (const i of order) total += weights[i];
  const cumulative = new Float64Array(order.length);
  let running = 0;
  order.forEach((i, k) => (cumulative[k] = running += weights[i]));
  return ps.map((p) => {
    const target = p * total;
    for (let k = 0; k < order.length; k++) if (cumulative[k] >= target && weights[order[k]] > 0) return values[order[k]];
    return values[order[order.length - 1]];
  });
}

/** Indexes of the non-NaN values, ascending by value, ties by index. */
function sortedOrder(values: ArrayLike<number>): number[] {
  const order: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) order.push(i);
  return order.sort((a, b) => values[a] - values[b] || a - b);
}

/**
 * Weighted covariance matrix of points (rows: particles, columns: parameters), with weights as
 * frequencies: Σ w_i (x_i − m)(x_i − m)ᵀ / Σ w_i. Row-major d×d.
 */
export function weightedCovariance(points: readonly ArrayLike<number>[], weights: ArrayLike<number>, d: number): Float64Array {
  const mean = new Float64Array(d);
  let total = 0;
  points.forEach((x, i) => {
    total += weights[i];
    for (let a = 0; a < d; a++) mean[a] += weights[i] * x[a];
  });
  for (let a = 0; a < d; a++) mean[a] /= total;
  const cov = new Float64Array(d * d);
  points.forEach((x, i) => {
    for (let a = 0; a < d; a++) {
      const da = x[a] - mean[a];
      for (let b = 0; b <= a; b++) cov[a * d + b] += weights[i] * da * (x[b] - mean[b]);
    }
  });
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      cov[a * d + b] /= total;
      cov[b * d + a] = cov[a * d + b];
    }
  }
  return cov;
}

/** Lower-triangular L with L Lᵀ = matrix (row-major d×d), or null when the matrix is not positive definite. */
export function cholesky(matrix: ArrayLike<number>, d: number): Float64Array | null {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * d + j];
      for (let k = 0; k < j; k++) sum -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(sum > 0)) return null;
        l[i * d + i] = Math.sqrt(sum);
      } else {
        l[i * d + j] = sum / l[j * d + j];
      }
    }
  }
  return l;
}

/** Solve L y = x for lower-triangular L (forward substitution), into `out`. */
export function forwardSolve(l: Float64Array, d: number, x: ArrayLike<number>, out: Float64Array): Float64Array {
  for (let i = 0; i < d; i++) {
    let sum = x[i];
    for (let k = 0; k < i; k++) sum -= l[i * d + k] * out[k];
    out[i] = sum / l[i * d + i];
  }
  return out;
}

/** log Σ exp(values), stable for very negative values. */
export function logSumExp(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i] - max);
  return max + Math.log(sum);
}
