import { describe, expect, it } from "vitest";
import type { RecordBatch } from "../../src/kafka/log/recordBatch.js";
import type { FetchResponse, ProduceRequest } from "../../src/kafka/protocol/messages.js";
import { kafkaWireBytes } from "../../src/kafka/protocol/wireSize.js";

// The bytes a NIC carries for a message (capacity model): record batches count their size, on a Produce and on
// every partition of a FetchResponse, so replication and consumption load the brokers' NICs as in Kafka.
const batch = (sizeBytes: number) => ({ sizeBytes }) as RecordBatch;

describe("kafkaWireBytes", () => {
  it("a Produce is its frame, header and request fields, then its batch", () => {
    const req = { type: "Produce", correlationId: 1, acks: -1, timeoutMs: 30000, topic: "t", partition: 0, currentLeaderEpoch: 0, batch: batch(16_000) } satisfies ProduceRequest;
    expect(kafkaWireBytes(req)).toBe(4 + 27 + 28 + 16_000);
  });

  it("a FetchResponse counts the batches of every partition it answers", () => {
    const part = (n: number, sizes: number[]) => ({ topic: "t", partition: n, error: "NONE" as const, highWatermark: 0, logStartOffset: 0, batches: sizes.map(batch) });
    const res: FetchResponse = { type: "FetchResponse", correlationId: 2, partitions: [part(0, [1000, 500]), part(1, []), part(2, [250])] };
    expect(kafkaWireBytes(res)).toBe(4 + 5 + 69 + 1750);
  });

  it("anything else is small and flat; what is not a protocol message too", () => {
    expect(kafkaWireBytes({ type: "Heartbeat", correlationId: 3 })).toBe(100);
    expect(kafkaWireBytes("not a message")).toBe(100);
  });
});
