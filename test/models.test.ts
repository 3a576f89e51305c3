/**
 * Any model, not just one: the registry and the interface check, and a user's own model (an ES
 * module) through the CLI — every bad-input class (an unknown name lists the known ones, a path
 * that does not load says why, a module missing part of the interface names what is missing, a
 * run with a column of the wrong length or a non-finite value), each exit 2 with one message and
 * nothing written; a model that throws fails only its own runs of a sweep; the manifest records
 * the module's sha256 and `reproduce` refuses a changed file; `--model` and a file's `model:` must
 * agree; `defsim new-model` writes a model and an experiment that run as they are.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtInModel, DEFAULT_MODEL, MODEL_NAMES, MODELS } from '../agents/index.js';
import { modelProblems } from '../runners/model/check.js';
import { loadModel } from '../runners/model/load.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const TUTORIAL = join(root, 'docs', 'tutorial', 'cascade.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-models-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], cwd = tmp) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The tutorial's model with one text replaced, written to NAME.mjs in tmp. */
function variant(name: string, from: string, to: string): string {
  const text = readFileSync(TUTORIAL, 'utf8');
  expect(text.includes(from), from).toBe(true);
  writeFileSync(join(tmp, `${name}.mjs`), text.replace(from, to));
  return `./${name}.mjs`;
}

/** One line on stderr starting `defsim: `, exit code 2, and `out` not created. */
function refused(args: string[], out: string, message: RegExp): void {
  const r = cli([...args, '--out', out]);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('defsim: '))).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(existsSync(join(tmp, out))).toBe(false);
}

describe('the registry and the interface check', () => {
  it('names the built-in models, defection first and the default, each satisfying the interface', () => {
    expect(DEFAULT_MODEL).toBe('defection');
    expect(MODEL_NAMES[0]).toBe('defection');
    for (const model of MODELS) expect(modelProblems(model), model.name).toEqual([]);
    expect(builtInModel('no-such-model')).toBeUndefined();
  });

  it('names everything a value lacks, in one list', async () => {
    const tutorial = (await loadModel(TUTORIAL)).definition;
    const { run: _run, series: _series, ...noRun } = tutorial;
    expect(modelProblems(noRun)).toEqual([
      "missing 'run' (a function (params, seed, options) returning { columns, data, metrics })",
      "missing 'series' (a list of { name, unit })",
    ]);
    expect(modelProblems({ ...tutorial, ticksParameter: 'threshold.mean' })).toEqual(["'ticksParameter' 'threshold.mean' is not an integer parameter of the schema with a minimum of at least 1"]);
    expect(modelProblems({ ...tutorial, scenarios: [{ name: 'x', description: '', set: { 'threshold.mean': 2 } }] })[0]).toMatch(/^scenario 'x': invalid value for 'threshold.mean': 2/);
    expect(modelProblems({ ...tutorial, outcomes: { effects: [{ metric: 'nope', label: 'n', kind: 'count' }] } })).toEqual(["'outcomes.effects[0].metric' 'nope' is not one of the metrics"]);
    expect(modelProblems({ ...tutorial, schema: { a: { type: 'number', default: 5, doc: 'd', unit: 'u' } } })[0]).toMatch(/'schema' has parameters that are not valid specs: a \(a number spec needs min, max and integer\)/);
    expect(modelProblems(42)[0]).toMatch(/^the model is number/);
  });
});

describe("a user's own model through the CLI", () => {
  it('runs, and its manifest records the module file and its sha256', () => {
    const r = cli(['run', '--model', TUTORIAL, '--scenario', 'offer', '--seed', '4', '--out', 'own', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(tmp, 'own', 'manifest.json'), 'utf8'));
    expect(manifest.model).toEqual({ name: 'cascade', version: '1.0.0', file: TUTORIAL, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(manifest.model.sha256).toBe(createHash('sha256').update(readFileSync(TUTORIAL)).digest('hex'));
    expect(readFileSync(join(tmp, 'own', 'series.csv'), 'utf8').split('\n')[0]).toBe('tick,defected,spend_usd');
    expect(cli(['scenarios', '--model', TUTORIAL]).stdout).toMatch(/^status-quo\s+No offer\noffer\s+US\$5,000/);
    expect(cli(['params', '--model', TUTORIAL]).stdout).toMatch(/^time\.ticks\s+24\s+an integer in \[1, 600\]/);
  });

  it('refuses each bad model with exit 2, one message and nothing written', () => {
    refused(['run', '--model', 'no-such-model'], 'x1', /invalid value for '--model': "no-such-model" \(allowed: a built-in model \(defection[^)]*\) or the path of an ES module/);
    refused(['run', '--model', './missing.mjs'], 'x2', /cannot load the model module '\.\/missing\.mjs': no such file/);
    writeFileSync(join(tmp, 'broken.mjs'), 'export const model = {');
    refused(['run', '--model', './broken.mjs'], 'x3', /cannot load the model module '\.\/broken\.mjs': SyntaxError/);
    writeFileSync(join(tmp, 'nothing.mjs'), 'export const other = 1;');
    refused(['run', '--model', './nothing.mjs'], 'x4', /the module '\.\/nothing\.mjs' exports no model/);
    const noRun = variant('no-run', '  run,\n};', '};');
    refused(['run', '--model', noRun], 'x5', /the model in '\.\/no-run\.mjs' does not satisfy the model interface: missing 'run'/);
    refused(['run', '--model', './cascade.txt'], 'x6', /ends in neither \.js nor \.mjs/);
  });

  it('refuses a run with a column of the wrong length or a non-finite value: exit 2, nothing written', () => {
    const short = variant('short', 'data: Object.values(series),', 'data: Object.values(series).map((column) => column.subarray(1)),');
    refused(['run', '--model', short], 'y1', /the model 'cascade' returned a run that breaks the model interface: column 'tick' has 23 values \(allowed: one per tick, 24\)/);
    const nan = variant('nan', '[t, defected, defected * p.offer.usd]', '[t, defected, t === 3 ? NaN : defected * p.offer.usd]');
    refused(['run', '--model', nan], 'y2', /column 'spend_usd' holds NaN at tick 3 \(allowed: finite numbers\)/);
    const extra = variant('extra', 'spend_usd: defected * p.offer.usd },', 'spend_usd: defected * p.offer.usd, surprise: 1 },');
    refused(['run', '--model', extra], 'y3', /metric 'surprise' is not one of the model's metrics/);
  });

  it('a model that throws fails only its own runs of a sweep (recorded as failed), exit 1', () => {
    const throws = variant('throws', '  const random = randomStream(seed);', "  if (p.offer.usd === 2000) throw new Error('no model for this offer');\n  const random = randomStream(seed);");
    writeFileSync(join(tmp, 'throws.yaml'), `model: ${throws}\nreplicates: 2\ndesign: { type: grid, parameters: { offer.usd: [0, 2000, 5000] } }\n`);
    const r = cli(['sweep', 'throws.yaml', '--out', 'throws-out', '--workers', '2', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/2 of 6 runs failed/);
    const rows = readFileSync(join(tmp, 'throws-out', 'runs.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.map((row) => row.split(',').slice(4, 5)[0] + ':' + (row.includes('failed,Error: no model for this offer') ? 'failed' : 'ok'))).toEqual(['0:ok', '0:ok', '2000:failed', '2000:failed', '5000:ok', '5000:ok']);
  });

  it("--model and a file's model: must agree; a file's model module is loaded by the workers too", () => {
    writeFileSync(join(tmp, 'named.yaml'), `model: ./cascade.mjs\nreplicates: 1\n`);
    copyFileSync(TUTORIAL, join(tmp, 'cascade.mjs'));
    expect(cli(['validate', 'named.yaml']).stdout).toMatch(/^valid: named \(model cascade 1\.0\.0\): list design, 1 point × 1 replicate = 1 run of 24 ticks/);
    const r = cli(['validate', 'named.yaml', '--model', 'defection']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid value for 'model': "\.\/cascade\.mjs" \(allowed: the model the command names, 'defection' \(--model\), or leave 'model' out of the file\)/);
    expect(cli(['validate', 'named.yaml', '--model', './cascade.mjs']).code).toBe(0);
    writeFileSync(join(tmp, 'bad-parameter.yaml'), `model: ./cascade.mjs\nset: { sponsors.budgetUsd: 5 }\n`);
    const bad = cli(['validate', 'bad-parameter.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown parameter 'set\.sponsors\.budgetUsd' \(value 5\); allowed: a dotted parameter path under time, officials, threshold, shock, offer \(see 'defsim params --model cascade'\)/);
  });

  it('reproduce re-runs a module model identically, and refuses a changed module file naming it', () => {
    copyFileSync(TUTORIAL, join(tmp, 'kept.mjs'));
    expect(cli(['run', '--model', './kept.mjs', '--out', 'kept-run', '--quiet']).code).toBe(0);
    expect(cli(['sweep', 'named.yaml', '--model', './cascade.mjs', '--out', 'kept-sweep', '--quiet', '--workers', '1']).code).toBe(0);
    const same = cli(['reproduce', 'kept-run', '--quiet']);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/2 of 2 files identical/);
    expect(cli(['reproduce', 'kept-sweep', '--quiet', '--workers', '1']).code).toBe(0);
    writeFileSync(join(tmp, 'kept.mjs'), readFileSync(TUTORIAL, 'utf8').replace("version: '1.0.0'", "version: '1.0.1'"));
    const changed = cli(['reproduce', 'kept-run', '--quiet']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/the model file '.*kept\.mjs' changed since 'kept-run' was made: its sha256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64}/);
    rmSync(join(tmp, 'kept.mjs'));
    expect(cli(['reproduce', 'kept-run', '--quiet']).stderr).toMatch(/the model file '.*kept\.mjs' that made 'kept-run' is not there \(allowed: --model with the path of the file/);
    copyFileSync(TUTORIAL, join(tmp, 'moved.mjs'));
    expect(cli(['reproduce', 'kept-run', '--model', './moved.mjs', '--quiet']).code).toBe(0);
  });
});

describe('defsim new-model', () => {
  it('writes a model under 80 lines and an experiment that run as they are', () => {
    const dir = mkdtempSync(join(tmp, 'new-'));
    const made = cli(['new-model', 'riot'], dir);
    expect(made.code, made.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['riot-experiment.yaml', 'riot.mjs']);
    const source = readFileSync(join(dir, 'riot.mjs'), 'utf8');
    expect(source.split('\n').length).toBeLessThan(80);
    expect(source).toMatch(/name: 'riot',/);
    const run = cli(['run', '--model', './riot.mjs', '--out', 'run', '--quiet'], dir);
    expect(run.code, run.stderr).toBe(0);
    const sweep = cli(['sweep', 'riot-experiment.yaml', '--out', 'sweep', '--quiet', '--workers', '2'], dir);
    expect(sweep.code, sweep.stderr).toBe(0);
    const effects = readFileSync(join(dir, 'sweep', 'effects.csv'), 'utf8');
    expect(effects.split('\n').filter((l) => /^3,5000,defected,/.test(l))).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, 'sweep', 'manifest.json'), 'utf8')).model.name).toBe('riot');
    // Its files exist now: a second call is refused; a bad name or a built-in one too.
    for (const [name, message] of [['riot', /'riot\.mjs' exists/], ['Bad_Name', /lowercase letters, digits/], ['defection', /a name no built-in model has/]] as const) {
      const r = cli(['new-model', name], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
