/**
 * Interns 32-bit integers to dense ids 0, 1, 2, … with an open-addressing hash table over typed arrays. Jepsen's
 * Kafka values are integers, and a million-op history interns a million of them: a Map spends most of the
 * analysis' time (and garbage) there, this spends a multiply and a probe.
 */
export class IntIds {
  private keys: Int32Array;
  private ids: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Int32Array(cap);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  /** The id of x, or -1. */
  get(x: number): number {
    let i = Math.imul(x, 0x9e3779b1) & this.mask;
    for (;;) {
      const id = this.ids[i];
      if (id < 0) return -1;
      if (this.keys[i] === x) return id;
      i = (i + 1) & this.mask;
    }
  }

  /** Records x → id (x must be absent). */
  set(x: number, id: number): void {
    if ((this.size + 1) * 2 > this.ids.length) this.grow();
    let i = Math.imul(x, 0x9e3779b1) & this.mask;
    while (this.ids[i] >= 0) i = (i + 1) & this.mask;
    this.keys[i] = x;
    this.ids[i] = id;
    this.size++;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldIds = this.ids;
    this.keys = new Int32Array(oldKeys.length * 2);
    this.ids = new Int32Array(oldIds.length * 2).fill(-1);
    this.mask = this.ids.length - 1;
    this.size = 0;
    // Stryker disable next-line EqualityOperator: one past the end reads id undefined, which is not >= 0: nothing is set
    for (let j = 0; j < oldIds.length; j++) if (oldIds[j] >= 0) this.set(oldKeys[j], oldIds[j]);
  }
}
