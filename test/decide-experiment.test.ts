/**
 * `defsim decide EXPERIMENT` end to end on a tiny experiment (population.scale 100, 10 months, 8
 * worlds, three policies and the baseline, 2 paired replicates): the files and the seeds (common
 * within a world, others across worlds); identical bytes for 1 and 2 workers, after kill -9 and
 * --resume, and from shards merged; each criterion's value equal to a hand computation from
 * runs.csv, and the rules where a ratio is not a number (the ceiling, the floor); reproduce; the
 * report; every class of bad input (exit 2, one message, nothing written); and the main job's
 * printed answer against decision.csv and evppi.csv.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashInts } from '../engine/rng.js';
import { worldValue } from '../runners/decide/criteria.js';
import { systematicResample } from '../runners/decide/worlds.js';
import { planReport } from '../reports/index.js';
import { loadResult } from '../reports/load.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-decide-exp-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--single-threaded-gc', CLI, ...args], { cwd: tmp, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const POLICIES = ['sanctions-only', 'defection-offer', 'off-ramp'];
const SCENARIOS = ['no-policy', ...POLICIES];
const WORLDS = 8;
const REPLICATES = 2;
const CEILING = 50000;

/** Eight worlds over five parameters (one a switch, 0/1; one a lever off-ramp sets), with importance weights. */
function worldsText(): string {
  const lines = ['world,weight,sanctions.revenueEffect,decision.peerWeight,sponsors.costs.visaUsd,regime.crackdown.enabled,sanctions.offRampCredibility'];
  for (let w = 0; w < WORLDS; w++) lines.push(`w${w},${(1 + (w % 3)) / 10},${Number((w * 0.15).toFixed(2))},${2 + (w % 4) * 0.5},${1000 + 2500 * w},${w % 5 === 0 ? 0 : 1},${Number((0.3 + 0.05 * w).toFixed(2))}`);
  return lines.join('\n') + '\n';
}
const worldsFile = join(tmp, 'worlds.csv');
writeFileSync(worldsFile, worldsText());

const EXPERIMENT = {
  name: 'tiny-decide',
  policies: POLICIES,
  baseline: 'no-policy',
  set: { 'population.scale': 100 },
  ticks: 10,
  replicates: REPLICATES,
  seed: 11,
  worlds: { csv: 'worlds.csv' },
  criteria: [
    { name: 'strength', metric: 'regime_strength_lost', kind: 'effect', threshold: 0.001 },
    { name: 'strength_per_million', metric: 'regime_strength_lost', kind: 'per_million_usd', policies: ['defection-offer', 'off-ramp'] },
    { name: 'army_cost', metric: 'left_ever_army', kind: 'cost_per_additional', ceiling: CEILING },
    { name: 'police', metric: 'left_ever_police', kind: 'effect' },
  ],
  evppi: { draws: 20, groups: { g: ['decision.peerWeight', 'sponsors.costs.visaUsd'] } },
  prim: { resamples: 3 },
};

function experimentFile(name: string, changes: Record<string, unknown> = {}): string {
  const path = join(tmp, `${name}.json`);
  writeFileSync(path, JSON.stringify({ ...EXPERIMENT, ...changes }));
  return path;
}

const FILES = ['decision.csv', 'evppi.csv', 'scenarios.csv', 'scenarios.json', 'worlds-outcomes.csv', 'world-criteria.csv', 'worlds.csv', 'runs/runs.csv', 'runs/points.csv', 'manifest.json'];
const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');
const manifest0 = (dir: string) => JSON.parse(read(dir, 'manifest.json'));

function csvRows(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split('\n').map((l) => l.split(','));
  return lines.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
}

const file = experimentFile('tiny');
const two = join(tmp, 'two-workers');
beforeAll(() => {
  const r = cli(['decide', file, '--out', two, '--workers', '2', '--quiet', '--no-report']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}, 300_000);

describe('defsim decide EXPERIMENT', () => {
  it('runs every policy and the baseline in every world, paired within a world, and writes the files with the manifest last', () => {
    for (const name of FILES) expect(existsSync(join(two, name)), name).toBe(true);
    const runs = csvRows(read(two, 'runs/runs.csv'));
    expect(runs).toHaveLength(WORLDS * SCENARIOS.length * REPLICATES);
    runs.forEach((run) => {
      const point = Number(run.point_id);
      const world = Math.floor(point / SCENARIOS.length);
      expect(run.scenario).toBe(SCENARIOS[point % SCENARIOS.length]);
      // Replicate r of every scenario of a world has the same seed; other worlds other seeds.
      expect(Number(run.seed)).toBe(hashInts(11, world, Number(run.replicate)));
      expect(run.status).toBe('ok');
    });
    expect(new Set(runs.map((r) => r.seed)).size).toBe(WORLDS * REPLICATES);
    // The world's parameters are the runs' overrides; a switch runs as true/false.
    expect(runs.filter((r) => r.point_id === '0').every((r) => r['regime.crackdown.enabled'] === 'false' && r['sponsors.costs.visaUsd'] === '1000')).toBe(true);
    // A lever a policy sets itself (off-ramp's credibility 0.8) keeps the policy's value there; the other scenarios run the world's.
    for (const run of runs) expect(Number(run['sanctions.offRampCredibility']), `${run.scenario} in point ${run.point_id}`).toBe(run.scenario === 'off-ramp' ? 0.8 : Number((0.3 + 0.05 * Math.floor(Number(run.point_id) / SCENARIOS.length)).toFixed(2)));
    expect(manifest0(two).worldLevers.parameters).toEqual({ 'sanctions.offRampCredibility': ['off-ramp'] });
    expect(read(two, 'worlds.csv')).toBe(worldsText());
    const manifest = JSON.parse(read(two, 'manifest.json'));
    expect(manifest).toMatchObject({ kind: 'decision', policies: POLICIES, baseline: 'no-policy', source: { worlds: WORLDS, replicates: true, worldsFile: 'worlds.csv' } });
    expect(manifest.source.worldsSource).toMatchObject({ kind: 'csv', path: 'worlds.csv', rows: WORLDS });
    expect(manifest.source.worldsSource.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.experimentSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(manifest.files).sort()).toEqual(FILES.filter((f) => f !== 'manifest.json').sort());
    expect(manifest.criteria.map((c: { name: string }) => c.name)).toEqual(['strength', 'strength_per_million', 'army_cost', 'police']);
    expect(manifest.criteria[2]).toMatchObject({ kind: 'cost_per_additional', spendMetric: 'spend_army_usd', ceiling: CEILING, direction: 'lower is better', unit: 'USD per person' });
    // A criterion may compare fewer policies: its rows only, its last rank column empty.
    const decision = csvRows(read(two, 'decision.csv'));
    expect(decision.filter((r) => r.criterion === 'strength_per_million').map((r) => r.policy)).toEqual(['defection-offer', 'off-ramp']);
    expect(decision.filter((r) => r.criterion === 'strength_per_million').every((r) => r.rank_3 === '')).toBe(true);
    expect(decision.filter((r) => r.criterion === 'strength')).toHaveLength(3);
  });

  it('is checked by defsim validate, which prints its run count', () => {
    const r = cli(['validate', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('valid: tiny-decide: decide experiment, 8 worlds × 4 scenarios (no-policy and sanctions-only, defection-offer, off-ramp) × 2 paired replicates = 64 runs of 10 ticks; 4 criteria (strength, strength_per_million, army_cost, police)\n');
    const bad = cli(['validate', experimentFile('bad-validate', { policies: ['off-ramp'] })]);
    expect(bad.code).toBe(2);
  });

  it('gives the same bytes with one worker', () => {
    const one = join(tmp, 'one-worker');
    const r = cli(['decide', file, '--out', one, '--workers', '1', '--quiet', '--no-report']);
    expect(r.code, r.stderr).toBe(0);
    for (const name of FILES) expect(read(one, name), name).toBe(read(two, name));
  });

  it('gives the same bytes after kill -9 and --resume', async () => {
    const killed = join(tmp, 'killed');
    const child = spawn(process.execPath, [CLI, 'decide', file, '--out', killed, '--workers', '2', '--quiet', '--no-report'], { cwd: tmp, stdio: 'ignore' });
    const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const journal = join(killed, 'runs', 'journal.ndjson');
    const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 2 : 0);
    while (lines() < 3) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(join(killed, 'manifest.json'))).toBe(false);
    const refused = cli(['decide', file, '--out', killed, '--quiet', '--no-report']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/add --resume to finish it/);
    const resumed = cli(['decide', file, '--out', killed, '--resume', '--workers', '1', '--quiet', '--no-report']);
    expect(resumed.code, resumed.stderr).toBe(0);
    for (const name of FILES) expect(read(killed, name), name).toBe(read(two, name));
  });

  it('gives the same bytes from shards whose runs are merged, then --resume', () => {
    const shards = [0, 1].map((i) => join(tmp, `shard-${i}`));
    shards.forEach((dir, i) => {
      const r = cli(['decide', file, '--out', dir, '--shard', `${i}/2`, '--workers', '1']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`shard ${i}/2`);
      expect(existsSync(join(dir, 'decision.csv'))).toBe(false);
    });
    const all = join(tmp, 'merged');
    expect(cli(['merge', ...shards.map((d) => join(d, 'runs')), '--out', join(all, 'runs'), '--quiet']).code).toBe(0);
    const r = cli(['decide', file, '--out', all, '--resume', '--quiet', '--no-report']);
    expect(r.code, r.stderr).toBe(0);
    for (const name of FILES) expect(read(all, name), name).toBe(read(two, name));
  });

  it('computes each criterion in a world as the hand computation from runs.csv does', () => {
    const runs = csvRows(read(two, 'runs/runs.csv'));
    const at = (world: number, scenario: string, metric: string) =>
      [0, 1].map((r) => Number(runs.find((x) => x.point_id === String(world * SCENARIOS.length + SCENARIOS.indexOf(scenario)) && x.replicate === String(r))![metric]));
    const diff = (world: number, scenario: string, metric: string) => {
      const p = at(world, scenario, metric);
      const b = at(world, 'no-policy', metric);
      return (p[0] - b[0] + (p[1] - b[1])) / 2;
    };
    const values = csvRows(read(two, 'world-criteria.csv'));
    const outcomes = csvRows(read(two, 'worlds-outcomes.csv'));
    const value = (criterion: string, world: number, policy: string) => values.find((v) => v.criterion === criterion && v.world === `w${world}` && v.policy === policy)!;
    const notes = new Set<string>();
    for (let w = 0; w < WORLDS; w++) {
      for (const policy of POLICIES) {
        expect(Number(value('strength', w, policy).value)).toBeCloseTo(diff(w, policy, 'regime_strength_lost'), 12);
        expect(Number(value('police', w, policy).value)).toBeCloseTo(diff(w, policy, 'left_ever_police'), 9);
        const extra = diff(w, policy, 'left_ever_army');
        const spend = diff(w, policy, 'spend_army_usd');
        const cost = value('army_cost', w, policy);
        const expected = extra > 0 ? Math.min(spend / extra, CEILING) : CEILING;
        expect(Number(cost.value)).toBeCloseTo(expected, 6);
        expect(cost.note).toBe(extra <= 0 ? 'no additional (≤ 0): the ceiling' : spend / extra > CEILING ? 'above the ceiling' : 'defined');
        notes.add(cost.note);
        // worlds-outcomes.csv carries the same value to the estimators.
        expect(outcomes.find((o) => o.criterion === 'army_cost' && o.world === `w${w}` && o.policy === policy)!.value).toBe(cost.value);
      }
      for (const policy of ['defection-offer', 'off-ramp']) {
        const spend = diff(w, policy, 'spend_usd');
        expect(Number(value('strength_per_million', w, policy).value)).toBeCloseTo(diff(w, policy, 'regime_strength_lost') / (Math.max(spend, 1e6) / 1e6), 12);
      }
    }
    expect(notes.size).toBeGreaterThan(0);
  });

  it('is re-created by defsim reproduce, every file identical', () => {
    const r = cli(['reproduce', two, '--workers', '2', '--quiet']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`${FILES.length - 1} of ${FILES.length - 1} files identical`);
  });

  it('has a decision report that opens with the answer and draws each criterion over the policies it compares', async () => {
    const r = cli(['report', two, '--width', '400', '--height', '300']);
    expect(r.code, r.stderr).toBe(0);
    expect(read(two, 'report/report.md')).toContain('The answer');
    const plan = planReport(await loadResult(two));
    const effects = plan.charts.find((c) => c.file === 'decision-effects-strength-per-million.png')!;
    expect((effects.chart as { x: { categories: string[] } }).x.categories).toEqual(['defection-offer', 'off-ramp']);
  });
});

describe('a criterion in one world (runners/decide/criteria.ts)', () => {
  it('is the mean paired effect, the ratio of mean effects, the ceiling or the floor, as the rules say', () => {
    expect(worldValue('effect', { policy: [5, 9], baseline: [1, 3] })).toMatchObject({ value: 5, replicates: 2, withinVariance: 2, note: 'defined' });
    // A failed replicate (NaN) is left out with its partner.
    expect(worldValue('effect', { policy: [5, NaN, 7], baseline: [1, 0, 2] })).toMatchObject({ value: 4.5, replicates: 2 });
    expect(worldValue('effect', { policy: [NaN], baseline: [1] })).toMatchObject({ replicates: 0, note: 'no replicate pair' });
    // Cost per additional one: mean extra spend / mean extra people.
    const cost = worldValue('cost_per_additional', { policy: [10, 14], baseline: [0, 2], policySpend: [1000, 3000], baselineSpend: [0, 0] }, { ceiling: 1e6 });
    expect(cost).toMatchObject({ value: 2000 / 11, effect: 11, spendOverBaseline: 2000, note: 'defined' });
    // Delta method: var(e − ratio·d) / mean(d)².
    const ratio = 2000 / 11;
    const linear = [1000 - ratio * 10, 3000 - ratio * 12];
    const m = (linear[0] + linear[1]) / 2;
    expect(cost.withinVariance).toBeCloseTo(((linear[0] - m) ** 2 + (linear[1] - m) ** 2) / 121, 6);
    // No extra people (≤ 0), or dearer than the ceiling: the ceiling.
    expect(worldValue('cost_per_additional', { policy: [3, 3], baseline: [3, 4], policySpend: [500, 500], baselineSpend: [0, 0] }, { ceiling: 7000 }))
      .toMatchObject({ value: 7000, note: 'no additional (≤ 0): the ceiling', withinVariance: NaN });
    expect(worldValue('cost_per_additional', { policy: [1, 1], baseline: [0, 0], policySpend: [9000, 9000], baselineSpend: [0, 0] }, { ceiling: 7000 }))
      .toMatchObject({ value: 7000, note: 'above the ceiling' });
    // A policy that spends nothing buys its people for $0.
    expect(worldValue('cost_per_additional', { policy: [4, 6], baseline: [1, 1], policySpend: [0, 0], baselineSpend: [0, 0] }, { ceiling: 7000 }).value).toBe(0);
    // Per US$1M: the effect over the spend in millions; below the floor, per the floor's worth.
    expect(worldValue('per_million_usd', { policy: [0.3, 0.5], baseline: [0.1, 0.1], policySpend: [4e6, 6e6], baselineSpend: [0, 0] }, { spendFloorUsd: 1e6 }).value).toBeCloseTo(0.3 / 5, 12);
    expect(worldValue('per_million_usd', { policy: [0.3, 0.5], baseline: [0.1, 0.1], policySpend: [0, 0], baselineSpend: [0, 0] }, { spendFloorUsd: 2e6 }))
      .toMatchObject({ value: 0.15, note: 'spend below the floor: per the floor' });
  });

  it('draws a sample of worlds by systematic resampling: counts follow the weights, in file order', () => {
    expect([...systematicResample([0.5, 0.25, 0.25], 4, 0.5)]).toEqual([0, 0, 1, 2]);
    expect([...systematicResample([1, 0, 3], 4, 0.1)]).toEqual([0, 2, 2, 2]);
    expect([...systematicResample([1, 1, 1, 1], 2, 0.99)]).toEqual([1, 3]);
  });
});

describe('bad decide experiments', () => {
  const badWorlds = (name: string, text: string) => {
    writeFileSync(join(tmp, name), text);
    return { worlds: { csv: name } };
  };
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['an unknown policy', { policies: ['sanctions-only', 'no-such'] }, /invalid value for 'policies\[1\]': "no-such" \(allowed: a scenario of the model defection: /],
    ['fewer than two policies', { policies: ['off-ramp'] }, /invalid value for 'policies': \["off-ramp"\] \(allowed: a list of at least two scenarios/],
    ['the baseline among the policies', { policies: ['no-policy', 'off-ramp'] }, /invalid value for 'policies\[0\]': "no-policy" \(allowed: a scenario other than the baseline/],
    ['an unknown criterion metric', { criteria: [{ name: 'navy', metric: 'left_ever_navy' }] }, /invalid value for 'criteria\[0\]\.metric': "left_ever_navy" \(allowed: a metric of the model defection: /],
    ['an unknown criterion kind', { criteria: [{ name: 'x', metric: 'left_ever_army', kind: 'ratio' }] }, /invalid value for 'criteria\[0\]\.kind': "ratio" \(allowed: effect, per_million_usd, cost_per_additional/],
    ['a threshold that is not a number', { criteria: [{ name: 'x', metric: 'left_ever_army', threshold: 'many' }] }, /invalid value for 'criteria\[0\]\.threshold': "many" \(allowed: a finite number/],
    ['a cost without a ceiling', { criteria: [{ name: 'x', metric: 'left_ever_army', kind: 'cost_per_additional' }] }, /invalid value for 'criteria\[0\]\.ceiling': undefined \(allowed: the most a decision maker would pay/],
    ['a cost of what is not a count', { criteria: [{ name: 'x', metric: 'regime_strength_lost', kind: 'cost_per_additional', ceiling: 1 }] }, /invalid value for 'criteria\[0\]\.metric': "regime_strength_lost" \(allowed: a count of people/],
    ['a criterion comparing a policy the experiment has not', { criteria: [{ name: 'x', metric: 'left_ever_army', policies: ['off-ramp', 'economic-targeting'] }] }, /invalid value for 'criteria\[0\]\.policies\[1\]': "economic-targeting" \(allowed: a policy of the experiment: /],
    ['two criteria of one name', { criteria: [{ name: 'x', metric: 'left_ever_army' }, { name: 'x', metric: 'left_ever_police' }] }, /invalid value for 'criteria\[1\]\.name': "x" \(allowed: a name no other criterion has\)/],
    ['a worlds file with an unknown parameter', badWorlds('unknown.csv', 'world,decision.peerWeight,decision.nerveWeight\na,2,1\n'), /unknown parameter 'decision.nerveWeight' \(value "a column of 'unknown.csv'"\); allowed: parameters under 'decision': /],
    ['a worlds file with a value out of range', badWorlds('range.csv', 'world,weight,decision.peerWeight,sanctions.revenueEffect\na,1,2,0.5\nb,1,2,120\n'), /invalid value for 'sanctions.revenueEffect' in 'range.csv' line 3 \(world "b"\): 120 \(allowed: a finite number in \[0, 100\]\)/],
    ['a worlds file with a switch that is not 0 or 1', badWorlds('switch.csv', 'world,regime.crackdown.enabled\na,2\n'), /invalid value for 'regime.crackdown.enabled' in 'switch.csv' line 2 \(world "a"\): 2 \(allowed: 0 or 1/],
    ['a worlds file with a choice parameter', badWorlds('choice.csv', 'world,regime.crackdown.mode\na,1\n'), /'regime.crackdown.mode' is a choice/],
    ['a worlds file that is missing', { worlds: { file: 'nowhere.csv', sample: 4 } }, /cannot read the worlds 'nowhere.csv'/],
    ['a sample of a CSV', { worlds: { csv: 'worlds.csv', sample: 4 } }, /invalid value for 'worlds.sample': 4 \(allowed: only with 'file'/],
    ['a parameter both set and varied by the worlds', { set: { 'population.scale': 100, 'decision.peerWeight': 3 } }, /invalid value for 'set.decision.peerWeight'.*a parameter the worlds do not vary/],
    ['a PRIM setting out of range', { prim: { peelAlpha: 0.9 } }, /invalid value for 'prim.peelAlpha': 0.9 \(allowed: a share in \(0, 0.5\]\)/],
    ['an unknown PRIM setting', { prim: { peel: 0.1 } }, /unknown key 'prim.peel'/],
    ['an EVPPI group with an unknown parameter', { evppi: { groups: { g: ['decision.peerWeight', 'decision.gainWeight'] } } }, /invalid value for 'evppi.groups.g\[1\]': "decision.gainWeight" \(allowed: a parameter of the worlds: /],
    ['an unknown key', { world: { csv: 'worlds.csv' } }, /unknown key 'world'/],
    ['a design over a parameter out of range', { worlds: { design: { type: 'lhs', samples: 4, parameters: { 'decision.peerWeight': { from: -1, to: 2 } } } } }, /invalid value for 'worlds.design.parameters.decision.peerWeight.from': -1/],
  ];
  it.each(cases)('%s: exit 2, one message naming the key, the value and what is allowed; nothing written', (label, changes, message) => {
    const dir = join(tmp, `bad-${cases.findIndex((c) => c[0] === label)}`);
    const r = cli(['decide', experimentFile(`bad-${label.replace(/\W+/g, '-')}`, changes), '--out', dir]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses the options of --x/--y with an experiment, naming the key to set instead', () => {
    const r = cli(['decide', file, '--out', join(tmp, 'flags'), '--peel-alpha', '0.1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`defsim: invalid option '--peel-alpha' with an experiment (allowed: set 'prim.peelAlpha' in ${file}; --peel-alpha is for outcomes computed elsewhere, --x and --y)\n`);
  });
});

describe('the main job across worlds (defsim main)', () => {
  it('prints the answer first: a policy, its probability and an assumption that decision.csv and evppi.csv hold; the result swapped into place', () => {
    const out = join(tmp, 'main');
    const r = cli(['main', '--experiment', file, '--out', out, '--workers', '2']);
    expect(r.code, r.stderr).toBe(0);
    const dir = join(out, 'tiny-decide');
    expect(readdirSync(out)).toEqual(['tiny-decide']); // no staging directory left
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^tiny-decide: 64 runs \(8 worlds × 4 scenarios × 2 paired replicates, 2 workers, population.scale 100\), 0 failed; worlds from worlds.csv\.$/);
    expect(lines[1]).toMatch(/^The answer: what each policy adds over no-policy by month 10, across 8 worlds/);
    const decision = csvRows(read(dir, 'decision.csv'));
    const evppi = csvRows(read(dir, 'evppi.csv'));
    let assumptions = 0;
    for (const criterion of ['strength', 'strength_per_million', 'army_cost', 'police']) {
      const at = lines.findIndex((l) => l.startsWith(`  ${criterion.replace(/_/g, ' ')} (`));
      expect(at, criterion).toBeGreaterThan(1);
      const [, policy, share] = /: (\S+) is most likely best — in (\d+)% of the 8 worlds/.exec(lines[at])!;
      const row = decision.find((d) => d.criterion === criterion && d.most_likely_best === 'true')!;
      expect(policy).toBe(row.policy);
      expect(Number(share)).toBe(Math.round(100 * Number(row.probability_best)));
      const depends = /Depends most on (?:the group )?(\S+?):? /.exec(lines[at + 1]);
      const rows = evppi.filter((e) => e.criterion === criterion && e.parameter !== '*');
      if (depends) {
        assumptions++;
        const named = rows.find((e) => e.parameter === depends[1])!;
        expect(named, depends[1]).toBeDefined();
        const clear = rows.filter((e) => Number(e.evppi) > 2 * Number(e.evppi_se));
        const pool = clear.length > 0 ? clear : rows;
        expect(Number(named.evppi)).toBe(Math.max(...pool.map((e) => Number(e.evppi))));
      } else expect(lines[at + 1]).toMatch(/Nothing to learn/);
    }
    expect(assumptions).toBeGreaterThan(0);
    expect(r.stdout).toContain(`report: ${join('main', 'tiny-decide', 'report', 'report.html')}`);
    expect(existsSync(join(dir, 'report', 'report.html'))).toBe(true);
    expect(r.stdout).toContain('--at-defaults');
  });
});
