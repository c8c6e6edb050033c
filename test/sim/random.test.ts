import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { RandomStream } from "../../src/sim/random.js";

describe("RandomStream", () => {
  it("draws exactly the numbers seedrandom.alea gives for the same name", () => {
    for (const name of ["1:broker-1:default", "bench", "", "seed:client:net"]) {
      const ours = new RandomStream(name);
      const theirs = seedrandom.alea(name);
      for (let i = 0; i < 10_000; i++) expect(ours.next()).toBe(theirs());
    }
  });

  it("keeps each stream's state apart", () => {
    const a = new RandomStream("a");
    const b = new RandomStream("b");
    const a2 = new RandomStream("a");
    const seen = [a.next(), b.next(), a.next()];
    expect([a2.next(), a2.next()]).toEqual([seen[0], seen[2]]);
    expect(seen[1]).not.toBe(seen[0]);
  });
});
