import { describe, expect, it } from "vitest";
import { batchFrom, lastOffsetOf, lastSequenceOf, type RecordBatch } from "../../../src/kafka/log/recordBatch.js";
import { runScenario } from "../../../src/runner/run.js";
import { loadScenario } from "../../../src/scenario/load.js";

/**
 * A batch read from an offset inside it (recordBatch.ts `batchFrom`): what a pre-0.11 leader served a follower whose
 * log end fell inside one of its batches after a truncation to the high watermark (each legacy message had its own
 * offset, so a read started at the fetch offset, not at a batch's start).
 */
const batch = (over: Partial<RecordBatch> = {}): RecordBatch => ({
  baseOffset: 10,
  leaderEpoch: 1,
  producerId: 7,
  producerEpoch: 0,
  baseSequence: 100,
  isTransactional: false,
  isControl: false,
  records: ["a", "b", "c", "d"].map((value) => ({ key: null, value })),
  sizeBytes: 400,
  ...over,
});

describe("batchFrom: a batch's records at and above an offset", () => {
  it("keeps the records from the offset, with the base offset and base sequence moved to the first kept", () => {
    const b = batchFrom(batch(), 12);
    expect(b.baseOffset).toBe(12);
    expect(b.records.map((r) => r.value)).toEqual(["c", "d"]);
    expect(b.baseSequence).toBe(102);
    expect(lastOffsetOf(b)).toBe(13);
    expect(lastSequenceOf(b)).toBe(103);
    expect(b.sizeBytes).toBe(200);
  });

  it("a batch without sequences keeps none; sequences wrap past Integer.MAX_VALUE", () => {
    expect(batchFrom(batch({ producerId: -1, producerEpoch: -1, baseSequence: -1 }), 11).baseSequence).toBe(-1);
    expect(batchFrom(batch({ baseSequence: 2147483646 }), 13).baseSequence).toBe(1);
  });

  it("a cleaned batch (sparse offsets) keeps the records at or above the offset and its last offset", () => {
    // Records at offsets 10, 12, 15 of a batch whose last offset is 16.
    const cleaned = batch({ records: batch().records.slice(0, 3), offsetDeltas: [0, 2, 5], lastOffsetDelta: 6 });
    const b = batchFrom(cleaned, 11);
    expect(b.baseOffset).toBe(11);
    expect(b.offsetDeltas).toEqual([1, 4]);
    expect(b.records.map((r) => r.value)).toEqual(["b", "c"]);
    expect(lastOffsetOf(b)).toBe(16);
  });
});

describe("a follower of the pre-KIP-101 protocol (legacyHighWatermarkTruncation) whose log end falls inside a leader's batch", () => {
  it("appends the batch's tail and catches up, keeping its own divergent records below: KIP-101's scenario 2", () => {
    // broker-1 comes back at 50.1 s with 3,959 records as the old leader wrote them; broker-3 leads a log that was
    // truncated to 3,952 and written since, in batches that need not end at 3,959. Before batchFrom the follower
    // stopped at the first batch that straddled its log end and never appended again.
    const r = runScenario(loadScenario("scenarios/kip-101-truncation.yaml"), { seed: 1 });
    expect(r.status).toBe("ok");
    const ledger = r.logs.filter((l) => l.topic === "ledger");
    const leader = ledger.find((l) => l.leader)!;
    const broker1 = ledger.find((l) => l.broker === "broker-1")!;
    expect(broker1.logEndOffset).toBeGreaterThan(20_000);
    expect(leader.logEndOffset - broker1.logEndOffset).toBeLessThan(50);
    // Below the truncation point the logs still differ: nothing in the old protocol finds or repairs it.
    const at = (l: typeof leader, o: number) => l.records.find((x) => x.offset === o)?.value;
    expect([3952, 3953, 3954, 3955, 3956, 3957, 3958].some((o) => at(broker1, o) !== at(leader, o))).toBe(true);
  });
});
