import { describe, expect, it } from "vitest";
import type { ControllerActor } from "../../../src/kafka/controller/controller.js";
import { runScenario } from "../../../src/runner/run.js";
import { loadScenario, parseScenario } from "../../../src/scenario/load.js";
import type { TraceRecord } from "../../../src/sim/index.js";

const CONTROLLERS = ["controller-1", "controller-2", "controller-3"];

/** A 3-broker, 3-controller cluster with a producer, the given faults, run for `durationS` with seed 1. */
function run(faults: string, durationS = 60) {
  const text = `name: prevote
description: pre-vote test cluster
duration: ${durationS}s
cluster:
  brokers: 3
  controllers: 3
  topics:
    - { name: t, partitions: 3, replicationFactor: 3, config: { min.insync.replicas: 2 } }
clients:
  - id: app
    kind: producer
    config: { acks: all }
    workload: { topic: t, rate: 100, keys: { distribution: uniform, count: 20 } }
faults:
${faults || "  []"}
expect:
  - noLostAcknowledgedWrites
`;
  const trace: TraceRecord[] = [];
  const r = runScenario(parseScenario(text, "prevote.yaml"), { seed: 1, observe: (rec) => trace.push(rec) });
  const of = (type: string) => trace.filter((t) => t.type === type);
  const controllers = CONTROLLERS.map((c) => r.world.sim.actorOf<ControllerActor>(c)!.inspect());
  return { r, trace, of, controllers };
}

/** The first elected leader and its epoch (the run is deterministic: a run with faults later has the same start). */
function firstLeader(): { leader: string; epoch: number } {
  const { of } = run("", 8);
  const first = of("raft.leader")[0];
  return { leader: first.actor, epoch: first.data?.epoch as number };
}

describe("KRaft pre-vote (KIP-996)", () => {
  it("a controller cut off from the quorum and healed neither bumps the epoch nor deposes the leader", () => {
    const { leader, epoch } = firstLeader();
    const cutOff = CONTROLLERS.find((c) => c !== leader)!;
    const { of, controllers, r } = run(`  - { at: 10s, isolate: ${cutOff}, for: 20s }`);
    // The cut-off voter's fetch timed out and it asked for pre-votes (Prospective), again and again, in the old epoch.
    const prospective = of("raft.prospective").filter((t) => t.actor === cutOff && t.t >= 10_000_000);
    expect(prospective.length).toBeGreaterThan(1);
    expect(prospective.every((t) => t.data?.epoch === epoch)).toBe(true);
    // Without pre-vote it would have stood as candidate with a bumped epoch and, healed, forced a new election.
    expect(of("raft.candidate").filter((t) => t.t >= 10_000_000)).toEqual([]);
    expect(of("raft.leader").map((t) => t.actor)).toEqual([leader]);
    for (const c of controllers) {
      expect(c.epoch).toBe(epoch);
      expect(c.leader).toBe(leader);
    }
    expect(r.ok).toBe(true);
  });

  it("a real loss of the leader still elects a new one (pre-vote granted by the voters that lost it too)", () => {
    const { leader, epoch } = firstLeader();
    const { of, controllers } = run(`  - { at: 10s, crash: ${leader}, for: 30s }`);
    const later = of("raft.leader").filter((t) => t.t >= 10_000_000);
    expect(later.length).toBe(1);
    expect(later[0].actor).not.toBe(leader);
    expect(later[0].data?.epoch).toBe(epoch + 1);
    // Its candidacy was preceded by its pre-vote in the old epoch.
    const pre = of("raft.prospective").filter((t) => t.actor === later[0].actor && t.t >= 10_000_000);
    expect(pre[0].data?.epoch).toBe(epoch);
    // The old leader, back, follows the new one in its epoch.
    for (const c of controllers) expect([c.leader, c.epoch]).toEqual([later[0].actor, epoch + 1]);
  });

  it("the shipped kraft-prevote-cut-off-controller: at each golden seed one election only, and the cut-off voter ends in the first epoch", () => {
    for (const seed of [1, 2, 3]) {
      const trace: TraceRecord[] = [];
      const r = runScenario(loadScenario("scenarios/kraft-prevote-cut-off-controller.yaml"), { seed, observe: (rec) => trace.push(rec) });
      const leaders = trace.filter((t) => t.type === "raft.leader");
      expect({ seed, leaders: leaders.length, candidates: trace.filter((t) => t.type === "raft.candidate").length }).toEqual({ seed, leaders: 1, candidates: 1 });
      expect(leaders[0].actor).not.toBe("controller-3");
      expect(trace.some((t) => t.type === "raft.prospective" && t.actor === "controller-3" && t.t >= 10_000_000)).toBe(true);
      expect(r.world.sim.actorOf<ControllerActor>("controller-3")!.inspect().epoch).toBe(leaders[0].data?.epoch);
    }
  });
});
