/**
 * Compact series for report lanes, filled while a run goes (a report never keeps every trace record).
 * Times are simulated µs.
 */

/**
 * A numeric step line (an offset, a count), downsampled as it is filled: within one time bucket only the last change
 * is kept, so a lane has at most about one point per bucket, plus the points pushed with `keep` (a leader change, a
 * truncation: moments a reader must see even when they last a microsecond).
 */
export class StepSeries {
  readonly t: number[] = [];
  readonly v: number[] = [];
  private lastKept = false;

  /** `bucketUs`: the width of one bucket in µs (the run's length over the number of points wanted). */
  constructor(private readonly bucketUs: number) {}

  push(tUs: number, value: number, keep = false): void {
    const n = this.t.length;
    if (n > 0 && this.v[n - 1] === value) return;
    if (!keep && n > 1 && !this.lastKept && Math.floor(this.t[n - 1] / this.bucketUs) === Math.floor(tUs / this.bucketUs)) {
      this.t[n - 1] = tUs;
      this.v[n - 1] = value;
      if (this.v[n - 2] === value) {
        // Back where the previous point was: the overwritten change is gone, and so is this point.
        this.t.pop();
        this.v.pop();
      }
      return;
    }
    this.t.push(tUs);
    this.v.push(value);
    this.lastKept = keep;
  }

  get last(): number | undefined {
    return this.v.length > 0 ? this.v[this.v.length - 1] : undefined;
  }
}

/** A discrete state over time (a leader, an ISR, a group state): every change is kept; there are few. */
export class StateSeries {
  readonly t: number[] = [];
  readonly v: string[] = [];

  push(tUs: number, value: string): void {
    const n = this.t.length;
    if (n > 0 && this.v[n - 1] === value) return;
    if (n > 0 && this.t[n - 1] === tUs) {
      // Two changes in the same µs: the later one is the state from then on.
      this.v[n - 1] = value;
      if (n > 1 && this.v[n - 2] === value) {
        this.t.pop();
        this.v.pop();
      }
      return;
    }
    this.t.push(tUs);
    this.v.push(value);
  }

  get last(): string | undefined {
    return this.v.length > 0 ? this.v[this.v.length - 1] : undefined;
  }
}

/** Counts per time bucket (errors per bucket): `at(bucket start µs) → count`. */
export class BucketCounts {
  private readonly counts = new Map<number, number>();

  constructor(private readonly bucketUs: number) {}

  add(tUs: number, n = 1): void {
    const b = Math.floor(tUs / this.bucketUs) * this.bucketUs;
    this.counts.set(b, (this.counts.get(b) ?? 0) + n);
  }

  /** Bucket start times (µs, ascending) and their counts. */
  entries(): { t: number[]; v: number[] } {
    const keys = [...this.counts.keys()].sort((a, b) => a - b);
    return { t: keys, v: keys.map((k) => this.counts.get(k)!) };
  }

  get total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }
}
