/**
 * `--report` on a command that wrote a result directory: render its report right after (reports/
 * is loaded only when asked for).
 */
import { join } from 'node:path';
import { writingTo } from './output-error.js';

export async function renderAfter(dir: string, quiet: boolean): Promise<void> {
  const { renderReport } = await import('../../reports/index.js');
  const result = await writingTo(join(dir, 'report'), `defsim report ${dir}`, () => renderReport(dir, {}));
  if (!quiet) console.log(`report: ${result.html ?? dir}`);
}
