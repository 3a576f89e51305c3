/**
 * The defection model's outputs are byte-identical across the model-interface change (issue 16):
 * the sha256 of a small run's series.csv and summary.json, and of a small sweep's runs.csv,
 * points.csv, series.csv and effects.csv (with a baseline), recorded before any of that change
 * was made. Manifests only gained `model`. A new model version (MODEL_VERSION) may change these
 * bytes on purpose: then record the new values here with the version bump.
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

describe('the defection model gives the bytes it gave before the model interface', () => {
  it('a run: defsim run --scenario defection-offer --seed 3 --set population.scale=20 --ticks 24', () => {
    const out = join(tmp, 'run');
    cli(['run', '--scenario', 'defection-offer', '--seed', '3', '--set', 'population.scale=20', '--ticks', '24', '--out', out]);
    expect(sha256(join(out, 'series.csv'))).toBe('8795fb384350c201ef335e12b8e9dff98e3b9d2d44d6e4dd7017a48386d9e1fc');
    expect(sha256(join(out, 'summary.json'))).toBe('8db0d3a16a83ce7f3e1fe368a6fefa6780958dc2508ffcf65947f8c7af63d124');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.model).toEqual({ name: 'defection', version: manifest.modelVersion });
  });

  it('a sweep with a baseline (2 workers; any number gives the same bytes)', () => {
    const file = join(tmp, 'pin-sweep.yaml');
    writeFileSync(file, PIN_SWEEP);
    const out = join(tmp, 'sweep');
    cli(['sweep', file, '--workers', '2', '--out', out]);
    expect(Object.fromEntries(['runs.csv', 'points.csv', 'series.csv', 'effects.csv'].map((f) => [f, sha256(join(out, f))]))).toEqual({
      'runs.csv': '99866017812f113865b3ceeda5855d6ae76d04b43beee45730fe53f629fea1e9',
      'points.csv': '3c65c7bee543986ec7f63a0898fd6c5f4e725ed9ae9b64634c2c1fffb7345995',
      'series.csv': '0b82a3dd56cb79ee20f7ad392ac8ad5d8c5ec923ea8b8bb0243a0ed1a8f92b67',
      'effects.csv': 'c5e0e5049ebcb75fdb89502b26398e433ea01f092e9cabcac5d90033557563e4',
    });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.model).toEqual({ name: 'defection', version: manifest.modelVersion });
    // The default model leaves the resolved experiment, and so its hash (and a resume of an older journal), as they were.
    expect('model' in manifest.experiment).toBe(false);
    expect(manifest.experimentHash).toBe('f65f6847ddc438ef26e7bde14da6b69497b7822bd2f6333ec5be48961c16d91b');
  });
});
