/**
 * `defsim calibrate` end to end, through the compiled CLI (dist/) on worker threads: the result
 * files and their formats, byte-identical posteriors for 1 and 2 workers and after kill -9 and
 * --resume, holdouts that never influence the fit, failure isolation, the runnable outputs
 * (calibrated.yaml, posterior-predictive.yaml), a simulation-based check, and bad input (exit 2,
 * one message, nothing written). Coarse population.scale and short horizons keep it quick.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../runners/io/outputs.js';
import { resolveParameters } from '../runners/model/parameters.js';
import { simulate } from '../runners/run/simulate.js';
import { DEFECTION } from './helpers.js';
import type { Parameters } from '../agents/defection/params.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-calibrate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const OUTPUT_FILES = [
  'posterior.csv', 'generations.csv', 'simulations.csv', 'identifiability.csv', 'predictive.csv', 'predictive-series.csv',
  'calibrated.yaml', 'posterior-predictive.yaml', 'targets.json',
];

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8');
}

/** A file's bytes for comparison; the manifest's gitCommit (read once per process) is masked. */
function comparable(dir: string, file: string): string {
  const text = read(dir, file);
  return file === 'manifest.json' ? text.replace(/"gitCommit": (null|"[0-9a-f]+")/, '"gitCommit": "…"') : text;
}

function csvRows(dir: string, file: string): Record<string, string>[] {
  const [head, ...lines] = read(dir, file).trimEnd().split('\n');
  const names = head.split(',');
  return lines.map((line) => {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"'));
    return Object.fromEntries(names.map((n, i) => [n, cells[i]]));
  });
}

/** The shipped targets, at ticks ≤ 24. */
const TARGETS = JSON.parse(readFileSync(join(root, 'data', 'myanmar-2021.json'), 'utf8'));

function writeJson(name: string, value: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
}

/** A calibration file (written to FILE.json, default NAME.json) with a small, quick default design. */
function calibrationFile(name: string, overrides: Record<string, unknown> = {}, file = name): string {
  return writeJson(`${file}.json`, {
    name,
    scenario: 'myanmar-2021',
    targets: 'data/myanmar-2021.json',
    set: { 'population.scale': 100 },
    ticks: 25,
    parameters: {
      'decision.stay.armyEnlisted': { from: -2, to: 2 },
      'regime.shockHalfLifeTicks': { from: 2, to: 30, log: true },
    },
    method: { type: 'abc-smc', particles: 30, until: { acceptanceRate: 0.05, generations: 3 } },
    replicates: 1,
    seed: 7,
    ...overrides,
  });
}

describe('defsim calibrate: outputs', () => {
  const file = calibrationFile('small');
  const out = join(tmp, 'small-2');
  let run: ReturnType<typeof cli>;
  beforeAll(() => {
    run = cli(['calibrate', file, '--out', out, '--workers', '2']);
  });

  it('writes every result file, manifest last, with the sha256 of each', () => {
    expect(run.stderr).not.toContain('defsim:');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^small: 3 generations \(reached until\.generations \(3\)\); posterior = generation 2: 30 particles/m);
    const manifest = JSON.parse(read(out, 'manifest.json'));
    expect(manifest.kind).toBe('calibration');
    expect(Object.keys(manifest.files).sort()).toEqual([...OUTPUT_FILES].sort());
    for (const name of OUTPUT_FILES) expect(sha256(readFileSync(join(out, name))), name).toBe(manifest.files[name]);
    expect(readFileSync(join(out, 'targets.json'))).toEqual(readFileSync(join(root, 'data', 'myanmar-2021.json')));
    expect(manifest.calibration.method).toEqual({ type: 'abc-smc', particles: 30, until: { acceptanceRate: 0.05, generations: 3 }, quantile: 0.5 });
    expect(manifest.targets.filter((t: { holdout: boolean }) => t.holdout).map((t: { id: string }) => t.id)).toEqual(['police_t24', 'police_vs_army_share']);
    expect(manifest.textOnlyShapes.map((s: { id: string }) => s.id)).toEqual(['cdm_unit_spread']);
    expect(manifest.pointEstimate).toMatch(/weighted marginal posterior median/);
  });

  it('posterior.csv: the last generation, weights summing to 1, distances within its tolerance, residuals of the fitted targets only', () => {
    const rows = csvRows(out, 'posterior.csv');
    expect(rows).toHaveLength(30);
    const header = read(out, 'posterior.csv').split('\n')[0].split(',');
    expect(header.slice(0, 7)).toEqual(['generation', 'particle', 'candidate', 'decision.stay.armyEnlisted', 'regime.shockHalfLifeTicks', 'weight', 'distance']);
    expect(header).toContain('residual_army_t24');
    expect(header).toContain('residual_army_flow_late');
    expect(header).not.toContain('residual_police_t24'); // a holdout
    expect(header).not.toContain('residual_police_vs_army_share');
    const generations = csvRows(out, 'generations.csv');
    const tolerance = Number(generations[2].tolerance);
    expect(rows.every((r) => r.generation === '2' && Number(r.distance) <= tolerance)).toBe(true);
    expect(Math.abs(rows.reduce((s, r) => s + Number(r.weight), 0) - 1)).toBeLessThan(1e-12);
    for (const r of rows) {
      expect(Number(r['decision.stay.armyEnlisted'])).toBeGreaterThanOrEqual(-2);
      expect(Number(r['regime.shockHalfLifeTicks'])).toBeLessThanOrEqual(30);
    }
  });

  it('generations.csv: falling tolerances, acceptance rates, ESS and simulation counts that add up with simulations.csv', () => {
    const generations = csvRows(out, 'generations.csv');
    expect(generations.map((g) => g.generation)).toEqual(['0', '1', '2']);
    expect(generations[0].tolerance).toBe(''); // generation 0 accepts every simulation that did not fail
    expect(Number(generations[2].tolerance)).toBeLessThan(Number(generations[1].tolerance));
    const simulations = csvRows(out, 'simulations.csv');
    for (const g of generations) {
      const mine = simulations.filter((s) => s.generation === g.generation);
      expect(mine.length).toBe(Number(g.simulations));
      expect(mine.filter((s) => s.accepted === 'true').length).toBe(Number(g.accepted));
      expect(Number(g.acceptance_rate)).toBeCloseTo(Number(g.accepted) / Number(g.simulations), 12);
      expect(mine.filter((s) => s.particle !== '').length).toBe(30);
      expect(Number(g.ess)).toBeGreaterThan(1);
      expect(Number(g.ess)).toBeLessThanOrEqual(30 + 1e-9);
    }
  });

  it('identifiability.csv and predictive.csv name every parameter and target; holdouts are marked', () => {
    const identifiability = csvRows(out, 'identifiability.csv');
    expect(identifiability.map((r) => r.parameter)).toEqual(['decision.stay.armyEnlisted', 'regime.shockHalfLifeTicks']);
    expect(identifiability[1].sampling_scale).toBe('log');
    for (const r of identifiability) {
      expect(Number(r.sd_ratio)).toBeCloseTo(Number(r.posterior_sd) / Number(r.prior_sd), 12);
      expect(r.identified).toBe(String(Number(r.sd_ratio) <= 0.5));
      expect(Number(r.q05)).toBeLessThanOrEqual(Number(r.median));
      expect(Number(r.median)).toBeLessThanOrEqual(Number(r.q95));
    }
    const defaults = resolveParameters(DEFECTION, 'myanmar-2021') as Parameters;
    expect(Number(identifiability[0].scenario_value)).toBe(defaults.decision.stay.armyEnlisted);
    expect(Number(identifiability[1].scenario_value)).toBe(defaults.regime.shockHalfLifeTicks);
    const predictive = csvRows(out, 'predictive.csv');
    const ids = [...TARGETS.targets.map((t: { id: string }) => t.id), 'army_flow_early', 'army_flow_late', 'police_vs_army_share'];
    expect(predictive.map((r) => r.target)).toEqual(ids);
    expect(predictive.filter((r) => r.holdout === 'true').map((r) => r.target)).toEqual(['police_t24', 'police_vs_army_share']);
    for (const r of predictive) {
      expect(Number(r.n)).toBe(30);
      const q = ['q05', 'q25', 'median', 'q75', 'q95'].map((k) => Number(r[k]));
      expect(q).toEqual([...q].sort((a, b) => a - b));
      expect(Number(r.met_share)).toBeGreaterThanOrEqual(0);
      expect(Number(r.met_share)).toBeLessThanOrEqual(1);
    }
    const army24 = predictive.find((r) => r.target === 'army_t24')!;
    expect([army24.observed, army24.low, army24.high]).toEqual(['3236', String(3236 * 0.65), String(3236 * 1.35)]);
    const series = csvRows(out, 'predictive-series.csv');
    // Every column a target reads (stocks of share targets included), each at every tick.
    const columns = new Set(series.map((r) => r.column));
    for (const column of ['defected_army', 'defected_police', 'defected_official_senior', 'defected_tycoon', 'serving_tycoon', 'sanctioned', 'new_defections_army', 'serving_police', 'serving_army']) {
      expect(columns.has(column), column).toBe(true);
    }
    expect(series.filter((r) => r.column === 'defected_army').map((r) => r.tick)).toEqual(Array.from({ length: 25 }, (_, t) => String(t)));
  });

  it('calibrated.yaml is a runnable config: the posterior medians with the scenario, set and horizon', () => {
    const config = parseYaml(read(out, 'calibrated.yaml'));
    const medians = Object.fromEntries(csvRows(out, 'identifiability.csv').map((r) => [r.parameter, Number(r.median)]));
    expect(config).toEqual({ scenario: 'myanmar-2021', 'population.scale': 100, 'time.ticks': 25, ...medians });
    expect(read(out, 'calibrated.yaml')).toMatch(/^# Point estimate: the weighted marginal posterior median/m);
    const ran = cli(['run', '--config', join(out, 'calibrated.yaml'), '--out', join(tmp, 'calibrated-run'), '--quiet']);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const manifest = JSON.parse(read(join(tmp, 'calibrated-run'), 'manifest.json'));
    expect(manifest.parameters.decision.stay.armyEnlisted).toBe(medians['decision.stay.armyEnlisted']);
  });

  it('posterior-predictive.yaml is a list design whose sweep reruns exactly the runs behind predictive.csv', () => {
    const experiment = parseYaml(read(out, 'posterior-predictive.yaml'));
    expect(experiment.design.type).toBe('list');
    expect(experiment.design.points).toHaveLength(30);
    const posterior = csvRows(out, 'posterior.csv');
    const particleValues = new Set(posterior.map((r) => r['decision.stay.armyEnlisted']));
    for (const point of experiment.design.points) expect(particleValues.has(String(point['decision.stay.armyEnlisted']))).toBe(true);
    const sweepOut = join(tmp, 'ppc-sweep');
    const swept = cli(['sweep', join(out, 'posterior-predictive.yaml'), '--out', sweepOut, '--quiet', '--workers', '2']);
    expect(swept.stderr).toBe('');
    expect(swept.code).toBe(0);
    // The sweep's defected_army at tick 24, over its 30 runs, has exactly predictive.csv's quantiles for army_t24.
    const values = csvRows(sweepOut, 'series.csv').filter((r) => r.tick === '24').map((r) => Number(r.defected_army)).sort((a, b) => a - b);
    expect(values).toHaveLength(30);
    const quantile = (p: number) => values[Math.max(0, Math.ceil(p * values.length) - 1)];
    const army24 = csvRows(out, 'predictive.csv').find((r) => r.target === 'army_t24')!;
    expect(['q05', 'q25', 'median', 'q75', 'q95'].map((k) => Number(army24[k]))).toEqual([0.05, 0.25, 0.5, 0.75, 0.95].map(quantile));
    const seriesMedian = csvRows(out, 'predictive-series.csv').find((r) => r.column === 'defected_army' && r.tick === '24')!;
    expect(Number(seriesMedian.median)).toBe(quantile(0.5));
  });

  it('1 and 2 workers give byte-identical files', () => {
    const one = join(tmp, 'small-1');
    const again = cli(['calibrate', file, '--out', one, '--workers', '1', '--quiet']);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    for (const name of [...OUTPUT_FILES, 'manifest.json']) expect(comparable(one, name), name).toBe(comparable(out, name));
  });

  it('changing a holdout changes its prediction only: posterior, generations and simulations are byte-identical', () => {
    const moved = structuredClone(TARGETS);
    moved.targets.find((t: { id: string }) => t.id === 'police_t24').value = 20000;
    const check = moved.shapes.find((s: { id: string }) => s.id === 'police_vs_army').checks[0];
    check.min = 10;
    const holdoutFile = calibrationFile('small', { targets: writeJson('moved-holdout.json', moved) }, 'small-moved-holdout');
    const movedOut = join(tmp, 'small-moved');
    const result = cli(['calibrate', holdoutFile, '--out', movedOut, '--quiet']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const name of ['posterior.csv', 'generations.csv', 'simulations.csv', 'identifiability.csv', 'calibrated.yaml', 'posterior-predictive.yaml', 'predictive-series.csv']) {
      expect(read(movedOut, name), name).toBe(read(out, name));
    }
    const before = csvRows(out, 'predictive.csv'), after = csvRows(movedOut, 'predictive.csv');
    expect(after.find((r) => r.target === 'police_t24')!.observed).toBe('20000');
    expect(after.find((r) => r.target === 'police_t24')!.median).toBe(before.find((r) => r.target === 'police_t24')!.median);
    expect(after.filter((r) => !r.target.startsWith('police_') || r.target === 'police_t10')).toEqual(before.filter((r) => !r.target.startsWith('police_') || r.target === 'police_t10'));
    // …whereas changing a fitted target changes the fit.
    const fitted = structuredClone(TARGETS);
    fitted.targets.find((t: { id: string }) => t.id === 'army_t24').value = 5000;
    const fittedOut = join(tmp, 'small-fitted');
    expect(cli(['calibrate', calibrationFile('small', { targets: writeJson('moved-fitted.json', fitted) }, 'small-moved-fitted'), '--out', fittedOut, '--quiet']).code).toBe(0);
    expect(read(fittedOut, 'posterior.csv')).not.toBe(read(out, 'posterior.csv'));
  });

  it('refuses to write into a directory that holds a calibration, without --resume; --resume of a finished one changes nothing', () => {
    const again = cli(['calibrate', file, '--out', out, '--quiet']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a calibration \(add --resume to finish it\)/);
    const before = OUTPUT_FILES.map((name) => read(out, name));
    const resumed = cli(['calibrate', file, '--out', out, '--resume', '--quiet']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(OUTPUT_FILES.map((name) => read(out, name))).toEqual(before);
    const other = cli(['calibrate', calibrationFile('small', { seed: 8 }, 'small-seed-8'), '--out', out, '--resume', '--quiet']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds a calibration of different settings or targets/);
  });
});

describe('defsim calibrate: kill -9 and --resume', () => {
  // ~700 runs: long enough to be killed in the middle.
  const file = calibrationFile('long', { method: { type: 'abc-smc', particles: 60, until: { acceptanceRate: 0.05, generations: 4 } }, seed: 3 });

  it('gives the same bytes as an uninterrupted calibration', async () => {
    const whole = join(tmp, 'long-whole');
    expect(cli(['calibrate', file, '--out', whole, '--quiet', '--workers', '2']).code).toBe(0);
    const killed = join(tmp, 'long-killed');
    const child = spawn(process.execPath, [CLI, 'calibrate', file, '--out', killed, '--quiet', '--workers', '2'], { cwd: root, stdio: 'ignore' });
    const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const journal = join(killed, 'journal.ndjson');
    const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 2 : 0);
    while (lines() < 200) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(join(killed, 'manifest.json'))).toBe(false);
    const journaled = lines();
    const resumed = cli(['calibrate', file, '--out', killed, '--resume', '--workers', '1']);
    expect(resumed.stderr).not.toContain('defsim:');
    expect(resumed.code).toBe(0);
    const ranNow = Number(/\((\d+) run now\)/.exec(resumed.stdout)![1]);
    const total = Number(/; (\d+) simulations \(/.exec(resumed.stdout)![1]);
    expect(ranNow).toBeLessThan(total - journaled + 30); // only what the journal did not hold (a torn line or a replicate in flight may be rerun)
    for (const name of [...OUTPUT_FILES, 'manifest.json']) expect(comparable(killed, name), name).toBe(comparable(whole, name));
  });
});

describe('defsim reproduce of a calibration', () => {
  const out = join(tmp, 'reproduced');
  beforeAll(() => {
    expect(cli(['calibrate', calibrationFile('small', {}, 'small-reproduce'), '--out', out, '--quiet']).code).toBe(0);
  });

  it('re-runs it from the manifest and its targets.json alone: every file identical, exit 0', () => {
    // The working tree's targets file may change after the calibration: reproduce uses the copy.
    const r = cli(['reproduce', out, '--quiet', '--workers', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, -1).map((l) => l.split(/\s+/).slice(0, 2))).toEqual(OUTPUT_FILES.map((f) => [f, 'identical']));
    expect(lines.at(-1)).toBe(`${out}: ${OUTPUT_FILES.length} of ${OUTPUT_FILES.length} files identical`);
  });

  it('names an edited output file and refuses with exit 2 before re-running anything', () => {
    const copy = join(tmp, 'reproduced-edited');
    mkdirSync(copy);
    for (const name of [...OUTPUT_FILES, 'manifest.json']) copyFileSync(join(out, name), join(copy, name));
    const rows = read(copy, 'posterior.csv').split('\n');
    rows[1] = rows[1].replace(/,(0\.\d+),/, (_m, w) => `,${Number(w) * 1.01},`); // one particle's weight, 1% up
    writeFileSync(join(copy, 'posterior.csv'), rows.join('\n'));
    const r = cli(['reproduce', copy, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/posterior\.csv' was changed after it was written/);
  });
});

describe('defsim calibrate: one writer per directory', () => {
  it('a second calibration into the same directory at once is refused with exit 2 naming the first; the first finishes', async () => {
    const file = calibrationFile('locked', { method: { type: 'abc-smc', particles: 60, until: { acceptanceRate: 0.05, generations: 3 } } });
    const out = join(tmp, 'locked');
    const first = spawn(process.execPath, [CLI, 'calibrate', file, '--out', out, '--quiet'], { cwd: root, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    while (!existsSync(join(out, 'journal.ndjson'))) await new Promise((r) => setTimeout(r, 10));
    const second = cli(['calibrate', file, '--out', out, '--resume', '--quiet']);
    expect(second.code).toBe(2);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toMatch(new RegExp(`it is being written by another defsim process \\(pid ${first.pid} `));
    expect(await exited).toBe(0);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    expect(existsSync(join(out, 'defsim.lock'))).toBe(false);
  });
});

describe('defsim calibrate: a full disk', () => {
  // A real 64 KiB tmpfs (needs root or passwordless sudo, as test/disk.test.ts does): the journal fills it.
  const asRoot = process.getuid?.() === 0;
  const sh = (command: string, args: string[]) => {
    const r = spawnSync(asRoot ? command : 'sudo', asRoot ? args : ['-n', command, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`this test fills a real small file system and needs root or passwordless sudo for '${command} ${args.join(' ')}': ${r.stderr || r.error?.message}`);
  };
  const disk = join(tmp, 'small-disk');
  afterAll(() => {
    if (existsSync(disk)) spawnSync(asRoot ? 'umount' : 'sudo', asRoot ? [disk] : ['-n', 'umount', disk]);
  });

  it('ends with one message naming the directory and how to resume, exit 1; the journal resumed elsewhere gives the same files', () => {
    mkdirSync(disk);
    sh('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk]);
    const file = calibrationFile('small', {}, 'small-disk');
    const out = join(disk, 'cal');
    const full = cli(['calibrate', file, '--out', out, '--quiet']);
    expect(full.code).toBe(1);
    const lines = full.stderr.trim().split('\n');
    expect(lines, full.stderr).toHaveLength(1);
    expect(full.stderr).not.toMatch(/\n\s+at /);
    expect(lines[0].startsWith(`defsim: cannot write to '${out}': no space left on the device (ENOSPC`)).toBe(true);
    expect(lines[0].endsWith(`; free some space, then run: defsim calibrate ${file} --out ${out} --resume`)).toBe(true);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    const elsewhere = join(tmp, 'disk-resumed');
    mkdirSync(elsewhere);
    copyFileSync(join(out, 'journal.ndjson'), join(elsewhere, 'journal.ndjson'));
    const resumed = cli(['calibrate', file, '--out', elsewhere, '--resume', '--quiet']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const whole = join(tmp, 'disk-whole');
    expect(cli(['calibrate', file, '--out', whole, '--quiet']).code).toBe(0);
    for (const name of [...OUTPUT_FILES, 'manifest.json']) expect(comparable(elsewhere, name), name).toBe(comparable(whole, name));
  });
});

describe('defsim calibrate: failure isolation', () => {
  it('a simulation that throws is rejected and written with its error; the calibration finishes and exits 1', () => {
    const out = join(tmp, 'failing');
    const result = cli(['calibrate', calibrationFile('failing'), '--out', out, '--quiet'], { DEFSIM_FAIL_RUNS: '3,40' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/simulations failed and were rejected \(status and error in .*simulations\.csv\)/);
    const failed = csvRows(out, 'simulations.csv').filter((r) => r.status === 'failed');
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed[0]).toMatchObject({ generation: '0', candidate: '3', accepted: 'false', particle: '', distance: '' });
    expect(failed[0].error).toMatch(/fails on purpose/);
    expect(csvRows(out, 'posterior.csv')).toHaveLength(30);
    expect(Number(csvRows(out, 'generations.csv')[0].failed)).toBe(1);
  });
});

describe('simulation-based check', () => {
  // Targets made by defsim itself from known parameters (mean of 4 seeds at 1/100 scale); a
  // calibration of those two parameters from wide priors must recover them inside its 90% intervals.
  const truth = { 'decision.stay.armyEnlisted': -1.0, 'decision.stay.policeEnlisted': -2.8 };

  it('recovers the true values inside the 90% posterior intervals, and narrows both priors', () => {
    const params = resolveParameters(DEFECTION, 'myanmar-2021', new Map<string, unknown>([['population.scale', 100], ['time.ticks', 25], ...Object.entries(truth)]));
    const runs = [11, 12, 13, 14].map((seed) => simulate(DEFECTION, params, seed));
    const at = (column: string, tick: number) => runs.reduce((s, r) => s + r.data[r.columns.indexOf(column)][tick], 0) / runs.length;
    const targets = {
      targets: [
        ...[6, 10, 14, 24].map((tick) => ({ id: `army_t${tick}`, series: 'defected_cumulative', group: 'army', tick, value: at('defected_army', tick), tolerance: 0.2 })),
        ...[6, 10, 14, 24].map((tick) => ({ id: `police_t${tick}`, series: 'defected_cumulative', group: 'police', tick, value: at('defected_police', tick), tolerance: 0.2 })),
      ],
    };
    const file = calibrationFile('sbc', {
      targets: writeJson('sbc-targets.json', targets),
      parameters: { 'decision.stay.armyEnlisted': { from: -4, to: 2 }, 'decision.stay.policeEnlisted': { from: -6, to: 0 } },
      method: { type: 'abc-smc', particles: 100, until: { acceptanceRate: 0.05, generations: 4 } },
      seed: 21,
    });
    const out = join(tmp, 'sbc');
    const result = cli(['calibrate', file, '--out', out, '--quiet']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const row of csvRows(out, 'identifiability.csv')) {
      const value = truth[row.parameter as keyof typeof truth];
      const context = `${row.parameter}: true ${value}, 90% interval ${row.q05}..${row.q95}, sd ratio ${row.sd_ratio}`;
      expect(value, context).toBeGreaterThanOrEqual(Number(row.q05));
      expect(value, context).toBeLessThanOrEqual(Number(row.q95));
      expect(Number(row.sd_ratio), context).toBeLessThan(0.7); // the data narrowed the prior
    }
  });
});

describe('defsim calibrate: bad input exits 2 with one message and writes nothing', () => {
  const cases: Array<[string, () => string, RegExp]> = [
    ['a prior with from >= to', () => calibrationFile('bad', { parameters: { 'decision.stay.armyEnlisted': { from: 2, to: 2 } } }),
      /invalid value for 'parameters\.decision\.stay\.armyEnlisted\.to': 2 \(allowed: a number > from \(2\); a prior needs from < to\)/],
    ['an unknown parameter', () => calibrationFile('bad', { parameters: { 'decision.stay.navyEnlisted': { from: 0, to: 1 } } }),
      /unknown parameter 'parameters\.decision\.stay\.navyEnlisted'.*allowed: parameters under 'decision\.stay'/],
    ['a prior outside the parameter\'s range', () => calibrationFile('bad', { parameters: { 'regime.crackdown.soldier.rampShare': { from: 0.001, to: 2 } } }),
      /invalid value for 'parameters\.regime\.crackdown\.soldier\.rampShare\.to': 2 \(allowed: a finite number in \[0, 1\]\)/],
    ['an integer parameter', () => calibrationFile('bad', { parameters: { 'sponsors.startTick': { from: 0, to: 10 } } }),
      /sponsors\.startTick is an integer \(allowed: real-valued parameters only/],
    ['a target naming an unknown series', () => calibrationFile('bad', {
      targets: writeJson('bad-series.json', { targets: [{ id: 'navy_t6', series: 'defected_cumulative', group: 'navy', tick: 6, value: 10, tolerance: 0.3 }] }) }),
      /unknown series 'defected_navy' named by targets\[0\] in the targets file/],
    ['a shape check naming an unknown column', () => calibrationFile('bad', {
      targets: writeJson('bad-check.json', { targets: TARGETS.targets, shapes: [{ id: 's', text: 't', checks: [{ id: 'c', column: 'new_defections_navy', tick: 3, max: 1 }] }] }) }),
      /unknown series 'new_defections_navy' named by shapes\[0\]\.checks\[0\]/],
    ['a series the targets file does not know', () => calibrationFile('bad', {
      targets: writeJson('bad-kind.json', { targets: [{ id: 'x', series: 'arrested_cumulative', group: 'army', tick: 6, value: 10, tolerance: 0.3 }] }) }),
      /invalid value for '.*bad-kind\.json: targets\[0\]\.series': "arrested_cumulative" \(allowed: one of defected_cumulative, out, sanctioned_cumulative\)/],
    ['a target beyond the horizon', () => calibrationFile('bad', { ticks: 20 }),
      /targets\[3\]\.tick': 24 \(allowed: a tick inside the horizon, 0\.\.19/],
    ['particles < 2', () => calibrationFile('bad', { method: { type: 'abc-smc', particles: 1, until: { acceptanceRate: 0.05, generations: 3 } } }),
      /invalid value for 'method\.particles': 1 \(allowed: an integer in \[2, 1000000\]\)/],
    ['an unknown method', () => calibrationFile('bad', { method: { type: 'nsga2', particles: 10 } }),
      /invalid value for 'method\.type': "nsga2" \(allowed: abc-smc\)/],
    ['a malformed targets file', () => {
      const path = join(tmp, 'malformed.json');
      writeFileSync(path, '{ "targets": [ { "id": "a", ');
      return calibrationFile('bad', { targets: path });
    }, /malformed JSON in the targets file '.*malformed\.json'/],
    ['a missing targets file', () => calibrationFile('bad', { targets: join(tmp, 'nowhere.json') }), /cannot read the targets file '.*nowhere\.json': ENOENT/],
    ['every target a holdout', () => calibrationFile('bad', {
      targets: writeJson('all-holdout.json', { targets: [{ id: 'a', series: 'defected_cumulative', group: 'army', tick: 6, value: 10, tolerance: 0.3, holdout: true }] }) }),
      /has no target to fit: every target and check is a holdout/],
    ['an unknown key', () => calibrationFile('bad', { particles: 10 }), /unknown key 'particles' \(value 10\); allowed here: \$schema, name/],
    ['a parameter both fitted and set', () => calibrationFile('bad', { set: { 'population.scale': 100, 'decision.stay.armyEnlisted': 0 } }),
      /decision\.stay\.armyEnlisted is also fixed in 'set'/],
  ];
  for (const [what, make, message] of cases) {
    it(what, () => {
      const out = join(tmp, `bad-${what.replace(/\W+/g, '-')}`);
      const result = cli(['calibrate', make(), '--out', out]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }
});
