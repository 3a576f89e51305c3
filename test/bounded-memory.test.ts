/**
 * `sample` streams its design to disk and `analyze` reads X.csv and Y.csv a chunk at a time into
 * one typed array per column, so neither holds its file as text or an object per row: here both
 * run with a 32 MB JavaScript heap on a 38 MB design (before, sample built the whole CSV as one
 * string and analyze parsed every cell into arrays of strings, and both ran out of memory). The
 * chunked design is the design, byte for byte. The full-size figures (16,777,216 rows; 10^6 rows ×
 * 6 outputs, peak RSS under 1 GB) are `npm run bench:io`'s.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forEachCsvRecord, readNumberColumns } from '../runners/io/csv-columns.js';
import { morrisDesignChunks, sampleMorris } from '../runners/sensitivity/morris-sample.js';
import { parseSalibProblem } from '../runners/sensitivity/problem.js';
import { sampleSobol, sobolDesignChunks } from '../runners/sensitivity/sobol-sample.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-memory-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function smallHeap(args: string[]) {
  const r = spawnSync(process.execPath, ['--max-old-space-size=32', CLI, ...args], { cwd: tmp, encoding: 'utf8' });
  return { code: r.status, signal: r.signal, stderr: r.stderr };
}

const concat = (chunks: Iterable<Float64Array>) => {
  const parts = [...chunks];
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return { out, parts: parts.length };
};

describe('designs a chunk at a time', () => {
  const problem = parseSalibProblem({ num_vars: 3, names: ['a', 'b', 'c'], bounds: [[0, 1], [1, 3], [0, 5]], groups: ['g', 'g', 'h'] });

  it('Sobol: the chunks are the design', () => {
    for (const secondOrder of [true, false]) {
      const { out, parts } = concat(sobolDesignChunks(problem, 64, { seed: 3, secondOrder }, 8));
      expect(parts).toBe(8);
      expect(out).toEqual(sampleSobol(problem, 64, { seed: 3, secondOrder }).unit);
    }
  });

  it('Morris: the chunks are the design, with and without candidates', () => {
    for (const candidates of [undefined, 40]) {
      const { out, parts } = concat(morrisDesignChunks(problem, 12, { seed: 5, levels: 6, candidates }, 5));
      expect(parts).toBe(3);
      expect(out).toEqual(sampleMorris(problem, 12, { seed: 5, levels: 6, candidates }).unit);
    }
  });
});

describe('CSV a record at a time', () => {
  it('reads quoted fields across chunk and line boundaries, and numbers into columns', () => {
    const path = join(tmp, 'quoted.csv');
    const long = 'x'.repeat(5_000_000); // longer than a read chunk
    writeFileSync(path, `a,"b, the ""second""",c\r\n1,"${long}\nnext line",3\n\n4,,6`);
    const records: string[][] = [];
    forEachCsvRecord(path, (cells) => records.push(cells));
    expect(records).toEqual([['a', 'b, the "second"', 'c'], ['1', `${long}\nnext line`, '3'], ['4', '', '6']]);
    const numbers = join(tmp, 'numbers.csv');
    writeFileSync(numbers, 'y,"z, quoted"\n1.5,-2e3\n,7\n');
    const table = readNumberColumns(numbers, 'Y');
    expect(table.header).toEqual(['y', 'z, quoted']);
    expect(Array.from(table.columns[0])).toEqual([1.5, NaN]);
    expect(Array.from(table.columns[1])).toEqual([-2000, 7]);
  });
});

describe('with a 32 MB heap', () => {
  it('sample writes a 38 MB design, and analyze reads it back with its outputs', () => {
    const problem = join(tmp, 'p10.json');
    writeFileSync(problem, JSON.stringify({ num_vars: 10, names: Array.from({ length: 10 }, (_, i) => `x${i}`), bounds: Array.from({ length: 10 }, () => [0, 1]) }));
    const x = join(tmp, 'X.csv');
    const sampled = smallHeap(['sample', problem, '--method', 'sobol', '--samples', '16384', '--no-second-order', '--out', x, '--quiet']);
    expect(sampled.signal, sampled.stderr).toBe(null);
    expect(sampled.code, sampled.stderr).toBe(0);
    expect(statSync(x).size).toBeGreaterThan(32e6);
    const rows = 16384 * 12;
    const y = join(tmp, 'Y.csv');
    const lines = ['y1,y2'];
    let row = 0;
    forEachCsvRecord(x, (cells, r) => {
      if (r === 0) return;
      const v = cells.map(Number);
      lines.push(`${v[0] + 2 * v[1] * v[2]},${Math.sin(v[3]) + v[9]}`);
      row++;
    });
    expect(row).toBe(rows);
    writeFileSync(y, lines.join('\n') + '\n');
    const out = join(tmp, 'analysis');
    const analysed = smallHeap(['analyze', '--problem', problem, '--method', 'sobol', '--no-second-order', '--x', x, '--y', y, '--out', out, '--resamples', '10', '--no-report', '--quiet']);
    expect(analysed.signal, analysed.stderr).toBe(null);
    expect(analysed.code, analysed.stderr).toBe(0);
    expect(readFileSync(join(out, 'sensitivity.csv'), 'utf8')).toMatch(/^y1,x0,S1,0\.\d+/mu);
  });
});
