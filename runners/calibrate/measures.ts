/**
 * What a calibration target measures in a run's series: a column at a tick, or its mean over a
 * range of ticks, optionally as a share of a group's stock at tick 0, or the ratio of two such
 * quantities. Plain data (it travels to the sweep workers) and one pure function that reads it off
 * a run's series.
 */

/** A column at `tick`, or its mean over ticks `mean.from` … `mean.to` (inclusive). */
export interface Quantity {
  readonly column: string;
  readonly tick?: number;
  readonly mean?: { readonly from: number; readonly to: number };
  /** Divide by this group's stock at tick 0 (the model record's `stockColumns`: serving + defected + captured in the defection model), e.g. `police`, `official_senior`. */
  readonly perStock?: string;
}

export type Measure =
  | { readonly kind: 'quantity'; readonly quantity: Quantity }
  | { readonly kind: 'ratio'; readonly numerator: Quantity; readonly denominator: Quantity };

/** The series columns whose tick-0 sum is a group's stock (a model record's `stockColumns`). */
export type StockColumns = (group: string) => readonly string[];

function stockOf(stock: StockColumns | undefined, group: string): readonly string[] {
  if (!stock) throw new Error(`a share of the stock of '${group}', but the model's record defines no stocks (stockColumns)`);
  return stock(group);
}

/** Series columns a measure reads (stocks included), for validation. */
export function measureColumns(measure: Measure, stock?: StockColumns): string[] {
  const of = (q: Quantity) => [q.column, ...(q.perStock ? stockOf(stock, q.perStock) : [])];
  return measure.kind === 'quantity' ? of(measure.quantity) : [...of(measure.numerator), ...of(measure.denominator)];
}

/** The ticks a measure reads: [first, last]. */
export function measureTicks(measure: Measure): [number, number] {
  const of = (q: Quantity): [number, number] => (q.mean ? [q.mean.from, q.mean.to] : [q.tick!, q.tick!]);
  if (measure.kind === 'quantity') return of(measure.quantity);
  const [a, b] = [of(measure.numerator), of(measure.denominator)];
  return [Math.min(a[0], b[0]), Math.max(a[1], b[1])];
}

/** Reads a column of the run's series (one value per tick). */
export type SeriesColumn = (column: string) => ArrayLike<number>;

export function quantityValue(q: Quantity, column: SeriesColumn, stock?: StockColumns): number {
  const values = column(q.column);
  let value: number;
  if (q.mean) {
    let sum = 0;
    for (let t = q.mean.from; t <= q.mean.to; t++) sum += values[t];
    value = sum / (q.mean.to - q.mean.from + 1);
  } else {
    value = values[q.tick!];
  }
  if (q.perStock) value /= stockOf(stock, q.perStock).reduce((sum, name) => sum + column(name)[0], 0);
  return value;
}

export function measureValue(measure: Measure, column: SeriesColumn, stock?: StockColumns): number {
  return measure.kind === 'quantity' ? quantityValue(measure.quantity, column, stock) : quantityValue(measure.numerator, column, stock) / quantityValue(measure.denominator, column, stock);
}

/** Each measure's value in one run, given its series as named columns. */
export function measureValues(measures: readonly Measure[], columns: readonly string[], data: readonly ArrayLike<number>[], stock?: StockColumns): number[] {
  const index = new Map(columns.map((name, i) => [name, i]));
  const column: SeriesColumn = (name) => {
    const i = index.get(name);
    if (i === undefined) throw new Error(`the run has no series column '${name}'`);
    return data[i];
  };
  return measures.map((measure) => measureValue(measure, column, stock));
}

/** A measure in words, e.g. `defected_army at tick 24`, `mean new_defections_army over ticks 15-24`. */
export function describeMeasure(measure: Measure): string {
  const of = (q: Quantity) => {
    const base = q.mean ? `mean ${q.column} over ticks ${q.mean.from}-${q.mean.to}` : `${q.column} at tick ${q.tick}`;
    return q.perStock ? `${base} per ${q.perStock} stock` : base;
  };
  return measure.kind === 'quantity' ? of(measure.quantity) : `(${of(measure.numerator)}) / (${of(measure.denominator)})`;
}
