/**
 * Epstein's civil violence Model I on a torus. Each tick every free citizen and every cop acts
 * once, in a fresh random order: it moves to a random empty cell in vision (rule M), then a
 * citizen decides to be active or quiet (rule A) and a cop arrests one random active citizen in
 * vision and takes its cell (rule C). Jailed citizens leave the grid and come back, quiet, when
 * their term is over.
 *
 * State is a struct of typed arrays. Each cell keeps how many cops and how many actives a citizen
 * standing there would see; a cop's or an active's move, a change of state and an arrest update
 * those counts around the cells concerned, so a citizen's decision reads two numbers, whatever
 * its vision, and the cost of a step does not grow with the grid.
 */
import { NeighbourCounts, RandomActivation, TorusGrid, type GridNeighbourhood } from '../../engine/grid.js';
import type { ModelRunOptions, ModelRunOutput } from '../../engine/model.js';
import { INV_2_32, RandomStream, xoshiroStep } from '../../engine/rng.js';
import { findOutbursts, mean, median } from './outbursts.js';
import { agentCounts, legitimacyAt, type EpsteinParameters } from './params.js';

export const SERIES = ['active', 'jailed', 'quiescent', 'legitimacy'] as const;

/** Weights of a cop and of an active citizen in the packed count of what a cell sees. */
const COP = 1 << 16;
const ACTIVE = 1;

/** Random tries at an empty cell before listing them all (the choice stays uniform among the empty cells). */
const EMPTY_CELL_TRIES = 16;

/**
 * P = 1 − exp(−k·(C/A)) with C/A as the rule says. With a whole-number ratio (floor, round) P
 * takes few values: they are computed once.
 */
function arrestProbabilityRule(rule: string, k: number): (cops: number, actives: number) => number {
  if (rule === 'exact') return (c, a) => 1 - Math.exp((-k * c) / a);
  const table = Float64Array.from({ length: 64 }, (_, n) => 1 - Math.exp(-k * n));
  // round: halves go up (Python's round, in Mesa, goes to even: 0.5 → 0).
  const whole = rule === 'floor' ? Math.floor : (x: number) => Math.floor(x + 0.5);
  return (c, a) => {
    const n = whole(c / a);
    return n < 64 ? table[n] : 1 - Math.exp(-k * n);
  };
}

export function runEpstein(p: EpsteinParameters, seed: number, options: ModelRunOptions = {}): ModelRunOutput {
  const { citizens, cops } = agentCounts(p);
  const agents = citizens + cops;
  const ticks = p.time.ticks;
  const grid = new TorusGrid(p.world.width, p.world.height, Math.max(p.citizens.vision, p.cops.vision));
  const citizenHood = grid.neighbourhood(p.neighbourhood as GridNeighbourhood['kind'], p.citizens.vision);
  const copHood = p.cops.vision === p.citizens.vision ? citizenHood : grid.neighbourhood(p.neighbourhood as GridNeighbourhood['kind'], p.cops.vision);
  const occupant = grid.occupant;

  const setup = new RandomStream(seed, 'epstein:setup');
  const behaviour = new RandomStream(seed, 'epstein:behaviour');
  // Behaviour draws (moves, arrests, terms, releases) inline on the stream's state: the same
  // numbers as behaviour.int(n), cheaper in the hot loop. Nothing else draws from this stream.
  const behaviourState = new Int32Array(4);
  behaviour.save(behaviourState);
  const drawInt = (n: number): number => Math.floor(xoshiroStep(behaviourState) * INV_2_32 * n);
  const activation = new RandomActivation(agents, new RandomStream(seed, 'epstein:activation'));

  // Agents 0…citizens−1 are citizens, the rest cops. cellOf is -1 while a citizen is in jail.
  const cellOf = new Int32Array(agents);
  const hardship = new Float64Array(citizens);
  const riskAversion = new Float64Array(citizens);
  const active = new Uint8Array(citizens);
  const jailTicksLeft = new Int32Array(citizens); // 0: free; -1: jailed for life
  const arrestCell = new Int32Array(citizens);
  // What a citizen on each cell sees within its vision (the cell itself not included): cops × COP
  // plus actives, one number read per decision (a vision holds fewer than 65,536 cells).
  const seen = new NeighbourCounts(grid, citizenHood);
  const cellBuffer = new Int32Array(Math.max(citizenHood.size, copHood.size, 1));

  const threshold = p.citizens.threshold;
  const arrestProbabilityOf = arrestProbabilityRule(p.citizens.arrestRatio, p.citizens.arrestConstant);
  const maxTerm = p.jail.maxTerm;
  const lifeTerms = p.jail.life;
  const movement = p.movement;

  /** A uniformly random empty cell of the neighbourhood around `cell`, or -1 when it has none. */
  const emptyCellNear = (cell: number, hood: GridNeighbourhood): number => {
    if (hood.size === 0) return -1;
    for (let attempt = 0; attempt < EMPTY_CELL_TRIES; attempt++) {
      const target = grid.neighbour(cell, hood, drawInt(hood.size));
      if (occupant[target] < 0) return target;
    }
    const n = grid.gather(cell, hood, cellBuffer);
    let empty = 0;
    for (let k = 0; k < n; k++) if (occupant[cellBuffer[k]] < 0) cellBuffer[empty++] = cellBuffer[k];
    return empty === 0 ? -1 : cellBuffer[drawInt(empty)];
  };

  const anyEmptyCell = (): number => {
    for (let attempt = 0; attempt < 64; attempt++) {
      const cell = drawInt(grid.cells);
      if (occupant[cell] < 0) return cell;
    }
    let empty = 0;
    for (let cell = 0; cell < grid.cells; cell++) if (occupant[cell] < 0) empty++;
    let pick = drawInt(empty);
    for (let cell = 0; cell < grid.cells; cell++) if (occupant[cell] < 0 && pick-- === 0) return cell;
    throw new Error('no empty cell for a released citizen'); // unreachable: checkParameters keeps agents ≤ cells
  };

  // Setup: agents on distinct random cells; hardship and risk aversion ~ U(0, 1).
  const cellOrder = new Int32Array(grid.cells);
  for (let cell = 0; cell < grid.cells; cell++) cellOrder[cell] = cell;
  setup.shuffle(cellOrder);
  for (let a = 0; a < agents; a++) {
    cellOf[a] = cellOrder[a];
    occupant[cellOrder[a]] = a;
  }
  for (let i = 0; i < citizens; i++) {
    hardship[i] = setup.uniform();
    riskAversion[i] = setup.uniform();
  }
  for (let a = citizens; a < agents; a++) seen.add(cellOf[a], COP);

  const activeSeries = new Float64Array(ticks);
  const jailedSeries = new Float64Array(ticks);
  const quiescentSeries = new Float64Array(ticks);
  const legitimacySeries = new Float64Array(ticks);
  let activeCount = 0;
  let jailedCount = 0;
  let arrests = 0;
  let agentSteps = 0;

  for (let tick = 0; tick < ticks; tick++) {
    const legitimacy = legitimacyAt(p.legitimacy, tick);
    const illegitimacy = 1 - legitimacy;
    const order = activation.next();
    for (let k = 0; k < agents; k++) {
      const a = order[k];
      let cell = cellOf[a];
      if (cell < 0) continue; // in jail
      agentSteps++;
      const isCop = a >= citizens;
      if (movement) {
        const target = emptyCellNear(cell, isCop ? copHood : citizenHood);
        if (target >= 0) {
          occupant[cell] = -1;
          occupant[target] = a;
          cellOf[a] = target;
          if (isCop || active[a] === 1) {
            seen.move(cell, target, isCop ? COP : ACTIVE);
          }
          cell = target;
        }
      }
      if (!isCop) {
        // Rule A: active iff G − R·P > T, with A counting the citizen itself.
        const both = seen.at(cell);
        const arrestProbability = arrestProbabilityOf(both >>> 16, (both & 0xffff) + 1);
        const nowActive = hardship[a] * illegitimacy - riskAversion[a] * arrestProbability > threshold ? 1 : 0;
        if (nowActive !== active[a]) {
          active[a] = nowActive;
          seen.add(cell, nowActive === 1 ? ACTIVE : -ACTIVE);
          activeCount += nowActive === 1 ? 1 : -1;
        }
        continue;
      }
      // Rule C: arrest one active citizen in vision, chosen at random.
      if (copHood === citizenHood && (seen.at(cell) & 0xffff) === 0) continue;
      const n = grid.gather(cell, copHood, cellBuffer);
      let found = 0;
      for (let j = 0; j < n; j++) {
        const other = occupant[cellBuffer[j]];
        if (other >= 0 && other < citizens && active[other] === 1) cellBuffer[found++] = other;
      }
      if (found === 0) continue;
      const suspect = cellBuffer[drawInt(found)];
      const suspectCell = cellOf[suspect];
      active[suspect] = 0;
      activeCount--;
      seen.add(suspectCell, -ACTIVE);
      arrests++;
      const term = lifeTerms ? -1 : drawInt(maxTerm + 1);
      if (term === 0) continue; // let go at once, quiet, where it stands
      occupant[suspectCell] = -1;
      arrestCell[suspect] = suspectCell;
      cellOf[suspect] = -1;
      jailTicksLeft[suspect] = term;
      jailedCount++;
      // The cop takes the jailed citizen's cell (NetLogo Rebellion and the Ascape code do the same).
      occupant[cell] = -1;
      occupant[suspectCell] = a;
      cellOf[a] = suspectCell;
      seen.move(cell, suspectCell, COP);
    }

    activeSeries[tick] = activeCount;
    jailedSeries[tick] = jailedCount;
    quiescentSeries[tick] = citizens - activeCount - jailedCount;
    legitimacySeries[tick] = legitimacy;

    // Terms run down at the end of the tick; a released citizen comes back quiet where it was
    // arrested, or, if that cell is taken, to a random empty cell in vision of it (anywhere if none).
    if (jailedCount > 0) {
      for (let i = 0; i < citizens; i++) {
        if (jailTicksLeft[i] <= 0 || --jailTicksLeft[i] > 0) continue; // 0: free; -1: for life
        let target = arrestCell[i];
        if (occupant[target] >= 0) target = emptyCellNear(target, citizenHood);
        if (target < 0) target = anyEmptyCell();
        occupant[target] = i;
        cellOf[i] = target;
        jailedCount--;
      }
    }
    options.onTick?.(tick, ticks);
  }

  const outbursts = findOutbursts(activeSeries, p.outbursts.threshold);
  let peak = 0;
  let peakTick = 0;
  for (let t = 0; t < ticks; t++) if (activeSeries[t] > peak) [peak, peakTick] = [activeSeries[t], t];
  return {
    columns: [...SERIES],
    data: [activeSeries, jailedSeries, quiescentSeries, legitimacySeries],
    metrics: {
      mean_active: mean([...activeSeries]),
      peak_active: peak,
      peak_active_tick: peakTick,
      mean_jailed: mean([...jailedSeries]),
      arrests,
      outbursts: outbursts.starts.length,
      mean_outburst_ticks: mean(outbursts.durations),
      mean_waiting_ticks: mean(outbursts.waits),
      median_waiting_ticks: median(outbursts.waits),
      max_waiting_ticks: outbursts.waits.length === 0 ? Number.NaN : Math.max(...outbursts.waits),
    },
    info: { citizens, cops, cells: grid.cells, neighbourhood: p.neighbourhood, visionCells: citizenHood.size },
    agentSteps,
  };
}
