/**
 * Typed arrays carved out of one ArrayBuffer. V8 counts every ArrayBuffer as external memory and starts a full
 * garbage collection each time external memory has grown by tens of megabytes; with the history itself (a million
 * op objects, hundreds of megabytes) in the heap, each such collection costs a second. The analysis therefore
 * reserves its columns in a couple of large buffers whose size it can compute, instead of allocating dozens of
 * arrays. A request that does not fit falls back to a fresh array, so a low estimate costs speed, not correctness.
 * Arrays come zero-filled.
 */
export class Arena {
  private readonly buf: ArrayBuffer;
  private offset = 0;

  constructor(bytes: number) {
    this.buf = new ArrayBuffer(Math.max(0, Math.ceil(bytes / 8) * 8));
  }

  int32(n: number): Int32Array {
    const at = this.take(n * 4, 4);
    return at < 0 ? new Int32Array(n) : new Int32Array(this.buf, at, n);
  }

  float64(n: number): Float64Array {
    const at = this.take(n * 8, 8);
    return at < 0 ? new Float64Array(n) : new Float64Array(this.buf, at, n);
  }

  uint8(n: number): Uint8Array {
    const at = this.take(n, 1);
    return at < 0 ? new Uint8Array(n) : new Uint8Array(this.buf, at, n);
  }

  /** Bytes handed out so far (for sizing estimates). */
  get used(): number {
    return this.offset;
  }

  private take(bytes: number, align: number): number {
    const at = Math.ceil(this.offset / align) * align;
    if (at + bytes > this.buf.byteLength) return -1;
    this.offset = at + bytes;
    return at;
  }
}

/** An arena that allocates nothing up front: every request gets a fresh array (small histories, tests). */
export const NO_ARENA = new Arena(0);
