import type { RandomStream } from "../sim/index.js";

export interface KeyDistribution {
  distribution: "uniform" | "hot" | "fixed" | "none";
  count: number;
  hotShare: number;
}

/** The key of the n-th record: uniform over `count` keys, hot (key 0 gets `hotShare`), in turn, or none. */
export function nextKey(d: KeyDistribution, n: number, rnd: RandomStream): string | null {
  switch (d.distribution) {
    case "none":
      return null;
    case "fixed":
      return `k${n % d.count}`;
    case "hot":
      return rnd.chance(d.hotShare) || d.count === 1 ? "k0" : `k${1 + rnd.int(d.count - 1)}`;
    case "uniform":
      return `k${rnd.int(d.count)}`;
  }
}
