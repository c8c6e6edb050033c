/** The kinds of event the engine schedules (folded into the digest with their target). */
export const EVENT_DELIVER = 1;
export const EVENT_TIMER = 2;
export const EVENT_CALLBACK = 3;
/** A TCP segment arriving (target: the receiving process; aux: the connection; aux2: (sequence << 1) | direction). */
export const EVENT_SEGMENT = 4;
/** A TCP retransmission timer (target: the sending process; aux: the connection; aux2: (generation << 1) | direction). */
export const EVENT_RETRANSMIT = 5;
/** A connection message or notice that waited while its process was paused, handed over after the resume. */
export const EVENT_PARKED = 6;

/**
 * The engine's event queue, keyed by (time µs, insertion sequence): ties are broken by insertion order, never by
 * identity or hashing. Payloads live in slot-indexed typed arrays plus one reference array, so a push or pop
 * allocates nothing (design.md §2 measured a heap of fresh objects 2–4x slower).
 *
 * Two binary min-heaps share one sequence counter and the payload slots: a plain one for events that always fire
 * (deliveries, segments, callbacks), and an indexed one for events that may be taken out before they come due
 * (`pushRemovable`: timers; a cancelled timer leaves the queue instead of firing as a no-op — issue 14 measured
 * them at 36 % of all events). Only the indexed heap pays for knowing where each slot sits; `pop` takes the smaller
 * of the two tops, so the order is the one total order (time, sequence) a single heap would give, and so are the
 * digests.
 */
export class EventQueue {
  // The plain heap.
  private pTime: Float64Array;
  private pSeq: Float64Array;
  private pSlot: Int32Array;
  private pCount = 0;
  // The indexed heap, and each of its slots' index in it (-1 when not in it).
  private rTime: Float64Array;
  private rSeq: Float64Array;
  private rSlot: Int32Array;
  private rCount = 0;
  private pos: Int32Array;
  private nextSeq = 0;

  // Payload by slot.
  kind: Uint8Array;
  target: Int32Array;
  aux: Int32Array;
  aux2: Int32Array;
  refs: unknown[];
  private free: Int32Array;
  private freeTop: number;
  private capacity: number;

  constructor(initialCapacity = 1024) {
    const cap = Math.max(2, initialCapacity);
    this.capacity = cap;
    this.pTime = new Float64Array(cap);
    this.pSeq = new Float64Array(cap);
    this.pSlot = new Int32Array(cap);
    this.rTime = new Float64Array(cap);
    this.rSeq = new Float64Array(cap);
    this.rSlot = new Int32Array(cap);
    this.pos = new Int32Array(cap).fill(-1);
    this.kind = new Uint8Array(cap);
    this.target = new Int32Array(cap);
    this.aux = new Int32Array(cap);
    this.aux2 = new Int32Array(cap);
    this.refs = new Array(cap).fill(undefined);
    this.free = new Int32Array(cap);
    for (let i = 0; i < cap; i++) this.free[i] = cap - 1 - i;
    this.freeTop = cap;
  }

  get size(): number {
    return this.pCount + this.rCount;
  }

  /** Time of the earliest event (µs); Infinity when empty. */
  peekTime(): number {
    const p = this.pCount === 0 ? Infinity : this.pTime[0];
    const r = this.rCount === 0 ? Infinity : this.rTime[0];
    return p < r ? p : r;
  }

  private take(kind: number, target: number, aux: number, aux2: number, ref: unknown): number {
    if (this.freeTop === 0) this.grow();
    const slot = this.free[--this.freeTop];
    this.kind[slot] = kind;
    this.target[slot] = target;
    this.aux[slot] = aux;
    this.aux2[slot] = aux2;
    this.refs[slot] = ref;
    return slot;
  }

  /** Schedules an event that will fire at `timeUs` (µs); returns its slot. It cannot be removed (see `pushRemovable`). */
  push(timeUs: number, kind: number, target: number, aux: number, aux2: number, ref: unknown): number {
    const slot = this.take(kind, target, aux, aux2, ref);
    const seq = this.nextSeq++;
    // Sift up (plain heap: no index to keep).
    const ht = this.pTime;
    const hs = this.pSeq;
    const hl = this.pSlot;
    let i = this.pCount++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = ht[p];
      if (pt < timeUs || (pt === timeUs && hs[p] < seq)) break;
      ht[i] = pt;
      hs[i] = hs[p];
      hl[i] = hl[p];
      i = p;
    }
    ht[i] = timeUs;
    hs[i] = seq;
    hl[i] = slot;
    return slot;
  }

  /** Schedules an event at `timeUs` (µs) that `remove(slot)` may take out before it comes due; returns its slot. */
  pushRemovable(timeUs: number, kind: number, target: number, aux: number, aux2: number, ref: unknown): number {
    const slot = this.take(kind, target, aux, aux2, ref);
    this.siftUp(this.rCount++, timeUs, this.nextSeq++, slot);
    return slot;
  }

  /**
   * Unschedules the event in `slot` (from `pushRemovable`, not yet popped) and frees the slot. The order of the
   * others is untouched: the heap order is the total order (time, sequence), whatever is taken out.
   */
  remove(slot: number): void {
    const i = this.pos[slot];
    if (i < 0) throw new Error(`event slot ${slot} is not queued as removable`);
    const n = --this.rCount;
    if (i !== n) {
      // The last leaf takes the hole, then moves up or down to its place.
      const t = this.rTime[n];
      const s = this.rSeq[n];
      const l = this.rSlot[n];
      const p = (i - 1) >> 1;
      if (i > 0 && (this.rTime[p] > t || (this.rTime[p] === t && this.rSeq[p] > s))) this.siftUp(i, t, s, l);
      else this.siftDown(i, n, t, s, l);
    }
    this.pos[slot] = -1;
    this.release(slot);
  }

  /** Indexed heap: places (timeUs, seq, slot) at or above index `start`. */
  private siftUp(start: number, timeUs: number, seq: number, slot: number): void {
    let i = start;
    const ht = this.rTime;
    const hs = this.rSeq;
    const hl = this.rSlot;
    const pos = this.pos;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = ht[p];
      if (pt < timeUs || (pt === timeUs && hs[p] < seq)) break;
      ht[i] = pt;
      hs[i] = hs[p];
      hl[i] = hl[p];
      pos[hl[i]] = i;
      i = p;
    }
    ht[i] = timeUs;
    hs[i] = seq;
    hl[i] = slot;
    pos[slot] = i;
  }

  /** Indexed heap: places (t, s, l) at or below index `start` of a heap of `n` entries. */
  private siftDown(start: number, n: number, t: number, s: number, l: number): void {
    const ht = this.rTime;
    const hs = this.rSeq;
    const hl = this.rSlot;
    const pos = this.pos;
    let i = start;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (ht[r] < ht[c] || (ht[r] === ht[c] && hs[r] < hs[c]))) c = r;
      if (t < ht[c] || (t === ht[c] && s < hs[c])) break;
      ht[i] = ht[c];
      hs[i] = hs[c];
      hl[i] = hl[c];
      pos[hl[i]] = i;
      i = c;
    }
    ht[i] = t;
    hs[i] = s;
    hl[i] = l;
    pos[l] = i;
  }

  /** Removes the earliest event and returns its slot; read the payload arrays, then call `release(slot)`. */
  pop(): number {
    const pc = this.pCount;
    const rc = this.rCount;
    if (rc > 0) {
      const rt = this.rTime[0];
      const pt = pc === 0 ? Infinity : this.pTime[0];
      if (rt < pt || (rt === pt && this.rSeq[0] < this.pSeq[0])) {
        const top = this.rSlot[0];
        const n = (this.rCount = rc - 1);
        if (n > 0) this.siftDown(0, n, this.rTime[n], this.rSeq[n], this.rSlot[n]);
        this.pos[top] = -1;
        return top;
      }
    }
    return this.popPlain();
  }

  /** Plain heap: takes its top (sift down without an index to keep). */
  private popPlain(): number {
    const ht = this.pTime;
    const hs = this.pSeq;
    const hl = this.pSlot;
    const top = hl[0];
    const n = --this.pCount;
    if (n > 0) {
      const t = ht[n];
      const s = hs[n];
      const l = hl[n];
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        const r = c + 1;
        if (r < n && (ht[r] < ht[c] || (ht[r] === ht[c] && hs[r] < hs[c]))) c = r;
        if (t < ht[c] || (t === ht[c] && s < hs[c])) break;
        ht[i] = ht[c];
        hs[i] = hs[c];
        hl[i] = hl[c];
        i = c;
      }
      ht[i] = t;
      hs[i] = s;
      hl[i] = l;
    }
    return top;
  }

  /** Frees a slot once its payload is read (after `pop`). */
  release(slot: number): void {
    this.refs[slot] = undefined;
    this.free[this.freeTop++] = slot;
  }

  private grow(): void {
    const old = this.capacity;
    const cap = old * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.pTime = f64(this.pTime);
    this.pSeq = f64(this.pSeq);
    this.pSlot = i32(this.pSlot);
    this.rTime = f64(this.rTime);
    this.rSeq = f64(this.rSeq);
    this.rSlot = i32(this.rSlot);
    const pos = new Int32Array(cap).fill(-1);
    pos.set(this.pos);
    this.pos = pos;
    const k = new Uint8Array(cap);
    k.set(this.kind);
    this.kind = k;
    this.target = i32(this.target);
    this.aux = i32(this.aux);
    this.aux2 = i32(this.aux2);
    for (let i = old; i < cap; i++) this.refs.push(undefined);
    this.free = new Int32Array(cap);
    this.freeTop = 0;
    for (let i = cap - 1; i >= old; i--) this.free[this.freeTop++] = i;
    this.capacity = cap;
  }
}
