/**
 * The required behaviours of the defection model (MODEL.md, "Required behaviours" 1-7 and 9, and
 * the seed article's arithmetic), each on fixed seeds and, where the behaviour is about
 * expectations, on averages over replicates with common random numbers (the same seeds in every
 * setting compared). Most tests run at population.scale 5-20: one agent stands for 5-20 people.
 */
import { describe, expect, it } from 'vitest';
import { CONSCRIPT_GROUP, GROUPS, REPORT_GROUPS } from '../agents/defection/groups.js';
import { DEFECTED, PAID, SANCTIONED, SERVING } from '../agents/defection/population.js';
import { SCENARIO_NAMES } from '../agents/defection/scenarios.js';
import { seriesCsv } from '../runners/run/simulate.js';
import {
  backInService, column, flatSoldierPayout, mean, meanOver, meanSeries, modelColumn, params, payoutPerAgent, quantile, run, runModel, sd,
  soldierStay, unitShares, type Settings,
} from './helpers.js';

const SEEDS = [1, 2, 3, 4, 5, 6];
const AMPLE = 1e12;

/** Mean over seeds of the final value of a series column. */
function meanFinal(set: Settings, seeds: readonly number[], name: string | string[]): number {
  const names = Array.isArray(name) ? name : [name];
  return mean(seeds.map((seed) => {
    const r = run(set, seed);
    return names.reduce((s, n) => s + column(r, n)[r.ticks - 1], 0);
  }));
}

/** Mean over seeds of a whole series column. */
function meanColumn(set: Settings, seeds: readonly number[], name: string): number[] {
  return meanSeries(seeds.map((seed) => column(run(set, seed), name)));
}

// ------------------------------------------------------------------------------------------ 1
describe('1. conservation', () => {
  const configs: Array<{ label: string; scenario: string; set: Settings; seeds: number[] }> = [
    ...SCENARIO_NAMES.map((scenario) => ({ label: scenario, scenario, set: {} as Settings, seeds: [1] })),
    {
      label: 'willing soldiers, big payouts, heavy sanctions, off-ramp',
      scenario: 'myanmar-2021',
      set: {
        ...soldierStay(-5), ...flatSoldierPayout(20000), 'sponsors.budgetUsd': 5e7, 'sponsors.outreach.soldier': 0.5,
        'sanctions.trancheSize': 2000, 'sanctions.offRamp': true, 'sponsors.extraction.capacityPerMonth': 10000,
      },
      seeds: [1, 2],
    },
  ];
  for (const { label, scenario, set, seeds } of configs) {
    it(`serving + defected − back in service + captured equals the stock called up, every tick, every group (${label})`, () => {
      for (const seed of seeds) {
        const model = runModel({ 'population.scale': 20, ...set }, seed, scenario);
        const { groupWeight, initialAgents } = model.population;
        const ticks = model.params.time.ticks;
        const defectedAll = modelColumn(model, 'defected_all');
        const capturedAll = modelColumn(model, 'captured_all');
        const conscripts = modelColumn(model, 'conscripts');
        let anyDefected = 0;
        for (const rg of REPORT_GROUPS) {
          const initial = rg.members.reduce((s, g) => s + initialAgents[g] * groupWeight[g], 0);
          const called = rg.members.includes(CONSCRIPT_GROUP) ? conscripts : conscripts.map(() => 0);
          const serving = modelColumn(model, `serving_${rg.name}`);
          const defected = modelColumn(model, `defected_${rg.name}`);
          const captured = modelColumn(model, `captured_${rg.name}`);
          const fresh = modelColumn(model, `new_defections_${rg.name}`);
          const back = backInService(model, rg);
          for (let t = 0; t < ticks; t++) {
            expect(serving[t] + defected[t] - back[t] + captured[t], `${rg.name} at tick ${t}`).toBe(initial + called[t]);
            expect(fresh[t], `new_defections_${rg.name} at tick ${t}`).toBe(defected[t] - (t > 0 ? defected[t - 1] : 0));
            expect(back[t]).toBeLessThanOrEqual(defected[t]);
            if (t > 0) expect(back[t]).toBeGreaterThanOrEqual(back[t - 1]);
          }
          anyDefected += defected[ticks - 1];
        }
        expect(anyDefected).toBeGreaterThan(0);
        // The headline groups partition the population.
        const total = REPORT_GROUPS.slice(0, 4).reduce((s, rg) => s + rg.members.reduce((a, g) => a + initialAgents[g] * groupWeight[g], 0), 0);
        const heads = ['army', 'police', 'official', 'tycoon'];
        for (let t = 0; t < ticks; t++) {
          const d = heads.reduce((s, h) => s + model.recorder.value(`defected_${h}`, t), 0);
          const c = heads.reduce((s, h) => s + model.recorder.value(`captured_${h}`, t), 0);
          const v = heads.reduce((s, h) => s + model.recorder.value(`serving_${h}`, t), 0);
          const o = heads.reduce((s, h) => s + model.recorder.value(`out_${h}`, t), 0);
          expect(d).toBe(defectedAll[t]);
          expect(c).toBe(capturedAll[t]);
          expect(o + c + v).toBe(total + conscripts[t]);
        }
        // Agent statuses agree with the counters.
        const { agents, size } = model.population;
        let servingPeople = 0;
        let outPeople = 0;
        for (let i = 0; i < size; i++) {
          if (agents.status[i] === SERVING) servingPeople += groupWeight[agents.group[i]];
          if (agents.status[i] === DEFECTED) outPeople += groupWeight[agents.group[i]];
        }
        expect(servingPeople).toBe(heads.reduce((s, h) => s + model.recorder.value(`serving_${h}`, ticks - 1), 0));
        expect(outPeople).toBe(heads.reduce((s, h) => s + model.recorder.value(`out_${h}`, ticks - 1), 0));
      }
    });
  }
});

// ------------------------------------------------------------------------------------------ 2
describe('2. money', () => {
  const configs: Array<{ label: string; scenario: string; set: Settings }> = [
    { label: 'myanmar-2021', scenario: 'myanmar-2021', set: {} },
    { label: 'defection-offer', scenario: 'defection-offer', set: {} },
    { label: 'economic-targeting', scenario: 'economic-targeting', set: {} },
    { label: 'budget-limited, high outreach', scenario: 'myanmar-2021', set: { 'sponsors.budgetUsd': 3e6, 'sponsors.monthlyFundingUsd': 2e5, 'sponsors.outreach.soldier': 0.5 } },
  ];
  for (const { label, scenario, set } of configs) {
    it(`payouts equal the sum of payouts made and never exceed the budget; spend adds visas and safe houses (${label})`, () => {
      const model = runModel({ 'population.scale': 10, ...set }, 3, scenario);
      const p = model.params;
      const { agents, size } = model.population;
      let paid = 0;
      let owed = 0;
      for (let i = 0; i < size; i++) {
        if (!(agents.flags[i] & PAID)) continue;
        paid += model.population.groupWeight[agents.group[i]];
        // A paid agent defected; one no longer out came back since (a pardoned deserter or a
        // striker back at work) and may have been caught trying again.
        const spec = GROUPS[agents.group[i]];
        const rate = spec.kind === 'soldier' ? p.regime.returns.deserterPardonRate : spec.kind === 'official' && spec.level !== 'senior' ? p.regime.returns.strikerRate : 0;
        const cameBack = rate > 0 && agents.statusTick[i] > p.sponsors.startTick;
        expect(agents.status[i] === DEFECTED || cameBack, `paid agent ${i} must have defected`).toBe(true);
        owed += payoutPerAgent(p, agents.group[i], agents.flags[i]) * model.population.groupWeight[agents.group[i]];
      }
      expect(paid).toBeGreaterThan(0);
      expect(model.sponsors.payoutsUsd).toBeGreaterThan(0);
      expect(Math.abs(model.sponsors.payoutsUsd - owed)).toBeLessThanOrEqual(1e-9 * owed);
      const ticks = p.time.ticks;
      const spend = modelColumn(model, 'payouts_usd');
      const left = modelColumn(model, 'budget_left_usd');
      const paidSeries = modelColumn(model, 'paid_defections');
      expect(spend[ticks - 1]).toBe(model.sponsors.payoutsUsd);
      expect(paidSeries[ticks - 1]).toBe(paid);
      // The programme's whole cost adds resettlement places and safe houses, priced per person and per family.
      const visas = modelColumn(model, 'visas_used').reduce((a, b) => a + b, 0);
      const families = modelColumn(model, 'families_extracted')[ticks - 1];
      expect(modelColumn(model, 'visa_cost_usd')[ticks - 1]).toBeCloseTo(visas * p.sponsors.costs.visaUsd, 6);
      expect(modelColumn(model, 'safe_house_cost_usd')[ticks - 1]).toBeCloseTo(families * p.sponsors.costs.familyUsd, 6);
      expect(modelColumn(model, 'spend_usd')[ticks - 1]).toBeCloseTo(spend[ticks - 1] + visas * p.sponsors.costs.visaUsd + families * p.sponsors.costs.familyUsd, 3);
      for (let t = 0; t < ticks; t++) {
        const funds = p.sponsors.budgetUsd + p.sponsors.monthlyFundingUsd * t;
        expect(left[t], `budget left at tick ${t}`).toBeGreaterThanOrEqual(0);
        expect(spend[t]).toBeLessThanOrEqual(funds * (1 + 1e-12));
        expect(Math.abs(spend[t] + left[t] - funds)).toBeLessThanOrEqual(1e-9 * funds);
        if (t > 0) expect(spend[t]).toBeGreaterThanOrEqual(spend[t - 1]);
      }
    });
  }

  it('an exhausted budget stops paid offers', () => {
    const claim = 10000;
    const scale = 5;
    const set: Settings = {
      'population.scale': scale, 'time.ticks': 20, 'sponsors.monthlyFundingUsd': 0, 'sponsors.outreach.soldier': 1,
      ...flatSoldierPayout(claim), 'regime.crackdown.enabled': false,
    };
    const seeds = [1, 2, 3, 4];
    const afterSmall: number[][] = [];
    const afterAmple: number[][] = [];
    let exhaustedAt = -1;
    for (const seed of seeds) {
      const small = run({ ...set, 'sponsors.budgetUsd': 1e6 }, seed);
      const left = column(small, 'budget_left_usd');
      const spend = column(small, 'payouts_usd');
      const paid = column(small, 'paid_defections');
      // Exhausted: less left than one claim costs (every claim costs the same here).
      const te = left.findIndex((x) => x < claim * scale);
      expect(te).toBeGreaterThanOrEqual(7); // offers start at tick 7
      exhaustedAt = te;
      expect(spend[te]).toBeGreaterThan(0);
      for (let t = te + 1; t < small.ticks; t++) {
        expect(spend[t], `spend at tick ${t} after exhaustion at ${te}`).toBe(spend[te]);
        expect(paid[t]).toBe(paid[te]);
      }
      expect(spend[small.ticks - 1]).toBeLessThanOrEqual(1e6);
      afterSmall.push(column(small, 'new_defections_army').slice(te + 1, te + 9));
      const ample = run({ ...set, 'sponsors.budgetUsd': AMPLE }, seed);
      afterAmple.push(column(ample, 'new_defections_army').slice(te + 1, te + 9));
    }
    // With the offer withdrawn, reached soldiers no longer have the payout's pull.
    const small = mean(afterSmall.flat());
    const ample = mean(afterAmple.flat());
    expect(exhaustedAt).toBeGreaterThan(0);
    expect(small).toBeLessThan(0.75 * ample);
  });

  it('same-tick claimants are not paid in agent-index order when the budget runs out', () => {
    const claim = 10000;
    const scale = 5;
    const hazard = -Math.log1p(-0.999999); // outreach 1 (capped): everyone is reached at the first offer tick
    const paidRanks: number[] = [];
    let prefixAllPaid = 0;
    for (const seed of [1, 2, 3, 4]) {
      const model = runModel({
        'population.scale': scale, 'time.ticks': 9, 'sponsors.budgetUsd': 5e6, 'sponsors.monthlyFundingUsd': 0,
        'sponsors.outreach.soldier': 1, ...flatSoldierPayout(claim),
      }, seed);
      const start = model.params.sponsors.startTick;
      const { agents, size } = model.population;
      // Claimants of the first offer tick: soldiers who defected then, reached, with the offer standing.
      const claimants: number[] = [];
      for (let i = 0; i < size; i++) {
        if (agents.status[i] === DEFECTED && agents.statusTick[i] === start && GROUPS[agents.group[i]].kind === 'soldier' && agents.reachThreshold[i] <= hazard) claimants.push(i);
      }
      const paid = claimants.filter((i) => agents.flags[i] & PAID);
      // The budget pays 5e6 / 10000 = 500 people (enlisted and NCO agents stand for 5, officers
      // for 1), fewer than the claimants of that tick.
      expect(paid.reduce((s, i) => s + model.population.groupWeight[agents.group[i]], 0)).toBe(500);
      expect(claimants.length).toBeGreaterThan(150);
      expect(modelColumn(model, 'payouts_usd')[start]).toBe(5e6);
      claimants.forEach((i, rank) => {
        if (agents.flags[i] & PAID) paidRanks.push(rank / (claimants.length - 1));
      });
      if (claimants.slice(0, paid.length).every((i) => agents.flags[i] & PAID)) prefixAllPaid++;
    }
    // In index order the paid would be the lowest ranks (mean rank ≈ 0.2); at random, ≈ 0.5.
    expect(prefixAllPaid).toBe(0);
    const m = mean(paidRanks);
    expect(m).toBeGreaterThan(0.4);
    expect(m).toBeLessThan(0.6);
    // Spread over the whole range: some paid claimants in the top and the bottom fifth.
    expect(paidRanks.filter((r) => r < 0.2).length).toBeGreaterThan(40);
    expect(paidRanks.filter((r) => r > 0.8).length).toBeGreaterThan(40);
  });
});

// ------------------------------------------------------------------------------------------ 3
describe('3. payouts', () => {
  it('raising the soldier payout never lowers expected army (or police) defections, budget ample', () => {
    const levels = [0, 1000, 2683, 5000, 10000, 30000];
    const base: Settings = { 'population.scale': 10, 'time.ticks': 30, 'sponsors.budgetUsd': AMPLE, 'sponsors.outreach.soldier': 0.2 };
    const army: number[] = [];
    const police: number[] = [];
    for (const level of levels) {
      const runs = SEEDS.map((seed) => run({ ...base, 'sponsors.payout.soldierUsd': level }, seed));
      army.push(mean(runs.map((r) => column(r, 'defected_army')[r.ticks - 1])));
      police.push(mean(runs.map((r) => column(r, 'defected_police')[r.ticks - 1])));
    }
    for (let k = 1; k < levels.length; k++) {
      expect(army[k], `army at $${levels[k]} vs $${levels[k - 1]}: ${army.join(', ')}`).toBeGreaterThanOrEqual(army[k - 1]);
      expect(police[k], `police at $${levels[k]} vs $${levels[k - 1]}: ${police.join(', ')}`).toBeGreaterThanOrEqual(police[k - 1]);
    }
    // And the effect is real, not flat.
    expect(army[levels.length - 1]).toBeGreaterThan(1.1 * army[0]);
  });
});

// ------------------------------------------------------------------------------------------ 4
describe('4. lock-in', () => {
  it('listed agents defect less than the same agents unlisted; with a credible off-ramp at least as readily', () => {
    // Designate many (every officer, senior official and tycoon within ~13 months) so the
    // comparison rests on thousands of people; compare the same agents across runs.
    const base: Settings = { 'population.scale': 5, 'time.ticks': 30, 'sanctions.trancheSize': 1000, 'sanctions.firstTick': 0, 'sanctions.periodTicks': 1 };
    const share = { locked: [] as number[], unlisted: [] as number[], offRamp: [] as number[] };
    for (const seed of [1, 2, 3]) {
      const locked = runModel(base, seed);
      const listed: number[] = [];
      for (let i = 0; i < locked.population.size; i++) if (locked.population.agents.flags[i] & SANCTIONED) listed.push(i);
      expect(listed.length).toBeGreaterThan(10000); // listed people are officers, senior officials and tycoons: one agent each
      const unlisted = runModel({ ...base, 'sanctions.enabled': false }, seed);
      const offRamp = runModel({ ...base, 'sanctions.offRamp': true, 'sanctions.offRampCredibility': 1 }, seed);
      const defectedShare = (m: typeof locked) => mean(listed.map((i) => (m.population.agents.status[i] === DEFECTED ? 1 : 0)));
      share.locked.push(defectedShare(locked));
      share.unlisted.push(defectedShare(unlisted));
      share.offRamp.push(defectedShare(offRamp));
    }
    const locked = mean(share.locked), unlisted = mean(share.unlisted), offRamp = mean(share.offRamp);
    expect(unlisted).toBeGreaterThan(0.005); // the comparison is not vacuous
    expect(locked, `locked ${locked}, unlisted ${unlisted}`).toBeLessThan(0.5 * unlisted);
    expect(offRamp, `off-ramp ${offRamp}, unlisted ${unlisted}`).toBeGreaterThanOrEqual(unlisted);
  });

  it('the off-ramp works through the assets it unfreezes: higher credibility, more listed defections', () => {
    const base: Settings = {
      'population.scale': 5, 'time.ticks': 30, 'sanctions.trancheSize': 1000, 'sanctions.firstTick': 0,
      'sanctions.periodTicks': 1, 'sanctions.offRamp': true,
    };
    const shareAt = (credibility: number) =>
      mean([1, 2, 3].map((seed) => {
        const m = runModel({ ...base, 'sanctions.offRampCredibility': credibility }, seed);
        let listed = 0, defected = 0;
        for (let i = 0; i < m.population.size; i++) {
          if (!(m.population.agents.flags[i] & SANCTIONED)) continue;
          listed++;
          if (m.population.agents.status[i] === DEFECTED) defected++;
        }
        return defected / listed;
      }));
    const none = shareAt(0), full = shareAt(1);
    expect(full, `credibility 1: ${full}, credibility 0: ${none}`).toBeGreaterThan(1.5 * none);
  });
});

// ------------------------------------------------------------------------------------------ 5
describe('5. families', () => {
  const seeds = [1, 2, 3, 4, 5];
  const soldiers = ['defected_army', 'defected_police'];

  it('more family restriction lowers soldier defections', () => {
    const levels: Array<[number, number]> = [[0, 0.3], [0.3, 0.9], [0.6, 0.95], [0.9, 1]];
    const totals = levels.map(([initial, ceiling]) => meanFinal({
      'population.scale': 20, 'time.ticks': 30, 'regime.familyRestriction.initialShare': initial, 'regime.familyRestriction.ceilingShare': ceiling,
    }, seeds, soldiers));
    for (let k = 1; k < levels.length; k++) {
      expect(totals[k], `restriction ${levels[k]} vs ${levels[k - 1]}: ${totals.join(', ')}`).toBeLessThan(totals[k - 1]);
    }
    expect(totals[levels.length - 1]).toBeLessThan(0.8 * totals[0]);
  });

  it('extraction capacity restores the defections that restriction prevents (outreach on)', () => {
    const base: Settings = { 'population.scale': 20, 'time.ticks': 30, 'sponsors.outreach.soldier': 0.3 };
    const restricted: Settings = { ...base, 'regime.familyRestriction.initialShare': 0.9, 'regime.familyRestriction.ceilingShare': 1 };
    const defaultRestriction = meanFinal(base, seeds, soldiers);
    const capacities = [0, 5000, 20000];
    const totals = capacities.map((c) => meanFinal({ ...restricted, 'sponsors.extraction.capacityPerMonth': c }, seeds, soldiers));
    expect(totals[0]).toBeLessThan(defaultRestriction);
    for (let k = 1; k < capacities.length; k++) {
      expect(totals[k], `extraction ${capacities[k]}: ${totals.join(', ')}`).toBeGreaterThan(totals[k - 1]);
    }
    // Enough safe houses more than undo the extra restriction.
    expect(totals[capacities.length - 1]).toBeGreaterThan(defaultRestriction);
  });
});

// ------------------------------------------------------------------------------------------ 6
describe('6. crackdown', () => {
  const seeds = [1, 2, 3, 4];
  const scale = { 'population.scale': 10 };

  it("with the feedback on, the army's monthly flow after tick 14 is well below the flow with it off", () => {
    const on = meanColumn(scale, seeds, 'new_defections_army');
    const off = meanColumn({ ...scale, 'regime.crackdown.enabled': false }, seeds, 'new_defections_army');
    const last = on.length - 1;
    const before = [meanOver(on, 0, 14), meanOver(off, 0, 14)];
    const after = [meanOver(on, 15, last), meanOver(off, 15, last)];
    expect(after[1]).toBeGreaterThan(100);
    expect(after[0], `after tick 14: on ${after[0]}, off ${after[1]}`).toBeLessThan(0.3 * after[1]);
    // Before the cliff the two agree: the feedback is what makes the cliff.
    expect(before[0] / before[1]).toBeGreaterThan(0.85);
    expect(before[0] / before[1]).toBeLessThan(1.15);
  });

  it('a late driver (a large offer from tick 12) makes the flow rise, peak and fall back under the feedback', () => {
    const late: Settings = {
      ...scale, 'sponsors.startTick': 12, 'sponsors.payout.soldierUsd': 20000, 'sponsors.outreach.soldier': 0.5, 'sponsors.budgetUsd': AMPLE,
    };
    const on = meanColumn(late, seeds, 'new_defections_army');
    const off = meanColumn({ ...late, 'regime.crackdown.enabled': false }, seeds, 'new_defections_army');
    const noDriver = meanColumn(scale, seeds, 'new_defections_army');
    const window = on.slice(12, 25);
    const peak = Math.max(...window);
    const peakTick = 12 + window.indexOf(peak);
    const context = `on: ${on.map(Math.round).join(' ')}`;
    // Rises: the peak is well above the months before the offer and above the run without it.
    expect(peak, context).toBeGreaterThan(1.5 * meanOver(on, 8, 11));
    expect(peak, context).toBeGreaterThan(1.3 * Math.max(...noDriver.slice(12, 25)));
    expect(peakTick, context).toBeLessThanOrEqual(20);
    // Falls back under the feedback ...
    const laterOn = meanOver(on, peakTick + 6, peakTick + 16);
    expect(laterOn, context).toBeLessThan(0.3 * peak);
    // ... but not without it: the offer keeps pulling.
    const laterOff = meanOver(off, peakTick + 6, peakTick + 16);
    expect(laterOff, `off: ${off.map(Math.round).join(' ')}`).toBeGreaterThan(0.8 * Math.max(...off.slice(12, 25)));
    expect(laterOn).toBeLessThan(0.2 * laterOff);
  });
});

// ------------------------------------------------------------------------------------------ 7
describe('7. peers', () => {
  it('at the same overall share, unit-level CDM shares spread more widely with a strong peer weight than with none', () => {
    // Officials in ministry offices (15 agents per office at scale 10), over the 2021 wave
    // (ticks 0-14). The crackdown is off so the overall share moves monotonically with the stay
    // constant tuned to match it.
    const seeds = [1, 2];
    const official = (g: { kind: string }) => g.kind === 'official';
    const measure = (peerWeight: number, shift: number) => {
      const set: Settings = {
        'population.scale': 10, 'time.ticks': 15, 'regime.crackdown.enabled': false, 'decision.peerWeight': peerWeight,
        'decision.stay.officialJunior': shift, 'decision.stay.officialMid': 0.3 + shift,
      };
      const shares = seeds.map((seed) => unitShares(runModel(set, seed), official));
      return {
        overall: mean(shares.map(mean)),
        sd: mean(shares.map(sd)),
        iqr: mean(shares.map((s) => quantile(s, 0.75) - quantile(s, 0.25))),
      };
    };
    const none = measure(0, 0.5);
    expect(none.overall).toBeGreaterThan(0.3);
    expect(none.overall).toBeLessThan(0.6);
    // Bisect the stay shift under a strong peer weight until the overall share matches.
    let lo = -2, hi = 8;
    let strong = measure(8, (lo + hi) / 2);
    for (let k = 0; k < 16 && Math.abs(strong.overall / none.overall - 1) > 0.01; k++) {
      if (strong.overall > none.overall) lo = (lo + hi) / 2;
      else hi = (lo + hi) / 2;
      strong = measure(8, (lo + hi) / 2);
    }
    expect(Math.abs(strong.overall / none.overall - 1), `overall ${strong.overall} vs ${none.overall}`).toBeLessThan(0.03);
    expect(strong.sd, `sd ${strong.sd} vs ${none.sd}`).toBeGreaterThan(1.3 * none.sd);
    expect(strong.iqr, `interquartile range ${strong.iqr} vs ${none.iqr}`).toBeGreaterThan(1.5 * none.iqr);
  });
});

// ------------------------------------------------------------------------------------------ 9
describe('9. reproducibility (in process)', () => {
  it('the same parameters and seed give identical series; another seed gives different ones', () => {
    const set: Settings = { 'population.scale': 10 };
    const a = run(set, 11);
    const b = run(set, 11);
    const c = run(set, 12);
    expect(seriesCsv(a)).toBe(seriesCsv(b));
    expect(JSON.stringify(a.summary)).toBe(JSON.stringify(b.summary));
    expect(seriesCsv(c)).not.toBe(seriesCsv(a));
    expect(column(c, 'defected_official')).not.toEqual(column(a, 'defected_official'));
  });

  it('a shorter horizon gives the same first ticks (no dependence on the run length)', () => {
    const long = run({ 'population.scale': 10 }, 5);
    const short = run({ 'population.scale': 10, 'time.ticks': 25 }, 5);
    for (const name of long.columns) expect(column(short, name), name).toEqual(column(long, name).slice(0, 25));
  });
});

// ---------------------------------------------------------------------------- seed arithmetic
describe("the seed article's arithmetic", () => {
  // Every soldier willing and reached from tick 0, every claim $2,500, no inflow: the budget is the limit.
  const willing: Settings = {
    ...soldierStay(-20), ...flatSoldierPayout(2500), 'sponsors.outreach.soldier': 1, 'sponsors.monthlyFundingUsd': 0,
    'sponsors.startTick': 0, 'time.ticks': 12, 'population.scale': 10,
  };

  it('$25M at ~$2,500 each buys ~10,000 soldier defections, never more than the budget allows', () => {
    const r = run({ ...willing, 'sponsors.budgetUsd': 25e6 }, 1);
    const paid = column(r, 'paid_defections')[r.ticks - 1];
    const spend = column(r, 'spend_usd')[r.ticks - 1];
    expect(Math.abs(paid / 10000 - 1)).toBeLessThan(0.03);
    expect(paid).toBeLessThanOrEqual(10000);
    expect(spend).toBeLessThanOrEqual(25e6);
    // Far more were willing than the money could pay.
    expect(column(r, 'defected_army')[r.ticks - 1] + column(r, 'defected_police')[r.ticks - 1]).toBeGreaterThan(5 * paid);
  });

  it('$250,000 buys ~100', () => {
    const r = run({ ...willing, 'sponsors.budgetUsd': 250000 }, 1);
    const paid = column(r, 'paid_defections')[r.ticks - 1];
    expect(Math.abs(paid / 100 - 1)).toBeLessThan(0.05);
    expect(paid).toBeLessThanOrEqual(100);
    expect(column(r, 'spend_usd')[r.ticks - 1]).toBeLessThanOrEqual(250000);
  });

  it('$50M at $500,000 each pays at most 100 senior officials', () => {
    const model = runModel({
      'decision.stay.officialSenior': -20, 'sponsors.outreach.official': 1, 'sponsors.monthlyFundingUsd': 0, ...flatSoldierPayout(0),
      'sponsors.payout.seniorOfficialUsd': 500000, 'sponsors.budgetUsd': 50e6, 'sponsors.startTick': 0, 'time.ticks': 24, 'population.scale': 10,
    }, 1);
    const { agents, size } = model.population;
    let paidSenior = 0;
    let paidOther = 0;
    for (let i = 0; i < size; i++) {
      if (!(agents.flags[i] & PAID)) continue;
      if (GROUPS[agents.group[i]].level === 'senior') paidSenior++;
      else paidOther++;
    }
    expect(paidOther).toBe(0);
    // Senior officials are one agent per person at any scale.
    expect(paidSenior).toBe(100);
    expect(model.sponsors.payoutsUsd).toBeLessThanOrEqual(50e6);
    expect(model.recorder.value('defected_official_senior', 23)).toBeGreaterThan(500); // many more were willing
  });
});
