/**
 * Agent state as a struct of arrays: one typed array per attribute, index = agent. The hot loop
 * reads these directly; nothing per agent is ever an object.
 */
export type TypedArrayConstructor =
  | Uint8ArrayConstructor | Int16ArrayConstructor | Uint16ArrayConstructor | Int32ArrayConstructor
  | Uint32ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor;

export type ColumnLayout = Record<string, TypedArrayConstructor>;
export type Columns<L extends ColumnLayout> = { [K in keyof L]: InstanceType<L[K]> };

export function allocateColumns<L extends ColumnLayout>(layout: L, length: number): Columns<L> {
  const out: Record<string, unknown> = {};
  for (const [name, ctor] of Object.entries(layout)) out[name] = new ctor(length);
  return out as Columns<L>;
}

/** Bytes held by a set of columns. */
export function columnBytes(columns: Record<string, { byteLength: number }>): number {
  let total = 0;
  for (const column of Object.values(columns)) total += column.byteLength;
  return total;
}
