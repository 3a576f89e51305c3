/**
 * `defsim decide --x worlds.csv --y outcomes.csv --out DIR` end to end: the files and their
 * columns, the manifest (inputs' sha256, settings, units), identical bytes for identical inputs,
 * replacing an earlier result, the decision report (the answer in words, every chart kind, PNGs),
 * every class of bad input (exit 2, one message naming the key, the value and what is allowed,
 * nothing written), and the estimators imported from the package entry.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RandomStream } from '../engine/rng.js';
import * as defsim from '../index.js';
import { planReport } from '../reports/index.js';
import { loadResult } from '../reports/load.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-decide-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'decide', ...args], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const POLICIES = ['sanctions-only', 'defection-offer', 'off-ramp'];

/**
 * Worlds over three parameters and two criteria, two replicates each: defection-offer leads on army
 * defections unless sanctions.revenueEffect is above 0.7, where off-ramp leads; costs depend on payouts.
 */
function inputs(worlds: number, seed = 3): { worlds: string; outcomes: string } {
  const random = new RandomStream(seed, 'decide-cli');
  const worldLines = ['world,weight,sanctions.revenueEffect,sponsors.payout.soldierUsd,decision.peerWeight'];
  const outcomeLines = ['world,policy,criterion,value,replicate'];
  for (let w = 0; w < worlds; w++) {
    const revenue = random.uniform();
    const payout = 1000 + 9000 * random.uniform();
    const peer = 1 + 4 * random.uniform();
    worldLines.push(`w${w},${(0.5 + random.uniform()).toFixed(3)},${revenue.toFixed(4)},${payout.toFixed(0)},${peer.toFixed(3)}`);
    for (let r = 0; r < 2; r++) {
      const army = [3000 + 500 * peer, 7000 - 2000 * revenue, 2800 + 4000 * revenue];
      const cost = [40000, 20000 + 2 * payout, 30000 + payout];
      POLICIES.forEach((policy, d) => {
        outcomeLines.push(`w${w},${policy},defected_army,${(army[d] + 300 * random.normal()).toFixed(1)},${r}`);
        outcomeLines.push(`w${w},${policy},cost_per_additional_defection_usd,${(cost[d] + 1000 * random.normal()).toFixed(1)},${r}`);
      });
    }
  }
  return { worlds: worldLines.join('\n') + '\n', outcomes: outcomeLines.join('\n') + '\n' };
}

let files = 0;
function file(text: string): string {
  const path = join(tmp, `input-${++files}.csv`);
  writeFileSync(path, text);
  return path;
}

const good = inputs(300);
const worldsCsv = file(good.worlds);
const outcomesCsv = file(good.outcomes);
const OPTIONS = ['--lower-is-better', 'cost_per_additional_defection_usd', '--threshold', 'defected_army=5000', '--group', 'money=sponsors.payout.soldierUsd,decision.peerWeight', '--unit', 'sanctions.revenueEffect=share', '--draws', '50', '--resamples', '5'];

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function csvRows(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n').map((l) => l.split(','));
  return lines.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
}

describe('defsim decide --x --y', () => {
  const out = join(tmp, 'out');
  let result: ReturnType<typeof cli>;

  it('writes decision.csv, evppi.csv, scenarios.csv/json, worlds-outcomes.csv and a manifest, and says the answer', () => {
    result = cli(['--x', worldsCsv, '--y', outcomesCsv, '--out', out, ...OPTIONS, '--no-report']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^defected_army: defection-offer best in \d+% of worlds/m);
    const decision = csvRows(join(out, 'decision.csv'));
    expect(Object.keys(decision[0])).toEqual(expect.arrayContaining([
      'criterion', 'policy', 'probability_best', 'probability_best_se', 'expected_regret', 'max_regret', 'p90_regret', 'expected_effect',
      'effect_low_95', 'effect_high_95', 'variance_between_worlds', 'variance_within_worlds', 'seed_noise_share', 'rank_1', 'rank_2', 'rank_3', 'threshold_share',
    ]));
    expect(decision).toHaveLength(6);
    const army = decision.filter((r) => r.criterion === 'defected_army');
    expect(army.reduce((s, r) => s + Number(r.probability_best), 0)).toBeCloseTo(1, 12);
    expect(army.find((r) => r.policy === 'defection-offer')!.expected_best).toBe('true');
    expect(Number(army[0].variance_within_worlds)).toBeGreaterThan(0); // two replicates: the seed variance is known
    expect(decision.find((r) => r.criterion === 'cost_per_additional_defection_usd')!.direction).toBe('lower');
    const evppi = csvRows(join(out, 'evppi.csv'));
    expect(Object.keys(evppi[0])).toEqual(['criterion', 'parameter', 'kind', 'members', 'method', 'evppi', 'evppi_se', 'share_of_evpi']);
    expect(evppi.filter((r) => r.parameter === '*')).toHaveLength(2);
    const revenue = evppi.find((r) => r.criterion === 'defected_army' && r.parameter === 'sanctions.revenueEffect')!;
    const peer = evppi.find((r) => r.criterion === 'defected_army' && r.parameter === 'decision.peerWeight')!;
    expect(Number(revenue.share_of_evpi)).toBeGreaterThan(0.5);
    expect(Number(revenue.evppi)).toBeGreaterThan(Number(peer.evppi));
    expect(evppi.find((r) => r.parameter === 'money')!.method).toBe('gp');
    const scenarios = JSON.parse(readFileSync(join(out, 'scenarios.json'), 'utf8'));
    const armyBox = scenarios.criteria.find((c: { criterion: string }) => c.criterion === 'defected_army').box;
    expect(armyBox.dimensions.map((d: { parameter: string }) => d.parameter)).toEqual(['sanctions.revenueEffect']);
    expect(Math.abs(armyBox.dimensions[0].low - 0.7)).toBeLessThan(0.05);
    expect(armyBox.dimensions[0].high).toBeNull();
    expect(scenarios.ranges['decision.peerWeight'][0]).toBeGreaterThanOrEqual(1);
    const scenarioRows = csvRows(join(out, 'scenarios.csv'));
    expect(scenarioRows.some((r) => r.row === 'trajectory')).toBe(true);
    expect(scenarioRows.find((r) => r.row === 'box' && r.criterion === 'defected_army')!.parameter).toBe('sanctions.revenueEffect');
    expect(csvRows(join(out, 'worlds-outcomes.csv'))).toHaveLength(300 * 3 * 2);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.kind).toBe('decision');
    expect(manifest.source.x.sha256).toBe(sha(worldsCsv));
    expect(manifest.source.y.sha256).toBe(sha(outcomesCsv));
    expect(manifest.units.parameters).toEqual({ 'sanctions.revenueEffect': 'share' });
    expect(manifest.settings.prim.resamples).toBe(5);
    expect(manifest.criteria[1]).toMatchObject({ name: 'cost_per_additional_defection_usd', direction: 'lower is better' });
    expect(manifest.citation.cff).toBe('CITATION.cff');
    for (const name of ['decision.csv', 'evppi.csv', 'scenarios.csv', 'scenarios.json', 'worlds-outcomes.csv']) expect(manifest.files[name]).toBe(sha(join(out, name)));
  });

  it('the same inputs give the same bytes; an earlier result is replaced, other files are refused', () => {
    const again = join(tmp, 'again');
    expect(cli(['--x', worldsCsv, '--y', outcomesCsv, '--out', again, ...OPTIONS, '--no-report', '--quiet']).code).toBe(0);
    for (const name of ['decision.csv', 'evppi.csv', 'scenarios.csv', 'scenarios.json', 'worlds-outcomes.csv']) expect(sha(join(again, name))).toBe(sha(join(out, name)));
    expect(cli(['--x', worldsCsv, '--y', outcomesCsv, '--out', again, '--no-report', '--quiet']).code).toBe(0);
    const other = join(tmp, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    const refused = cli(['--x', worldsCsv, '--y', outcomesCsv, '--out', other, '--no-report']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/invalid value for '--out'.*holds other files/);
  });

  it('the report opens with the answer in words and draws every chart', async () => {
    const rendered = cli(['--x', worldsCsv, '--y', outcomesCsv, '--out', join(tmp, 'reported'), ...OPTIONS, '--quiet']);
    expect(rendered.code).toBe(0);
    const report = JSON.parse(readFileSync(join(tmp, 'reported', 'report', 'report.json'), 'utf8'));
    expect(report.kind).toBe('decision');
    expect(report.lead.title).toBe('The answer');
    const words = report.lead.paragraphs.join('\n');
    expect(words).toMatch(/defection-offer is the policy most likely to be best — best in \d+% of the worlds/);
    expect(words).toMatch(/risks [\d,.]+ people on average against the best policy of each world/);
    expect(words).toMatch(/The unknown that matters most for this choice is sanctions\.revenueEffect/);
    expect(words).toMatch(/most of all where sanctions\.revenueEffect ≥ 0\.\d+ share/);
    const kinds = new Set(report.charts.map((c: { kind: string }) => c.kind));
    expect([...kinds].sort()).toEqual(['decision_effects', 'decision_evppi', 'decision_prim_box', 'decision_prim_tradeoff', 'decision_probability_best', 'decision_regret']);
    for (const chart of report.charts) {
      const png = readFileSync(join(tmp, 'reported', 'report', chart.file));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.length).toBeGreaterThan(20_000);
    }
    const html = readFileSync(join(tmp, 'reported', 'report', 'report.html'), 'utf8');
    expect(html.indexOf('The answer')).toBeLessThan(html.indexOf('Key numbers'));
    // Planned from the files alone, in this process too.
    const plan = planReport(await loadResult(join(tmp, 'reported')));
    expect(plan.charts.map((c) => c.file)).toEqual(report.charts.map((c: { file: string }) => c.file));
  });
});

describe('bad input: exit 2, one message naming the key, the value and what is allowed, nothing written', () => {
  const small = inputs(40, 9);
  const smallWorlds = file(small.worlds);
  const smallOutcomes = file(small.outcomes);
  const cases: [string, () => string[], RegExp][] = [
    ['an unknown column in outcomes.csv', () => ['--y', file(small.outcomes.replace('world,policy,criterion,value,replicate', 'world,policy,criterion,value,seed'))], /invalid value for '.*input-\d+\.csv header': "seed" \(allowed: the columns world, policy, criterion, value and optionally replicate\)/],
    ['fewer than two policies', () => ['--y', file(small.outcomes.split('\n').filter((l, i) => i === 0 || l.includes(',sanctions-only,')).join('\n'))], /policy': \["sanctions-only"\] \(allowed: at least two policies to choose between\)/],
    ['a world missing a policy', () => ['--y', file(small.outcomes.split('\n').filter((l) => !l.startsWith('w7,off-ramp,')).join('\n'))], /no value for world "w7", policy "off-ramp", criterion "defected_army" \(allowed: a value for every world/],
    ['a world not in worlds.csv', () => ['--y', file(small.outcomes + 'w999,off-ramp,defected_army,1,0\n')], /invalid value for 'world' in '.*' line \d+: "w999" \(allowed: a world of/],
    ['a non-finite value', () => ['--y', file(small.outcomes.replace(/\n(w3,off-ramp,defected_army,)[^,]+/, '\n$1Infinity'))], /invalid value for 'value' in '.*' line \d+: "Infinity" \(allowed: a finite number\)/],
    ['an empty parameter cell', () => ['--x', file(small.worlds.replace(/\nw5,([^,]+),[^,]+/, '\nw5,$1,'))], /invalid value for 'sanctions.revenueEffect' in '.*' line 7: "" \(allowed: a finite number/],
    ['a negative weight', () => ['--x', file(small.worlds.replace(/\nw2,[^,]+/, '\nw2,-1'))], /invalid value for 'weight' in '.*' line 4: -1 \(allowed: a finite weight ≥ 0\)/],
    ['a PRIM setting out of range', () => ['--peel-alpha', '0.7'], /invalid value for '--peel-alpha': 0.7 \(allowed: a share in \(0, 0.5\]\)/],
    ['a density threshold of 0', () => ['--density-threshold', '0'], /invalid value for '--density-threshold': 0 \(allowed: a density in \(0, 1\]\)/],
    ['a PRIM setting that is not a number', () => ['--mass-min', 'lots'], /invalid value for '--mass-min': "lots" \(allowed: a share in \(0, 1\)\)/],
    ['an unknown box rule', () => ['--box', 'elbow'], /invalid value for '--box': "elbow" \(allowed: 'excess' or 'coverage'\)/],
    ['an unknown criterion', () => ['--lower-is-better', 'defected_navy'], /invalid value for '--lower-is-better': "defected_navy" \(allowed: criteria of '.*': defected_army, cost_per_additional_defection_usd\)/],
    ['a threshold that is not a number', () => ['--threshold', 'defected_army=many'], /invalid value for '--threshold defected_army': "many" \(allowed: a finite number\)/],
    ['a group with an unknown parameter', () => ['--group', 'g=decision.peerWeight,decision.nope'], /invalid value for '--group g': "decision.nope" \(allowed: parameters of/],
    ['a unit for an unknown name', () => ['--unit', 'nothing=kg'], /invalid value for '--unit': "nothing"/],
    ['an experiment with --x and --y (its worlds and criteria are in the file)', () => ['experiments/decide.yaml'], /invalid option '--x' with an experiment \(allowed: set 'worlds' in experiments\/decide.yaml; --x is for outcomes computed elsewhere, --x and --y\)/],
    ['--workers without an experiment', () => ['--workers', '2'], /invalid option '--workers' without an experiment \(allowed: with 'defsim decide EXPERIMENT'/],
  ];
  it.each(cases)('%s', (_name, args, message) => {
    const out = join(tmp, `bad-${++files}`);
    const extra = args();
    const x = extra.includes('--x') ? [] : ['--x', smallWorlds];
    const y = extra.includes('--y') ? [] : ['--y', smallOutcomes];
    const r = cli([...(extra[0]?.startsWith('-') ? [] : [extra.shift()!]), ...x, ...y, '--out', out, ...extra, '--no-report']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });
});

describe('the library API', () => {
  it('exports the estimators from the package entry', () => {
    const outcomes = defsim.criterionOutcomes(['A', 'B'], [[1, 2], [3, 1], [2, 2]]);
    const comparison = defsim.comparePolicies(outcomes);
    expect(comparison.policies.map((p) => p.probabilityBest)).toEqual([0.5, 0.5]);
    expect(defsim.evpi(outcomes).evpi).toBeCloseTo(1 / 3, 12);
    const parameters = defsim.worldParameters(['x'], [[0.1], [0.9], [0.5]]);
    expect(defsim.evppi(outcomes, parameters).rows[0].parameter).toBe('*');
    expect(defsim.prim(parameters, [0, 1, 0], { resamples: 0 }).caseShare).toBeCloseTo(1 / 3, 12);
    const [decision] = defsim.decide([{ name: 'army', outcomes }], parameters, { prim: { resamples: 0 } });
    expect(decision.comparison.expectedBest).toBe(0);
    expect(typeof defsim.resolvePrimSettings).toBe('function');
    expect(typeof defsim.prepareEvppi).toBe('function');
  });
});
