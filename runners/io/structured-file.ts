/**
 * Reading a YAML or JSON file (run configs, experiment and calibration files) into a plain value;
 * malformed input is one InputError naming the file, the line and the column. A key given twice
 * is refused in both (never last-wins), and a YAML tag such as !!js/function is an error line,
 * never a warning printed above it.
 */
import { readFileSync } from 'node:fs';
import { parseDocument, YAMLError } from 'yaml';
import { InputError } from '../../engine/errors.js';

/** Read a YAML or JSON file into a plain value; malformed input is an InputError naming the file. */
export function readStructuredFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read '${path}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const json = path.endsWith('.json');
  try {
    return json ? parseJson(text) : parseYamlStrictly(text);
  } catch (error) {
    throw new InputError(`malformed ${json ? 'JSON' : 'YAML'} in '${path}'${parseErrorText(error)}`);
  }
}

/**
 * A YAML document's value; a key given twice or a tag such as !!js/function is an error (never a
 * warning printed above the message, never last-wins). Throws the parser's error.
 */
function parseYamlStrictly(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, logLevel: 'silent' });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw problem;
  return doc.toJS({ maxAliasCount: 100 });
}

/** JSON.parse, refusing a key given twice in one object (JSON.parse keeps the last silently). Throws the parser's error. */
export function parseJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  // YAML is a superset of JSON: its parser finds the repeated key JSON.parse lets through.
  const repeated = parseDocument(text, { uniqueKeys: true, logLevel: 'silent' }).errors.find((e) => e.code === 'DUPLICATE_KEY');
  if (repeated) throw repeated;
  return value;
}

/** Where and what a parse error says, for a message: " at line L, column C: …". */
export function parseErrorText(error: unknown): string {
  const where = error instanceof YAMLError && error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
  const message = error instanceof Error ? error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/u, '') : String(error);
  return `${where}: ${message}`;
}
