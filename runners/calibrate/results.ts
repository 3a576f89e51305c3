/**
 * What a calibration run is made of, as plain records: every simulated candidate, the
 * posterior-predictive points and the run as a whole (calibrate.ts makes it, outputs.ts writes it).
 */
import type { AbcResult, Population } from './abc-smc.js';
import type { CalibrationPlan } from './calibration-file.js';

/** One simulated candidate: its values, the mean measures over its replicates, residuals and distance. */
export interface CandidateRecord {
  generation: number;
  index: number;
  values: readonly number[];
  status: 'ok' | 'failed';
  error: string | null;
  /** The fitted targets' measured values (mean over replicates); null when a replicate failed. */
  measures: number[] | null;
  residuals: number[] | null;
  /** Infinity for a failed candidate. */
  distance: number;
}

/** One posterior-predictive point: a posterior draw run with the sweep's seeds. */
export interface PredictivePoint {
  point: number;
  /** The particle of the posterior it was drawn from. */
  particle: number;
  values: readonly number[];
  status: 'ok' | 'failed';
  error: string | null;
  /** Every target's measure (fitted and holdout), mean over replicates. */
  measures: number[] | null;
  /** Mean series of the targets' columns (`columns` order), one value per tick. */
  series: number[][] | null;
}

export interface CalibrationRun {
  plan: CalibrationPlan;
  result: AbcResult;
  /** Each generation's population (null for an unfinished last one). */
  populations: (Population | null)[];
  /** Every simulated candidate of every generation, by generation in evaluation (= index) order. */
  candidates: CandidateRecord[][];
  predictive: PredictivePoint[];
  /** The series columns the targets read, in first-use order. */
  predictiveColumns: string[];
}
