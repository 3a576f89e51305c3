/**
 * Batch rendering through the worker pool. The pool runs the compiled dist/reports/render-worker.js, so these tests
 * need a build first (`npm test` runs scripts/setup.sh, which compiles; or `npx tsc -p tsconfig.json`).
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yargs from 'yargs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exitCodeFor, reportCommand } from '../reports/command.js';
import { renderReport, renderReports, type BatchResult, type ReportProgress } from '../reports/index.js';
import { cleanupTempDirs, makeRunDir, makeSweepDir, ONE_PARAMETER, overwrite, pngHeader, SCENARIOS, tempDir } from './reports-helpers.js';

afterAll(cleanupTempDirs);

describe('renderReports (worker pool)', () => {
  let parent: string;
  let dirs: { run: string; sweep: string; broken: string; notResult: string };
  let out: string;
  let result: BatchResult;
  const progress: ReportProgress[] = [];

  beforeAll(async () => {
    parent = await tempDir();
    dirs = {
      run: await makeRunDir(parent, 'run-7'),
      sweep: await makeSweepDir(parent, 'payout-sweep', ONE_PARAMETER),
      broken: await makeRunDir(parent, 'broken-run'),
      notResult: join(parent, 'not-a-result'),
    };
    await overwrite(dirs.broken, 'summary.json', '{ this is not json');
    await writeFile(join(parent, 'not-a-result'), 'just a file');
    out = join(await tempDir(), 'reports');
    result = await renderReports([dirs.run, dirs.broken, dirs.sweep, dirs.notResult], {
      out,
      workers: 2,
      width: 800,
      height: 450,
      onProgress: (p) => progress.push(p),
    });
  }, 120_000);

  it('renders the usable directories into OUT/<basename>/', async () => {
    expect(result.ok.map((r) => r.outDir)).toEqual([join(out, 'run-7'), join(out, 'payout-sweep')]);
    expect((await readdir(out)).sort()).toEqual(['payout-sweep', 'run-7']);
    for (const report of result.ok) {
      for (const chart of report.charts) expect(pngHeader(await readFile(join(report.outDir, chart.file)))).toMatchObject({ width: 800, height: 450 });
    }
  });

  it('reports each broken directory with an error naming the file, and exits 1', () => {
    expect(result.failed).toEqual([
      { dir: dirs.broken, error: expect.stringMatching(/broken-run[/\\]summary\.json: invalid JSON/) },
      { dir: dirs.notResult, error: expect.stringMatching(/not-a-result: not a directory/) },
    ]);
    expect(exitCodeFor(result)).toBe(1);
  });

  it('calls onProgress once per directory', () => {
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4]);
    expect(progress.every((p) => p.total === 4)).toBe(true);
    expect(progress.filter((p) => !p.ok)).toHaveLength(2);
  });

  it('worker threads draw the same bytes as the main thread', async () => {
    const inline = await renderReport(dirs.run, { out: join(await tempDir(), 'inline'), width: 800, height: 450 });
    const pooled = result.ok[0];
    for (const chart of inline.charts) {
      const [a, b] = await Promise.all([readFile(join(inline.outDir, chart.file)), readFile(join(pooled.outDir, chart.file))]);
      expect(a.equals(b), chart.file).toBe(true);
    }
  }, 60_000);

  it('leaves no temporary folders behind, even for failed reports', async () => {
    expect((await readdir(out)).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('exit code 2 when no directory is usable', async () => {
    const none = await renderReports([dirs.broken, dirs.notResult], { out: join(await tempDir(), 'none'), workers: 1 });
    expect(none.ok).toEqual([]);
    expect(exitCodeFor(none)).toBe(2);
  }, 60_000);

  it('gives same-named directories distinct output folders', async () => {
    const a = await makeSweepDir(await tempDir(), 'sweep', SCENARIOS);
    const b = await makeSweepDir(await tempDir(), 'sweep', SCENARIOS);
    const target = join(await tempDir(), 'many');
    const both = await renderReports([a, b], { out: target, workers: 2, width: 400, height: 300 });
    expect(both.ok.map((r) => r.outDir)).toEqual([join(target, 'sweep'), join(target, 'sweep-2')]);
  }, 60_000);
});

describe('defsim report command', () => {
  it('prints where each report is and sets process.exitCode to 1 when one directory fails', async () => {
    const parent = await tempDir();
    const good = await makeRunDir(parent, 'good');
    const bad = await makeRunDir(parent, 'bad');
    await rm(join(bad, 'series.csv'));
    const out = join(await tempDir(), 'cli');
    const stdout: string[] = [];
    const stderr: string[] = [];
    const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true));
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    const previousExitCode = process.exitCode;
    try {
      await yargs(['report', good, bad, '--out', out, '--workers', '1', '--width', '400', '--height', '300', '--quiet'])
        .command(reportCommand)
        .strict()
        .parseAsync();
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = previousExitCode;
      outSpy.mockRestore();
      errSpy.mockRestore();
    }
    expect(stdout).toEqual([`${join(out, 'good', 'report.html')}\n`]);
    expect(stderr.join('')).toMatch(/failed: .*bad[/\\]series\.csv: file is missing/);
  }, 60_000);
});
