/**
 * Reading large CSV files in bounded memory: a file is read a chunk at a time and handed on one
 * record at a time (RFC 4180 quoting, a quoted field may hold commas, quotes and line breaks), and
 * numeric tables go straight into one Float64Array per column — no object per row is kept, so
 * memory is the columns themselves plus a chunk (`defsim analyze` of 10^6 rows: bench/io.ts).
 *
 *   forEachCsvRecord(path, (cells, record) => …, { onBytes: (b) => hash.update(b) });
 *   const { header, columns, rows } = readNumberColumns(path, 'the outputs Y');
 *   parseCsv(text, file);   // a small file already in memory (decide's inputs): its records
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '../../engine/errors.js';

const CHUNK_BYTES = 1 << 22;

/** A number as a CSV cell may hold it: decimal, optionally signed, with an optional exponent (not 0x10, 1_000, Infinity). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/u;

export interface CsvReadOptions {
  /** Every byte read, in order (e.g. to hash the file while reading it). */
  onBytes?: (bytes: Buffer) => void;
}

/**
 * Call `onRecord(cells, index)` for each record of a CSV file (index 0 is the header, when there
 * is one), in order; empty lines are skipped. `file` names it in errors.
 */
export function forEachCsvRecord(path: string, onRecord: (cells: string[], index: number) => void, options: CsvReadOptions = {}, file = path): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new InputError(`cannot read '${file}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.alloc(CHUNK_BYTES);
  let carry = ''; // text after the last line break read so far
  let open = ''; // the lines of a record whose quoted field is not closed yet
  let index = 0;
  const emit = (record: string) => {
    if (record === '' || record === '\r') return;
    const text = record.endsWith('\r') ? record.slice(0, -1) : record;
    onRecord(text.includes('"') ? quotedCells(text, file) : text.split(','), index++);
  };
  const line = (text: string) => {
    if (open === '' && !text.includes('"')) return emit(text);
    const record = open === '' ? text : `${open}\n${text}`;
    if (quoteCount(record) % 2 === 1) open = record; // a quoted field goes on past this line break
    else {
      open = '';
      emit(record);
    }
  };
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      const bytes = buffer.subarray(0, n);
      options.onBytes?.(bytes);
      const text = carry + decoder.write(bytes);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        line(text.slice(start, nl));
        start = nl + 1;
      }
      carry = text.slice(start);
    }
    const rest = carry + decoder.end();
    if (rest !== '' || open !== '') line(rest);
    if (open !== '') throw new InputError(`malformed CSV in '${file}': a quoted field is not closed`);
  } finally {
    closeSync(fd);
  }
}

function quoteCount(text: string): number {
  let count = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) count++;
  return count;
}

/** The cells of one record that holds quotes (RFC 4180: "" inside quotes is one quote). */
function quotedCells(text: string, file: string): string[] {
  const cells: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      cells.push(field);
      field = '';
    } else field += ch;
  }
  if (quoted) throw new InputError(`malformed CSV in '${file}': a quoted field is not closed`);
  cells.push(field);
  return cells;
}

/** Whether a cell (trimmed) is a decimal number as a CSV may hold it (not 0x10, 1_000 or Infinity). */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/** Split CSV text already in memory into records (RFC 4180 quoting); `file` names it in errors; empty lines are skipped. */
export function parseCsv(text: string, file: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    fields.push(field);
    field = '';
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      endField();
      records.push(fields);
      fields = [];
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else field += ch;
    i++;
  }
  if (quoted) throw new InputError(`malformed CSV in '${file}': a quoted field is not closed`);
  if (field !== '' || fields.length > 0) {
    endField();
    records.push(fields);
  }
  return records.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** A cell of a numeric table: an empty cell is NaN; anything but a decimal number is refused, naming where. */
export function numberCell(cell: string, file: string, record: number, column: string): number {
  const text = cell.trim();
  if (text === '') return NaN;
  const value = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value)) throw new InputError(`'${file}' line ${record + 1}, column '${column}': ${JSON.stringify(cell)} is not a number (allowed: a decimal number such as 12, -0.5 or 1.5e-3, or an empty cell)`);
  return value;
}

/** A column of numbers that grows as rows are read. */
class GrowingColumn {
  values = new Float64Array(1024);
  length = 0;

  push(x: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = x;
  }

  done(): Float64Array {
    return this.values.slice(0, this.length);
  }
}

/**
 * A numeric CSV with a header line: the column names and the columns as Float64Arrays (an empty
 * cell is NaN). `what` names the file in messages ("the design X").
 */
export function readNumberColumns(path: string, what: string): { header: string[]; columns: Float64Array[]; rows: number } {
  let header: string[] = [];
  let columns: GrowingColumn[] = [];
  try {
    forEachCsvRecord(path, (cells, record) => {
      if (record === 0) {
        header = cells.map((h) => h.trim());
        columns = header.map(() => new GrowingColumn());
        return;
      }
      if (cells.length !== header.length) throw new InputError(`'${path}' line ${record + 1}: ${cells.length} fields, the header has ${header.length}`);
      for (let c = 0; c < cells.length; c++) columns[c].push(numberCell(cells[c], path, record, header[c]));
    });
  } catch (error) {
    if (error instanceof InputError && error.message.startsWith(`cannot read '${path}'`)) throw new InputError(error.message.replace('cannot read', `cannot read ${what}`));
    throw error;
  }
  const rows = columns[0]?.length ?? 0;
  if (rows === 0) throw new InputError(`'${path}' has no data rows (allowed: a header line of names, then one row per design point)`);
  return { header, columns: columns.map((c) => c.done()), rows };
}
