/**
 * The shipped policy scenarios. Each is a set of overrides on the defaults, which are the
 * calibrated `myanmar-2021` record.
 */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly set: Readonly<Record<string, number | boolean | string>>;
}

const westernBudget = {
  'sponsors.budgetUsd': 25e6,
  'sponsors.monthlyFundingUsd': 25e6 / 12,
};

/** No money at all: no budget, no inflow, every payout and asset bonus 0. */
const noMoney = {
  'sponsors.budgetUsd': 0,
  'sponsors.monthlyFundingUsd': 0,
  'sponsors.payout.soldierUsd': 0,
  'sponsors.payout.ncoUsd': 0,
  'sponsors.payout.officerUsd': 0,
  'sponsors.payout.juniorOfficialUsd': 0,
  'sponsors.payout.midOfficialUsd': 0,
  'sponsors.payout.seniorOfficialUsd': 0,
  'sponsors.payout.tycoonUsd': 0,
  'sponsors.payout.assetBonusUsd.soldier': 0,
  'sponsors.payout.assetBonusUsd.official': 0,
  'sponsors.payout.assetBonusUsd.tycoon': 0,
};

/** What no-policy turns off: no money, no places, no safe houses, no sanctions. */
const nothing = {
  ...noMoney,
  'sponsors.visasPerMonth': 0,
  'sponsors.extraction.capacityPerMonth': 0,
  'sanctions.enabled': false,
  'sanctions.offRamp': false,
};

/**
 * Single levers: each is no-policy plus one lever, at the strength the packages use, so effects
 * can be read lever by lever (docs/ODD.md, "Levers and packages"). Outreach, which tells people of
 * an offer, goes with the levers that offer something (as in the packages: 0.1 a month).
 */
const LEVERS: readonly Scenario[] = [
  {
    name: 'lever-soldier-payouts',
    description: 'One lever over no-policy: the NUG\'s payouts to soldiers (5 million kyat, 10 million with a heavy weapon, $10,000 for an officer) from the Western budget ($25M a year), outreach 0.1 a month',
    set: { ...nothing, ...westernBudget,
      'sponsors.payout.soldierUsd': 2683, 'sponsors.payout.ncoUsd': 2683, 'sponsors.payout.officerUsd': 10000, 'sponsors.payout.assetBonusUsd.soldier': 2684,
      'sponsors.outreach.soldier': 0.1 },
  },
  {
    name: 'lever-senior-payouts',
    description: 'One lever over no-policy: $500,000 for a senior official from the Western budget ($25M a year), outreach 0.1 a month',
    set: { ...nothing, ...westernBudget, 'sponsors.payout.seniorOfficialUsd': 500000, 'sponsors.outreach.official': 0.1 },
  },
  {
    name: 'lever-economic-payouts',
    description: 'One lever over no-policy: payouts to economic-sector officials only ($5,000 junior, $25,000 mid-tier, $500,000 senior) from the Western budget ($25M a year), outreach 0.1 a month',
    set: { ...nothing, ...westernBudget, 'sponsors.payout.officialSector': 'economic',
      'sponsors.payout.juniorOfficialUsd': 1000, 'sponsors.payout.midOfficialUsd': 5000, 'sponsors.payout.seniorOfficialUsd': 100000,
      'sponsors.payout.economicSectorMultiplier': 5, 'sponsors.outreach.official': 0.1 },
  },
  {
    name: 'lever-resettlement',
    description: 'One lever over no-policy: 500 resettlement places abroad a month (no money), outreach 0.1 a month',
    set: { ...nothing, 'sponsors.visasPerMonth': 500, 'sponsors.outreach.soldier': 0.1, 'sponsors.outreach.official': 0.1 },
  },
  {
    name: 'lever-safe-houses',
    description: 'One lever over no-policy: safe houses that move out 2,000 restricted families a month (no money), outreach 0.1 a month',
    set: { ...nothing, 'sponsors.extraction.capacityPerMonth': 2000, 'sponsors.outreach.soldier': 0.1 },
  },
  {
    name: 'lever-sanctions',
    description: 'One lever over no-policy: the record\'s sanctions tranches (23 people every 3 months from April 2021), no off-ramp',
    set: { ...nothing, 'sanctions.enabled': true },
  },
  {
    name: 'lever-delisting',
    description: 'The same tranches with delisting on defection (credibility 0.8): its effect over lever-sanctions is the off-ramp\'s own',
    set: { ...nothing, 'sanctions.enabled': true, 'sanctions.offRamp': true, 'sanctions.offRampCredibility': 0.8 },
  },
];

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'myanmar-2021',
    description: 'The calibrated record: NUG payouts as offered from Sept 2021, sanctions tranches with no off-ramp, no visas',
    set: {},
  },
  {
    name: 'no-policy',
    description: 'The counterfactual: no payouts, no budget, no sanctions, no visas, no safe houses (what the other policies are measured against)',
    set: nothing,
  },
  {
    name: 'sanctions-only',
    description: 'No payouts and no budget, heavier sanctions tranches (60 every 3 months), no off-ramp',
    set: {
      ...noMoney,
      'sanctions.trancheSize': 60,
      'sanctions.offRamp': false,
    },
  },
  {
    name: 'defection-offer',
    description: 'A Western-funded budget ($25M a year), $500,000 for senior officials, 500 visas a month and safe houses for 2,000 families a month',
    set: {
      ...westernBudget,
      'sponsors.payout.seniorOfficialUsd': 500000,
      'sponsors.outreach.soldier': 0.1,
      'sponsors.outreach.official': 0.1,
      'sponsors.visasPerMonth': 500,
      'sponsors.extraction.capacityPerMonth': 2000,
    },
  },
  {
    name: 'off-ramp',
    description: 'Sanctions with delisting on defection (credibility 0.8), plus 200 visas a month',
    set: {
      'sanctions.offRamp': true,
      'sanctions.offRampCredibility': 0.8,
      'sponsors.visasPerMonth': 200,
    },
  },
  {
    name: 'economic-targeting',
    description: 'The Western budget spent on larger offers to officials, five times larger in the economic sector (central bank, finance, planning, revenue)',
    set: {
      ...westernBudget,
      'sponsors.payout.juniorOfficialUsd': 1000,
      'sponsors.payout.midOfficialUsd': 5000,
      'sponsors.payout.seniorOfficialUsd': 100000,
      'sponsors.payout.economicSectorMultiplier': 5,
      'sponsors.outreach.official': 0.1,
      'sponsors.visasPerMonth': 200,
    },
  },
  ...LEVERS,
];

export const SCENARIO_NAMES = SCENARIOS.map((s) => s.name);
/** The packages (the record, its counterfactual and the five policies of MODEL.md), without the single levers. */
export const PACKAGE_NAMES = SCENARIO_NAMES.filter((name) => !name.startsWith('lever-'));

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
