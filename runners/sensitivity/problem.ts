/**
 * The problem definition: the one value the sample and analyze functions share (SALib's shape).
 * It names the inputs, gives each a distribution and, optionally, a group: inputs of one group
 * vary as one factor. `parseSalibProblem` reads SALib's own problem dictionary (`num_vars`,
 * `names`, `bounds`, optional `groups` and `dists`), so a SALib user's file works as it is;
 * `toSalibProblem` writes one back. Pure: no files, no model.
 */
import { InputError, inputError } from '../../engine/errors.js';
import { DISTRIBUTION_KINDS, quantileRange, salibBounds, SMALLEST_U, type Distribution, type DistributionKind } from './distributions.js';

export interface Problem {
  /** Input names, in column order. */
  readonly names: readonly string[];
  /** One distribution per input. */
  readonly dists: readonly Distribution[];
  /** One group label per input; absent when every input is its own factor. */
  readonly groups?: readonly string[];
}

/** The factors of a problem: the groups (in order of first appearance) or else the inputs. */
export interface Factors {
  readonly names: readonly string[];
  /** factor index of each input. */
  readonly ofInput: Int32Array;
  /** For each factor, its inputs. */
  readonly members: readonly (readonly number[])[];
}

export function factorsOf(problem: Problem): Factors {
  const labels = problem.groups ?? problem.names;
  const names: string[] = [];
  const index = new Map<string, number>();
  const ofInput = new Int32Array(labels.length);
  const members: number[][] = [];
  labels.forEach((label, i) => {
    let f = index.get(label);
    if (f === undefined) {
      f = names.length;
      index.set(label, f);
      names.push(label);
      members.push([]);
    }
    ofInput[i] = f;
    members[f].push(i);
  });
  return { names, ofInput, members };
}

/** SALib's problem dictionary. */
export interface SalibProblem {
  num_vars: number;
  names: string[];
  bounds: number[][];
  groups?: string[] | null;
  dists?: string[] | null;
}

/** Bound counts and meanings of each SALib dist, for messages. */
const BOUNDS_TEXT: Record<DistributionKind, string> = {
  unif: '[lower, upper] with lower < upper',
  logunif: '[lower, upper] with 0 < lower < upper',
  norm: '[mean, sd] with sd > 0',
  truncnorm: '[lower, upper, mean, sd] with lower < upper and sd > 0',
  lognorm: '[ln-mean, ln-sd] with ln-sd > 0',
  triang: '[lower, upper, peak] with lower < upper and peak in [0, 1) (the peak as a share of the width)',
};

/** One distribution from SALib's dist name and bounds entry; `where` names the entry in messages. */
export function distributionFromSalib(kind: unknown, bounds: unknown, where: string): Distribution {
  const dist = checkedDistribution(kind, bounds, where);
  // Refuse what cannot be computed: a design value beyond ±1.8e308 would be written as an empty cell.
  const [lowest, highest] = quantileRange(dist, SMALLEST_U);
  if (!Number.isFinite(lowest) || !Number.isFinite(highest)) {
    throw inputError(`${where}.bounds`, bounds, `for ${dist.kind}, bounds whose sampled values stay finite (this one reaches ${lowest} … ${highest} within u in [2^-33, 1 − 2^-33])`);
  }
  return dist;
}

function checkedDistribution(kind: unknown, bounds: unknown, where: string): Distribution {
  if (typeof kind !== 'string' || !(DISTRIBUTION_KINDS as readonly string[]).includes(kind)) {
    throw inputError(`${where}.dist`, kind, `one of ${DISTRIBUTION_KINDS.join(', ')}`);
  }
  const k = kind as DistributionKind;
  const count = { unif: 2, logunif: 2, norm: 2, lognorm: 2, truncnorm: 4, triang: 3 }[k];
  if (!Array.isArray(bounds) || bounds.length !== count || !bounds.every((b) => typeof b === 'number' && Number.isFinite(b))) {
    throw inputError(`${where}.bounds`, bounds, `for ${k}, ${count} finite numbers ${BOUNDS_TEXT[k]}`);
  }
  const b = bounds as number[];
  const bad = () => inputError(`${where}.bounds`, bounds, `for ${k}, ${BOUNDS_TEXT[k]}`);
  switch (k) {
    case 'unif':
      if (!(b[0] < b[1])) throw bad();
      return { kind: k, low: b[0], high: b[1] };
    case 'logunif':
      if (!(b[0] > 0 && b[0] < b[1])) throw bad();
      return { kind: k, low: b[0], high: b[1] };
    case 'norm':
    case 'lognorm':
      if (!(b[1] > 0)) throw bad();
      return { kind: k, mean: b[0], sd: b[1] };
    case 'truncnorm':
      if (!(b[0] < b[1] && b[3] > 0)) throw bad();
      return { kind: k, low: b[0], high: b[1], mean: b[2], sd: b[3] };
    case 'triang':
      if (!(b[0] < b[1] && b[2] >= 0 && b[2] < 1)) throw bad();
      return { kind: k, low: b[0], high: b[1], peak: b[2] };
  }
}

/** Check a problem built in code (names unique, one dist per input, groups well formed). */
export function checkProblem(problem: Problem, where = 'problem'): Problem {
  const { names, dists, groups } = problem;
  if (names.length === 0) throw inputError(`${where}.names`, names, 'at least one input');
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (typeof name !== 'string' || name === '') throw inputError(`${where}.names[${i}]`, name, 'a non-empty name');
    if (seen.has(name)) throw inputError(`${where}.names[${i}]`, name, 'a name not used by another input');
    seen.add(name);
  });
  if (dists.length !== names.length) throw inputError(`${where}.dists`, dists.length, `one distribution per input (${names.length})`);
  if (groups) {
    if (groups.length !== names.length) throw inputError(`${where}.groups`, groups, `one group name per input (${names.length})`);
    groups.forEach((g, i) => {
      if (typeof g !== 'string' || g === '') throw inputError(`${where}.groups[${i}]`, g, 'a non-empty group name');
    });
    if (new Set(groups).size < 2) throw inputError(`${where}.groups`, groups, 'at least two different groups (one group for every input leaves nothing to compare)');
  }
  return problem;
}

/** Read SALib's problem dictionary (as parsed from its JSON or YAML file). */
export function parseSalibProblem(raw: unknown, where = 'problem'): Problem {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw inputError(where, raw, "a mapping with 'num_vars', 'names' and 'bounds' (SALib's problem definition)");
  const allowed = ['num_vars', 'names', 'bounds', 'groups', 'dists', 'outputs'];
  const object = raw as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) throw new InputError(`unknown key '${where}.${key}'; allowed here: ${allowed.join(', ')}`);
  }
  const { num_vars: numVars, names, bounds, groups, dists } = object;
  if (!Array.isArray(names) || names.length === 0) throw inputError(`${where}.names`, names, 'a non-empty list of input names');
  if (numVars !== undefined && numVars !== names.length) throw inputError(`${where}.num_vars`, numVars, `the number of names (${names.length})`);
  if (!Array.isArray(bounds) || bounds.length !== names.length) throw inputError(`${where}.bounds`, bounds, `a list of ${names.length} bounds, one per name`);
  if (dists != null && (!Array.isArray(dists) || dists.length !== names.length)) throw inputError(`${where}.dists`, dists, `a list of ${names.length} dist names, one per name`);
  if (groups != null && (!Array.isArray(groups) || groups.length !== names.length)) throw inputError(`${where}.groups`, groups, `a list of ${names.length} group names, one per name`);
  const parsed: Distribution[] = names.map((name, i) =>
    distributionFromSalib(dists == null ? 'unif' : (dists as unknown[])[i], bounds[i], `${where}[${i}] (${String(name)})`));
  // SALib reads a group list equal to the names, or 'NA' entries, as "no group".
  const labels = groups == null ? undefined : (groups as unknown[]).map((g, i) => (g === 'NA' || g === null ? names[i] : g));
  const grouped = labels && labels.some((g, i) => g !== names[i]) ? (labels as string[]) : undefined;
  return checkProblem({ names: names as string[], dists: parsed, ...(grouped ? { groups: grouped } : {}) }, where);
}

/** SALib's problem dictionary for a problem (dists always listed). */
export function toSalibProblem(problem: Problem): SalibProblem {
  return {
    num_vars: problem.names.length,
    names: [...problem.names],
    bounds: problem.dists.map(salibBounds),
    ...(problem.groups ? { groups: [...problem.groups] } : {}),
    dists: problem.dists.map((d) => d.kind),
  };
}
