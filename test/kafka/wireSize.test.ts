import { describe, expect, it } from "vitest";
import type { RecordBatch } from "../../src/kafka/log/recordBatch.js";
import type { FetchResponse, ProduceRequest } from "../../src/kafka/protocol/messages.js";
import { kafkaWireBytes } from "../../src/kafka/protocol/wireSize.js";

// The bytes a NIC carries for a message (capacity model): record batches count their size, on a Produce and on
// every partition of a FetchResponse, so replication and consumption load the brokers' NICs as in Kafka.
const batch = (sizeBytes: number) => ({ sizeBytes }) as RecordBatch;

describe("kafkaWireBytes", () => {
  it("a Produce is its frame, header and request fields, then per topic and per partition its fields and batch", () => {
    const data = (topic: string, partition: number, size: number) => ({ topic, partition, currentLeaderEpoch: -1, batch: batch(size) });
    const one = { type: "Produce", correlationId: 1, acks: -1, timeoutMs: 30000, partitions: [data("t", 0, 16_000)] } satisfies ProduceRequest;
    expect(kafkaWireBytes(one)).toBe(4 + 27 + 28 + 16_000);
    const three = { type: "Produce", correlationId: 1, acks: -1, timeoutMs: 30000, partitions: [data("t", 0, 100), data("t", 1, 200), data("u", 0, 300)] } satisfies ProduceRequest;
    expect(kafkaWireBytes(three)).toBe(4 + 27 + 8 + 2 * 11 + 3 * 9 + 600);
  });

  it("a ProduceResponse is its frame and fields, per topic and per partition", () => {
    const r = (topic: string, partition: number) => ({ topic, partition, error: "NONE" as const, baseOffset: 0 });
    expect(kafkaWireBytes({ type: "ProduceResponse", correlationId: 1, responses: [r("t", 0)] })).toBe(4 + 5 + 51);
    expect(kafkaWireBytes({ type: "ProduceResponse", correlationId: 1, responses: [r("t", 0), r("t", 1)] })).toBe(4 + 5 + 51 + 33);
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
