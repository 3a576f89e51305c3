/**
 * One parameter schema drives everything about parameters: defaults, validation of config files
 * and `--set` overrides, the `defsim params` table, the docs and the JSON Schema for editors.
 * A schema is a tree whose leaves are parameter specs made by `num`, `share`, `usd`, `count`,
 * `int`, `bool` and `choice`.
 */
import { inputError, InputError, describeValue } from './errors.js';

interface SpecBase {
  readonly doc: string;
  readonly unit: string;
  readonly source?: string;
}
export interface NumberSpec extends SpecBase {
  readonly type: 'number';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}
export interface BooleanSpec extends SpecBase {
  readonly type: 'boolean';
  readonly default: boolean;
}
export interface ChoiceSpec extends SpecBase {
  readonly type: 'choice';
  readonly default: string;
  readonly values: readonly string[];
}
export type ParamSpec = NumberSpec | BooleanSpec | ChoiceSpec;
export interface SchemaTree {
  readonly [key: string]: ParamSpec | SchemaTree;
}

/** The plain values a schema describes: numbers, booleans and strings in the same tree shape. */
export type ValuesOf<T> = {
  -readonly [K in keyof T]: T[K] extends NumberSpec
    ? number
    : T[K] extends BooleanSpec
      ? boolean
      : T[K] extends ChoiceSpec
        ? string
        : ValuesOf<T[K]>;
};

interface NumberOptions {
  min?: number;
  max?: number;
  unit?: string;
  source?: string;
}

export function num(value: number, doc: string, options: NumberOptions = {}): NumberSpec {
  return {
    type: 'number',
    default: value,
    min: options.min ?? -Number.MAX_VALUE,
    max: options.max ?? Number.MAX_VALUE,
    integer: false,
    unit: options.unit ?? '1',
    doc,
    source: options.source,
  };
}
export function int(value: number, doc: string, options: NumberOptions = {}): NumberSpec {
  return { ...num(value, doc, { unit: 'count', min: 0, ...options }), integer: true };
}
/** A share or probability in [0, 1]. */
export function share(value: number, doc: string, source?: string): NumberSpec {
  return num(value, doc, { min: 0, max: 1, unit: 'share', source });
}
/** Money in US dollars, never negative. */
export function usd(value: number, doc: string, source?: string): NumberSpec {
  return num(value, doc, { min: 0, unit: 'USD', source });
}
/** A count of people (an integer, never negative). */
export function count(value: number, doc: string, source?: string): NumberSpec {
  return int(value, doc, { min: 0, unit: 'people', source });
}
export function bool(value: boolean, doc: string, source?: string): BooleanSpec {
  return { type: 'boolean', default: value, unit: 'true/false', doc, source };
}
export function choice(values: readonly string[], value: string, doc: string, source?: string): ChoiceSpec {
  return { type: 'choice', values, default: value, unit: 'name', doc, source };
}

export function isSpec(node: ParamSpec | SchemaTree): node is ParamSpec {
  const type = (node as ParamSpec).type;
  return (type === 'number' || type === 'boolean' || type === 'choice') && 'doc' in node;
}

/** Every leaf with its dotted path, in schema order. */
export function flattenSchema(tree: SchemaTree, prefix = ''): Map<string, ParamSpec> {
  const out = new Map<string, ParamSpec>();
  for (const [key, node] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isSpec(node)) out.set(path, node);
    else for (const [p, s] of flattenSchema(node, path)) out.set(p, s);
  }
  return out;
}

export function defaultsOf<T extends SchemaTree>(tree: T): ValuesOf<T> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(tree)) {
    out[key] = isSpec(node) ? node.default : defaultsOf(node);
  }
  return out as ValuesOf<T>;
}

/** Describe what a spec allows, for error messages and `defsim params`. */
export function allowedText(spec: ParamSpec): string {
  if (spec.type === 'boolean') return 'true or false';
  if (spec.type === 'choice') return `one of ${spec.values.join(', ')}`;
  const kind = spec.integer ? 'an integer' : 'a finite number';
  const lo = spec.min > -Number.MAX_VALUE ? spec.min : undefined;
  const hi = spec.max < Number.MAX_VALUE ? spec.max : undefined;
  // A bound a few steps inside a round number (Number.MIN_VALUE, 1 − ε) is that number, excluded: "(0, 1)", not "[5e-324, 0.9999999999999998]".
  const loOpen = lo !== undefined && !spec.integer ? openBound(lo, 1) : undefined;
  const hiOpen = hi !== undefined && !spec.integer ? openBound(hi, -1) : undefined;
  const loText = loOpen === undefined ? `[${lo}` : `(${loOpen}`;
  const hiText = hiOpen === undefined ? `${hi}]` : `${hiOpen})`;
  if (lo !== undefined && hi !== undefined) return `${kind} in ${loText}, ${hiText}`;
  if (lo !== undefined) return loOpen === undefined ? `${kind} >= ${lo}` : `${kind} > ${loOpen}`;
  if (hi !== undefined) return hiOpen === undefined ? `${kind} <= ${hi}` : `${kind} < ${hiOpen}`;
  return kind;
}

/**
 * The round number a bound stands just inside of, when it is a few doubles away from a whole
 * number (toward `direction`'s opposite: a lower bound above it, an upper bound below it), else undefined.
 */
function openBound(bound: number, direction: 1 | -1): number | undefined {
  const round = direction === 1 ? Math.floor(bound) : Math.ceil(bound);
  if (round === bound) return undefined;
  const gap = Math.abs(bound - round);
  return gap <= 4 * Number.EPSILON * Math.max(1, Math.abs(round)) ? round : undefined;
}

/** Check one value against its spec; return it (strings from `--set` are parsed first). */
export function checkValue(path: string, spec: ParamSpec, value: unknown): number | boolean | string {
  if (spec.type === 'boolean') {
    if (value === 'true') return true;
    if (value === 'false') return false;
    if (typeof value !== 'boolean') throw inputError(path, value, allowedText(spec));
    return value;
  }
  if (spec.type === 'choice') {
    if (typeof value !== 'string' || !spec.values.includes(value)) throw inputError(path, value, allowedText(spec));
    return value;
  }
  let n = value;
  if (typeof n === 'string' && n.trim() !== '' && /^[-+0-9.eE_]+$/.test(n.trim())) n = Number(n.trim().replace(/_/g, ''));
  if (typeof n !== 'number' || !Number.isFinite(n)) throw inputError(path, value, allowedText(spec));
  if (spec.integer && !Number.isInteger(n)) throw inputError(path, value, allowedText(spec));
  if (n < spec.min || n > spec.max) throw inputError(path, value, allowedText(spec));
  return n;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Turn a nested override object (as read from YAML/JSON) into dotted paths. Values that are
 * plain objects are descended into; everything else is a leaf.
 */
export function flattenOverrides(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (!prefix) throw inputError('(config)', value, 'a mapping of parameter names to values');
    setOnce(out, prefix, value);
    return out;
  }
  for (const key of Object.keys(value)) {
    checkKey(prefix, key);
    const path = prefix ? `${prefix}.${key}` : key;
    const child = (value as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && !Array.isArray(child)) flattenOverrides(child, path, out);
    else setOnce(out, path, child);
  }
  return out;
}

/** A parameter given both nested and dotted (`population: {scale: 20}` and `population.scale: 30`) is refused, not last-wins. */
function setOnce(out: Map<string, unknown>, path: string, value: unknown): void {
  if (out.has(path)) {
    throw new InputError(`invalid value for '${path}': given twice, as ${describeValue(out.get(path))} and as ${describeValue(value)} (allowed: each parameter once, nested or dotted)`);
  }
  out.set(path, value);
}

function checkKey(prefix: string, key: string): void {
  for (const part of key.split('.')) {
    if (FORBIDDEN_KEYS.has(part) || part === '') {
      const path = prefix ? `${prefix}.${key}` : key;
      throw new InputError(`invalid key '${path}': ${part === '' ? 'an empty name' : `'${part}'`} is not allowed as a parameter name (allowed: the dotted parameter names listed by 'defsim params')`);
    }
  }
}

/** Suggest the allowed names near an unknown key. */
function unknownKeyError(path: string, value: unknown, specs: Map<string, ParamSpec>): InputError {
  const parts = path.split('.');
  let parent = '';
  for (let i = parts.length - 1; i > 0; i--) {
    const candidate = parts.slice(0, i).join('.');
    if ([...specs.keys()].some((p) => p.startsWith(candidate + '.'))) {
      parent = candidate;
      break;
    }
  }
  const siblings = new Set<string>();
  for (const p of specs.keys()) {
    if (parent === '' || p.startsWith(parent + '.')) {
      const rest = parent ? p.slice(parent.length + 1) : p;
      siblings.add(rest.split('.')[0]);
    }
  }
  const where = parent ? `under '${parent}'` : 'at the top level';
  return new InputError(
    `unknown parameter '${path}' (value ${describeValue(value)}); allowed ${where}: ${[...siblings].join(', ')} (see 'defsim params')`,
  );
}

/** Set a dotted path on a nested values object (the path must exist in the schema). */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (let i = 0; i < parts.length - 1; i++) node = node[parts[i]] as Record<string, unknown>;
  node[parts[parts.length - 1]] = value;
}

export function getPath(target: unknown, path: string): unknown {
  let node = target;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * Apply overrides (dotted map or nested object) on top of `base`, checking every key and value
 * against the schema. Returns a new values object; `base` is not changed.
 */
export function applyOverrides<T extends SchemaTree>(
  tree: T,
  base: ValuesOf<T>,
  overrides: Map<string, unknown> | Record<string, unknown>,
): ValuesOf<T> {
  const specs = flattenSchema(tree);
  const flat = overrides instanceof Map ? overrides : flattenOverrides(overrides);
  const out = structuredClone(base) as Record<string, unknown>;
  for (const [path, value] of flat) {
    checkKey('', path);
    const spec = specs.get(path);
    if (!spec) throw unknownKeyError(path, value, specs);
    setPath(out, path, checkValue(path, spec, value));
  }
  return out as ValuesOf<T>;
}

/** Parse one `--set key=value` argument. The value stays a string; checkValue parses it. */
export function parseAssignment(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InputError(`invalid --set '${text}' (allowed: key=value, e.g. sponsors.budgetUsd=25e6)`);
  return [text.slice(0, eq).trim(), text.slice(eq + 1).trim()];
}

/** JSON Schema (draft 2020-12) of a config file holding (part of) this tree. */
export function toJsonSchema(tree: SchemaTree): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(tree)) {
    if (isSpec(node)) properties[key] = leafJsonSchema(node);
    else properties[key] = toJsonSchema(node);
  }
  return { type: 'object', additionalProperties: false, properties };
}

export function leafJsonSchema(spec: ParamSpec): Record<string, unknown> {
  const description = `${spec.doc} [${spec.unit}]`;
  if (spec.type === 'boolean') return { type: 'boolean', default: spec.default, description };
  if (spec.type === 'choice') return { enum: [...spec.values], default: spec.default, description };
  const out: Record<string, unknown> = { type: spec.integer ? 'integer' : 'number', default: spec.default, description };
  if (spec.min > -Number.MAX_VALUE) out.minimum = spec.min;
  if (spec.max < Number.MAX_VALUE) out.maximum = spec.max;
  return out;
}
