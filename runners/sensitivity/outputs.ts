/**
 * The outputs a sampled sweep is analysed for, built from per-run metric values (pure). Each
 * design row is run at every cross combination with R replicates; an output is one number per
 * design row:
 *   - the replicate mean of a metric at one combination (`mean`);
 *   - with a baseline (issue 9's `baseline:`), per sample: the point's mean minus its baseline
 *     point's mean (`effect`), and that over the spend above the baseline in US$ millions
 *     (`effect_per_million_usd`), for every combination that is not a baseline itself.
 * Beside each output's per-row values are its replicate-level values (rows × R: the metric, the
 * paired difference replicate r − replicate r, or that difference over the mean extra spend),
 * from which seed-noise.ts estimates how much of the output's variance is seed noise.
 */
import { InputError } from '../../engine/errors.js';
import type { ParameterValue } from '../sweep/experiment.js';

export type Statistic = 'mean' | 'effect' | 'effect_per_million_usd';

export interface OutputSeries {
  /** As written in sensitivity.csv's `metric` column: metric, `.statistic` for effects, `|k=v;…` for a cross combination. */
  readonly name: string;
  readonly metric: string;
  readonly statistic: Statistic;
  readonly cross: Readonly<Record<string, ParameterValue>>;
  /** The baseline combination an effect is taken over. */
  readonly baseline?: Readonly<Record<string, ParameterValue>>;
  /** One value per design row. */
  readonly values: Float64Array;
  /** rows × replicates, row-major. */
  readonly replicateValues: Float64Array;
}

export interface RunValues {
  readonly rows: number;
  readonly replicates: number;
  readonly combinations: readonly Record<string, ParameterValue>[];
  /** metric → value of every run, indexed (row × combinations + combination) × replicates + replicate; NaN when missing. */
  readonly metrics: ReadonlyMap<string, Float64Array>;
}

/** Metrics that are not given per $1M over the baseline: money itself, ratios already, bookkeeping. */
const NO_PER_DOLLAR = /^(spend_usd|budget_left_usd|calibration_.*)$|per_million_usd$|^cost_per_/;
/** The defection model's spend metric (the default of buildOutputs). */
export const SPEND_METRIC = 'spend_usd';

export function outputName(metric: string, statistic: Statistic, cross: Readonly<Record<string, ParameterValue>>): string {
  const keys = Object.entries(cross);
  return `${metric}${statistic === 'mean' ? '' : `.${statistic}`}${keys.length ? `|${keys.map(([k, v]) => `${k}=${String(v)}`).join(';')}` : ''}`;
}

/** For each combination, the index of its baseline combination (itself when it is one); null without a baseline. */
export function baselineCombinations(combinations: readonly Record<string, ParameterValue>[], baseline: Readonly<Record<string, ParameterValue>> | undefined): number[] | null {
  if (!baseline || Object.keys(baseline).length === 0) return null;
  const key = (c: Readonly<Record<string, ParameterValue>>) => JSON.stringify(Object.keys(combinations[0]).map((k) => String(c[k])));
  const index = new Map(combinations.map((c, i) => [key(c), i]));
  for (const k of Object.keys(baseline)) {
    if (!(k in combinations[0])) throw new InputError(`invalid baseline key '${k}' for a sampled design (allowed: a key of design.cross: ${Object.keys(combinations[0]).join(', ') || 'none'}; each sample's baseline is the same sample at the baseline's cross values)`);
  }
  return combinations.map((c) => {
    const target = { ...c, ...baseline };
    const found = index.get(key(target));
    if (found === undefined) throw new InputError(`the baseline ${JSON.stringify(baseline)} is not among the design's cross combinations (allowed: values listed in design.cross)`);
    return found;
  });
}

function meanOf(values: Float64Array, from: number, count: number): number {
  let sum = 0;
  let n = 0;
  for (let i = from; i < from + count; i++) {
    if (Number.isFinite(values[i])) {
      sum += values[i];
      n++;
    }
  }
  return n > 0 ? sum / n : NaN;
}

/**
 * Every output of a sampled sweep, in metric order; per metric: the means, then effects and (with
 * a spend metric: the model's `outcomes.spendMetric`, null for none) per-$1M effects per combination.
 */
export function buildOutputs(runs: RunValues, metrics: readonly string[], baseline?: Readonly<Record<string, ParameterValue>>, spendMetric: string | null = SPEND_METRIC): OutputSeries[] {
  const { rows, replicates: R, combinations } = runs;
  const C = combinations.length;
  const bases = baselineCombinations(combinations, baseline);
  const spend = spendMetric === null ? undefined : runs.metrics.get(spendMetric);
  const out: OutputSeries[] = [];
  const at = (row: number, c: number) => (row * C + c) * R;
  for (const metric of metrics) {
    const values = runs.metrics.get(metric);
    if (!values) throw new InputError(`no metric '${metric}' in the sweep (allowed: ${[...runs.metrics.keys()].join(', ')})`);
    for (let c = 0; c < C; c++) {
      const perRow = new Float64Array(rows);
      for (let row = 0; row < rows; row++) perRow[row] = meanOf(values, at(row, c), R);
      out.push({ name: outputName(metric, 'mean', combinations[c]), metric, statistic: 'mean', cross: combinations[c], values: perRow, replicateValues: gather(values, rows, C, R, c) });
    }
    if (!bases) continue;
    for (let c = 0; c < C; c++) {
      const b = bases[c];
      if (b === c) continue;
      const effect = new Float64Array(rows);
      const paired = new Float64Array(rows * R);
      const extraSpend = new Float64Array(rows);
      for (let row = 0; row < rows; row++) {
        effect[row] = meanOf(values, at(row, c), R) - meanOf(values, at(row, b), R);
        for (let r = 0; r < R; r++) paired[row * R + r] = values[at(row, c) + r] - values[at(row, b) + r];
        if (spend) extraSpend[row] = (meanOf(spend, at(row, c), R) - meanOf(spend, at(row, b), R)) / 1e6;
      }
      const base = { metric, cross: combinations[c], baseline: combinations[b] };
      out.push({ ...base, name: outputName(metric, 'effect', combinations[c]), statistic: 'effect', values: effect, replicateValues: paired });
      if (!spend || metric === spendMetric || NO_PER_DOLLAR.test(metric)) continue;
      // Per sample: the effect over the mean extra spend; undefined (NaN) where no extra money was spent.
      const perDollar = effect.map((e, row) => (extraSpend[row] > 0 ? e / extraSpend[row] : NaN));
      const pairedPerDollar = paired.map((d, i) => {
        const s = extraSpend[Math.floor(i / R)];
        return s > 0 ? d / s : NaN;
      });
      out.push({ ...base, name: outputName(metric, 'effect_per_million_usd', combinations[c]), statistic: 'effect_per_million_usd', values: perDollar, replicateValues: pairedPerDollar });
    }
  }
  return out;
}

/** The rows × R block of one combination. */
function gather(values: Float64Array, rows: number, C: number, R: number, c: number): Float64Array {
  const out = new Float64Array(rows * R);
  for (let row = 0; row < rows; row++) out.set(values.subarray((row * C + c) * R, (row * C + c + 1) * R), row * R);
  return out;
}
