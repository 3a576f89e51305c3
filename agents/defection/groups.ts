/**
 * The agent groups of the defection model. An agent's group fixes its kind (soldier, official,
 * tycoon), its branch or sector, and its rank or tier; every group-level parameter is looked up
 * through this table once per tick, never per agent.
 */
export type Kind = 'soldier' | 'official' | 'tycoon';
export type Level = 'enlisted' | 'nco' | 'officer' | 'conscript' | 'junior' | 'mid' | 'senior' | 'tycoon';

export interface Group {
  readonly name: string;
  readonly kind: Kind;
  /** army | police for soldiers; administrative | economic | security for officials. */
  readonly branch: string;
  readonly level: Level;
  /**
   * A large group: one agent stands for `population.scale` people. Officers, senior officials
   * and tycoons are small groups, always one agent per person, so that neither money (one
   * senior official's $500,000) nor a designation is ever lumped.
   */
  readonly scaled: boolean;
  /**
   * Defectors of the group need a way out of the country (a resettlement place): soldiers,
   * senior officials and tycoons. Striking junior and mid-tier officials mostly stay.
   */
  readonly needsExit: boolean;
}

const soldier = (branch: string, level: Level): Group => ({
  name: `${branch}_${level}`, kind: 'soldier', branch, level, scaled: level !== 'officer', needsExit: true,
});
const official = (level: Level, sector: string): Group => ({
  name: `official_${level}_${sector}`, kind: 'official', branch: sector, level, scaled: level !== 'senior', needsExit: level === 'senior',
});

/**
 * Conscripts come last: their agents are allocated up front (the intake over the horizon) and
 * join the serving list in index order as they are called up, from `regime.conscription.startTick`.
 */
export const GROUPS: readonly Group[] = [
  soldier('army', 'enlisted'), soldier('army', 'nco'), soldier('army', 'officer'),
  soldier('police', 'enlisted'), soldier('police', 'nco'), soldier('police', 'officer'),
  official('junior', 'administrative'), official('junior', 'economic'), official('junior', 'security'),
  official('mid', 'administrative'), official('mid', 'economic'), official('mid', 'security'),
  official('senior', 'administrative'), official('senior', 'economic'), official('senior', 'security'),
  { name: 'tycoon', kind: 'tycoon', branch: 'business', level: 'tycoon', scaled: false, needsExit: true },
  soldier('army', 'conscript'),
];
export const GROUP_COUNT = GROUPS.length;
export const CONSCRIPT_GROUP = GROUPS.findIndex((g) => g.level === 'conscript');
export const KINDS: readonly Kind[] = ['soldier', 'official', 'tycoon'];
export const KIND_INDEX: Readonly<Record<Kind, number>> = { soldier: 0, official: 1, tycoon: 2 };
/** The kind index of each group. */
export const GROUP_KIND = Uint8Array.from(GROUPS, (g) => KIND_INDEX[g.kind]);

/**
 * The groups reported in outputs: the four headline groups and their sub-groups. Each maps to
 * the model groups it sums over.
 */
export const REPORT_GROUPS: ReadonlyArray<{ name: string; kind: Kind; members: number[] }> = (() => {
  const by = (pred: (g: Group) => boolean) => GROUPS.flatMap((g, i) => (pred(g) ? [i] : []));
  return [
    { name: 'army', kind: 'soldier' as Kind, members: by((g) => g.branch === 'army') },
    { name: 'police', kind: 'soldier' as Kind, members: by((g) => g.branch === 'police') },
    { name: 'official', kind: 'official' as Kind, members: by((g) => g.kind === 'official') },
    { name: 'tycoon', kind: 'tycoon' as Kind, members: by((g) => g.kind === 'tycoon') },
    ...['enlisted', 'nco', 'officer'].flatMap((level) => [
      { name: `army_${level}`, kind: 'soldier' as Kind, members: by((g) => g.branch === 'army' && g.level === level) },
      { name: `police_${level}`, kind: 'soldier' as Kind, members: by((g) => g.branch === 'police' && g.level === level) },
    ]),
    { name: 'army_conscript', kind: 'soldier' as Kind, members: by((g) => g.level === 'conscript') },
    ...['junior', 'mid', 'senior'].map((level) => ({
      name: `official_${level}`, kind: 'official' as Kind, members: by((g) => g.kind === 'official' && g.level === level),
    })),
    ...['administrative', 'economic', 'security'].map((sector) => ({
      name: `official_${sector}`, kind: 'official' as Kind, members: by((g) => g.kind === 'official' && g.branch === sector),
    })),
    // The CDM proper: junior and mid-tier officials on strike (`official` also counts senior officials).
    { name: 'cdm', kind: 'official' as Kind, members: by((g) => g.kind === 'official' && g.level !== 'senior') },
  ];
})();

/**
 * The groups spend is attributed to: a partition of the agent groups (each group in exactly one),
 * so the groups' spends add up to the total with the shared costs. Economic-sector officials are
 * a breakdown across `cdm` and `official_senior` and get their own column outside the partition.
 */
export const SPEND_GROUPS: ReadonlyArray<{ name: string; members: number[] }> = (() => {
  const by = (pred: (g: Group) => boolean) => GROUPS.flatMap((g, i) => (pred(g) ? [i] : []));
  return [
    { name: 'army', members: by((g) => g.branch === 'army') },
    { name: 'police', members: by((g) => g.branch === 'police') },
    { name: 'official_senior', members: by((g) => g.kind === 'official' && g.level === 'senior') },
    { name: 'cdm', members: by((g) => g.kind === 'official' && g.level !== 'senior') },
    { name: 'tycoon', members: by((g) => g.kind === 'tycoon') },
  ];
})();
