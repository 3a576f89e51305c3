/**
 * What a result records of a model's outputs, for every model alike: the `tick` column every
 * series starts with (the runner adds it when a model does not return it), the metrics the
 * runner adds for a model with an observed record, and the unit of every series column and
 * metric — the `units` manifests carry so reports can label their axes.
 */
import type { ModelDefinition, ModelOutput } from '../../engine/model.js';

/** The first column of every series.csv: the tick, 0 … ticks − 1. */
export const TICK_COLUMN = 'tick';

/** The tick column the runner adds to the series of a model that does not return one itself. */
export const TICK_SERIES: ModelOutput = { name: TICK_COLUMN, unit: 'tick', description: 'The tick, 0 … ticks − 1 (added by defsim: the model returns no tick column of its own)' };

/** The metrics the runner adds to every run of a model with an observed record (runners/run/simulate.ts). */
export const RECORD_METRICS: readonly ModelOutput[] = [
  { name: 'calibration_passed', unit: 'targets met', description: "The record's targets inside the horizon this run meets" },
  { name: 'calibration_targets', unit: 'targets', description: "The record's targets inside the horizon" },
];

/** Whether the model returns the tick column itself (then it is its first series). */
export function modelHasTickColumn(model: ModelDefinition): boolean {
  return model.series[0]?.name === TICK_COLUMN;
}

/** Every series column a result of the model may hold, the tick first. */
export function seriesOutputs(model: ModelDefinition): readonly ModelOutput[] {
  return modelHasTickColumn(model) ? model.series : [TICK_SERIES, ...model.series];
}

/** Every metric a run of the model records: its own, and with a record the runner's two. */
export function metricOutputs(model: ModelDefinition): readonly ModelOutput[] {
  return model.record ? [...model.metrics, ...RECORD_METRICS] : model.metrics;
}

/** The unit of every series column and metric, by name (the manifests' `units`). */
export function outputUnits(model: ModelDefinition): Record<string, string> {
  return Object.fromEntries([...seriesOutputs(model), ...metricOutputs(model)].map((o) => [o.name, o.unit]));
}

export interface OutcomesManifest {
  readonly effects: ReadonlyArray<{ metric: string; label: string; kind: string; higherIsBetter: boolean; spendMetric?: string }>;
  readonly spendMetric?: string;
}

/**
 * The model's outcomes as a manifest records them (what effects and the report's Findings read):
 * each outcome's metric, label, kind and direction, and the spend metric when there is one.
 */
export function outcomesManifest(model: ModelDefinition): OutcomesManifest | undefined {
  const outcomes = model.outcomes;
  if (!outcomes) return undefined;
  return {
    effects: outcomes.effects.map((o) => ({ metric: o.metric, label: o.label, kind: o.kind, higherIsBetter: o.higherIsBetter ?? true, ...(o.spendMetric ? { spendMetric: o.spendMetric } : {}) })),
    ...(outcomes.spendMetric ? { spendMetric: outcomes.spendMetric } : {}),
  };
}
