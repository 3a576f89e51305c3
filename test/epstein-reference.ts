/**
 * A plain reference implementation of Epstein's Model I for the tests: every decision counts the
 * cops and actives in vision by scanning the neighbourhood (no incremental counts), with the same
 * rules and the same draws in the same order as agents/epstein/model.ts. Same seed, same series.
 */
import { RandomActivation, TorusGrid, type GridNeighbourhood } from '../engine/grid.js';
import { RandomStream } from '../engine/rng.js';
import { agentCounts, legitimacyAt, type EpsteinParameters } from '../agents/epstein/params.js';

export function referenceRun(p: EpsteinParameters, seed: number): { active: number[]; jailed: number[] } {
  const { citizens, cops } = agentCounts(p);
  const agents = citizens + cops;
  const grid = new TorusGrid(p.world.width, p.world.height, Math.max(p.citizens.vision, p.cops.vision));
  const kind = p.neighbourhood as GridNeighbourhood['kind'];
  const citizenHood = grid.neighbourhood(kind, p.citizens.vision);
  const copHood = p.cops.vision === p.citizens.vision ? citizenHood : grid.neighbourhood(kind, p.cops.vision);
  const setup = new RandomStream(seed, 'epstein:setup');
  const behaviour = new RandomStream(seed, 'epstein:behaviour');
  const activation = new RandomActivation(agents, new RandomStream(seed, 'epstein:activation'));
  const occupant = grid.occupant;
  const cellOf: number[] = [];
  const hardship: number[] = [];
  const risk: number[] = [];
  const active: boolean[] = new Array(citizens).fill(false);
  const jail: number[] = new Array(citizens).fill(0);
  const arrestCell: number[] = new Array(citizens).fill(0);
  const around = (cell: number, hood: GridNeighbourhood) => Array.from({ length: hood.size }, (_, k) => grid.neighbour(cell, hood, k));
  const emptyNear = (cell: number, hood: GridNeighbourhood): number => {
    if (hood.size === 0) return -1;
    for (let attempt = 0; attempt < 16; attempt++) {
      const target = grid.neighbour(cell, hood, behaviour.int(hood.size));
      if (occupant[target] < 0) return target;
    }
    const empty = around(cell, hood).filter((c) => occupant[c] < 0);
    return empty.length === 0 ? -1 : empty[behaviour.int(empty.length)];
  };
  const anyEmpty = (): number => {
    for (let attempt = 0; attempt < 64; attempt++) {
      const cell = behaviour.int(grid.cells);
      if (occupant[cell] < 0) return cell;
    }
    const empty = [...occupant.keys()].filter((c) => occupant[c] < 0);
    return empty[behaviour.int(empty.length)];
  };
  const cellOrder = new Int32Array(grid.cells).map((_, i) => i);
  setup.shuffle(cellOrder);
  for (let a = 0; a < agents; a++) {
    cellOf[a] = cellOrder[a];
    occupant[cellOrder[a]] = a;
  }
  for (let i = 0; i < citizens; i++) {
    hardship[i] = setup.uniform();
    risk[i] = setup.uniform();
  }
  const ratio = (c: number, a: number) => (p.citizens.arrestRatio === 'floor' ? Math.floor(c / a) : p.citizens.arrestRatio === 'round' ? Math.round(c / a) : c / a);
  const activeSeries: number[] = [];
  const jailedSeries: number[] = [];
  for (let tick = 0; tick < p.time.ticks; tick++) {
    const illegitimacy = 1 - legitimacyAt(p.legitimacy, tick);
    for (const a of activation.next()) {
      if (cellOf[a] < 0) continue;
      const isCop = a >= citizens;
      if (p.movement) {
        const target = emptyNear(cellOf[a], isCop ? copHood : citizenHood);
        if (target >= 0) {
          occupant[cellOf[a]] = -1;
          occupant[target] = a;
          cellOf[a] = target;
        }
      }
      const seen = around(cellOf[a], isCop ? copHood : citizenHood).map((c) => occupant[c]).filter((o) => o >= 0);
      if (!isCop) {
        const c = seen.filter((o) => o >= citizens).length;
        const actives = seen.filter((o) => o < citizens && active[o]).length + 1;
        const arrestProbability = 1 - Math.exp(-p.citizens.arrestConstant * ratio(c, actives));
        active[a] = hardship[a] * illegitimacy - risk[a] * arrestProbability > p.citizens.threshold;
        continue;
      }
      const suspects = seen.filter((o) => o < citizens && active[o]);
      if (suspects.length === 0) continue;
      const suspect = suspects[behaviour.int(suspects.length)];
      active[suspect] = false;
      const term = p.jail.life ? -1 : behaviour.int(p.jail.maxTerm + 1);
      if (term === 0) continue;
      const suspectCell = cellOf[suspect];
      occupant[suspectCell] = -1;
      arrestCell[suspect] = suspectCell;
      cellOf[suspect] = -1;
      jail[suspect] = term;
      occupant[cellOf[a]] = -1;
      occupant[suspectCell] = a;
      cellOf[a] = suspectCell;
    }
    activeSeries.push(active.filter(Boolean).length);
    jailedSeries.push(jail.filter((t) => t !== 0).length);
    for (let i = 0; i < citizens; i++) {
      if (jail[i] <= 0 || --jail[i] > 0) continue;
      let target = arrestCell[i];
      if (occupant[target] >= 0) target = emptyNear(target, citizenHood);
      if (target < 0) target = anyEmpty();
      occupant[target] = i;
      cellOf[i] = target;
    }
  }
  return { active: activeSeries, jailed: jailedSeries };
}
