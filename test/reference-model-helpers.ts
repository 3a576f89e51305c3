/** Helpers for the tests of the reference models (Granovetter, Epstein): parameters through the schema, run bytes. */
import { createHash } from 'node:crypto';
import type { ModelDefinition, ModelRunOutput, ParameterValues } from '../engine/model.js';
import { applyOverrides, defaultsOf } from '../engine/schema.js';

/** Defaults, then the scenario's overrides, then `overrides` (dotted keys), each checked against the schema. */
export function parametersOf(model: ModelDefinition, scenario: string, overrides: Record<string, number | boolean | string> = {}): ParameterValues {
  const found = model.scenarios.find((s) => s.name === scenario);
  if (!found) throw new Error(`unknown scenario '${scenario}' of model '${model.name}'`);
  const params = applyOverrides(model.schema, defaultsOf(model.schema), new Map(Object.entries({ ...found.set, ...overrides })));
  const problem = model.checkParameters?.(params, new Set(Object.keys({ ...found.set, ...overrides })));
  if (problem) throw new Error(problem);
  return params;
}

/** sha256 of everything a run returns (columns, every series value's bytes, metrics), for purity checks. */
export function runDigest(output: ModelRunOutput): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(output.columns));
  for (const column of output.data) hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  hash.update(JSON.stringify(Object.entries(output.metrics).map(([k, v]) => [k, Number.isNaN(v) ? 'NaN' : v])));
  hash.update(JSON.stringify(output.info ?? null));
  return hash.digest('hex');
}

/** The series column of a run by name. */
export function column(output: ModelRunOutput, name: string): Float64Array {
  const i = output.columns.indexOf(name);
  if (i < 0) throw new Error(`no series column '${name}' (have ${output.columns.join(', ')})`);
  return output.data[i];
}

/** Checks every interface promise a run makes: columns as declared, right length, finite values, declared metrics. */
export function checkRunShape(model: ModelDefinition, output: ModelRunOutput, ticks: number): void {
  const declared = model.series.map((s) => s.name);
  const at = output.columns.map((c) => declared.indexOf(c));
  if (at.some((k, i) => k < 0 || (i > 0 && k <= at[i - 1]))) {
    throw new Error(`columns ${output.columns.join(', ')} are not a subset of ${declared.join(', ')} in order`);
  }
  output.data.forEach((column, i) => {
    if (column.length !== ticks) throw new Error(`column ${output.columns[i]} has ${column.length} values, expected ${ticks}`);
    if (!column.every(Number.isFinite)) throw new Error(`column ${output.columns[i]} has a non-finite value`);
  });
  const metrics = model.metrics.map((m) => m.name);
  for (const name of Object.keys(output.metrics)) if (!metrics.includes(name)) throw new Error(`metric ${name} is not declared`);
  for (const name of metrics) if (!(name in output.metrics)) throw new Error(`declared metric ${name} is missing`);
}
