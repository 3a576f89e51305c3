import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../reports/csv.js';
import { ReportInputError } from '../reports/errors.js';
import { loadResult } from '../reports/load.js';
import { cleanupTempDirs, makeRunDir, makeSweepDir, ONE_PARAMETER, overwrite, tempDir, truncateLines } from './reports-helpers.js';

afterAll(cleanupTempDirs);

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and newlines', () => {
    const table = parseCsv('a,b,c\n1,"x, y","say ""hi""\nthere"\n2,z,\n', 'f.csv');
    expect(table.header).toEqual(['a', 'b', 'c']);
    expect(table.rows).toEqual([
      ['1', 'x, y', 'say "hi"\nthere'],
      ['2', 'z', ''],
    ]);
  });

  it('rejects a ragged row, naming file and line', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', 'series.csv')).toThrow(/series\.csv: line 3: expected 2 fields, found 1/);
  });

  it('rejects an unclosed quote and an empty file', () => {
    expect(() => parseCsv('a,b\n1,"open\n', 'x.csv')).toThrow(/x\.csv: .*never closed/);
    expect(() => parseCsv('', 'empty.csv')).toThrow(/empty\.csv: the file is empty/);
  });
});

describe('loadResult', () => {
  it('loads a run directory with its series, summary and calibration targets', async () => {
    const dir = await makeRunDir(await tempDir());
    const result = await loadResult(dir);
    expect(result.kind).toBe('run');
    if (result.kind !== 'run') return;
    expect(result.series.header[0]).toBe('tick');
    expect(result.series.rows).toHaveLength(36);
    expect(result.summary.calibration.some((t) => t.max === 100)).toBe(true);
    expect(result.inputFiles.map((f) => f.name)).toEqual(['manifest.json', 'series.csv', 'summary.json']);
    expect(result.notes).toEqual([]);
  });

  it('loads a sweep directory: varied parameters, points and statistics', async () => {
    const dir = await makeSweepDir(await tempDir(), 'sweep', ONE_PARAMETER);
    const result = await loadResult(dir);
    expect(result.kind).toBe('sweep');
    if (result.kind !== 'sweep') return;
    expect(result.varied).toEqual([{ path: 'payout.scale', values: ['0.5', '1', '2'], numeric: true }]);
    expect(result.points.map((p) => p.id)).toEqual(['0', '1', '2']);
    expect(result.stats.get('1')?.get('defected_all')?.n).toBe(3);
    expect(result.series).not.toBeNull();
  });

  it('names the directory when it is missing, not a directory, or has no manifest.json', async () => {
    const parent = await tempDir();
    await expect(loadResult(join(parent, 'nope'))).rejects.toThrow(/nope: no such directory/);
    await writeFile(join(parent, 'file.txt'), 'x');
    await expect(loadResult(join(parent, 'file.txt'))).rejects.toThrow(/file\.txt: not a directory/);
    await mkdir(join(parent, 'empty'));
    await expect(loadResult(join(parent, 'empty'))).rejects.toThrow(/empty: not a defsim result directory: it has no manifest\.json/);
  });

  it('names the file for corrupt JSON, a wrong kind, a missing file and a truncated CSV', async () => {
    const parent = await tempDir();
    const corruptSummary = await makeRunDir(parent, 'a');
    await overwrite(corruptSummary, 'summary.json', '{"final": {');
    await expect(loadResult(corruptSummary)).rejects.toThrow(/a[/\\]summary\.json: invalid JSON/);

    const wrongKind = await makeRunDir(parent, 'b');
    await overwrite(wrongKind, 'manifest.json', '{"kind": "banana"}');
    await expect(loadResult(wrongKind)).rejects.toThrow(/b[/\\]manifest\.json: "kind" is "banana"/);

    const noSeries = await makeRunDir(parent, 'c');
    await rm(join(noSeries, 'series.csv'));
    await expect(loadResult(noSeries)).rejects.toThrow(/c[/\\]series\.csv: file is missing/);

    const truncated = await makeSweepDir(parent, 'd', ONE_PARAMETER);
    await truncateLines(truncated, 'points.csv', 5);
    await expect(loadResult(truncated)).rejects.toThrow(/d[/\\]points\.csv: line 6: expected 10 fields/);
  });

  it('rejects a non-numeric cell in series.csv with file, line and column', async () => {
    const dir = await makeRunDir(await tempDir());
    const { readFile } = await import('node:fs/promises');
    const lines = (await readFile(join(dir, 'series.csv'), 'utf8')).split('\n');
    lines[3] = lines[3].replace(/^(\d+),(\d+)/, '$1,lots');
    await overwrite(dir, 'series.csv', lines.join('\n'));
    const error = await loadResult(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportInputError);
    expect(String((error as Error).message)).toMatch(/series\.csv: line 4, column "defected_army": "lots" is not a number/);
  });

  it('notes a file whose sha256 differs from the manifest, without failing', async () => {
    const dir = await makeRunDir(await tempDir());
    const { readFile } = await import('node:fs/promises');
    await overwrite(dir, 'summary.json', (await readFile(join(dir, 'summary.json'), 'utf8')) + '\n');
    const result = await loadResult(dir);
    expect(result.notes).toEqual([expect.stringMatching(/^summary\.json: sha256 differs/)]);
  });
});
