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

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'myanmar-2021',
    description: 'The calibrated record: NUG payouts as offered from Sept 2021, sanctions tranches with no off-ramp, no visas',
    set: {},
  },
  {
    name: 'no-policy',
    description: 'The counterfactual: no payouts, no budget, no sanctions, no visas, no safe houses (what the other policies are measured against)',
    set: {
      ...noMoney,
      'sponsors.visasPerMonth': 0,
      'sponsors.extraction.capacityPerMonth': 0,
      'sanctions.enabled': false,
      'sanctions.offRamp': false,
    },
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
];

export const SCENARIO_NAMES = SCENARIOS.map((s) => s.name);

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
