/**
 * Writes a report into a temporary folder beside its destination and renames it into place at the end, so a
 * half-written report never looks complete; replaces only an earlier report, never a user's other files.
 */
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ReportOutputError } from './errors.js';
import { PAGE_FILES } from './page.js';

let sequence = 0;

/** The crash tests' file-operation counter (runners/io/fault-injection.ts, DEFSIM_FAIL_AFTER_OPS), when armed; reached without importing runners/. */
function fileOperation(): void {
  (globalThis as Record<symbol, (() => void) | undefined>)[Symbol.for('defsim.fileOperation')]?.();
}

/** Fails early (before any rendering) when the destination holds something that is not an earlier report. */
export async function checkReplaceable(target: string): Promise<void> {
  const info = await stat(target).catch(() => null);
  if (info === null) return;
  if (!info.isDirectory()) throw new ReportOutputError(target, 'exists and is not a folder; not overwriting it');
  const entries = await readdir(target);
  if (entries.length === 0) return;
  const ours = await earlierReportFiles(target);
  if (ours === null) {
    throw new ReportOutputError(target, 'exists and is not a defsim report (no report.json from `defsim report`); not overwriting it — move it away or choose another --out');
  }
  const foreign = entries.filter((entry) => !ours.has(entry));
  if (foreign.length > 0) {
    const listed = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ', …' : '');
    throw new ReportOutputError(target, `holds files that are not part of the earlier report (${listed}); not overwriting — move them away or choose another --out`);
  }
}

/** The files an earlier report wrote, from its report.json; null when the folder is not a report. */
async function earlierReportFiles(target: string): Promise<Set<string> | null> {
  try {
    const listed = JSON.parse(await readFile(join(target, 'report.json'), 'utf8')) as { generator?: unknown; charts?: { file?: unknown }[] };
    if (listed.generator !== 'defsim report' || !Array.isArray(listed.charts)) return null;
    const charts = listed.charts.map((c) => c.file).filter((f): f is string => typeof f === 'string');
    return new Set([...PAGE_FILES, ...charts]);
  } catch {
    return null;
  }
}

/** Creates a fresh temporary folder beside target, lets fill write into it, then swaps it into place. */
export async function writeAtomically(target: string, fill: (tempDir: string) => Promise<void>): Promise<void> {
  const parent = dirname(target);
  await makeParents(parent);
  await checkReplaceable(target);
  const temp = join(parent, `.${basename(target)}.partial-${process.pid}-${++sequence}`);
  await mkdir(temp);
  fileOperation();
  try {
    await fill(temp);
    fileOperation();
    await swapIntoPlace(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * `mkdir -p`, a level at a time: Node's recursive mkdir spins forever where the file system refuses
 * a new directory with ENOENT (procfs: `--out /proc/x`), and reports EROFS/EACCES as ENOENT.
 */
async function makeParents(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir || (await stat(dirname(dir)).catch(() => null))?.isDirectory()) throw error;
    await makeParents(dirname(dir));
    await mkdir(dir).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}

async function swapIntoPlace(temp: string, target: string): Promise<void> {
  await checkReplaceable(target);
  const existing = await stat(target).catch(() => null);
  if (existing === null) {
    await rename(temp, target);
    fileOperation();
    return;
  }
  const old = join(dirname(target), `.${basename(target)}.old-${process.pid}-${++sequence}`);
  await rename(target, old);
  fileOperation();
  try {
    await rename(temp, target);
    fileOperation();
  } catch (error) {
    await rename(old, target);
    throw error;
  }
  await rm(old, { recursive: true, force: true });
  fileOperation();
}
