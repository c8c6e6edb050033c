import { describe, expect, it } from "vitest";
import { brokerSettings } from "../../../src/kafka/broker/brokerSettings.js";
import type { ReplicaManager } from "../../../src/kafka/broker/replicaManager.js";
import { BROKER_CONFIG } from "../../../src/kafka/config/brokerConfig.js";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";
import { MetadataImage } from "../../../src/kafka/metadata/metadataImage.js";
import type { PartitionState } from "../../../src/kafka/metadata/records.js";
import type { ErrorName } from "../../../src/kafka/protocol/errors.js";
import type { FetchRequest, FetchResponse } from "../../../src/kafka/protocol/messages.js";
import { fakeContext } from "../../support/fakeContext.js";
import { fetchPartition } from "../../support/partitionHarness.js";
import { newReplicaManager } from "../../support/replicaManagerHarness.js";

// More vectors from Kafka's core/src/test/scala/unit/kafka/server/ReplicaManagerTest.scala (apache/kafka 1eb7644),
// the ones replicaManager.test.ts leaves out: metadata deltas that make the local replica leader, follower or no
// replica (ReplicaManager.applyDelta), with the produce and fetch purgatories they complete, and the produce answers
// of acks=all appends. Run against kafkasim's ReplicaManager (applyPartitionState, appendRecords, handleFetch) through
// test/support/replicaManagerHarness.ts. Shapes adapted:
// - localId 1 is "broker-1", otherId 2 "broker-2"; topic "foo" is "t". topicsCreateDelta(localId, isLeader) is the
//   PartitionRecord replicas = ISR = [1, 2], leader 1 or 2, leader and partition epoch 0; topicsChangeDelta(image,
//   startId, isLeader) the PartitionChangeRecord replicas = ISR = [startId, startId + 1], whose leader change bumps
//   both epochs to 1 as the image applies it. `applyDelta` is applyPartitionState of that state.
// - `sendProducerAppend(rm, tp, 3)` is appendRecords of three records with acks=all and a 10 ms timeout; Kafka's
//   mocked purgatories never time out, so the clock is not moved here either. `fetchPartitionAsFollower` is a
//   Fetch from broker-2 (maxWaitMs and minBytes as the test gives them).
// - `replicaFetcherManager.getFetcher(tp)` is the fetcher thread following "t-0" (its leader), from
//   ReplicaFetcherManager.fetcherThreads; `getPartition(tp) == HostedPartition.None` is rm.partition("t-0") being
//   undefined, and `logManager.getLog(tp) == None` the log's file gone from the disk.
// - Each `enableRemoteStorage` parameterization is the `false` one: kafkasim has no tiered storage.
//
// Not ported, with why: testDeltaFollowerRemovedTopic / testDeltaLeaderToRemovedTopic (topic deletion is not modelled),
// testIllegalRequiredAcks (kafkasim's ProduceRequest types acks as -1 | 0 | 1: a scenario cannot say 3, its loader
// refuses it), testClearProducePurgatoryOnStopReplica (StopReplica is ZooKeeper-era; the KRaft path is
// testDeltaLeaderToNotReplica).

const LOCAL = "broker-1";
const OTHER = "broker-2";

function state(replicas: string[], leader: string, epoch: number): PartitionState {
  return { topic: "t", partition: 0, replicas, isr: replicas, leader, leaderEpoch: epoch, partitionEpoch: epoch };
}
/** topicsCreateDelta(localId, isStartIdLeader). */
const createDelta = (isLocalLeader: boolean) => state([LOCAL, OTHER], isLocalLeader ? LOCAL : OTHER, 0);
/** topicsChangeDelta(image, startId, isStartIdLeader), startId 1 (local) or 2 (other: the local replica is gone). */
const changeDelta = (startId: 1 | 2, isStartIdLeader: boolean) => {
  const replicas = startId === 1 ? [LOCAL, OTHER] : [OTHER, "broker-3"];
  return state(replicas, isStartIdLeader ? replicas[0] : replicas[1], 1);
};

function setup() {
  const f = fakeContext(LOCAL);
  const settings = brokerSettings(BROKER_CONFIG.resolve({}), false);
  let correlationId = 0;
  const rm: ReplicaManager = newReplicaManager(f.ctx, settings, new MetadataImage(), () => ++correlationId);
  const records = (n: number): Omit<RecordBatch, "baseOffset" | "leaderEpoch"> => ({ producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: Array.from({ length: n }, (_, i) => ({ key: null, value: String(i) })), sizeBytes: 100 });
  return {
    ...f,
    rm,
    applyDelta: (st: PartitionState) => rm.applyPartitionState(st),
    partition: () => rm.partition("t-0"),
    /** The leader the fetcher following t-0 fetches from, or null (Kafka's getFetcher(tp) == None). */
    fetcherLeader(): string | null {
      for (const t of rm.replicaFetcherManager.fetcherThreads.values()) if (t.partitionStates.has("t-0")) return t.leader;
      return null;
    },
    /** sendProducerAppend: acks=all; the answer (undefined while it waits). */
    sendProducerAppend(n: number, batch = records(n)): () => ErrorName | undefined {
      const p = rm.partition("t-0");
      let result: ErrorName | undefined;
      if (!p) return () => "NOT_LEADER_OR_FOLLOWER";
      rm.appendRecords(p, batch, -1, 10, -1, "app", (error) => (result = error));
      return () => result;
    },
    /** fetchPartitionAsFollower from broker-2; the partition's answer (undefined while it waits). */
    fetchPartitionAsFollower(fetchOffset: number, o: { minBytes?: number; maxWaitMs?: number } = {}): () => FetchResponse["partitions"][number] | undefined {
      const id = ++correlationId;
      const req: FetchRequest = { type: "Fetch", correlationId: id, replicaId: OTHER, maxWaitMs: o.maxWaitMs ?? 0, minBytes: o.minBytes ?? 1, maxBytes: 10485760, partitions: [fetchPartition(fetchOffset, -1, 0, 2147483647)] };
      rm.handleFetch(req, f.conn(OTHER));
      return () => f.sent.map((s) => s.msg as unknown as FetchResponse).find((m) => m.type === "FetchResponse" && m.correlationId === id)?.partitions[0];
    },
  };
}

describe("ReplicaManagerTest: metadata deltas and the purgatories", () => {
  it("testClearPurgatoryOnBecomingFollower", () => {
    const h = setup();
    // Make this replica the leader (epoch 0), then the follower (epoch 1): the pending acks=all append fails.
    h.applyDelta(state([LOCAL, OTHER], LOCAL, 0));
    const appendResult = h.sendProducerAppend(1);
    expect(appendResult()).toBeUndefined();
    h.applyDelta(state([LOCAL, OTHER], OTHER, 1));
    expect(appendResult()).toBe("NOT_LEADER_OR_FOLLOWER");
  });

  it("testReceiveOutOfOrderSequenceExceptionWithLogStartOffset", () => {
    const h = setup();
    h.applyDelta(state([LOCAL, OTHER], LOCAL, 0));
    const producerId = 234;
    const epoch = 5;
    const idempotent = (sequence: number): Omit<RecordBatch, "baseOffset" | "leaderEpoch"> => ({ producerId, producerEpoch: epoch, baseSequence: sequence, isTransactional: false, isControl: false, records: [{ key: null, value: `message ${sequence}` }], sizeBytes: 100 });
    // Write a few batches; their acks=all answers wait for the follower (Kafka's onFire never runs for them either).
    const numRecords = 3;
    const answers = Array.from({ length: numRecords }, (_, sequence) => h.sendProducerAppend(1, idempotent(sequence)));
    expect(answers.map((a) => a())).toEqual([undefined, undefined, undefined]);
    expect(h.partition()!.log.logStartOffset).toBe(0);
    // A record with an out of range sequence is refused with OUT_OF_ORDER_SEQUENCE_NUMBER at once.
    expect(h.sendProducerAppend(1, idempotent(numRecords + 10))()).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
  });

  it("testDeltaFromLeaderToFollower", () => {
    const h = setup();
    h.applyDelta(createDelta(true));
    const leaderPartition = h.partition()!;
    expect(leaderPartition.role).toBe("leader");
    expect([...leaderPartition.isrState.isr].sort()).toEqual([LOCAL, OTHER]);
    expect(leaderPartition.leaderEpoch).toBe(0);
    expect(h.fetcherLeader()).toBe(null);
    // Send a produce request and advance the high watermark.
    const leaderResponse = h.sendProducerAppend(3);
    h.fetchPartitionAsFollower(3);
    expect(leaderResponse()).toBe("NONE");
    // Change the local replica to follower: an append on a follower fails.
    h.applyDelta(changeDelta(1, false));
    expect(h.sendProducerAppend(3)()).toBe("NOT_LEADER_OR_FOLLOWER");
    const followerPartition = h.partition()!;
    expect(followerPartition.role).toBe("follower");
    expect(followerPartition.leaderEpoch).toBe(1);
    expect(h.fetcherLeader()).toBe(OTHER);
  });

  it("testDeltaFromFollowerToLeader", () => {
    const h = setup();
    h.applyDelta(createDelta(false));
    const followerPartition = h.partition()!;
    expect(followerPartition.role).toBe("follower");
    expect(followerPartition.leaderEpoch).toBe(0);
    expect(h.fetcherLeader()).toBe(OTHER);
    // Append on a follower should fail.
    expect(h.sendProducerAppend(3)()).toBe("NOT_LEADER_OR_FOLLOWER");
    // Change the local replica to leader; send a produce request and advance the high watermark.
    h.applyDelta(changeDelta(1, true));
    const leaderResponse = h.sendProducerAppend(3);
    h.fetchPartitionAsFollower(3);
    expect(leaderResponse()).toBe("NONE");
    const leaderPartition = h.partition()!;
    expect(leaderPartition.role).toBe("leader");
    expect([...leaderPartition.isrState.isr].sort()).toEqual([LOCAL, OTHER]);
    expect(leaderPartition.leaderEpoch).toBe(1);
    expect(h.fetcherLeader()).toBe(null);
  });

  it("testDeltaFollowerWithNoChange", () => {
    const h = setup();
    h.applyDelta(createDelta(false));
    expect(h.partition()!.role).toBe("follower");
    expect(h.partition()!.leaderEpoch).toBe(0);
    expect(h.fetcherLeader()).toBe(OTHER);
    const thread = [...h.rm.replicaFetcherManager.fetcherThreads.values()][0];
    // Apply the same delta again: the state stays the same (and so does the fetcher).
    h.applyDelta(createDelta(false));
    expect(h.partition()!.role).toBe("follower");
    expect(h.partition()!.leaderEpoch).toBe(0);
    expect(h.fetcherLeader()).toBe(OTHER);
    expect([...h.rm.replicaFetcherManager.fetcherThreads.values()][0]).toBe(thread);
  });

  it("testDeltaFollowerToNotReplica", () => {
    const h = setup();
    h.applyDelta(createDelta(false));
    expect(h.partition()!.role).toBe("follower");
    expect(h.partition()!.leaderEpoch).toBe(0);
    expect(h.fetcherLeader()).toBe(OTHER);
    expect(h.fake.disk.names()).toContain("log/t-0");
    // Apply changes that remove the replica: the partition, its fetcher and its log are gone.
    h.applyDelta(changeDelta(2, true));
    expect(h.partition()).toBeUndefined();
    expect(h.fetcherLeader()).toBe(null);
    expect(h.fake.disk.names()).not.toContain("log/t-0");
  });

  it("testDeltaLeaderToNotReplica", () => {
    const h = setup();
    h.applyDelta(createDelta(true));
    expect(h.partition()!.role).toBe("leader");
    expect([...h.partition()!.isrState.isr].sort()).toEqual([LOCAL, OTHER]);
    expect(h.partition()!.leaderEpoch).toBe(0);
    expect(h.fetcherLeader()).toBe(null);
    expect(h.fake.disk.names()).toContain("log/t-0");
    h.applyDelta(changeDelta(2, true));
    expect(h.partition()).toBeUndefined();
    expect(h.fetcherLeader()).toBe(null);
    expect(h.fake.disk.names()).not.toContain("log/t-0");
  });

  it("testDeltaToFollowerCompletesProduce", () => {
    const h = setup();
    h.applyDelta(createDelta(true));
    expect(h.partition()!.role).toBe("leader");
    expect(h.fetcherLeader()).toBe(null);
    const leaderResponse = h.sendProducerAppend(3);
    h.applyDelta(changeDelta(1, false));
    expect(h.partition()!.role).toBe("follower");
    expect(h.partition()!.leaderEpoch).toBe(1);
    // The produce failed because the replica became a follower before replicating it.
    expect(leaderResponse()).toBe("NOT_LEADER_OR_FOLLOWER");
  });

  it("testDeltaToFollowerCompletesFetch", () => {
    const h = setup();
    h.applyDelta(createDelta(true));
    expect(h.partition()!.role).toBe("leader");
    expect(h.fetcherLeader()).toBe(null);
    const fetchCallback = h.fetchPartitionAsFollower(0, { minBytes: 2147483647, maxWaitMs: 1000 });
    expect(fetchCallback()).toBeUndefined();
    h.applyDelta(changeDelta(1, false));
    expect(h.partition()!.role).toBe("follower");
    expect(h.partition()!.leaderEpoch).toBe(1);
    expect(fetchCallback()?.error).toBe("NOT_LEADER_OR_FOLLOWER");
  });
});
