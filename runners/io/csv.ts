/**
 * Writing CSV: numbers in their shortest round-trip form, RFC 4180 quoting, and files streamed
 * through a temporary name, hashed as they are written, renamed into place when complete.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';

/** A number as it appears in every CSV: shortest round-trip form; non-finite values are empty cells. */
export function formatNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : '';
}

/** Quote a CSV cell when it holds a comma, a quote or a line break (RFC 4180). */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV file written through a temporary name in 1 MiB chunks, hashed as it goes. */
export class CsvFile {
  private readonly tmp: string;
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly path: string, header: string[]) {
    this.tmp = `${path}.tmp-${process.pid}`;
    this.fd = openSync(this.tmp, 'w');
    this.row(header);
  }

  row(cells: string[]): void {
    this.line(cells.join(','));
  }

  line(text: string): void {
    this.chunks.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= 1 << 20) this.flush();
  }

  private flush(): void {
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    this.hash.update(text, 'utf8');
    writeAll(this.fd, text);
  }

  /** Close and rename into place; returns the sha256 of the content. */
  finish(): string {
    this.flush();
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
    return this.hash.digest('hex');
  }

  /** Close and remove the temporary file (after an error). */
  abandon(): void {
    try {
      closeSync(this.fd);
      unlinkSync(this.tmp);
    } catch {
      /* already gone */
    }
  }
}

/** One reused buffer for writes, so a long sweep does not allocate a new one per batch. */
let scratch = Buffer.alloc(1 << 20);

/** Write all of `text` (a write may take less than asked). */
export function writeAll(fd: number, text: string): void {
  const need = Buffer.byteLength(text, 'utf8');
  if (need > scratch.length) scratch = Buffer.alloc(Math.max(need, 2 * scratch.length));
  const length = scratch.write(text, 0, 'utf8');
  for (let done = 0; done < length; ) done += writeSync(fd, scratch, done, length - done);
}
