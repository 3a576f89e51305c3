/**
 * The outcomes the effects are read for, in the model's own words: every group's defections and
 * the regime capacity lost, with the unit each is printed in.
 */
import type { Unit } from './format.js';

export interface Outcome {
  metric: string;
  label: string;
  unit: Unit;
}

export const GROUP_OUTCOMES: readonly Outcome[] = [
  { metric: 'defected_army', label: 'army', unit: 'people' },
  { metric: 'defected_police', label: 'police', unit: 'people' },
  { metric: 'defected_official_senior', label: 'senior officials', unit: 'people' },
  { metric: 'defected_official', label: 'CDM (officials)', unit: 'people' },
  { metric: 'defected_official_economic', label: 'economic officials', unit: 'people' },
  { metric: 'defected_tycoon', label: 'tycoons', unit: 'people' },
];

export const CAPACITY_OUTCOMES: readonly Outcome[] = [
  { metric: 'military_capacity_lost', label: 'military capacity lost', unit: 'index' },
  { metric: 'economic_capacity_lost', label: 'economic capacity lost', unit: 'index' },
];

export const SPEND_OUTCOME: Outcome = { metric: 'spend_usd', label: 'spend', unit: 'usd' };

export const OUTCOMES: readonly Outcome[] = [...GROUP_OUTCOMES, ...CAPACITY_OUTCOMES, SPEND_OUTCOME];
