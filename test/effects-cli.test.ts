/**
 * Effects through the command line, as a user runs them: `defsim run --baseline` (the same seeds
 * for both scenarios, a table, effects.json in the manifest, the same numbers as the equivalent
 * sweep), a baseline that names no design point (exit 2, nothing written), and the main job on a
 * small comparison (every figure an effect, a verdict, no total divided by spend).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { hashInts } from '../engine/rng.js';
import { effects } from '../runners/effects/files.js';
import { formatNumber } from '../runners/effects/format.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-effects-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function defsim(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmp, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('defsim run --baseline', () => {
  const out = join(tmp, 'offer-over-sanctions');
  const args = ['run', '--scenario', 'defection-offer', '--baseline', 'sanctions-only', '--replicates', '4', '--seed', '9', '--set', 'population.scale=200', '--workers', '2', '--out', out];

  it('runs both scenarios with the same seeds, prints the effects and writes effects.json (in the manifest)', () => {
    const r = defsim(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^defection-offer over sanctions-only: 4 replicates each, the same seeds for both \(paired\), 0 failed; effects at month 48, mean \[95% interval\]:/);
    expect(r.stdout).toMatch(/\n {2}outcome +sanctions-only +defection-offer +effect \[95% interval\] +effect per \$1M \[95%\] +cost per additional defection \[95%\]\n/);
    for (const label of ['army', 'police', 'senior officials', 'CDM (junior, mid officials)', 'economic officials', 'tycoons', 'regime strength lost', 'military capacity lost', 'economic capacity lost', 'spend']) {
      expect(r.stdout).toMatch(new RegExp(`\\n  ${label.replace(/[()]/g, '\\$&')} `));
    }
    // Replicate r of both scenarios ran with seed hashInts(9, 0, r).
    const [header, ...runs] = read(out, 'runs.csv').trim().split('\n').map((l) => l.split(','));
    const seed = header.indexOf('seed');
    expect(runs.map((row) => Number(row[seed]))).toEqual([0, 1, 2, 3, 0, 1, 2, 3].map((rep) => hashInts(9, 0, rep)));
    const manifest = JSON.parse(read(out, 'manifest.json'));
    expect(manifest.files['effects.json']).toBe(sha256(read(out, 'effects.json')));
    expect(manifest.command).toBe(`defsim ${args.join(' ')}`);
    const json = JSON.parse(read(out, 'effects.json'));
    expect(json).toMatchObject({ kind: 'effects', scenario: 'defection-offer', baseline: 'sanctions-only', replicates: 4, seed: 9, pairing: 'paired', failed: 0 });
    const rows = effects(out).filter((row) => row.pointId === 0);
    expect(json.effects).toEqual(rows.map(({ pointId: _p, parameters: _v, baselinePointId: _b, ...rest }) => rest));
    // The table's army row reads the distinct people who left (model 1.2's outcome).
    const army = json.effects.find((e: { metric: string }) => e.metric === 'left_ever_army');
    expect(army.n).toBe(4);
    expect(r.stdout).toContain(formatNumber(army.mean, 'people'));
  });

  it('is reproduced byte for byte by defsim reproduce, effects.json included', () => {
    const r = defsim(['reproduce', out, '--workers', '2']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/effects\.json\s+identical/);
    expect(r.stdout).toMatch(/effects\.csv\s+identical/);
  });

  it('gives the same effects.csv as the equivalent sweep (seeds: common)', () => {
    const file = join(tmp, 'equivalent.json');
    writeFileSync(file, JSON.stringify({
      name: 'equivalent', scenario: 'defection-offer', set: { 'population.scale': 200 }, replicates: 4, seed: 9, seeds: 'common',
      design: { type: 'list', points: [{ scenario: 'defection-offer' }, { scenario: 'sanctions-only' }] }, baseline: { scenario: 'sanctions-only' },
    }));
    const sweepOut = join(tmp, 'equivalent');
    expect(defsim(['sweep', file, '--out', sweepOut, '--quiet']).code).toBe(0);
    expect(read(sweepOut, 'effects.csv')).toBe(read(out, 'effects.csv'));
  });

  it('refuses a non-empty --out without --force; with it replaces only defsim\'s files (an earlier report too)', () => {
    const dir = join(tmp, 'replaced');
    const again = (extra: string[]) => defsim(['run', '--scenario', 'off-ramp', '--baseline', 'no-policy', '--replicates', '2', '--set', 'population.scale=500', '--out', dir, '--quiet', ...extra]);
    expect(again(['--seed', '3']).code).toBe(0);
    expect(defsim(['report', dir, '--quiet']).code).toBe(0);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const before = read(dir, 'effects.csv');
    const refused = again(['--seed', '4']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is not empty \(allowed: a new or empty directory, or add --force/);
    expect(read(dir, 'effects.csv')).toBe(before);
    expect(again(['--seed', '4', '--force']).code).toBe(0);
    expect(JSON.parse(read(dir, 'effects.json')).seed).toBe(4);
    expect(read(dir, 'notes.txt')).toBe('mine');
    expect(existsSync(join(dir, 'report'))).toBe(false);
    expect(readdirSync(tmp).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('refuses an unknown baseline, --replicates without --baseline and too few replicates (exit 2, nothing written)', () => {
    const cases: [string[], RegExp][] = [
      [['run', '--scenario', 'off-ramp', '--baseline', 'nowhere'], /^defsim: invalid value for '--baseline': "nowhere" \(allowed: one of myanmar-2021, no-policy, /],
      [['run', '--scenario', 'off-ramp', '--replicates', '5'], /^defsim: invalid value for '--replicates': "5" \(allowed: only together with --baseline/],
      [['run', '--scenario', 'off-ramp', '--baseline', 'no-policy', '--replicates', '1'], /^defsim: invalid value for '--replicates': "1" \(allowed: an integer in \[2, 100000\]/],
    ];
    for (const [command, message] of cases) {
      const dir = join(tmp, `refused-${cases.findIndex((c) => c[0] === command)}`);
      const r = defsim([...command, '--out', dir]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(existsSync(dir)).toBe(false);
    }
  });
});

describe('a baseline that names no design point', () => {
  it('exits 2 with a message naming it, for validate and sweep, and writes nothing', () => {
    const file = join(tmp, 'bad-baseline.yaml');
    writeFileSync(file, 'name: bad\nset: { population.scale: 1000 }\nticks: 6\nbaseline: { scenario: off-ramp }\ndesign:\n  type: list\n  points: [ { scenario: no-policy }, { scenario: defection-offer } ]\n');
    for (const command of ['validate', 'sweep']) {
      const dir = join(tmp, `bad-${command}`);
      const r = defsim(command === 'sweep' ? [command, file, '--out', dir] : [command, file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`defsim: invalid value for 'baseline': {"scenario":"off-ramp"} (allowed: values some design point has; no design point has scenario = off-ramp (the design has scenario = no-policy, defection-offer))\n`);
      expect(existsSync(dir)).toBe(false);
    }
  });
});

describe('the main job', () => {
  it('prints every figure as an effect over no-policy with its interval, ranks, gives a verdict, and divides no total by spend', () => {
    const policy = parseYaml(read(root, 'experiments/policy-comparison.yaml'));
    const file = join(tmp, 'small-comparison.json');
    writeFileSync(file, JSON.stringify({ ...policy, name: 'small-comparison', set: { 'population.scale': 100 }, replicates: 6 }));
    const out = join(tmp, 'main');
    const r = defsim(['main', '--experiment', file, '--out', out, '--workers', '2']);
    expect(r.code, r.stderr).toBe(0);
    const dir = join(out, 'small-comparison');
    for (const heading of ['Extra people who left over no-policy (distinct people), and spend over no-policy:', 'Regime strength (military capacity × military spending) and capacity lost over no-policy', 'Cost per additional defection', 'Ranked on what each buys', 'Verdict:']) {
      expect(r.stdout).toContain(heading);
    }
    expect(r.stdout).toMatch(/^small-comparison: 36 runs \(6 scenarios × 6 replicates, 2 workers, population.scale 100\), 0 failed;/);
    expect(existsSync(join(dir, 'report', 'report.html'))).toBe(true);
    // Each policy's per-$10M military capacity figure is its effect per $1M (effects.csv) times ten.
    const rows = effects(dir);
    const offer = rows.find((row) => row.parameters.scenario === 'defection-offer' && row.metric === 'military_capacity_lost')!;
    expect(r.stdout).toContain(`+${formatNumber(offer.effectPerMillionUsd! * 10, 'index')} [${formatNumber(offer.effectPerMillionUsdCi95Low! * 10, 'index')}, ${formatNumber(offer.effectPerMillionUsdCi95High! * 10, 'index')}]`);
    // No total over spend: neither the renamed metrics' names nor any figure that is not an effect.
    expect(r.stdout).not.toMatch(/total|per_million|per \$1M/i);
    // Every number printed is an effect-row figure of effects.csv (effect, interval, spend over the
    // baseline, per $10M, cost per additional defection) or a count of the run (runs, replicates, month…).
    const allowed = new Set(['6', '36', '2', '100', '48', '0', '95', '1', '10']);
    const units = ['people', 'index', 'usd', 'usd_per_person'] as const;
    for (const row of rows) {
      const values = [row.effect, row.effectCi95Low, row.effectCi95High, row.spendOverBaselineUsd, row.costPerAdditionalDefectionUsd,
        row.costPerAdditionalDefectionUsdCi95Low, row.costPerAdditionalDefectionUsdCi95High,
        ...[row.effectPerMillionUsd, row.effectPerMillionUsdCi95Low, row.effectPerMillionUsdCi95High].map((x) => (x === null ? null : x * 10))];
      for (const x of values) if (x !== null) for (const unit of units) allowed.add(formatNumber(x, unit));
    }
    const summary = r.stdout.slice(0, r.stdout.indexOf('\nreport: '));
    const printed = summary.replace(/\$10M|95%|month 48|Feb 2021|[a-z]+-20\d\d|population\.scale \d+/g, ' ').match(/−?\$?[\d,]*\.?\d+M?/g) ?? [];
    expect(printed.length).toBeGreaterThan(100);
    expect(printed.filter((token) => !allowed.has(token))).toEqual([]);
  });
});
