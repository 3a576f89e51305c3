/**
 * engine/grid.ts: neighbourhood shapes and sizes, wrap-around on the torus, and random sequential
 * activation (every order a permutation, reproducible from the seed, uniform over positions).
 */
import { describe, expect, it } from 'vitest';
import { NeighbourCounts, neighbourhoodOffsets, NEIGHBOURHOOD_KINDS, RandomActivation, TorusGrid } from '../engine/grid.js';
import { INV_2_32, RandomStream, xoshiroStep } from '../engine/rng.js';

/** Lattice points (x, y) ≠ (0, 0) with x² + y² ≤ r², counted by brute force. */
function discPoints(r: number): number {
  let n = 0;
  for (let y = -r; y <= r; y++) for (let x = -r; x <= r; x++) if (x * x + y * y <= r * r) n++;
  return n - 1;
}

describe('neighbourhood offsets', () => {
  it('von Neumann of radius r has 2r(r+1) cells, Moore (2r+1)²−1, the disc its lattice points less the centre', () => {
    for (let r = 0; r <= 10; r++) {
      expect(neighbourhoodOffsets('von-neumann', r).size).toBe(2 * r * (r + 1));
      expect(neighbourhoodOffsets('moore', r).size).toBe((2 * r + 1) ** 2 - 1);
      expect(neighbourhoodOffsets('disc', r).size).toBe(discPoints(r));
    }
    // The sizes at the paper's vision of 7: 112, 224 and 148 cells (Gauss's circle problem: 149 points).
    expect([neighbourhoodOffsets('von-neumann', 7).size, neighbourhoodOffsets('moore', 7).size, neighbourhoodOffsets('disc', 7).size]).toEqual([112, 224, 148]);
  });

  it('shapes: never the centre, no duplicate, symmetric, nested von Neumann ⊂ disc ⊂ Moore', () => {
    const key = (x: number, y: number) => `${x},${y}`;
    for (const r of [1, 3, 7]) {
      const sets = Object.fromEntries(NEIGHBOURHOOD_KINDS.map((kind) => {
        const o = neighbourhoodOffsets(kind, r);
        const set = new Set<string>();
        for (let k = 0; k < o.size; k++) set.add(key(o.dx[k], o.dy[k]));
        expect(set.size).toBe(o.size);
        expect(set.has('0,0')).toBe(false);
        for (let k = 0; k < o.size; k++) expect(set.has(key(-o.dx[k], -o.dy[k]))).toBe(true);
        return [kind, set];
      }));
      for (const cell of sets['von-neumann']) expect(sets.disc.has(cell)).toBe(true);
      for (const cell of sets.disc) expect(sets.moore.has(cell)).toBe(true);
    }
    // Radius 1: the disc is the von Neumann cross (diagonals are √2 away); radius 2 adds (±1, ±1).
    expect(neighbourhoodOffsets('disc', 1).size).toBe(4);
    expect(neighbourhoodOffsets('disc', 2).size).toBe(12);
  });

  it('refuses a bad shape or radius', () => {
    expect(() => neighbourhoodOffsets('hex' as never, 1)).toThrow(/unknown neighbourhood/);
    expect(() => neighbourhoodOffsets('moore', 1.5)).toThrow(/whole number/);
    expect(() => new TorusGrid(10, 10, 5)).toThrow(/does not fit/);
  });
});

describe('the torus', () => {
  it('wraps around every edge: the neighbours of a corner cell are the cells at torus distance ≤ r', () => {
    const grid = new TorusGrid(9, 7, 3);
    const torusDistance = (a: number, b: number, n: number) => Math.min(Math.abs(a - b), n - Math.abs(a - b));
    for (const kind of NEIGHBOURHOOD_KINDS) {
      const hood = grid.neighbourhood(kind, 3);
      const out = new Int32Array(hood.size);
      for (let cell = 0; cell < grid.cells; cell++) {
        const n = grid.gather(cell, hood, out);
        const got = [...out.subarray(0, n)].sort((a, b) => a - b);
        const want: number[] = [];
        for (let other = 0; other < grid.cells; other++) {
          if (other === cell) continue;
          const dx = torusDistance(grid.xOf(cell), grid.xOf(other), grid.width);
          const dy = torusDistance(grid.yOf(cell), grid.yOf(other), grid.height);
          const ok = kind === 'von-neumann' ? dx + dy <= 3 : kind === 'moore' ? Math.max(dx, dy) <= 3 : dx * dx + dy * dy <= 9;
          if (ok) want.push(other);
        }
        expect(got, `${kind} around cell ${cell}`).toEqual(want);
        for (let k = 0; k < hood.size; k++) expect(grid.neighbour(cell, hood, k)).toBe(out[k]);
      }
    }
  });

  it('cellAt wraps negative and large coordinates', () => {
    const grid = new TorusGrid(40, 40, 7);
    expect(grid.cellAt(-1, 0)).toBe(39);
    expect(grid.cellAt(0, -1)).toBe(39 * 40);
    expect(grid.cellAt(40, 40)).toBe(0);
    expect(grid.cellAt(3, 2)).toBe(83);
    expect([grid.xOf(83), grid.yOf(83)]).toEqual([3, 2]);
    expect(grid.occupant.every((v) => v === -1)).toBe(true);
  });
});

describe('neighbour counts', () => {
  it('each cell sees exactly the marks in its neighbourhood, through adds, removals and moves across the edges', () => {
    for (const [width, height, radius] of [[9, 7, 3], [7, 7, 3], [40, 40, 7], [15, 20, 0], [16, 11, 5]] as const) {
      const grid = new TorusGrid(width, height, radius);
      for (const kind of NEIGHBOURHOOD_KINDS) {
        const hood = grid.neighbourhood(kind, radius);
        const counts = new NeighbourCounts(grid, hood);
        const marked = new Uint8Array(grid.cells);
        const stream = new RandomStream(radius * 10 + width, kind);
        const around = new Int32Array(Math.max(1, hood.size));
        for (let step = 0; step < 400; step++) {
          const cell = stream.int(grid.cells);
          if (marked[cell] === 1 && step % 2 === 0) {
            // A move: to a neighbour within the radius (often across an edge), or anywhere.
            const to = step % 4 === 0 || hood.size === 0 ? stream.int(grid.cells) : grid.neighbour(cell, hood, stream.int(hood.size));
            if (marked[to] === 0) {
              marked[cell] = 0;
              marked[to] = 1;
              counts.move(cell, to);
            }
          } else {
            const change = marked[cell] === 1 ? -1 : 1;
            marked[cell] += change;
            counts.add(cell, change);
          }
          if (step % 40 !== 39) continue;
          for (let c = 0; c < grid.cells; c++) {
            const n = grid.gather(c, hood, around);
            let want = 0;
            for (let k = 0; k < n; k++) want += marked[around[k]];
            expect(counts.at(c), `${kind} r=${radius} on ${width}×${height}, cell ${c}`).toBe(want);
          }
        }
      }
    }
  });
});

describe('random sequential activation', () => {
  it('every order is a permutation, and the orders replay from the seed', () => {
    const a = new RandomActivation(1000, new RandomStream(7, 'activation'));
    const b = new RandomActivation(1000, new RandomStream(7, 'activation'));
    const c = new RandomActivation(1000, new RandomStream(8, 'activation'));
    let differs = false;
    for (let tick = 0; tick < 20; tick++) {
      const order = a.next();
      expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      expect([...b.next()]).toEqual([...order]);
      if (c.next().some((v, i) => v !== order[i])) differs = true;
    }
    expect(differs).toBe(true);
    expect(a.next()).toBe(a.order); // the same array each tick: nothing allocated
  });

  it('draws the same permutations as the stream\'s own shuffle', () => {
    const activation = new RandomActivation(300, new RandomStream(5, 'same'));
    const stream = new RandomStream(5, 'same');
    const order = new Int32Array(300).map((_, i) => i);
    for (let tick = 0; tick < 5; tick++) {
      stream.shuffle(order);
      expect([...activation.next()]).toEqual([...order]);
    }
  });

  it('xoshiroStep on a saved state gives the stream\'s own numbers, and int(n)', () => {
    const a = new RandomStream(9, 'inline'), b = new RandomStream(9, 'inline');
    const state = new Int32Array(4);
    a.save(state);
    for (let i = 0; i < 1000; i++) expect(xoshiroStep(state)).toBe(b.nextUint32());
    for (let i = 0; i < 1000; i++) expect(Math.floor(xoshiroStep(state) * INV_2_32 * 37)).toBe(b.int(37));
    a.restore(state);
    expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it('each agent is equally likely to act at each position', () => {
    const n = 5;
    const activation = new RandomActivation(n, new RandomStream(1, 'uniformity'));
    const firsts = new Array(n).fill(0);
    const ticks = 50_000;
    for (let t = 0; t < ticks; t++) firsts[activation.next()[0]]++;
    // Binomial sd ≈ √(50000 · 0.2 · 0.8) ≈ 89: ±5 sd.
    for (const count of firsts) expect(Math.abs(count - ticks / n)).toBeLessThan(450);
  });
});
