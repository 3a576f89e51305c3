/** Units, names and number formats in the model's own words; deterministic (no locale-dependent formatting). */

export type ValueFormat =
  | 'people'
  | 'people_per_month'
  | 'usd'
  | 'usd_per_person'
  | 'share'
  | 'probability'
  | 'index'
  | 'per_million_usd'
  | 'people_per_million_usd'
  | 'index_per_million_usd'
  | 'families'
  | 'number';

export const GROUPS = ['army', 'police', 'official', 'tycoon'] as const;
export type Group = (typeof GROUPS)[number];

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Calendar month of a tick: tick 0 = Feb 2021, one tick = one month. */
export function monthLabel(tick: number): string {
  const monthsSinceJan2021 = Math.round(tick) + 1;
  const year = 2021 + Math.floor(monthsSinceJan2021 / 12);
  return `${MONTH_NAMES[((monthsSinceJan2021 % 12) + 12) % 12]} ${year}`;
}

export const MONTH_AXIS_TITLE = 'Month (one tick = one month; tick 0 = Feb 2021)';

/** The unit words used in axis titles. */
export function unitLabel(format: ValueFormat): string {
  switch (format) {
    case 'people':
      return 'people';
    case 'people_per_month':
      return 'people per month';
    case 'usd':
      return 'US dollars';
    case 'usd_per_person':
      return 'US dollars per person';
    case 'share':
      return 'share, %';
    case 'probability':
      return 'probability, %';
    case 'index':
      return 'index, 1.0 = Feb 2021';
    case 'per_million_usd':
      return 'per US$1 million spent';
    case 'people_per_million_usd':
      return 'people per US$1 million spent';
    case 'index_per_million_usd':
      return 'capacity index per US$1 million spent';
    case 'families':
      return 'families';
    case 'number':
      return 'unit as defined by the model';
  }
}

/** The format of a series column or metric, from its name (FORMATS.md naming rules). */
export function formatForName(name: string): ValueFormat {
  const last = name.split('.').pop() ?? name;
  if (/^(defections|defected)_.*per_million_usd$/.test(last)) return 'people_per_million_usd';
  if (/capacity.*per_million_usd$/.test(last)) return 'index_per_million_usd';
  if (/per_million_usd$/.test(last)) return 'per_million_usd';
  if (/^cost_per_defection_usd$|_per_person_usd$/.test(last)) return 'usd_per_person';
  if (/(^|_)usd$|[a-z]Usd$/.test(last)) return 'usd';
  if (/_share$|^share_|[a-z]Share$|^offRampCredibility$/.test(last)) return 'share';
  if (/^capture_probability|^safety_|probability$/.test(last)) return 'probability';
  if (/^new_defections_|^visas_used$/.test(last)) return 'people_per_month';
  if (/capacity(_lost)?$/.test(last)) return 'index';
  if (/^families_/.test(last)) return 'families';
  if (/^(defected|captured|serving|sanctioned|out|returned|pardoned)(_|$)|^reprisals$|^conscripts$/.test(last)) return 'people';
  return 'number';
}

/** Axis title: a name with its unit in brackets. */
export function axisTitle(what: string, format: ValueFormat): string {
  return `${what} (${unitLabel(format)})`;
}

const NAMED: Readonly<Record<string, string>> = {
  defected_all: 'Defections, all groups',
  defected_army: 'Defections, army',
  defected_police: 'Defections, police',
  defected_official: 'Defections, officials (CDM and senior)',
  defected_cdm: 'Defections, CDM (junior and mid-tier officials)',
  left_ever_army: 'People who left, army',
  left_ever_police: 'People who left, police',
  left_ever_official: 'People who left, officials',
  left_ever_cdm: 'People who left, CDM (junior and mid-tier officials)',
  left_ever_official_senior: 'People who left, senior officials',
  left_ever_official_economic: 'People who left, economic officials',
  left_ever_tycoon: 'People who left, tycoons',
  regime_strength: 'Regime strength',
  regime_strength_lost: 'Regime strength lost',
  pay_arrears: 'Soldiers\' pay arrears',
  military_spending: 'Military spending',
  regime_revenue: 'Regime revenue',
  defected_tycoon: 'Defections, tycoons',
  spend_usd: 'Sponsor spending',
  budget_left_usd: 'Budget left',
  defected_official_senior: 'Defections, senior officials',
  defected_official_economic: 'Defections, economic officials',
  defections_total_per_million_usd: 'All defections (a total) per US$1M spent',
  capacity_lost_total_per_million_usd: 'All capacity lost (a total) per US$1M spent',
  military_capacity_lost_total_per_million_usd: 'All military capacity lost (a total) per US$1M spent',
  economic_capacity_lost_total_per_million_usd: 'All economic capacity lost (a total) per US$1M spent',
  military_capacity_lost: 'Military capacity lost',
  economic_capacity_lost: 'Economic capacity lost',
  military_capacity: 'Military capacity',
  economic_capacity: 'Economic capacity',
  cost_per_defection_usd: 'Cost per defection',
  family_restricted_share: "Share of serving soldiers' families under restriction",
  sanctioned: 'People sanctioned',
};

/**
 * What a metric that divides a total by spend counts, for its captions (empty for other metrics):
 * it is not what the money bought.
 */
export function totalOverSpendCaveat(metric: string): string {
  if (!/_total_per_million_usd$/.test(metric)) return '';
  return ' This divides a total — every defection, or all capacity lost, including what would have happened with no money at all — by the spend: ' +
    'it is not what the money bought (the Findings and effects.csv have that: effects over a baseline).';
}

/** A readable name for a series column, metric or parameter path. */
export function displayName(name: string): string {
  if (NAMED[name]) return NAMED[name];
  const words = name.replace(/\./g, ' › ').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Formats a value for tables and tick labels. */
export function formatValue(value: number, format: ValueFormat): string {
  if (!Number.isFinite(value)) return '–';
  switch (format) {
    case 'usd':
    case 'usd_per_person':
      return (value < 0 ? '−$' : '$') + compact(Math.abs(value), 2);
    case 'share':
    case 'probability':
      return `${trimmed(value * 100, 1)}%`;
    case 'index':
      return trimmed(value, decimalsFor(value, 3)).replace(/^-/, '−');
    case 'per_million_usd':
    case 'people_per_million_usd':
    case 'index_per_million_usd':
      return compact(value, 2);
    default:
      return compact(value, 1);
  }
}

/** Thousands separators below a million, then M/B suffixes. */
function compact(value: number, decimals: number): string {
  const abs = Math.abs(value);
  const sign = value < 0 ? '−' : '';
  if (abs >= 1e9) return `${sign}${trimmed(abs / 1e9, 2)}B`;
  if (abs >= 1e6) return `${sign}${trimmed(abs / 1e6, 2)}M`;
  const [whole, fraction] = trimmed(abs, abs >= 1000 ? 0 : decimalsFor(abs, decimals)).split('.');
  return sign + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (fraction ? `.${fraction}` : '');
}

/** Enough decimals to show small values (below 1) to three significant digits. */
function decimalsFor(value: number, decimals: number): number {
  const abs = Math.abs(value);
  if (abs === 0 || abs >= 1) return decimals;
  return Math.min(12, Math.max(decimals, Math.ceil(-Math.log10(abs)) + 2));
}

/** Fixed decimals with trailing zeros removed. */
function trimmed(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** A parameter value for labels: numbers formatted by the parameter's unit, other text as is. */
export function formatParameterValue(path: string, value: string): string {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) return value;
  const format = formatForName(path);
  return formatValue(number, format === 'number' ? 'number' : format);
}

/** `a.b=1, c=x` style description of a design point's parameters. */
export function describePoint(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([path, value]) => `${path} = ${formatParameterValue(path, value)}`)
    .join(', ');
}

/** A safe, deterministic file-name fragment. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60) || 'x';
}

/** The reporting group a series column belongs to (`defected_official_senior` → official), if any. */
export function groupOf(column: string): Group | null {
  for (const group of GROUPS) {
    if (new RegExp(`(^|_)${group}(_|$)`).test(column)) return group;
  }
  return null;
}
