/**
 * A torus grid for spatial models: what stands on each cell as a typed array, neighbourhoods
 * precomputed as offset lists (von Neumann diamond, Moore square, Euclidean disc, each of a
 * radius, with wrap-around), and random sequential activation (a fresh seeded permutation of the
 * agents each tick, drawn in place). Nothing here knows a model; nothing allocates per tick.
 */
import { INV_2_32, xoshiroStep, type RandomStream } from './rng.js';

/** The neighbourhood shapes: `von-neumann` |dx|+|dy| ≤ r, `moore` max(|dx|,|dy|) ≤ r, `disc` dx²+dy² ≤ r². */
export const NEIGHBOURHOOD_KINDS = ['von-neumann', 'moore', 'disc'] as const;
export type NeighbourhoodKind = (typeof NEIGHBOURHOOD_KINDS)[number];

/** The cells around a centre, as offsets; the centre itself is never included. */
export interface NeighbourhoodOffsets {
  readonly kind: NeighbourhoodKind;
  readonly radius: number;
  /** Number of cells (von Neumann 2r(r+1), Moore (2r+1)²−1, disc the lattice points of the disc less one). */
  readonly size: number;
  readonly dx: Int32Array;
  readonly dy: Int32Array;
}

/** A neighbourhood laid on one grid: the offsets plus each offset as a change of cell index away from the edges. */
export interface GridNeighbourhood extends NeighbourhoodOffsets {
  /** dy·width + dx: the neighbour of an interior cell c is c + delta[k]. */
  readonly delta: Int32Array;
}

function inside(kind: NeighbourhoodKind, dx: number, dy: number, radius: number): boolean {
  if (kind === 'von-neumann') return Math.abs(dx) + Math.abs(dy) <= radius;
  if (kind === 'moore') return true;
  return dx * dx + dy * dy <= radius * radius;
}

/** The offsets of a neighbourhood, row by row (dy, then dx, ascending); the centre left out. */
export function neighbourhoodOffsets(kind: NeighbourhoodKind, radius: number): NeighbourhoodOffsets {
  if (!NEIGHBOURHOOD_KINDS.includes(kind)) throw new RangeError(`unknown neighbourhood '${kind}' (allowed: ${NEIGHBOURHOOD_KINDS.join(', ')})`);
  if (!Number.isInteger(radius) || radius < 0) throw new RangeError(`neighbourhood radius must be a whole number ≥ 0 (got ${radius})`);
  const dxs: number[] = [];
  const dys: number[] = [];
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      if ((dx !== 0 || dy !== 0) && inside(kind, dx, dy, radius)) {
        dxs.push(dx);
        dys.push(dy);
      }
    }
  }
  return { kind, radius, size: dxs.length, dx: Int32Array.from(dxs), dy: Int32Array.from(dys) };
}

/**
 * A width × height torus. `occupant[cell]` is -1 for an empty cell or an id the model chooses
 * (one occupant per cell). Cells are numbered row-major: cell = y·width + x.
 */
export class TorusGrid {
  readonly width: number;
  readonly height: number;
  readonly cells: number;
  readonly occupant: Int32Array;
  /** The largest radius a neighbourhood on this grid may have. */
  readonly maxRadius: number;
  /** wrapColumn[x + maxRadius] = x mod width, for x in [-maxRadius, width + maxRadius). */
  private readonly wrapColumn: Int32Array;
  /** wrapRowStart[y + maxRadius] = (y mod height)·width. */
  private readonly wrapRowStart: Int32Array;

  constructor(width: number, height: number, maxRadius: number) {
    for (const [name, value] of [['width', width], ['height', height]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`grid ${name} must be a whole number ≥ 1 (got ${value})`);
    }
    // A wider neighbourhood would reach the same cell twice, or the centre, around the torus.
    if (!Number.isInteger(maxRadius) || maxRadius < 0 || 2 * maxRadius + 1 > Math.min(width, height)) {
      throw new RangeError(`neighbourhood radius ${maxRadius} does not fit a ${width}×${height} torus (2·radius + 1 must be ≤ ${Math.min(width, height)})`);
    }
    this.width = width;
    this.height = height;
    this.cells = width * height;
    this.maxRadius = maxRadius;
    this.occupant = new Int32Array(this.cells).fill(-1);
    this.wrapColumn = new Int32Array(width + 2 * maxRadius);
    for (let i = 0; i < this.wrapColumn.length; i++) this.wrapColumn[i] = (((i - maxRadius) % width) + width) % width;
    this.wrapRowStart = new Int32Array(height + 2 * maxRadius);
    for (let i = 0; i < this.wrapRowStart.length; i++) this.wrapRowStart[i] = ((((i - maxRadius) % height) + height) % height) * width;
  }

  /** A neighbourhood shape laid on this grid (its radius at most maxRadius). */
  neighbourhood(kind: NeighbourhoodKind, radius: number): GridNeighbourhood {
    if (radius > this.maxRadius) throw new RangeError(`neighbourhood radius ${radius} is above this grid's maximum ${this.maxRadius}`);
    const offsets = neighbourhoodOffsets(kind, radius);
    const delta = new Int32Array(offsets.size);
    for (let k = 0; k < offsets.size; k++) delta[k] = offsets.dy[k] * this.width + offsets.dx[k];
    return { ...offsets, delta };
  }

  /** The cell at (x, y), wrapped onto the torus. */
  cellAt(x: number, y: number): number {
    return ((((y % this.height) + this.height) % this.height) * this.width) + (((x % this.width) + this.width) % this.width);
  }

  xOf(cell: number): number {
    return cell % this.width;
  }

  yOf(cell: number): number {
    return (cell / this.width) | 0;
  }

  /** The k-th cell of a neighbourhood around `cell`, wrapped. */
  neighbour(cell: number, hood: GridNeighbourhood, k: number): number {
    const y = (cell / this.width) | 0;
    const x = cell - y * this.width;
    const r = this.maxRadius;
    return this.wrapRowStart[y + hood.dy[k] + r] + this.wrapColumn[x + hood.dx[k] + r];
  }

  /** Writes the wrapped cells of a neighbourhood around `cell` into `out` (length ≥ hood.size); returns hood.size. */
  gather(cell: number, hood: GridNeighbourhood, out: Int32Array): number {
    const width = this.width;
    const y = (cell / width) | 0;
    const x = cell - y * width;
    const size = hood.size;
    const radius = hood.radius;
    if (x >= radius && x < width - radius && y >= radius && y < this.height - radius) {
      // Away from the edges no offset wraps: one add per cell.
      const delta = hood.delta;
      for (let k = 0; k < size; k++) out[k] = cell + delta[k];
      return size;
    }
    const r = this.maxRadius;
    const dx = hood.dx, dy = hood.dy, rows = this.wrapRowStart, columns = this.wrapColumn;
    for (let k = 0; k < size; k++) out[k] = rows[y + dy[k] + r] + columns[x + dx[k] + r];
    return size;
  }
}

/**
 * How many marked agents (cops, active citizens…) each cell sees within a neighbourhood, kept up
 * to date as marks appear, leave and move: `add(cell, +1)` when a marked agent stands on `cell`,
 * `add(cell, −1)` when it leaves. Marks may carry weights, e.g. to keep two small counts in one
 * number (a weight of 65536 for one kind, 1 for the other). Neighbourhoods are symmetric, so the cells that see `cell` are
 * the neighbourhood around it. A read is O(1) whatever the radius; an update touches the
 * neighbourhood once. The counts live on a grid padded by the radius on every side, so an update
 * never wraps (one add per cell); a read sums the cell's images in the padding (one, or up to
 * four near the edges). The cell itself is never counted.
 */
export class NeighbourCounts {
  private readonly counts: Int32Array;
  private readonly paddedWidth: number;
  private readonly delta: Int32Array;
  private readonly radius: number;
  private readonly width: number;
  private readonly height: number;
  /**
   * For a move by (dx, dy) with |dx|, |dy| ≤ radius (index (dy + r)(2r + 1) + dx + r): the cells
   * that stop seeing the mark, as padded offsets from the old cell (leaveDelta[leaveStart[k]…
   * leaveStart[k + 1]]), and those that start seeing it, from the new cell.
   */
  private readonly leaveStart: Int32Array;
  private readonly leaveDelta: Int32Array;
  private readonly enterStart: Int32Array;
  private readonly enterDelta: Int32Array;

  constructor(grid: TorusGrid, hood: GridNeighbourhood) {
    const r = hood.radius;
    this.radius = r;
    this.width = grid.width;
    this.height = grid.height;
    this.paddedWidth = grid.width + 2 * r;
    this.counts = new Int32Array(this.paddedWidth * (grid.height + 2 * r));
    this.delta = new Int32Array(hood.size);
    for (let k = 0; k < hood.size; k++) this.delta[k] = hood.dy[k] * this.paddedWidth + hood.dx[k];
    // Whether an offset (any of its images on the torus) is in the neighbourhood.
    const side = 2 * r + 1;
    const inside = new Uint8Array(side * side);
    for (let k = 0; k < hood.size; k++) inside[(hood.dy[k] + r) * side + hood.dx[k] + r] = 1;
    const seen = (x: number, y: number): boolean => {
      for (const ix of [x, x - grid.width, x + grid.width]) {
        for (const iy of [y, y - grid.height, y + grid.height]) {
          if (Math.abs(ix) <= r && Math.abs(iy) <= r && inside[(iy + r) * side + ix + r] === 1) return true;
        }
      }
      return false;
    };
    const leave: number[] = [], enter: number[] = [];
    this.leaveStart = new Int32Array(side * side + 1);
    this.enterStart = new Int32Array(side * side + 1);
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        const k = (dy + r) * side + dx + r;
        for (let j = 0; j < hood.size; j++) {
          const qx = hood.dx[j], qy = hood.dy[j];
          if (!seen(qx - dx, qy - dy)) leave.push(qy * this.paddedWidth + qx);
          if (!seen(qx + dx, qy + dy)) enter.push(qy * this.paddedWidth + qx);
        }
        this.leaveStart[k + 1] = leave.length;
        this.enterStart[k + 1] = enter.length;
      }
    }
    this.leaveDelta = Int32Array.from(leave);
    this.enterDelta = Int32Array.from(enter);
  }

  /** The index of `cell` on the padded grid. */
  private padded(cell: number): number {
    const y = (cell / this.width) | 0;
    return (y + this.radius) * this.paddedWidth + cell - y * this.width + this.radius;
  }

  /**
   * A mark of weight `weight` moves from one cell to another: the same counts as add(from, −weight)
   * then add(to, weight), but a short move touches only the cells whose count changes (for a
   * square of radius 7 and a move within it, about 200 cells instead of 448).
   */
  move(from: number, to: number, weight = 1): void {
    const width = this.width, height = this.height, r = this.radius;
    const fromY = (from / width) | 0, toY = (to / width) | 0;
    let dx = to - toY * width - (from - fromY * width);
    let dy = toY - fromY;
    // The shortest way round the torus.
    if (2 * dx > width) dx -= width;
    else if (2 * dx < -width) dx += width;
    if (2 * dy > height) dy -= height;
    else if (2 * dy < -height) dy += height;
    if (dx > r || dx < -r || dy > r || dy < -r) {
      this.add(from, -weight);
      this.add(to, weight);
      return;
    }
    const k = (dy + r) * (2 * r + 1) + dx + r;
    const counts = this.counts;
    const fromBase = this.padded(from), toBase = this.padded(to);
    const leaveDelta = this.leaveDelta, enterDelta = this.enterDelta;
    for (let i = this.leaveStart[k], end = this.leaveStart[k + 1]; i < end; i++) counts[fromBase + leaveDelta[i]] -= weight;
    for (let i = this.enterStart[k], end = this.enterStart[k + 1]; i < end; i++) counts[toBase + enterDelta[i]] += weight;
  }

  /** Adds `change` to the count of every cell in the neighbourhood around `cell`. */
  add(cell: number, change: number): void {
    const base = this.padded(cell);
    const counts = this.counts, delta = this.delta, size = delta.length;
    for (let k = 0; k < size; k++) counts[base + delta[k]] += change;
  }

  /** How many marked agents `cell` sees (the sum of their weights). */
  at(cell: number): number {
    const r = this.radius, width = this.width, paddedWidth = this.paddedWidth;
    const y = (cell / width) | 0;
    const x = cell - y * width;
    const px = x + r, py = y + r;
    let total = this.counts[py * paddedWidth + px];
    // Marks that wrapped around an edge were added to the cell's image in the padding.
    const otherX = x < r ? px + width : x >= width - r ? px - width : -1;
    const otherY = y < r ? py + this.height : y >= this.height - r ? py - this.height : -1;
    if (otherX >= 0) total += this.counts[py * paddedWidth + otherX];
    if (otherY >= 0) {
      total += this.counts[otherY * paddedWidth + px];
      if (otherX >= 0) total += this.counts[otherY * paddedWidth + otherX];
    }
    return total;
  }
}

/**
 * Random sequential activation: each tick, every agent acts once, in an order that is a fresh
 * uniformly random permutation (Fisher–Yates on the previous order, in place), drawn from the
 * stream the model passes, so the orders replay bit for bit from the run's seed.
 */
export class RandomActivation {
  readonly order: Int32Array;
  private readonly state = new Int32Array(4);

  constructor(count: number, private readonly stream: RandomStream) {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`agent count must be a whole number ≥ 0 (got ${count})`);
    this.order = new Int32Array(count);
    for (let i = 0; i < count; i++) this.order[i] = i;
  }

  /** The next tick's order (the same array, reshuffled): the permutation `stream.shuffle` would make, drawn inline. */
  next(): Int32Array {
    const order = this.order, state = this.state;
    this.stream.save(state);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(xoshiroStep(state) * INV_2_32 * (i + 1));
      const tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    this.stream.restore(state);
    return order;
  }
}
