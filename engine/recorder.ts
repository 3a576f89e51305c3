/**
 * Per-tick series in typed arrays: one Float64Array per named column, one entry per tick. The
 * model writes a row at the end of each tick; runners turn the columns into CSV.
 */
export class Recorder {
  readonly columns: readonly string[];
  readonly units: Readonly<Record<string, string>>;
  readonly data: Float64Array[];
  private readonly index = new Map<string, number>();

  constructor(columns: ReadonlyArray<{ name: string; unit: string }>, readonly ticks: number) {
    this.columns = columns.map((c) => c.name);
    this.units = Object.fromEntries(columns.map((c) => [c.name, c.unit]));
    this.data = columns.map(() => new Float64Array(ticks));
    this.columns.forEach((name, i) => {
      if (this.index.has(name)) throw new Error(`duplicate series column '${name}'`);
      this.index.set(name, i);
    });
  }

  /** The column's array, for writing a whole row quickly. */
  column(name: string): Float64Array {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`unknown series column '${name}'`);
    return this.data[i];
  }

  value(name: string, tick: number): number {
    return this.column(name)[tick];
  }
}
