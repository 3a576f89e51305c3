/**
 * Effects as text for the terminal: a value with its 95% interval in the unit of the outcome,
 * three significant digits, deterministic (no locale), and tables padded to columns.
 */

export type Unit = 'people' | 'index' | 'usd' | 'usd_per_person' | 'per_million' | 'number';

/** Three significant digits (whole numbers for people and money above 100), thousands separated by commas. */
export function formatNumber(x: number, unit: Unit = 'number'): string {
  if (!Number.isFinite(x)) return '–';
  const sign = x < 0 ? '−' : '';
  const abs = Math.abs(x);
  const money = unit === 'usd' || unit === 'usd_per_person';
  let body: string;
  if (money && abs >= 1e6) body = `${significant(abs / 1e6)}M`;
  else if (abs >= 100 || (unit === 'people' && Number.isInteger(abs))) body = Math.round(abs).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  else body = significant(abs);
  return `${sign}${money ? '$' : ''}${body}`;
}

function significant(abs: number): string {
  if (abs === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(abs)));
  const text = abs.toFixed(Math.min(digits, 12));
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** `+1,900 [1,476, 2,324]`; an effect is signed, a ratio is not. */
export function formatInterval(value: number | null, low: number | null, high: number | null, unit: Unit, signed = true): string {
  if (value === null || !Number.isFinite(value)) return '–';
  const v = formatNumber(value, unit);
  const shown = signed && value > 0 ? `+${v}` : v;
  if (low === null || high === null || !Number.isFinite(low) || !Number.isFinite(high)) return shown;
  return `${shown} [${formatNumber(low, unit)}, ${formatNumber(high, unit)}]`;
}

/** Rows padded to columns; the first column left-aligned, the others right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((row) => indent + row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd());
}
