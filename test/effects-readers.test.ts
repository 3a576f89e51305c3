/**
 * effects.csv reads as it is in pandas and in R (Debian's python3-pandas and r-base-core, which
 * `npm test` installs through scripts/setup.sh --for-tests): the same columns, numeric columns read as numbers, undefined values as
 * NaN / NA, booleans of varied parameters as booleans (pandas) or true/false text that
 * as.logical reads (R), and the same values as defsim's own reader.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effects } from '../runners/effects/files.js';
import { EFFECT_COLUMNS, EFFECT_TEXT_COLUMN_NAMES } from '../runners/effects/csv.js';

const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-readers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const out = join(tmp, 'sweep');
const csv = join(out, 'effects.csv');
/** Debian's python3 (with python3-pandas) before any other on the PATH. */
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function run(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.error || r.status !== 0) throw new Error(`${command} failed (install python3-pandas and r-base-core, as npm test does through scripts/setup.sh --for-tests): ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  // A boolean, a number and the scenario varied; a baseline naming two keys; independent seeds.
  const file = join(tmp, 'readers.json');
  writeFileSync(file, JSON.stringify({
    name: 'readers', set: { 'population.scale': 200 }, ticks: 48, replicates: 3, seed: 2,
    design: { type: 'grid', parameters: { scenario: ['no-policy', 'defection-offer'], 'sanctions.offRamp': [false, true], 'sanctions.offRampCredibility': [0.25, 0.75] } },
    baseline: { scenario: 'no-policy', 'sanctions.offRamp': false },
  }));
  const r = spawnSync(process.execPath, [join(root, 'dist/runners/cli.js'), 'sweep', file, '--out', out, '--quiet'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}, 120_000);

describe('effects.csv in other tools', () => {
  it('pandas reads it as it is', () => {
    const script = `
import json, sys, pandas as pd
d = pd.read_csv(sys.argv[1])
print(json.dumps({
  'columns': list(d.columns), 'rows': len(d),
  'dtypes': {c: str(t) for c, t in d.dtypes.items()},
  'na_per_million': int(d['effect_per_million_usd'].isna().sum()),
  'effect_sum': float(d['effect'].sum()),
  'off_ramp_values': sorted(set(map(bool, d['sanctions.offRamp']))),
}))`;
    const result = JSON.parse(run(python, ['-c', script, csv]));
    const rows = effects(out);
    expect(result.columns).toEqual(readFileSync(csv, 'utf8').split('\n')[0].split(','));
    expect(result.rows).toBe(rows.length);
    for (const column of EFFECT_COLUMNS.filter((c) => !EFFECT_TEXT_COLUMN_NAMES.includes(c))) expect(result.dtypes[column], column).toMatch(/^(float64|int64)$/);
    expect(result.dtypes['sanctions.offRamp']).toBe('bool');
    expect(result.na_per_million).toBe(rows.filter((row) => row.effectPerMillionUsd === null).length);
    expect(result.na_per_million).toBeGreaterThan(0);
    const total = rows.reduce((s, row) => s + (row.effect ?? 0), 0);
    expect(Math.abs(result.effect_sum - total) / Math.abs(total)).toBeLessThan(1e-12);
    expect(result.off_ramp_values).toEqual([false, true]);
  });

  it('R reads it as it is', () => {
    const script = `
d <- read.csv(commandArgs(TRUE)[1])
numeric <- c(${EFFECT_COLUMNS.filter((c) => !EFFECT_TEXT_COLUMN_NAMES.includes(c)).map((c) => `"${c}"`).join(', ')})
cat(nrow(d), ncol(d), all(sapply(d[numeric], is.numeric)), paste(sort(unique(as.logical(d$sanctions.offRamp))), collapse = "/"), sum(is.na(d$effect_per_million_usd)), sprintf("%.17g", sum(d$effect, na.rm = TRUE)), "\\n")
cat(names(d), sep = "|")`;
    const [summary, names] = run('Rscript', ['-e', script, csv]).split('\n');
    const rows = effects(out);
    const [nrow, ncol, numeric, logical, na, sum] = summary.trim().split(/\s+/);
    expect([Number(nrow), Number(ncol)]).toEqual([rows.length, readFileSync(csv, 'utf8').split('\n')[0].split(',').length]);
    // Every numeric column reads as numbers; a boolean parameter's true/false reads as text that as.logical takes.
    expect([numeric, logical]).toEqual(['TRUE', 'FALSE/TRUE']);
    expect(Number(na)).toBe(rows.filter((row) => row.effectPerMillionUsd === null).length);
    const total = rows.reduce((s, row) => s + (row.effect ?? 0), 0);
    expect(Math.abs(Number(sum) - total) / Math.abs(total)).toBeLessThan(1e-12); // the same doubles, summed in another order
    // R keeps the names (dots are legal in R names).
    expect(names.split('|')).toEqual(readFileSync(csv, 'utf8').split('\n')[0].split(','));
  });
});
