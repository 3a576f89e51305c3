/**
 * The tutorial's model (docs/tutorial/cascade.mjs, built step by step in docs/MODEL-API.md) through
 * every command, as a user runs it from the repository root: `run`, `sweep` with effects over a
 * baseline, `analyze` of a small Sobol design, and `calibrate` (a tiny ABC-SMC run) — each with
 * the shipped files in docs/tutorial/, and each result reproduced.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-tutorial-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

const read = (dir: string, file: string) => readFileSync(join(tmp, dir, file), 'utf8');
const rows = (dir: string, file: string) => read(dir, file).trim().split('\n').map((line) => line.split(','));

describe('the tutorial model through every command', () => {
  it('is under 80 lines', () => {
    expect(readFileSync(join(root, 'docs', 'tutorial', 'cascade.mjs'), 'utf8').split('\n').length).toBeLessThan(80);
  });

  it('run: the offer scenario sends everyone, the status quo few; same seed, same bytes', () => {
    cli(['run', '--model', 'docs/tutorial/cascade.mjs', '--scenario', 'offer', '--seed', '2', '--out', join(tmp, 'offer'), '--quiet']);
    cli(['run', '--model', 'docs/tutorial/cascade.mjs', '--seed', '2', '--out', join(tmp, 'quo'), '--quiet']);
    cli(['run', '--model', 'docs/tutorial/cascade.mjs', '--seed', '2', '--out', join(tmp, 'quo-again'), '--quiet']);
    const final = (dir: string) => JSON.parse(read(dir, 'summary.json')).metrics;
    expect(final('offer')).toMatchObject({ defected: 1000, defected_share: 1, spend_usd: 5e6 });
    expect(final('quo').defected).toBeLessThan(200);
    expect(read('quo', 'series.csv')).toBe(read('quo-again', 'series.csv'));
  });

  it('sweep: effects of the offer over no offer, paired, with the cost per additional defection', () => {
    cli(['sweep', 'docs/tutorial/cascade-experiment.yaml', '--out', join(tmp, 'sweep'), '--workers', '2', '--quiet']);
    const effects = rows('sweep', 'effects.csv');
    const header = effects[0];
    const at = (offer: string) => Object.fromEntries(header.map((h, i) => [h, effects.find((r) => r[1] === offer && r[2] === 'defected')![i]]));
    expect(at('0').effect).toBe('0');
    expect(Number(at('5000').effect)).toBeGreaterThan(500);
    expect(Number(at('5000').cost_per_additional_defection_usd)).toBeGreaterThan(5000); // every defector is paid, and some would have gone anyway
    expect(rows('sweep', 'runs.csv')).toHaveLength(1 + 4 * 5);
    expect(cli(['reproduce', join(tmp, 'sweep'), '--quiet', '--workers', '2'])).toMatch(/4 of 4 files identical/);
  });

  it('analyze: Sobol indices of a small design; the mean threshold matters', () => {
    cli(['sweep', 'docs/tutorial/cascade-sensitivity.yaml', '--out', join(tmp, 'sa'), '--workers', '2', '--quiet']);
    cli(['analyze', join(tmp, 'sa'), '--quiet', '--no-report']);
    const indices = rows('sa', 'sensitivity.csv');
    const st = (parameter: string) => Number(indices.find((r) => r[0] === 'defected' && r[1] === parameter && r[2] === 'ST')![3]);
    expect(st('threshold.mean')).toBeGreaterThan(0.1);
    const manifest = JSON.parse(read('sa', 'sensitivity-manifest.json'));
    expect(manifest.model).toMatchObject({ name: 'cascade', version: '1.0.0' });
    expect(manifest.factors).toEqual(['threshold.mean', 'threshold.sd', 'shock']);
  });

  it('calibrate: a tiny ABC-SMC run narrows the mean threshold around the one that gives the observed count', () => {
    cli(['calibrate', 'docs/tutorial/cascade-calibration.yaml', '--out', join(tmp, 'cal'), '--workers', '2', '--quiet']);
    const identifiability = rows('cal', 'identifiability.csv');
    const header = identifiability[0];
    const row = Object.fromEntries(header.map((h, i) => [h, identifiability[1][i]]));
    expect(row.parameter).toBe('threshold.mean');
    expect(Number(row.sd_ratio)).toBeLessThan(0.5);
    expect(Number(row.median)).toBeGreaterThan(0.25);
    expect(Number(row.median)).toBeLessThan(0.32);
    const manifest = JSON.parse(read('cal', 'manifest.json'));
    expect(manifest.model.name).toBe('cascade');
    expect(manifest.targetsSource).toBe('docs/tutorial/cascade-targets.json');
    expect(read('cal', 'calibrated.yaml')).toMatch(/^model: .*docs\/tutorial\/cascade\.mjs$/m);
    expect(cli(['reproduce', join(tmp, 'cal'), '--quiet', '--workers', '2'])).toMatch(/files identical/);
  });
});
