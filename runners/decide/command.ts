/**
 * The `decide` command (a yargs command module, registered in runners/cli.ts), for outcomes
 * computed elsewhere:
 *
 *   defsim decide --x worlds.csv --y outcomes.csv --out DIR     decision.csv, evppi.csv, scenarios.csv/json,
 *                                                                worlds-outcomes.csv, manifest.json, DIR/report/
 *
 * and for an experiment, policies × worlds run by defsim itself (experiment-command.ts):
 *
 *   defsim decide EXPERIMENT --out DIR [--workers N] [--resume] [--shard i/N]
 *
 * Bad input exits 2 with one message naming the key, the value and what is allowed; nothing is
 * written (every input is read and checked before the directory is touched).
 */
import { basename } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { InputError, inputError } from '../../engine/errors.js';
import { lockDirectory } from '../io/lock.js';
import { writingTo } from '../io/output-error.js';
import { jsonText, toolInfo } from '../io/outputs.js';
import { writeAnalysisFiles } from '../sensitivity/files.js';
import { MODEL_OPTION } from '../model/option.js';
import { defaultWorkers } from '../sweep/pool.js';
import { runDecideExperimentCommand, type DecideExperimentArgs } from './experiment-command.js';
import { decide, ESTIMATORS, type Criterion, type CriterionDecision } from './decide.js';
import { DEFAULT_EVPPI_DRAWS } from './evppi.js';
import { DEFAULT_GP_FIT_SAMPLES } from './gp.js';
import { DEFAULT_PRIM, resolvePrimSettings, type PrimSettings, type ResolvedPrimSettings } from './prim.js';
import {
  checkDecisionDirectory, decisionCsv, evppiCsv, readOutcomes, readWorlds, scenariosCsv, scenariosJson, worldOutcomesCsv,
  type OutcomesFile, type WorldsFile,
} from './files.js';

/** The flag of each PRIM setting, for messages. */
const PRIM_FLAGS: Record<keyof PrimSettings, string> = {
  peelAlpha: '--peel-alpha', pasteAlpha: '--paste-alpha', paste: '--paste', massMin: '--mass-min', threshold: '--density-threshold',
  choice: '--box', resamples: '--resamples', resampleShare: '--resample-share', significance: '--significance', seed: '--seed',
};

interface DecideArgs {
  experiment?: string;
  workers?: string;
  resume: boolean;
  shard?: string;
  model?: string;
  x?: string;
  y?: string;
  out?: string;
  'lower-is-better'?: string[];
  threshold?: string[];
  group?: string[];
  unit?: string[];
  'tie-tolerance'?: string;
  'peel-alpha'?: string;
  'paste-alpha'?: string;
  paste: boolean;
  'mass-min'?: string;
  'density-threshold'?: string;
  box?: string;
  resamples?: string;
  'resample-share'?: string;
  significance?: string;
  seed?: string;
  draws?: string;
  'gp-samples'?: string;
  report: boolean;
  quiet: boolean;
}

export const decideCommand: CommandModule<object, DecideArgs> = {
  command: 'decide [experiment]',
  describe: 'Which policy, across worlds: probability best, regret, value of information (EVPI, EVPPI) and the worlds where the answer flips (PRIM) — for a decide experiment (policies × worlds run here), or outcomes computed elsewhere (--x, --y)',
  builder: (y: Argv) =>
    y
      .positional('experiment', { type: 'string', describe: 'A decide experiment (YAML/JSON: policies, baseline, worlds, criteria; docs/DECISIONS.md): every policy and the baseline run in every world, paired' })
      .option('workers', { type: 'string', describe: `With an experiment: worker threads (default: the number of cores, ${defaultWorkers()} here)` })
      .option('resume', { type: 'boolean', default: false, describe: 'With an experiment: finish the one in --out (after a crash or Ctrl-C), or recompute its decision files' })
      .option('shard', { type: 'string', describe: "With an experiment: run one shard 'i/N' of its runs into --out/runs (merge the shards' runs, then --resume)" })
      .option('model', MODEL_OPTION)
      .option('x', { type: 'string', describe: "worlds.csv: a 'world' id column, an optional 'weight' column, one column per parameter" })
      .option('y', { type: 'string', describe: 'outcomes.csv: long format world,policy,criterion,value (optionally replicate)' })
      .option('out', { type: 'string', describe: 'The result directory (new, empty, or an earlier decide result, which is replaced)' })
      .option('lower-is-better', { type: 'string', array: true, describe: 'Criteria where less is better (costs); repeat or separate with commas' })
      .option('threshold', { type: 'string', array: true, describe: 'CRITERION=VALUE: a level to meet (at least; at most when lower is better); decision.csv gives the share of worlds that meet it' })
      .option('group', { type: 'string', array: true, describe: 'NAME=P1,P2,…: parameters whose EVPPI is also computed jointly (Gaussian-process regression)' })
      .option('unit', { type: 'string', array: true, describe: 'NAME=UNIT: the unit of a criterion or parameter, for the manifest and the report' })
      .option('tie-tolerance', { type: 'string', describe: "Outcomes this close to a world's best tie with it (criterion units; default 0)" })
      .option('peel-alpha', { type: 'string', describe: `PRIM: share of the box peeled per step, in (0, 0.5] (default ${DEFAULT_PRIM.peelAlpha})` })
      .option('paste-alpha', { type: 'string', describe: `PRIM: share added per paste, in (0, 0.5] (default ${DEFAULT_PRIM.pasteAlpha})` })
      .option('paste', { type: 'boolean', default: true, describe: 'PRIM: paste the chosen box (--no-paste to skip)' })
      .option('mass-min', { type: 'string', describe: `PRIM: smallest box mass, in (0, 1) (default ${DEFAULT_PRIM.massMin})` })
      .option('density-threshold', { type: 'string', describe: `PRIM: density a box must reach, in (0, 1] (default ${DEFAULT_PRIM.threshold})` })
      .option('box', { type: 'string', describe: `PRIM: which box of the trajectory: excess (most cases beyond chance) or coverage (default ${DEFAULT_PRIM.choice})` })
      .option('resamples', { type: 'string', describe: `PRIM: runs on random halves for reproducibility, 0–1000 (default ${DEFAULT_PRIM.resamples})` })
      .option('resample-share', { type: 'string', describe: `PRIM: share of the worlds in each resample, in (0, 1) (default ${DEFAULT_PRIM.resampleShare})` })
      .option('significance', { type: 'string', describe: `PRIM: drop box restrictions whose quasi-p-value is above this, in (0, 1] (default ${DEFAULT_PRIM.significance}; 1 keeps all)` })
      .option('seed', { type: 'string', describe: 'Seed of the EVPPI draws, the GP subsets and the PRIM resamples (default 1)' })
      .option('draws', { type: 'string', describe: `EVPPI: posterior draws of each fitted curve for the standard errors (default ${DEFAULT_EVPPI_DRAWS})` })
      .option('gp-samples', { type: 'string', describe: `EVPPI of groups: worlds the Gaussian process is built on (default ${DEFAULT_GP_FIT_SAMPLES})` })
      .option('report', { type: 'boolean', default: true, describe: 'Render the report (--no-report to skip)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No summary on stdout' }) as unknown as Argv<DecideArgs>,
  handler: async (args) => {
    if (args.experiment !== undefined) return runDecideExperimentCommand(args as unknown as DecideExperimentArgs & Record<string, unknown>);
    for (const flag of ['workers', 'shard', 'model'] as const) {
      if (args[flag] !== undefined) throw new InputError(`invalid option '--${flag}' without an experiment (allowed: with 'defsim decide EXPERIMENT'; --x and --y analyse outcomes computed elsewhere)`);
    }
    if (args.resume) throw new InputError("invalid option '--resume' without an experiment (allowed: with 'defsim decide EXPERIMENT')");
    if (args.x === undefined || args.y === undefined || args.out === undefined) {
      throw new InputError('defsim decide needs --x worlds.csv, --y outcomes.csv and --out DIR (outcomes computed elsewhere; see docs/DECISIONS.md)');
    }
    const out = args.out;
    const request = readRequest(args);
    checkDecisionDirectory(out);
    const rerun = ['defsim', 'decide', ...process.argv.slice(3)].join(' ');
    const lock = lockDirectory(out, { key: '--out' });
    try {
      await writingTo(out, rerun, async () => {
        const result = decideToDirectory(out, request);
        if (!args.quiet) printSummary(out, result.decisions, request);
        if (args.report) {
          const { renderReport } = await import('../../reports/index.js');
          const report = await renderReport(out, {});
          if (!args.quiet) console.log(`report: ${report.html} (${report.charts.length} charts)`);
        }
      });
    } finally {
      lock.release();
    }
  },
};

/** Everything a decision analysis of outcomes computed elsewhere needs, read and checked. */
export interface DecideRequest {
  readonly xPath: string;
  readonly yPath: string;
  readonly worlds: WorldsFile;
  readonly outcomes: OutcomesFile;
  readonly criteria: readonly Criterion[];
  readonly groups: Readonly<Record<string, readonly string[]>>;
  readonly units: { criteria: Record<string, string>; parameters: Record<string, string> };
  readonly tieTolerance: number;
  readonly draws: number;
  readonly gpSamples: number;
  readonly prim: ResolvedPrimSettings;
}

function numberFlag(flag: string, value: string | undefined, fallback: number, check: (v: number) => boolean, allowed: string): number {
  if (value === undefined) return fallback;
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || !check(v)) throw inputError(flag, value, allowed);
  return v;
}

function pairs(flag: string, values: readonly string[] | undefined, shape: string): [string, string][] {
  return (values ?? []).map((text) => {
    const at = text.indexOf('=');
    if (at <= 0) throw inputError(flag, text, shape);
    return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
  });
}

/** Read the inputs and every option; any problem is an InputError before anything is written. */
export function readRequest(args: DecideArgs): DecideRequest {
  const worlds = readWorlds(args.x!);
  const outcomes = readOutcomes(args.y!, worlds, args.x!);
  const criteriaNames = outcomes.criteria;
  const parameterNames = worlds.parameters.names;
  const lower = new Set<string>();
  for (const name of (args['lower-is-better'] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)) {
    if (!criteriaNames.includes(name)) throw inputError('--lower-is-better', name, `criteria of '${args.y}': ${criteriaNames.join(', ')}`);
    lower.add(name);
  }
  const thresholds = new Map<string, number>();
  for (const [name, text] of pairs('--threshold', args.threshold, 'CRITERION=VALUE')) {
    if (!criteriaNames.includes(name)) throw inputError('--threshold', name, `criteria of '${args.y}': ${criteriaNames.join(', ')}`);
    thresholds.set(name, numberFlag(`--threshold ${name}`, text, NaN, () => true, 'a finite number'));
  }
  const groups: Record<string, string[]> = {};
  for (const [name, text] of pairs('--group', args.group, 'NAME=PARAMETER,PARAMETER,…')) {
    if (name === '*' || parameterNames.includes(name) || name in groups) throw inputError('--group', name, "a new group name (not '*', a parameter's name or another group's)");
    const members = text.split(',').map((m) => m.trim()).filter(Boolean);
    if (members.length === 0) throw inputError(`--group ${name}`, text, 'one or more parameters, separated by commas');
    for (const m of members) if (!parameterNames.includes(m)) throw inputError(`--group ${name}`, m, `parameters of '${args.x}': ${parameterNames.join(', ')}`);
    if (new Set(members).size !== members.length) throw inputError(`--group ${name}`, text, 'each parameter once');
    groups[name] = members;
  }
  const units = { criteria: {} as Record<string, string>, parameters: {} as Record<string, string> };
  for (const [name, unit] of pairs('--unit', args.unit, 'NAME=UNIT')) {
    if (criteriaNames.includes(name)) units.criteria[name] = unit;
    else if (parameterNames.includes(name)) units.parameters[name] = unit;
    else throw inputError('--unit', name, `a criterion (${criteriaNames.join(', ')}) or a parameter (${parameterNames.join(', ')})`);
  }
  const seed = numberFlag('--seed', args.seed, 1, (v) => Number.isInteger(v) && v >= 0, 'a whole number ≥ 0');
  // A flag that is not a number reaches the settings check as typed, so its message shows it.
  const raw = (text: string): number => {
    const v = Number(text);
    return (text.trim() !== '' && Number.isFinite(v) ? v : text) as number;
  };
  const prim = resolvePrimSettings({
    ...(args['peel-alpha'] !== undefined ? { peelAlpha: raw(args['peel-alpha']) } : {}),
    ...(args['paste-alpha'] !== undefined ? { pasteAlpha: raw(args['paste-alpha']) } : {}),
    ...(args['mass-min'] !== undefined ? { massMin: raw(args['mass-min']) } : {}),
    ...(args['density-threshold'] !== undefined ? { threshold: raw(args['density-threshold']) } : {}),
    ...(args.resamples !== undefined ? { resamples: raw(args.resamples) } : {}),
    ...(args['resample-share'] !== undefined ? { resampleShare: raw(args['resample-share']) } : {}),
    ...(args.significance !== undefined ? { significance: raw(args.significance) } : {}),
    ...(args.box !== undefined ? { choice: args.box as PrimSettings['choice'] } : {}),
    paste: args.paste,
    seed,
  }, (name) => PRIM_FLAGS[name]);
  return {
    xPath: args.x!,
    yPath: args.y!,
    worlds,
    outcomes,
    criteria: criteriaNames.map((name) => ({
      name,
      outcomes: { ...outcomes.outcomes.get(name)!, higherIsBetter: !lower.has(name) },
      ...(thresholds.has(name) ? { threshold: thresholds.get(name)! } : {}),
    })),
    groups,
    units,
    tieTolerance: numberFlag('--tie-tolerance', args['tie-tolerance'], 0, (v) => v >= 0, 'a finite number ≥ 0'),
    draws: numberFlag('--draws', args.draws, DEFAULT_EVPPI_DRAWS, (v) => Number.isInteger(v) && v >= 0 && v <= 100_000, 'a whole number from 0 to 100000'),
    gpSamples: numberFlag('--gp-samples', args['gp-samples'], DEFAULT_GP_FIT_SAMPLES, (v) => Number.isInteger(v) && v >= 10 && v <= 5000, 'a whole number from 10 to 5000'),
    prim,
  };
}

export interface DecideOutcome {
  readonly decisions: readonly CriterionDecision[];
  readonly files: Record<string, string>;
}

/** Run the estimators and write the directory (the caller holds its lock). */
export function decideToDirectory(out: string, request: DecideRequest): DecideOutcome {
  const decisions = decide(request.criteria, request.worlds.parameters, {
    ...(request.worlds.weights ? { weights: request.worlds.weights } : {}),
    tieTolerance: request.tieTolerance,
    evppi: { groups: request.groups, draws: request.draws, seed: request.prim.seed, gp: { fitSamples: request.gpSamples } },
    prim: request.prim,
    primKey: (name) => PRIM_FLAGS[name],
  });
  const files: Record<string, string> = {
    'decision.csv': decisionCsv(decisions),
    'evppi.csv': evppiCsv(decisions),
    'scenarios.csv': scenariosCsv(decisions),
    'scenarios.json': jsonText(scenariosJson(decisions, request.worlds.parameters)),
    'worlds-outcomes.csv': worldOutcomesCsv(decisions, request.outcomes.outcomes, request.worlds.ids),
  };
  const first = decisions[0].comparison;
  const manifest = {
    kind: 'decision',
    source: {
      x: { file: basename(request.xPath), sha256: request.worlds.sha256 },
      y: { file: basename(request.yPath), sha256: request.outcomes.sha256, rows: request.outcomes.rows },
      worlds: request.worlds.ids.length,
      weights: request.worlds.weights ? "the 'weight' column of x, normalised" : 'equal',
      effectiveSampleSize: first.effectiveSampleSize,
      replicates: request.outcomes.replicated,
    },
    policies: request.outcomes.policies,
    parameters: request.worlds.parameters.names,
    groups: request.groups,
    criteria: decisions.map((d) => ({
      name: d.criterion,
      direction: d.higherIsBetter ? 'higher is better' : 'lower is better',
      unit: request.units.criteria[d.criterion] ?? '',
      threshold: d.threshold,
      expectedBest: d.comparison.policies[d.comparison.expectedBest].policy,
      mostLikelyBest: d.comparison.policies[d.comparison.mostLikelyBest].policy,
      evpi: d.information.evpi,
    })),
    units: request.units,
    settings: {
      tieTolerance: request.tieTolerance,
      effectInterval: 0.95,
      evppi: { draws: request.draws, seed: request.prim.seed, gpFitSamples: request.gpSamples },
      prim: request.prim,
    },
    estimators: ESTIMATORS,
    ...toolInfo(),
  };
  const hashes = writeAnalysisFiles(out, files, manifest, 'manifest.json');
  return { decisions, files: hashes };
}

function printSummary(out: string, decisions: readonly CriterionDecision[], request: DecideRequest): void {
  const ratio = (v: number) => `${(100 * v).toFixed(0)}%`;
  for (const d of decisions) {
    const best = d.comparison.policies[d.comparison.mostLikelyBest];
    const unit = request.units.criteria[d.criterion] ? ` ${request.units.criteria[d.criterion]}` : '';
    const top = [...d.information.rows.slice(1)].sort((a, b) => b.evppi - a.evppi)[0];
    console.log(`${d.criterion}: ${best.policy} best in ${ratio(best.probabilityBest)} of worlds (± ${ratio(best.probabilityBestSe)}), expected regret ${best.expectedRegret.toPrecision(3)}${unit}; ` +
      `EVPI ${d.information.evpi.toPrecision(3)}${unit}${top ? `, most valuable to learn: ${top.parameter} (${ratio(top.shareOfEvpi)} of EVPI)` : ''}`);
  }
  console.log(`wrote ${['decision.csv', 'evppi.csv', 'scenarios.csv', 'scenarios.json', 'worlds-outcomes.csv', 'manifest.json'].join(', ')} in ${out}`);
}
