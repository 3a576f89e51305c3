/**
 * What the main job prints at one point of parameter space (`defsim main --at-defaults`): for each
 * policy against the baseline, the extra people of each group who left, the regime strength and
 * capacity lost, the spend, each group's cost per additional defector (on the spend its own people
 * got) and the strength and capacity lost per $10M, each with its 95% interval (seed noise only);
 * the policies ranked on what each buys; and a short verdict in words that says when two policies
 * cannot be told apart. Every figure is an effect over the baseline: no total is divided by spend
 * anywhere here. Pure: rows in, lines out.
 */
import { formatInterval, textTable, type Unit } from './format.js';
import type { EffectsRow } from './files.js';
import { excludesZero } from './compare.js';
import { chainText, difference, rank, type Policy, type RankedOutcome, type Ranking, type RankingInput } from './ranking.js';

/** The people of each group who left (distinct people), and the spend their group's people got. */
const PEOPLE: readonly { metric: string; label: string; short: string; spend: string }[] = [
  { metric: 'left_ever_army', label: 'army', short: 'army', spend: 'spend_army_usd' },
  { metric: 'left_ever_police', label: 'police', short: 'police', spend: 'spend_police_usd' },
  { metric: 'left_ever_official_senior', label: 'senior officials', short: 'senior-official', spend: 'spend_official_senior_usd' },
  { metric: 'left_ever_cdm', label: 'CDM (junior, mid officials)', short: 'CDM', spend: 'spend_cdm_usd' },
];
/** Regime strength (the one outcome every policy is judged on) first, then the two capacities. */
const CAPACITY: readonly { metric: string; label: string }[] = [
  { metric: 'regime_strength_lost', label: 'regime strength' },
  { metric: 'military_capacity_lost', label: 'military' },
  { metric: 'economic_capacity_lost', label: 'economic' },
];
const PER_TEN_MILLION = 10e6;

export const RANKED_OUTCOMES: readonly RankedOutcome[] = [
  ...CAPACITY.map((c) => ({ label: `${c.label === 'regime strength' ? c.label : `${c.label} capacity`} lost`, metric: c.metric })),
  ...CAPACITY.map((c) => ({ label: `${c.label === 'regime strength' ? c.label : `${c.label} capacity`} lost per $10M`, metric: c.metric, perUsd: PER_TEN_MILLION })),
  ...PEOPLE.map((p) => ({ label: `extra defections, ${p.label}`, short: `${p.short} defections`, metric: p.metric })),
  ...PEOPLE.map((p) => ({ label: `cost per extra defector, ${p.label}`, short: `the cost per extra ${p.short} defector`, metric: p.metric, cost: true, spendMetric: p.spend })),
];

/** Short forms of the undefined-ratio reasons, for table cells (the legend says what they mean). */
const SHORT_REASONS: Record<string, string> = {
  'no spend over baseline': 'n/a: no spend',
  'spend over baseline not distinguishable from 0': 'n/a: spend ≈ 0',
  'spends less than the baseline': 'n/a: spends less',
  'no extra defections': 'n/a: none extra',
  'extra defections not distinguishable from 0': 'n/a: extra ≈ 0',
  'fewer defections than the baseline': 'n/a: fewer',
  'fewer than 2 replicates with a value': 'n/a: too few runs',
};

export interface SummaryInput extends RankingInput {
  replicates: number;
  ticks: number;
}

function cell(row: EffectsRow | undefined, unit: Unit): string {
  return row ? formatInterval(row.effect, row.effectCi95Low, row.effectCi95High, unit) : '–';
}

function ratioCell(value: number | null, low: number | null, high: number | null, reason: string | null, unit: Unit, scale = 1): string {
  if (value === null) return SHORT_REASONS[reason ?? ''] ?? `n/a: ${reason}`;
  return formatInterval(value * scale, (low ?? NaN) * scale, (high ?? NaN) * scale, unit, unit !== 'usd_per_person');
}

export function mainSummary(input: SummaryInput): string[] {
  const row = (p: Policy, metric: string) => input.rows.find((r) => r.pointId === p.pointId && r.metric === metric);
  const base = input.baseline.label;
  const lines: string[] = [];
  lines.push('', `Extra people who left over ${base} (distinct people), and spend over ${base}:`);
  lines.push(...textTable(['policy', ...PEOPLE.map((p) => p.label), 'spend'],
    input.policies.map((p) => [p.label, ...PEOPLE.map((g) => cell(row(p, g.metric), 'people')), cell(row(p, 'spend_usd'), 'usd')])));
  lines.push('', `Regime strength (military capacity × military spending) and capacity lost over ${base} (index points, 1 = all of Feb 2021's), and per $10M spent over ${base}:`);
  lines.push(...textTable(['policy', ...CAPACITY.map((c) => c.label), ...CAPACITY.map((c) => `${c.label} per $10M`)],
    input.policies.map((p) => [p.label, ...CAPACITY.map((c) => cell(row(p, c.metric), 'index')), ...CAPACITY.map((c) => {
      const r = row(p, c.metric);
      return r ? ratioCell(r.effectPerMillionUsd, r.effectPerMillionUsdCi95Low, r.effectPerMillionUsdCi95High, r.effectPerMillionUsdUndefinedReason, 'index', 10) : '–';
    })])));
  lines.push('', `Cost per additional defection (US$ of spend on the group's own people over ${base}, per extra defector of the group):`);
  lines.push(...textTable(['policy', ...PEOPLE.map((p) => p.label)], input.policies.map((p) => [p.label, ...PEOPLE.map((g) => {
    const r = row(p, g.metric);
    return r ? ratioCell(r.costPerAdditionalDefectionUsd, r.costPerAdditionalDefectionUsdCi95Low, r.costPerAdditionalDefectionUsdCi95High, r.costPerAdditionalDefectionUsdUndefinedReason, 'usd_per_person') : '–';
  })])));
  lines.push('  n/a: undefined, never a number — extra ≈ 0 / spend ≈ 0: its 95% interval includes 0; none extra / no spend: exactly 0; fewer / spends less: below the baseline.');
  const rankings = RANKED_OUTCOMES.map((outcome) => rank(input, outcome));
  lines.push('', `Ranked on what each buys (most first, costs cheapest first; ≈: cannot be told apart from the one before with ${input.replicates} replicates):`);
  const width = Math.max(...rankings.map((r) => r.outcome.label.length));
  lines.push(...rankings.map((r) => `  ${r.outcome.label.padEnd(width)}  ${chainText(r)}${leftOutText(r)}`));
  lines.push('', 'Verdict:', ...verdict(input, rankings).map((s) => `  ${s}`));
  return lines;
}

function leftOutText(ranking: Ranking): string {
  if (ranking.leftOut.length === 0) return '';
  return `  (n/a: ${ranking.leftOut.map((l) => `${l.policy.label}, ${l.reason}`).join('; ')})`;
}

function list(labels: readonly string[]): string {
  return labels.length <= 1 ? labels.join('') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

/** A few sentences: who buys the most of each capacity outcome (absolute and per dollar), and what cannot be told apart. */
export function verdict(input: SummaryInput, rankings: readonly Ranking[]): string[] {
  const n = input.replicates;
  const how = input.pairing === 'paired' ? 'paired by seed' : 'independent samples';
  const out: string[] = [];
  for (const ranking of rankings.filter((r) => !r.outcome.cost && CAPACITY.some((c) => c.metric === r.outcome.metric))) {
    const [first] = ranking.order;
    if (!first) {
      out.push(`${capitalised(ranking.outcome.label)}: no policy has a value (${ranking.leftOut.map((l) => l.reason)[0] ?? 'none'}).`);
      continue;
    }
    const unit: Unit = 'index';
    const value = formatInterval(first.value.value, first.value.ci95Low, first.value.ci95High, unit);
    if (!(first.value.ci95Low > 0)) {
      out.push(`${capitalised(ranking.outcome.label)}: no policy is distinguishable from ${input.baseline.label} with ${n} replicates (the largest, ${first.policy.label}, ${value}).`);
      continue;
    }
    const tied = ranking.tiedWithFirst.map((p) => p.label);
    out.push(`${capitalised(ranking.outcome.label)}: ${first.policy.label} buys the most (${value}); ` +
      (tied.length === 0 ? `it is ahead of every other policy with ${n} replicates.` : `${list(tied)} cannot be told apart from it with ${n} replicates.`));
  }
  const costs = rankings.filter((r) => r.outcome.cost && r.order.length > 0);
  if (costs.length > 0) {
    out.push(`Cheapest additional defectors: ${costs.map((r) => {
      const [first] = r.order;
      const tied = r.tiedWithFirst.map((p) => p.label);
      const group = r.outcome.label.replace(/^cost per extra defector, /, '');
      return `${group}, ${first.policy.label} (${formatInterval(first.value.value, first.value.ci95Low, first.value.ci95High, 'usd_per_person', false)}` +
        (tied.length ? `; ${list(tied)} cannot be told apart from it)` : ')');
    }).join('; ')}.`);
  }
  // Policies that cannot be told apart from the baseline on any ranked outcome, and pairs never told apart.
  const effectRankings = rankings.filter((r) => !r.outcome.perUsd && !r.outcome.cost);
  const noEffect = input.policies.filter((p) => effectRankings.every((r) => {
    const placed = r.order.find((o) => o.policy.pointId === p.pointId);
    return !placed || !excludesZero(placed.value);
  }));
  if (noEffect.length > 0) out.push(`${list(noEffect.map((p) => p.label))} cannot be told apart from ${input.baseline.label} on any outcome with ${n} replicates.`);
  // Every pair of policies that some outcome cannot tell apart, with those outcomes (all: "on every outcome").
  const ties: string[] = [];
  for (let i = 0; i < input.policies.length; i++) {
    for (let j = i + 1; j < input.policies.length; j++) {
      const [a, b] = [input.policies[i], input.policies[j]];
      const both = rankings.filter((r) => [a, b].every((p) => r.order.some((o) => o.policy.pointId === p.pointId)));
      const tied = both.filter((r) => !excludesZero(difference(input, r.outcome, a, b)));
      if (tied.length === 0) continue;
      ties.push(`${a.label} and ${b.label} ${tied.length === both.length ? 'on every outcome' : `on ${list(tied.map((r) => r.outcome.short ?? r.outcome.label))}`}`);
    }
  }
  out.push(ties.length === 0
    ? `Every pair of policies is told apart on every outcome with ${n} replicates.`
    : `Cannot be told apart with ${n} replicates: ${ties.join('; ')}.`);
  out.push(`(${n} replicates of each policy, ${how}; 95% intervals; every figure is an effect over ${input.baseline.label}.)`);
  return out;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
