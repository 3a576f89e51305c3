/**
 * Reading a YAML or JSON file (run configs, experiment and calibration files) into a plain value;
 * malformed input is one InputError naming the file, the line and the column.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError } from '../../engine/errors.js';

/** Read a YAML or JSON file into a plain value; malformed input is an InputError naming the file. */
export function readStructuredFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read '${path}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    if (path.endsWith('.json')) return JSON.parse(text);
    return parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InputError(`malformed ${path.endsWith('.json') ? 'JSON' : 'YAML'} in '${path}'${where}: ${message}`);
  }
}
