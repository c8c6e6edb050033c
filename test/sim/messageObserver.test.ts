import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/sim/index.js";
import { recorder, sender } from "../support/actors.js";

/** Runs a sender through a partition, with or without a message observer; returns the digest and what it saw. */
function run(observe: boolean) {
  const sim = new Simulation({ seed: 7, network: { latency: { model: "constant", valueUs: 1000 } } });
  const seen: string[] = [];
  if (observe) sim.messageObserver = (event, from, to, msg) => seen.push(`${sim.nowUs} ${event} ${from}->${to} ${(msg as { i: number }).i}`);
  sim.addActor("b", recorder([]));
  sim.addActor("a", sender("b", 6, 10));
  sim.at(25_000, () => {
    const heal = sim.partition([["a"], ["b"]]);
    sim.at(45_000, heal);
  });
  const outcome = sim.run(200_000);
  return { digest: outcome.digest, seen };
}

describe("the message observer (reports)", () => {
  it("sees each send, delivery and drop with its time", () => {
    const { seen } = run(true);
    expect(seen).toEqual([
      "0 send a->b 0",
      "1000 deliver a->b 0",
      "10000 send a->b 1",
      "11000 deliver a->b 1",
      "20000 send a->b 2",
      "21000 deliver a->b 2",
      "30000 send a->b 3",
      "30000 drop a->b 3",
      "40000 send a->b 4",
      "40000 drop a->b 4",
      "50000 send a->b 5",
      "51000 deliver a->b 5",
    ]);
  });

  it("leaves the digest as it is (it is not traced)", () => {
    expect(run(true).digest).toBe(run(false).digest);
  });
});
