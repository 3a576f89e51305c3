/**
 * Sharding a sweep across machines: shard i of N runs the run_ids with run_id mod N = i, a fixed
 * partition of the run list (round-robin, so every shard gets a mix of design points and their
 * costs). `--shard auto` reads the index from a cluster's array-job environment.
 */
import { inputError } from '../../engine/errors.js';

export interface Shard {
  /** 0-based index of this shard. */
  index: number;
  /** Number of shards. */
  count: number;
}

export function shardLabel(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

export function inShard(shard: Shard | undefined, runId: number): boolean {
  return !shard || runId % shard.count === shard.index;
}

/** Runs in a shard of a sweep of `runs` runs. */
export function shardRunCount(shard: Shard | undefined, runs: number): number {
  if (!shard) return runs;
  return shard.index < runs ? Math.floor((runs - 1 - shard.index) / shard.count) + 1 : 0;
}

const ALLOWED = "'i/N' with integers 0 <= i < N (e.g. 3/64), or 'auto' inside a Slurm array job (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX with DEFSIM_SHARD_COUNT)";

/** Parse `--shard i/N` or `--shard auto` (from the environment). */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  if (text === 'auto') return shardFromEnvironment(env);
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw inputError('--shard', text, ALLOWED);
  return checkShard('--shard', text, Number(match[1]), Number(match[2]));
}

function checkShard(key: string, given: unknown, index: number, count: number): Shard {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 0 || index >= count) {
    throw inputError(key, given, ALLOWED);
  }
  return { index, count };
}

export function shardFromEnvironment(env: NodeJS.ProcessEnv): Shard {
  const int = (name: string) => (env[name] !== undefined && /^\d+$/.test(env[name]!.trim()) ? Number(env[name]) : undefined);
  const task = int('SLURM_ARRAY_TASK_ID');
  if (task !== undefined) {
    const min = int('SLURM_ARRAY_TASK_MIN') ?? 0;
    const count = int('SLURM_ARRAY_TASK_COUNT') ?? (int('SLURM_ARRAY_TASK_MAX') !== undefined ? int('SLURM_ARRAY_TASK_MAX')! - min + 1 : undefined);
    if (count === undefined) throw inputError('SLURM_ARRAY_TASK_COUNT', env.SLURM_ARRAY_TASK_COUNT, 'the array size, set by Slurm for array jobs');
    return checkShard('SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID, task - min, count);
  }
  const completion = int('JOB_COMPLETION_INDEX');
  if (completion !== undefined) {
    const count = int('DEFSIM_SHARD_COUNT');
    if (count === undefined) throw inputError('DEFSIM_SHARD_COUNT', env.DEFSIM_SHARD_COUNT, "the number of shards (the Job's completions; 'defsim k8s' sets it)");
    return checkShard('JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX, completion, count);
  }
  throw inputError('--shard', 'auto', `${ALLOWED}; none of these variables is set`);
}
