/**
 * Every parameter of the defection model: dotted path, default, allowed range, unit, meaning and
 * the basis of its value (ODD+2's rationale). The defaults are the calibrated `myanmar-2021`
 * scenario (docs/ODD.md, Calibration). This one tree feeds validation, `defsim params`,
 * docs/PARAMETERS.md and schema/params.schema.json.
 *
 * Every `source` starts with what the value rests on:
 * - `calibrated: <target ids>` — set so the model meets those targets of data/myanmar-2021.json;
 * - `data: …` — an observed quantity (with its address);
 * - `assumption` — no target identifies it: a stated assumption, varied by the sensitivity
 *   analysis (experiments/sensitivity.yaml);
 * - `policy lever` — what a scenario chooses (budget, payouts, visas, sanctions);
 * - `setting` — how a run is made (horizon, scale), not part of the model.
 */
import { bool, choice, count, defaultsOf, int, num, share, usd, type SchemaTree, type ValuesOf } from '../../engine/schema.js';

const ASSUMED = 'assumption';
const LEVER = 'policy lever';
const calibrated = (...targets: string[]) => `calibrated: ${targets.join(', ')}`;
const ARMY_TARGETS = ['army_t6', 'army_t10', 'army_t14', 'army_t24', 'army_flow_collapse'];
const CDM_TARGETS = ['officials_t6', 'officials_t24'];

const loyalty = (alpha: number, beta: number, who: string) => ({
  alpha: num(alpha, `Beta(alpha, beta) loyalty of ${who}: alpha`, { min: 0.05, max: 1000, source: ASSUMED }),
  beta: num(beta, `Beta(alpha, beta) loyalty of ${who}: beta`, { min: 0.05, max: 1000, source: ASSUMED }),
});

export const PARAMETER_SCHEMA = {
  time: {
    ticks: int(48, 'Horizon: number of monthly ticks simulated (tick 0 = February 2021)', { min: 1, max: 600, unit: 'ticks', source: 'setting (MODEL.md: 48 months)' }),
  },
  population: {
    scale: num(1, 'People per agent in the large groups (enlisted soldiers, NCOs, conscripts, junior and mid-tier officials): one such agent stands for this many people. Officers, senior officials and tycoons are always one agent per person; peer units keep their size (fewer whole units are simulated). Every reported count is in people', { min: 1, max: 100000, unit: 'people/agent', source: 'setting' }),
    army: count(150000, 'Army soldiers at the coup', 'data: https://www.usip.org/publications/2023/05/myanmars-military-smaller-commonly-thought-and-shrinking-fast'),
    police: count(80000, 'Police at the coup', 'data: https://bnionline.net/en/mizzima-news/item/17120-myanmar-police-force-to-be-doubled-says-deputy-minister.html'),
    officials: count(1000000, 'Civil servants at the coup (all tiers)', 'data: https://www.wionews.com/south-asia/myanmar-civil-servants-strike-makes-it-difficult-for-military-366373'),
    seniorOfficials: count(1000, 'Senior officials among the civil servants', 'assumption (MODEL.md: about 1,000)'),
    midOfficialShare: share(0.1, 'Share of civil servants at mid tier', ASSUMED),
    economicSectorShare: share(0.15, 'Share of civil servants in the economic sector (central bank, finance, planning, revenue)', ASSUMED),
    securitySectorShare: share(0.1, 'Share of civil servants in the security sector (home affairs, border, prisons)', ASSUMED),
    ncoShare: share(0.15, 'Share of soldiers (army and police) who are NCOs', ASSUMED),
    officerShare: share(0.05, 'Share of soldiers (army and police) who are officers', ASSUMED),
    tycoons: count(300, 'Regime-linked business owners', 'data (order of magnitude): https://english.dvb.no/leak-suggests-27-leading-cronies-banned-from-leaving-burma/'),
    unitSize: {
      army: count(300, 'People per army battalion (the peer group)', 'assumption (battalions far below nominal strength: USIP 2023)'),
      police: count(100, 'People per police station', ASSUMED),
      official: count(150, 'People per ministry office', ASSUMED),
      tycoon: count(10, 'Tycoons per business network', ASSUMED),
    },
    familyInCountryShare: {
      soldier: share(0.95, 'Share of soldiers whose family lives in the country (mostly in military housing)', 'assumption (families held in military compounds: https://myanmar-now.org/en/news/junta-uses-control-over-military-families-to-prevent-defections-say-army-insiders/)'),
      official: share(0.95, 'Share of officials whose family lives in the country', ASSUMED),
      tycoon: share(0.4, 'Share of tycoons whose family lives in the country', ASSUMED),
    },
  },
  traits: {
    loyalty: {
      soldierEnlisted: loyalty(5, 2, 'enlisted soldiers'),
      soldierNco: loyalty(6, 2, 'NCOs'),
      soldierOfficer: loyalty(9, 2, 'officers'),
      soldierConscript: loyalty(2, 3, 'conscripts (called up against their will from February 2024)'),
      officialJunior: loyalty(2, 2, 'junior officials'),
      officialMid: loyalty(2.5, 2, 'mid-tier officials'),
      officialSenior: loyalty(8, 2, 'senior officials'),
      tycoon: loyalty(8, 2, 'tycoons'),
    },
    incomeUsd: {
      soldierEnlisted: usd(1200, 'Median annual income of enlisted soldiers and conscripts (USD/year)', ASSUMED),
      soldierNco: usd(2000, 'Median annual income of NCOs (USD/year)', ASSUMED),
      soldierOfficer: usd(6000, 'Median annual income of officers, perks included (USD/year)', ASSUMED),
      officialJunior: usd(1000, 'Median annual income of junior officials (USD/year)', ASSUMED),
      officialMid: usd(2500, 'Median annual income of mid-tier officials (USD/year)', ASSUMED),
      officialSenior: usd(12000, 'Median annual income of senior officials, perks included (USD/year)', ASSUMED),
      tycoon: usd(2000000, 'Median annual income of tycoons (USD/year): also their regime-dependent business, which counts in economic capacity', ASSUMED),
      sigma: num(0.4, 'Log-normal sigma of income within a group', { min: 0, max: 5, source: ASSUMED }),
      tycoonSigma: num(1, 'Log-normal sigma of tycoon income', { min: 0, max: 5, source: ASSUMED }),
    },
    wealthAbroadUsd: {
      officer: usd(50000, 'Median wealth held abroad by officers (USD)', ASSUMED),
      seniorOfficial: usd(200000, 'Median wealth held abroad by senior officials (USD)', ASSUMED),
      tycoon: usd(20000000, 'Median wealth held abroad by tycoons (USD)', ASSUMED),
      sigma: num(1.5, 'Log-normal sigma of wealth abroad', { min: 0, max: 5, source: ASSUMED }),
    },
    wealthInCountryYears: {
      soldier: num(1, 'Wealth in the country of a soldier, in years of income', { min: 0, max: 1000, unit: 'years', source: ASSUMED }),
      official: num(2, 'Wealth in the country of an official, in years of income', { min: 0, max: 1000, unit: 'years', source: ASSUMED }),
      tycoon: num(10, 'Wealth in the country of a tycoon, in years of income', { min: 0, max: 1000, unit: 'years', source: ASSUMED }),
    },
    assetShare: {
      soldier: share(0.3, 'Share of soldiers who would bring assets (weapons, vehicles) when defecting', ASSUMED),
      official: share(0.05, 'Share of officials who would bring assets (account books, records)', ASSUMED),
      tycoon: share(0, 'Share of tycoons who would bring assets', ASSUMED),
    },
  },
  decision: {
    gainWeight: num(1, 'bGain: weight of the gain from leaving (signed log of years of income; what sponsors pay counts only as far as the defector reaches safety)', { min: 0, max: 100, source: ASSUMED }),
    safetyWeight: num(2, 'bSafety: weight of the danger of leaving, 1 − safety (the chance of not reaching safety: arrest, reprisal, life on the run); a resettlement place raises safety whatever is paid. 0: safety only discounts payouts, as in model 1.0', { min: 0, max: 100, source: 'assumption (the seed: "hundreds, if not thousands, more would defect if they believed their safety would be guaranteed")' }),
    peerWeight: num(3, 'bPeer: weight of the share of the unit that was out (defected, not back) at t−1', { min: 0, max: 100, source: 'assumption (shape cdm_unit_spread)' }),
    grievance: {
      soldier: num(0.5, 'bGrievance for soldiers: weight of the coup legitimacy shock', { min: 0, max: 100, source: calibrated(...ARMY_TARGETS) }),
      official: num(3.2, 'bGrievance for officials', { min: 0, max: 100, source: calibrated(...CDM_TARGETS) }),
      tycoon: num(0, 'bGrievance for tycoons', { min: 0, max: 100, source: ASSUMED }),
    },
    collapseWeight: num(1, 'bCollapse: weight of lost regime capacity (1 − capacity)', { min: 0, max: 100, source: ASSUMED }),
    familyWeight: num(2.5, 'bFamily: weight of a family held in the country under restriction', { min: 0, max: 100, source: 'assumption (a defector: ~75% of soldiers would leave if their families were free)' }),
    familyFree: share(0.2, 'familyFree: the family term, as a share of bFamily, for a family in the country but not restricted', ASSUMED),
    riskWeight: num(2, 'bRisk: weight of the capture probability', { min: 0, max: 100, source: ASSUMED }),
    loyaltyWeight: num(3, 'bLoyal: weight of loyalty in the utility of staying', { min: 0, max: 100, source: ASSUMED }),
    lockedWeight: num(2, 'bLocked: extra utility of staying when sanctioned with no off-ramp (nowhere to go)', { min: 0, max: 100, source: ASSUMED }),
    seizedShare: share(0.8, 'Share of wealth in the country the regime seizes from a defector', ASSUMED),
    stay: {
      armyEnlisted: num(-1.2, 'stay(kind, group): army enlisted and conscripts', { min: -50, max: 50, source: calibrated(...ARMY_TARGETS) }),
      armyNco: num(-1.01, 'stay(kind, group): army NCOs', { min: -50, max: 50, source: ASSUMED }),
      armyOfficer: num(-0.51, 'stay(kind, group): army officers', { min: -50, max: 50, source: ASSUMED }),
      policeEnlisted: num(-3.11, 'stay(kind, group): police enlisted', { min: -50, max: 50, source: calibrated('police_t10') + ' (police_t24 and police_vs_army are holdouts: never fitted)' }),
      policeNco: num(-2.81, 'stay(kind, group): police NCOs', { min: -50, max: 50, source: ASSUMED }),
      policeOfficer: num(-2.31, 'stay(kind, group): police officers', { min: -50, max: 50, source: ASSUMED }),
      officialJunior: num(-1.48, 'stay(kind, group): junior officials', { min: -50, max: 50, source: calibrated(...CDM_TARGETS) }),
      officialMid: num(-1.18, 'stay(kind, group): mid-tier officials', { min: -50, max: 50, source: ASSUMED }),
      officialSenior: num(3.52, 'stay(kind, group): senior officials', { min: -50, max: 50, source: calibrated('senior_officials_t24') }),
      economicSector: num(0, 'stay adjustment for economic-sector officials', { min: -50, max: 50, source: ASSUMED }),
      securitySector: num(1, 'stay adjustment for security-sector officials', { min: -50, max: 50, source: ASSUMED }),
      tycoon: num(1.9, 'stay(kind, group): tycoons', { min: -50, max: 50, source: calibrated('tycoons_t24') }),
    },
    attemptRate: {
      soldier: share(0.05, 'attemptRate(soldier): ceiling on the monthly chance a soldier tries to defect', ASSUMED),
      official: share(0.3, 'attemptRate(official): ceiling on the monthly chance an official joins the CDM', ASSUMED),
      tycoon: share(0.02, 'attemptRate(tycoon): ceiling on the monthly chance a tycoon tries to defect', ASSUMED),
    },
    unitEffectSd: {
      soldier: num(0.5, 'Standard deviation of the per-unit propensity (battalions, stations)', { min: 0, max: 20, source: ASSUMED }),
      official: num(1.2, 'Standard deviation of the per-unit propensity (ministry offices)', { min: 0, max: 20, source: calibrated('cdm_unit_spread') }),
      tycoon: num(0.5, 'Standard deviation of the per-unit propensity (business networks)', { min: 0, max: 20, source: ASSUMED }),
    },
  },
  regime: {
    shockHalfLifeTicks: num(6, 'Half-life of the coup legitimacy shock', { min: 0.1, max: 1000, unit: 'ticks', source: calibrated('army_t6', 'officials_t6', 'army_flow_collapse') }),
    familyRestriction: {
      initialShare: share(0.3, "Share of serving soldiers' families under restriction at the coup", ASSUMED),
      ceilingShare: share(0.9, 'Share restricted at full crackdown', ASSUMED),
    },
    crackdown: {
      enabled: bool(true, 'Whether the regime tightens at all (off: the crackdown stays 0)', ASSUMED),
      mode: choice(['feedback', 'scheduled'], 'feedback', 'What the tightening follows: feedback = a response to lagged cumulative defections past a threshold; scheduled = a dated policy change (full crackdown from regime.crackdown.scheduledTick for soldiers and regime.crackdown.official.scheduledTick for officials, whatever the defections)', 'assumption (the record cannot tell the two stories apart)'),
      scheduledTick: int(15, 'scheduled mode: tick from which the soldiers\' crackdown is full (the army\'s cliff; May 2022 = tick 15)', { min: 0, max: 600, unit: 'tick', source: 'assumption (army_flow_collapse: the flow falls after about tick 14)' }),
      soldier: {
        thresholdShare: share(0.039, 'feedback mode: cumulative soldier defections (share of the force), lagged, past which the crackdown on soldiers starts', calibrated(...ARMY_TARGETS)),
        rampShare: share(0.005, 'feedback mode: scale of the response: crackdown = 1 − exp(−(lagged share − threshold) / ramp)', ASSUMED),
        lagTicks: int(2, 'feedback mode: delay between defections and the crackdown they trigger', { min: 0, max: 48, unit: 'ticks', source: ASSUMED }),
      },
      official: {
        thresholdShare: share(0.2, 'feedback mode: cumulative CDM share, lagged, past which measures against strikers start', calibrated(...CDM_TARGETS)),
        rampShare: share(0.05, 'feedback mode: scale of the measures against strikers', ASSUMED),
        lagTicks: int(1, 'feedback mode: delay of the measures against strikers', { min: 0, max: 48, unit: 'ticks', source: ASSUMED }),
        scheduledTick: int(4, 'scheduled mode: tick from which the measures against strikers are full (dismissals and evictions from mid-2021)', { min: 0, max: 600, unit: 'tick', source: 'assumption (officials_t6, officials_t24: the CDM stopped growing after 2021)' }),
      },
    },
    deterrence: {
      soldier: num(1.3, 'Utility of staying added at full crackdown for soldiers (unit controls, information restrictions)', { min: 0, max: 100, source: calibrated('army_t24', 'army_flow_collapse') }),
      official: num(6, 'Utility of staying added at full crackdown for junior and mid-tier officials (dismissal, eviction from government housing, arrests of strikers who stay in the country)', { min: 0, max: 100, source: calibrated('officials_t24') }),
      seniorOfficial: num(0, 'Same for senior officials (a senior defector leaves the country, so dismissal and eviction do not deter; capture risk still does)', { min: 0, max: 100, source: ASSUMED }),
    },
    capture: {
      soldierBase: share(0.15, 'Chance a soldier\'s attempt is caught, before any crackdown', 'assumption (desertion punishable by up to 7 years or death)'),
      soldierMax: share(0.4, 'Chance a soldier\'s attempt is caught at full crackdown', ASSUMED),
      officialBase: share(0.01, 'Chance an official\'s attempt (joining the CDM) ends in arrest, before any crackdown', ASSUMED),
      officialMax: share(0.05, 'Same at full crackdown', ASSUMED),
      tycoon: share(0.2, 'Chance a tycoon\'s attempt is caught', 'assumption (7 businessmen arrested, 27 cronies under a travel ban in 2022)'),
    },
    capacity: {
      ncoWeight: num(2, 'Military capacity: weight of a serving NCO (an enlisted soldier counts 1)', { min: 0, max: 1000, source: ASSUMED }),
      officerWeight: num(5, 'Military capacity: weight of a serving officer', { min: 0, max: 1000, source: ASSUMED }),
      conscriptWeight: num(0.5, 'Military capacity: weight of a serving conscript (untrained)', { min: 0, max: 1000, source: ASSUMED }),
      midOfficialWeight: num(3, 'Economic capacity: weight of a serving mid-tier economic-sector official (a junior one counts 1)', { min: 0, max: 1000, source: ASSUMED }),
      seniorOfficialWeight: num(10, 'Economic capacity: weight of a serving senior economic-sector official', { min: 0, max: 1000, source: ASSUMED }),
      officialsShare: share(0.5, 'Economic capacity: share that rests on economic-sector officials; the rest rests on tycoons\' regime-dependent business (their income in the country, not their wealth abroad)', 'assumption (state administration and crony conglomerates as the two pillars of the regime\'s revenue; no measurement splits them)'),
    },
    conscription: {
      startTick: int(36, 'First tick of conscription (the People\'s Military Service Law, activated February 2024 = tick 36)', { min: 0, max: 600, unit: 'tick', source: 'data: the conscription law of February 2024 (MODEL.md)' }),
      monthlyIntake: count(5000, 'Conscripts called up into the army each month from the start tick (people/month)', 'data: about 5,000 a month (MODEL.md)'),
    },
    returns: {
      strikerRate: share(0.01, 'Monthly chance a striking junior or mid-tier official (CDM) goes back to work', 'assumption (about 410,000 out in 2021, more than 300,000 still out in 2023)'),
      deserterPardonRate: share(0.002, 'Monthly chance a deserter (a defected soldier) is pardoned and returns to service', 'assumption (pardons of deserters are reported: https://cnimyanmar.com/index.php/english-edition/19019-deserters-and-awols-are-pardoned-not-because-tatmadaw-needs-strength)'),
    },
    fiscal: {
      link: share(0.5, 'The fiscal link: share of the military\'s pay and supply that the state\'s revenue funds (the rest comes from the military\'s own businesses and reserves). Revenue follows economic capacity and sanctions; military spending = 1 − link × (1 − revenue). 0: the economy never touches the army (model 1.1)', 'assumption (the seed: "the rapidly imploding economy is the real vulnerability"; the junta has protected military pay, so the link is unknown)'),
      sanctionsRevenueShare: share(0, 'Share of the state\'s revenue that sanctions remove at full bite (see sanctions.biteScale): the fiscal form of sanctions\' cost to the regime. 0: designations of individuals cost the state no revenue', 'assumption (the tranches here name individuals; sectoral sanctions are not modelled)'),
      adjustShare: share(0.25, 'Share of the gap between military spending and what revenue now funds that closes each month (budget inertia: the regime draws down reserves first)', ASSUMED),
      arrearsWeight: num(2, 'bArrears: utility of leaving, for soldiers, per unit of unfunded pay and supply (1 − military spending): pay arrears and shortages raise the pull to leave', { min: 0, max: 100, source: ASSUMED }),
    },
  },
  sponsors: {
    budgetUsd: usd(10000000, 'Sponsors\' budget at tick 0 (USD)', LEVER),
    monthlyFundingUsd: usd(500000, 'Added to the budget every tick (USD/month)', LEVER),
    startTick: int(7, 'First tick at which offers are made (NUG payouts began Sept 2021)', { min: 0, max: 600, unit: 'tick', source: 'data: NUG payouts from 2021-09 (data/myanmar-2021.json payouts)' }),
    payout: {
      soldierUsd: usd(2683, 'Payout to a defecting enlisted soldier or conscript (5 million kyat)', 'data: 5,000,000 kyat (data/myanmar-2021.json payouts)'),
      ncoUsd: usd(2683, 'Payout to a defecting NCO', 'data: as for enlisted soldiers'),
      officerUsd: usd(10000, 'Payout to a defecting officer', ASSUMED),
      juniorOfficialUsd: usd(0, 'Payout to a junior official (CDM strikers were not paid)', LEVER),
      midOfficialUsd: usd(0, 'Payout to a mid-tier official', LEVER),
      seniorOfficialUsd: usd(0, 'Payout to a senior official (offers of up to $500,000 are a policy option)', LEVER),
      tycoonUsd: usd(0, 'Payout to a tycoon', LEVER),
      economicSectorMultiplier: num(1, 'Multiplier on officials\' payouts in the economic sector', { min: 0, max: 1000, source: LEVER }),
      officialSector: choice(['all', 'economic'], 'all', 'Which officials the officials\' payouts are offered to: all sectors, or the economic sector only (central bank, finance, planning, revenue)', LEVER),
      assetBonusUsd: {
        soldier: usd(2684, 'Bonus for a soldier who brings assets (heavy weapon: 10 million kyat minus the base)', 'data: 10,000,000 kyat for a heavy weapon (data/myanmar-2021.json payouts)'),
        official: usd(0, 'Bonus for an official who brings assets (account books)', LEVER),
        tycoon: usd(0, 'Bonus for a tycoon who brings assets', LEVER),
      },
    },
    outreach: {
      soldier: share(0.03, 'Monthly chance a serving soldier learns of the sponsors\' offer (money, resettlement or safe houses)', ASSUMED),
      official: share(0.03, 'Monthly chance a serving official learns of the offer', ASSUMED),
      tycoon: share(0.03, 'Monthly chance a tycoon learns of the offer', ASSUMED),
    },
    visasPerMonth: count(0, 'Resettlement places abroad per month (offered to soldiers, senior officials and tycoons: the defectors who must leave the country)', LEVER),
    safety: {
      soldier: share(0.3, 'Chance a defecting soldier ends up safe without a resettlement place', ASSUMED),
      official: share(0.5, 'Same for an official', ASSUMED),
      tycoon: share(0.5, 'Same for a tycoon', ASSUMED),
      resettled: share(0.95, 'Chance a defector with a resettlement place ends up safe', ASSUMED),
      listed: share(0.1, 'Safety of a sanctioned defector when there is no off-ramp (no Western exit)', ASSUMED),
    },
    credibility: {
      updateShare: share(0.5, 'How fast word of the money spreads: the share of the gap between the chance agents believe a claim will be paid and the true chance that closes each month (1: they know at once). The true chance is what the budget left after the claims queued can pay of last month\'s claims', 'assumption (when the money runs out word spreads and the offer\'s pull falls; when it comes back it recovers)'),
    },
    claims: {
      maxWaitTicks: int(6, 'Months an unpaid claim waits in the queue (first come, first served) before it lapses. A defector whose claim lapses is never paid; a serving agent who would leave only for the money and whose claim lapses stays. 0: a claim not paid in the month it is made lapses', { min: 0, max: 600, unit: 'ticks', source: ASSUMED }),
    },
    costs: {
      fixedUsdPerMonth: usd(0, 'Running cost of the programme per month while offers are made (offices, outreach): a shared cost in spend_usd, attributed to no group, outside the payout budget', ASSUMED),
      visaUsd: usd(5000, 'What one resettlement place used costs the governments that offer it (USD per person resettled): counted in spend_usd, outside the payout budget', 'assumption (the US Reception and Placement grant alone was $1,800 per refugee in 2010, https://2009-2017.state.gov/r/pa/prs/ps/2010/01/135800.htm; travel, processing and support cost more)'),
      familyUsd: usd(1000, 'What moving one family out to a safe house costs (USD per family): counted in spend_usd, outside the payout budget', ASSUMED),
    },
    extraction: {
      capacityPerMonth: count(0, 'Families the safe houses can move out per month: families held under restriction of serving agents who have been reached and whose group has a standing offer', LEVER),
    },
  },
  sanctions: {
    enabled: bool(true, 'Whether sanctions tranches are designated', LEVER),
    firstTick: int(2, 'Tick of the first tranche (EU: April 2021)', { min: 0, max: 600, unit: 'tick', source: 'data: first EU listing 2021-04-19 (data/myanmar-2021.json sanctionsEU)' }),
    periodTicks: int(3, 'Months between tranches', { min: 1, max: 600, unit: 'ticks', source: ASSUMED }),
    trancheSize: count(23, 'People designated per tranche (US, UK, EU, Canada combined: ~185 by tick 24)', calibrated('sanctioned_t24')),
    designation: {
      officerShare: share(0.5, 'Share of each tranche that names military and police officers (the most senior first); officerShare + seniorOfficialShare <= 1 and the rest names tycoons (cronies)', 'assumption (the EU, UK, US and Canadian lists name mostly officers of the armed forces and ministers, plus cronies; the record here gives counts only)'),
      seniorOfficialShare: share(0.3, 'Share of each tranche that names senior officials (ministers, deputy ministers; the most senior first)', ASSUMED),
    },
    offRamp: bool(false, 'Delisting on defection: a listed defector gets assets abroad back', LEVER),
    offRampCredibility: share(0.5, 'Credibility of the off-ramp: share of assets abroad a listed defector expects back', ASSUMED),
    revenueEffect: num(0, 'Sanctions also cost the regime revenue that its people pay: utility of leaving added, for every serving agent, at full bite; the push is revenueEffect × (1 − exp(−designated / biteScale)), designations to the end of last month, so it never exceeds revenueEffect. 0: sanctions only lock the listed in, as in model 1.0', { min: 0, max: 100, source: 'assumption (a rival hypothesis, off by default)' }),
    biteScale: num(100, 'Sanctions\' bite: designations (people) at which it reaches 63% of full (1 − exp(−designated / biteScale)); read by sanctions.revenueEffect and regime.fiscal.sanctionsRevenueShare. Model 1.1\'s linear push per 100 designated is the slope at 0 of this form with biteScale 100', { min: 1, max: 1e6, unit: 'people', source: ASSUMED }),
  },
} satisfies SchemaTree;

export type Parameters = ValuesOf<typeof PARAMETER_SCHEMA>;

export function defaultParameters(): Parameters {
  return defaultsOf(PARAMETER_SCHEMA);
}

/**
 * Checks that span several parameters (each value is already in its own range). `explicit`: the
 * dotted keys a scenario, config file, experiment or `--set` gave (a default is never refused).
 * Returns one message naming the key, the value and what is allowed, or null.
 */
export function parameterRelationProblem(p: Parameters, explicit: ReadonlySet<string> = new Set()): string | null {
  const last = p.time.ticks - 1;
  const { designation } = p.sanctions;
  if (designation.officerShare + designation.seniorOfficialShare > 1 + 1e-12) {
    return `invalid value for 'sanctions.designation.seniorOfficialShare': ${designation.seniorOfficialShare} (allowed: a share with sanctions.designation.officerShare + seniorOfficialShare <= 1; officerShare is ${designation.officerShare}, tycoons get the rest)`;
  }
  const crackdown = p.regime.crackdown;
  const ticks: Array<[string, number, boolean]> = [
    ['regime.crackdown.scheduledTick', crackdown.scheduledTick, crackdown.mode === 'scheduled' && crackdown.enabled],
    ['regime.crackdown.official.scheduledTick', crackdown.official.scheduledTick, crackdown.mode === 'scheduled' && crackdown.enabled],
    ['regime.conscription.startTick', p.regime.conscription.startTick, false],
  ];
  for (const [key, tick, inUse] of ticks) {
    if (tick > last && (inUse || explicit.has(key))) {
      return `invalid value for '${key}': ${tick} (allowed: a tick within the horizon, an integer in [0, ${last}] for time.ticks = ${p.time.ticks})`;
    }
  }
  return null;
}
