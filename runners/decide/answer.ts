/**
 * The answer of a decision in a few lines of text, as `npm start` and `defsim decide EXPERIMENT`
 * print it first (pure: decisions in, lines out). Per criterion: the policy most likely best and
 * how likely, its effect's mean and range across the worlds; the unknown the choice depends on
 * most (largest EVPPI) and the condition under which the answer flips (PRIM's box, in the
 * parameters' own names and units), with who is best there.
 */
import { formatNumber, type Unit } from '../effects/format.js';
import type { CriterionDecision } from './decide.js';

export interface AnswerContext {
  /** Each criterion's unit in words ('people', 'index points', 'USD per person', …). */
  readonly criterionUnits: Readonly<Record<string, string>>;
  /** Parameters' units (absent: unitless). */
  readonly parameterUnits: Readonly<Record<string, string>>;
  /** The baseline every effect is over. */
  readonly baseline: string;
  readonly worlds: number;
}

function formatOf(unit: string): Unit {
  if (unit === 'people') return 'people';
  if (/^USD per person$/i.test(unit)) return 'usd_per_person';
  if (/^USD/i.test(unit)) return 'usd';
  if (/^index points$/.test(unit)) return 'index';
  return 'number';
}

/** A criterion's value in its unit: "0.052 index points", "+1,530 people", "$24,100 per person". */
export function valueText(v: number, unit: string, signed = false): string {
  const format = formatOf(unit);
  const text = formatNumber(v, format);
  const sign = signed && v > 0 ? '+' : '';
  if (format === 'usd_per_person') return `${text} per person`;
  if (format === 'usd') return text;
  return `${sign}${text}${unit ? ` ${unit}` : ''}`;
}

/** A mean with the range across worlds: "+0.0373 index points (+0.00314 to +0.0878 in 95% of worlds)". */
export function rangeText(mean: number, low: number, high: number, unit: string, signed = true): string {
  const format = formatOf(unit);
  const bound = (v: number) => `${signed && v > 0 && format !== 'usd_per_person' && format !== 'usd' ? '+' : ''}${formatNumber(v, format)}`;
  return `${valueText(mean, unit, signed)} (${bound(low)} to ${bound(high)} in 95% of worlds)`;
}

/** A parameter's value in its own unit: "0.21", "$8,200", "12 months". */
export function parameterText(name: string, v: number, units: Readonly<Record<string, string>>): string {
  const unit = units[name];
  if (unit === 'USD') return formatNumber(v, 'usd');
  return `${formatNumber(v)}${unit ? ` ${unit}` : ''}`;
}

/** PRIM's box in words: "0.2 ≤ a ≤ 0.3 and b ≥ 5". */
export function boxText(dimensions: readonly { parameter: string; low: number | null; high: number | null }[], units: Readonly<Record<string, string>>): string {
  return dimensions.map((d) => {
    const low = d.low === null || !Number.isFinite(d.low) ? null : parameterText(d.parameter, d.low, units);
    const high = d.high === null || !Number.isFinite(d.high) ? null : parameterText(d.parameter, d.high, units);
    if (low !== null && high !== null) return `${low} ≤ ${d.parameter} ≤ ${high}`;
    return low !== null ? `${d.parameter} ≥ ${low}` : `${d.parameter} ≤ ${high}`;
  }).join(' and ');
}

/** Limits of PRIM's box printed in the answer (the most significant). */
const SHOWN_LIMITS = 3;

type EvppiRow = CriterionDecision['information']['rows'][number];

/**
 * The unknown the choice depends on most: the parameter or group with the largest EVPPI among
 * those distinguishable from 0 (above two standard errors: the estimator is biased up by about
 * one), else the largest of all, marked not distinguishable; null without any.
 */
export function mostValuable(d: CriterionDecision): { row: EvppiRow; distinguishable: boolean } | null {
  const ranked = d.information.rows.filter((r) => r.kind !== 'all').sort((a, b) => b.evppi - a.evppi);
  const clear = ranked.find((r) => r.evppi > 2 * r.evppiSe);
  if (clear) return { row: clear, distinguishable: true };
  return ranked[0] ? { row: ranked[0], distinguishable: false } : null;
}

const percent = (v: number) => (Number.isFinite(v) ? `${Math.round(100 * v)}%` : '–');

/** Two lines per criterion (see the file comment). */
export function answerLines(decisions: readonly CriterionDecision[], context: AnswerContext): string[] {
  const lines: string[] = [];
  for (const d of decisions) {
    const unit = context.criterionUnits[d.criterion] ?? '';
    const policies = d.comparison.policies;
    const best = policies[d.comparison.mostLikelyBest];
    const expected = policies[d.comparison.expectedBest];
    const what = d.criterion.replace(/_/g, ' ');
    const signed = !/per person/i.test(unit);
    lines.push(`${what} (${d.higherIsBetter ? 'more' : 'less'} is better): ${best.policy} is most likely best — in ${percent(best.probabilityBest)} of the ${d.comparison.worlds} worlds (± ${Math.round(196 * best.probabilityBestSe)} points)` +
      `${expected.policy !== best.policy ? `; ${expected.policy} is better on average` : ''}; over ${context.baseline}: ${rangeText(best.expectedEffect, best.effectLow, best.effectHigh, unit, signed)}.`);
    const top = mostValuable(d);
    let depends: string;
    if (!(d.information.evpi > 0)) depends = `Nothing to learn: ${expected.policy} is best in every world (EVPI 0).`;
    else if (!top) depends = `EVPI ${valueText(d.information.evpi, unit)}.`;
    else {
      const { row, distinguishable } = top;
      const share = row.shareOfEvpi >= 0.995 ? 'about all' : percent(row.shareOfEvpi);
      depends = `Depends most on ${row.kind === 'group' ? `the group ${row.parameter} (${row.members.length} parameters)` : row.parameter}: knowing it is worth ${valueText(row.evppi, unit)} (${share} of EVPI ${valueText(d.information.evpi, unit)})` +
        `${distinguishable ? '' : `, not distinguishable from 0 with ${d.comparison.worlds} worlds (± ${valueText(1.96 * row.evppiSe, unit)})`}.`;
    }
    const s = d.scenarios;
    let flips = '';
    if (s) {
      if (!(s.caseShare > 0)) flips = ` ${s.reference} is best in every world: the answer never flips.`;
      else if (!s.box || s.box.dimensions.length === 0) flips = ` ${s.reference} is not best in ${percent(s.caseShare)} of worlds, spread across the parameters (no box).`;
      else {
        const other = [...s.bestInBox].filter((b) => b.policy !== s.reference).sort((a, b) => b.probability - a.probability)[0];
        // The box's most significant limits (smallest quasi-p-value) first; the rest are in scenarios.csv.
        const limits = [...s.box.dimensions].sort((a, b) => a.quasiP - b.quasiP);
        const shown = limits.slice(0, SHOWN_LIMITS);
        const more = limits.length - shown.length;
        const where = `${boxText(shown, context.parameterUnits)}${more > 0 ? ` (and ${more} more limit${more === 1 ? '' : 's'}: scenarios.csv)` : ''}`;
        const inside = `${s.reference} is not best in ${percent(s.box.density)} of those worlds${other ? `, ${other.policy} is best in ${percent(other.probability)}` : ''}`;
        flips = s.box.meetsThreshold
          ? ` It flips where ${where}: ${inside} (the box holds ${percent(s.box.coverage)} of the ${percent(s.caseShare)} of worlds where ${s.reference} is not best).`
          : ` ${s.reference} is not best in ${percent(s.caseShare)} of worlds, spread out (no box of parameter values holds them densely); most often where ${where}: ${inside}.`;
      }
    }
    lines.push(`    ${depends}${flips}`);
  }
  return lines;
}
