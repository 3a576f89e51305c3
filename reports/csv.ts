/** A small strict CSV reader (RFC 4180 quoting) whose errors name the file and line. */
import { ReportInputError } from './errors.js';

export interface Table {
  /** Path of the file the table was read from (used in error messages). */
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Parses CSV text; every row must have as many fields as the header. */
export function parseCsv(text: string, file: string): Table {
  const records = splitRecords(text, file);
  if (records.length === 0 || (records.length === 1 && records[0].length === 1 && records[0][0] === '')) {
    throw new ReportInputError(file, 'the file is empty (expected a header line)');
  }
  const header = records[0];
  checkHeader(header, file);
  const rows = records.slice(1);
  rows.forEach((row, i) => {
    if (row.length !== header.length) {
      throw new ReportInputError(file, `line ${i + 2}: expected ${header.length} fields, found ${row.length} (truncated or corrupt file?)`);
    }
  });
  return { file, header, rows };
}

function checkHeader(header: readonly string[], file: string): void {
  const seen = new Set<string>();
  for (const name of header) {
    if (name === '') throw new ReportInputError(file, 'the header has an empty column name');
    if (seen.has(name)) throw new ReportInputError(file, `the header names column "${name}" twice`);
    seen.add(name);
  }
}

/** Splits text into records of fields, honouring double-quoted fields; a final newline is optional. */
function splitRecords(text: string, file: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      records.push(fields);
      fields = [];
      field = '';
      line++;
    } else field += ch;
  }
  if (quoted) throw new ReportInputError(file, `line ${line}: a quoted field is never closed (truncated file?)`);
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    records.push(fields);
  }
  return records;
}

/** Index of a column; throws naming the file when it is absent. */
export function columnIndex(table: Table, column: string): number {
  const index = table.header.indexOf(column);
  if (index < 0) throw new ReportInputError(table.file, `missing column "${column}"`);
  return index;
}

export function hasColumn(table: Table, column: string): boolean {
  return table.header.includes(column);
}

/**
 * A numeric column. Empty cells and "NaN" become NaN (a value the model could not compute);
 * any other text that is not a number is an error naming file, line and column.
 */
export function numericColumn(table: Table, column: string): number[] {
  const index = columnIndex(table, column);
  return table.rows.map((row, i) => parseNumberCell(row[index], table.file, i + 2, column));
}

export function textColumn(table: Table, column: string): string[] {
  const index = columnIndex(table, column);
  return table.rows.map((row) => row[index]);
}

export function parseNumberCell(cell: string, file: string, line: number, column: string): number {
  const text = cell.trim();
  if (text === '' || text === 'NaN') return Number.NaN;
  const value = Number(text);
  if (Number.isNaN(value)) {
    throw new ReportInputError(file, `line ${line}, column "${column}": "${cell}" is not a number`);
  }
  return value;
}

/** True when every non-empty cell of the column reads as a finite number. */
export function isNumericText(values: readonly string[]): boolean {
  return values.length > 0 && values.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
}
