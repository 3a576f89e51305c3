/**
 * The one run function: run a model with resolved parameters and a seed, check what it returned
 * against the model interface, and assemble the summary (the model's own information first, the
 * series at the last tick, the series at the record's target ticks and the comparison with the
 * record when the model has one, and the metrics). The CLI, sweep workers, benchmarks and tests
 * all call this.
 */
import { performance } from 'node:perf_hooks';
import { InputError } from '../../engine/errors.js';
import type { ModelDefinition, ParameterValues } from '../../engine/model.js';
import { checkRunOutput } from '../model/check.js';
import { ticksOf } from '../model/parameters.js';
import { formatNumber } from '../io/csv.js';
import { metricOutputs, seriesOutputs, TICK_COLUMN } from '../model/units.js';
import { compareWithRecord, type RecordComparison } from './record.js';

export interface RunResult {
  readonly model: string;
  readonly modelVersion: string;
  readonly seed: number;
  readonly ticks: number;
  /** The series columns, `tick` first (the model's own, or added here: 0 … ticks − 1). */
  readonly columns: readonly string[];
  /** The unit of every series column returned and of every metric recorded. */
  readonly units: Readonly<Record<string, string>>;
  /** One array per column, one entry per tick. */
  readonly data: readonly ArrayLike<number>[];
  readonly summary: RunSummary;
  readonly timing: { seconds: number; agentSteps: number };
}

/**
 * summary.json after scenario, seed and ticks: the model's `info` entries, `final` (every series
 * the model returns, at the last tick), with a record `atTargetTicks` (the same at each target's tick), the
 * model's `headline` entries, `metrics`, and with a record `calibration` (each target beside the
 * model's value).
 */
export interface RunSummary {
  readonly [key: string]: unknown;
  final: Record<string, number>;
  atTargetTicks?: Record<string, Record<string, number>>;
  metrics: Record<string, number>;
  calibration?: RecordComparison[];
}

export interface SimulateOptions {
  onTick?: (tick: number, ticks: number) => void;
}

export function simulate(model: ModelDefinition, params: ParameterValues, seed: number, options: SimulateOptions = {}): RunResult {
  const problem = model.checkParameters?.(params, new Set()) ?? null;
  if (problem) throw new InputError(problem);
  const ticks = ticksOf(model, params);
  const t0 = performance.now();
  const output = model.run(params, seed, options.onTick ? { onTick: options.onTick } : {});
  const seconds = (performance.now() - t0) / 1000;
  checkRunOutput(model, output, ticks);
  // Every series starts with the tick: a model that does not return it gets it here.
  const ownTick = output.columns[0] === TICK_COLUMN;
  const columns = ownTick ? output.columns : [TICK_COLUMN, ...output.columns];
  const data = ownTick ? output.data : [tickValues(ticks), ...output.data];
  const index = new Map(columns.map((c, i) => [c, i]));
  const value = (column: string, tick: number) => {
    const i = index.get(column);
    return i === undefined || tick >= ticks ? undefined : data[i][tick];
  };
  const last = ticks - 1;
  const final = Object.fromEntries(output.columns.map((c, i) => [c, output.data[i][last]]));
  const metrics: Record<string, number> = { ...output.metrics };
  const summary: Record<string, unknown> = { ...output.info, final };
  if (model.record) {
    const calibration = compareWithRecord(model.record, value);
    const atTargetTicks: Record<string, Record<string, number>> = {};
    for (const c of calibration) atTargetTicks[c.tick] ??= Object.fromEntries(output.columns.map((col, i) => [col, output.data[i][c.tick]]));
    Object.assign(summary, { atTargetTicks, ...output.headline, metrics, calibration });
    metrics.calibration_passed = calibration.filter((c) => c.pass).length;
    metrics.calibration_targets = calibration.length;
  } else {
    Object.assign(summary, { ...output.headline, metrics });
  }
  const units = Object.fromEntries([
    ...seriesOutputs(model).filter((s) => index.has(s.name)),
    ...metricOutputs(model).filter((m) => m.name in metrics),
  ].map((o) => [o.name, o.unit]));
  return {
    model: model.name,
    modelVersion: model.version,
    seed,
    ticks,
    columns,
    units,
    data,
    summary: summary as RunSummary,
    timing: { seconds, agentSteps: output.agentSteps ?? 0 },
  };
}

/** The tick column a model without its own gets: 0, 1, …, ticks − 1. */
function tickValues(ticks: number): Float64Array {
  const values = new Float64Array(ticks);
  for (let t = 0; t < ticks; t++) values[t] = t;
  return values;
}

export function seriesCsv(result: Pick<RunResult, 'columns' | 'data' | 'ticks'>): string {
  const lines = [result.columns.join(',')];
  for (let t = 0; t < result.ticks; t++) {
    lines.push(result.data.map((col) => formatNumber(col[t])).join(','));
  }
  return lines.join('\n') + '\n';
}
