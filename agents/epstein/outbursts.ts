/**
 * Outbursts in a series of active citizens: spells of ticks at or above a threshold, and the
 * waiting times between them (the quiet ticks from the end of one outburst to the start of the
 * next), as in the paper's waiting-time analysis.
 */

export interface Outbursts {
  /** First tick of each outburst. */
  readonly starts: readonly number[];
  /** Ticks each lasted (an outburst still going at the end counts to the last tick). */
  readonly durations: readonly number[];
  /** Largest number of actives in each. */
  readonly peaks: readonly number[];
  /** Quiet ticks between consecutive outbursts (one fewer than outbursts). */
  readonly waits: readonly number[];
}

export function findOutbursts(active: ArrayLike<number>, threshold: number): Outbursts {
  const starts: number[] = [];
  const durations: number[] = [];
  const peaks: number[] = [];
  const waits: number[] = [];
  let start = -1;
  let peak = 0;
  let lastEnd = -1;
  for (let t = 0; t <= active.length; t++) {
    const on = t < active.length && active[t] >= threshold;
    if (on && start < 0) {
      if (lastEnd >= 0) waits.push(t - lastEnd);
      start = t;
      peak = active[t];
    } else if (on) {
      peak = Math.max(peak, active[t]);
    } else if (start >= 0) {
      starts.push(start);
      durations.push(t - start);
      peaks.push(peak);
      lastEnd = t;
      start = -1;
    }
  }
  return { starts, durations, peaks, waits };
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / values.length;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
