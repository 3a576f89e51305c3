/**
 * Writing CSV: numbers in their shortest round-trip form, RFC 4180 quoting, and files streamed
 * through a temporary name, hashed as they are written, renamed into place when complete.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { bytesToWrite, fileOperation } from './fault-injection.js';

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
  private open = true;

  constructor(private readonly path: string, header: string[]) {
    this.tmp = `${path}.tmp-${process.pid}`;
    this.fd = openSync(this.tmp, 'w');
    fileOperation();
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
    try {
      writeAll(this.fd, text);
    } catch (error) {
      this.abandon(); // a full disk leaves no temporary file behind, whoever writes the file
      throw error;
    }
  }

  /** Close and rename into place; returns the sha256 of the content. */
  finish(): string {
    this.flush();
    try {
      this.open = false;
      closeSync(this.fd);
      renameSync(this.tmp, this.path);
    } catch (error) {
      this.abandon();
      throw error;
    }
    fileOperation();
    return this.hash.digest('hex');
  }

  /** Close and remove the temporary file (after an error); nothing once it is renamed into place. */
  abandon(): void {
    try {
      if (this.open) closeSync(this.fd);
    } catch {
      /* closed already */
    }
    this.open = false;
    try {
      unlinkSync(this.tmp);
    } catch {
      /* already gone, or renamed into place */
    }
  }
}

/** One reused buffer for writes, so a long sweep does not allocate a new one per batch. */
let scratch = Buffer.alloc(1 << 20);

/** Write all of `text` (a write may take less than asked). */
export function writeAll(fd: number, text: string): void {
  const need = Buffer.byteLength(text, 'utf8');
  if (need > scratch.length) scratch = Buffer.alloc(Math.max(need, 2 * scratch.length));
  const length = bytesToWrite(scratch.write(text, 0, 'utf8'));
  for (let done = 0; done < length; ) done += writeSync(fd, scratch, done, length - done);
  fileOperation();
}
