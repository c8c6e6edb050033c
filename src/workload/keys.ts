import type { RandomStream } from "../sim/index.js";

export interface KeyDistribution {
  distribution: "uniform" | "hot" | "fixed" | "none";
  count: number;
  hotShare: number;
}

/** Key strings k0..k(count-1), built once so choosing a key allocates nothing. */
export function keyNames(d: KeyDistribution): string[] {
  return Array.from({ length: d.count }, (_, i) => `k${i}`);
}

/** The key of the n-th record: uniform over `count` keys, hot (key 0 gets `hotShare`), in turn, or none. */
export function nextKey(d: KeyDistribution, n: number, rnd: RandomStream, names: string[] = keyNames(d)): string | null {
  switch (d.distribution) {
    case "none":
      return null;
    case "fixed":
      return names[n % d.count];
    case "hot":
      return rnd.chance(d.hotShare) || d.count === 1 ? names[0] : names[1 + rnd.int(d.count - 1)];
    case "uniform":
      return names[rnd.int(d.count)];
  }
}
