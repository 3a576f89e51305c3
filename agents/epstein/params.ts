/**
 * Epstein (2002)'s civil violence Model I: the parameters (one schema: defaults, ranges, units,
 * meaning and where each comes from; README.md says where implementations differ) and the checks
 * that span several of them.
 */
import { NEIGHBOURHOOD_KINDS } from '../../engine/grid.js';
import { bool, choice, int, num, share, type SchemaTree, type ValuesOf } from '../../engine/schema.js';

const PAPER = 'Epstein (2002), PNAS 99(suppl 3):7243–7250';

export const EPSTEIN_SCHEMA = {
  world: {
    width: int(40, 'Torus width', { min: 3, max: 4000, unit: 'cells', source: `${PAPER}: the 40 × 40 lattice of Model I (NetLogo Rebellion and Mesa too)` }),
    height: int(40, 'Torus height', { min: 3, max: 4000, unit: 'cells', source: `${PAPER}: 40 × 40` }),
  },
  citizens: {
    density: share(0.7, 'Citizens per cell at the start (share of the cells)', `${PAPER}: agent density 0.7 (NetLogo 70%, Mesa 0.7)`),
    vision: int(7, 'How far a citizen sees: the radius of its neighbourhood (`neighbourhood` gives the shape)', { min: 0, max: 90, unit: 'cells', source: `${PAPER}: v = 7 for agents in the Model I runs (NetLogo 7, Mesa 7)` }),
    threshold: num(0.1, 'T: a citizen is active when grievance − net risk exceeds it', { min: 0, max: 1, unit: 'grievance units', source: `${PAPER}: T = 0.1 (NetLogo, Mesa the same)` }),
    arrestConstant: num(2.3, 'k in P = 1 − exp(−k·(C/A)): chosen so that P ≈ 0.9 with one cop and one active (self) in vision', { min: 0, max: 100, unit: '1', source: `${PAPER}: k = 2.3` }),
    arrestRatio: choice(['floor', 'round', 'exact'], 'floor',
      'How the ratio C/A of cops to actives (self included) enters P. floor: the whole number below it (NetLogo Rebellion; its Info tab: without it no punctuated equilibrium); round: nearest whole number (Mesa); exact: C/A as written in the paper',
      `${PAPER} writes (C/A)_v; floor as NetLogo Rebellion (Wilensky 2004), round as Mesa's example`),
  },
  cops: {
    density: share(0.04, 'Cops per cell at the start (share of the cells)', `${PAPER}: cop density 0.04 in the punctuated-equilibrium run, 0.074 in the legitimacy-crisis runs (NetLogo 4%; Mesa's example 0.074)`),
    vision: int(7, 'How far a cop sees (radius)', { min: 0, max: 90, unit: 'cells', source: `${PAPER}: v* = 7 for cops in the Model I runs` }),
  },
  neighbourhood: choice(NEIGHBOURHOOD_KINDS, 'moore',
    "The shape of vision. moore: the square of cells up to `vision` away in both directions, what the model's original code uses (the Brookings Ascape source: a Moore lattice, distance = the larger coordinate difference); von-neumann: up to `vision` steps north, south, east and west (the paper's wording; Mesa's example); disc: Euclidean distance ≤ vision (NetLogo Rebellion's in-radius)",
    'Ascape edu.brook.cv (Array2DMoore); see agents/epstein/README.md'),
  jail: {
    maxTerm: int(30, 'J_max: an arrested citizen is jailed for a whole number of ticks drawn uniformly from 0…J_max (0: let go at once)', { min: 0, max: 100_000, unit: 'ticks', source: `${PAPER}: J ~ U(0, J_max), J_max = 30 in the punctuated-equilibrium run (NetLogo 30; Mesa's example 1000)` }),
    life: bool(false, 'Jail for life: arrested citizens never come back (J_max = ∞, as in the legitimacy-crisis runs)', `${PAPER}: the legitimacy and cop-reduction runs (Ascape CVModelIRun3and4and5: jailTerm = Integer.MAX_VALUE)`),
  },
  legitimacy: {
    initial: share(0.82, 'L, the regime legitimacy every citizen perceives: from the start, and throughout when `change` is 0', `${PAPER}: L = 0.82 in the punctuated-equilibrium run (NetLogo 0.82; Mesa 0.8)`),
    change: num(0, 'How much L changes (negative: a fall); L ends at initial + change', { min: -1, max: 1, unit: 'L (share points)', source: `${PAPER}: the legitimacy-crisis runs lower L, at once or in small steps` }),
    changeTick: int(0, 'The tick the change starts', { unit: 'ticks', source: `${PAPER}: the one-jump fall of the legitimacy-crisis run (0.9 to 0.65 at tick 75 in the Ascape run; t = 77 in the paper's figure)` }),
    changeTicks: int(0, 'Over how many ticks L goes from initial to initial + change in equal steps (0 or 1: all at once)', { unit: 'ticks', source: `${PAPER}: the gradual run lowers L by 0.01 every 3 ticks (Ascape CVModelIRun3); 0: at once` }),
  },
  movement: bool(true, 'Rule M: citizens out of jail and cops move each tick to a random empty cell in vision', `${PAPER}: rule M`),
  outbursts: {
    threshold: int(50, 'An outburst is a spell of ticks with at least this many active citizens; waiting times are the quiet ticks between two', { min: 1, max: 100_000_000, unit: 'citizens', source: `${PAPER}: outbursts of more than 50 actives in the waiting-time analysis` }),
  },
  time: {
    ticks: int(500, 'Horizon: ticks simulated (one tick: every agent acts once, in random order)', { min: 1, max: 10_000_000, unit: 'ticks', source: 'setting' }),
  },
} satisfies SchemaTree;

export type EpsteinParameters = ValuesOf<typeof EPSTEIN_SCHEMA>;

/** Agents placed at the start: round(density × cells) of each kind. */
export function agentCounts(p: EpsteinParameters): { cells: number; citizens: number; cops: number } {
  const cells = p.world.width * p.world.height;
  return { cells, citizens: Math.round(p.citizens.density * cells), cops: Math.round(p.cops.density * cells) };
}

/** Checks that span several parameters; one message naming the key, the value and what is allowed, or null. */
export function epsteinParameterProblem(p: EpsteinParameters, explicit: ReadonlySet<string> = new Set()): string | null {
  const { width, height } = p.world;
  if (p.citizens.density + p.cops.density > 1 + 1e-12) {
    return `invalid value for 'cops.density': ${p.cops.density} (allowed: a share with citizens.density + cops.density <= 1; citizens.density is ${p.citizens.density})`;
  }
  const { cells, citizens, cops } = agentCounts(p);
  if (citizens + cops > cells) {
    return `invalid value for 'cops.density': ${p.cops.density} (allowed: densities that place at most ${cells} agents on the ${width}×${height} grid; these round to ${citizens} citizens and ${cops} cops)`;
  }
  const widest = Math.floor((Math.min(width, height) - 1) / 2);
  for (const key of ['citizens.vision', 'cops.vision'] as const) {
    const vision = key === 'citizens.vision' ? p.citizens.vision : p.cops.vision;
    if (vision > widest) {
      return `invalid value for '${key}': ${vision} (allowed: an integer in [0, ${widest}] on a ${width}×${height} torus, so that vision never wraps onto itself)`;
    }
  }
  const { initial, change, changeTick } = p.legitimacy;
  if (initial + change < -1e-12 || initial + change > 1 + 1e-12) {
    return `invalid value for 'legitimacy.change': ${change} (allowed: a change that keeps L in [0, 1]: from ${-initial} to ${Number((1 - initial).toFixed(12))} for legitimacy.initial = ${initial})`;
  }
  const last = p.time.ticks - 1;
  if (changeTick > last && (change !== 0 || explicit.has('legitimacy.changeTick'))) {
    return `invalid value for 'legitimacy.changeTick': ${changeTick} (allowed: a tick within the horizon, an integer in [0, ${last}] for time.ticks = ${p.time.ticks})`;
  }
  return null;
}

/** L at a tick: `initial` before changeTick, then equal steps to initial + change over changeTicks ticks. */
export function legitimacyAt(schedule: EpsteinParameters['legitimacy'], tick: number): number {
  if (tick < schedule.changeTick) return schedule.initial;
  const done = Math.min(1, (tick - schedule.changeTick + 1) / Math.max(1, schedule.changeTicks));
  return Math.min(1, Math.max(0, schedule.initial + schedule.change * done));
}
