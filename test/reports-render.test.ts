import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport, type ReportResult } from '../reports/index.js';
import { cleanupTempDirs, makeRunDir, makeSweepDir, pixelStats, pngHeader, SCENARIOS, tempDir, TWO_PARAMETERS } from './reports-helpers.js';

afterAll(cleanupTempDirs);

async function pngsIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.png')).sort();
}

describe('renderReport on a run', () => {
  let runDir: string;
  let report: ReportResult;

  beforeAll(async () => {
    runDir = await makeRunDir(await tempDir());
    report = await renderReport(runDir);
  }, 60_000);

  it('writes DIR/report with report.html, report.md, report.json and one PNG per chart', async () => {
    expect(report.outDir).toBe(join(runDir, 'report'));
    expect(report.html).toBe(join(runDir, 'report', 'report.html'));
    const files = await readdir(report.outDir);
    expect(files).toEqual(expect.arrayContaining(['report.html', 'report.md', 'report.json']));
    expect(await pngsIn(report.outDir)).toEqual(report.charts.map((c) => c.file).sort());
    expect(report.charts).toHaveLength(6);
    expect((await readdir(runDir)).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('PNGs are valid, 1600×900 by default, on a white background, and not blank', async () => {
    for (const file of await pngsIn(report.outDir)) {
      const bytes = await readFile(join(report.outDir, file));
      expect(pngHeader(bytes)).toMatchObject({ width: 1600, height: 900 });
      const stats = await pixelStats(bytes);
      expect(stats.greyVariance, file).toBeGreaterThan(100);
      expect(stats.transparentShare, file).toBe(0);
      expect(stats.corner, file).toEqual([255, 255, 255, 255]);
    }
  });

  it('report.html references every PNG and report.json lists every chart with its source', async () => {
    const html = await readFile(report.html, 'utf8');
    const json = JSON.parse(await readFile(join(report.outDir, 'report.json'), 'utf8'));
    const markdown = await readFile(join(report.outDir, 'report.md'), 'utf8');
    for (const file of await pngsIn(report.outDir)) {
      expect(html).toContain(`<img src="${file}"`);
      expect(markdown).toContain(`](${file})`);
    }
    expect(json.charts.map((c: { file: string }) => c.file).sort()).toEqual(await pngsIn(report.outDir));
    for (const chart of json.charts) {
      expect(chart).toMatchObject({ title: expect.any(String), caption: expect.any(String), kind: expect.any(String) });
      expect(['series.csv', 'summary.json']).toContain(chart.source.file);
      expect(chart.source.columns.length).toBeGreaterThan(0);
    }
    expect(html).toContain('Calibration targets');
    expect(html).not.toMatch(/src="(https?:|\/)/);
  });

  it('identical inputs give identical bytes (PNGs and pages)', async () => {
    const again = await renderReport(runDir, { out: join(await tempDir(), 'again') });
    for (const file of await readdir(report.outDir)) {
      const [first, second] = await Promise.all([readFile(join(report.outDir, file)), readFile(join(again.outDir, file))]);
      expect(first.equals(second), file).toBe(true);
    }
  }, 60_000);

  it('--width, --height and --scale set the pixel size (scale is the device pixel ratio)', async () => {
    const small = await renderReport(runDir, { out: join(await tempDir(), 'print'), width: 800, height: 500, scale: 2 });
    const bytes = await readFile(join(small.outDir, small.charts[0].file));
    expect(pngHeader(bytes)).toMatchObject({ width: 1600, height: 1000 });
    expect((await pixelStats(bytes)).greyVariance).toBeGreaterThan(100);
  }, 60_000);

  it('replaces an earlier report in place but refuses a folder holding other files', async () => {
    const rerun = await renderReport(runDir);
    expect(rerun.outDir).toBe(report.outDir);
    const userDir = join(await tempDir(), 'mine');
    await mkdir(userDir);
    await writeFile(join(userDir, 'notes.txt'), 'keep me');
    await expect(renderReport(runDir, { out: userDir })).rejects.toThrow(/not a defsim report.*not overwriting/);
    expect(await readFile(join(userDir, 'notes.txt'), 'utf8')).toBe('keep me');
    await writeFile(join(report.outDir, 'extra.txt'), 'mine too');
    await expect(renderReport(runDir)).rejects.toThrow(/extra\.txt/);
    expect(await readFile(join(report.outDir, 'extra.txt'), 'utf8')).toBe('mine too');
  }, 60_000);

  it('rejects bad sizes with the option name', async () => {
    await expect(renderReport(runDir, { width: 10 })).rejects.toThrow(/--width/);
    await expect(renderReport(runDir, { scale: 0 })).rejects.toThrow(/--scale/);
  });
});

describe('renderReport on sweeps', () => {
  it('renders every chart of a two-parameter sweep, heatmaps included, as valid non-blank PNGs', async () => {
    const dir = await makeSweepDir(await tempDir(), 'grid', TWO_PARAMETERS);
    const report = await renderReport(dir, { width: 800, height: 450 });
    expect(report.charts.some((c) => c.kind === 'heatmap')).toBe(true);
    const html = await readFile(report.html, 'utf8');
    for (const chart of report.charts) {
      const bytes = await readFile(join(report.outDir, chart.file));
      expect(pngHeader(bytes)).toMatchObject({ width: 800, height: 450 });
      expect((await pixelStats(bytes)).greyVariance, chart.file).toBeGreaterThan(100);
      expect(html).toContain(`<img src="${chart.file}"`);
    }
    expect(html).toContain('Design points');
  }, 120_000);

  it('renders scenario bars for a scenario sweep', async () => {
    const dir = await makeSweepDir(await tempDir(), 'scenarios', SCENARIOS);
    const report = await renderReport(dir, { width: 800, height: 450 });
    const bars = report.charts.filter((c) => c.kind === 'scenario_bars');
    expect(bars.length).toBeGreaterThanOrEqual(2);
    for (const chart of bars) expect((await pixelStats(await readFile(join(report.outDir, chart.file)))).greyVariance).toBeGreaterThan(100);
  }, 120_000);
});
