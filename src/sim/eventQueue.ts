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
 * The engine's event queue: an indexed binary min-heap over typed arrays keyed by (time µs, insertion sequence).
 * Ties are broken by insertion order, never by identity or hashing. Payloads live in slot-indexed typed arrays plus
 * one reference array, so a push or pop allocates nothing (design.md §2 measured a heap of fresh objects 2–4x
 * slower). Each slot knows its place in the heap, so an event can be removed before it comes due (a cancelled
 * timer leaves the queue instead of firing as a no-op: issue 14 measured them at 36 % of all events).
 */
export class EventQueue {
  private heapTime: Float64Array;
  private heapSeq: Float64Array;
  private heapSlot: Int32Array;
  /** Slot → its index in the heap (-1 when the slot is free). */
  private pos: Int32Array;
  private count = 0;
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
    this.capacity = initialCapacity;
    this.heapTime = new Float64Array(initialCapacity);
    this.heapSeq = new Float64Array(initialCapacity);
    this.heapSlot = new Int32Array(initialCapacity);
    this.pos = new Int32Array(initialCapacity).fill(-1);
    this.kind = new Uint8Array(initialCapacity);
    this.target = new Int32Array(initialCapacity);
    this.aux = new Int32Array(initialCapacity);
    this.aux2 = new Int32Array(initialCapacity);
    this.refs = new Array(initialCapacity).fill(undefined);
    this.free = new Int32Array(initialCapacity);
    for (let i = 0; i < initialCapacity; i++) this.free[i] = initialCapacity - 1 - i;
    this.freeTop = initialCapacity;
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.count === 0 ? Infinity : this.heapTime[0];
  }

  /** Schedules an event at `timeUs` (µs); returns its slot, which `remove` takes to unschedule it. */
  push(timeUs: number, kind: number, target: number, aux: number, aux2: number, ref: unknown): number {
    if (this.freeTop === 0) this.grow();
    const slot = this.free[--this.freeTop];
    this.kind[slot] = kind;
    this.target[slot] = target;
    this.aux[slot] = aux;
    this.aux2[slot] = aux2;
    this.refs[slot] = ref;
    const seq = this.nextSeq++;
    this.siftUp(this.count++, timeUs, seq, slot);
    return slot;
  }

  /**
   * Unschedules the event in `slot` (from `push`, not yet popped) and frees the slot. The order of the others is
   * untouched: the heap order is the total order (time, sequence), whatever is taken out.
   */
  remove(slot: number): void {
    const i = this.pos[slot];
    if (i < 0) throw new Error(`event slot ${slot} is not queued`);
    const n = --this.count;
    if (i !== n) {
      // The last leaf takes the hole, then moves up or down to its place.
      const t = this.heapTime[n];
      const s = this.heapSeq[n];
      const l = this.heapSlot[n];
      const p = (i - 1) >> 1;
      if (i > 0 && (this.heapTime[p] > t || (this.heapTime[p] === t && this.heapSeq[p] > s))) this.siftUp(i, t, s, l);
      else this.siftDown(i, n, t, s, l);
    }
    this.release(slot);
  }

  private siftUp(start: number, timeUs: number, seq: number, slot: number): void {
    let i = start;
    const ht = this.heapTime;
    const hs = this.heapSeq;
    const hl = this.heapSlot;
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

  /** Places (t, s, l) at or below index `start` of a heap of `n` entries. */
  private siftDown(start: number, n: number, t: number, s: number, l: number): void {
    const ht = this.heapTime;
    const hs = this.heapSeq;
    const hl = this.heapSlot;
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
    const top = this.heapSlot[0];
    const n = --this.count;
    if (n > 0) this.siftDown(0, n, this.heapTime[n], this.heapSeq[n], this.heapSlot[n]);
    this.pos[top] = -1;
    return top;
  }

  /** Time of the event just popped is not kept; callers read it with peekTime() before pop(). */
  release(slot: number): void {
    this.refs[slot] = undefined;
    this.pos[slot] = -1;
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
    this.heapTime = f64(this.heapTime);
    this.heapSeq = f64(this.heapSeq);
    this.heapSlot = i32(this.heapSlot);
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
