/**
 * A real Slurm: scripts/slurm-local.sh starts a single-node Slurm (Debian's slurm-wlm and munge,
 * slurmctld and slurmd on localhost), the job `defsim slurm` wrote is submitted with sbatch as
 * a user would (submit.sh: the array job, then the merge job with --dependency=afterok), and the
 * merged result must equal a local sweep of the same experiment byte for byte. `npm test` installs
 * the packages (scripts/setup.sh --for-tests); the test starts and stops the daemons itself.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-slurm-'));
const slurmDir = join(tmp, 'slurm-state');
const env = { ...process.env, DEFSIM_SLURM_DIR: slurmDir, SLURM_CONF: join(slurmDir, 'slurm.conf') };

function sh(command: string, args: string[], timeoutMs = 120_000) {
  const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', env, timeout: timeoutMs });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

beforeAll(() => {
  const started = sh('bash', ['scripts/slurm-local.sh', 'start'], 240_000);
  if (started.code !== 0) throw new Error(`could not start the local Slurm:\n${started.out}`);
});

afterAll(() => {
  sh('bash', ['scripts/slurm-local.sh', 'stop']);
  rmSync(tmp, { recursive: true, force: true });
});

describe('defsim on a real Slurm', () => {
  it('the array job and the afterok merge job give exactly the local sweep', () => {
    const experiment = join(tmp, 'exp.yaml');
    writeFileSync(experiment, [
      'name: on-slurm',
      'set: { population.scale: 200 }',
      'ticks: 24',
      'replicates: 3',
      'seed: 8',
      'design:',
      '  type: grid',
      '  parameters:',
      '    sanctions.offRamp: [false, true]',
      '    sponsors.payout.soldierUsd: [0, 5000]',
      'record: { series: { every: 4 } }',
      '',
    ].join('\n'));
    const out = join(tmp, 'cluster');
    const generated = sh(process.execPath, [CLI, 'slurm', experiment, '--shards', '3', '--out', out, '--time', '00:10:00']);
    expect(generated.code, generated.out).toBe(0);
    const submitted = sh('bash', [join(out, 'submit.sh')]);
    expect(submitted.code, submitted.out).toBe(0);
    const [arrayJob, mergeJob] = readFileSync(join(out, 'job-ids'), 'utf8').trim().split(/\s+/);
    const array = sh('bash', ['scripts/slurm-wait.sh', arrayJob, '180'], 200_000);
    expect(array.code, `array job:\n${array.out}`).toBe(0);
    expect(array.out.match(/COMPLETED/g)?.length).toBe(3);
    const merged = sh('bash', ['scripts/slurm-wait.sh', mergeJob, '120'], 140_000);
    expect(merged.code, `merge job:\n${merged.out}\n${readFileSync(join(out, 'logs', 'merge.log'), 'utf8')}`).toBe(0);

    const local = join(tmp, 'local');
    const sweep = sh(process.execPath, [CLI, 'sweep', experiment, '--out', local, '--quiet']);
    expect(sweep.code, sweep.out).toBe(0);
    for (const file of ['runs.csv', 'points.csv', 'series.csv', 'manifest.json']) {
      expect(readFileSync(join(out, 'all', file), 'utf8'), file).toBe(readFileSync(join(local, file), 'utf8'));
    }
  });

  it('a shard with a failed run stops the merge job (afterok); merging by hand records the failure', () => {
    const experiment = join(tmp, 'exp.yaml');
    const out = join(tmp, 'cluster-fail');
    expect(sh(process.execPath, [CLI, 'slurm', experiment, '--shards', '3', '--out', out, '--time', '00:10:00']).code).toBe(0);
    // Run 1 (in shard 1) throws: the test hook of the sweep workers.
    const submitted = spawnSync('bash', [join(out, 'submit.sh')], { cwd: root, encoding: 'utf8', env: { ...env, DEFSIM_FAIL_RUNS: '1' } });
    expect(submitted.status, submitted.stderr).toBe(0);
    const [arrayJob, mergeJob] = readFileSync(join(out, 'job-ids'), 'utf8').trim().split(/\s+/);
    const array = sh('bash', ['scripts/slurm-wait.sh', arrayJob, '180'], 200_000);
    expect(array.code).toBe(1);
    expect(array.out).toMatch(/_1 FAILED/);
    const merged = sh('bash', ['scripts/slurm-wait.sh', mergeJob, '120'], 140_000);
    expect(merged.code).toBe(1);
    expect(merged.out).toMatch(/CANCELLED|DependencyNeverSatisfied/);
    // Every shard finished (the failed run is journaled as failed), so a merge by hand goes through,
    // exits 1 with the count, and runs.csv says which run failed and why.
    const byHand = sh(process.execPath, [CLI, 'merge', ...[0, 1, 2].map((i) => join(out, `shard-${i}`)), '--out', join(out, 'all')]);
    expect(byHand.code, byHand.out).toBe(1);
    expect(byHand.out).toMatch(/1 of 12 runs failed/);
    const rows = readFileSync(join(out, 'all', 'runs.csv'), 'utf8').trim().split('\n');
    expect(rows.filter((row) => row.includes(',failed,'))).toHaveLength(1);
    expect(rows[2]).toMatch(/^1,0,1,.*,failed,/);
  });
});
