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
  for (const [name, ctor] of Object.entries(layout)) out[name] = takeArray(ctor, length);
  return out as Columns<L>;
}

/** Any typed array, whatever its buffer type. */
type AnyTypedArray = ArrayBufferView & { readonly buffer: ArrayBufferLike };

/**
 * Buffers handed back after a run, kept (per thread) for the next run of the same size. Many
 * short runs in one worker thread would otherwise allocate and free tens of megabytes each;
 * freeing large buffers unmaps memory, which stalls the other threads of the process.
 */
const spareBuffers = new Map<number, ArrayBuffer[]>();
let spareBytes = 0;
const SPARE_LIMIT_BYTES = 256 * 1024 * 1024;

/** A zero-filled typed array, from a spare buffer of the same byte length when there is one. */
export function takeArray<C extends TypedArrayConstructor>(ctor: C, length: number): InstanceType<C> {
  const bytes = length * ctor.BYTES_PER_ELEMENT;
  const buffer = spareBuffers.get(bytes)?.pop();
  if (!buffer) return new ctor(length) as InstanceType<C>;
  spareBytes -= bytes;
  return (new ctor(buffer).fill(0) as InstanceType<C>);
}

/** Hand arrays back for reuse; the caller must not touch them afterwards. */
export function releaseArrays(arrays: Iterable<AnyTypedArray>): void {
  for (const array of arrays) {
    const buffer = array.buffer;
    if (!(buffer instanceof ArrayBuffer) || array.byteOffset !== 0 || array.byteLength !== buffer.byteLength) continue;
    if (spareBytes + buffer.byteLength > SPARE_LIMIT_BYTES) continue;
    const list = spareBuffers.get(buffer.byteLength) ?? [];
    if (list.includes(buffer)) continue;
    list.push(buffer);
    spareBuffers.set(buffer.byteLength, list);
    spareBytes += buffer.byteLength;
  }
}

/** Bytes held by a set of columns. */
export function columnBytes(columns: Record<string, { byteLength: number }>): number {
  let total = 0;
  for (const column of Object.values(columns)) total += column.byteLength;
  return total;
}
