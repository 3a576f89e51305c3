/**
 * Checking a value against the model interface (engine/model.ts) — a user's module is checked when
 * it loads, before anything runs — and checking what one run returned (a column of the wrong
 * length, a non-finite value). Each problem is said in the words of docs/MODEL-API.md.
 */
import { InputError } from '../../engine/errors.js';
import type { ModelDefinition, ModelRunOutput } from '../../engine/model.js';
import { applyOverrides, defaultsOf, flattenSchema, isSpec, type SchemaTree } from '../../engine/schema.js';

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const OUTCOME_KINDS = ['count', 'index', 'usd', 'other'];

type Record_ = Record<string, unknown>;

const isObject = (v: unknown): v is Record_ => v !== null && typeof v === 'object' && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** Every way `value` falls short of the model interface, in words; empty when it satisfies it. */
export function modelProblems(value: unknown): string[] {
  if (!isObject(value)) return [`the model is ${value === null ? 'null' : typeof value}, not an object with name, version, description, schema, ticksParameter, scenarios, series, metrics and run`];
  const m = value;
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => void (ok || problems.push(what));
  need(isText(m.name) && NAME.test(m.name), "missing or invalid 'name' (lowercase letters, digits and '-')");
  need(isText(m.version), "missing 'version' (a string, e.g. '1.0.0')");
  need(typeof m.description === 'string', "missing 'description' (one line: what the model is)");
  need(typeof m.run === 'function', "missing 'run' (a function (params, seed, options) returning { columns, data, metrics })");
  need(m.checkParameters === undefined || typeof m.checkParameters === 'function', "'checkParameters' is not a function");
  const schemaProblem = schemaProblemOf(m.schema);
  need(schemaProblem === null, schemaProblem ?? '');
  const specs = schemaProblem === null ? flattenSchema(m.schema as SchemaTree) : null;
  if (!isText(m.ticksParameter)) problems.push("missing 'ticksParameter' (the dotted path of the horizon parameter, e.g. 'time.ticks')");
  else if (specs) {
    const spec = specs.get(m.ticksParameter);
    need(spec?.type === 'number' && spec.integer === true && (spec.min ?? 0) >= 1,
      `'ticksParameter' '${m.ticksParameter}' is not an integer parameter of the schema with a minimum of at least 1`);
  }
  problems.push(...outputsProblems('series', m.series, false), ...outputsProblems('metrics', m.metrics, true));
  // Every series.csv starts with the tick: a model may return it itself, first; otherwise defsim adds it.
  if (Array.isArray(m.series) && m.series.findIndex((s: Record_) => s?.name === 'tick') > 0) {
    problems.push("'series' names 'tick' but not first (the tick column comes first; leave it out and defsim adds it)");
  }
  problems.push(...scenarioProblems(m, schemaProblem === null));
  const metricNames = new Set(Array.isArray(m.metrics) ? m.metrics.map((x: Record_) => x?.name) : []);
  if (m.outcomes !== undefined) problems.push(...outcomeProblems(m.outcomes, metricNames));
  // A count's own spend (engine/model.ts ModelOutput.spendMetric) must be one of the metrics.
  if (Array.isArray(m.metrics)) {
    for (const x of m.metrics as Record_[]) {
      if (x?.spendMetric !== undefined && !metricNames.has(x.spendMetric)) problems.push(`'metrics' '${String(x.name)}': its spendMetric '${String(x.spendMetric)}' is not one of the metrics`);
    }
  }
  if (m.record !== undefined) problems.push(...recordProblems(m.record));
  return problems;
}

function schemaProblemOf(schema: unknown): string | null {
  if (!isObject(schema)) return "missing 'schema' (the parameter tree: nested objects whose leaves are parameter specs, see docs/MODEL-API.md)";
  const bad: string[] = [];
  let leaves = 0;
  const visit = (node: Record_, path: string): void => {
    for (const [key, child] of Object.entries(node)) {
      const at = path ? `${path}.${key}` : key;
      if (!isObject(child)) bad.push(`${at} (neither a spec nor a group)`);
      else if ('type' in child) {
        leaves++;
        const problem = specProblem(child);
        if (problem) bad.push(`${at} (${problem})`);
      } else visit(child, at);
    }
  };
  visit(schema, '');
  if (bad.length > 0) return `'schema' has parameters that are not valid specs: ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''}`;
  if (leaves === 0) return "'schema' has no parameters";
  return null;
}

/** What a parameter spec lacks (engine/schema.ts: num, int, share, bool, choice make valid ones), or null. */
function specProblem(spec: Record_): string | null {
  if (!isSpec(spec as never)) return "type must be 'number', 'boolean' or 'choice', with a doc";
  if (typeof spec.doc !== 'string' || typeof spec.unit !== 'string') return 'doc and unit must be strings';
  if (spec.type === 'number') {
    const { min, max, integer } = spec;
    if (typeof min !== 'number' || typeof max !== 'number' || typeof integer !== 'boolean') return 'a number spec needs min, max and integer';
    if (typeof spec.default !== 'number' || !Number.isFinite(spec.default) || spec.default < min || spec.default > max) return `default ${String(spec.default)} is not a number in [min, max]`;
    if (integer && !Number.isInteger(spec.default)) return `default ${spec.default} is not an integer`;
  } else if (spec.type === 'boolean') {
    if (typeof spec.default !== 'boolean') return 'default must be true or false';
  } else if (!Array.isArray(spec.values) || !spec.values.every((v) => typeof v === 'string') || !spec.values.includes(spec.default as string)) {
    return 'a choice spec needs values (strings) that include its default';
  }
  return null;
}

function outputsProblems(key: string, value: unknown, mayBeEmpty: boolean): string[] {
  if (!Array.isArray(value) || (!mayBeEmpty && value.length === 0)) return [`missing '${key}' (a list of { name, unit })`];
  const names = new Set<string>();
  const problems: string[] = [];
  value.forEach((o, i) => {
    if (!isObject(o) || !isText(o.name) || typeof o.unit !== 'string') problems.push(`'${key}[${i}]' is not { name, unit }`);
    else if (names.has(o.name)) problems.push(`'${key}' names '${o.name}' twice`);
    else names.add(o.name);
  });
  return problems;
}

function scenarioProblems(m: Record_, schemaOk: boolean): string[] {
  if (!Array.isArray(m.scenarios) || m.scenarios.length === 0) return ["missing 'scenarios' (a non-empty list of { name, description, set }; the first is the default)"];
  const problems: string[] = [];
  const names = new Set<string>();
  m.scenarios.forEach((s: unknown, i: number) => {
    if (!isObject(s) || !isText(s.name) || typeof s.description !== 'string' || !isObject(s.set)) return void problems.push(`'scenarios[${i}]' is not { name, description, set }`);
    if (names.has(s.name)) problems.push(`'scenarios' names '${s.name}' twice`);
    names.add(s.name);
    if (!schemaOk) return;
    try {
      applyOverrides(m.schema as SchemaTree, defaultsOf(m.schema as SchemaTree), new Map(Object.entries(s.set)));
    } catch (error) {
      problems.push(`scenario '${s.name}': ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  if (m.baselineScenario !== undefined && !names.has(m.baselineScenario as string)) problems.push(`'baselineScenario' '${String(m.baselineScenario)}' is not one of the scenarios`);
  return problems;
}

function outcomeProblems(outcomes: unknown, metrics: Set<unknown>): string[] {
  if (!isObject(outcomes) || !Array.isArray(outcomes.effects)) return ["'outcomes' is not { effects: [{ metric, label, kind }], spendMetric? }"];
  const problems: string[] = [];
  outcomes.effects.forEach((o: unknown, i: number) => {
    if (!isObject(o) || !isText(o.metric) || typeof o.label !== 'string' || !OUTCOME_KINDS.includes(o.kind as string)) problems.push(`'outcomes.effects[${i}]' is not { metric, label, kind: ${OUTCOME_KINDS.join(' | ')} }`);
    else if (!metrics.has(o.metric)) problems.push(`'outcomes.effects[${i}].metric' '${o.metric}' is not one of the metrics`);
    else if (o.spendMetric !== undefined && !metrics.has(o.spendMetric)) problems.push(`'outcomes.effects[${i}].spendMetric' '${String(o.spendMetric)}' is not one of the metrics`);
  });
  if (outcomes.spendMetric !== undefined && !metrics.has(outcomes.spendMetric)) problems.push(`'outcomes.spendMetric' '${String(outcomes.spendMetric)}' is not one of the metrics`);
  return problems;
}

function recordProblems(record: unknown): string[] {
  if (!isObject(record) || !isText(record.name) || !Array.isArray(record.targets) || typeof record.targetColumn !== 'function' || !Array.isArray(record.targetSeries)) {
    return ["'record' is not { name, targets, targetColumn, targetSeries, shapes?, stockColumns? }"];
  }
  if (record.stockColumns !== undefined && typeof record.stockColumns !== 'function') return ["'record.stockColumns' is not a function"];
  return [];
}

/**
 * Check one run's output against the model's declared series and metrics: columns known and in
 * order, one finite value per tick in every column, every metric a declared one holding a finite
 * number or NaN. An InputError (exit code 2) naming the model and the first problem.
 */
export function checkRunOutput(model: ModelDefinition, output: ModelRunOutput, ticks: number): void {
  const fail = (what: string): never => {
    throw new InputError(`the model '${model.name}' returned a run that breaks the model interface: ${what} (see docs/MODEL-API.md)`);
  };
  if (!isObject(output)) fail('run() returned no object { columns, data, metrics }');
  const { columns, data, metrics } = output;
  if (!Array.isArray(columns) || !Array.isArray(data)) fail("'columns' and 'data' must be arrays");
  if (columns.length !== data.length) fail(`${columns.length} column names but ${data.length} data columns`);
  const order = new Map(model.series.map((s, i) => [s.name, i]));
  let previous = -1;
  columns.forEach((name, i) => {
    const at = order.get(name);
    if (at === undefined) fail(`column '${name}' is not one of the model's series (${[...order.keys()].join(', ')})`);
    if (at! <= previous) fail(`column '${name}' is out of the order of the model's series`);
    previous = at!;
    const values = data[i] as ArrayLike<number>;
    if (!values || typeof values.length !== 'number') fail(`column '${name}' has no values`);
    if (values.length !== ticks) fail(`column '${name}' has ${values.length} values (allowed: one per tick, ${ticks})`);
    for (let t = 0; t < ticks; t++) {
      if (typeof values[t] !== 'number' || !Number.isFinite(values[t])) fail(`column '${name}' holds ${String(values[t])} at tick ${t} (allowed: finite numbers)`);
    }
  });
  if (!isObject(metrics)) fail("'metrics' must be an object of metric names to numbers");
  const declared = new Set(model.metrics.map((m) => m.name));
  for (const [name, value] of Object.entries(metrics)) {
    if (!declared.has(name)) fail(`metric '${name}' is not one of the model's metrics (${[...declared].join(', ') || 'none'})`);
    if (typeof value !== 'number' || value === Infinity || value === -Infinity) fail(`metric '${name}' is ${String(value)} (allowed: a finite number, or NaN where undefined)`);
  }
}
