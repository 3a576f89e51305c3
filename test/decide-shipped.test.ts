/**
 * The shipped decision across all 500 plausible worlds (docs/results/decide-myanmar-2021/): the
 * files against the sha256 its README lists, the README's table of the policy most likely best
 * against decision.csv, and the experiments that read the shipped worlds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sha256 } from '../runners/io/outputs.js';

const root = join(import.meta.dirname, '..');
const RESULTS = join(root, 'docs', 'results', 'decide-myanmar-2021');
const readme = readFileSync(join(RESULTS, 'README.md'), 'utf8');

function rows(file: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(join(RESULTS, file), 'utf8').trimEnd().split('\n');
  const names = head.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, k) => [names[k], cell])));
}

describe('the shipped decision across the plausible worlds (docs/results/decide-myanmar-2021/)', () => {
  it('every file the README lists has the sha256 it states', () => {
    const listed = [...readme.matchAll(/\| `([^`]+)` \| ([0-9a-f]{64}) \|/g)];
    expect(listed.map((m) => m[1]).sort()).toEqual(['decision.csv', 'evppi.csv', 'scenarios.csv']);
    for (const [, file, hash] of listed) expect(sha256(readFileSync(join(RESULTS, file))), file).toBe(hash);
  });

  it("the README's policy most likely best is decision.csv's, per criterion, with its probability", () => {
    const decision = rows('decision.csv');
    const stated = [...readme.matchAll(/\| `([a-z_]+)` \| `([a-z0-9-]+)` \| ([0-9.]+) ± ([0-9.]+) \|/g)];
    const criteria = [...new Set(decision.map((r) => r.criterion))];
    expect(stated.map((m) => m[1])).toEqual(criteria);
    for (const [, criterion, policy, probability, se] of stated) {
      const ofCriterion = decision.filter((r) => r.criterion === criterion);
      const best = ofCriterion.reduce((a, b) => (Number(b.probability_best) > Number(a.probability_best) ? b : a));
      expect(best.policy, criterion).toBe(policy);
      expect(Number(best.probability_best).toFixed(3), criterion).toBe(probability);
      expect(Number(best.probability_best_se).toFixed(3), criterion).toBe(se);
      // Probabilities of being best over the policies a criterion compares sum to 1.
      expect(ofCriterion.reduce((s, r) => s + Number(r.probability_best), 0), criterion).toBeCloseTo(1, 9);
    }
  });

  it('the main job and the all-worlds experiment read the shipped worlds, and differ only in how many', () => {
    const main = parse(readFileSync(join(root, 'experiments', 'decide-myanmar-2021.yaml'), 'utf8'));
    const all = parse(readFileSync(join(root, 'experiments', 'decide-myanmar-2021-all.yaml'), 'utf8'));
    expect(main.worlds).toEqual({ file: 'docs/results/worlds-myanmar-2021/worlds.csv', sample: 64 });
    expect(all.worlds).toEqual({ file: 'docs/results/worlds-myanmar-2021/worlds.csv' });
    const strip = (e: Record<string, unknown>) => ({ ...e, name: undefined, description: undefined, worlds: undefined });
    expect(strip(all)).toEqual(strip(main));
  });
});
