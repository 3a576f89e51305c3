/**
 * What proves a journal record whole (the sweep's and the calibration's journals): each record is
 * written as one JSON line ending in `"check":"…"`, the first 32 hex digits of the sha256 of the
 * run's identity — what it must be the result of: the experiment or calibration hash, the model
 * (name, version and, for a user's module, its sha256), the run id (or candidate, or predictive
 * point), its seed and a hash of its parameters, all computed by the
 * reader from the plan, never taken from the record — and of the record's text. A record whose
 * text was changed (a number edited, a value replaced by "lots", a bit flipped) or that claims a
 * run it is not the result of fails its check; a resume runs it again and says how many.
 *
 *   const line = sealedLine(record, identity);          // one line, no newline
 *   checkSeal(line, identity);                          // 'valid' | 'invalid' | 'unsealed' (format-1 journals)
 */
import { createHash } from 'node:crypto';

const CHECK = ',"check":"';
const CHECK_DIGITS = 32;

function checkOf(identity: string, body: string): string {
  return createHash('sha256').update(identity).update('\n').update(body).digest('hex').slice(0, CHECK_DIGITS);
}

/** The record as one JSON line (no newline) whose last member is its check. */
export function sealedLine(record: object, identity: string): string {
  const body = JSON.stringify(record);
  return `${body.slice(0, -1)}${CHECK}${checkOf(identity, body)}"}`;
}

/**
 * Whether a journal line is the record of the run `identity` names, unchanged: 'valid'; 'invalid'
 * when its check fails; 'unsealed' when it has no check (a journal of the previous format).
 */
export function checkSeal(line: string, identity: string): 'valid' | 'invalid' | 'unsealed' {
  const at = line.lastIndexOf(CHECK); // a string value cannot hold it unescaped, so the last one is the seal
  if (at < 0) return 'unsealed';
  const end = at + CHECK.length + CHECK_DIGITS;
  if (line.length !== end + 2 || line.slice(end) !== '"}') return 'invalid';
  return line.slice(at + CHECK.length, end) === checkOf(identity, `${line.slice(0, at)}}`) ? 'valid' : 'invalid';
}

/** A short, stable hash of a run's parameters (JSON of the values in key order), for identities. */
export function parametersHash(values: unknown): string {
  return createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 16);
}

/** The model in an identity: its name and version, and the sha256 of a user's module (not its path: a moved file is the same model). */
export function modelIdentityText(model: { name: string; version: string; sha256?: string }): string {
  return `model ${model.name} ${model.version}${model.sha256 ? ` ${model.sha256}` : ''}`;
}
