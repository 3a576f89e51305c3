/**
 * `defsim merge`: combine the shard directories of one sweep into a single sweep directory. It
 * first checks that the shards are complete and belong together (same experiment hash and model
 * version, one shard count, every index once) and refuses with the whole list of problems;
 * otherwise the merged files are byte-identical to a single-machine sweep of the experiment.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule, Argv } from 'yargs';
import { InputError } from '../../engine/errors.js';
import type { LoadedModel } from '../model/load.js';
import { manifestModel } from '../model/manifest-model.js';
import { MODEL_OPTION } from '../model/option.js';
import { loadExperiment, type Experiment } from '../sweep/experiment.js';
import { withDirectoryLock } from '../io/lock.js';
import { writingTo } from '../io/output-error.js';
import { prepareOutputDirectory } from '../io/outputs.js';
import { planSweep } from '../sweep/design.js';
import { assembleSweep, type SweepManifest } from '../sweep/files.js';
import { journalPath, JournalIndex, scanJournal, sweepIdentity, type JournalIdentity } from '../sweep/journal.js';
import { shardRunCount, type Shard } from '../sweep/shard.js';

interface ShardDirectory {
  dir: string;
  manifest: SweepManifest;
  shard: Shard;
}

/** Read a shard directory, or say what is wrong with it. */
function readShard(dir: string): ShardDirectory | string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return `${dir}: not a directory`;
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    return existsSync(journalPath(dir))
      ? `${dir}: incomplete (a journal but no manifest.json: the shard has not finished; finish it with 'defsim sweep … --shard … --out ${dir} --resume')`
      : `${dir}: not a sweep directory (no manifest.json or journal.ndjson)`;
  }
  let manifest: SweepManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as SweepManifest;
  } catch (error) {
    return `${manifestPath}: not valid JSON (${(error as Error).message})`;
  }
  if (manifest.kind !== 'sweep') return `${dir}: not a sweep directory (manifest kind '${String(manifest.kind)}')`;
  if (!manifest.shard) return `${dir}: a whole sweep, not a shard (it has no 'shard' in manifest.json)`;
  const [index, count] = manifest.shard.split('/').map(Number);
  return { dir, manifest, shard: { index, count } };
}

/** The run identities of a shard's sweep (its journal records are checked against them), from its manifest and the shards' model. */
function shardIdentity(s: ShardDirectory, model: LoadedModel | null): JournalIdentity {
  if (!model) return () => null; // the model cannot be loaded: the merge is refused for that reason
  try {
    return sweepIdentity(planSweep(loadExperiment(s.manifest.experiment, { model }), model));
  } catch {
    return () => null; // an experiment this defsim cannot plan: no record counts, and the merge is refused below
  }
}

/** Check the shards belong together and are all there; returns the problems (empty when fine). */
export function shardProblems(shards: ShardDirectory[], model: LoadedModel | null): string[] {
  const problems: string[] = [];
  const first = shards[0];
  for (const s of shards.slice(1)) {
    if (s.manifest.experimentHash !== first.manifest.experimentHash) {
      problems.push(`${s.dir}: from a different experiment ('${s.manifest.experiment.name}', hash ${s.manifest.experimentHash.slice(0, 12)}…; ${first.dir} has '${first.manifest.experiment.name}', ${first.manifest.experimentHash.slice(0, 12)}…)`);
    }
    if (JSON.stringify(s.manifest.model ?? null) !== JSON.stringify(first.manifest.model ?? null)) {
      problems.push(`${s.dir}: made with the model ${JSON.stringify(s.manifest.model ?? null)}; ${first.dir} with ${JSON.stringify(first.manifest.model ?? null)}`);
    }
    if (s.manifest.modelVersion !== first.manifest.modelVersion) {
      problems.push(`${s.dir}: made with model version ${s.manifest.modelVersion}; ${first.dir} with ${first.manifest.modelVersion}`);
    }
    if (s.shard.count !== first.shard.count) problems.push(`${s.dir}: shard ${s.manifest.shard} of a split into ${s.shard.count}; ${first.dir} is of a split into ${first.shard.count}`);
  }
  const count = first.shard.count;
  const seen = new Map<number, string[]>();
  for (const s of shards) seen.set(s.shard.index, [...(seen.get(s.shard.index) ?? []), s.dir]);
  for (const [index, dirs] of [...seen].sort((a, b) => a[0] - b[0])) {
    if (dirs.length > 1) problems.push(`shard ${index}/${count} given ${dirs.length} times: ${dirs.join(', ')}`);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) problems.push(`missing ${missing.length} of ${count} shards: ${compactList(missing)}`);
  for (const s of shards) {
    const expected = shardRunCount(s.shard, s.manifest.runs);
    const scan = scanJournal(journalPath(s.dir), s.manifest.runs, shardIdentity(s, model));
    let have = 0;
    for (let id = s.shard.index; id < s.manifest.runs; id += s.shard.count) have += scan.done[id];
    const checks = scan.rejected > 0 ? `; ${scan.rejected} record${scan.rejected === 1 ? '' : 's'} failed its check and must be run again: resume the shard` : '';
    if (have !== expected) problems.push(`${s.dir}: incomplete (${have} of its ${expected} runs in journal.ndjson${checks})`);
  }
  return problems;
}

function compactList(values: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j] + 1) j++;
    parts.push(j === i ? String(values[i]) : `${values[i]}-${values[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** Merge shard directories into `out`; throws an InputError listing every problem. */
export async function mergeShards(dirs: string[], out: string, force = false, modelOverride?: string): Promise<SweepManifest> {
  if (dirs.length === 0) throw new InputError("invalid value for 'dirs': none given (allowed: the shard directories of one sweep)");
  const read = dirs.map(readShard);
  const unreadable = read.filter((r): r is string => typeof r === 'string');
  const shards = read.filter((r): r is ShardDirectory => typeof r !== 'string');
  // The model first: the journals' records are checked against the runs of its plan.
  let model: LoadedModel | null = null;
  let modelError: unknown = null;
  if (shards.length > 0) {
    try {
      model = await manifestModel(shards[0].dir, shards[0].manifest, modelOverride);
    } catch (error) {
      modelError = error;
    }
  }
  const problems = [...unreadable, ...(shards.length > 0 ? shardProblems(shards, model) : [])];
  if (modelError === null && problems.length > 0) {
    throw new InputError(`cannot merge ${dirs.length} director${dirs.length === 1 ? 'y' : 'ies'}:\n  - ${problems.join('\n  - ')}`);
  }
  if (modelError !== null || !model) throw modelError;
  const experiment: Experiment = loadExperiment(shards[0].manifest.experiment, { model });
  const plan = planSweep(experiment, model);
  if (plan.hash !== shards[0].manifest.experimentHash) {
    throw new InputError(`${shards[0].dir}/manifest.json: the experiment it records does not hash to its experimentHash (edited by hand?)`);
  }
  if (shards[0].manifest.modelVersion !== model.definition.version) {
    throw new InputError(`the shards were made with model version ${shards[0].manifest.modelVersion}; this defsim has ${model.definition.version} (allowed: merge with the defsim that made them)`);
  }
  return withDirectoryLock(out, async () => {
    prepareOutputDirectory(out, force);
    const ordered = [...shards].sort((a, b) => a.shard.index - b.shard.index);
    const index = new JournalIndex(ordered.map((s) => journalPath(s.dir)), plan.runs, sweepIdentity(plan));
    try {
      return await assembleSweep(out, plan, index);
    } finally {
      index.close();
    }
  });
}

export const mergeCommand: CommandModule<object, { dirs: string[]; out: string; force: boolean; quiet: boolean; model?: string }> = {
  command: 'merge <dirs..>',
  describe: "Check that the shard directories of one sweep are complete, then merge them into one sweep directory (byte-identical to a single-machine sweep)",
  builder: (y: Argv) =>
    y
      .positional('dirs', { type: 'string', array: true, describe: 'Shard directories (e.g. out/exp/shard-*)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Directory for the merged sweep' })
      .option('force', { type: 'boolean', default: false, describe: 'Write into a non-empty directory' })
      .option('model', { ...MODEL_OPTION, describe: "The model module of the shards, when the file their manifests record has moved (its sha256 must match)" })
      .option('quiet', { type: 'boolean', default: false }) as unknown as Argv<{ dirs: string[]; out: string; force: boolean; quiet: boolean; model?: string }>,
  handler: async (args) => {
    const again = `defsim merge ${args.dirs.join(' ')} --out ${args.out} --force`;
    const manifest = await writingTo(args.out, again, () => mergeShards(args.dirs, args.out, args.force, args.model));
    if (!args.quiet) {
      console.log(`${manifest.experiment.name}: merged ${args.dirs.length} shards, ${manifest.runs} runs, ${manifest.failed} failed; wrote ${Object.keys(manifest.files).join(', ')}, manifest.json in ${args.out}`);
    }
    if (manifest.failed > 0) {
      process.stderr.write(`defsim: ${manifest.failed} of ${manifest.runs} runs failed (status and error in ${args.out}/runs.csv)\n`);
      process.exitCode = 1;
    }
  },
};
