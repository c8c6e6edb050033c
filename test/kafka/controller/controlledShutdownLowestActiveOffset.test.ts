import { describe, expect, it } from "vitest";
import type { ActorContext, ConnectionId } from "../../../src/sim/index.js";
import { ClusterControlManager } from "../../../src/kafka/controller/clusterControl.js";
import type { ControllerConfig, ControllerContext } from "../../../src/kafka/controller/controllerContext.js";
import type { RaftNode } from "../../../src/kafka/controller/raft.js";
import type { ReplicationControlManager } from "../../../src/kafka/controller/replicationControl.js";
import { MetadataImage } from "../../../src/kafka/metadata/metadataImage.js";
import type { MetadataRecord } from "../../../src/kafka/metadata/records.js";
import type { BrokerHeartbeatResponse } from "../../../src/kafka/protocol/controllerMessages.js";

/**
 * Kafka's BrokerHeartbeatManager lets a broker in controlled shutdown stop once its controlledShutdownOffset is at or
 * below `lowestActiveOffset()`, the lowest metadata offset of the *active* brokers: unfenced and not in controlled
 * shutdown (maybeUpdateControlledShutdownOffset takes a shutting-down broker out of `active`, and `touch` does not put
 * it back). So neither the broker itself nor another broker shutting down at the same time is waited for.
 *
 * A ClusterControlManager over a stub controller (every record committed at once, all commits answered at once) and a
 * stub ReplicationControlManager (the brokers lead something on their first shutdown heartbeat, nothing after).
 */
function harness() {
  const image = new MetadataImage();
  let end = 0;
  const replies = new Map<string, BrokerHeartbeatResponse>();
  const apply = (r: MetadataRecord) => {
    image.apply(r, end++);
    return end - 1;
  };
  for (const b of ["broker-1", "broker-2", "broker-3"]) {
    apply({ type: "RegisterBroker", broker: b, brokerEpoch: 10, incarnation: 1, logDirs: [] });
    apply({ type: "UnfenceBroker", broker: b });
  }
  const raft = { isLeader: () => true, leader: "controller-1", log: { get endOffset() { return end; } }, get highWatermark() { return end; } } as unknown as RaftNode;
  const ctx = {
    nowUs: 0,
    trace: () => undefined,
    write: (conn: ConnectionId, msg: BrokerHeartbeatResponse) => replies.set(String(conn), msg),
  } as unknown as ActorContext;
  const c: ControllerContext = { ctx, cfg: { brokerSessionTimeoutMs: 9000 } as ControllerConfig, raft, image: () => image, propose: apply, afterCommit: (_o, send) => send() };
  const cluster = new ClusterControlManager(c);
  const leads = new Set(["broker-1", "broker-2", "broker-3"]);
  cluster.replication = { changePartitions: () => undefined, leadsAny: (b: string) => leads.has(b), maybeCreateTopics: () => undefined } as unknown as ReplicationControlManager;
  cluster.becameLeader();
  const heartbeat = (broker: string, metadataOffset: number, wantShutDown: boolean) => {
    cluster.handleHeartbeat(broker, { type: "BrokerHeartbeat", correlationId: 1, broker, brokerEpoch: 10, metadataOffset, wantShutDown }, broker as unknown as ConnectionId);
    return replies.get(broker)!;
  };
  return { heartbeat, leads, end: () => end, image };
}

describe("controlled shutdown: lowestActiveOffset counts only active brokers (BrokerHeartbeatManager)", () => {
  it("does not wait for the shutting-down broker itself nor for another broker in controlled shutdown", () => {
    const h = harness();
    // broker-1 and broker-2 ask to shut down while they lead something: both enter controlled shutdown.
    expect(h.heartbeat("broker-1", 0, true).shouldShutDown).toBe(false);
    expect(h.heartbeat("broker-2", 0, true).shouldShutDown).toBe(false);
    expect(h.image.isShuttingDown("broker-1") && h.image.isShuttingDown("broker-2")).toBe(true);
    // Their leaderships have moved; broker-3, the only active broker, has replayed everything.
    h.leads.clear();
    h.heartbeat("broker-3", h.end(), false);
    // broker-1 (its own offset still the old one) may stop: broker-2 is shutting down, not active.
    const r = h.heartbeat("broker-1", 0, true);
    expect(r.shouldShutDown).toBe(true);
    expect(h.image.brokers.get("broker-1")!.fenced).toBe(true);
  });

  it("still waits for an active broker that has not replayed the moves", () => {
    const h = harness();
    expect(h.heartbeat("broker-1", 0, true).shouldShutDown).toBe(false);
    h.leads.clear();
    h.heartbeat("broker-2", h.end(), false);
    h.heartbeat("broker-3", 0, false);
    expect(h.heartbeat("broker-1", h.end(), true).shouldShutDown).toBe(false);
    h.heartbeat("broker-3", h.end(), false);
    expect(h.heartbeat("broker-1", h.end(), true).shouldShutDown).toBe(true);
  });
});
