import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { runSeed } from "../../src/runner/seedOutcome.js";
import type { World } from "../../src/scenario/world.js";
import type { ActorContext } from "../../src/sim/actor.js";

// A scenario whose every seed fails (the monitor suspects a node paused past its timeout): --check-determinism only
// reruns failing seeds.
const SCENARIO = parseScenario(
  `name: always-fails
description: a paused node is suspected
duration: 5s
demo:
  heartbeat: { monitor: m, nodes: [a], interval: 100ms, timeout: 500ms }
faults:
  - { at: 1s, pause: a, for: 2s }
expect:
  - noFalseSuspicion
`,
  "always-fails.yaml",
);

/**
 * A deliberately nondeterministic engine-level test actor (never shipped): it takes chance from Math.random, which the
 * engine does not own, so two runs of one seed part at its first tick.
 */
function addCoinFlipper(world: World): void {
  world.sim.addActor("coin", (ctx: ActorContext) => ({
    onStart: () => void ctx.setTimer(250, "flip"),
    onMessage: () => {},
    onTimer: () => {
      ctx.trace("coin.flip", { heads: Math.random() < 0.5, draw: Math.random() });
      ctx.setTimer(250, "flip");
    },
  }));
}

describe("--check-determinism", () => {
  it("finds a deterministic failing seed deterministic", () => {
    const o = runSeed(SCENARIO, 7, { checkDeterminism: true });
    expect(o.ok).toBe(false);
    expect(o.determinism?.ok).toBe(true);
    expect(new Set(o.determinism?.digests).size).toBe(1);
    expect(o.failed).not.toContain("determinism");
  });

  it("a nondeterministic actor is its own failure, naming the first event where the reruns part", () => {
    const o = runSeed(SCENARIO, 7, { checkDeterminism: true, attach: addCoinFlipper });
    expect(o.status).toBe("nondeterministic");
    expect(o.failed[0]).toBe("determinism");
    const d = o.determinism!.divergence!;
    expect(d.a?.actor).toBe("coin");
    expect(d.a?.type).toBe("coin.flip");
    expect(d.a?.t).toBe(250_000);
    expect(o.determinism!.message).toMatch(/runs part at trace record \d+, t=0\.250000s: coin coin\.flip/);
  });

  it("passing seeds are not rerun", () => {
    const ok = parseScenario(`name: ok\ndescription: d\nduration: 2s\ndemo:\n  heartbeat: { monitor: m, nodes: [a], interval: 100ms, timeout: 500ms }\nexpect:\n  - noFalseSuspicion\n`, "ok.yaml");
    expect(runSeed(ok, 1, { checkDeterminism: true, attach: addCoinFlipper }).determinism).toBeUndefined();
  });
});
