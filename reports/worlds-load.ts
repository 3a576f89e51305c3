/**
 * Reads a worlds directory (`defsim worlds`, docs/FORMATS.md "Plausible worlds"): everything a
 * calibration directory holds (calibration-load.ts), plus assumptions.csv — per fitted parameter
 * its role, prior against posterior and the verdict — and the roles from the manifest. Errors
 * name the file.
 */
import { basename } from 'node:path';
import { numericColumn, textColumn } from './csv.js';
import { loadCalibrationResult, type CalibrationFiles, type CalibrationResult } from './calibration-load.js';
import { ReportInputError } from './errors.js';
import type { InputFile } from './input-files.js';

/** assumptions.csv, one row per fitted parameter. */
export interface AssumptionRow {
  readonly parameter: string;
  readonly role: 'calibrated' | 'assumption';
  readonly prior: string;
  readonly priorMean: number;
  readonly posteriorMedian: number;
  readonly q05: number;
  readonly q95: number;
  readonly sdRatio: number;
  readonly priorMassBelow: number;
  readonly priorMassAbove: number;
  readonly constraint: string;
  readonly verdict: string;
}

export interface WorldsResult {
  readonly kind: 'worlds';
  readonly dir: string;
  readonly name: string;
  readonly manifest: Readonly<Record<string, unknown>>;
  readonly inputFiles: readonly InputFile[];
  readonly notes: readonly string[];
  /** The directory read as the calibration it also is (charts and tables of calibration-charts.ts). */
  readonly calibration: CalibrationResult;
  readonly assumptions: readonly AssumptionRow[];
  /** Worlds in worlds.csv. */
  readonly worlds: number;
}

export async function loadWorldsResult(dir: string, manifest: Record<string, unknown>, files: CalibrationFiles): Promise<WorldsResult> {
  const calibration = await loadCalibrationResult(dir, manifest, files);
  const table = await files.csv('assumptions.csv');
  const roles = textColumn(table, 'role');
  roles.forEach((role, i) => {
    if (role !== 'calibrated' && role !== 'assumption') throw new ReportInputError(table.file, `line ${i + 2}, column "role": "${role}" (expected calibrated or assumption)`);
  });
  const numbers = (column: string) => numericColumn(table, column);
  const [priorMean, median, q05, q95, sdRatio, below, above] = ['prior_mean', 'posterior_median', 'q05', 'q95', 'sd_ratio', 'prior_mass_below_q05', 'prior_mass_above_q95'].map(numbers);
  const constraint = textColumn(table, 'constraint');
  const verdict = textColumn(table, 'verdict');
  const prior = textColumn(table, 'prior');
  const assumptions = textColumn(table, 'parameter').map((parameter, i) => ({
    parameter, role: roles[i] as AssumptionRow['role'], prior: prior[i], priorMean: priorMean[i], posteriorMedian: median[i], q05: q05[i], q95: q95[i],
    sdRatio: sdRatio[i], priorMassBelow: below[i], priorMassAbove: above[i], constraint: constraint[i], verdict: verdict[i],
  }));
  const worldsTable = await files.csv('worlds.csv');
  const weights = numericColumn(worldsTable, 'weight');
  return {
    kind: 'worlds', dir, name: basename(dir), manifest, inputFiles: files.read, notes: calibration.notes,
    calibration, assumptions, worlds: weights.length,
  };
}
