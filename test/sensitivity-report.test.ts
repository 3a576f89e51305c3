/**
 * The sensitivity report (reports/), from analysis files written by hand as docs/FORMATS.md
 * describes them: the page opens with "What the answer depends on" listing exactly the parameters
 * whose ST is above the threshold for a policy effect; each chart kind is planned; PNGs render.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadResult } from '../reports/load.js';
import { planReport, renderReport } from '../reports/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'defsim-sensitivity-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const OUT = 'defected_army.effect_per_million_usd|scenario=defection-offer';
const MEAN = 'defected_army|scenario=defection-offer';
const ST = { 'decision.peerWeight': 0.62, 'decision.riskWeight': 0.04, safety: 0.21 };

function analysisDirectory(threshold: number): string {
  const dir = mkdtempSync(join(tmp, 'analysis-'));
  const factors = Object.keys(ST);
  const rows = ['metric,parameter,index,value,ci95_low,ci95_high'];
  const convergence = ['metric,parameter,index,samples,value,ci95_low,ci95_high,flag'];
  for (const name of [OUT, MEAN]) {
    for (const [f, st] of Object.entries(ST)) rows.push(`"${name}",${f},S1,${st / 2},${st / 2 - 0.05},${st / 2 + 0.05}`);
    for (const [f, st] of Object.entries(ST)) rows.push(`"${name}",${f},ST,${st},${st - 0.05},${st + 0.05}`);
    for (const n of [32, 64, 128, 256]) for (const [f, st] of Object.entries(ST)) convergence.push(`"${name}",${f},ST,${n},${st},${st - 0.05},${st + 0.05},${n === 256 && f === 'safety' ? 'moving' : ''}`);
  }
  writeFileSync(join(dir, 'sensitivity.csv'), rows.join('\n') + '\n');
  writeFileSync(join(dir, 'convergence.csv'), convergence.join('\n') + '\n');
  writeFileSync(join(dir, 'seed-noise.csv'), `metric,rows,replicates,output_variance,seed_noise_variance,seed_noise_share\n"${OUT}",100,2,4,0.2,0.05\n"${MEAN}",100,2,4,2,0.5\n`);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({
    kind: 'sensitivity', method: 'sobol', factors, settings: { threshold, maxWidth: 0.1 },
    source: { experiment: 'hand-made', replicates: 2 },
    outputs: [
      { name: OUT, metric: 'defected_army', statistic: 'effect_per_million_usd', cross: { scenario: 'defection-offer' }, baseline: { scenario: 'sanctions-only' } },
      { name: MEAN, metric: 'defected_army', statistic: 'mean', cross: { scenario: 'defection-offer' } },
    ],
    skipped: [{ name: 'sanctioned|scenario=defection-offer', reason: 'the same value (0) at every design row: nothing to apportion' }],
  }));
  return dir;
}

describe('sensitivity report', () => {
  it('opens with what the answer depends on: the parameters above the threshold for the policy effects', async () => {
    const result = await loadResult(analysisDirectory(0.1));
    expect(result.kind).toBe('sensitivity');
    const plan = planReport(result);
    expect(plan.lead?.title).toBe('What the answer depends on');
    expect(plan.lead?.paragraphs[0]).toContain('2 of 3 parameters');
    expect(plan.lead?.paragraphs[0]).toContain('decision.peerWeight, safety');
    expect(plan.lead?.paragraphs[1]).toContain('barely matter here): decision.riskWeight');
    expect(plan.lead?.paragraphs.join(' ')).toContain('not converged');
    expect(plan.lead?.tables[0].rows.map((r) => r[0])).toEqual(['decision.peerWeight', 'safety', 'decision.riskWeight']);
    // The headline outputs are the policy effects per $1M: bars, heatmap and convergence of that one.
    expect(plan.charts.map((c) => c.kind)).toEqual(['sensitivity_bars', 'sensitivity_heatmap', 'convergence']);
    expect(plan.tables.map((t) => t.title)).toEqual(expect.arrayContaining([expect.stringMatching(/^Seed noise/), expect.stringMatching(/^Convergence: 2 indices flagged/), expect.stringMatching(/^Outputs not analysed \(1/)]));
    // A higher threshold leaves only the largest.
    const strict = planReport(await loadResult(analysisDirectory(0.5)));
    expect(strict.lead?.paragraphs[0]).toContain('1 of 3 parameters');
  });

  it('renders the PNGs and a page that starts with the section', async () => {
    const dir = analysisDirectory(0.1);
    const report = await renderReport(dir, { width: 800, height: 450 });
    expect(report.charts).toHaveLength(3);
    for (const chart of report.charts) {
      const png = readFileSync(join(report.outDir, chart.file));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.length).toBeGreaterThan(5000);
    }
    const html = readFileSync(report.html, 'utf8');
    expect(html.indexOf('What the answer depends on')).toBeGreaterThan(0);
    expect(html.indexOf('What the answer depends on')).toBeLessThan(html.indexOf('Key numbers'));
    expect(html).toContain('<title>defsim sensitivity analysis: hand-made</title>');
  });
});
