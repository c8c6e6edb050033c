import { describe, expect, it } from "vitest";
import { stampedBatch } from "../../../src/kafka/log/packedRecordBatch.js";
import { lastOffsetOf, recordCountOf, recordValueAt } from "../../../src/kafka/log/recordBatch.js";
import { isRunBatch, RunRecordBatch, sendTimeUsAt } from "../../../src/kafka/log/runRecordBatch.js";

/**
 * A perf-test producer's batch held as runs of numbered, keyless, equally padded records (issue 17 item 6): what it
 * gives back must be exactly the records a per-record producer with the same values would have written
 * (`ProducerPerformance` sends keyless records of `--record-size` bytes).
 */

/** Two runs: values app-10 … app-12 sent from 1000 µs every 250 µs, then app-20, app-21 from 5000 µs every 100 µs. */
function twoRuns(valueSize = 8): RunRecordBatch {
  return new RunRecordBatch(0, 0, 4, 1, 30, false, 500, 0, [
    { firstN: 10, count: 3, firstSendUs: 1000, intervalUs: 250 },
    { firstN: 20, count: 2, firstSendUs: 5000, intervalUs: 100 },
  ], 5, "app-", valueSize, "lz4");
}

describe("RunRecordBatch", () => {
  it("builds its records in offset order from its runs, each value padded up to the workload's value size", () => {
    // A value shorter than --record-size is padded (KafkaRecord.padBytes): app-10 is 6 bytes of 8.
    expect(twoRuns().records).toEqual([
      { key: null, value: "app-10", padBytes: 2 },
      { key: null, value: "app-11", padBytes: 2 },
      { key: null, value: "app-12", padBytes: 2 },
      { key: null, value: "app-20", padBytes: 2 },
      { key: null, value: "app-21", padBytes: 2 },
    ]);
  });

  it("a value as long as the value size, or longer, carries no padBytes at all", () => {
    expect(twoRuns(6).records[0]).toStrictEqual({ key: null, value: "app-10" });
    expect(twoRuns(3).records[4]).toStrictEqual({ key: null, value: "app-21" });
  });

  it("reads a record's value, and counts them, without building the records", () => {
    const b = twoRuns();
    expect([0, 1, 2, 3, 4].map((i) => b.valueAt(i))).toEqual(["app-10", "app-11", "app-12", "app-20", "app-21"]);
    expect(recordCountOf(b)).toBe(5);
    expect(recordValueAt(b, 3)).toBe("app-20");
    expect(() => b.valueAt(5)).toThrow(RangeError);
    // The message names the index asked for, not what is left of it after the runs were walked.
    expect(() => b.valueAt(7)).toThrow("record 7 past the batch's 5 records");
  });

  it("each record's send time is its run's first send time plus its place in the run times the interval (µs)", () => {
    const [first, second] = twoRuns().runs;
    expect([0, 1, 2].map((i) => sendTimeUsAt(first, i))).toEqual([1000, 1250, 1500]);
    expect(sendTimeUsAt(second, 1)).toBe(5100);
  });

  it("the leader's stamp sets the base offset, the leader epoch and the append time, and keeps everything else", () => {
    // UnifiedLog.appendAsLeader assigns offsets and the partition leader epoch; the producer's fields stay.
    const b = twoRuns();
    const s = stampedBatch(b, 100, 7, 42);
    expect(isRunBatch(s)).toBe(true);
    expect(s).not.toBe(b);
    expect([s.baseOffset, s.leaderEpoch, s.maxTimestampMs, s.producerId, s.producerEpoch, s.baseSequence, s.isTransactional, s.sizeBytes, s.compression, s.isControl]).toEqual([100, 7, 42, 4, 1, 30, false, 500, "lz4", false]);
    expect((s as RunRecordBatch).runs).toBe(b.runs);
    expect(s.records).toEqual(b.records);
    expect(lastOffsetOf(s)).toBe(104);
  });

  it("isRunBatch tells a run batch from a plain or packed one", () => {
    expect(isRunBatch(twoRuns())).toBe(true);
    expect(isRunBatch({ records: [] })).toBe(false);
  });
});
