import { describe, expect, it } from "vitest";
import { RaftLog, type ValidOffsetAndEpoch } from "../../../src/kafka/controller/raftLog.js";
import { MetadataImage } from "../../../src/kafka/metadata/metadataImage.js";
import { makeSnapshot } from "../../../src/kafka/metadata/metadataSnapshot.js";

// Vectors from Kafka's core/src/test/scala/kafka/raft/KafkaMetadataLogTest.scala, the testValidate* cases: the
// leader's check of a follower's Fetch (ReplicatedLog.validateOffsetAndEpoch), whose DIVERGING answer is what a
// follower truncates by (KIP-595) and whose SNAPSHOT answer sends it to FetchSnapshot (KIP-630). Kafka's result is
// (kind, OffsetAndEpoch); kafkasim's `valid` carries no offset (the fetch's own), `diverging` the (epoch, end offset)
// to truncate to, `snapshot` the snapshot id. Records are RegisterBroker placeholders: only their epochs matter.
// `createNewSnapshot(...).freeze()` is `addSnapshot`, `maybeIncrementLogStartOffset` is `deleteBeforeSnapshot`.

function append(log: RaftLog, numberOfRecords: number, epoch: number): void {
  log.append(Array.from({ length: numberOfRecords }, (_, i) => ({ epoch, record: { type: "RegisterBroker" as const, broker: `b${i}`, brokerEpoch: i, incarnation: 1, logDirs: [] } })));
}
const snapshot = (log: RaftLog, endOffset: number, epoch: number) => log.addSnapshot(makeSnapshot(new MetadataImage(), { endOffset, epoch }, 0));
const diverging = (endOffset: number, epoch: number): ValidOffsetAndEpoch => ({ kind: "diverging", epoch, endOffset });
const snapshotKind = (endOffset: number, epoch: number): ValidOffsetAndEpoch => ({ kind: "snapshot", snapshotId: { endOffset, epoch } });

describe("KafkaMetadataLogTest (validateOffsetAndEpoch)", () => {
  it("testValidateEpochGreaterThanLastKnownEpoch", () => {
    const log = new RaftLog();
    append(log, 1, 1);
    expect(log.validateOffsetAndEpoch(1, 2)).toEqual(diverging(log.endOffset, 1));
  });

  it("testValidateEpochLessThanOldestSnapshotEpoch", () => {
    const log = new RaftLog();
    append(log, 10, 1);
    snapshot(log, 10, 1);
    expect(log.validateOffsetAndEpoch(10, 0)).toEqual(snapshotKind(10, 1));
  });

  it("testValidateOffsetLessThanOldestSnapshotOffset", () => {
    const log = new RaftLog();
    append(log, 2, 1);
    snapshot(log, 2, 1);
    // Simulate log cleaning advancing the LSO
    expect(log.deleteBeforeSnapshot({ endOffset: 2, epoch: 1 })).toBe(true);
    expect(log.validateOffsetAndEpoch(1, 1)).toEqual(snapshotKind(2, 1));
  });

  it("testValidateOffsetEqualToOldestSnapshotOffset", () => {
    const log = new RaftLog();
    append(log, 2, 1);
    snapshot(log, 2, 1);
    expect(log.validateOffsetAndEpoch(2, 1)).toEqual({ kind: "valid" });
  });

  it("testValidateUnknownEpochLessThanLastKnownGreaterThanOldestSnapshot", () => {
    const log = new RaftLog();
    snapshot(log, 10, 1);
    expect(log.truncateToLatestSnapshot()).toBe(true);
    append(log, 5, 1);
    append(log, 5, 2);
    append(log, 5, 4);
    // offset is not equal to oldest snapshot's offset
    expect(log.validateOffsetAndEpoch(100, 3)).toEqual(diverging(20, 2));
  });

  it("testValidateEpochLessThanFirstEpochInLog", () => {
    const log = new RaftLog();
    snapshot(log, 10, 1);
    expect(log.truncateToLatestSnapshot()).toBe(true);
    append(log, 5, 3);
    // offset is not equal to oldest snapshot's offset: diverging at the snapshot id
    expect(log.validateOffsetAndEpoch(100, 2)).toEqual(diverging(10, 1));
  });

  it("testValidateOffsetGreatThanEndOffset", () => {
    const log = new RaftLog();
    append(log, 1, 1);
    expect(log.validateOffsetAndEpoch(2, 1)).toEqual(diverging(log.endOffset, 1));
  });

  it("testValidateOffsetLessThanLEO", () => {
    const log = new RaftLog();
    append(log, 10, 1);
    append(log, 10, 2);
    expect(log.validateOffsetAndEpoch(11, 1)).toEqual(diverging(10, 1));
  });

  it("testValidateValidEpochAndOffset", () => {
    const log = new RaftLog();
    append(log, 5, 1);
    expect(log.validateOffsetAndEpoch(4, 1)).toEqual({ kind: "valid" });
  });
});

// ReplicatedLog.truncateToEndOffset (the follower's side of a DIVERGING answer, KafkaRaftClient.handleFetchResponse).
// Kafka has no unit test of its own for it; these follow its three branches.
describe("ReplicatedLog.truncateToEndOffset", () => {
  it("the follower has the leader's epoch: cuts to the smaller of the two ends of it", () => {
    const log = new RaftLog();
    append(log, 5, 1);
    append(log, 5, 2);
    expect(log.truncateToEndOffset(7, 2)).toBe(7);
    expect(log.endOffset).toBe(7);
    expect(log.truncateToEndOffset(9, 2)).toBe(7); // the leader's end is past the follower's: nothing more
  });

  it("the follower lacks the leader's epoch: cuts to its own end of the largest earlier epoch, whatever the leader's offset", () => {
    // Follower: epoch 1 over [0, 5), epoch 3 over [5, 10). Leader: epoch 1 over [0, 2), epoch 2 over [2, 4).
    const log = new RaftLog();
    append(log, 5, 1);
    append(log, 5, 3);
    // The leader answers (epoch 2, end 4); this log has no epoch 2, so it cuts to its end of epoch 1 (5), not to 4.
    expect(log.truncateToEndOffset(4, 2)).toBe(5);
    expect(log.endOffset).toBe(5);
    // Its next fetch (offset 5, last epoch 1) is answered (epoch 1, end 2): now it has the epoch and cuts to 2.
    expect(log.truncateToEndOffset(2, 1)).toBe(2);
    expect(log.endOffset).toBe(2);
  });

  it("epoch 0: the smaller of the two end offsets", () => {
    const log = new RaftLog();
    append(log, 4, 1);
    expect(log.truncateToEndOffset(2, 0)).toBe(2);
    expect(log.truncateToEndOffset(9, 0)).toBe(2);
  });
});
