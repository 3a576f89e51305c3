/**
 * The layout of effects.csv (docs/FORMATS.md): its columns, one row's cells, and the manifest's
 * words for how the intervals were made. Numbers as everywhere (shortest round-trip form), an
 * undefined value an empty cell, so pandas reads NaN and R reads NA.
 */
import type { Pairing } from './estimate.js';
import type { EffectRow } from './rows.js';

/** The columns after `point_id` and the varied parameters, in order. */
export const EFFECT_COLUMNS = [
  'metric', 'n', 'baseline_mean', 'mean', 'effect', 'effect_ci95_low', 'effect_ci95_high',
  'spend_over_baseline_usd', 'effect_per_million_usd', 'effect_per_million_usd_ci95_low', 'effect_per_million_usd_ci95_high',
  'cost_per_additional_defection_usd', 'cost_per_additional_defection_usd_ci95_low', 'cost_per_additional_defection_usd_ci95_high',
  'baseline_point_id', 'effect_per_million_usd_undefined_reason', 'cost_per_additional_defection_usd_undefined_reason',
  'cost_spend_metric', 'cost_spend_over_baseline_usd',
] as const;

/** The text columns (every other column holds numbers); the writer CSV-quotes them. */
export const EFFECT_TEXT_COLUMN_NAMES: readonly string[] = ['metric', 'effect_per_million_usd_undefined_reason', 'cost_per_additional_defection_usd_undefined_reason', 'cost_spend_metric'];
/** Their indices within EFFECT_COLUMNS. */
export const EFFECT_TEXT_COLUMNS: ReadonlySet<number> = new Set(EFFECT_TEXT_COLUMN_NAMES.map((name) => EFFECT_COLUMNS.indexOf(name as (typeof EFFECT_COLUMNS)[number])));

export function effectsHeader(varied: readonly string[]): string[] {
  return ['point_id', ...varied, ...EFFECT_COLUMNS];
}

const number = (x: number): string => (Number.isFinite(x) ? String(x) : '');
const text = (s: string | null): string => s ?? '';

/** The cells from `metric` on (the caller writes point_id and the varied values before them; the metric name is CSV-quoted by the caller's rule). */
export function effectCells(row: EffectRow, baselinePointId: number): string[] {
  return [
    row.metric, String(row.n), number(row.baselineMean), number(row.mean), number(row.effect), number(row.effectCi95Low), number(row.effectCi95High),
    number(row.spendOverBaselineUsd), number(row.effectPerMillionUsd), number(row.effectPerMillionUsdCi95Low), number(row.effectPerMillionUsdCi95High),
    number(row.costPerAdditionalDefectionUsd), number(row.costPerAdditionalDefectionUsdCi95Low), number(row.costPerAdditionalDefectionUsdCi95High),
    String(baselinePointId), text(row.effectPerMillionUsdUndefinedReason), text(row.costPerAdditionalDefectionUsdUndefinedReason),
    text(row.costSpendMetric), number(row.costSpendOverBaselineUsd),
  ];
}

/** What the manifest says about effects.csv. */
export interface EffectsManifest {
  baseline: Record<string, number | boolean | string>;
  pairing: Pairing;
  intervals: string;
  ratios: string;
}

export function effectsManifest(baseline: Record<string, number | boolean | string>, pairing: Pairing): EffectsManifest {
  return {
    baseline,
    pairing,
    intervals: pairing === 'paired'
      ? 'paired: 95% Student t interval of the per-replicate differences, replicate r of a point against replicate r of its baseline (seeds: common, so both ran with the same seed)'
      : "independent: 95% Welch interval of the difference of the two means (Welch–Satterthwaite degrees of freedom)",
    ratios: "effect_per_million_usd = effect / (spend_over_baseline_usd / 1e6) and cost_per_additional_defection_usd = cost_spend_over_baseline_usd / effect (the spend of the group counted, cost_spend_metric, where the model attributes spend by group; else the whole spend), each with Fieller's 95% interval " +
      '(using the covariance of numerator and denominator; degrees of freedom n−1 when paired, the smaller Welch value otherwise); ' +
      'undefined (empty, with the reason in the *_undefined_reason column) when the denominator is 0, not distinguishable from 0, or below 0',
  };
}
