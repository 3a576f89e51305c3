/**
 * Experiment files: validation against the parameter schema (every bad input is an InputError
 * naming the key path, the value and what is allowed), the resolved form, the shipped examples
 * and the generated JSON Schema.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../engine/errors.js';
import { PACKAGE_NAMES, SCENARIO_NAMES } from '../agents/defection/scenarios.js';
import {
  describeExperiment, experimentHash, loadExperiment, type ExperimentObject,
} from '../runners/sweep/experiment.js';
import { planSweep } from '../runners/sweep/design.js';
import { EXPERIMENT_SCHEMA_FILE, experimentSchemaText } from '../runners/sweep/write-experiment-schema.js';
import { experimentJsonSchema } from '../runners/sweep/experiment-schema.js';
import { DEFECTION } from './helpers.js';

const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-experiment-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const base: ExperimentObject = {
  name: 'base',
  set: { 'population.scale': 1000 },
  ticks: 12,
  replicates: 2,
  design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true] } },
};

function withKeys(extra: Record<string, unknown>): unknown {
  return { ...base, ...extra };
}

/** The InputError message for an experiment (fails when it does not throw one). */
function inputErrorOf(experiment: unknown, maxRuns?: number): string {
  try {
    loadExperiment(experiment as ExperimentObject, { maxRuns });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

function fileError(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  try {
    loadExperiment(path);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('experiment validation', () => {
  it('accepts the minimal experiment and fills in defaults', () => {
    const e = loadExperiment({ name: 'tiny' });
    expect(e).toMatchObject({ scenario: 'myanmar-2021', ticks: 48, replicates: 1, seed: 1, set: {}, record: { series: 'none' } });
    expect(e.design).toEqual({ type: 'list', points: [{}] });
  });

  it('refuses unknown keys, listing the allowed ones', () => {
    expect(inputErrorOf(withKeys({ replicate: 3 }))).toMatch(/unknown key 'replicate' \(value 3\); allowed here: .*replicates/);
    expect(inputErrorOf(withKeys({ design: { type: 'grid', parameters: { 'sanctions.offRamp': [true] }, samples: 3 } })))
      .toMatch(/unknown key 'design.samples'.*allowed here: type, parameters/);
    expect(inputErrorOf(withKeys({ record: { series: 'none', metrics: ['x'] } }))).toMatch(/unknown key 'record.metrics'/);
  });

  it('refuses wrong types (no numbers as strings in a file)', () => {
    expect(inputErrorOf(withKeys({ replicates: '10' }))).toBe(`invalid value for 'replicates': "10" (allowed: an integer in [1, 1000000])`);
    expect(inputErrorOf(withKeys({ set: { 'sanctions.offRamp': 'yes' } }))).toMatch(/'set.sanctions.offRamp': "yes" \(allowed: true or false\)/);
    expect(inputErrorOf(withKeys({ seed: 1.5 }))).toMatch(/'seed': 1.5 \(allowed: an integer/);
    expect(inputErrorOf(withKeys({ design: { type: 'grid', parameters: { 'sponsors.budgetUsd': '1e6' } } })))
      .toMatch(/'design.parameters.sponsors.budgetUsd': "1e6" \(allowed: a list of values, or \{from, to, step\} or \{from, to, count, log\}\)/);
    expect(inputErrorOf(withKeys({ set: [1, 2] }))).toMatch(/'set': \[1,2\] \(allowed: a mapping/);
  });

  it('refuses NaN and out-of-range values, in set and in every design value', () => {
    expect(inputErrorOf(withKeys({ ticks: NaN }))).toBe(`invalid value for 'ticks': NaN (allowed: an integer in [1, 600])`);
    expect(inputErrorOf(withKeys({ replicates: 0 }))).toMatch(/'replicates': 0/);
    expect(inputErrorOf(withKeys({ set: { population: { scale: 0 } } }))).toMatch(/'set.population.scale': 0 \(allowed: a finite number in \[1, 100000\]\)/);
    expect(inputErrorOf(withKeys({ design: { type: 'grid', parameters: { 'sanctions.offRampCredibility': [0.5, 1.5] } } })))
      .toBe(`invalid value for 'design.parameters.sanctions.offRampCredibility[1]': 1.5 (allowed: a finite number in [0, 1])`);
    expect(inputErrorOf(withKeys({ design: { type: 'grid', parameters: { 'sponsors.visasPerMonth': { from: 0, to: 100, count: 4 } } } })))
      .toMatch(/'design.parameters.sponsors.visasPerMonth\[1\]': 33.3333333333 \(allowed: an integer >= 0\)/);
    expect(inputErrorOf(withKeys({ design: { type: 'lhs', samples: 4, parameters: { 'sanctions.offRampCredibility': { from: 0.5, to: 2 } } } })))
      .toMatch(/'design.parameters.sanctions.offRampCredibility.to': 2/);
    expect(inputErrorOf(withKeys({ design: { type: 'list', points: [{ 'sponsors.budgetUsd': 1 }, { sponsors: { budgetUsd: -5 } }] } })))
      .toMatch(/'design.points\[1\].sponsors.budgetUsd': -5 \(allowed: a finite number >= 0\)/);
    expect(inputErrorOf(withKeys({ design: { type: 'grid', parameters: { 'sponsors.budgetUsd': { from: 0, to: NaN, step: 1 } } } })))
      .toMatch(/'design.parameters.sponsors.budgetUsd.to': NaN/);
  });

  it('refuses unknown scenarios and parameters, wherever they appear', () => {
    expect(inputErrorOf(withKeys({ scenario: 'mars' }))).toBe(`invalid value for 'scenario': "mars" (allowed: one of ${SCENARIO_NAMES.join(', ')})`);
    expect(inputErrorOf(withKeys({ design: { type: 'grid', parameters: { scenario: ['off-ramp', 'nope'] } } })))
      .toMatch(/'design.parameters.scenario\[1\]': "nope" \(allowed: one of myanmar-2021/);
    expect(inputErrorOf(withKeys({ design: { type: 'list', points: [{ scenario: 'nope' }] } }))).toMatch(/'design.points\[0\].scenario': "nope"/);
    expect(inputErrorOf(withKeys({ design: { type: 'grid', parameters: { 'sponsors.payout.soldier': [1] } } })))
      .toMatch(/unknown parameter 'design.parameters.sponsors.payout.soldier' \(value \[1\]\); allowed: parameters under 'sponsors.payout': .*sponsors.payout.soldierUsd/);
    expect(inputErrorOf(withKeys({ set: { 'sponsors.budget': 5 } }))).toMatch(/unknown parameter 'set.sponsors.budget'/);
    expect(inputErrorOf(withKeys({ set: { 'time.ticks': 5 } }))).toMatch(/'set.time.ticks': give the horizon as the top-level 'ticks'/);
  });

  it('refuses __proto__, prototype and constructor keys anywhere', () => {
    expect(inputErrorOf(JSON.parse('{"name": "x", "__proto__": {"polluted": 1}}'))).toMatch(/invalid key '__proto__'/);
    expect(inputErrorOf(JSON.parse('{"set": {"__proto__": {"x": 1}}}'))).toMatch(/__proto__/);
    expect(inputErrorOf(JSON.parse('{"design": {"type": "grid", "parameters": {"constructor": [1]}}}'))).toMatch(/invalid key 'design.parameters.constructor'/);
    expect(inputErrorOf(JSON.parse('{"design": {"type": "list", "points": [{"a.__proto__.b": 1}]}}'))).toMatch(/__proto__/);
    expect(fileError('proto.yaml', 'name: p\nset:\n  __proto__: { polluted: 1 }\n')).toMatch(/__proto__/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses malformed YAML and JSON with the file and the place', () => {
    expect(fileError('bad.yaml', 'name: x\ndesign: [unclosed\n')).toMatch(/^malformed YAML in '.*bad.yaml' at line \d+, column \d+/);
    expect(fileError('bad.json', '{"name": "x",}')).toMatch(/^malformed JSON in '.*bad.json'/);
    expect(fileError('dup.yaml', 'name: x\nname: y\n')).toMatch(/malformed YAML.*[Dd]uplicate|unique/);
    expect(fileError('list.yaml', '- 1\n- 2\n')).toMatch(/'\(experiment\)': \[1,2\] \(allowed: a mapping/);
    expect(() => loadExperiment(join(tmp, 'missing.yaml'))).toThrow(/cannot read '.*missing.yaml': ENOENT/);
  });

  it('refuses bad designs, ranges and recordings', () => {
    expect(inputErrorOf(withKeys({ design: { type: 'fast' } }))).toMatch(/'design.type': "fast" \(allowed: grid, list, random, lhs, sobol or morris\)/);
    expect(inputErrorOf(withKeys({ design: { type: 'grid', parameters: {} } }))).toMatch(/'design.parameters'.*at least one parameter/);
    expect(inputErrorOf(withKeys({ design: { type: 'grid', parameters: { 'sponsors.budgetUsd': [] } } }))).toMatch(/non-empty list/);
    expect(inputErrorOf(withKeys({ design: { type: 'grid', parameters: { 'sponsors.budgetUsd': { from: 0, to: 10, step: 1, count: 3 } } } })))
      .toMatch(/exactly one of 'step' and 'count'/);
    expect(inputErrorOf(withKeys({ design: { type: 'grid', parameters: { 'sponsors.budgetUsd': { from: 10, to: 0, count: 3 } } } }))).toMatch(/'.*budgetUsd.to': 0 \(allowed: a number >= from \(10\)\)/);
    expect(inputErrorOf(withKeys({ design: { type: 'grid', parameters: { 'sponsors.budgetUsd': { from: 0, to: 10, count: 3, log: true } } } }))).toMatch(/'.*budgetUsd.from': 0 \(allowed: a number > 0 with log: true\)/);
    expect(inputErrorOf(withKeys({ design: { type: 'grid', parameters: { 'sponsors.budgetUsd': { from: 0, to: 10, step: -1 } } } }))).toMatch(/'.*budgetUsd.step': -1/);
    expect(inputErrorOf(withKeys({ design: { type: 'grid', parameters: { 'sanctions.offRamp': { from: 0, to: 1, count: 2 } } } }))).toMatch(/'design.parameters.sanctions.offRamp'.*allowed: a list of values \(true or false\)/);
    expect(inputErrorOf(withKeys({ design: { type: 'random', parameters: { 'sponsors.budgetUsd': { from: 0, to: 1 } } } }))).toMatch(/'design.samples': undefined/);
    expect(inputErrorOf(withKeys({ design: { type: 'lhs', samples: 3, parameters: { 'sponsors.budgetUsd': { from: 0, to: 1, step: 0.5 } } } }))).toMatch(/unknown key '.*budgetUsd.step'/);
    expect(inputErrorOf(withKeys({ design: { type: 'list', points: [] } }))).toMatch(/'design.points': \[\] \(allowed: a non-empty list/);
    expect(inputErrorOf(withKeys({ record: { series: 'sometimes' } }))).toMatch(/'record.series': "sometimes" \(allowed: none, every-tick, or \{ every: n \}/);
    expect(inputErrorOf(withKeys({ record: { series: { every: 0 } } }))).toMatch(/'record.series.every': 0/);
    expect(inputErrorOf(withKeys({ name: 'has space' }))).toMatch(/'name': "has space"/);
  });

  it('refuses designs with more runs than --max-runs, with the count, before making them', () => {
    const huge = withKeys({ replicates: 10, design: { type: 'grid', parameters: { 'sponsors.budgetUsd': { from: 0, to: 1e9, step: 1 }, 'sanctions.offRamp': [false, true] } } });
    expect(inputErrorOf(huge)).toMatch(/the design makes 20,000,000,020 runs \(2,000,000,002 points × 10 replicates\), more than --max-runs 100000/);
    expect(inputErrorOf(withKeys({ replicates: 3, design: { type: 'lhs', samples: 50, parameters: { 'sponsors.budgetUsd': { from: 0, to: 1 } } } }), 100))
      .toMatch(/makes 150 runs \(50 points × 3 replicates\), more than --max-runs 100/);
    expect(() => loadExperiment(base, { maxRuns: 4 })).not.toThrow();
    expect(inputErrorOf(base, 3)).toMatch(/makes 4 runs/);
  });
});

describe('baselines', () => {
  const scenarios: ExperimentObject = {
    ...base, design: { type: 'grid', parameters: { scenario: ['sanctions-only', 'defection-offer'], 'sanctions.offRamp': [false, true] } },
  };
  const planError = (experiment: ExperimentObject) => {
    try {
      planSweep(loadExperiment(experiment));
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).not.toContain('\n');
      return (error as Error).message;
    }
    throw new Error('expected an InputError');
  };

  it('name design points by their keys: each point gets the point with those keys replaced', () => {
    const plan = planSweep(loadExperiment({ ...scenarios, baseline: { scenario: 'sanctions-only' } }));
    expect(plan.experiment.baseline).toEqual({ scenario: 'sanctions-only' });
    expect(Array.from(plan.baselines!)).toEqual([0, 1, 0, 1]);
    const one = planSweep(loadExperiment({ ...scenarios, baseline: { scenario: 'sanctions-only', sanctions: { offRamp: true } } }));
    expect(Array.from(one.baselines!)).toEqual([1, 1, 1, 1]);
    expect(describeExperiment(DEFECTION, one.experiment)).toMatch(/effects over scenario = sanctions-only, sanctions.offRamp = true \(independent samples\)$/);
    expect(planSweep(loadExperiment(base)).baselines).toBeUndefined();
    expect('baseline' in loadExperiment(base)).toBe(false); // experiments without one keep their hash
  });

  it('refuse keys the design does not vary, values of the wrong kind, and values no design point has', () => {
    expect(inputErrorOf({ ...scenarios, baseline: { 'sponsors.budgetUsd': 0 } })).toBe(
      "invalid key 'baseline.sponsors.budgetUsd' (value 0): the design does not vary it (allowed: scenario, sanctions.offRamp)");
    expect(inputErrorOf({ ...scenarios, baseline: { scenario: 'nowhere' } })).toMatch(/^invalid value for 'baseline.scenario': "nowhere" \(allowed: one of /);
    expect(inputErrorOf({ ...scenarios, baseline: { 'sanctions.offRamp': 'no' } })).toMatch(/^invalid value for 'baseline.sanctions.offRamp': "no"/);
    expect(inputErrorOf({ ...scenarios, baseline: {} })).toMatch(/^invalid value for 'baseline': \{\}/);
    expect(planError({ ...scenarios, baseline: { scenario: 'off-ramp' } })).toMatch(
      /^invalid value for 'baseline': \{"scenario":"off-ramp"\} \(allowed: .*no design point has scenario = off-ramp \(the design has scenario = sanctions-only, defection-offer\)\)$/);
    const list: ExperimentObject = { ...base, design: { type: 'list', points: [{ scenario: 'sanctions-only' }, { scenario: 'defection-offer', 'sanctions.offRamp': true }] } };
    expect(planError({ ...list, baseline: { scenario: 'sanctions-only' } })).toMatch(/design point 1 \(scenario = defection-offer, sanctions.offRamp = true\) has none/);
  });
});

describe('the resolved experiment', () => {
  it('expands ranges and flattens set; resolving it again gives the same (and the same hash)', () => {
    const raw: ExperimentObject = {
      name: 'resolve', set: { population: { scale: 500 }, 'sponsors.budgetUsd': 1e6 }, ticks: 6, seed: 9,
      design: { type: 'grid', parameters: { 'sponsors.payout.soldierUsd': { from: 0, to: 10000, count: 5 }, scenario: ['off-ramp', 'myanmar-2021'] } },
      record: { series: { every: 2 } },
    };
    const once = loadExperiment(raw);
    expect(once.set).toEqual({ 'population.scale': 500, 'sponsors.budgetUsd': 1e6 });
    expect(once.design).toEqual({ type: 'grid', parameters: { 'sponsors.payout.soldierUsd': [0, 2500, 5000, 7500, 10000], scenario: ['off-ramp', 'myanmar-2021'] } });
    const twice = loadExperiment(JSON.parse(JSON.stringify(once)));
    expect(twice).toEqual(once);
    expect(experimentHash(twice)).toBe(experimentHash(once));
  });

  it('describes what it runs', () => {
    expect(describeExperiment(DEFECTION, loadExperiment(base))).toBe('base: grid design, 2 points × 2 replicates = 4 runs of 12 ticks, varying sanctions.offRamp; no series');
  });
});

describe('shipped experiments', () => {
  const files = ['offramp-vs-payout', 'policy-comparison', 'budget-outreach-lhs', 'crackdown-random'].map((n) => join(root, 'experiments', `${n}.yaml`));

  it('all validate', () => {
    for (const file of files) expect(() => loadExperiment(file)).not.toThrow();
  });

  it('offramp-vs-payout is the issue’s grid: 2 × 5 points, 10 replicates', () => {
    const plan = planSweep(loadExperiment(files[0]));
    expect(plan.varied).toEqual(['sanctions.offRamp', 'sponsors.payout.soldierUsd']);
    expect(plan.points.length).toBe(10);
    expect(plan.runs).toBe(100);
    expect(plan.experiment).toMatchObject({ scenario: 'myanmar-2021', set: { 'population.scale': 10 }, ticks: 36, seed: 1, record: { series: 'every-tick' } });
  });

  it('policy-comparison puts all five policies against no-policy, as a list design with common seeds', () => {
    const plan = planSweep(loadExperiment(files[1]));
    expect(plan.experiment.design.type).toBe('list');
    expect(plan.varied).toEqual(['scenario']);
    expect(plan.points.map((p) => p.values.scenario).sort()).toEqual([...PACKAGE_NAMES].sort());
    expect(plan.experiment).toMatchObject({ seeds: 'common', baseline: { scenario: 'no-policy' } });
    expect(Array.from(plan.baselines!)).toEqual(plan.points.map(() => 0));
    expect(plan.points[0].values.scenario).toBe('no-policy');
  });
});

describe('experiment JSON Schema', () => {
  const schema = experimentJsonSchema();

  it('schema/experiment.schema.json is generated from the schema machinery and up to date', () => {
    expect(readFileSync(EXPERIMENT_SCHEMA_FILE, 'utf8')).toBe(experimentSchemaText());
  });

  it('every $ref points at a node of the document', () => {
    const refs: string[] = [];
    const visit = (node: unknown): void => {
      if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) (k === '$ref' ? refs.push(v as string) : visit(v));
      }
    };
    visit(schema);
    expect(refs.length).toBeGreaterThan(100);
    for (const ref of new Set(refs)) {
      let node: unknown = schema;
      for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Record<string, unknown>)?.[part];
      expect(node, ref).toBeTypeOf('object');
    }
  });

  it('knows every top-level key, design parameter and range key the validator accepts', () => {
    const props = schema.properties as Record<string, unknown>;
    expect(Object.keys(props).sort()).toEqual(['$schema', 'baseline', 'description', 'design', 'model', 'name', 'record', 'replicates', 'scenario', 'seed', 'seeds', 'set', 'ticks']);
    const defs = schema.$defs as Record<string, { properties: Record<string, unknown> }>;
    expect(defs.dimensions.properties).toHaveProperty(['sponsors.payout.soldierUsd']);
    expect(defs.dimensions.properties).toHaveProperty(['scenario']);
    expect(defs.overrides.properties).toHaveProperty(['population.scale']);
    expect(defs.overrides.properties).toHaveProperty(['sponsors.payout']);
    expect(Object.keys(defs.range.properties).sort()).toEqual(['count', 'from', 'log', 'step', 'to']);
  });
});
