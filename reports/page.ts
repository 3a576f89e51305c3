/** Writes report.html (self-contained page), report.md and report.json beside the chart PNGs. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadedResult } from './load.js';
import type { ChartMeta, RenderSize } from './spec.js';
import type { KeyTable } from './tables.js';
import type { Findings } from './findings.js';
import { modelOf, unitsSentence, usesGenericCharts } from './units.js';

/** Everything a report page shows; report.json is this, as JSON. */
export interface ReportContents {
  readonly generator: 'defsim report';
  readonly reportFormat: 1;
  readonly kind: LoadedResult['kind'];
  readonly name: string;
  readonly title: string;
  /** What the numbers are in (the model's units, from the result files). */
  readonly units: string;
  /** A sweep with a baseline opens with its effects (tables, and the forest plot's files); null otherwise. */
  readonly findings: Findings | null;
  /** A section before everything else (a sensitivity report's "What the answer depends on"). */
  readonly lead?: { readonly title: string; readonly paragraphs: readonly string[]; readonly tables: readonly KeyTable[] };
  readonly inputs: readonly { name: string; sha256: string }[];
  readonly size: RenderSize;
  readonly charts: readonly ChartMeta[];
  readonly tables: readonly KeyTable[];
  readonly notes: readonly string[];
}

export const PAGE_FILES = ['report.html', 'report.md', 'report.json'] as const;

/** The page title names what was run — the experiment, or the scenario and seed — never the directory (which may be a temporary one). */
export function reportTitle(result: LoadedResult): string {
  if (result.kind === 'sweep') return `defsim sweep report: ${result.experimentName}`;
  if (result.kind === 'sensitivity') return `defsim sensitivity analysis: ${result.experiment ?? result.name}`;
  if (result.kind === 'calibration') return `defsim calibration report: ${result.calibrationName}`;
  if (result.kind === 'worlds') return `defsim worlds report: ${result.calibration.calibrationName}`;
  if (result.kind === 'decision') return `defsim decision report: ${result.policies.length} policies over ${result.worlds} worlds`;
  const model = usesGenericCharts(result.manifest) ? `${modelOf(result.manifest).name}, ` : '';
  return `defsim run report: ${model}${result.scenario}${result.seed === null ? '' : `, seed ${result.seed}`}`;
}

export function reportContents(
  result: LoadedResult, size: RenderSize, charts: readonly ChartMeta[], tables: readonly KeyTable[], notes: readonly string[], findings: Findings | null = null,
  lead?: ReportContents['lead'],
): ReportContents {
  return {
    generator: 'defsim report',
    reportFormat: 1,
    kind: result.kind,
    name: result.name,
    title: reportTitle(result),
    units: unitsSentence(result.manifest),
    findings,
    ...(lead ? { lead } : {}),
    inputs: result.inputFiles,
    size,
    charts,
    tables,
    notes: [...result.notes, ...notes],
  };
}

export async function writePages(dir: string, contents: ReportContents): Promise<void> {
  await writeFile(join(dir, 'report.html'), html(contents));
  await writeFile(join(dir, 'report.md'), markdown(contents));
  await writeFile(join(dir, 'report.json'), JSON.stringify(contents, null, 2) + '\n');
}

// ─── HTML ───────────────────────────────────────────────────────────────────

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `
  body { font-family: "DejaVu Sans", Verdana, sans-serif; color: #111; max-width: 1680px; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
  h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
  figure { margin: 1.5rem 0 2.5rem; } figure img { width: 100%; height: auto; border: 1px solid #ddd; }
  figcaption { margin-top: .4rem; font-size: .95rem; } .source { color: #555; font-size: .85rem; }
  table { border-collapse: collapse; margin: .6rem 0 1.4rem; font-size: .92rem; }
  th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: left; vertical-align: top; }
  th { background: #f2f2f2; } td:first-child { white-space: nowrap; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .notes li { color: #7a3b00; } nav ol { columns: 2; font-size: .92rem; }`;

function isNumeric(cell: string): boolean {
  return /^[+−\-$]?[\d,.]+[%MBk]?( \[.*\])?$/.test(cell);
}

function htmlCell(cell: string): string {
  if (/^https?:\/\/\S+$/.test(cell)) return `<td><a href="${escapeHtml(cell)}">${escapeHtml(cell)}</a></td>`;
  return `<td${isNumeric(cell) ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`;
}

function htmlTable(table: KeyTable): string {
  const head = table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = table.rows
    .map((row) => `<tr>${row.map(htmlCell).join('')}</tr>`)
    .join('\n');
  return `<h3>${escapeHtml(table.title)}</h3>\n<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function sourceText(chart: ChartMeta): string {
  return `Data: ${chart.source.file} (${chart.source.columns.join(', ')})`;
}

function htmlFigure(chart: ChartMeta, index: number, size: RenderSize): string {
  return [
    `<figure id="${escapeHtml(chart.file)}">`,
    `<img src="${escapeHtml(chart.file)}" alt="${escapeHtml(chart.title)}" width="${size.width}" height="${size.height}">`,
    `<figcaption><strong>Figure ${index + 1}. ${escapeHtml(chart.title)}.</strong> ${escapeHtml(chart.caption)}`,
    `<br><span class="source">${escapeHtml(sourceText(chart))}</span></figcaption>`,
    `</figure>`,
  ].join('\n');
}

/** The findings' charts and the other charts, each with its figure number (findings first). */
function splitCharts(contents: ReportContents): { findings: [ChartMeta, number][]; rest: [ChartMeta, number][] } {
  const inFindings = new Set(contents.findings?.charts ?? []);
  const numbered = contents.charts.map((c, i) => [c, i] as [ChartMeta, number]);
  return { findings: numbered.filter(([c]) => inFindings.has(c.file)), rest: numbered.filter(([c]) => !inFindings.has(c.file)) };
}

function htmlLead(lead: NonNullable<ReportContents['lead']>): string {
  return [`<h2>${escapeHtml(lead.title)}</h2>`, ...lead.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`), ...lead.tables.map(htmlTable)].join('\n');
}

function findingsIntro(findings: Findings): string {
  if (findings.money === false) {
    return `Every figure here is an effect over the baseline (${findings.baseline}) at the end of the run: what each point adds to what would have happened anyway, in the unit of each outcome. ` +
      `Intervals: ${findings.intervals}. The model records no spend, so these are effects alone: no ratios to money, no costs. Data: effects.csv.`;
  }
  return `Every figure here is an effect over the baseline (${findings.baseline}) at the end of the run: what each point adds to what would have happened anyway. ` +
    `Intervals: ${findings.intervals}. Ratios per US$1M and costs per additional defection use Fieller's 95% interval; a ratio whose denominator is not distinguishable from 0 is undefined (n/a, with the reason), never a number. Data: effects.csv.`;
}

function html(contents: ReportContents): string {
  const notes = contents.notes.length > 0 ? `<h2>Notes</h2>\n<ul class="notes">\n${contents.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('\n')}\n</ul>` : '';
  const { findings: findingCharts, rest } = splitCharts(contents);
  const findings = contents.findings
    ? `<h2>Findings</h2>\n<p>${escapeHtml(findingsIntro(contents.findings))}</p>\n${contents.findings.tables.map(htmlTable).join('\n')}\n${findingCharts.map(([c, i]) => htmlFigure(c, i, contents.size)).join('\n')}`
    : '';
  const toc = rest.map(([c, i]) => `<li><a href="#${escapeHtml(c.file)}">${escapeHtml(`Figure ${i + 1}. ${c.title}`)}</a></li>`).join('\n');
  const inputs = contents.inputs.map((f) => `${f.name} (sha256 ${f.sha256.slice(0, 12)}…)`).join(', ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(contents.title)}</title>
<style>${STYLE}
</style>
</head>
<body>
<h1>${escapeHtml(contents.title)}</h1>
<p>Result kind: ${contents.kind}. Read from: ${escapeHtml(inputs)}. ${escapeHtml(contents.units)}</p>
${contents.lead ? htmlLead(contents.lead) : ''}
${findings}
${notes}
<h2>Key numbers</h2>
${contents.tables.map(htmlTable).join('\n')}
<h2>Charts</h2>
<nav><ol>
${toc}
</ol></nav>
${rest.map(([c, i]) => htmlFigure(c, i, contents.size)).join('\n')}
</body>
</html>
`;
}

// ─── Markdown ───────────────────────────────────────────────────────────────

/**
 * Text from result files (problem, output and parameter names, titles) as Markdown text: Markdown
 * passes raw HTML through, so `&`, `<` and `>` become entities (report.html escapes them too).
 */
function md(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeMarkdownCell(text: string): string {
  return md(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function markdownTable(table: KeyTable): string {
  const header = `| ${table.columns.map(escapeMarkdownCell).join(' | ')} |`;
  const rule = `|${table.columns.map(() => '---').join('|')}|`;
  const rows = table.rows.map((row) => `| ${row.map(escapeMarkdownCell).join(' | ')} |`);
  return [`### ${md(table.title)}`, '', header, rule, ...rows].join('\n');
}

function markdown(contents: ReportContents): string {
  const parts = [`# ${md(contents.title)}`, '', `Result kind: ${contents.kind}. Read from: ${md(contents.inputs.map((f) => f.name).join(', '))}.`];
  const { findings, rest } = splitCharts(contents);
  const figure = ([chart, i]: [ChartMeta, number]) => {
    parts.push('', `### Figure ${i + 1}. ${md(chart.title)}`, '', `![${md(chart.title).replace(/[[\]]/g, '\\$&')}](${chart.file})`, '', md(chart.caption), '', `*${md(sourceText(chart))}*`);
  };
  if (contents.lead) parts.push('', `## ${md(contents.lead.title)}`, '', ...contents.lead.paragraphs.flatMap((p) => [md(p), '']), contents.lead.tables.map(markdownTable).join('\n\n'));
  if (contents.findings) {
    parts.push('', '## Findings', '', md(findingsIntro(contents.findings)), '', contents.findings.tables.map(markdownTable).join('\n\n'));
    findings.forEach(figure);
  }
  if (contents.notes.length > 0) parts.push('', '## Notes', '', ...contents.notes.map((n) => `- ${md(n)}`));
  parts.push('', '## Key numbers', '', contents.tables.map(markdownTable).join('\n\n'), '', '## Charts');
  rest.forEach(figure);
  return parts.join('\n') + '\n';
}
