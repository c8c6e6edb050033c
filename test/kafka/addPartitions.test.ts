import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";
import { RunRecorder } from "../../src/report/recorder/runRecorder.js";
import type { SendValue } from "../../src/workload/history.js";
import { placeReplicas } from "../../src/kafka/controller/replicaPlacer.js";
import { runTraced } from "../support/tracedRun.js";

/**
 * addPartitions (issue 16 item 4): `addPartitions: { topic, count }` is the admin's CreatePartitions, forwarded to
 * the active controller (ReplicationControlManager.createPartitions); brokers create the new partitions from their
 * PartitionRecords; clients see them at their next metadata refresh, and keyed records then hash to other partitions.
 */
function scenario(faults: string, opts: { clients?: string; duration?: string; partitions?: number } = {}): string {
  return `name: t
description: addPartitions test
duration: ${opts.duration ?? "25s"}
cluster:
  brokers: 3
  topics:
    - { name: orders, partitions: ${opts.partitions ?? 1}, replicationFactor: 2 }
clients:
${opts.clients ?? `  - id: app
    kind: producer
    config: { acks: all, metadata.max.age.ms: 3000 }
    workload: { topic: orders, rate: 100, keys: { distribution: uniform, count: 10 } }`}
faults:
${faults}
expect:
  - noLostAcknowledgedWrites
`;
}

function run(text: string) {
  const recorder = new RunRecorder({ messages: false });
  return { ...runTraced(text, recorder.attach), recorder };
}

/** Acknowledged sends as [time µs, partition, key]. */
function acked(r: ReturnType<typeof runScenario>): [number, number, string | null][] {
  return r.history.ops.filter((o) => o.f === "send" && o.type === "ok").map((o) => [o.time, (o.value as SendValue).partition!, (o.value as SendValue).key]);
}

const bad = (faults: string) => () => parseScenario(scenario(faults), "t.yaml");

describe("placeReplicas (the model's StripedReplicaPlacer)", () => {
  it("rotates over the usable brokers from the partition's index, as at topic creation", () => {
    const all = ["b1", "b2", "b3"];
    expect([0, 1, 2, 3].map((p) => placeReplicas(all, [], p, 2))).toEqual([["b1", "b2"], ["b2", "b3"], ["b3", "b1"], ["b1", "b2"]]);
  });

  it("uses fenced brokers only when too few are usable, never as the leader; refuses what cannot be placed", () => {
    expect(placeReplicas(["b2", "b3"], ["b1"], 4, 3)).toEqual(["b2", "b3", "b1"]);
    expect(placeReplicas(["b2"], ["b1", "b3"], 1, 2)).toEqual(["b2", "b3"]);
    expect(placeReplicas(["b1", "b2"], [], 0, 3)).toEqual({ error: "The target replication factor of 3 cannot be reached because only 2 broker(s) are registered." });
    expect(placeReplicas([], ["b1", "b2"], 0, 1)).toEqual({ error: "All brokers are currently fenced." });
  });
});

describe("addPartitions: CreatePartitions", () => {
  it("the controller records the new partitions, brokers lead them, the keyed producer moves keys after its next refresh", () => {
    const { r, of } = run(scenario("  - { at: 8s, addPartitions: { topic: orders, count: 3 } }"));
    expect(of("admin.create-partitions").map((t) => t.data)).toEqual([{ topic: "orders", count: 3, error: "NONE", tries: 1 }]);
    const created = of("controller.create-partitions");
    expect(created.map((t) => t.data)).toEqual([{ topic: "orders", count: 3, error: "NONE", message: null, partitions: ["orders-1 [broker-2, broker-3]", "orders-2 [broker-3, broker-1]"] }]);
    // PartitionRecords with leader epoch 0; each new partition's first replica leads it.
    expect(of("partition.become-leader").filter((t) => t.data!.tp !== "orders-0").map((t) => [t.actor, t.data!.tp, t.data!.leaderEpoch])).toEqual([
      ["broker-2", "orders-1", 0],
      ["broker-3", "orders-2", 0],
    ]);
    const sends = acked(r);
    const at = created[0].t;
    expect(sends.filter(([t]) => t < at).every(([, p]) => p === 0)).toBe(true);
    // metadata.max.age.ms is 3s: by then the producer hashes over three partitions, and a key's partition changes.
    const late = sends.filter(([t]) => t > at + 3.5e6);
    expect(new Set(late.map(([, p]) => p))).toEqual(new Set([0, 1, 2]));
    expect(r.checks.map((c) => [c.name, c.ok])).toEqual([["noLostAcknowledgedWrites", true]]);
  });

  it("with the default metadata.max.age.ms (5 minutes) the producer keeps sending to the old partitions", () => {
    const clients = `  - id: app
    kind: producer
    config: { acks: all }
    workload: { topic: orders, rate: 100, keys: { distribution: uniform, count: 10 } }`;
    const { r, of } = run(scenario("  - { at: 8s, addPartitions: { topic: orders, count: 3 } }", { clients }));
    expect(of("controller.create-partitions")).toHaveLength(1);
    expect(acked(r).every(([, p]) => p === 0)).toBe(true);
  });

  it("a second call that is no increase gets INVALID_PARTITIONS from the controller (in the trace); nothing else changes", () => {
    const { of, recorder } = run(scenario("  - { at: 6s, addPartitions: { topic: orders, count: 3 } }\n  - { at: 9s, addPartitions: { topic: orders, count: 3 } }\n  - { at: 12s, addPartitions: { topic: orders, count: 2 } }", { duration: "15s" }));
    expect(of("admin.create-partitions").map((t) => t.data!.error)).toEqual(["NONE", "INVALID_PARTITIONS", "INVALID_PARTITIONS"]);
    expect(of("controller.create-partitions").map((t) => t.data!.message)).toEqual([null, "Topic already has 3 partition(s).", "The topic orders currently has 3 partition(s); 2 would not be an increase."]);
    // The timeline: each ADMIN call with its outcome, and the controller's growth once.
    const moments = recorder.moments.filter((m) => m.kind === "admin" || m.text.includes("grows to")).map((m) => `${m.kind} ${m.text.replace(/^controller-\d/, "controller-N")}`);
    expect(moments).toEqual([
      "controller controller-N: orders grows to 3 partitions: orders-1 [broker-2, broker-3], orders-2 [broker-3, broker-1]",
      "admin admin createPartitions orders to 3 partitions → ok",
      "admin admin createPartitions orders to 3 partitions → failed: INVALID_PARTITIONS",
      "admin admin createPartitions orders to 2 partitions → failed: INVALID_PARTITIONS",
    ]);
  });

  it("a fenced broker gets no new replica while enough brokers are usable", () => {
    const { of } = run(scenario("  - { at: 3s, crash: broker-3 }\n  - { at: 12s, addPartitions: { topic: orders, count: 4 } }", { duration: "16s" }));
    const p = of("controller.create-partitions")[0].data!;
    expect(p.error).toBe("NONE");
    // broker-3 is fenced by then (broker.session.timeout.ms 9s): the usable brokers rotate, broker-3 never appears.
    expect(p.partitions).toEqual(["orders-1 [broker-2, broker-1]", "orders-2 [broker-1, broker-2]", "orders-3 [broker-2, broker-1]"]);
  });

  it("a classic group's leader sees the new partition count and rejoins; a KIP-848 group's coordinator reassigns", () => {
    const member = (id: string, group: string, protocol: string) =>
      `  - { id: ${id}, kind: consumer, config: { group.id: ${group}, ${protocol}auto.offset.reset: earliest, metadata.max.age.ms: 3000 }, workload: { subscribe: [orders] } }`;
    const clients = [
      `  - { id: app, kind: producer, config: { metadata.max.age.ms: 3000 }, workload: { topic: orders, rate: 50, keys: { distribution: uniform, count: 10 } } }`,
      member("c1", "classic", ""),
      member("c2", "classic", ""),
      member("k1", "kip848", "group.protocol: consumer, "),
      member("k2", "kip848", "group.protocol: consumer, "),
    ].join("\n");
    const { r, of } = run(scenario("  - { at: 10s, addPartitions: { topic: orders, count: 4 } }", { clients, partitions: 2, duration: "25s" }));
    const at = of("controller.create-partitions")[0].t;
    expect(of("consumer.metadata-changed").filter((t) => t.t > at).map((t) => t.data!.groupId)).toEqual(["classic"]);
    // At the end each group owns all four partitions between its members.
    for (const group of ["classic", "kip848"]) {
      const owned = new Map<string, string[]>();
      for (const op of r.history.ops) {
        const v = op.value as { group?: string; partitions?: string[] };
        if (v?.group !== group || !v.partitions) continue;
        if (op.f === "assigned") owned.set(op.process, [...new Set([...(owned.get(op.process) ?? []), ...v.partitions])]);
        if (op.f === "revoked" || op.f === "lost") owned.set(op.process, (owned.get(op.process) ?? []).filter((tp) => !v.partitions!.includes(tp)));
      }
      expect([...owned.values()].flat().sort()).toEqual(["orders-0", "orders-1", "orders-2", "orders-3"]);
    }
  });

  it("refuses an unknown or internal topic and a count that is no increase, at the path", () => {
    expect(bad("  - { at: 5s, addPartitions: { topic: payments, count: 3 } }")).toThrow(/faults\[0\]\.addPartitions\.topic: "payments" is not a topic of the scenario \(topics: orders\)/);
    expect(bad("  - { at: 5s, addPartitions: { topic: __consumer_offsets, count: 60 } }")).toThrow(/faults\[0\]\.addPartitions\.topic: "__consumer_offsets" is not a topic of the scenario/);
    expect(bad("  - { at: 5s, addPartitions: { topic: orders, count: 1 } }")).toThrow(/faults\[0\]\.addPartitions\.count: must be more than the 1 partition\(s\) orders is created with .*INVALID_PARTITIONS.*got 1/);
    expect(bad("  - { at: 5s, addPartitions: { topic: orders, count: 0 } }")).toThrow(/faults\[0\]\.addPartitions\.count: must be a whole number of partitions from 1 to 10,000/);
    expect(bad("  - { at: 5s, for: 2s, addPartitions: { topic: orders, count: 3 } }")).toThrow(/faults\[0\]\.for: does not apply to addPartitions/);
    expect(bad("  - { at: 5s, addPartitions: { topic: orders } }")).toThrow(/faults\[0\]\.addPartitions\.count/);
  });

  it("faults and admin calls may name a partition an earlier addPartitions creates, not one it has not yet created", () => {
    const grown = "  - { at: 5s, addPartitions: { topic: orders, count: 3 } }\n";
    const ok = parseScenario(scenario(grown + '  - { at: 6s, crash: "leader:orders-2", for: 1s }\n  - { at: 7s, deleteRecords: { partition: orders-2, offset: 0 } }'), "t.yaml");
    expect(ok.faults.map((f) => f.op)).toEqual(["crash"]);
    expect(ok.adminOps.map((o) => o.op)).toEqual(["addPartitions", "deleteRecords"]);
    expect(bad(grown + '  - { at: 4s, crash: "leader:orders-2", for: 1s }')).toThrow(/faults\[1\]\.crash: unknown actor "leader:orders-2"/);
    expect(bad(grown + "  - { at: 4s, deleteRecords: { partition: orders-2, offset: 0 } }")).toThrow(/faults\[1\]\.deleteRecords\.partition: "orders-2" is not a partition of the cluster \(partitions: orders-0\)/);
  });

  it("the shipped incident's lagging group delivers every key in order when no partitions are added (keyReordering quiet)", () => {
    const shipped = readFileSync("scenarios/add-partitions-breaks-key-order.yaml", "utf8");
    const text = shipped
      .replace(/\nfaults:\n[\s\S]*?\n\n/, "\n")
      .replace("duration: 40s", "duration: 20s")
      .replace("  - anomaly: keyReordering", "  - noKeyReordering");
    expect(text).not.toContain("addPartitions");
    const { r } = run(text);
    expect(r.checks.map((c) => [c.name, c.ok])).toEqual([
      ["noKeyReordering", true],
      ["noLostAcknowledgedWrites", true],
      ["noDuplicates", true],
      ["noConcurrentOwnership", true],
    ]);
    // The group did lag (the premise of the incident): some poll delivered a record acknowledged over 2s earlier.
    const ackedAt = new Map(r.history.ops.filter((o) => o.f === "send" && o.type === "ok").map((o) => [(o.value as SendValue).value, o.time]));
    const lagUs = r.history.ops.filter((o) => o.f === "poll" && o.type === "ok").flatMap((o) => Object.values(o.value as Record<string, [number, string][]>).flat().map(([, v]) => o.time - ackedAt.get(v)!));
    expect(Math.max(...lagUs)).toBeGreaterThan(2e6);
  });
});
