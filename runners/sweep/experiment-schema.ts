/**
 * The JSON Schema of experiment files (schema/experiment.schema.json), for editors, derived from
 * the same specs the validator checks against. An experiment of the default model (no `model`, or
 * `model: defection`) is checked against the defection model's parameter tree, written once in
 * $defs and referred to by JSON pointer from `set`, list points and design dimensions; an
 * experiment naming another model is checked for its shape only (any dotted parameter path), as
 * its parameters are known only once the model is loaded (`defsim validate` checks them).
 */
import type { ModelDefinition } from '../../engine/model.js';
import { isSpec, leafJsonSchema, toJsonSchema, type ParamSpec, type SchemaTree } from '../../engine/schema.js';
import { defaultModel } from '../model/load.js';
import { parameterSpecs } from '../model/parameters.js';
import { sampledDesignJsonSchemas } from '../sensitivity/design.js';
import { experimentSettings, NAME_PATTERN, SCENARIO_KEY, SWEEP_SETTINGS } from './file-values.js';

const TREE_REF = '#/$defs/parameters';

/** The JSON pointer of a node of the parameter tree inside $defs. */
function treeRef(path: string): string {
  return `${TREE_REF}/properties/${path.split('.').join('/properties/')}`;
}

/** Overrides as nested mappings or dotted keys (leaves and inner nodes) by reference, and `scenario`. */
function overridesJsonSchema(schema: SchemaTree): Record<string, unknown> {
  const properties: Record<string, unknown> = { [SCENARIO_KEY]: { $ref: '#/$defs/scenario' } };
  const visit = (tree: SchemaTree, prefix: string): void => {
    for (const [key, node] of Object.entries(tree)) {
      const path = prefix ? `${prefix}.${key}` : key;
      properties[path] = { $ref: treeRef(path) };
      if (!isSpec(node)) visit(node, path);
    }
  };
  visit(schema, '');
  return { type: 'object', additionalProperties: false, properties };
}

/** Design dimensions: a list of values for any parameter (or `scenario`), a range for a number. */
function dimensionsJsonSchema(specs: ReadonlyMap<string, ParamSpec>): Record<string, unknown> {
  const list = (ref: string) => ({ type: 'array', minItems: 1, items: { $ref: ref } });
  const properties: Record<string, unknown> = { [SCENARIO_KEY]: list('#/$defs/scenario') };
  for (const [path, spec] of specs) {
    properties[path] = spec.type === 'number' ? { anyOf: [list(treeRef(path)), { $ref: '#/$defs/range' }] } : list(treeRef(path));
  }
  return { type: 'object', additionalProperties: false, minProperties: 1, properties };
}

function rangeJsonSchema(): Record<string, unknown> {
  return {
    type: 'object', additionalProperties: false, required: ['from', 'to'],
    description: 'grid: from..to by step, or count values (log: geometrically spaced); random and lhs: drawn between from and to (log: on a log scale)',
    properties: {
      from: { type: 'number' },
      to: { type: 'number' },
      step: { type: 'number', exclusiveMinimum: 0, description: 'grid only: values from, from+step, … up to to' },
      count: { ...leafJsonSchema(SWEEP_SETTINGS.count), description: 'grid only: number of values' },
      log: { type: 'boolean', description: 'Geometric spacing (grid with count) or log-uniform draws (random, lhs); needs from > 0' },
    },
  };
}

/** A sobol/morris dimension: a uniform range, a (truncated) normal, or a list. */
function sampledRangeJsonSchema(): Record<string, unknown> {
  return {
    description: 'uniform {from, to} (log: true for log-uniform), normal {dist: normal, mean, sd} (truncated with from and to), or a list to pick from',
    anyOf: [
      {
        type: 'object', additionalProperties: false, required: ['from', 'to'],
        properties: { from: { type: 'number' }, to: { type: 'number' }, log: { type: 'boolean' } },
      },
      {
        type: 'object', additionalProperties: false, required: ['dist', 'mean', 'sd'],
        properties: { dist: { const: 'normal' }, mean: { type: 'number' }, sd: { type: 'number', exclusiveMinimum: 0 }, from: { type: 'number' }, to: { type: 'number' } },
      },
      { type: 'array', minItems: 1 },
    ],
  };
}

/** Overrides of any model: dotted or nested keys, values numbers, booleans or strings. */
function anyOverridesJsonSchema(): Record<string, unknown> {
  return {
    type: 'object', minProperties: 0,
    additionalProperties: { anyOf: [{ type: ['number', 'boolean', 'string'] }, { $ref: '#/$defs/anyOverrides' }] },
  };
}

/** Design dimensions of any model: a list of values, or a range for a number. */
function anyDimensionsJsonSchema(): Record<string, unknown> {
  return { type: 'object', minProperties: 1, additionalProperties: { anyOf: [{ type: 'array', minItems: 1 }, { $ref: '#/$defs/range' }] } };
}

interface Refs {
  scenario: string;
  overrides: string;
  dimensions: string;
  /** The model's parameter paths, or null for any model. */
  paths: readonly string[] | null;
}

/** The model-dependent keys (scenario, set, ticks, design, baseline) for one set of $defs. */
function modelKeys(refs: Refs, ticks: Record<string, unknown>, ticksParameter: string | null): Record<string, unknown> {
  const designType = (type: string) => ({ type: { const: type } });
  return {
    scenario: { $ref: refs.scenario },
    set: {
      $ref: refs.overrides, ...(ticksParameter ? { not: { anyOf: [{ required: ['scenario'] }, { required: [ticksParameter] }] } } : {}),
      description: 'Parameter overrides for every run (nested or dotted keys); the base scenario and the horizon have their own keys',
    },
    ticks,
    design: {
      description: 'Which points to run: grid (full factorial), list (explicit points), random or lhs (Latin hypercube), sobol or morris (sensitivity analysis, docs/SENSITIVITY.md)',
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['type', 'parameters'], properties: { ...designType('grid'), parameters: { $ref: refs.dimensions } } },
        {
          type: 'object', additionalProperties: false, required: ['type', 'points'],
          properties: { ...designType('list'), points: { type: 'array', minItems: 1, items: { $ref: refs.overrides } } },
        },
        ...['random', 'lhs'].map((t) => ({
          type: 'object', additionalProperties: false, required: ['type', 'samples', 'parameters'],
          properties: { ...designType(t), samples: leafJsonSchema(SWEEP_SETTINGS.samples), parameters: { $ref: refs.dimensions } },
        })),
        ...sampledDesignJsonSchemas(refs.paths),
      ],
    },
    baseline: {
      $ref: refs.overrides, minProperties: 1,
      description: "The counterfactual: design keys (varied parameters, or scenario) and values naming the design point each point's effects are measured against; the sweep then writes effects.csv (docs/SWEEPS.md, Effects)",
    },
  };
}

/** The experiment schema: `model` (default defection) picks the parameter checks (see above). */
export function experimentJsonSchema(model: ModelDefinition = defaultModel().definition): Record<string, unknown> {
  const settings = experimentSettings(model);
  const specs = parameterSpecs(model);
  const known = modelKeys({ scenario: '#/$defs/scenario', overrides: '#/$defs/overrides', dimensions: '#/$defs/dimensions', paths: [...specs.keys()] },
    leafJsonSchema(settings.ticks), model.ticksParameter);
  const other = modelKeys({ scenario: '#/$defs/anyScenario', overrides: '#/$defs/anyOverrides', dimensions: '#/$defs/anyDimensions', paths: null },
    { type: 'integer', minimum: 1, description: "Horizon in ticks (the model's ticksParameter)" }, null);
  const shapeOnly = (keys: Record<string, unknown>) => Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, { description: (v as { description?: string }).description }]));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'defsim experiment',
    description: `A parameter sweep: model, base scenario, overrides, horizon, replicates, seed, design and what to record (docs/SWEEPS.md). Parameters are checked against the ${model.name} model's when 'model' is absent or '${model.name}', for shape only otherwise.`,
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      model: { type: 'string', minLength: 1, description: `The model: a built-in name (default ${model.name}) or the path of an ES module (.js or .mjs) that exports one (docs/MODEL-API.md)` },
      name: { type: 'string', pattern: NAME_PATTERN.source, description: 'Name of the experiment (default: the file name)' },
      description: { type: 'string' },
      ...shapeOnly(known),
      replicates: leafJsonSchema(settings.replicates),
      seed: leafJsonSchema(settings.seed),
      seeds: {
        description: 'How run seeds are made: per-run (default), common, or { commonWithin: n } (common within each block of n consecutive design points)',
        anyOf: [
          leafJsonSchema(settings.seeds),
          { type: 'object', additionalProperties: false, required: ['commonWithin'], properties: { commonWithin: leafJsonSchema(settings.commonWithin) } },
        ],
      },
      record: {
        type: 'object', additionalProperties: false,
        properties: {
          series: {
            description: 'Per-tick series: none (default), every-tick, or { every: n }',
            anyOf: [
              { enum: ['none', 'every-tick'] },
              { type: 'object', additionalProperties: false, required: ['every'], properties: { every: leafJsonSchema(settings.every) } },
            ],
          },
        },
      },
    },
    if: { required: ['model'], properties: { model: { not: { const: model.name } } } },
    then: { properties: other },
    else: { properties: known },
    $defs: {
      scenario: leafJsonSchema(settings.scenario),
      parameters: toJsonSchema(model.schema),
      overrides: overridesJsonSchema(model.schema),
      dimensions: dimensionsJsonSchema(specs),
      range: rangeJsonSchema(),
      sampledRange: sampledRangeJsonSchema(),
      anyScenario: { type: 'string', minLength: 1, description: "A scenario of the model (see 'defsim scenarios --model NAME')" },
      anyOverrides: anyOverridesJsonSchema(),
      anyDimensions: anyDimensionsJsonSchema(),
    },
  };
}
