#!/usr/bin/env node
// A stand-in for the plausible worlds of `defsim worlds` (docs/results/worlds-myanmar-2021/worlds.csv)
// until that file is shipped: the 500 particles of the shipped calibration posterior
// (docs/results/calibrate-myanmar-2021/posterior.csv, 13 calibrated parameters, importance
// weights) each given the 30 assumptions no target identifies, drawn from their prior ranges by a
// Latin hypercube (engine/rng.ts, seed 2021). Unlike `defsim worlds`, the assumptions are NOT
// conditioned on the record: a world may no longer reproduce it. Writes worlds.csv's format:
// world, weight, then one column per parameter.
//
//   node scripts/worlds-standin.mjs > docs/results/decide-myanmar-2021/worlds-standin.csv   (after npm run build)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { latinHypercubeColumns } from '../dist/runners/sweep/design.js';

const root = join(import.meta.dirname, '..');
/** The assumptions and their prior ranges: experiments/sensitivity.yaml's, and the fiscal link and credible money of model 1.2. */
export const ASSUMPTIONS = {
  'decision.safetyWeight': [1, 4],
  'decision.familyWeight': [1, 4],
  'decision.peerWeight': [1.5, 4.5],
  'decision.lockedWeight': [0.5, 4],
  'decision.riskWeight': [1, 3],
  'decision.gainWeight': [0.5, 2],
  'sponsors.safety.listed': [0.02, 0.4],
  'sanctions.offRampCredibility': [0.2, 0.9],
  'sponsors.costs.visaUsd': [1000, 20000],
  'sponsors.costs.familyUsd': [200, 5000],
  'sponsors.outreach.soldier': [0.01, 0.1],
  'sponsors.outreach.official': [0.01, 0.1],
  'sponsors.outreach.tycoon': [0.01, 0.1],
  'regime.capacity.ncoWeight': [1, 4],
  'regime.capacity.officerWeight': [2, 10],
  'regime.capacity.conscriptWeight': [0.2, 1],
  'regime.capacity.midOfficialWeight': [1.5, 6],
  'regime.capacity.seniorOfficialWeight': [4, 20],
  'regime.capacity.officialsShare': [0.25, 0.75],
  'sanctions.designation.officerShare': [0.3, 0.6],
  'sanctions.designation.seniorOfficialShare': [0.1, 0.35],
  'sanctions.revenueEffect': [0, 1],
  'regime.returns.strikerRate': [0.002, 0.03],
  'regime.returns.deserterPardonRate': [0, 0.01],
  'regime.fiscal.link': [0, 1],
  'regime.fiscal.arrearsWeight': [0, 4],
  'regime.fiscal.adjustShare': [0.1, 0.5],
  'regime.fiscal.sanctionsRevenueShare': [0, 0.3],
  'sponsors.credibility.updateShare': [0.1, 0.9],
  'sponsors.claims.maxWaitTicks': [2, 12],
};
const INTEGER = new Set(['sponsors.claims.maxWaitTicks']);

const text = readFileSync(join(root, 'docs/results/calibrate-myanmar-2021/posterior.csv'), 'utf8').trim().split('\n');
const header = text[0].split(',');
const calibrated = header.filter((h) => h.includes('.'));
const rows = text.slice(1).map((line) => line.split(','));
const at = (name) => header.indexOf(name);
const names = Object.keys(ASSUMPTIONS);
const unit = latinHypercubeColumns(2021, rows.length, names.length);
const round = (x) => Number(x.toPrecision(6));
const out = [['world', 'weight', ...calibrated, ...names].join(',')];
rows.forEach((row, i) => {
  const assumptions = names.map((name, j) => {
    const [from, to] = ASSUMPTIONS[name];
    const x = from + unit[j][i] * (to - from);
    return INTEGER.has(name) ? Math.min(to, Math.floor(from + unit[j][i] * (to - from + 1))) : round(x);
  });
  out.push([String(i), row[at('weight')], ...calibrated.map((name) => row[at(name)]), ...assumptions].join(','));
});
process.stdout.write(out.join('\n') + '\n');
