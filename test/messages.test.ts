/**
 * Bad input is refused in one clear line (exit 2) that says what the user wrote: open intervals
 * as "(0, 1)", a JSON 1e999 as Infinity (not null), a YAML tag such as !!js/function as an error
 * (no warning above it), a name taken from the file name as that; what resolved last-wins
 * silently is refused: a JSON key given twice (experiments, configs and targets files, as YAML
 * already was), a parameter given nested and dotted, a Y.csv column named twice, `0x10` as a
 * number, a negative observed count. report.md escapes names taken from the files, as report.html does.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-messages-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** Exit 2 and exactly one line on stderr, returned. */
function refused(args: string[]): string {
  const r = cli(args);
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0];
}

const targets = JSON.parse(readFileSync(join(root, 'data', 'myanmar-2021.json'), 'utf8')) as { targets: Record<string, unknown>[] };
const calibration = (extra: Record<string, unknown> = {}) => ({
  name: 'messages-cal', targets: join(root, 'data', 'myanmar-2021.json'), set: { 'population.scale': 400 }, ticks: 25,
  parameters: { 'decision.stay.armyEnlisted': { from: -2, to: 2 } }, method: { type: 'abc-smc', particles: 4 }, ...extra,
});
const problem = { num_vars: 2, names: ['a', 'b'], bounds: [[0, 1], [0, 1]] };

describe('what the user wrote, said plainly', () => {
  it('an open interval reads (0, 1), not [5e-324, 0.9999999999999998]', () => {
    const line = refused(['calibrate', file('q.json', calibration({ method: { type: 'abc-smc', particles: 4, quantile: 1.5 } })), '--out', 'never']);
    expect(line).toBe("defsim: invalid value for 'method.quantile': 1.5 (allowed: a finite number in (0, 1))");
  });

  it('a JSON 1e999 reads Infinity, not null', () => {
    expect(refused(['sample', file('inf.json', '{"num_vars":1,"names":["a"],"bounds":[[0,1e999]]}'), '--method', 'sobol', '--samples', '8', '--out', 'inf.csv']))
      .toContain(': [0,Infinity] (allowed');
  });

  it('a YAML tag such as !!js/function is one error line, with no warning above it', () => {
    expect(refused(['validate', file('tag.yaml', 'name: tagged\nset: !!js/function "function () {}"\n')]))
      .toBe("defsim: malformed YAML in '" + join(tmp, 'tag.yaml') + "' at line 2, column 6: Unresolved tag: tag:yaml.org,2002:js/function");
  });

  it('a name taken from the file name is said to be the file name', () => {
    const line = refused(['validate', file('my experiment!.yaml', 'ticks: 6\n')]);
    expect(line).toBe(`defsim: the file has no 'name', and its file name "my experiment!" cannot be one (allowed: letters, digits, ".", "_" and "-", starting with a letter or digit; add a 'name:' key or rename the file)`);
  });
});

describe('refused, never last-wins', () => {
  it('a JSON key given twice, in an experiment as in YAML', () => {
    expect(refused(['validate', file('twice.json', '{"name": "a", "ticks": 6, "name": "b"}')])).toMatch(/^defsim: malformed JSON in '.*twice\.json' at line 1, column \d+: Map keys must be unique/u);
    expect(refused(['validate', file('twice.yaml', 'name: a\nname: b\n')])).toMatch(/malformed YAML .* Map keys must be unique/u);
  });

  it('a JSON key given twice in a run config and in a targets file', () => {
    expect(refused(['run', '--config', file('config.json', '{"seed": 1, "seed": 2}'), '--out', 'never'])).toMatch(/malformed JSON .*Map keys must be unique/u);
    const text = JSON.stringify(targets).replace('"targets":[', '"targets":[],"targets":[');
    expect(refused(['calibrate', file('cal-dup.json', calibration({ targets: file('targets-dup.json', text) })), '--out', 'never'])).toMatch(/malformed JSON in the targets file .*Map keys must be unique/u);
  });

  it('a parameter given nested and dotted', () => {
    const line = refused(['validate', file('both.json', { name: 'both', set: { population: { scale: 20 }, 'population.scale': 30 } })]);
    expect(line).toBe("defsim: invalid value for 'population.scale': given twice, as 20 and as 30 (allowed: each parameter once, nested or dotted)");
  });

  it('a Y.csv column named twice, and 0x10 as a number', () => {
    expect(cli(['sample', file('p.json', problem), '--method', 'sobol', '--samples', '8', '--out', 'X.csv', '--quiet']).code).toBe(0);
    const rows = (y: (i: number) => string) => Array.from({ length: 48 }, (_, i) => y(i)).join('\n') + '\n';
    const analyze = (y: string) => ['analyze', '--problem', 'p.json', '--method', 'sobol', '--x', 'X.csv', '--y', y, '--out', 'never', '--no-report'];
    expect(refused(analyze(file('Ydup.csv', 'y,y\n' + rows((i) => `${i},${i % 3}`))))).toContain("header, column 2: \"y\" names an earlier column too");
    expect(refused(analyze(file('Yhex.csv', 'y\n' + rows((i) => (i === 5 ? '0x10' : String(i)))))))
      .toContain("line 7, column 'y': \"0x10\" is not a number (allowed: a decimal number");
  });

  it('a negative observed count in a targets file', () => {
    const negative = { ...targets, targets: targets.targets.map((t, i) => (i === 0 ? { ...t, value: -5 } : t)) };
    const line = refused(['calibrate', file('cal-negative.json', calibration({ targets: file('targets-negative.json', negative) })), '--out', 'never']);
    expect(line).toMatch(/targets\[0\]\.value': -5 \(allowed: a count of people above 0/u);
  });
});

describe('report.md', () => {
  it('escapes problem and output names as report.html does', () => {
    const evil = ['<script>alert(1)</script>', '<img src=x onerror=alert(2)>'];
    const p = file('evil.json', { num_vars: 2, names: evil, bounds: [[0, 1], [0, 1]] });
    expect(cli(['sample', p, '--method', 'sobol', '--samples', '8', '--out', 'Xe.csv', '--quiet']).code).toBe(0);
    const x = readFileSync(join(tmp, 'Xe.csv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(',').map(Number));
    file('Ye.csv', '"<b onmouseover=alert(3)>y</b>"\n' + x.map(([a, b]) => String(a + 2 * b)).join('\n') + '\n');
    const r = cli(['analyze', '--problem', p, '--method', 'sobol', '--x', 'Xe.csv', '--y', 'Ye.csv', '--out', 'evil-out', '--resamples', '20', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(tmp, 'evil-out', 'report', 'report.md'), 'utf8');
    for (const raw of ['<script', '<img', '<b ']) expect(md).not.toContain(raw);
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
