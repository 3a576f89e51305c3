/**
 * `defsim slurm` and `defsim k8s`: turn an experiment into a cluster's array job plus a merge
 * step that runs only when every shard succeeded. defsim does not run a cluster of its own; each
 * array task is an ordinary `defsim sweep --shard auto` into its own shard directory (resumable if
 * the task is retried), and `defsim merge` combines them, byte-identical to one machine's sweep.
 */
import { writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify as yamlStringify } from 'yaml';
import type { Argv, CommandModule } from 'yargs';
import { inputError } from '../../engine/errors.js';
import { checkValue, int } from '../../engine/schema.js';
import type { LoadedModel } from '../model/load.js';
import { MODEL_OPTION } from '../model/option.js';
import { loadExperiment, openExperiment, type Experiment } from '../sweep/experiment.js';
import { jsonText, PACKAGE_ROOT, packageVersion, prepareOutputDirectory } from '../io/outputs.js';
import { withDirectoryLock } from '../io/lock.js';
import { planSweep } from '../sweep/design.js';

const SHARDS_SPEC = int(1, 'Number of shards (array tasks)', { min: 1, max: 100000, unit: 'shards' });
const CPUS_SPEC = int(1, 'CPUs per task (worker threads per shard)', { min: 1, max: 1024, unit: 'cpus' });

/** The command that runs defsim on the cluster's nodes: this installation's CLI by default. */
export function defaultDefsimCommand(): string {
  return `node --single-threaded-gc ${shellQuote(join(PACKAGE_ROOT, 'dist', 'runners', 'cli.js'))}`;
}

export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Slurm's --time: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS. */
function checkTime(value: string): string {
  if (!/^(\d+-)?\d+(:\d{1,2}){0,2}$/.test(value)) throw inputError('--time', value, "a Slurm time limit such as 01:00:00, 90 or 1-12:00:00");
  return value;
}

interface ClusterPlan {
  experiment: Experiment;
  runs: number;
  shards: number;
  out: string;
}

/**
 * Validate the experiment and shard count, create `out` and write the frozen experiment into it.
 * `model`: the experiment's model, loaded (a module path must be; built-in names need not be).
 */
function prepare(experimentPath: string, shardsText: string, out: string, force: boolean, model?: LoadedModel): ClusterPlan {
  const loaded = loadExperiment(experimentPath, model ? { model } : {});
  // A model module is named by its absolute path in the frozen copy, so every node finds it.
  const experiment = model && !model.builtIn ? { ...loaded, model: model.reference } : loaded;
  const shards = checkValue('--shards', SHARDS_SPEC, shardsText) as number;
  const plan = planSweep(experiment, model);
  const dir = resolve(out);
  prepareOutputDirectory(dir, force);
  // Every task reads this copy, so editing the experiment file later cannot split the sweep.
  writeFileSync(join(dir, 'experiment.json'), jsonText(experiment));
  return { experiment, runs: plan.runs, shards, out: dir };
}

function shardDirectories(out: string, shards: number): string {
  return `$(seq -f ${shellQuote(`${out}/shard-%g`)} 0 ${shards - 1})`;
}

/**
 * The shell lines every array task runs: sweep its shard, resuming what a previous try journaled.
 * The shard count is written in (not read from the array size), so resubmitting a single task
 * (`sbatch --array=7 sweep.sbatch`) still runs shard 7 of N.
 */
function shardCommand(defsim: string, experimentFile: string, out: string, index: string, count: number, workers: string): string {
  return [
    `shard_dir=${shellQuote(out)}/shard-${index}`,
    'resume=""',
    '# A retried or requeued task finishes the runs its previous try journaled.',
    '[ -e "$shard_dir/journal.ndjson" ] && resume="--resume"',
    `${defsim} sweep ${shellQuote(experimentFile)} --shard "${index}/${count}" --workers ${workers} --out "$shard_dir" $resume`,
  ].join('\n');
}

export interface SlurmOptions {
  shards: string;
  out: string;
  time: string;
  cpusPerTask: string;
  partition?: string;
  account?: string;
  mem?: string;
  defsim?: string;
  force?: boolean;
  /** The experiment's model, loaded (needed for a model module; `openExperiment` loads it). */
  model?: LoadedModel;
}

/** Write experiment.json, sweep.sbatch, merge.sbatch and submit.sh into `out`; returns their paths. */
export function writeSlurmJob(experimentPath: string, options: SlurmOptions): { out: string; files: string[]; shards: number; runs: number } {
  const time = checkTime(options.time);
  const cpus = checkValue('--cpus-per-task', CPUS_SPEC, options.cpusPerTask) as number;
  const plan = prepare(experimentPath, options.shards, options.out, options.force ?? false, options.model);
  const { out, shards, experiment } = plan;
  const defsim = options.defsim ?? defaultDefsimCommand();
  const name = `defsim-${experiment.name}`;
  const common = [
    ...(options.partition ? [`#SBATCH --partition=${options.partition}`] : []),
    ...(options.account ? [`#SBATCH --account=${options.account}`] : []),
  ];
  mkdirSync(join(out, 'logs'), { recursive: true });
  const header = `# Generated by defsim ${packageVersion()} ('defsim slurm'): ${experiment.name}, ${plan.runs} runs in ${shards} shards.`;
  const sweepScript = [
    '#!/bin/bash',
    `#SBATCH --job-name=${name}`,
    `#SBATCH --array=0-${shards - 1}`,
    `#SBATCH --cpus-per-task=${cpus}`,
    `#SBATCH --time=${time}`,
    ...(options.mem ? [`#SBATCH --mem=${options.mem}`] : []),
    `#SBATCH --output=${out}/logs/shard-%a.log`,
    ...common,
    header,
    '# One array task = one shard: task i runs shard i of the split.',
    'set -euo pipefail',
    `DEFSIM=\${DEFSIM:-${shellQuote(defsim)}}`,
    shardCommand('$DEFSIM', `${out}/experiment.json`, out, '$SLURM_ARRAY_TASK_ID', shards, '"${SLURM_CPUS_PER_TASK:-1}"'),
    '',
  ].join('\n');
  const mergeScript = [
    '#!/bin/bash',
    `#SBATCH --job-name=${name}-merge`,
    '#SBATCH --cpus-per-task=1',
    `#SBATCH --time=${time}`,
    `#SBATCH --output=${out}/logs/merge.log`,
    ...common,
    header,
    '# Runs after every array task succeeded (submit.sh adds --dependency=afterok).',
    'set -euo pipefail',
    `DEFSIM=\${DEFSIM:-${shellQuote(defsim)}}`,
    `$DEFSIM merge ${shardDirectories(out, shards)} --out ${shellQuote(`${out}/all`)}`,
    '',
  ].join('\n');
  const submitScript = [
    '#!/bin/bash',
    header,
    '# Submit the array job, then the merge job that waits for all of it to succeed.',
    'set -euo pipefail',
    `cd ${shellQuote(out)}`,
    'array=$(sbatch --parsable sweep.sbatch)',
    'array=${array%%;*}',
    'merge=$(sbatch --parsable --dependency=afterok:"$array" merge.sbatch)',
    'merge=${merge%%;*}',
    `echo "submitted array job $array (${shards} shards) and merge job $merge (runs when every shard has succeeded)"`,
    `echo "watch: squeue -j $array,$merge    logs: ${out}/logs/    merged sweep: ${out}/all"`,
    'echo "$array $merge" > job-ids',
    '',
  ].join('\n');
  const files = [
    writeScript(join(out, 'sweep.sbatch'), sweepScript),
    writeScript(join(out, 'merge.sbatch'), mergeScript),
    writeScript(join(out, 'submit.sh'), submitScript),
  ];
  return { out, files: [join(out, 'experiment.json'), ...files], shards, runs: plan.runs };
}

function writeScript(path: string, text: string): string {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
}

export interface K8sOptions {
  shards: string;
  out: string;
  image: string;
  parallelism?: string;
  cpus: string;
  memory: string;
  pvc: string;
  dataPath: string;
  namespace?: string;
  force?: boolean;
  /** The experiment's model, loaded (needed for a model module). */
  model?: LoadedModel;
}

/**
 * Write a ConfigMap with the experiment, an Indexed Job (one completion index = one shard), a merge
 * Job, and submit-k8s.sh (apply, wait for the sweep Job to complete, apply the merge Job).
 */
export function writeK8sJob(experimentPath: string, options: K8sOptions): { out: string; files: string[]; shards: number; runs: number } {
  if (!options.image) throw inputError('--image', options.image, 'a container image with defsim installed (its `defsim` command on PATH)');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.pvc)) throw inputError('--pvc', options.pvc, 'a PersistentVolumeClaim name (lower-case letters, digits and -)');
  if (!options.dataPath.startsWith('/')) throw inputError('--data-path', options.dataPath, 'an absolute path inside the container');
  const cpus = checkValue('--cpus', CPUS_SPEC, options.cpus) as number;
  const plan = prepare(experimentPath, options.shards, options.out, options.force ?? false, options.model);
  const { out, shards, experiment } = plan;
  const parallelism = options.parallelism === undefined ? shards : (checkValue('--parallelism', SHARDS_SPEC, options.parallelism) as number);
  const name = `defsim-${experiment.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '')}`.slice(0, 50);
  const dataDir = `${options.dataPath.replace(/\/+$/, '')}/${experiment.name}`;
  const metadata = { name, ...(options.namespace ? { namespace: options.namespace } : {}), labels: { app: 'defsim', experiment: name } };
  const configMap = {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { ...metadata, name: `${name}-experiment` },
    data: { 'experiment.json': jsonText(experiment) },
  };
  const volumes = [
    { name: 'experiment', configMap: { name: `${name}-experiment` } },
    { name: 'data', persistentVolumeClaim: { claimName: options.pvc } },
  ];
  const volumeMounts = [
    { name: 'experiment', mountPath: '/experiment', readOnly: true },
    { name: 'data', mountPath: options.dataPath },
  ];
  const resources = { requests: { cpu: String(cpus), memory: options.memory }, limits: { cpu: String(cpus), memory: options.memory } };
  const sweepJob = {
    apiVersion: 'batch/v1', kind: 'Job', metadata,
    spec: {
      completionMode: 'Indexed', completions: shards, parallelism, backoffLimitPerIndex: 2, maxFailedIndexes: 0,
      template: {
        metadata: { labels: metadata.labels },
        spec: {
          restartPolicy: 'Never',
          containers: [{
            name: 'shard', image: options.image,
            env: [{ name: 'DEFSIM_SHARD_COUNT', value: String(shards) }],
            command: ['/bin/sh', '-c', shardCommand('defsim', '/experiment/experiment.json', dataDir, '$JOB_COMPLETION_INDEX', shards, String(cpus))],
            resources, volumeMounts,
          }],
          volumes,
        },
      },
    },
  };
  const mergeJob = {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { ...metadata, name: `${name}-merge` },
    spec: {
      backoffLimit: 1,
      template: {
        metadata: { labels: metadata.labels },
        spec: {
          restartPolicy: 'Never',
          containers: [{
            name: 'merge', image: options.image,
            command: ['/bin/sh', '-c', `defsim merge ${shardDirectories(dataDir, shards)} --out ${shellQuote(`${dataDir}/all`)} --force`],
            resources: { requests: { cpu: '1', memory: options.memory } }, volumeMounts,
          }],
          volumes,
        },
      },
    },
  };
  const ns = options.namespace ? ` -n ${shellQuote(options.namespace)}` : '';
  const submit = [
    '#!/bin/bash',
    `# Generated by defsim ${packageVersion()} ('defsim k8s'): ${experiment.name}, ${plan.runs} runs in ${shards} shards.`,
    '# Apply the experiment and the Indexed Job, wait for every index to complete, then run the merge Job.',
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
    `kubectl${ns} apply -f configmap.yaml -f sweep-job.yaml`,
    `kubectl${ns} wait --for=condition=complete job/${name} --timeout=\${DEFSIM_WAIT:-24h}`,
    `kubectl${ns} apply -f merge-job.yaml`,
    `kubectl${ns} wait --for=condition=complete job/${name}-merge --timeout=\${DEFSIM_WAIT:-24h}`,
    `echo "merged sweep: ${dataDir}/all on the volume ${options.pvc}"`,
    '',
  ].join('\n');
  const files = [
    writeYaml(join(out, 'configmap.yaml'), configMap),
    writeYaml(join(out, 'sweep-job.yaml'), sweepJob),
    writeYaml(join(out, 'merge-job.yaml'), mergeJob),
    writeScript(join(out, 'submit-k8s.sh'), submit),
  ];
  return { out, files: [join(out, 'experiment.json'), ...files], shards, runs: plan.runs };
}

function writeYaml(path: string, value: unknown): string {
  writeFileSync(path, `# Generated by defsim ${packageVersion()}\n` + yamlStringify(value, { lineWidth: 0 }));
  return path;
}

interface SlurmArgs { experiment: string; model?: string; shards: string; out: string; time: string; 'cpus-per-task': string; partition?: string; account?: string; mem?: string; defsim?: string; force: boolean }
export const slurmCommand: CommandModule<object, SlurmArgs> = {
  command: 'slurm <experiment>',
  describe: 'Write a Slurm array job (one shard per task) and a merge job that runs after it (afterok), with submit.sh',
  builder: (y: Argv) =>
    y
      .positional('experiment', { type: 'string' })
      .option('model', MODEL_OPTION)
      .option('shards', { type: 'string', demandOption: true, describe: 'Number of array tasks' })
      .option('out', { type: 'string', demandOption: true, describe: 'Directory for the scripts, the shard directories and the merged sweep (all/)' })
      .option('time', { type: 'string', default: '01:00:00', describe: 'Time limit per task (Slurm --time)' })
      .option('cpus-per-task', { type: 'string', default: '1', describe: 'CPUs per task = worker threads per shard' })
      .option('partition', { type: 'string' })
      .option('account', { type: 'string' })
      .option('mem', { type: 'string', describe: 'Memory per task (Slurm --mem, e.g. 4G)' })
      .option('defsim', { type: 'string', describe: 'Command that runs defsim on the nodes (default: this installation, node …/dist/runners/cli.js)' })
      .option('force', { type: 'boolean', default: false }) as unknown as Argv<SlurmArgs>,
  handler: async (args) => {
    const { model } = await openExperiment(args.experiment, { model: args.model });
    const r = await withDirectoryLock(args.out, () => writeSlurmJob(args.experiment, {
      model, shards: args.shards, out: args.out, time: args.time, cpusPerTask: args['cpus-per-task'],
      partition: args.partition, account: args.account, mem: args.mem, defsim: args.defsim, force: args.force,
    }));
    console.log(`${r.runs} runs in ${r.shards} shards; wrote ${r.files.map((f) => f.slice(r.out.length + 1)).join(', ')} in ${r.out}`);
    console.log(`submit on the login node: bash ${join(r.out, 'submit.sh')}`);
  },
};

interface K8sArgs { experiment: string; model?: string; shards: string; out: string; image: string; parallelism?: string; cpus: string; memory: string; pvc: string; 'data-path': string; namespace?: string; force: boolean }
export const k8sCommand: CommandModule<object, K8sArgs> = {
  command: 'k8s <experiment>',
  describe: 'Write a Kubernetes Indexed Job (one shard per completion index), a merge Job and submit-k8s.sh',
  builder: (y: Argv) =>
    y
      .positional('experiment', { type: 'string' })
      .option('model', MODEL_OPTION)
      .option('shards', { type: 'string', demandOption: true, describe: 'Number of completion indexes' })
      .option('out', { type: 'string', demandOption: true, describe: 'Directory for the manifests' })
      .option('image', { type: 'string', demandOption: true, describe: 'Container image with defsim installed' })
      .option('parallelism', { type: 'string', describe: 'Pods at once (default: all shards)' })
      .option('cpus', { type: 'string', default: '1', describe: 'CPUs per pod = worker threads per shard' })
      .option('memory', { type: 'string', default: '2Gi', describe: 'Memory per pod' })
      .option('pvc', { type: 'string', default: 'defsim-data', describe: 'PersistentVolumeClaim shared by the pods for the shard directories' })
      .option('data-path', { type: 'string', default: '/data', describe: 'Where the volume is mounted' })
      .option('namespace', { type: 'string' })
      .option('force', { type: 'boolean', default: false }) as unknown as Argv<K8sArgs>,
  handler: async (args) => {
    const { model } = await openExperiment(args.experiment, { model: args.model });
    const r = await withDirectoryLock(args.out, () => writeK8sJob(args.experiment, {
      model, shards: args.shards, out: args.out, image: args.image, parallelism: args.parallelism, cpus: args.cpus,
      memory: args.memory, pvc: args.pvc, dataPath: args['data-path'], namespace: args.namespace, force: args.force,
    }));
    console.log(`${r.runs} runs in ${r.shards} shards; wrote ${r.files.map((f) => f.slice(r.out.length + 1)).join(', ')} in ${r.out}`);
    console.log(`submit: bash ${join(r.out, 'submit-k8s.sh')}`);
  },
};
