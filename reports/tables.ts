/** The key numbers of a result as small tables (shown in report.html and report.md, and listed in report.json). */
import { hasColumn, numericColumn } from './csv.js';
import { describePoint, displayName, formatForName, formatValue, GROUPS, monthLabel, type ValueFormat } from './format.js';
import type { RunResult, SweepResult } from './load.js';

export interface KeyTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Model 1.2's distinct people who left and regime strength; for earlier results, the cumulative defections. */
const SWEEP_KEY_METRICS_1_2 = ['left_ever_army', 'left_ever_police', 'left_ever_official_senior', 'left_ever_cdm', 'regime_strength_lost', 'spend_usd'];
const SWEEP_KEY_METRICS = ['defected_army', 'defected_police', 'defected_official_senior', 'defected_official', 'military_capacity_lost', 'economic_capacity_lost', 'spend_usd'];

export function runTables(run: RunResult): KeyTable[] {
  return [finalByGroup(run), finalTotals(run), summaryMetrics(run), calibrationTable(run)].filter((t) => t.rows.length > 0);
}

function lastOf(run: RunResult, column: string): number {
  if (!hasColumn(run.series, column)) return Number.NaN;
  const values = numericColumn(run.series, column);
  return values[values.length - 1];
}

function lastTick(run: RunResult): number {
  return lastOf(run, 'tick');
}

function finalByGroup(run: RunResult): KeyTable {
  const tick = lastTick(run);
  const people = (column: string): string => formatValue(lastOf(run, column), 'people');
  return {
    title: `Groups at the end of the run (tick ${tick}, ${monthLabel(tick)})`,
    columns: ['group', 'defected (people)', 'new in the last month (people)', 'caught (people)', 'still serving (people)'],
    rows: GROUPS.filter((g) => hasColumn(run.series, `defected_${g}`)).map((g) => [
      g,
      people(`defected_${g}`),
      people(`new_defections_${g}`),
      people(`captured_${g}`),
      people(`serving_${g}`),
    ]),
  };
}

function finalTotals(run: RunResult): KeyTable {
  const rows: [string, number, ValueFormat][] = [
    ['Defections, all groups (people)', lastOf(run, 'defected_all'), 'people'],
    ['Sponsor spending (US dollars)', lastOf(run, 'spend_usd'), 'usd'],
    ['Budget left (US dollars)', lastOf(run, 'budget_left_usd'), 'usd'],
    // Spend over every defection, paid or not: not the cost of an additional defection (that needs a baseline: defsim run --baseline).
    ['Spend per defection of any kind (US dollars per person: total spend / all defections, not the cost of an additional one)', run.summary.costPerDefectionUsd ?? lastOf(run, 'cost_per_defection_usd'), 'usd_per_person'],
    ['People sanctioned', lastOf(run, 'sanctioned'), 'people'],
    ["Soldiers' families under restriction (share)", lastOf(run, 'family_restricted_share'), 'share'],
    ['Military capacity (index, 1.0 = Feb 2021)', lastOf(run, 'military_capacity'), 'index'],
    ['Economic capacity (index, 1.0 = Feb 2021)', lastOf(run, 'economic_capacity'), 'index'],
  ];
  return {
    title: 'Money, sanctions and capacity at the end of the run',
    columns: ['quantity', 'value'],
    rows: rows.filter(([, value]) => Number.isFinite(value)).map(([label, value, format]) => [label, formatValue(value, format)]),
  };
}

function summaryMetrics(run: RunResult): KeyTable {
  return {
    title: 'Summary metrics (summary.json)',
    columns: ['metric', 'value', 'exact value'],
    rows: Object.entries(run.summary.metrics).map(([name, value]) => [name, formatValue(value, formatForName(name)), String(value)]),
  };
}

function calibrationTable(run: RunResult): KeyTable {
  return {
    title: 'Calibration targets (summary.json)',
    columns: ['target', 'series', 'month', 'observed', 'band (low – high)', 'ceiling', 'model', 'pass', 'source'],
    rows: run.summary.calibration.map((t) => {
      const people = (v: number | undefined): string => (v === undefined ? '' : formatValue(v, formatForName(t.series)));
      return [
      t.id,
      t.series,
      `${t.tick} (${monthLabel(t.tick)})`,
      people(t.observed),
      t.low !== undefined && t.high !== undefined ? `${people(t.low)} – ${people(t.high)}` : '',
      t.max !== undefined ? `≤ ${people(t.max)}` : t.min !== undefined ? `≥ ${people(t.min)}` : '',
      people(t.model),
      t.pass === undefined ? '' : t.pass ? 'yes' : 'NO',
      t.source ?? '',
      ];
    }),
  };
}

export function sweepTables(sweep: SweepResult): KeyTable[] {
  return [sweepOverview(sweep), designPointTable(sweep), failedRunsTable(sweep)].filter((t) => t.rows.length > 0);
}

function sweepOverview(sweep: SweepResult): KeyTable {
  return {
    title: 'Sweep',
    columns: ['item', 'value'],
    rows: [
      ...sweep.varied.map((p) => [`varied: ${p.path}`, p.values.join(', ')]),
      ['design points', String(sweep.points.length)],
      ['runs finished ok', String(sweep.runStatus.ok)],
      ['runs failed', String(sweep.runStatus.failed)],
      ['metrics', sweep.metrics.join(', ')],
    ],
  };
}

function designPointTable(sweep: SweepResult): KeyTable {
  const metrics = (sweep.metrics.includes('left_ever_army') ? SWEEP_KEY_METRICS_1_2 : SWEEP_KEY_METRICS).filter((m) => sweep.metrics.includes(m));
  return {
    title: 'Design points: mean over replicates [95% confidence interval]',
    columns: ['point', 'parameters', 'runs', ...metrics.map((m) => displayName(m))],
    rows: sweep.points.map((point) => {
      const stats = sweep.stats.get(point.id);
      const runs = stats?.get(metrics[0] ?? sweep.metrics[0])?.n;
      return [
        point.id,
        describePoint(point.params),
        runs === undefined || !Number.isFinite(runs) ? '' : String(runs),
        ...metrics.map((m) => {
          const stat = stats?.get(m);
          if (!stat || !Number.isFinite(stat.mean)) return '–';
          const format = formatForName(m);
          return `${formatValue(stat.mean, format)} [${formatValue(stat.ci95Low, format)}, ${formatValue(stat.ci95High, format)}]`;
        }),
      ];
    }),
  };
}

function failedRunsTable(sweep: SweepResult): KeyTable {
  const more = sweep.runStatus.failed - sweep.runStatus.failures.length;
  return {
    title: `Failed runs (runs.csv)${more > 0 ? `, first ${sweep.runStatus.failures.length} of ${sweep.runStatus.failed}` : ''}`,
    columns: ['run', 'point', 'error'],
    rows: sweep.runStatus.failures.map((f) => [f.runId, f.pointId, f.error]),
  };
}
