/**
 * The defection model's outputs are pinned: the sha256 of a small run's series.csv and
 * summary.json, and of a small sweep's runs.csv, points.csv, series.csv and effects.csv (with a
 * baseline). First recorded before the model-interface change (issue 16), which left them
 * byte-identical (manifests only gained `model`); recorded again for model 1.2.0, whose changes
 * (credible money, spend by group, the fiscal link, new columns) change them on purpose. A new
 * model version (MODEL_VERSION) may change these bytes: then record the new values here with the
 * version bump; a refactor must not.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-pinned-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]): void {
  const result = spawnSync(process.execPath, [CLI, ...args, '--quiet'], { cwd: root, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The sweep pinned: three scenarios of the defection model, a baseline, common seeds, series every 6 ticks. */
const PIN_SWEEP = `name: pin-sweep
description: A small sweep with a baseline whose output bytes are pinned across the model-interface change
scenario: myanmar-2021
set: { population.scale: 20 }
ticks: 24
replicates: 3
seed: 5
seeds: common
baseline: { scenario: no-policy }
design:
  type: list
  points:
    - scenario: no-policy
    - scenario: defection-offer
    - scenario: off-ramp
record: { series: { every: 6 } }
`;

describe('the defection model gives the bytes pinned for its version (1.2.0)', () => {
  it('a run: defsim run --scenario defection-offer --seed 3 --set population.scale=20 --ticks 24', () => {
    const out = join(tmp, 'run');
    cli(['run', '--scenario', 'defection-offer', '--seed', '3', '--set', 'population.scale=20', '--ticks', '24', '--out', out]);
    expect(sha256(join(out, 'series.csv'))).toBe('767ac7c56b72c0233acad77651b8aad6e7878d3a649d118fa92d7860d3746460');
    expect(sha256(join(out, 'summary.json'))).toBe('f51247414a75d1eb6f0d114d7f0cb5d986fefc60a044404c93ebaa993521c5e2');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.model).toEqual({ name: 'defection', version: manifest.modelVersion });
    expect(manifest.modelVersion).toBe('1.2.0');
  });

  it('a sweep with a baseline (2 workers; any number gives the same bytes)', () => {
    const file = join(tmp, 'pin-sweep.yaml');
    writeFileSync(file, PIN_SWEEP);
    const out = join(tmp, 'sweep');
    cli(['sweep', file, '--workers', '2', '--out', out]);
    expect(Object.fromEntries(['runs.csv', 'points.csv', 'series.csv', 'effects.csv'].map((f) => [f, sha256(join(out, f))]))).toEqual({
      'runs.csv': 'aa3acb24782b17e98f5b0b386ef0f74276ac82f99d589da016aaaa49a90541ed',
      'points.csv': '42cdf947ee6d0de3bc72b88aca2dbb76bc41d6af4bd854e61ce306c90c473d26',
      'series.csv': '1075eb954d08a1055bd02ed26a5149463297b5a411272aa181a2b6484fd99fa1',
      'effects.csv': '0f8a05ca53a53a27106bdb18bdc3fc00d171d24f48f8b33cb878c81baafa2ace',
    });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.model).toEqual({ name: 'defection', version: manifest.modelVersion });
    // The default model leaves the resolved experiment, and so its hash (and a resume of an older journal), as they were.
    expect('model' in manifest.experiment).toBe(false);
    expect(manifest.experimentHash).toBe('f65f6847ddc438ef26e7bde14da6b69497b7822bd2f6333ec5be48961c16d91b');
  });
});
