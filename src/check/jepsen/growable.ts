import { type Arena, NO_ARENA } from "./arena.js";

/**
 * Append-only typed-array columns for the analysis' flat tables (one column per field, indexed by row): no
 * object per row, so a million-op history costs a few arrays, not millions of objects (issue 12 item 7).
 */
export class IntColumn {
  data: Int32Array;
  length = 0;

  constructor(capacity = 1024, arena: Arena = NO_ARENA) {
    this.data = arena.int32(Math.max(16, capacity));
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  /** The filled part, as a view (no copy). */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export class ByteColumn {
  data: Uint8Array;
  length = 0;

  constructor(capacity = 1024, arena: Arena = NO_ARENA) {
    this.data = arena.uint8(Math.max(16, capacity));
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint8Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  view(): Uint8Array {
    return this.data.subarray(0, this.length);
  }
}

export class FloatColumn {
  data: Float64Array;
  length = 0;

  constructor(capacity = 1024, arena: Arena = NO_ARENA) {
    this.data = arena.float64(Math.max(16, capacity));
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** An Int32Array of `n` cells, each `fill`. */
export function filled(n: number, fill: number): Int32Array {
  const a = new Int32Array(n);
  // Stryker disable next-line ConditionalExpression: a new Int32Array is all zeros already; filling it with 0 changes nothing
  if (fill !== 0) a.fill(fill);
  return a;
}
