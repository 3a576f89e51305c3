/**
 * Every journal record carries what proves it whole (runners/io/journal-record.ts): a check of its
 * text with the identity of the run it is the result of. A record that was changed (a metric
 * replaced by "lots", a number edited) or that claims another run fails it; `--resume` runs it
 * again, says how many, and the files are those of an uninterrupted sweep or calibration. A
 * journal of the previous format (no checks) is still read; `merge` refuses a shard with a bad
 * record, naming it. The identity names the model (name, version, a user module's sha256).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSeal, sealedLine } from '../runners/io/journal-record.js';
import { fitIdentity, predictiveIdentity } from '../runners/calibrate/journal.js';
import { defaultModel } from '../runners/model/load.js';
import { planSweep } from '../runners/sweep/design.js';
import { loadExperiment } from '../runners/sweep/experiment.js';
import { sweepIdentity } from '../runners/sweep/journal.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-journal-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(name: string, value: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

const comparable = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8').replace(/"gitCommit": (null|"[0-9a-f]+")/u, '"gitCommit": "…"');
const journalLines = (dir: string) => readFileSync(join(dir, 'journal.ndjson'), 'utf8').trimEnd().split('\n');

/** A directory holding only `lines` as its journal (an interrupted sweep or calibration). */
function interrupted(name: string, lines: string[]): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'journal.ndjson'), lines.join('\n') + '\n');
  return dir;
}

const experiment = { name: 'journal-checks', set: { 'population.scale': 2000 }, ticks: 6, replicates: 2, seed: 3, design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true] } } };
const calibration = {
  name: 'journal-checks-cal', scenario: 'myanmar-2021', targets: join(root, 'data', 'myanmar-2021.json'), set: { 'population.scale': 400 }, ticks: 25,
  parameters: { 'decision.stay.armyEnlisted': { from: -2, to: 2 } },
  method: { type: 'abc-smc', particles: 6, until: { acceptanceRate: 0.05, generations: 2 } }, replicates: 1, seed: 7,
};
let sweepFile: string;
let calibrationFile: string;
const sweepReference = join(tmp, 'sweep-reference');
const calibrationReference = join(tmp, 'calibration-reference');

beforeAll(() => {
  sweepFile = json('exp.json', experiment);
  calibrationFile = json('cal.json', calibration);
  for (const args of [
    ['sweep', sweepFile, '--out', sweepReference, '--workers', '1', '--quiet'],
    ['calibrate', calibrationFile, '--out', calibrationReference, '--workers', '1', '--quiet'],
  ]) {
    const r = cli(args);
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);

/** The journal's record of run `runId`. */
function recordOf(lines: string[], runId: number): string {
  return lines.find((line) => line.startsWith(`{"runId":${runId},`))!;
}

function expectSweepLikeReference(dir: string): void {
  for (const name of ['runs.csv', 'points.csv', 'manifest.json']) expect(comparable(dir, name), name).toBe(comparable(sweepReference, name));
}

describe('sealed journal records', () => {
  it('a record is whole only with its own identity and text', () => {
    const line = sealedLine({ runId: 3, metrics: { a: 1 } }, 'sweep h run 3');
    expect(JSON.parse(line)).toMatchObject({ runId: 3, metrics: { a: 1 } });
    expect(checkSeal(line, 'sweep h run 3')).toBe('valid');
    expect(checkSeal(line, 'sweep h run 4')).toBe('invalid');
    expect(checkSeal(line.replace('"a":1', '"a":2'), 'sweep h run 3')).toBe('invalid');
    expect(checkSeal('{"runId":3,"metrics":{"a":1}}', 'sweep h run 3')).toBe('unsealed');
  });

  it('the identity of a run names its model (name, version, a user module\'s sha256): a record of the same run of another model fails', () => {
    const plan = planSweep(loadExperiment(experiment), defaultModel());
    const other = (identity: object) => sweepIdentity({ ...plan, model: { ...plan.model, identity: { ...plan.model.identity, ...identity } } })(1);
    const own = sweepIdentity(plan)(1)!;
    expect(own).toContain(`model defection ${plan.model.identity.version}`);
    for (const changed of [{ version: '0.0.1' }, { name: 'granovetter' }, { sha256: 'ab'.repeat(32) }]) {
      expect(other(changed)).not.toBe(own);
      expect(checkSeal(sealedLine({ runId: 1, metrics: { a: 1 } }, own), other(changed)!)).toBe('invalid');
    }
    const model = { name: 'cascade', version: '1.0.0', sha256: 'cd'.repeat(32) };
    expect(fitIdentity('h', model, 7, 0, 1, [0.5])).not.toBe(fitIdentity('h', { ...model, sha256: 'ef'.repeat(32) }, 7, 0, 1, [0.5]));
    expect(predictiveIdentity('h', model, 7, 2, [0.5])).not.toBe(predictiveIdentity('h', { ...model, version: '1.0.1' }, 7, 2, [0.5]));
  });
});

describe('sweep --resume with changed journal records', () => {
  it('a metric replaced by "lots" and a number edited: both run again, the resume says so, the files are the uninterrupted sweep', () => {
    const lines = journalLines(sweepReference);
    const lots = recordOf(lines, 0).replace(/"defected_army":[^,}]+/u, '"defected_army":"lots"');
    const edited = recordOf(lines, 1).replace(/"defected_army":(\d+)/u, (_, n: string) => `"defected_army":${Number(n) + 1}`);
    expect(edited).not.toBe(recordOf(lines, 1));
    const dir = interrupted('sweep-edited', [lines[0], lots, edited, recordOf(lines, 2)]);
    const r = cli(['sweep', sweepFile, '--out', dir, '--workers', '1', '--resume', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`defsim: 2 journaled runs failed their check (changed or damaged in ${dir}/journal.ndjson, or of another run) and were run again\n`);
    expectSweepLikeReference(dir);
  });

  it('a record that claims another run (its runId changed) runs again', () => {
    const lines = journalLines(sweepReference);
    const claimed = recordOf(lines, 0).replace('{"runId":0,', '{"runId":3,');
    const dir = interrupted('sweep-claimed', [lines[0], recordOf(lines, 0), recordOf(lines, 1), recordOf(lines, 2), claimed]);
    const r = cli(['sweep', sweepFile, '--out', dir, '--workers', '1', '--resume', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^defsim: 1 journaled run failed its check/u);
    expectSweepLikeReference(dir);
  });

  it('a journal of the previous format (no checks) is still read', () => {
    const lines = journalLines(sweepReference);
    const header = lines[0].replace('"format":2', '"format":1');
    const unsealed = (line: string) => line.replace(/,"check":"[0-9a-f]+"\}$/u, '}');
    const dir = interrupted('sweep-format-1', [header, unsealed(recordOf(lines, 0)), unsealed(recordOf(lines, 3))]);
    const r = cli(['sweep', sweepFile, '--out', dir, '--workers', '1', '--resume', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expectSweepLikeReference(dir);
  });

  it('merge refuses a shard with a record that fails its check, naming it', () => {
    const shards = [0, 1].map((i) => join(tmp, `shard-${i}`));
    shards.forEach((dir, i) => expect(cli(['sweep', sweepFile, '--shard', `${i}/2`, '--out', dir, '--workers', '1', '--quiet']).code).toBe(0));
    const path = join(shards[1], 'journal.ndjson');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/"defected_army":(\d+)/u, (_, n: string) => `"defected_army":${Number(n) + 7}`));
    const r = cli(['merge', ...shards, '--out', join(tmp, 'merged'), '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${shards[1]}: incomplete (1 of its 2 runs in journal.ndjson; 1 record failed its check and must be run again: resume the shard)`);
  });
});

describe('calibrate --resume with a changed journal record', () => {
  it('an edited candidate is simulated again, the resume says so, and the posterior is the uninterrupted one', () => {
    const lines = journalLines(calibrationReference);
    const [a, b] = lines.flatMap((line, i) => (i > 0 && /"status":"ok","values":\[-?\d/u.test(line) ? [i] : []));
    const changed = [...lines.slice(0, Math.max(b + 1, 10))];
    changed[a] = lines[a].replace(/"values":\[(-?[\d.e+-]+)/u, (_, x: string) => `"values":[${Number(x) * 1.5 + 1}`);
    changed[b] = lines[b].replace(/"values":\[[^\]]*\]/u, '"values":["lots"]');
    expect(changed[a]).not.toBe(lines[a]);
    const dir = interrupted('calibration-edited', changed);
    const r = cli(['calibrate', calibrationFile, '--out', dir, '--workers', '1', '--resume', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`defsim: 2 journaled simulations failed their check (changed or damaged in ${dir}/journal.ndjson, or of another candidate) and were simulated again\n`);
    for (const name of ['posterior.csv', 'generations.csv', 'simulations.csv', 'predictive.csv', 'manifest.json']) {
      expect(comparable(dir, name), name).toBe(comparable(calibrationReference, name));
    }
  });
});
