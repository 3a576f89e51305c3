/**
 * Every parameter of the defection model: dotted path, default, allowed range, unit and meaning.
 * The defaults are the calibrated `myanmar-2021` scenario (docs/ODD.md says how they were found).
 * This one tree feeds validation, `defsim params`, docs/PARAMETERS.md and schema/params.schema.json.
 */
import { bool, count, defaultsOf, int, num, share, usd, type SchemaTree, type ValuesOf } from '../engine/schema.js';

const CAL = 'data/myanmar-2021.json';
const CALIBRATED = 'calibrated to data/myanmar-2021.json (docs/ODD.md, Calibration)';
const loyalty = (alpha: number, beta: number, who: string) => ({
  alpha: num(alpha, `Beta(alpha, beta) loyalty of ${who}: alpha`, { min: 0.05, max: 1000 }),
  beta: num(beta, `Beta(alpha, beta) loyalty of ${who}: beta`, { min: 0.05, max: 1000 }),
});

export const PARAMETER_SCHEMA = {
  time: {
    ticks: int(48, 'Horizon: number of monthly ticks simulated (tick 0 = February 2021)', { min: 1, max: 600, unit: 'ticks' }),
  },
  population: {
    scale: num(1, 'People per agent: one agent stands for this many people; every reported count is in people', { min: 1, max: 100000, unit: 'people/agent' }),
    army: count(150000, 'Army soldiers at the coup', 'https://www.usip.org/publications/2023/05/myanmars-military-smaller-commonly-thought-and-shrinking-fast'),
    police: count(80000, 'Police at the coup', 'https://bnionline.net/en/mizzima-news/item/17120-myanmar-police-force-to-be-doubled-says-deputy-minister.html'),
    officials: count(1000000, 'Civil servants at the coup (all tiers)', 'https://www.wionews.com/south-asia/myanmar-civil-servants-strike-makes-it-difficult-for-military-366373'),
    seniorOfficials: count(1000, 'Senior officials among the civil servants', 'MODEL.md'),
    midOfficialShare: share(0.1, 'Share of civil servants at mid tier'),
    economicSectorShare: share(0.15, 'Share of civil servants in the economic sector (central bank, finance, planning, revenue)'),
    securitySectorShare: share(0.1, 'Share of civil servants in the security sector (home affairs, border, prisons)'),
    ncoShare: share(0.15, 'Share of soldiers (army and police) who are NCOs'),
    officerShare: share(0.05, 'Share of soldiers (army and police) who are officers'),
    tycoons: count(300, 'Regime-linked business owners', 'https://english.dvb.no/leak-suggests-27-leading-cronies-banned-from-leaving-burma/'),
    unitSize: {
      army: count(300, 'People per army battalion (the peer group)'),
      police: count(100, 'People per police station'),
      official: count(150, 'People per ministry office'),
      tycoon: count(10, 'Tycoons per business network'),
    },
    familyInCountryShare: {
      soldier: share(0.95, 'Share of soldiers whose family lives in the country (mostly in military housing)'),
      official: share(0.95, 'Share of officials whose family lives in the country'),
      tycoon: share(0.4, 'Share of tycoons whose family lives in the country'),
    },
  },
  traits: {
    loyalty: {
      soldierEnlisted: loyalty(5, 2, 'enlisted soldiers'),
      soldierNco: loyalty(6, 2, 'NCOs'),
      soldierOfficer: loyalty(9, 2, 'officers'),
      officialJunior: loyalty(2, 2, 'junior officials'),
      officialMid: loyalty(2.5, 2, 'mid-tier officials'),
      officialSenior: loyalty(8, 2, 'senior officials'),
      tycoon: loyalty(8, 2, 'tycoons'),
    },
    incomeUsd: {
      soldierEnlisted: usd(1200, 'Median annual income of enlisted soldiers (USD/year)'),
      soldierNco: usd(2000, 'Median annual income of NCOs (USD/year)'),
      soldierOfficer: usd(6000, 'Median annual income of officers, perks included (USD/year)'),
      officialJunior: usd(1000, 'Median annual income of junior officials (USD/year)'),
      officialMid: usd(2500, 'Median annual income of mid-tier officials (USD/year)'),
      officialSenior: usd(12000, 'Median annual income of senior officials, perks included (USD/year)'),
      tycoon: usd(2000000, 'Median annual income of tycoons (USD/year)'),
      sigma: num(0.4, 'Log-normal sigma of income within a group', { min: 0, max: 5 }),
      tycoonSigma: num(1, 'Log-normal sigma of tycoon income', { min: 0, max: 5 }),
    },
    wealthAbroadUsd: {
      officer: usd(50000, 'Median wealth held abroad by officers (USD)'),
      seniorOfficial: usd(200000, 'Median wealth held abroad by senior officials (USD)'),
      tycoon: usd(20000000, 'Median wealth held abroad by tycoons (USD)'),
      sigma: num(1.5, 'Log-normal sigma of wealth abroad', { min: 0, max: 5 }),
    },
    wealthInCountryYears: {
      soldier: num(1, 'Wealth in the country of a soldier, in years of income', { min: 0, max: 1000, unit: 'years' }),
      official: num(2, 'Wealth in the country of an official, in years of income', { min: 0, max: 1000, unit: 'years' }),
      tycoon: num(10, 'Wealth in the country of a tycoon, in years of income', { min: 0, max: 1000, unit: 'years' }),
    },
    assetShare: {
      soldier: share(0.3, 'Share of soldiers who would bring assets (weapons, vehicles) when defecting'),
      official: share(0.05, 'Share of officials who would bring assets (account books, records)'),
      tycoon: share(0, 'Share of tycoons who would bring assets'),
    },
  },
  decision: {
    gainWeight: num(1, 'bGain: weight of the gain from leaving (signed log of years of income; what sponsors pay counts only as far as the defector reaches safety)', { min: 0, max: 100 }),
    peerWeight: num(3, 'bPeer: weight of the share of the unit that had defected by t-1', { min: 0, max: 100 }),
    grievance: {
      soldier: num(0.5, 'bGrievance for soldiers: weight of the coup legitimacy shock', { min: 0, max: 100, source: CALIBRATED }),
      official: num(3.2, 'bGrievance for officials', { min: 0, max: 100, source: CALIBRATED }),
      tycoon: num(0, 'bGrievance for tycoons', { min: 0, max: 100, source: CALIBRATED }),
    },
    collapseWeight: num(1, 'bCollapse: weight of lost regime capacity (1 - capacity)', { min: 0, max: 100 }),
    familyWeight: num(2.5, 'bFamily: weight of a family held in the country under restriction', { min: 0, max: 100 }),
    familyFree: share(0.2, 'familyFree: the family term, as a share of bFamily, for a family in the country but not restricted'),
    riskWeight: num(2, 'bRisk: weight of the capture probability', { min: 0, max: 100 }),
    loyaltyWeight: num(3, 'bLoyal: weight of loyalty in the utility of staying', { min: 0, max: 100 }),
    lockedWeight: num(2, 'bLocked: extra utility of staying when sanctioned with no off-ramp (nowhere to go)', { min: 0, max: 100 }),
    seizedShare: share(0.8, 'Share of wealth in the country the regime seizes from a defector'),
    stay: {
      armyEnlisted: num(0.09, 'stay(kind, group): army enlisted', { min: -50, max: 50, source: CALIBRATED }),
      armyNco: num(0.39, 'stay(kind, group): army NCOs', { min: -50, max: 50, source: CALIBRATED }),
      armyOfficer: num(0.89, 'stay(kind, group): army officers', { min: -50, max: 50, source: CALIBRATED }),
      policeEnlisted: num(-1.71, 'stay(kind, group): police enlisted', { min: -50, max: 50, source: CALIBRATED }),
      policeNco: num(-1.41, 'stay(kind, group): police NCOs', { min: -50, max: 50, source: CALIBRATED }),
      policeOfficer: num(-0.91, 'stay(kind, group): police officers', { min: -50, max: 50, source: CALIBRATED }),
      officialJunior: num(-0.48, 'stay(kind, group): junior officials', { min: -50, max: 50, source: CALIBRATED }),
      officialMid: num(-0.18, 'stay(kind, group): mid-tier officials', { min: -50, max: 50, source: CALIBRATED }),
      officialSenior: num(4.52, 'stay(kind, group): senior officials', { min: -50, max: 50, source: CALIBRATED }),
      economicSector: num(0, 'stay adjustment for economic-sector officials', { min: -50, max: 50, source: CALIBRATED }),
      securitySector: num(1, 'stay adjustment for security-sector officials', { min: -50, max: 50, source: CALIBRATED }),
      tycoon: num(2.9, 'stay(kind, group): tycoons', { min: -50, max: 50, source: CALIBRATED }),
    },
    attemptRate: {
      soldier: share(0.05, 'attemptRate(soldier): ceiling on the monthly chance a soldier tries to defect'),
      official: share(0.3, 'attemptRate(official): ceiling on the monthly chance an official joins the CDM'),
      tycoon: share(0.02, 'attemptRate(tycoon): ceiling on the monthly chance a tycoon tries to defect'),
    },
    unitEffectSd: {
      soldier: num(0.5, 'Standard deviation of the per-unit propensity (battalions, stations)', { min: 0, max: 20 }),
      official: num(1.2, 'Standard deviation of the per-unit propensity (ministry offices)', { min: 0, max: 20 }),
      tycoon: num(0.5, 'Standard deviation of the per-unit propensity (business networks)', { min: 0, max: 20 }),
    },
  },
  regime: {
    shockHalfLifeTicks: num(6, 'Half-life of the coup legitimacy shock', { min: 0.1, max: 1000, unit: 'ticks' }),
    familyRestriction: {
      initialShare: share(0.3, "Share of serving soldiers' families under restriction at the coup"),
      ceilingShare: share(0.9, 'Share restricted at full crackdown'),
    },
    crackdown: {
      feedback: bool(true, 'Whether the regime tightens in response to defections (off: crackdown stays 0)'),
      soldier: {
        thresholdShare: share(0.039, 'Cumulative soldier defections (share of the force), lagged, past which the crackdown on soldiers starts', CALIBRATED),
        rampShare: share(0.005, 'Scale of the crackdown response: crackdown = 1 - exp(-(lagged share - threshold) / ramp)', CALIBRATED),
        lagTicks: int(2, 'Delay between defections and the crackdown they trigger', { min: 0, max: 48, unit: 'ticks' }),
      },
      official: {
        thresholdShare: share(0.2, 'Cumulative CDM share, lagged, past which measures against strikers start', CALIBRATED),
        rampShare: share(0.05, 'Scale of the measures against strikers', CALIBRATED),
        lagTicks: int(1, 'Delay of the measures against strikers', { min: 0, max: 48, unit: 'ticks' }),
      },
    },
    deterrence: {
      soldier: num(1.3, 'Utility of staying added at full crackdown for soldiers (unit controls, information restrictions)', { min: 0, max: 100, source: CALIBRATED }),
      official: num(6, 'Utility of staying added at full crackdown for junior and mid-tier officials (dismissal, eviction from government housing, arrests of strikers who stay in the country)', { min: 0, max: 100, source: CALIBRATED }),
      seniorOfficial: num(0, 'Same for senior officials (a senior defector leaves the country, so dismissal and eviction do not deter; capture risk still does)', { min: 0, max: 100 }),
    },
    capture: {
      soldierBase: share(0.15, 'Chance a soldier\'s attempt is caught, before any crackdown'),
      soldierMax: share(0.4, 'Chance a soldier\'s attempt is caught at full crackdown'),
      officialBase: share(0.01, 'Chance an official\'s attempt (joining the CDM) ends in arrest, before any crackdown'),
      officialMax: share(0.05, 'Same at full crackdown'),
      tycoon: share(0.2, 'Chance a tycoon\'s attempt is caught'),
    },
  },
  sponsors: {
    budgetUsd: usd(10000000, 'Sponsors\' budget at tick 0 (USD)'),
    monthlyFundingUsd: usd(500000, 'Added to the budget every tick (USD/month)'),
    startTick: int(7, 'First tick at which offers are made (NUG payouts began Sept 2021)', { min: 0, max: 600, unit: 'tick' }),
    payout: {
      soldierUsd: usd(2683, 'Payout to a defecting enlisted soldier (5 million kyat)', CAL),
      ncoUsd: usd(2683, 'Payout to a defecting NCO'),
      officerUsd: usd(10000, 'Payout to a defecting officer'),
      juniorOfficialUsd: usd(0, 'Payout to a junior official (CDM strikers were not paid)'),
      midOfficialUsd: usd(0, 'Payout to a mid-tier official'),
      seniorOfficialUsd: usd(0, 'Payout to a senior official (offers of up to $500,000 are a policy option)'),
      tycoonUsd: usd(0, 'Payout to a tycoon'),
      economicSectorMultiplier: num(1, 'Multiplier on officials\' payouts in the economic sector', { min: 0, max: 1000 }),
      assetBonusUsd: {
        soldier: usd(2684, 'Bonus for a soldier who brings assets (heavy weapon: 10 million kyat minus the base)', CAL),
        official: usd(0, 'Bonus for an official who brings assets (account books)'),
        tycoon: usd(0, 'Bonus for a tycoon who brings assets'),
      },
    },
    outreach: {
      soldier: share(0.03, 'Monthly chance a serving soldier learns of the offer'),
      official: share(0.03, 'Monthly chance a serving official learns of the offer'),
      tycoon: share(0.03, 'Monthly chance a tycoon learns of the offer'),
    },
    visasPerMonth: count(0, 'Resettlement places abroad per month'),
    safety: {
      soldier: share(0.3, 'Chance a defecting soldier ends up safe without a resettlement place'),
      official: share(0.5, 'Same for an official'),
      tycoon: share(0.5, 'Same for a tycoon'),
      resettled: share(0.95, 'Chance a defector with a resettlement place ends up safe'),
      listed: share(0.1, 'Safety of a sanctioned defector when there is no off-ramp (no Western exit)'),
    },
    extraction: {
      capacityPerMonth: count(0, 'Families of reached, serving agents the safe houses can move out per month'),
    },
  },
  sanctions: {
    enabled: bool(true, 'Whether sanctions tranches are designated'),
    firstTick: int(2, 'Tick of the first tranche (EU: April 2021)', { min: 0, max: 600, unit: 'tick' }),
    periodTicks: int(3, 'Months between tranches', { min: 1, max: 600, unit: 'ticks' }),
    trancheSize: count(23, 'People designated per tranche (US, UK, EU, Canada combined: ~185 by tick 24)', CAL),
    offRamp: bool(false, 'Delisting on defection: a listed defector gets assets abroad back'),
    offRampCredibility: share(0.5, 'Credibility of the off-ramp: share of assets abroad a listed defector expects back'),
  },
} satisfies SchemaTree;

export type Parameters = ValuesOf<typeof PARAMETER_SCHEMA>;

export function defaultParameters(): Parameters {
  return defaultsOf(PARAMETER_SCHEMA);
}
