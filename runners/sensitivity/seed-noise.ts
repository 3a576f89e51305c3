/**
 * How much of an output's variance over the design is seed noise (pure). A point's output is the
 * mean of R replicates, so its noise variance is the replicates' variance over R. The share is
 * mean noise variance / variance of the point outputs: near 0, the indices describe the model's
 * parameters; near 1, mostly the seeds. Under `seeds: common` every point runs the same R seeds,
 * so part of the noise is shared by all points and does not spread them: each replicate's common
 * shift (its mean deviation over the points) is taken out first.
 */
export interface SeedNoise {
  /** Variance (ddof 1) of the per-row outputs over the design rows. */
  outputVariance: number;
  /** Mean over rows of the variance of the row's replicate mean. */
  noiseVariance: number;
  /** noiseVariance / outputVariance (NaN when the output does not vary). */
  share: number;
}

/** `values`: one per row; `replicates`: rows × R (NaN where a run is missing). */
export function seedNoise(values: Float64Array, replicates: Float64Array, R: number, commonSeeds: boolean): SeedNoise {
  const rows = values.length;
  let mean = 0;
  for (const v of values) mean += v / rows;
  let outputVariance = 0;
  for (const v of values) outputVariance += (v - mean) ** 2 / (rows - 1);
  if (R < 2) return { outputVariance, noiseVariance: NaN, share: NaN };
  // Deviations of each replicate from its row's mean; the mean over rows of replicate r's deviation is its common shift.
  const shift = new Float64Array(R);
  const count = new Float64Array(R);
  const rowMean = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    let n = 0;
    for (let r = 0; r < R; r++) {
      const x = replicates[i * R + r];
      if (Number.isFinite(x)) { s += x; n++; }
    }
    rowMean[i] = n > 0 ? s / n : NaN;
  }
  if (commonSeeds) {
    for (let i = 0; i < rows; i++) {
      for (let r = 0; r < R; r++) {
        const d = replicates[i * R + r] - rowMean[i];
        if (Number.isFinite(d)) { shift[r] += d; count[r]++; }
      }
    }
    for (let r = 0; r < R; r++) shift[r] = count[r] > 0 ? shift[r] / count[r] : 0;
  }
  let noise = 0;
  let used = 0;
  for (let i = 0; i < rows; i++) {
    let ss = 0;
    let n = 0;
    for (let r = 0; r < R; r++) {
      const d = replicates[i * R + r] - rowMean[i] - shift[r];
      if (Number.isFinite(d)) { ss += d * d; n++; }
    }
    if (n < 2) continue;
    noise += ss / (n - 1) / n;
    used++;
  }
  const noiseVariance = used > 0 ? noise / used : NaN;
  return { outputVariance, noiseVariance, share: outputVariance > 0 ? noiseVariance / outputVariance : NaN };
}
