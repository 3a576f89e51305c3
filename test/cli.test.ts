/**
 * The `defsim` command line, spawned as a user would run it (`node dist/runners/cli.js`; the
 * global setup builds dist/ when it is missing or stale): run/scenarios/params, safe output
 * directories, reproducibility (required behaviour 9) and every class of bad input, which must
 * exit with code 2, print one message naming the key path, the value and what is allowed, and
 * write nothing.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_GROUPS } from '../agents/defection/groups.js';
import { PARAMETER_SCHEMA } from '../agents/defection/params.js';
import { SCENARIO_NAMES } from '../agents/defection/scenarios.js';
import { flattenSchema } from '../engine/schema.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'runners', 'cli.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function defsim(args: string[], cwd = work): Result {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;

/** File names and contents of a directory (recursive), to show it did not change. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, entry);
    if (statSync(path).isFile()) out[entry] = readFileSync(path, 'utf8');
  }
  return out;
}

let work: string;
let n = 0;
/** A fresh path inside the work directory (not created). */
const fresh = (name: string) => join(work, `${name}-${++n}`);
/** Write a file in the work directory and return its path. */
function file(name: string, content: string): string {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

beforeAll(() => {
  expect(existsSync(CLI), `${CLI} (run 'npm run build')`).toBe(true);
  work = mkdtempSync(join(tmpdir(), 'defsim-cli-test-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('defsim run', () => {
  it('writes series.csv, summary.json and manifest.json with matching sha256', () => {
    const out = fresh('run');
    const r = defsim(['run', '--scenario', 'myanmar-2021', '--seed', '7', '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'series.csv', 'summary.json']);

    // series.csv: the columns docs/FORMATS.md lists, one row per tick.
    const lines = readFileSync(join(out, 'series.csv'), 'utf8').trimEnd().split('\n');
    const header = lines[0].split(',');
    const documented = [
      'tick', 'spend_usd', 'budget_left_usd', 'cost_per_defection_usd', 'defected_all', 'sanctioned', 'sanctioned_serving',
      'sanctioned_defected', 'family_restricted_share', 'capture_probability', 'capture_probability_official', 'reprisals',
      'visas_used', 'families_extracted', 'safety_soldier', 'military_capacity', 'economic_capacity',
      'sanctioned_soldier', 'sanctioned_official', 'sanctioned_tycoon', 'conscripts', 'out_army', 'out_police', 'out_official', 'out_tycoon',
      // Model 1.2: the CDM and senior officials apart, distinct people who ever left, spend by group, claims, the fiscal link.
      'out_cdm', 'out_official_senior', 'left_ever_army', 'left_ever_police', 'left_ever_official', 'left_ever_cdm', 'left_ever_official_senior',
      'left_ever_official_economic', 'left_ever_tycoon', 'spend_army_usd', 'spend_police_usd', 'spend_official_senior_usd', 'spend_cdm_usd',
      'spend_tycoon_usd', 'spend_shared_usd', 'spend_official_economic_usd', 'claims_queued_usd', 'claims_lapsed', 'bought_defections',
      'credibility_soldier', 'credibility_official_senior', 'sanctions_bite', 'regime_revenue', 'military_spending', 'pay_arrears', 'regime_strength',
    ];
    const groups = ['army', 'police', 'official', 'tycoon', 'army_enlisted', 'army_nco', 'army_officer', 'army_conscript', 'police_enlisted', 'police_nco',
      'police_officer', 'official_junior', 'official_mid', 'official_senior', 'official_administrative', 'official_economic', 'official_security', 'cdm'];
    expect(REPORT_GROUPS.map((g) => g.name).sort()).toEqual([...groups].sort());
    for (const g of groups) for (const m of ['defected', 'new_defections', 'captured', 'serving']) documented.push(`${m}_${g}`);
    for (const g of groups) if (g !== 'tycoon') documented.push(`${g.startsWith('official') || g === 'cdm' ? 'returned' : 'pardoned'}_${g}`);
    for (const c of documented) expect(header, c).toContain(c);
    expect(new Set(header).size).toBe(header.length);
    expect(header[0]).toBe('tick');
    expect(lines).toHaveLength(1 + 48);
    for (const [t, line] of lines.slice(1).entries()) {
      const cells = line.split(',');
      expect(cells).toHaveLength(header.length);
      expect(Number(cells[0])).toBe(t);
      for (const cell of cells) expect(Number.isFinite(Number(cell)), `tick ${t}: '${cell}'`).toBe(true);
    }

    // summary.json
    const summary = readJson(join(out, 'summary.json'));
    expect(summary.scenario).toBe('myanmar-2021');
    expect(summary.seed).toBe(7);
    expect(summary.ticks).toBe(48);
    expect(Array.isArray(summary.calibration)).toBe(true);
    expect(summary.calibration.length).toBeGreaterThan(0);
    expect(summary.final.defected_army).toBe(Number(lines[48].split(',')[header.indexOf('defected_army')]));
    expect(typeof summary.metrics.defected_all).toBe('number');
    // The weight each group got (people per agent): one per person at scale 1.
    expect(summary.population.scale).toBe(1);
    expect(summary.population.groups.army_enlisted).toEqual({ people: 120000, agents: 120000, weight: 1 });

    // manifest.json: the sha256 of each file matches; fully resolved parameters.
    const manifest = readJson(join(out, 'manifest.json'));
    expect(manifest.kind).toBe('run');
    expect(manifest.tool).toBe('defsim');
    expect(manifest.scenario).toBe('myanmar-2021');
    expect(manifest.seed).toBe(7);
    expect(Object.keys(manifest.files).sort()).toEqual(['series.csv', 'summary.json']);
    for (const [name, hash] of Object.entries(manifest.files)) expect(sha256(join(out, name)), name).toBe(hash);
    expect(manifest.parameters.population.scale).toBe(1);
    expect(manifest.parameters.sponsors.budgetUsd).toBe(10000000);
    expect(typeof manifest.modelVersion).toBe('string');
  });

  it('is reproducible: same (parameters, seed) gives byte-identical files; another seed differs', () => {
    const args = ['run', '--scenario', 'defection-offer', '--set', 'population.scale=10', '--quiet'];
    const a = fresh('repro-a'), b = fresh('repro-b'), c = fresh('repro-c');
    expect(defsim([...args, '--seed', '3', '--out', a]).code).toBe(0);
    expect(defsim([...args, '--seed', '3', '--out', b]).code).toBe(0);
    expect(defsim([...args, '--seed', '4', '--out', c]).code).toBe(0);
    expect(readFileSync(join(a, 'series.csv')).equals(readFileSync(join(b, 'series.csv')))).toBe(true);
    expect(readFileSync(join(a, 'summary.json')).equals(readFileSync(join(b, 'summary.json')))).toBe(true);
    const ma = readJson(join(a, 'manifest.json')), mb = readJson(join(b, 'manifest.json'));
    for (const key of ['parameters', 'files', 'modelVersion', 'version', 'scenario', 'seed', 'ticks', 'units', 'gitCommit']) {
      expect(mb[key], key).toEqual(ma[key]);
    }
    expect(readFileSync(join(c, 'series.csv'), 'utf8')).not.toBe(readFileSync(join(a, 'series.csv'), 'utf8'));
    expect(readJson(join(c, 'manifest.json')).files['series.csv']).not.toBe(ma.files['series.csv']);
  });

  it('refuses a non-empty --out without --force (exit 2, nothing changed), and overwrites with --force', () => {
    const out = fresh('nonempty');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'keep me');
    const before = snapshot(out);
    const r = defsim(['run', '--set', 'population.scale=20', '--out', out, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(out);
    expect(r.stderr).toMatch(/not empty/);
    expect(r.stderr).toMatch(/--force/);
    expect(snapshot(out)).toEqual(before);
    const forced = defsim(['run', '--set', 'population.scale=20', '--out', out, '--quiet', '--force']);
    expect(forced.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'notes.txt', 'series.csv', 'summary.json']);
  });

  it('applies --config then --set (both end up in the manifest)', () => {
    const config = file('my.yaml', [
      'scenario: off-ramp',
      'seed: 9',
      'population:',
      '  scale: 20',
      'sponsors:',
      '  budgetUsd: 1000000',
      '  payout:',
      '    soldierUsd: 3000',
      'sanctions.trancheSize: 40',
      '',
    ].join('\n'));
    const out = fresh('config');
    const r = defsim(['run', '--config', config, '--set', 'sponsors.budgetUsd=25e6', '--set', 'sanctions.offRamp=true', '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = readJson(join(out, 'manifest.json'));
    expect(m.scenario).toBe('off-ramp');
    expect(m.seed).toBe(9);
    expect(m.parameters.population.scale).toBe(20);
    expect(m.parameters.sponsors.budgetUsd).toBe(25e6); // --set wins over the config file
    expect(m.parameters.sanctions.offRamp).toBe(true);
    expect(m.parameters.sponsors.payout.soldierUsd).toBe(3000);
    expect(m.parameters.sanctions.trancheSize).toBe(40);
    expect(m.parameters.sponsors.visasPerMonth).toBe(200); // from the off-ramp scenario
  });
});

describe('defsim scenarios and params', () => {
  it('lists the five policy scenarios, the no-policy counterfactual and the single levers', () => {
    const r = defsim(['scenarios']);
    expect(r.code).toBe(0);
    const names = r.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0]);
    expect(names).toEqual(['myanmar-2021', 'no-policy', 'sanctions-only', 'defection-offer', 'off-ramp', 'economic-targeting',
      'lever-soldier-payouts', 'lever-senior-payouts', 'lever-economic-payouts', 'lever-resettlement', 'lever-safe-houses', 'lever-sanctions', 'lever-delisting']);
    expect(SCENARIO_NAMES).toEqual(names);
  });

  it('lists every dotted parameter path, the required names among them', () => {
    const r = defsim(['params']);
    expect(r.code).toBe(0);
    const listed = r.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0]);
    expect(listed).toEqual([...flattenSchema(PARAMETER_SCHEMA).keys()]);
    for (const name of [
      'population.scale', 'sponsors.budgetUsd', 'sponsors.monthlyFundingUsd', 'sponsors.payout.soldierUsd',
      'sponsors.payout.seniorOfficialUsd', 'sanctions.offRamp', 'sanctions.offRampCredibility', 'sanctions.periodTicks',
      'sanctions.trancheSize', 'regime.familyRestriction.initialShare',
    ]) expect(listed, name).toContain(name);
    const json = JSON.parse(defsim(['params', '--format', 'json']).stdout) as Array<{ path: string; default: unknown; allowed: string }>;
    expect(json.map((row) => row.path)).toEqual(listed);
    expect(json.find((row) => row.path === 'sponsors.budgetUsd')).toMatchObject({ default: 10000000, allowed: 'a finite number >= 0' });
  });
});

describe('bad input: exit 2, one message naming the key path, the value and what is allowed, nothing written', () => {
  interface BadCase {
    name: string;
    args: () => string[];
    /** Fragments the one message must contain. */
    says: Array<string | RegExp>;
  }
  const set = (assignment: string) => () => ['--set', assignment];
  const config = (name: string, content: string) => () => ['--config', file(name, content)];
  const cases: BadCase[] = [
    { name: 'unknown key', args: set('sponsors.budgetUSD=5'), says: ["'sponsors.budgetUSD'", '"5"', /allowed under 'sponsors': .*budgetUsd/] },
    { name: 'unknown key in a config file', args: config('unknown.yaml', 'sanctions:\n  offramp: true\n'), says: ["'sanctions.offramp'", 'true', /allowed under 'sanctions': .*offRamp/] },
    { name: 'wrong type', args: set('sanctions.offRamp=maybe'), says: ["'sanctions.offRamp'", '"maybe"', 'true or false'] },
    { name: 'wrong type in a config file', args: config('type.yaml', 'sponsors:\n  budgetUsd: lots\n'), says: ["'sponsors.budgetUsd'", '"lots"', 'a finite number >= 0'] },
    { name: 'NaN', args: set('sponsors.budgetUsd=NaN'), says: ["'sponsors.budgetUsd'", 'NaN', 'a finite number >= 0'] },
    { name: 'YAML .nan', args: config('nan.yaml', 'sponsors:\n  budgetUsd: .nan\n'), says: ["'sponsors.budgetUsd'", 'NaN', 'a finite number >= 0'] },
    { name: 'Infinity', args: set('sponsors.budgetUsd=Infinity'), says: ["'sponsors.budgetUsd'", 'Infinity', 'a finite number >= 0'] },
    { name: 'YAML .inf', args: config('inf.yaml', 'sponsors:\n  budgetUsd: .inf\n'), says: ["'sponsors.budgetUsd'", 'Infinity', 'a finite number >= 0'] },
    { name: 'overflow to Infinity', args: set('sponsors.monthlyFundingUsd=1e999'), says: ["'sponsors.monthlyFundingUsd'", '1e999', 'a finite number >= 0'] },
    { name: 'negative money', args: set('sponsors.payout.soldierUsd=-2500'), says: ["'sponsors.payout.soldierUsd'", '-2500', 'a finite number >= 0'] },
    { name: 'share above 1', args: set('sanctions.offRampCredibility=1.5'), says: ["'sanctions.offRampCredibility'", '1.5', 'in [0, 1]'] },
    { name: 'share below 0', args: set('regime.familyRestriction.initialShare=-0.2'), says: ["'regime.familyRestriction.initialShare'", '-0.2', 'in [0, 1]'] },
    { name: 'non-integer count', args: set('sanctions.trancheSize=2.5'), says: ["'sanctions.trancheSize'", '2.5', 'an integer >= 0'] },
    { name: 'non-integer count in JSON', args: config('count.json', '{"sponsors": {"visasPerMonth": 10.5}}'), says: ["'sponsors.visasPerMonth'", '10.5', 'an integer >= 0'] },
    { name: 'crackdown mode outside the two stories', args: set('regime.crackdown.mode=random'), says: ["'regime.crackdown.mode'", '"random"', 'one of feedback, scheduled'] },
    { name: 'scheduled crackdown beyond the horizon', args: () => ['--set', 'regime.crackdown.mode=scheduled', '--set', 'regime.crackdown.scheduledTick=60'], says: ["'regime.crackdown.scheduledTick'", '60', 'an integer in [0, 47]'] },
    { name: 'scheduled crackdown of officials beyond a shorter horizon', args: () => ['--ticks', '3', '--set', 'regime.crackdown.mode=scheduled', '--set', 'regime.crackdown.scheduledTick=2'], says: ["'regime.crackdown.official.scheduledTick'", '4', 'an integer in [0, 2]'] },
    { name: 'conscription start beyond the horizon', args: set('regime.conscription.startTick=48'), says: ["'regime.conscription.startTick'", '48', 'an integer in [0, 47]'] },
    { name: 'conscription start beyond a shorter horizon', args: () => ['--ticks', '24', '--set', 'regime.conscription.startTick=36'], says: ["'regime.conscription.startTick'", '36', 'an integer in [0, 23]'] },
    { name: 'negative return rate', args: set('regime.returns.strikerRate=-0.01'), says: ["'regime.returns.strikerRate'", '-0.01', 'in [0, 1]'] },
    { name: 'pardon rate above 1', args: set('regime.returns.deserterPardonRate=2'), says: ["'regime.returns.deserterPardonRate'", '2', 'in [0, 1]'] },
    // Model 1.2: the budget rule, the claims queue and the fiscal link.
    { name: 'credibility update above 1', args: set('sponsors.credibility.updateShare=1.5'), says: ["'sponsors.credibility.updateShare'", '1.5', 'in [0, 1]'] },
    { name: 'negative claim wait', args: set('sponsors.claims.maxWaitTicks=-1'), says: ["'sponsors.claims.maxWaitTicks'", '-1', 'an integer'] },
    { name: 'fractional claim wait', args: set('sponsors.claims.maxWaitTicks=2.5'), says: ["'sponsors.claims.maxWaitTicks'", '2.5', 'an integer'] },
    { name: 'negative running cost', args: set('sponsors.costs.fixedUsdPerMonth=-5'), says: ["'sponsors.costs.fixedUsdPerMonth'", '-5', 'a finite number >= 0'] },
    { name: 'payout sector outside the two', args: set('sponsors.payout.officialSector=army'), says: ["'sponsors.payout.officialSector'", '"army"', 'one of all, economic'] },
    { name: 'fiscal link above 1', args: set('regime.fiscal.link=1.2'), says: ["'regime.fiscal.link'", '1.2', 'in [0, 1]'] },
    { name: 'negative arrears weight', args: set('regime.fiscal.arrearsWeight=-1'), says: ["'regime.fiscal.arrearsWeight'", '-1', 'in [0, 100]'] },
    { name: 'sanctions revenue share above 1', args: set('regime.fiscal.sanctionsRevenueShare=2'), says: ["'regime.fiscal.sanctionsRevenueShare'", '2', 'in [0, 1]'] },
    { name: 'bite scale below 1 person', args: set('sanctions.biteScale=0'), says: ["'sanctions.biteScale'", '0', 'in [1, 1000000]'] },
    { name: 'negative revenue effect', args: set('sanctions.revenueEffect=-1'), says: ["'sanctions.revenueEffect'", '-1', 'in [0, 100]'] },
    { name: 'designation share outside [0,1]', args: set('sanctions.designation.officerShare=1.2'), says: ["'sanctions.designation.officerShare'", '1.2', 'in [0, 1]'] },
    { name: 'designation shares summing above 1', args: () => ['--set', 'sanctions.designation.officerShare=0.8', '--set', 'sanctions.designation.seniorOfficialShare=0.5'], says: ["'sanctions.designation.seniorOfficialShare'", '0.5', 'officerShare + seniorOfficialShare <= 1'] },
    { name: 'capacity split outside [0,1]', args: set('regime.capacity.officialsShare=1.5'), says: ["'regime.capacity.officialsShare'", '1.5', 'in [0, 1]'] },
    { name: 'negative conscript intake', args: set('regime.conscription.monthlyIntake=-5000'), says: ["'regime.conscription.monthlyIntake'", '-5000', 'an integer >= 0'] },
    { name: 'malformed YAML', args: config('broken.yaml', 'sponsors:\n  budgetUsd: [1, 2\n'), says: [/malformed YAML/, 'broken.yaml', /line \d+/] },
    { name: 'malformed JSON', args: config('broken.json', '{"sponsors": {"budgetUsd": 1,}'), says: [/malformed JSON/, 'broken.json'] },
    { name: 'config that is not a mapping', args: config('list.yaml', '- 1\n- 2\n'), says: ['list.yaml', '[1,2]', 'a mapping of parameter names to values'] },
    { name: 'unknown scenario', args: () => ['--scenario', 'sanctions-lite'], says: ["'scenario'", '"sanctions-lite"', 'myanmar-2021', 'sanctions-only', 'economic-targeting'] },
    { name: 'unknown scenario in a config file', args: config('scen.yaml', 'scenario: nope\n'), says: ["'scenario'", '"nope"', 'myanmar-2021'] },
    { name: '__proto__ key in YAML', args: config('proto.yaml', '__proto__:\n  polluted: 1\n'), says: ["'__proto__'", 'not allowed as a parameter name', /allowed: /] },
    { name: 'nested __proto__ key in JSON', args: config('proto.json', '{"sponsors": {"__proto__": {"budgetUsd": 1}}}'), says: ["'sponsors.__proto__'", 'not allowed as a parameter name', /allowed: /] },
    { name: '__proto__ key in JSON', args: config('proto2.json', '{"__proto__": {"polluted": 1}}'), says: ["'__proto__'", 'not allowed as a parameter name', /allowed: /] },
    { name: '__proto__ in --set', args: set('__proto__.polluted=1'), says: ["'__proto__.polluted'", 'not allowed as a parameter name', /allowed: /] },
    { name: 'negative --seed', args: () => ['--seed', '-1'], says: ["'--seed'", '"-1"', 'an integer in [0, 2^53)'] },
    { name: 'non-numeric --seed', args: () => ['--seed', 'abc'], says: ["'--seed'", '"abc"', 'an integer in [0, 2^53)'] },
    { name: 'fractional --seed', args: () => ['--seed', '1.5'], says: ["'--seed'", '"1.5"', 'an integer in [0, 2^53)'] },
    { name: 'bad seed in a config file', args: config('seed.yaml', 'seed: 2.5\n'), says: ["'seed'", '2.5', 'an integer in [0, 2^53)'] },
    { name: 'bad --ticks', args: () => ['--ticks', '0'], says: ["'time.ticks'", '"0"', 'an integer in [1, 600]'] },
    { name: 'a --set without =', args: set('sponsors.budgetUsd'), says: ["'sponsors.budgetUsd'", 'key=value'] },
    { name: 'missing config file', args: () => ['--config', join(work, 'does-not-exist.yaml')], says: ['does-not-exist.yaml', 'ENOENT'] },
  ];

  for (const c of cases) {
    it(c.name, () => {
      // Into a new directory (must not be created) ...
      const out = fresh('bad');
      const r = defsim(['run', ...c.args(), '--out', out, '--quiet']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^defsim: /);
      for (const fragment of c.says) {
        if (typeof fragment === 'string') expect(lines[0]).toContain(fragment);
        else expect(lines[0]).toMatch(fragment);
      }
      expect(lines[0]).not.toMatch(/\bat \S+:\d+:\d+/); // no stack trace
      expect(existsSync(out), `${out} must not be created`).toBe(false);
    });
  }

  it('leaves an existing --out directory exactly as it was', () => {
    const out = fresh('existing');
    mkdirSync(out);
    writeFileSync(join(out, 'series.csv'), 'old');
    const before = snapshot(out);
    for (const args of [['--set', 'sponsors.budgetUsd=-1'], ['--scenario', 'nope'], ['--seed', 'x']]) {
      const r = defsim(['run', ...args, '--out', out, '--force', '--quiet']);
      expect(r.code).toBe(2);
      expect(snapshot(out)).toEqual(before);
    }
  });

  it('an unknown command or option is a usage error (exit 2)', () => {
    for (const args of [['frobnicate'], ['run', '--sed', '3', '--out', fresh('opt')], []]) {
      const r = defsim(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^defsim: /m);
    }
  });
});
