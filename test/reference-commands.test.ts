/**
 * Every command on the reference models, through the command line (`node dist/runners/cli.js`):
 * a run of each, the shipped sweeps with effects over a baseline (validate, sweep, effects.csv),
 * a Sobol analysis of Granovetter's threshold mean and sd (sweep, then analyze), calibrations
 * that recover a parameter the targets were made with (Epstein's legitimacy, Granovetter's mean),
 * `reproduce` of a run, a sweep and a calibration, and `report` on every result: the pages render, the findings are model-neutral (no money), and
 * every chart is about the model's own series and metrics with the units its files record.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelDefinition } from '../engine/model.js';
import { model as epstein } from '../agents/epstein/index.js';
import { model as granovetter } from '../agents/granovetter/index.js';
import { planReport } from '../reports/index.js';
import { modelProblems } from '../runners/model/check.js';
import { loadResult } from '../reports/load.js';
import type { ChartSpec } from '../reports/spec.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'runners', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'defsim-reference-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the CLI from the repository root (the shipped files name their targets from there); exit 0 expected. */
function cli(args: string[]): string {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8' });
  expect(result.status, `${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

/** A shipped experiment with some keys replaced, written as JSON for the CLI. */
function shipped(name: string, changes: Record<string, unknown>): string {
  const experiment = parseYaml(readFileSync(join(root, 'experiments', `${name}.yaml`), 'utf8')) as Record<string, unknown>;
  const file = join(tmp, `${name}-${Object.keys(changes).join('-')}.json`);
  writeFileSync(file, JSON.stringify({ ...experiment, ...changes }));
  return file;
}

type Row = Record<string, string>;
/** The cells of one CSV line (RFC 4180 quotes, as defsim writes them). */
function cellsOf(line: string): string[] {
  return [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"'));
}
function csvRows(path: string): Row[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n').map(cellsOf);
  return lines.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
}

function index(dir: string, metric: string, parameter: string, which: 'S1' | 'ST'): { value: number; low: number; high: number } {
  const row = csvRows(join(dir, 'sensitivity.csv')).find((r) => r.metric === metric && r.parameter === parameter && r.index === which)!;
  return { value: Number(row.value), low: Number(row.ci95_low), high: Number(row.ci95_high) };
}

/** The declared units of a model: series, metrics, and the tick the runner adds. */
function declaredUnits(model: ModelDefinition): Set<string> {
  return new Set(['tick', ...model.series.map((s) => s.unit), ...model.metrics.map((m) => m.unit)]);
}

/** The value axes of the charts that draw the model's own series or metrics (the kinds other than the estimators' own). */
function modelAxes(charts: readonly ChartSpec[]): string[] {
  const modelKinds = new Set(['run_series', 'points_compare', 'response_curve', 'scenario_bars', 'forest', 'calibration_predictive_series']);
  return charts.filter((c) => modelKinds.has(c.kind)).flatMap((c) => {
    const chart = c.chart;
    if (chart.type === 'line') return chart.panels.map((p) => p.axis.title);
    if (chart.type === 'bar') return [chart.y.title];
    if (chart.type === 'forest') return chart.columns.map((col) => col.title.replace(/\n/g, ' '));
    return [];
  });
}

/**
 * `defsim report DIR` renders the pages; nothing on them speaks of the defection model (months
 * from February 2021, money, groups) or lacks a unit; every axis of the model's own series and
 * metrics names a unit the model declares. Returns the plan for more checks.
 */
async function reportIsAboutTheModel(dir: string, model: ModelDefinition): Promise<ReturnType<typeof planReport>> {
  const out = cli(['report', dir, '--width', '800', '--height', '450']);
  expect(out).toContain(join(dir, 'report', 'report.html'));
  const html = readFileSync(join(dir, 'report', 'report.html'), 'utf8');
  expect(html).not.toMatch(/February 2021|Feb 2021|US\$|US dollars|\barmy\b|\bpolice\b|tycoon|defection|unit not recorded|no-policy/i);
  expect(html).toContain(`Model ${model.name} ${model.version}`);
  const contents = JSON.parse(readFileSync(join(dir, 'report', 'report.json'), 'utf8'));
  for (const chart of contents.charts) expect(existsSync(join(dir, 'report', chart.file)), chart.file).toBe(true);
  const plan = planReport(await loadResult(dir));
  const units = declaredUnits(model);
  for (const title of modelAxes(plan.charts)) {
    const unit = /\(([^()]*(?:\([^()]*\))?[^()]*)\)$/.exec(title)?.[1];
    expect(units.has(unit ?? ''), `axis '${title}' names a unit of ${model.name}`).toBe(true);
  }
  return plan;
}

describe('a run of each reference model', () => {
  it.each([
    { model: granovetter, args: ['--scenario', 'normal-25-sd-15'], columns: 'tick,rioters,rioters_share,new_rioters' },
    { model: epstein, args: ['--scenario', 'model-1', '--ticks', '300', '--set', 'world.width=30', '--set', 'world.height=30'], columns: 'tick,active,jailed,quiescent,legitimacy' },
  ])('$model.name: series.csv starts with tick, the manifest has every unit, the report is about the model', async ({ model, args, columns }) => {
    const dir = join(tmp, `${model.name}-run`);
    cli(['run', '--model', model.name, ...args, '--out', dir, '--quiet']);
    const series = readFileSync(join(dir, 'series.csv'), 'utf8').split('\n');
    expect(series[0]).toBe(columns);
    expect(series[1].split(',')[0]).toBe('0');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.units).toEqual(Object.fromEntries([['tick', 'tick'], ...[...model.series, ...model.metrics].map((o) => [o.name, o.unit])]));
    const plan = await reportIsAboutTheModel(dir, model);
    expect(plan.charts.every((c) => c.kind === 'run_series')).toBe(true);
    expect(cli(['reproduce', dir])).toContain('identical');
  }, 60_000);

  it("a model's own tick column must be its first series; without one the runner adds it", () => {
    const series = [{ name: 'rioters', unit: 'people' }, { name: 'tick', unit: 'tick' }];
    expect(modelProblems({ ...granovetter, series })).toContain("'series' names 'tick' but not first (the tick column comes first; leave it out and defsim adds it)");
    expect(modelProblems(granovetter)).toEqual([]);
  });
});

describe('sweeps with effects over a baseline (the shipped experiments, fewer replicates)', () => {
  it('epstein-legitimacy: validate, sweep; effects.csv gives the sudden fall a mass outburst over the baseline and the gradual one none, with no money', async () => {
    expect(cli(['validate', join('experiments', 'epstein-legitimacy.yaml')])).toContain('effects over scenario = legitimacy-high (paired replicates)');
    const dir = join(tmp, 'epstein-legitimacy');
    cli(['sweep', shipped('epstein-legitimacy', { replicates: 4 }), '--out', dir, '--quiet']);
    const effects = csvRows(join(dir, 'effects.csv'));
    const peak = (scenario: string) => effects.find((r) => r.scenario === scenario && r.metric === 'peak_active')!;
    expect(Number(peak('legitimacy-sudden').effect_ci95_low)).toBeGreaterThan(300);
    expect(Number(peak('legitimacy-gradual').effect_ci95_high)).toBeLessThan(50);
    expect(Number(peak('legitimacy-high').effect)).toBe(0);
    // The model records no spend: no ratio is a number, and each says why.
    for (const row of effects) {
      expect(row.effect_per_million_usd).toBe('');
      expect(row.effect_per_million_usd_undefined_reason).toBe('no spend metric');
    }
    const plan = await reportIsAboutTheModel(dir, epstein);
    expect(plan.findings?.money).toBe(false);
    expect(plan.findings?.tables[0].columns).toEqual([
      'point', 'Peak active citizens (citizens): effect', 'baseline → point', 'Mean active citizens (citizens): effect', 'baseline → point', 'Arrests (citizens (arrests)): effect', 'baseline → point',
    ]);
    const forest = plan.charts.find((c) => c.file === 'findings-forest-effects.png')!;
    expect(forest.chart.type === 'forest' && forest.chart.rows).toEqual(['legitimacy-sudden', 'legitimacy-gradual']);
  }, 60_000);

  it('run --baseline on a model without spend prints the effects alone, no money columns', () => {
    const out = cli(['run', '--model', 'epstein', '--scenario', 'legitimacy-sudden', '--baseline', 'legitimacy-high', '--replicates', '2', '--out', join(tmp, 'epstein-run-baseline')]);
    expect(out).toMatch(/outcome +legitimacy-high +legitimacy-sudden +effect \[95% interval\]\n/);
    expect(out).not.toMatch(/\$1M|cost per/);
  }, 60_000);

  it('granovetter-sd: validate, sweep; the effect of the sd over sd = 0.10 jumps past the critical value in the large crowd; the findings chart it against the sd, a panel per crowd', async () => {
    expect(cli(['validate', join('experiments', 'granovetter-sd.yaml')])).toContain('effects over thresholds.normal.sdShare = 0.1 (paired replicates)');
    const dir = join(tmp, 'granovetter-sd');
    cli(['sweep', shipped('granovetter-sd', { replicates: 10 }), '--out', dir, '--quiet']);
    const effects = csvRows(join(dir, 'effects.csv')).filter((r) => r.metric === 'equilibrium_rioters' && r['population.people'] === '10000');
    const at = (sd: number) => effects.find((r) => Math.abs(Number(r['thresholds.normal.sdShare']) - sd) < 1e-9)!;
    expect(Number(at(0.1).effect)).toBe(0);
    expect(Number(at(0.08).effect)).toBeLessThan(0); // fewer instigators, no cascade either way
    expect(Number(at(0.115).effect_ci95_high)).toBeLessThan(1000); // below the critical sd (0.122): still a handful
    expect(Number(at(0.13).effect_ci95_low)).toBeGreaterThan(9000); // above it: nearly everyone
    const plan = await reportIsAboutTheModel(dir, granovetter);
    const curve = plan.charts.find((c) => c.file === 'findings-effect-equilibrium-rioters-by-thresholds-normal-sdshare.png')!;
    expect(curve.chart.type).toBe('line');
    if (curve.chart.type !== 'line') return;
    expect(curve.chart.series.map((s) => s.label)).toEqual(['population.people = 100', 'population.people = 10,000']);
    expect(curve.chart.panels).toHaveLength(2); // a crowd of 100 beside one of 10,000: a panel each
    expect(curve.chart.panels[0].axis.title).toBe('Rioters at equilibrium, effect (people)');
    expect(cli(['reproduce', dir])).not.toContain('different');
  }, 60_000);

  it('a model with a spend metric (the tutorial\'s cascade) gets the findings per US$1M and the cost per additional one, in its own words', async () => {
    const dir = join(tmp, 'cascade-offer');
    cli(['sweep', join('docs', 'tutorial', 'cascade-experiment.yaml'), '--out', dir, '--quiet']);
    const plan = planReport(await loadResult(dir));
    expect(plan.findings?.money).toBe(true);
    expect(plan.findings?.tables.map((t) => t.columns)).toEqual([
      ['point', 'defections (people)', 'spend over baseline (US dollars)'],
      ['point', 'defections per US$1M (people per US$1M)'],
      ['point', 'defections (US dollars per additional one)'],
    ]);
    expect(plan.charts[0].file).toBe('findings-forest-per-million-usd.png');
  }, 60_000);
});

describe("a Sobol analysis of Granovetter's threshold mean and sd (sweep, analyze, report)", () => {
  // The riot jumps where the sd crosses its critical value, which moves with the mean: 0.0914 at
  // mean 0.20, 0.1222 at 0.25, 0.1567 at 0.30 (r = N·F(r), large crowd), about 0.65 of sd per unit
  // of mean. Which parameter matters more depends on the box: the one whose range moves the crowd
  // across the critical line further.
  const box = (name: string, mean: [number, number], sd: [number, number], ticks = 1000) =>
    shipped('granovetter-sobol', {
      name, ticks,
      design: { type: 'sobol', samples: 128, secondOrder: false, parameters: { 'thresholds.normal.meanShare': { from: mean[0], to: mean[1] }, 'thresholds.normal.sdShare': { from: sd[0], to: sd[1] } } },
    });

  it('around the critical point (the shipped box), the sd dominates: its range (0.08) exceeds what the mean range moves the critical sd (0.65 × 0.06)', async () => {
    const dir = join(tmp, 'granovetter-sobol');
    cli(['sweep', box('granovetter-sobol', [0.22, 0.28], [0.08, 0.16]), '--out', dir, '--quiet']);
    cli(['analyze', dir, '--quiet']);
    const sd = index(dir, 'equilibrium_rioters', 'thresholds.normal.sdShare', 'ST');
    const mean = index(dir, 'equilibrium_rioters', 'thresholds.normal.meanShare', 'ST');
    expect(sd.low).toBeGreaterThan(mean.high);
    expect(sd.value).toBeGreaterThan(0.8);
    // A horizon as long as the crowd ends every cascade: equilibrium_rioters is defined at every row.
    const skipped = JSON.parse(readFileSync(join(dir, 'sensitivity-manifest.json'), 'utf8')).skipped.map((s: { name: string }) => s.name);
    expect(skipped).toEqual(['reached_equilibrium']); // 1 at every row: nothing to apportion
    const plan = await reportIsAboutTheModel(dir, granovetter);
    expect(plan.lead?.title).toBe('What the answer depends on');
    expect(plan.charts.map((c) => c.file)).toContain('sensitivity-equilibrium-rioters.png');
  }, 60_000);

  it('widen the mean range (0.20 to 0.30 moves the critical sd by 0.065) and narrow the sd range (0.025): the mean dominates', () => {
    const dir = join(tmp, 'granovetter-sobol-wide-mean');
    cli(['sweep', box('granovetter-sobol-wide-mean', [0.2, 0.3], [0.11, 0.135]), '--out', dir, '--quiet']);
    cli(['analyze', dir, '--quiet']);
    const sd = index(dir, 'equilibrium_rioters', 'thresholds.normal.sdShare', 'ST');
    const mean = index(dir, 'equilibrium_rioters', 'thresholds.normal.meanShare', 'ST');
    expect(mean.low).toBeGreaterThan(sd.high);
  }, 60_000);

  it('a horizon shorter than the cascades leaves equilibrium_rioters undefined: analyze skips it, saying why, and analyses final_rioters', () => {
    const dir = join(tmp, 'granovetter-sobol-short');
    cli(['sweep', box('granovetter-sobol-short', [0.22, 0.28], [0.08, 0.16], 5), '--out', dir, '--quiet']);
    cli(['analyze', dir, '--quiet']);
    const skipped = JSON.parse(readFileSync(join(dir, 'sensitivity-manifest.json'), 'utf8')).skipped as { name: string; reason: string }[];
    expect(skipped.find((s) => s.name === 'equilibrium_rioters')?.reason).toMatch(/^undefined at \d+ of 512 design rows/);
    expect(index(dir, 'final_rioters', 'thresholds.normal.sdShare', 'ST').value).toBeGreaterThan(0.3);
  }, 60_000);
});

describe('a Sobol analysis of Epstein (small) and its report', () => {
  it('legitimacy, cop density and vision over mean and peak actives', async () => {
    const dir = join(tmp, 'epstein-sobol');
    const design = parseYaml(readFileSync(join(root, 'experiments', 'epstein-sobol.yaml'), 'utf8')).design;
    cli(['sweep', shipped('epstein-sobol', { ticks: 60, replicates: 1, design: { ...design, samples: 16 } }), '--out', dir, '--quiet']);
    cli(['analyze', dir, '--quiet']);
    expect(index(dir, 'mean_active', 'legitimacy.initial', 'ST').value).toBeGreaterThan(0);
    await reportIsAboutTheModel(dir, epstein);
  }, 60_000);
});

describe('calibrations recover the parameter their targets were made with (the shipped files)', () => {
  it("Epstein's legitimacy from a mean share of actives (28.1% over 100 ticks, made at L = 0.70): the median within 0.04 and 0.70 inside the 90% interval", async () => {
    const dir = join(tmp, 'epstein-calibration');
    cli(['calibrate', join('experiments', 'epstein-calibration.yaml'), '--out', dir, '--quiet']);
    const [row] = csvRows(join(dir, 'identifiability.csv'));
    expect(row.parameter).toBe('legitimacy.initial');
    expect(Math.abs(Number(row.median) - 0.7)).toBeLessThan(0.04);
    expect(Number(row.q05)).toBeLessThan(0.7);
    expect(Number(row.q95)).toBeGreaterThan(0.7);
    expect(row.identified).toBe('true');
    const plan = await reportIsAboutTheModel(dir, epstein);
    const bands = plan.charts.find((c) => c.kind === 'calibration_predictive_series')!;
    expect(bands.chart.type === 'line' && bands.chart.x).toMatchObject({ title: 'Tick', format: 'number' });
  }, 60_000);

  it("Granovetter's mean threshold from the rioters after two rounds (184 of 1,000, made at mean 0.30): the median within 0.02", async () => {
    const dir = join(tmp, 'granovetter-calibration');
    cli(['calibrate', join('experiments', 'granovetter-calibration.yaml'), '--out', dir, '--quiet']);
    const [row] = csvRows(join(dir, 'identifiability.csv'));
    expect(Math.abs(Number(row.median) - 0.3)).toBeLessThan(0.02);
    expect(Number(row.q05)).toBeLessThan(0.3);
    expect(Number(row.q95)).toBeGreaterThan(0.3);
    await reportIsAboutTheModel(dir, granovetter);
    expect(cli(['reproduce', dir])).not.toContain('different');
  }, 60_000);
});
