/**
 * Beyond one machine: shards partition the run list, `defsim merge` equals a single-machine sweep
 * byte for byte and refuses shards that are missing, duplicated, foreign or incomplete; the
 * Slurm and Kubernetes generators write what their schedulers accept. (The real Slurm run is in
 * slurm.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { inShard, parseShard, shardFromEnvironment, shardRunCount } from '../runners/sweep/shard.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const FILES = ['runs.csv', 'points.csv', 'series.csv', 'manifest.json'];
const tmp = mkdtempSync(join(tmpdir(), 'defsim-cluster-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const experiment = {
  name: 'sharded',
  set: { 'population.scale': 500 },
  ticks: 18,
  replicates: 3,
  seed: 11,
  design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true], 'sponsors.payout.soldierUsd': [0, 4000, 12000] } },
  // Effects of each payout over no payout at the same off-ramp setting: merge writes effects.csv too.
  baseline: { 'sponsors.payout.soldierUsd': 0 },
  record: { series: { every: 3 } },
};
const experimentFile = join(tmp, 'sharded.json');
writeFileSync(experimentFile, JSON.stringify(experiment));
const RUNS = 2 * 3 * 3;

describe('shards', () => {
  it('partition the run list: every run in exactly one shard', () => {
    for (const count of [1, 2, 3, 5, 7, 18, 25]) {
      const owners = new Array(RUNS).fill(0);
      let total = 0;
      for (let index = 0; index < count; index++) {
        for (let id = 0; id < RUNS; id++) if (inShard({ index, count }, id)) owners[id]++;
        total += shardRunCount({ index, count }, RUNS);
      }
      expect(owners.every((n) => n === 1)).toBe(true);
      expect(total).toBe(RUNS);
    }
  });

  it('--shard takes i/N or auto from Slurm or Kubernetes variables', () => {
    expect(parseShard('3/64')).toEqual({ index: 3, count: 64 });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 2, count: 4 });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '4' })).toEqual({ index: 2, count: 4 });
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '5', DEFSIM_SHARD_COUNT: '8' })).toEqual({ index: 5, count: 8 });
    for (const bad of ['64/64', '-1/4', '1/0', 'x', '1/2/3']) expect(() => parseShard(bad), bad).toThrow(/--shard/);
    expect(() => shardFromEnvironment({})).toThrow(/none of these variables is set/);
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '1' })).toThrow(/DEFSIM_SHARD_COUNT/);
  });

  const single = join(tmp, 'single');
  const shard = (i: number, n = 3) => join(tmp, `shard-${i}-of-${n}`);

  it('merged shards equal a single-machine sweep byte for byte', () => {
    expect(cli(['sweep', experimentFile, '--out', single, '--workers', '2', '--quiet']).code).toBe(0);
    for (let i = 0; i < 3; i++) {
      const r = cli(['sweep', experimentFile, '--shard', `${i}/3`, '--out', shard(i), '--workers', '1', '--quiet']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(readFileSync(join(shard(i), 'manifest.json'), 'utf8')).shard).toBe(`${i}/3`);
    }
    const merged = join(tmp, 'merged');
    // Shards given in any order.
    const r = cli(['merge', shard(2), shard(0), shard(1), '--out', merged]);
    expect(r.code, r.stderr).toBe(0);
    for (const file of [...FILES, 'effects.csv']) expect(readFileSync(join(merged, file), 'utf8'), file).toBe(readFileSync(join(single, file), 'utf8'));
    // A shard's replicates do not line up with its baselines': only the whole sweep has effects.
    expect(existsSync(join(shard(0), 'effects.csv'))).toBe(false);
    expect(readFileSync(join(merged, 'effects.csv'), 'utf8').split('\n').length).toBeGreaterThan(6 * 10);
  });

  it('a shard directory is a normal, resumable sweep directory', () => {
    const dir = join(tmp, 'resumable');
    expect(cli(['sweep', experimentFile, '--shard', '1/3', '--out', dir, '--quiet']).code).toBe(0);
    const before = FILES.map((f) => readFileSync(join(dir, f), 'utf8'));
    // Lose the final files and half the journal, as a crash would; --resume restores them exactly.
    for (const f of FILES) unlinkSync(join(dir, f));
    const journal = readFileSync(join(dir, 'journal.ndjson'), 'utf8').split('\n');
    writeFileSync(join(dir, 'journal.ndjson'), journal.slice(0, 3).join('\n') + '\n' + journal[3].slice(0, 10));
    const again = cli(['sweep', experimentFile, '--shard', '1/3', '--out', dir, '--quiet']);
    expect(again.code).toBe(2); // without --resume it refuses
    const resumed = cli(['sweep', experimentFile, '--shard', '1/3', '--out', dir, '--resume', '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(FILES.map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(before);
    // Resuming with another shard of the same sweep is refused.
    const other = cli(['sweep', experimentFile, '--shard', '2/3', '--out', dir, '--resume', '--quiet']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/shard 1\/3/);
  });

  describe('merge refuses, listing every problem', () => {
    it('missing and duplicated shards', () => {
      const out = join(tmp, 'refused-1');
      const r = cli(['merge', shard(0), shard(0), '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/shard 0\/3 given 2 times/);
      expect(r.stderr).toMatch(/missing 2 of 3 shards: 1-2/);
      expect(existsSync(out)).toBe(false);
    });

    it('a shard of a different experiment, and a split of another size', () => {
      const otherFile = join(tmp, 'other.json');
      writeFileSync(otherFile, JSON.stringify({ ...experiment, seed: 12 }));
      const foreign = join(tmp, 'foreign-1');
      expect(cli(['sweep', otherFile, '--shard', '1/3', '--out', foreign, '--quiet']).code).toBe(0);
      const twoWay = join(tmp, 'two-way-1');
      expect(cli(['sweep', experimentFile, '--shard', '1/2', '--out', twoWay, '--quiet']).code).toBe(0);
      const r = cli(['merge', shard(0), foreign, shard(2), twoWay, '--out', join(tmp, 'refused-2')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/foreign-1: from a different experiment/);
      expect(r.stderr).toMatch(/two-way-1: shard 1\/2 of a split into 2/);
    });

    it('an unfinished shard and a directory that is no shard', () => {
      const unfinished = join(tmp, 'unfinished-1');
      cpSync(shard(1), unfinished, { recursive: true });
      unlinkSync(join(unfinished, 'manifest.json'));
      const lines = readFileSync(join(unfinished, 'journal.ndjson'), 'utf8').split('\n');
      writeFileSync(join(unfinished, 'journal.ndjson'), lines.slice(0, 2).join('\n') + '\n');
      const r = cli(['merge', shard(0), unfinished, shard(2), single, join(tmp, 'nowhere'), '--out', join(tmp, 'refused-3')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/unfinished-1: incomplete/);
      expect(r.stderr).toMatch(/single: a whole sweep, not a shard/);
      expect(r.stderr).toMatch(/nowhere: not a directory/);
      // A manifest that claims completion over a journal that lacks runs is caught too.
      const hollow = join(tmp, 'hollow-1');
      cpSync(shard(1), hollow, { recursive: true });
      writeFileSync(join(hollow, 'journal.ndjson'), lines.slice(0, 2).join('\n') + '\n');
      const h = cli(['merge', shard(0), hollow, shard(2), '--out', join(tmp, 'refused-4')]);
      expect(h.code).toBe(2);
      expect(h.stderr).toMatch(/hollow-1: incomplete \(1 of its 6 runs/);
    });
  });
});

describe('generators', () => {
  it('defsim slurm writes an array job, a merge job and a submit script that chains them with afterok', () => {
    const out = join(tmp, 'slurm-gen');
    const r = cli(['slurm', experimentFile, '--shards', '4', '--out', out, '--time', '02:00:00', '--cpus-per-task', '8', '--partition', 'short', '--mem', '4G']);
    expect(r.code, r.stderr).toBe(0);
    const sweep = readFileSync(join(out, 'sweep.sbatch'), 'utf8');
    expect(sweep).toMatch(/^#SBATCH --array=0-3$/m);
    expect(sweep).toMatch(/^#SBATCH --cpus-per-task=8$/m);
    expect(sweep).toMatch(/^#SBATCH --time=02:00:00$/m);
    expect(sweep).toMatch(/^#SBATCH --partition=short$/m);
    expect(sweep).toMatch(/^#SBATCH --mem=4G$/m);
    expect(sweep).toMatch(/sweep \S+experiment\.json --shard "\$SLURM_ARRAY_TASK_ID\/4"/);
    expect(readFileSync(join(out, 'merge.sbatch'), 'utf8')).toMatch(/merge \$\(seq -f \S+shard-%g 0 3\) --out \S+\/all/);
    expect(readFileSync(join(out, 'submit.sh'), 'utf8')).toMatch(/--dependency=afterok:"\$array" merge\.sbatch/);
    for (const f of ['sweep.sbatch', 'merge.sbatch', 'submit.sh']) {
      expect(spawnSync('bash', ['-n', join(out, f)]).status, `${f} parses`).toBe(0);
    }
    // The frozen experiment is the same experiment (same hash) as the file.
    const frozen = cli(['validate', join(out, 'experiment.json')]);
    expect(frozen.stdout).toBe(cli(['validate', experimentFile]).stdout);
  });

  it('defsim k8s writes an Indexed Job whose pods read their shard from JOB_COMPLETION_INDEX, and a merge Job', () => {
    const out = join(tmp, 'k8s-gen');
    const r = cli(['k8s', experimentFile, '--shards', '6', '--out', out, '--image', 'registry.example/defsim:0.1.0', '--cpus', '4', '--parallelism', '3']);
    expect(r.code, r.stderr).toBe(0);
    const job = parseYaml(readFileSync(join(out, 'sweep-job.yaml'), 'utf8'));
    expect(job.kind).toBe('Job');
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.completions).toBe(6);
    expect(job.spec.parallelism).toBe(3);
    const container = job.spec.template.spec.containers[0];
    expect(container.image).toBe('registry.example/defsim:0.1.0');
    expect(container.env).toContainEqual({ name: 'DEFSIM_SHARD_COUNT', value: '6' });
    expect(container.command.join(' ')).toMatch(/shard-\$JOB_COMPLETION_INDEX/);
    expect(container.command.join(' ')).toMatch(/--shard "\$JOB_COMPLETION_INDEX\/6" --workers 4/);
    const configMap = parseYaml(readFileSync(join(out, 'configmap.yaml'), 'utf8'));
    expect(JSON.parse(configMap.data['experiment.json'])).toEqual(JSON.parse(readFileSync(join(out, 'experiment.json'), 'utf8')));
    const merge = parseYaml(readFileSync(join(out, 'merge-job.yaml'), 'utf8'));
    expect(merge.spec.template.spec.containers[0].command.join(' ')).toMatch(/defsim merge \$\(seq -f \S+shard-%g 0 5\)/);
    expect(spawnSync('bash', ['-n', join(out, 'submit-k8s.sh')]).status).toBe(0);
    // The shard command itself runs in a POSIX shell.
    expect(spawnSync('sh', ['-n', '-c', container.command[2]]).status).toBe(0);
  });

  it('bad input: exit 2 naming the option, nothing written', () => {
    for (const [args, key] of [
      [['slurm', experimentFile, '--shards', '0', '--out', join(tmp, 'bad-1')], '--shards'],
      [['slurm', experimentFile, '--shards', '2', '--out', join(tmp, 'bad-2'), '--time', 'soon'], '--time'],
      [['k8s', experimentFile, '--shards', '2', '--out', join(tmp, 'bad-3'), '--image', 'x', '--pvc', 'Not_A_Name'], '--pvc'],
    ] as const) {
      const r = cli([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(key);
      expect(existsSync(args[args.indexOf('--out') + 1])).toBe(false);
    }
  });
});
