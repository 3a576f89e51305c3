/** Bad input from a user: the CLI prints `message` alone and exits with code 2. */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** One message naming the key path, the value given and what is allowed. */
export function inputError(path: string, value: unknown, allowed: string): InputError {
  return new InputError(`invalid value for '${path}': ${describeValue(value)} (allowed: ${allowed})`);
}

export function describeValue(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  try {
    // JSON has no Infinity or NaN (a file's 1e999 parses to Infinity): show them, never as null.
    const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `\u0000${v}\u0000` : v)).replace(/"\\u0000(.*?)\\u0000"/g, '$1');
    return text.length > 80 ? text.slice(0, 77) + '...' : text;
  } catch {
    return String(value);
  }
}
