/**
 * Reading a targets file (data/myanmar-2021.json and files like it), or a model's own observed
 * record, into calibration targets: every entry of `targets` (value ± tolerance, `max`,
 * `maxShare`) and every machine-readable check of `shapes[].checks`, each checked against the
 * model's series and the horizon. A target's `series` is one the model's record maps to a column
 * (`targetSeries`, e.g. defected_cumulative of a group), or for a model without a record a series
 * column itself. A shape with no checks is text only (reported, not fitted). Any problem is one
 * InputError naming the file, the key and what is allowed; nothing is guessed.
 */
import { readFileSync } from 'node:fs';
import { parseErrorText, parseJson } from '../io/structured-file.js';
import { InputError, describeValue, inputError } from '../../engine/errors.js';
import type { ModelDefinition, RecordTarget } from '../../engine/model.js';
import { jsonText, sha256 } from '../io/outputs.js';
import { DEFAULT_BOUND_TOLERANCE, type Target } from './distance.js';
import { measureColumns, measureTicks, type Measure, type Quantity } from './measures.js';

export interface TargetsFile {
  /** The path as given. */
  readonly path: string;
  readonly bytes: Buffer;
  readonly sha256: string;
  /** Value targets and bounds in file order, then the shapes' checks. */
  readonly targets: readonly Target[];
  /** Shapes without machine-readable checks: reported as text, never fitted. */
  readonly textOnlyShapes: readonly { id: string; text: string }[];
}

const TARGET_KEYS = ['id', 'series', 'group', 'tick', 'value', 'tolerance', 'max', 'maxShare', 'weight', 'holdout', 'source', 'note'];
const SHAPE_KEYS = ['id', 'text', 'source', 'note', 'checks'];
const CHECK_KEYS = ['id', 'column', 'tick', 'mean', 'perStock', 'ratio', 'min', 'max', 'tolerance', 'weight', 'holdout', 'note'];
const QUANTITY_KEYS = ['column', 'tick', 'mean', 'perStock'];

/** The targets of a model's own observed record, as a targets file (its bytes are the record as JSON). */
export function recordTargets(model: ModelDefinition, ticks: number): TargetsFile {
  const record = model.record!;
  const bytes = Buffer.from(jsonText({ targets: record.targets, shapes: record.shapes ?? [] }), 'utf8');
  const path = `(the ${model.name} model's record ${record.name})`;
  return { path, bytes, sha256: sha256(bytes), ...parseTargets(JSON.parse(bytes.toString('utf8')), path, ticks, model) };
}

/** Read and check a targets file for runs of `ticks` ticks of `model`. */
export function readTargetsFile(path: string, ticks: number, model: ModelDefinition): TargetsFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new InputError(`cannot read the targets file '${path}': ${(error as NodeJS.ErrnoException).code ?? String(error)} (allowed: a JSON file of targets, e.g. data/myanmar-2021.json)`);
  }
  let value: unknown;
  try {
    value = parseJson(bytes.toString('utf8'));
  } catch (error) {
    throw new InputError(`malformed JSON in the targets file '${path}'${parseErrorText(error)}`);
  }
  return { path, bytes, sha256: sha256(bytes), ...parseTargets(value, path, ticks, model) };
}

/** Check a parsed targets file (see readTargetsFile). */
export function parseTargets(value: unknown, file: string, ticks: number, model: ModelDefinition): Pick<TargetsFile, 'targets' | 'textOnlyShapes'> {
  const checker = new Checker(file, ticks, model);
  const top = checker.mapping('(targets file)', value);
  // `targets` may be empty (or left out) when the shapes carry the checks: a mean over ticks is a check.
  if (top.targets !== undefined && !Array.isArray(top.targets)) throw checker.error('targets', top.targets, 'a list of targets');
  const targets = ((top.targets ?? []) as unknown[]).map((t: unknown, i: number) => checker.recordTarget(`targets[${i}]`, t));
  const textOnlyShapes: { id: string; text: string }[] = [];
  if (top.shapes !== undefined) {
    if (!Array.isArray(top.shapes)) throw checker.error('shapes', top.shapes, 'a list of shapes, each {id, text, checks?}');
    top.shapes.forEach((s: unknown, i: number) => {
      const where = `shapes[${i}]`;
      const shape = checker.mapping(where, s, SHAPE_KEYS);
      const id = checker.id(`${where}.id`, shape.id);
      if (typeof shape.text !== 'string') throw checker.error(`${where}.text`, shape.text, 'the shape in words (a string)');
      if (shape.checks === undefined) return void textOnlyShapes.push({ id, text: shape.text });
      if (!Array.isArray(shape.checks) || shape.checks.length === 0) throw checker.error(`${where}.checks`, shape.checks, 'a non-empty list of checks');
      shape.checks.forEach((c: unknown, k: number) => targets.push(checker.check(`${where}.checks[${k}]`, c, id)));
    });
  }
  if (targets.length === 0) throw checker.error('targets', top.targets, 'a non-empty list of targets, or shapes with checks');
  return { targets, textOnlyShapes };
}

class Checker {
  private readonly ids = new Set<string>();
  private readonly columns: Set<string>;

  constructor(readonly file: string, readonly ticks: number, readonly model: ModelDefinition) {
    this.columns = new Set(model.series.map((c) => c.name));
  }

  error(key: string, value: unknown, allowed: string): InputError {
    return inputError(`${this.file}: ${key}`, value, allowed);
  }

  mapping(where: string, value: unknown, allowed?: readonly string[]): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw this.error(where, value, 'a JSON object');
    const record = value as Record<string, unknown>;
    if (allowed) {
      for (const key of Object.keys(record)) {
        if (!allowed.includes(key)) throw new InputError(`unknown key '${where}.${key}' in the targets file '${this.file}' (value ${describeValue(record[key])}); allowed here: ${allowed.join(', ')}`);
      }
    }
    return record;
  }

  id(where: string, value: unknown): string {
    if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value)) throw this.error(where, value, 'letters, digits, ".", "_" and "-", starting with a letter or digit');
    if (this.ids.has(value)) throw this.error(where, value, 'an id used by no other target or check');
    this.ids.add(value);
    return value;
  }

  private positive(where: string, value: unknown): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw this.error(where, value, 'a finite number > 0');
    return value;
  }

  private finite(where: string, value: unknown): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw this.error(where, value, 'a finite number');
    return value;
  }

  private tick(where: string, value: unknown): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw this.error(where, value, 'a tick: an integer >= 0');
    if (value >= this.ticks) throw this.error(where, value, `a tick inside the horizon, 0..${this.ticks - 1} (the calibration runs ${this.ticks} ticks; raise 'ticks' to reach it)`);
    return value;
  }

  private common(where: string, t: Record<string, unknown>): { weight: number; holdout: boolean } {
    const weight = t.weight === undefined ? 1 : this.positive(`${where}.weight`, t.weight);
    if (t.holdout !== undefined && typeof t.holdout !== 'boolean') throw this.error(`${where}.holdout`, t.holdout, 'true or false');
    return { weight, holdout: t.holdout === true };
  }

  private column(where: string, column: string): void {
    if (!this.columns.has(column)) {
      const examples = [...this.columns].filter((c) => c !== 'tick').slice(0, 3).join(', ');
      throw new InputError(`unknown series '${column}' named by ${where} in the targets file '${this.file}' (allowed: a series column of the model '${this.model.name}', e.g. ${examples})`);
    }
  }

  private checkMeasure(where: string, measure: Measure): Measure {
    const stock = this.model.record?.stockColumns;
    const perStock = measure.kind === 'quantity' ? measure.quantity.perStock : measure.numerator.perStock ?? measure.denominator.perStock;
    if (perStock !== undefined && !stock) {
      throw new InputError(`invalid target '${where}' in the targets file '${this.file}': a share of the stock of '${perStock}' (maxShare or perStock), but the model '${this.model.name}' defines no group stocks (allowed: value, max, or checks without perStock)`);
    }
    for (const column of measureColumns(measure, stock)) this.column(where, column);
    measureTicks(measure);
    return measure;
  }

  /** A target of the record: value ± tolerance, max, or maxShare (of the group's stock at tick 0). */
  recordTarget(where: string, value: unknown): Target {
    const t = this.mapping(where, value, TARGET_KEYS);
    const id = this.id(`${where}.id`, t.id);
    const record = this.model.record;
    if (record) {
      if (typeof t.series !== 'string' || !record.targetSeries.includes(t.series)) throw this.error(`${where}.series`, t.series, `one of ${record.targetSeries.join(', ')}`);
      if (typeof t.group !== 'string' || t.group === '') throw this.error(`${where}.group`, t.group, "a group name, e.g. army, police, official, official.senior, tycoon (or 'all' for sanctions)");
    } else {
      if (typeof t.series !== 'string' || !this.columns.has(t.series)) throw this.error(`${where}.series`, t.series, `a series column of the model '${this.model.name}' (${[...this.columns].join(', ')})`);
      if (t.group !== undefined && (typeof t.group !== 'string' || t.group === '')) throw this.error(`${where}.group`, t.group, 'a group name (a string), or leave it out');
    }
    const tick = this.tick(`${where}.tick`, t.tick);
    const column = record ? record.targetColumn(t as unknown as RecordTarget) : (t.series as string);
    const group = typeof t.group === 'string' ? t.group.replace('.', '_') : '';
    const kinds = ['value', 'max', 'maxShare'].filter((k) => t[k] !== undefined);
    if (kinds.length !== 1) throw this.error(where, value, 'exactly one of value (with tolerance), max or maxShare');
    const common = { id, ...this.common(where, t), ...(typeof t.source === 'string' ? { source: t.source } : {}) };
    // A record's targets count a group's people (and so does a series the model marks as a count):
    // never negative, and a value's band value × (1 ± tolerance) needs a value above 0.
    const counts = record !== undefined || this.model.series.some((c) => c.name === column && c.count === true);
    if (t.value !== undefined) {
      const observed = this.finite(`${where}.value`, t.value);
      if (counts && observed <= 0) throw this.error(`${where}.value`, t.value, `a count of people above 0 (${t.series} cannot be negative, and the band is value × (1 ± tolerance); for "at most" near 0 use max)`);
      const tolerance = this.positive(`${where}.tolerance`, t.tolerance);
      return { ...common, kind: 'value', observed, tolerance, measure: this.checkMeasure(where, { kind: 'quantity', quantity: { column, tick } }) };
    }
    const tolerance = t.tolerance === undefined ? DEFAULT_BOUND_TOLERANCE : this.positive(`${where}.tolerance`, t.tolerance);
    if (t.max !== undefined) {
      const max = this.finite(`${where}.max`, t.max);
      if (counts && max < 0) throw this.error(`${where}.max`, t.max, `a count of people >= 0 (${t.series} cannot be negative)`);
      return { ...common, kind: 'bound', max, tolerance, measure: this.checkMeasure(where, { kind: 'quantity', quantity: { column, tick } }) };
    }
    const share = this.finite(`${where}.maxShare`, t.maxShare);
    if (share < 0 || share > 1) throw this.error(`${where}.maxShare`, share, 'a share in [0, 1]');
    return { ...common, kind: 'bound', max: share, tolerance, measure: this.checkMeasure(where, { kind: 'quantity', quantity: { column, tick, perStock: group } }) };
  }

  /** A shape's machine-readable check: a quantity or a ratio of two, with min and/or max. */
  check(where: string, value: unknown, shape: string): Target {
    const c = this.mapping(where, value, CHECK_KEYS);
    const id = this.id(`${where}.id`, c.id);
    let measure: Measure;
    if (c.ratio !== undefined) {
      for (const key of QUANTITY_KEYS) if (c[key] !== undefined) throw new InputError(`invalid check '${where}' in the targets file '${this.file}': give either 'ratio' or a quantity (${QUANTITY_KEYS.join(', ')}), not both`);
      if (!Array.isArray(c.ratio) || c.ratio.length !== 2) throw this.error(`${where}.ratio`, c.ratio, 'two quantities [numerator, denominator], each {column, tick or mean, perStock?}');
      measure = { kind: 'ratio', numerator: this.quantity(`${where}.ratio[0]`, c.ratio[0]), denominator: this.quantity(`${where}.ratio[1]`, c.ratio[1]) };
    } else {
      measure = { kind: 'quantity', quantity: this.quantity(where, Object.fromEntries(QUANTITY_KEYS.filter((k) => c[k] !== undefined).map((k) => [k, c[k]]))) };
    }
    this.checkMeasure(where, measure);
    const min = c.min === undefined ? undefined : this.finite(`${where}.min`, c.min);
    const max = c.max === undefined ? undefined : this.finite(`${where}.max`, c.max);
    if (min === undefined && max === undefined) throw this.error(where, value, 'a check with min, max or both');
    if (min !== undefined && max !== undefined && min > max) throw this.error(`${where}.max`, max, `a number >= min (${min})`);
    const tolerance = c.tolerance === undefined ? DEFAULT_BOUND_TOLERANCE : this.positive(`${where}.tolerance`, c.tolerance);
    return {
      id, kind: 'check', measure, tolerance, shape, ...this.common(where, c),
      ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}),
    };
  }

  private quantity(where: string, value: unknown): Quantity {
    const q = this.mapping(where, value, QUANTITY_KEYS);
    if (typeof q.column !== 'string') throw this.error(`${where}.column`, q.column, 'a column of series.csv (a string)');
    if ((q.tick === undefined) === (q.mean === undefined)) throw this.error(where, value, "exactly one of 'tick' and 'mean' ({from, to})");
    let out: Quantity;
    if (q.tick !== undefined) out = { column: q.column, tick: this.tick(`${where}.tick`, q.tick) };
    else {
      const range = this.mapping(`${where}.mean`, q.mean, ['from', 'to']);
      const from = this.tick(`${where}.mean.from`, range.from);
      const to = this.tick(`${where}.mean.to`, range.to);
      if (to < from) throw this.error(`${where}.mean.to`, to, `a tick >= from (${from})`);
      out = { column: q.column, mean: { from, to } };
    }
    if (q.perStock !== undefined) {
      if (typeof q.perStock !== 'string' || q.perStock === '') throw this.error(`${where}.perStock`, q.perStock, 'a group name, e.g. army, police, official_senior');
      out = { ...out, perStock: q.perStock.replace('.', '_') };
    }
    return out;
  }
}
