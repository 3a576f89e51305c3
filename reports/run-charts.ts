/** Chart specifications for a single run: defections, capacity, budget, sanctions, and the model against the observed record. */
import { hasColumn, numericColumn, type Table } from './csv.js';
import {
  axisTitle, displayName, formatForName, formatValue, GROUPS, groupOf, monthLabel, MONTH_AXIS_TITLE, slug, unitLabel,
  type Group, type ValueFormat,
} from './format.js';
import type { CalibrationTarget, RunResult } from './load.js';
import { GROUP_COLOURS, OTHER_COLOURS } from './palette.js';
import type { AxisSpec, ChartSpec, LineSeriesSpec, PointSpec, TargetSetSpec } from './spec.js';

/** Charts for a run, plus notes for charts left out because their columns are missing. */
export interface ChartPlan {
  readonly charts: ChartSpec[];
  readonly notes: string[];
}

export function runCharts(run: RunResult): ChartPlan {
  const plan: ChartPlan = { charts: [], notes: [] };
  const builders = [cumulativeDefections, monthlyNewDefections, capacity, budget, sanctions, calibration];
  for (const build of builders) {
    for (const outcome of [build(run)].flat()) {
      if (typeof outcome === 'string') plan.notes.push(outcome);
      else plan.charts.push(outcome);
    }
  }
  return plan;
}

/** A chart, or the reason it was left out. */
type Outcome = ChartSpec | string;

function ticksOf(series: Table): number[] {
  return numericColumn(series, 'tick');
}

function monthAxis(ticks: readonly number[]): AxisSpec {
  return { title: MONTH_AXIS_TITLE, format: 'month', min: ticks[0], max: ticks[ticks.length - 1] };
}

function pointsOf(ticks: readonly number[], values: readonly number[]): PointSpec[] {
  return ticks.map((x, i) => ({ x, y: Number.isFinite(values[i]) ? values[i] : null }));
}

function leftOut(title: string, missing: readonly string[]): string {
  return `${title}: left out, series.csv has no column ${missing.map((m) => `"${m}"`).join(', ')}`;
}

function lastValue(values: readonly number[]): number {
  return values[values.length - 1];
}

function endLabel(ticks: readonly number[]): string {
  return monthLabel(lastValue(ticks));
}

function groupsPresent(series: Table, prefix: string): Group[] {
  return GROUPS.filter((g) => hasColumn(series, `${prefix}${g}`));
}

function cumulativeDefections(run: RunResult): Outcome {
  const title = 'Cumulative defections by group';
  const groups = groupsPresent(run.series, 'defected_');
  if (groups.length === 0) return leftOut(title, GROUPS.map((g) => `defected_${g}`));
  const ticks = ticksOf(run.series);
  const series: LineSeriesSpec[] = groups.map((group) => {
    const values = numericColumn(run.series, `defected_${group}`);
    return { label: `${group} (${formatValue(lastValue(values), 'people')} by ${endLabel(ticks)})`, colour: GROUP_COLOURS[group], points: pointsOf(ticks, values) };
  });
  return {
    file: 'run-cumulative-defections.png',
    title,
    caption:
      'Cumulative successful defections from each reporting group, in people. The vertical axis is logarithmic so that ' +
      'officials (tens to hundreds of thousands) and tycoons (tens) are both readable; months before the first defection are not drawn.',
    kind: 'cumulative_defections',
    source: { file: 'series.csv', columns: ['tick', ...groups.map((g) => `defected_${g}`)] },
    chart: {
      type: 'line',
      x: monthAxis(ticks),
      panels: [{ axis: { title: axisTitle('Cumulative defections, log scale', 'people'), format: 'people', log: true, padded: true } }],
      series,
      note: `Run: scenario ${run.scenario}${run.seed === null ? '' : `, seed ${run.seed}`}`,
    },
  };
}

function monthlyNewDefections(run: RunResult): Outcome {
  const title = 'New defections per month, by group';
  const groups = groupsPresent(run.series, 'new_defections_');
  if (groups.length === 0) return leftOut(title, GROUPS.map((g) => `new_defections_${g}`));
  const ticks = ticksOf(run.series);
  return {
    file: 'run-monthly-new-defections.png',
    title,
    caption:
      'Successful defections during each month, one panel per group, each with its own linear axis in people per month ' +
      '(the groups differ by orders of magnitude, so a shared axis would flatten the small ones).',
    kind: 'monthly_new_defections',
    source: { file: 'series.csv', columns: ['tick', ...groups.map((g) => `new_defections_${g}`)] },
    chart: {
      type: 'line',
      x: monthAxis(ticks),
      panels: groups.map((group) => ({ axis: { title: `${group}\n(people/month)`, format: 'people_per_month', min: 0 } })),
      series: groups.map((group, panel) => ({
        label: group,
        colour: GROUP_COLOURS[group],
        panel,
        points: pointsOf(ticks, numericColumn(run.series, `new_defections_${group}`)),
      })),
    },
  };
}

function capacity(run: RunResult): Outcome {
  const columns = ['regime_strength', 'military_capacity', 'economic_capacity'];
  const present = columns.filter((c) => hasColumn(run.series, c));
  const withStrength = present.includes('regime_strength');
  const title = withStrength ? 'Regime strength, military and economic capacity' : 'Military and economic capacity of the regime';
  if (present.length === 0) return leftOut(title, columns);
  const ticks = ticksOf(run.series);
  const colours: Record<string, string> = { regime_strength: OTHER_COLOURS.skyBlue, military_capacity: OTHER_COLOURS.black, economic_capacity: OTHER_COLOURS.reddishPurple };
  return {
    file: 'run-capacity.png',
    title,
    caption:
      'Military capacity (serving soldiers weighted by rank) and economic capacity (serving economic officials by tier and ' +
      'tycoons by their business), each an index equal to 1.0 in February 2021' +
      (withStrength ? '; regime strength is military capacity times military spending (the share of soldiers\' pay and supply the revenue still funds: the fiscal link)' : '') +
      '. The axis is zoomed to the range of the data.',
    kind: 'capacity',
    source: { file: 'series.csv', columns: ['tick', ...present] },
    chart: {
      type: 'line',
      x: monthAxis(ticks),
      panels: [{ axis: { title: axisTitle('Capacity', 'index'), format: 'index' } }],
      series: present.map((column) => {
        const values = numericColumn(run.series, column);
        return { label: `${displayName(column)} (${formatValue(lastValue(values), 'index')} by ${endLabel(ticks)})`, colour: colours[column], points: pointsOf(ticks, values) };
      }),
    },
  };
}

function budget(run: RunResult): Outcome {
  const title = "Sponsors' budget: spent and left";
  const columns = ['spend_usd', 'budget_left_usd'];
  const present = columns.filter((c) => hasColumn(run.series, c));
  if (present.length === 0) return leftOut(title, columns);
  const ticks = ticksOf(run.series);
  const style: Record<string, { label: string; colour: string; dashed: boolean }> = {
    spend_usd: { label: 'spent (cumulative payouts)', colour: OTHER_COLOURS.black, dashed: false },
    budget_left_usd: { label: 'budget left', colour: OTHER_COLOURS.skyBlue, dashed: true },
  };
  return {
    file: 'run-budget.png',
    title,
    caption: 'Cumulative payouts made by sponsors and the budget they have left, in US dollars.',
    kind: 'budget',
    source: { file: 'series.csv', columns: ['tick', ...present] },
    chart: {
      type: 'line',
      x: monthAxis(ticks),
      panels: [{ axis: { title: axisTitle('Money', 'usd'), format: 'usd', min: 0 } }],
      series: present.map((column) => {
        const values = numericColumn(run.series, column);
        const s = style[column];
        return { label: `${s.label} (${formatValue(lastValue(values), 'usd')} by ${endLabel(ticks)})`, colour: s.colour, dashed: s.dashed, points: pointsOf(ticks, values) };
      }),
    },
  };
}

function sanctions(run: RunResult): Outcome {
  const title = 'Sanctions and family restrictions';
  const peopleColumns = ['sanctioned', 'sanctioned_serving', 'sanctioned_defected'].filter((c) => hasColumn(run.series, c));
  const hasFamily = hasColumn(run.series, 'family_restricted_share');
  if (peopleColumns.length === 0 && !hasFamily) return leftOut(title, ['sanctioned', 'family_restricted_share']);
  const ticks = ticksOf(run.series);
  const peopleStyle: Record<string, { label: string; colour: string; dashed: boolean }> = {
    sanctioned: { label: 'sanctioned (designated so far)', colour: OTHER_COLOURS.black, dashed: false },
    sanctioned_serving: { label: 'sanctioned, still serving', colour: OTHER_COLOURS.grey, dashed: true },
    sanctioned_defected: { label: 'sanctioned, defected', colour: OTHER_COLOURS.reddishPurple, dashed: true },
  };
  const series: LineSeriesSpec[] = peopleColumns.map((column) => ({ ...peopleStyle[column], points: pointsOf(ticks, numericColumn(run.series, column)) }));
  const onlyFamily = peopleColumns.length === 0;
  if (hasFamily) {
    series.push({
      label: "families under restriction (share of serving soldiers' families, right axis)",
      colour: OTHER_COLOURS.skyBlue,
      rightAxis: !onlyFamily,
      points: pointsOf(ticks, numericColumn(run.series, 'family_restricted_share')),
    });
  }
  const shareAxis: AxisSpec = { title: axisTitle('Families under restriction', 'share'), format: 'share', min: 0, max: 1 };
  return {
    file: 'run-sanctions.png',
    title,
    caption:
      'People designated for sanctions so far (left axis, people), split into those still serving and those who defected, and ' +
      "the share of serving soldiers' families under restriction (right axis, per cent).",
    kind: 'sanctions',
    source: { file: 'series.csv', columns: ['tick', ...peopleColumns, ...(hasFamily ? ['family_restricted_share'] : [])] },
    chart: {
      type: 'line',
      x: monthAxis(ticks),
      panels: [onlyFamily ? { axis: shareAxis } : { axis: { title: axisTitle('Sanctioned', 'people'), format: 'people', min: 0 }, rightAxis: hasFamily ? shareAxis : undefined }],
      series,
    },
  };
}

/** One chart per unit among the targets' series (normally one: people), so an axis never mixes units. */
function calibration(run: RunResult): Outcome[] {
  const title = 'Model against the observed record';
  const targets = run.summary.calibration;
  if (targets.length === 0) return [`${title}: left out, summary.json has no calibration targets`];
  const formats = [...new Set(targets.map((t) => formatForName(t.series)))];
  return formats.map((format) => {
    const mine = targets.filter((t) => formatForName(t.series) === format);
    const file = formats.length === 1 ? 'run-calibration.png' : `run-calibration-${slug(format)}.png`;
    return calibrationChart(run, mine, format, file, formats.length === 1 ? title : `${title} (${unitLabel(format)})`);
  });
}

function calibrationChart(run: RunResult, targets: readonly CalibrationTarget[], format: ValueFormat, file: string, title: string): ChartSpec {
  const ticks = ticksOf(run.series);
  const seriesNames = [...new Set(targets.map((t) => t.series))];
  const inSeries = seriesNames.filter((name) => hasColumn(run.series, name));
  const modelLines = inSeries.map((name) => modelLine(run.series, ticks, name));
  const modelPoints = seriesNames.filter((name) => !hasColumn(run.series, name)).map((name) => modelMarkers(targets, name));
  const passed = targets.filter((t) => t.pass === true).length;
  const log = format === 'people';
  return {
    file,
    title,
    caption:
      'Model series (lines) against the calibration targets in summary.json: diamonds are observed values with whiskers for the ' +
      'tolerance band (low to high); a downward triangle on a bar is a ceiling the model must stay at or below. Dashed lines are ' +
      `sub-groups. ${log ? 'Logarithmic axis, people.' : `Axis in ${unitLabel(format)}.`}`,
    kind: 'calibration',
    source: { file: 'summary.json', columns: ['calibration', ...inSeries.map((n) => `series.csv:${n}`)] },
    chart: {
      type: 'line',
      x: monthAxis(ticks),
      panels: [{ axis: { title: axisTitle(log ? 'Cumulative count, log scale' : 'Value', format), format, log, padded: true } }],
      series: [...modelLines, ...modelPoints],
      targets: targetSets(targets, format),
      note: `${passed} of ${targets.length} calibration targets pass · whiskers: tolerance band (low to high) · ▼ on a bar: ceiling`,
    },
  };
}

function colourOfSeries(name: string): string {
  const group = groupOf(name);
  return group ? GROUP_COLOURS[group] : OTHER_COLOURS.black;
}

/** A sub-group (e.g. defected_official_senior) is dashed in its group's colour. */
function isSubGroup(name: string): boolean {
  const group = groupOf(name);
  return group !== null && !name.endsWith(`_${group}`);
}

function modelLine(series: Table, ticks: readonly number[], name: string): LineSeriesSpec {
  return { label: `model: ${name}`, colour: colourOfSeries(name), dashed: isSubGroup(name), points: pointsOf(ticks, numericColumn(series, name)) };
}

/** When series.csv lacks the target's column, the model value recorded with the target is drawn as a marker. */
function modelMarkers(targets: readonly CalibrationTarget[], name: string): LineSeriesSpec {
  const points = targets.filter((t) => t.series === name && t.model !== undefined).map((t) => ({ x: t.tick, y: t.model! }));
  return { label: `model: ${name} (value at target)`, colour: colourOfSeries(name), markers: true, points };
}

function targetSets(targets: readonly CalibrationTarget[], format: ValueFormat): TargetSetSpec[] {
  const sets: TargetSetSpec[] = [];
  for (const name of [...new Set(targets.map((t) => t.series))]) {
    const mine = targets.filter((t) => t.series === name);
    const observed = mine.filter((t) => t.observed !== undefined);
    const ceilings = mine.filter((t) => t.max !== undefined);
    const floors = mine.filter((t) => t.min !== undefined);
    const colour = colourOfSeries(name);
    if (observed.length > 0) {
      sets.push({
        label: `observed: ${name}`,
        colour,
        style: 'observed',
        marks: observed.map((t) => ({ x: t.tick, y: t.observed!, low: t.low ?? t.observed!, high: t.high ?? t.observed! })),
      });
    }
    if (ceilings.length > 0) sets.push({ label: `ceiling: ${name} ≤ ${ceilings.map((t) => formatValue(t.max!, format)).join(', ')}`, colour, style: 'ceiling', marks: ceilings.map((t) => ({ x: t.tick, y: t.max! })) });
    if (floors.length > 0) sets.push({ label: `floor: ${name} ≥ ${floors.map((t) => formatValue(t.min!, format)).join(', ')}`, colour, style: 'floor', marks: floors.map((t) => ({ x: t.tick, y: t.min! })) });
  }
  return sets;
}
