import { describe, expect, it } from "vitest";
import { encodeOffsets, offsetsPartitionFor, replayOffsets } from "../../src/kafka/coordinator/offsetLog.js";
import type { RecordBatch } from "../../src/kafka/log/recordBatch.js";

let next = 0;
function offsets(group: string, offset: number, producerId = -1): RecordBatch {
  return { baseOffset: next++, leaderEpoch: 0, producerId, producerEpoch: producerId < 0 ? -1 : 0, baseSequence: -1, isTransactional: producerId >= 0, isControl: false, records: [{ key: group, value: encodeOffsets([{ topic: "in", partition: 0, offset }]) }], sizeBytes: 100 };
}
function marker(producerId: number, commit: boolean): RecordBatch {
  return { baseOffset: next++, leaderEpoch: 0, producerId, producerEpoch: 0, baseSequence: -1, isTransactional: true, isControl: true, records: [{ key: commit ? "COMMIT" : "ABORT", value: "0" }], sizeBytes: 50 };
}
const committed = (batches: RecordBatch[], hw = Infinity) => replayOffsets(batches, hw).committed.get("g")?.get("in-0")?.offset;

describe("__consumer_offsets replay (GroupMetadataManager's pending transactional offsets)", () => {
  it("a plain commit applies at once; a transactional one only with its producer's COMMIT marker", () => {
    expect(committed([offsets("g", 5)])).toBe(5);
    expect(committed([offsets("g", 5), offsets("g", 9, 7)])).toBe(5);
    expect(replayOffsets([offsets("g", 5), offsets("g", 9, 7)], Infinity).pending.get(7)?.has("g")).toBe(true);
    expect(committed([offsets("g", 5), offsets("g", 9, 7), marker(7, true)])).toBe(9);
  });

  it("an ABORT marker drops the transaction's offsets", () => {
    expect(committed([offsets("g", 5), offsets("g", 9, 7), marker(7, false)])).toBe(5);
  });

  it("two commits in one transaction: the later wins", () => {
    expect(committed([offsets("g", 9, 7), offsets("g", 10, 7), marker(7, true)])).toBe(10);
  });

  it("nothing at or above the high watermark is visible", () => {
    const batches = [offsets("g", 5), offsets("g", 9, 7), marker(7, true)];
    expect(committed(batches, batches[2].baseOffset)).toBe(5);
  });

  it("a group's partition is Utils.abs(groupId.hashCode) % partitions, as in Java", () => {
    // Java: "test-group".hashCode() == 627841412, "g1".hashCode() == 3242, "payments-app".hashCode() == -480600191.
    expect(offsetsPartitionFor("test-group", 50)).toBe(627841412 % 50);
    expect(offsetsPartitionFor("g1", 50)).toBe(3242 % 50);
    expect(offsetsPartitionFor("payments-app", 50)).toBe(480600191 % 50);
  });
});
