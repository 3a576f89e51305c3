/**
 * The required behaviours of model version 1.2 (MODEL.md, "Version 1.2", behaviours 18-22): money
 * that buys only what it can pay, costs attributed to the group that got them, single levers, one
 * regime outcome through the fiscal link, and conservation at the extremes. Fixed seeds; where a
 * behaviour is about expectations, means over replicates with their standard errors.
 */
import { describe, expect, it } from 'vitest';
import { GROUPS, REPORT_GROUPS, SPEND_GROUPS } from '../agents/defection/groups.js';
import { PAID } from '../agents/defection/population.js';
import { findScenario, PACKAGE_NAMES, SCENARIO_NAMES } from '../agents/defection/scenarios.js';
import { backInService, column, mean, modelColumn, payoutPerAgent, run, runModel, type Settings } from './helpers.js';

/** Mean and standard error of the paired differences b − a. */
function pairedDiff(a: readonly number[], b: readonly number[]): { mean: number; se: number } {
  const d = a.map((x, i) => b[i] - x);
  const m = mean(d);
  const variance = d.reduce((s, x) => s + (x - m) ** 2, 0) / (d.length - 1);
  return { mean: m, se: Math.sqrt(variance / d.length) };
}

const finalOf = (r: ReturnType<typeof run>, name: string) => column(r, name)[r.ticks - 1];

// ----------------------------------------------------------------------------------------- 18
describe('18. credible money', () => {
  const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
  const BUDGETS = [0, 1e6, 1e7, 3e7, 1e8, 3e8, 1e9];
  const GROUPS_PAID = ['left_ever_army', 'left_ever_police', 'left_ever_official_senior'];
  // defection-offer pays soldiers (the NUG's schedule) and senior officials ($500,000).
  const curve = BUDGETS.map((budget) => {
    const set: Settings = { 'population.scale': 20, 'sponsors.budgetUsd': budget, 'sponsors.monthlyFundingUsd': budget / 50 };
    const runs = SEEDS.map((seed) => run(set, seed, 'defection-offer'));
    return { budget, runs };
  });

  it('across budgets from 0 to $1B (funding scaled with it), every paid group\'s defections rise (within seed noise) and saturate', () => {
    const lines: string[] = [];
    for (const metric of GROUPS_PAID) {
      const values = curve.map((c) => c.runs.map((r) => finalOf(r, metric)));
      lines.push(`${metric}: ${values.map((v, k) => `${BUDGETS[k].toExponential(0)} → ${mean(v).toFixed(1)}`).join(', ')}`);
      // Never falls from one budget to the next by more than three standard errors.
      for (let k = 1; k < values.length; k++) {
        const d = pairedDiff(values[k - 1], values[k]);
        expect(d.mean, `${metric} from ${BUDGETS[k - 1]} to ${BUDGETS[k]}`).toBeGreaterThan(-3 * d.se - 1e-9);
      }
      // Rises: $300M buys clearly more than nothing.
      const rise = pairedDiff(values[0], values[5]);
      expect(rise.mean, `${metric} rise`).toBeGreaterThan(5 * rise.se);
      // Saturates: beyond what the claims can use, more money buys nothing more.
      const top = pairedDiff(values[5], values[6]);
      expect(Math.abs(top.mean), `${metric} at the top`).toBeLessThanOrEqual(Math.max(3 * top.se, 0.02 * mean(values[5])));
    }
    // The top budget is not spent: demand, not money, is the limit there.
    for (const r of curve[curve.length - 1].runs) expect(finalOf(r, 'budget_left_usd')).toBeGreaterThan(1e8);
    console.log(`budget response (defection-offer, funding = budget/50 a month, ${SEEDS.length} seeds):\n  ${lines.join('\n  ')}`);
  });

  it('payouts never exceed the money available, at any tick, for any budget', () => {
    for (const { budget, runs } of curve) {
      for (const r of runs) {
        const payouts = column(r, 'payouts_usd');
        const left = column(r, 'budget_left_usd');
        payouts.forEach((paid, t) => {
          const available = budget + (budget / 50) * t;
          expect(paid).toBeLessThanOrEqual(available * (1 + 1e-12) + 1e-6);
          expect(left[t]).toBeGreaterThanOrEqual(-1e-6);
        });
      }
    }
  });

  it('a budget that can pay only k claimants yields at most about k defections above what the unpaid would have done', () => {
    const seeds = [1, 2, 3, 4, 5, 6];
    const base = seeds.map((seed) => finalOf(run({ 'population.scale': 20, 'sponsors.budgetUsd': 0, 'sponsors.monthlyFundingUsd': 0 }, seed, 'lever-senior-payouts'), 'left_ever_official_senior'));
    for (const k of [1, 5, 20, 100]) {
      const runs = seeds.map((seed) => run({ 'population.scale': 20, 'sponsors.budgetUsd': k * 500000, 'sponsors.monthlyFundingUsd': 0 }, seed, 'lever-senior-payouts'));
      // Those who left only because their claim was accepted: never more than the budget pays.
      for (const r of runs) {
        expect(finalOf(r, 'bought_defections')).toBeLessThanOrEqual(k);
        expect(finalOf(r, 'paid_defections')).toBeLessThanOrEqual(k);
      }
      const extra = pairedDiff(base, runs.map((r) => finalOf(r, 'left_ever_official_senior')));
      expect(extra.mean, `extra senior officials for k = ${k}`).toBeLessThanOrEqual(k + 3 * extra.se + 1);
      // It buys something: claims are accepted, and with enough of them the count rises beyond seed noise.
      expect(mean(runs.map((r) => finalOf(r, 'bought_defections')))).toBeGreaterThan(0.5 * k);
      if (k >= 20) expect(extra.mean, `k = ${k} buys something`).toBeGreaterThan(3 * extra.se);
    }
  });

  it('an offer pulls only as much as its expected payment: with no money at all it pulls nothing', () => {
    // A schedule with no budget: claims are made and lapse, and no one leaves for the money.
    const seeds = [1, 2, 3];
    for (const seed of seeds) {
      const unpaid = run({ 'population.scale': 20, 'sponsors.budgetUsd': 0, 'sponsors.monthlyFundingUsd': 0 }, seed, 'lever-soldier-payouts');
      const none = run({ 'population.scale': 20, 'sponsors.budgetUsd': 0, 'sponsors.monthlyFundingUsd': 0, 'sponsors.payout.soldierUsd': 0, 'sponsors.payout.ncoUsd': 0, 'sponsors.payout.officerUsd': 0, 'sponsors.payout.assetBonusUsd.soldier': 0 }, seed, 'lever-soldier-payouts');
      // The same draws, the same decisions: identical defections.
      for (const name of ['defected_army', 'defected_police', 'left_ever_army']) expect(column(unpaid, name)).toEqual(column(none, name));
      expect(Math.max(...column(unpaid, 'credibility_soldier'))).toBe(0);
      expect(finalOf(unpaid, 'bought_defections')).toBe(0);
    }
  });

  it('when the money runs out word spreads and the pull falls; when it comes back the pull recovers', () => {
    // No budget, $300,000 a month: claims outrun the money, belief falls; funding refills it and belief returns.
    const r = run({ 'population.scale': 20, 'sponsors.budgetUsd': 0, 'sponsors.monthlyFundingUsd': 3e5 }, 1, 'lever-soldier-payouts');
    const credibility = column(r, 'credibility_soldier');
    const start = 7;
    expect(credibility[start]).toBe(1);
    const low = credibility.findIndex((c, t) => t > start && c < 0.1);
    expect(low).toBeGreaterThan(start);
    const recovered = credibility.findIndex((c, t) => t > low && c > 0.8);
    expect(recovered).toBeGreaterThan(low);
    // Belief moves by sponsors.credibility.updateShare (0.5) a month: it halves, it never jumps to 0.
    for (let t = start + 1; t < r.ticks; t++) {
      if (credibility[t] < credibility[t - 1]) expect(credibility[t]).toBeGreaterThanOrEqual(0.5 * credibility[t - 1] - 1e-12);
    }
  });

  it('a claim waits at most sponsors.claims.maxWaitTicks months; with 0, a claim not paid at once lapses', () => {
    for (const wait of [0, 3]) {
      const model = runModel({ 'population.scale': 20, 'sponsors.budgetUsd': 2e6, 'sponsors.monthlyFundingUsd': 1e5, 'sponsors.claims.maxWaitTicks': wait }, 2, 'lever-soldier-payouts');
      expect(modelColumn(model, 'claims_lapsed')[model.params.time.ticks - 1]).toBeGreaterThan(0);
      const queued = modelColumn(model, 'claims_queued_usd');
      if (wait === 0) expect(Math.max(...queued)).toBeGreaterThan(0); // waits within the month, then lapses
    }
  });
});

// ----------------------------------------------------------------------------------------- 19
describe('19. costs add up', () => {
  const cases: Array<[string, Settings]> = [
    ['defection-offer', {}],
    ['economic-targeting', {}],
    ['off-ramp', { 'sponsors.costs.fixedUsdPerMonth': 250000 }],
    ['myanmar-2021', { 'sponsors.budgetUsd': 3e6, 'sponsors.outreach.soldier': 0.3 }],
  ];
  for (const [scenario, set] of cases) {
    it(`the groups' spends and the shared costs sum to spend_usd at every tick, and each group's payouts are what its people were paid (${scenario})`, () => {
      const model = runModel({ 'population.scale': 10, ...set }, 4, scenario);
      const ticks = model.params.time.ticks;
      const total = modelColumn(model, 'spend_usd');
      const parts = [...SPEND_GROUPS.map((g) => modelColumn(model, `spend_${g.name}_usd`)), modelColumn(model, 'spend_shared_usd')];
      for (let t = 0; t < ticks; t++) {
        const sum = parts.reduce((s, p) => s + p[t], 0);
        expect(Math.abs(sum - total[t])).toBeLessThanOrEqual(1e-6 * Math.max(1, total[t]));
      }
      // The spend groups are a partition of the agent groups.
      expect(SPEND_GROUPS.flatMap((g) => g.members).sort((a, b) => a - b)).toEqual(GROUPS.map((_, i) => i));
      // Payouts by group, recomputed from the agents who were paid.
      const { agents, size, groupWeight } = model.population;
      const paidBy = new Map<string, number>(SPEND_GROUPS.map((g) => [g.name, 0]));
      for (let i = 0; i < size; i++) {
        if (!(agents.flags[i] & PAID)) continue;
        const g = agents.group[i];
        const sg = SPEND_GROUPS.find((x) => x.members.includes(g))!;
        paidBy.set(sg.name, paidBy.get(sg.name)! + payoutPerAgent(model.params, g, agents.flags[i]) * groupWeight[g]);
      }
      for (const sg of SPEND_GROUPS) {
        const payouts = sg.members.reduce((s, g) => s + model.sponsors.payoutsByGroup[g], 0);
        expect(Math.abs(payouts - paidBy.get(sg.name)!)).toBeLessThanOrEqual(1e-6 * Math.max(1, payouts));
        // A group's spend is its payouts plus the places and safe houses its people used.
        expect(modelColumn(model, `spend_${sg.name}_usd`)[ticks - 1]).toBeGreaterThanOrEqual(payouts - 1e-6);
      }
      if (set['sponsors.costs.fixedUsdPerMonth']) {
        expect(modelColumn(model, 'spend_shared_usd')[ticks - 1]).toBe(250000 * (ticks - model.params.sponsors.startTick));
      }
    });
  }

  it('no group is charged for what another got: soldier payouts alone are charged to soldiers', () => {
    const r = run({ 'population.scale': 20 }, 1, 'lever-soldier-payouts');
    expect(finalOf(r, 'spend_army_usd') + finalOf(r, 'spend_police_usd')).toBeCloseTo(finalOf(r, 'spend_usd'), 3);
    for (const name of ['spend_official_senior_usd', 'spend_cdm_usd', 'spend_tycoon_usd', 'spend_shared_usd']) expect(finalOf(r, name)).toBe(0);
  });
});

// ----------------------------------------------------------------------------------------- 20
describe('20. single levers', () => {
  const noPolicy = findScenario('no-policy')!.set;
  const levers: Record<string, { keys: RegExp; rises: string }> = {
    'lever-soldier-payouts': { keys: /^sponsors\.(budgetUsd|monthlyFundingUsd|payout\.(soldierUsd|ncoUsd|officerUsd|assetBonusUsd\.soldier)|outreach\.soldier)$/, rises: 'left_ever_army' },
    'lever-senior-payouts': { keys: /^sponsors\.(budgetUsd|monthlyFundingUsd|payout\.seniorOfficialUsd|outreach\.official)$/, rises: 'left_ever_official_senior' },
    'lever-economic-payouts': { keys: /^sponsors\.(budgetUsd|monthlyFundingUsd|payout\.(juniorOfficialUsd|midOfficialUsd|seniorOfficialUsd|economicSectorMultiplier|officialSector)|outreach\.official)$/, rises: 'left_ever_official_economic' },
    'lever-resettlement': { keys: /^sponsors\.(visasPerMonth|outreach\.(soldier|official))$/, rises: 'left_ever_army' },
    'lever-safe-houses': { keys: /^sponsors\.(extraction\.capacityPerMonth|outreach\.soldier)$/, rises: 'left_ever_army' },
    'lever-sanctions': { keys: /^sanctions\.enabled$/, rises: 'sanctioned' },
    'lever-delisting': { keys: /^sanctions\.(enabled|offRamp|offRampCredibility)$/, rises: 'sanctioned_defected' },
  };

  it("today's packages keep their names, and every lever is a shipped scenario", () => {
    expect(PACKAGE_NAMES).toEqual(['myanmar-2021', 'no-policy', 'sanctions-only', 'defection-offer', 'off-ramp', 'economic-targeting']);
    expect(SCENARIO_NAMES.filter((n) => n.startsWith('lever-')).sort()).toEqual(Object.keys(levers).sort());
  });

  for (const [name, { keys, rises }] of Object.entries(levers)) {
    it(`${name} is no-policy with one lever changed, and moves what that lever is for`, () => {
      const set = findScenario(name)!.set;
      const changed = Object.keys(set).filter((k) => set[k] !== noPolicy[k]);
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.filter((k) => !keys.test(k))).toEqual([]);
      const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
      // Delisting's own effect is over the same tranches without it.
      const against = seeds.map((seed) => finalOf(run({ 'population.scale': 20 }, seed, name === 'lever-delisting' ? 'lever-sanctions' : 'no-policy'), rises));
      const lever = seeds.map((seed) => finalOf(run({ 'population.scale': 20 }, seed, name), rises));
      const d = pairedDiff(against, lever);
      expect(d.mean).toBeGreaterThan(Math.max(3 * d.se, 0));
    });
  }
});

// ----------------------------------------------------------------------------------------- 21
describe('21. one regime outcome: the fiscal link', () => {
  // Emptying the economic ministries: economic-sector officials all but certain to strike.
  const EMPTY: Settings = { 'decision.stay.economicSector': -30 };
  const seeds = [1, 2, 3, 4, 5, 6];
  const runsFor = (link: number, set: Settings) => seeds.map((seed) => run({ 'population.scale': 20, 'regime.fiscal.link': link, ...set }, seed, 'no-policy'));

  it('with the link on, emptying the economic ministries lowers military capacity over time (revenue, spending, pay); with it off, it does not', () => {
    for (const link of [0.5, 0]) {
      const base = runsFor(link, {});
      const empty = runsFor(link, EMPTY);
      const at = (runs: ReturnType<typeof run>[], name: string, t: number) => runs.map((r) => column(r, name)[t]);
      // The economy empties at once.
      expect(mean(at(empty, 'economic_capacity', 6))).toBeLessThan(mean(at(base, 'economic_capacity', 6)) - 0.2);
      const late = pairedDiff(at(base, 'military_capacity', 47), at(empty, 'military_capacity', 47));
      const early = pairedDiff(at(base, 'military_capacity', 3), at(empty, 'military_capacity', 3));
      const strength = pairedDiff(at(base, 'regime_strength', 47), at(empty, 'regime_strength', 47));
      if (link > 0) {
        expect(late.mean).toBeLessThan(-5 * late.se);
        expect(late.mean).toBeLessThan(early.mean); // over time
        expect(mean(at(empty, 'pay_arrears', 47))).toBeGreaterThan(mean(at(base, 'pay_arrears', 47)) + 0.05);
        expect(strength.mean).toBeLessThan(late.mean); // strength also loses the unfunded supply
      } else {
        expect(Math.abs(late.mean)).toBeLessThanOrEqual(3 * late.se + 1e-9);
        for (const r of empty) {
          expect(Math.max(...column(r, 'pay_arrears'))).toBe(0);
          expect(column(r, 'regime_strength')).toEqual(column(r, 'military_capacity'));
        }
      }
    }
  });

  it('at link 0 the fiscal channel is silent: the same draws give the same series whatever the arrears weight', () => {
    const a = run({ 'population.scale': 20, 'regime.fiscal.link': 0, 'regime.fiscal.arrearsWeight': 0 }, 3, 'economic-targeting');
    const b = run({ 'population.scale': 20, 'regime.fiscal.link': 0, 'regime.fiscal.arrearsWeight': 50, 'regime.fiscal.sanctionsRevenueShare': 1 }, 3, 'economic-targeting');
    for (const name of ['defected_army', 'defected_police', 'out_cdm', 'military_capacity', 'regime_strength']) expect(column(b, name)).toEqual(column(a, name));
  });
});

// ----------------------------------------------------------------------------------------- 22
describe('22. conservation at the extremes', () => {
  const AT_BOUNDS: Settings = {
    'sanctions.periodTicks': 1, 'sanctions.trancheSize': 200, 'sanctions.firstTick': 0, 'sanctions.revenueEffect': 100,
    'sanctions.biteScale': 1, 'regime.fiscal.link': 1, 'regime.fiscal.sanctionsRevenueShare': 1, 'regime.fiscal.adjustShare': 1,
    'regime.fiscal.arrearsWeight': 100, 'sponsors.budgetUsd': 1e12, 'sponsors.monthlyFundingUsd': 1e12, 'sponsors.startTick': 0,
    'sponsors.outreach.soldier': 1, 'sponsors.outreach.official': 1, 'sponsors.outreach.tycoon': 1, 'sponsors.visasPerMonth': 1e6,
    'sponsors.extraction.capacityPerMonth': 1e6, 'decision.gainWeight': 100, 'decision.safetyWeight': 100, 'decision.peerWeight': 100,
    'decision.collapseWeight': 100, 'regime.returns.strikerRate': 1, 'regime.returns.deserterPardonRate': 1,
    'decision.attemptRate.soldier': 1, 'decision.attemptRate.official': 1, 'decision.attemptRate.tycoon': 1,
  };
  const cases: Array<[string, Settings]> = [
    ['every push at its bound, returns every month', AT_BOUNDS],
    ['every push at its bound, every deterrent too', { ...AT_BOUNDS, 'decision.familyWeight': 100, 'decision.riskWeight': 100, 'decision.loyaltyWeight': 100, 'regime.deterrence.soldier': 100 }],
    ['the referee\'s case: sanctions every month, revenue effect 1', { 'sanctions.periodTicks': 1, 'sanctions.revenueEffect': 1 }],
  ];
  for (const [label, set] of cases) {
    it(`no group has more people out at once than it has, and left_ever never exceeds its people (${label})`, () => {
      const model = runModel({ 'population.scale': 20, ...set }, 5, 'myanmar-2021');
      const ticks = model.params.time.ticks;
      const conscripts = modelColumn(model, 'conscripts');
      for (const rg of REPORT_GROUPS) {
        const serving = modelColumn(model, `serving_${rg.name}`);
        const defected = modelColumn(model, `defected_${rg.name}`);
        const captured = modelColumn(model, `captured_${rg.name}`);
        const back = backInService(model, rg);
        const stock = serving[0] + defected[0] - back[0] + captured[0];
        const drafted = rg.members.some((g) => GROUPS[g].level === 'conscript');
        for (let t = 0; t < ticks; t++) {
          const people = stock + (drafted ? conscripts[t] : 0);
          const out = defected[t] - back[t];
          expect(serving[t] + out + captured[t], `${rg.name} at ${t}`).toBeCloseTo(people, 6);
          expect(out, `${rg.name} out at ${t}`).toBeLessThanOrEqual(people + 1e-9);
          expect(out).toBeGreaterThanOrEqual(-1e-9);
        }
      }
      for (const name of ['army', 'police', 'official', 'tycoon', 'cdm', 'official_senior', 'official_economic']) {
        const rg = REPORT_GROUPS.find((g) => g.name === name)!;
        const people = modelColumn(model, `serving_${name}`)[0] + modelColumn(model, `defected_${name}`)[0] + modelColumn(model, `captured_${name}`)[0] +
          (rg.members.some((g) => GROUPS[g].level === 'conscript') ? conscripts[ticks - 1] : 0);
        const leftEver = modelColumn(model, `left_ever_${name}`);
        const defected = modelColumn(model, `defected_${name}`);
        for (let t = 0; t < ticks; t++) {
          expect(leftEver[t]).toBeLessThanOrEqual(people + 1e-9);
          expect(leftEver[t]).toBeLessThanOrEqual(defected[t] + 1e-9);
          if (t > 0) expect(leftEver[t]).toBeGreaterThanOrEqual(leftEver[t - 1]);
        }
      }
      // Bounded pushes: the revenue pressure never exceeds sanctions.revenueEffect, arrears never exceed 1.
      for (const v of modelColumn(model, 'sanctions_bite')) expect(v).toBeLessThan(1 + 1e-12);
      for (const v of modelColumn(model, 'pay_arrears')) { expect(v).toBeLessThanOrEqual(1); expect(v).toBeGreaterThanOrEqual(0); }
    });
  }

  it('the referee\'s case counts joins and people apart: joins may exceed the civil service, people who ever left never do', () => {
    const r = run({ 'population.scale': 20, 'sanctions.periodTicks': 1, 'sanctions.revenueEffect': 1, 'regime.returns.strikerRate': 0.2 }, 1);
    const officials = column(r, 'serving_official')[0] + column(r, 'defected_official')[0] + column(r, 'captured_official')[0];
    expect(finalOf(r, 'left_ever_official')).toBeLessThanOrEqual(officials);
    expect(finalOf(r, 'defected_official')).toBeGreaterThan(finalOf(r, 'left_ever_official'));
  });
});
