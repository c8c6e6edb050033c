import { describe, expect, it } from "vitest";
import type { CreatePartitionsResponse } from "../../../src/kafka/protocol/configMessages.js";
import { ClusterControlHarness } from "../../support/clusterControlHarness.js";

/**
 * CreatePartitions' placement as ReplicationControlManager.createPartitions does it: the placer chooses from
 * ClusterControlManager.usableBrokers (registered brokers whose controlled shutdown the controller's heartbeat
 * manager is not driving, fenced ones last), its InvalidReplicationFactorException message goes back as it is, and a
 * new partition whose replicas are all fenced or in controlled shutdown (by their registrations) refuses the request.
 */

const b = (id: number) => `broker-${id}`;

/** Brokers 0..n-1 registered and unfenced by heartbeats; topic foo, one partition on brokers 1 and 2 (RF 2). */
function cluster(n: number, rf = 2) {
  const h = new ClusterControlHarness(9000, 0, { brokers: Array.from({ length: n }, (_, i) => b(i)) });
  for (let i = 0; i < n; i++) h.registerUnfenced(b(i));
  const replicas = Array.from({ length: rf }, (_, i) => b(i));
  h.propose({ type: "Topic", name: "foo", partitions: 1, config: {} });
  h.propose({ type: "Partition", state: { topic: "foo", partition: 0, replicas, isr: replicas, leader: replicas[0], leaderEpoch: 0, partitionEpoch: 0 } });
  return h;
}

function createPartitions(h: ClusterControlHarness, count: number): CreatePartitionsResponse {
  h.ctx.takeSent();
  h.replication!.handleCreatePartitions("admin", { type: "CreatePartitions", correlationId: 1, topic: "foo", count }, h.ctx.conn("admin"));
  return h.ctx.takeSent()[0].msg as CreatePartitionsResponse;
}

/** The replicas of the partitions CreatePartitions wrote (partition 1 on). */
const placed = (h: ClusterControlHarness, count: number) => Array.from({ length: count - 1 }, (_, i) => h.image.partition("foo", i + 1)?.replicas);

describe("CreatePartitions: which brokers the placer may choose", () => {
  it("leaves out a broker whose controlled shutdown the controller drives (a heartbeat asked for it)", () => {
    const h = cluster(3);
    // broker-0 leads partition 0: asking to shut down leaves it unfenced and in controlled shutdown.
    const hb = h.heartbeat(b(0), h.logEndOffset, true);
    expect([hb.fenced, hb.inControlledShutdown, hb.response.shouldShutDown]).toEqual([false, true, false]);
    expect(createPartitions(h, 4).error).toBe("NONE");
    expect(placed(h, 4).flat()).not.toContain(b(0));
    expect(placed(h, 4).every((r) => r?.length === 2)).toBe(true);
  });

  it("still places a broker whose registration alone says controlled shutdown (as after a failover), never in the ISR", () => {
    const h = cluster(3);
    h.propose({ type: "BrokerRegistrationChange", broker: b(0), brokerEpoch: h.image.brokers.get(b(0))!.brokerEpoch, inControlledShutdown: true });
    expect(createPartitions(h, 4).error).toBe("NONE");
    expect(placed(h, 4).flat()).toContain(b(0));
    for (let p = 1; p < 4; p++) {
      const state = h.image.partition("foo", p)!;
      expect(state.isr).not.toContain(b(0));
      expect(state.leader).toBe(state.isr[0]);
    }
  });
});

describe("CreatePartitions: the refusals' messages", () => {
  it("the placer's own message, not wrapped as createTopics wraps it: too few brokers once a shutting-down one is left out", () => {
    const h = cluster(3, 3);
    h.heartbeat(b(0), h.logEndOffset, true);
    const res = createPartitions(h, 2);
    expect([res.error, res.errorMessage]).toEqual(["INVALID_REPLICATION_FACTOR", "The target replication factor of 3 cannot be reached because only 2 broker(s) are registered."]);
    expect(h.image.topics.get("foo")!.partitions).toBe(1);
  });

  it("with three brokers and none shutting down, the same request succeeds (the refusal above stays quiet)", () => {
    const h = cluster(3, 3);
    expect(createPartitions(h, 2).error).toBe("NONE");
    expect(placed(h, 2)[0]).toHaveLength(3);
  });

  it("every broker fenced: the placer's \"All brokers are currently fenced.\"", () => {
    const h = cluster(2);
    for (const id of [0, 1]) h.propose({ type: "FenceBroker", broker: b(id) });
    const res = createPartitions(h, 2);
    expect([res.error, res.errorMessage]).toEqual(["INVALID_REPLICATION_FACTOR", "All brokers are currently fenced."]);
  });
});
