import { describe, expect, it } from "vitest";
import { nextPartitionState, targetElr } from "../../src/kafka/controller/partitionChange.js";
import { MetadataImage } from "../../src/kafka/metadata/metadataImage.js";
import type { PartitionState } from "../../src/kafka/metadata/records.js";
import { runScenario } from "../../src/runner/run.js";
import { parseScenario } from "../../src/scenario/load.js";
import type { TraceRecord } from "../../src/sim/index.js";

/** An image where `active` brokers are registered and unfenced, the others registered and fenced. */
function image(active: string[], all = ["b1", "b2", "b3"]): MetadataImage {
  const img = new MetadataImage();
  let o = 0;
  all.forEach((b, i) => img.apply({ type: "RegisterBroker", broker: b, brokerEpoch: i, incarnation: 1, logDirs: [`dir-${b}`] }, o++));
  for (const b of all) img.apply(active.includes(b) ? { type: "UnfenceBroker", broker: b } : { type: "FenceBroker", broker: b }, o++);
  return img;
}

const base: PartitionState = { topic: "t", partition: 0, replicas: ["b1", "b2", "b3"], isr: ["b1", "b2", "b3"], leader: "b1", leaderEpoch: 0, partitionEpoch: 0 };
const ELR = { uncleanAllowed: false, elrEnabled: true, minIsr: 2 };
const NO_ELR = { uncleanAllowed: false, elrEnabled: false, minIsr: 2 };

describe("KIP-966 ELR (PartitionChangeBuilder)", () => {
  it("an ISR shrink below min ISR keeps the leavers as ELR; at or above min ISR the ELR is cleared", () => {
    expect(targetElr(base, ["b1"], 2)).toEqual({ elr: ["b2", "b3"], lastKnownElr: [] });
    expect(targetElr({ ...base, isr: ["b1"], elr: ["b2", "b3"] }, ["b1", "b2"], 2)).toEqual({ elr: [], lastKnownElr: [] });
    // A replica back from an unclean shutdown is never eligible; it is only remembered in the last known ELR.
    expect(targetElr({ ...base, isr: ["b1"], elr: ["b2", "b3"] }, [], 2, ["b2"])).toEqual({ elr: ["b1", "b3"], lastKnownElr: ["b2"] });
  });

  it("with the ISR empty, the leader comes from the ELR and becomes the ISR alone", () => {
    const p = { ...base, isr: ["b1"], elr: ["b2", "b3"] };
    const next = nextPartitionState(p, image(["b2", "b3"]), ELR, new Set(["b1"]))!;
    expect(next).toMatchObject({ leader: "b2", isr: ["b2"], elr: ["b1", "b3"], leaderEpoch: 1, partitionEpoch: 1 });
  });

  it("without ELR the last ISR member stays in the ISR and the partition waits for it (last replica standing)", () => {
    const p = { ...base, isr: ["b1"] };
    const next = nextPartitionState(p, image(["b2", "b3"]), NO_ELR, new Set(["b1"]))!;
    expect(next).toMatchObject({ leader: null, isr: ["b1"], leaderEpoch: 1 });
    expect(next.elr).toBeUndefined();
    // Nothing more happens while b1 is away.
    expect(nextPartitionState(next, image(["b2", "b3"]), NO_ELR)).toBeNull();
  });

  it("with ELR on but every ELR member fenced too, nobody is elected", () => {
    const p = { ...base, isr: ["b1"], elr: ["b2"] };
    const next = nextPartitionState(p, image(["b3"]), ELR, new Set(["b1"]))!;
    expect(next.leader).toBeNull();
    expect(next.isr).toEqual([]);
    expect(next.elr).toEqual(["b1", "b2"]);
  });

  it("an unclean election clears the ELR", () => {
    const p = { ...base, isr: [], leader: null, elr: ["b1"] };
    const next = nextPartitionState(p, image(["b2", "b3"]), { ...ELR, uncleanAllowed: true })!;
    expect(next).toMatchObject({ leader: "b2", isr: ["b2"] });
    expect(next.elr).toBeUndefined();
  });

  it("a healthy partition has no ELR fields and does not change", () => {
    expect(nextPartitionState(base, image(["b1", "b2", "b3"]), ELR)).toBeNull();
  });
});


describe("unclean shutdown detection (KIP-966 previousBrokerEpoch)", () => {
  const run = (fault: string, elr: 0 | 1) => {
    const text = `name: t
description: t
duration: 30s
cluster:
  brokers: 3
  features: { eligible.leader.replicas.version: ${elr} }
  topics: [{ name: orders, partitions: 1, replicationFactor: 3, config: { min.insync.replicas: 2 } }]
clients:
  - { id: app, kind: producer, config: { acks: all }, workload: { topic: orders, rate: 50 } }
faults:
  - { at: 5s, ${fault}: broker-2, for: 10s }
expect: [noLostAcknowledgedWrites]
`;
    const trace: TraceRecord[] = [];
    const r = runScenario(parseScenario(text, "t.yaml"), { observe: (t) => trace.push(t) });
    return { ok: r.ok, unclean: trace.filter((t) => t.type === "controller.unclean-shutdown").map((t) => t.data!.broker) };
  };

  it("a crash is an unclean shutdown: the controller removes the broker from ISR and ELR when it registers again", () => {
    expect(run("crash", 1)).toEqual({ ok: true, unclean: ["broker-2"] });
  });

  it("a clean shutdown records the broker epoch and is not; without ELR nothing is checked", () => {
    expect(run("shutdown", 1)).toEqual({ ok: true, unclean: [] });
    expect(run("crash", 0)).toEqual({ ok: true, unclean: [] });
  });
});
