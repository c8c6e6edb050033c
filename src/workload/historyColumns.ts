/**
 * Append-only typed-array columns and a string interner for the client history (issue 14 item 4): a recorded op is
 * a row across a few typed arrays, not an object, so a run of millions of sends keeps tens of bytes per op instead
 * of the ~300 an op object with its value object costs.
 */

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

// One class per element type, so each access site stays monomorphic.
// One class per element type on purpose: a generic column over a typed-array constructor would make every get/push
// site see several array kinds (polymorphic element loads on the history's hot path), where each class stays
// monomorphic.

/** A growable column of Float64Array in chunks of 64K cells: appends never copy, and the slack is at most one chunk. */
export class Float64Column {
  private readonly chunks: Float64Array[] = [];
  length = 0;

  push(v: number): void {
    const c = this.length >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(new Float64Array(CHUNK));
    this.chunks[c][this.length & CHUNK_MASK] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK] = v;
  }
}

/** A growable column of Int32Array in chunks of 64K cells: appends never copy, and the slack is at most one chunk. */
export class Int32Column {
  private readonly chunks: Int32Array[] = [];
  length = 0;

  push(v: number): void {
    const c = this.length >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(new Int32Array(CHUNK));
    this.chunks[c][this.length & CHUNK_MASK] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK] = v;
  }
}

/** A growable column of Uint32Array in chunks of 64K cells: appends never copy, and the slack is at most one chunk. */
export class Uint32Column {
  private readonly chunks: Uint32Array[] = [];
  length = 0;

  push(v: number): void {
    const c = this.length >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(new Uint32Array(CHUNK));
    this.chunks[c][this.length & CHUNK_MASK] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK] = v;
  }
}

/** A growable column of Uint16Array in chunks of 64K cells: appends never copy, and the slack is at most one chunk. */
export class Uint16Column {
  private readonly chunks: Uint16Array[] = [];
  length = 0;

  push(v: number): void {
    const c = this.length >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(new Uint16Array(CHUNK));
    this.chunks[c][this.length & CHUNK_MASK] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK] = v;
  }
}

/** A growable column of Uint8Array in chunks of 64K cells: appends never copy, and the slack is at most one chunk. */
export class Uint8Column {
  private readonly chunks: Uint8Array[] = [];
  length = 0;

  push(v: number): void {
    const c = this.length >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(new Uint8Array(CHUNK));
    this.chunks[c][this.length & CHUNK_MASK] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK] = v;
  }
}

/** Strings by small integer id, in first-seen order (deterministic): process names, op names, errors, topics, keys. */
export class Interner {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();

  private last: string | undefined;
  private lastId = -1;

  id(s: string): number {
    if (s === this.last) return this.lastId;
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(s);
      this.ids.set(s, i);
    }
    this.last = s;
    this.lastId = i;
    return i;
  }

  /** The id of `s` if it was ever interned, else -1 (for lookups that must not grow the table). */
  find(s: string): number {
    return this.ids.get(s) ?? -1;
  }
}
