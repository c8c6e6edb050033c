import seedrandom from "seedrandom";

/**
 * A named, seeded random stream. Every random decision in a run comes from one of these, derived from the run seed
 * and a name (`seed:actor:purpose`), so adding an actor or a purpose never shifts another stream's draws.
 * alea is used because it draws ~7x faster than seedrandom's default ARC4 (design.md §2). seedrandom seeds it
 * (`seedrandom.alea(name, { state: true }).state()`); the step itself is alea's, written out here so it inlines into
 * the callers instead of going through a closure and boxed state (the engine's per-event cost: issue 14). The
 * draws are the same numbers seedrandom.alea gives (test/sim/random.test.ts compares them).
 */
export class RandomStream {
  /**
   * alea's state (s0, s1, s2, c) unboxed, at `at` in a block shared with the streams made just before and after
   * (an actor's streams): a draw reads this object and the block's numbers, not a typed array object of its own too.
   */
  private readonly st: Float64Array;
  private readonly at: number;

  constructor(readonly name: string) {
    const st = seedrandom.alea(name, { state: true }).state() as { s0: number; s1: number; s2: number; c: number };
    if (blockUsed === STATE_BLOCK) {
      block = new Float64Array(STATE_BLOCK);
      blockUsed = 0;
    }
    this.st = block;
    this.at = blockUsed;
    blockUsed += 4;
    block[this.at] = st.s0;
    block[this.at + 1] = st.s1;
    block[this.at + 2] = st.s2;
    block[this.at + 3] = st.c;
  }

  /** One alea step (seedrandom lib/alea.js `Alea.next`): uniform in [0, 1). */
  private prng(): number {
    const st = this.st;
    const i = this.at;
    const t = 2091639 * st[i] + st[i + 3] * 2.3283064365386963e-10; // 2^-32
    st[i] = st[i + 1];
    st[i + 1] = st[i + 2];
    const c = t | 0;
    st[i + 3] = c;
    return (st[i + 2] = t - c);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.prng() * n);
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.prng();
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.prng() < p;
  }

  /** Java's `Utils.toPositive(ThreadLocalRandom.nextInt())`: a non-negative 31-bit int. */
  positiveInt31(): number {
    return Math.floor(this.prng() * 0x80000000);
  }

  /** Standard normal draw (Box–Muller, one value per call so the draw count stays predictable). */
  normal(mean: number, stddev: number): number {
    const u1 = 1 - this.prng();
    const u2 = this.prng();
    return mean + stddev * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  lognormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }

  /** Pareto with scale xm (the minimum) and shape alpha: a long tail. */
  pareto(xm: number, alpha: number): number {
    return xm / Math.pow(1 - this.prng(), 1 / alpha);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** Numbers per block of stream states (4 per stream); a block is freed when its last stream is. */
const STATE_BLOCK = 4 * 256;
let block = new Float64Array(STATE_BLOCK);
let blockUsed = 0;

/** The name of a derived stream; one place so every caller derives names the same way. */
export function streamName(seed: string | number, ...parts: string[]): string {
  return [String(seed), ...parts].join(":");
}
