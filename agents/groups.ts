/**
 * The agent groups of the defection model. An agent's group fixes its kind (soldier, official,
 * tycoon), its branch or sector, and its rank or tier; every group-level parameter is looked up
 * through this table once per tick, never per agent.
 */
export type Kind = 'soldier' | 'official' | 'tycoon';
export type Level = 'enlisted' | 'nco' | 'officer' | 'junior' | 'mid' | 'senior' | 'tycoon';

export interface Group {
  readonly name: string;
  readonly kind: Kind;
  /** army | police for soldiers; administrative | economic | security for officials. */
  readonly branch: string;
  readonly level: Level;
  /** Weight in regime capacity (military for soldiers, economic for economic-sector officials). */
  readonly capacityWeight: number;
}

const soldier = (branch: string, level: Level, w: number): Group => ({
  name: `${branch}_${level}`, kind: 'soldier', branch, level, capacityWeight: w,
});
const official = (level: Level, sector: string, w: number): Group => ({
  name: `official_${level}_${sector}`, kind: 'official', branch: sector, level, capacityWeight: w,
});

export const GROUPS: readonly Group[] = [
  soldier('army', 'enlisted', 1), soldier('army', 'nco', 2), soldier('army', 'officer', 5),
  soldier('police', 'enlisted', 1), soldier('police', 'nco', 2), soldier('police', 'officer', 5),
  official('junior', 'administrative', 0), official('junior', 'economic', 1), official('junior', 'security', 0),
  official('mid', 'administrative', 0), official('mid', 'economic', 3), official('mid', 'security', 0),
  official('senior', 'administrative', 0), official('senior', 'economic', 10), official('senior', 'security', 0),
  { name: 'tycoon', kind: 'tycoon', branch: 'business', level: 'tycoon', capacityWeight: 1 },
];
export const GROUP_COUNT = GROUPS.length;
export const KINDS: readonly Kind[] = ['soldier', 'official', 'tycoon'];
export const KIND_INDEX: Readonly<Record<Kind, number>> = { soldier: 0, official: 1, tycoon: 2 };
/** The kind index of each group. */
export const GROUP_KIND = Uint8Array.from(GROUPS, (g) => KIND_INDEX[g.kind]);

/**
 * The groups reported in outputs: the four headline groups and their sub-groups. Each maps to
 * the model groups it sums over.
 */
export const REPORT_GROUPS: ReadonlyArray<{ name: string; members: number[] }> = (() => {
  const by = (pred: (g: Group) => boolean) => GROUPS.flatMap((g, i) => (pred(g) ? [i] : []));
  return [
    { name: 'army', members: by((g) => g.branch === 'army') },
    { name: 'police', members: by((g) => g.branch === 'police') },
    { name: 'official', members: by((g) => g.kind === 'official') },
    { name: 'tycoon', members: by((g) => g.kind === 'tycoon') },
    ...['enlisted', 'nco', 'officer'].flatMap((level) => [
      { name: `army_${level}`, members: by((g) => g.branch === 'army' && g.level === level) },
      { name: `police_${level}`, members: by((g) => g.branch === 'police' && g.level === level) },
    ]),
    ...['junior', 'mid', 'senior'].map((level) => ({
      name: `official_${level}`, members: by((g) => g.kind === 'official' && g.level === level),
    })),
    ...['administrative', 'economic', 'security'].map((sector) => ({
      name: `official_${sector}`, members: by((g) => g.kind === 'official' && g.branch === sector),
    })),
  ];
})();
