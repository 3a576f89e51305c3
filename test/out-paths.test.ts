/**
 * An --out that cannot hold a result — under a regular file, a dangling symbolic link, in /proc —
 * is refused by every command that writes one with a single line naming it and what is wrong
 * (exit 2), never a raw ENOTDIR/ENOENT with a stack trace; `report --out /proc/x` ends instead of
 * spinning in Node's recursive mkdir; `sample --out nodir/X.csv` makes the directory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-out-paths-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  // The timeout only ends a hang (the report used to spin forever); nothing is timed.
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmp, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(name: string, value: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

let files: Record<string, string>;
beforeAll(() => {
  writeFileSync(join(tmp, 'a-file'), 'not a directory\n');
  symlinkSync(join(tmp, 'nowhere', 'target'), join(tmp, 'dangling'));
  files = {
    experiment: json('exp.json', { name: 'paths', set: { 'population.scale': 2000 }, ticks: 6, design: { type: 'grid', parameters: { 'sanctions.offRamp': [false, true] } } }),
    calibration: json('cal.json', {
      name: 'paths-cal', targets: join(root, 'data', 'myanmar-2021.json'), set: { 'population.scale': 400 }, ticks: 25,
      parameters: { 'decision.stay.armyEnlisted': { from: -2, to: 2 } }, method: { type: 'abc-smc', particles: 4, until: { generations: 1 } },
    }),
    problem: json('problem.json', { num_vars: 2, names: ['a', 'b'], bounds: [[0, 1], [0, 1]] }),
  };
  expect(cli(['sample', files.problem, '--method', 'sobol', '--samples', '8', '--out', 'X.csv', '--quiet']).code).toBe(0);
  writeFileSync(join(tmp, 'Y.csv'), 'y\n' + Array.from({ length: 48 }, (_, i) => String(i % 7)).join('\n') + '\n');
});

const COMMANDS: { command: string; args: (out: string) => string[] }[] = [
  { command: 'run', args: (out) => ['run', '--set', 'population.scale=2000', '--ticks', '6', '--out', out, '--quiet'] },
  { command: 'sweep', args: (out) => ['sweep', files.experiment, '--out', out, '--quiet'] },
  { command: 'calibrate', args: (out) => ['calibrate', files.calibration, '--out', out, '--quiet'] },
  { command: 'analyze', args: (out) => ['analyze', '--problem', files.problem, '--method', 'sobol', '--x', 'X.csv', '--y', 'Y.csv', '--out', out, '--no-report', '--quiet'] },
  { command: 'sample', args: (out) => ['sample', files.problem, '--method', 'sobol', '--samples', '8', '--out', join(out, 'X.csv'), '--quiet'] },
  { command: 'report', args: (out) => ['report', 'X.csv', '--out', out, '--quiet'] },
];

const PLACES: { place: string; out: string; says: RegExp }[] = [
  { place: 'under a regular file', out: 'a-file/out', says: /'[^']*a-file' is a file, not a directory/u },
  { place: 'a dangling symbolic link', out: 'dangling', says: /'[^']*dangling' is a symbolic link to '[^']*nowhere\/target', which does not exist/u },
  { place: 'in /proc', out: '/proc/defsim-out', says: /a directory cannot be created in '\/proc'/u },
];

describe('an --out that cannot hold a result', () => {
  it.each(COMMANDS.flatMap((c) => PLACES.map((p) => ({ ...c, ...p }))))('$command, $place: one line, exit 2', ({ args, out, says }) => {
    const r = cli(args(out));
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^defsim: invalid value for '--out': /u);
    expect(lines[0]).toMatch(says);
  });

  it('sample into a directory that does not exist yet makes it', () => {
    const r = cli(['sample', files.problem, '--method', 'sobol', '--samples', '8', '--out', 'new-dir/X.csv', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(tmp, 'new-dir', 'X.csv'))).toBe(true);
    expect(existsSync(join(tmp, 'new-dir', 'X.manifest.json'))).toBe(true);
  });
});
