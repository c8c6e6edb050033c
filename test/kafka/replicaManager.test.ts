import { describe, expect, it } from "vitest";
import type { FetchRequest, FetchResponse, FetchResponsePartition } from "../../src/kafka/protocol/messages.js";
import { replicaManagerHarness } from "../support/replicaManagerHarness.js";

describe("ReplicaManager: a follower's fetch (Partition.fetchRecords for a follower)", () => {
  it("answers with the high watermark read before the fetch updated the follower's state, so followers learn the HW one fetch late", () => {
    // broker-1 leads t-0 with followers broker-2 and broker-3. Six records in two batches; both followers have the
    // first batch (their fetch at 3 says so). The second follower's fetch moves the HW to 3, but Kafka's
    // Partition.readRecords reads the HW (initialHighWatermark) before updateFollowerFetchState runs, so the answer
    // carries the HW from before this fetch; the follower learns 3 on its next fetch.
    const h = replicaManagerHarness();
    h.append(["a", "b", "c"]);
    h.append(["d", "e", "f"]);
    const fetch = (replicaId: string, fetchOffset: number): FetchResponsePartition => {
      const req: FetchRequest = { type: "Fetch", correlationId: h.nextCorrelationId(), replicaId, maxWaitMs: 500, minBytes: 1, maxBytes: 10485760, partitions: [{ topic: "t", partition: 0, currentLeaderEpoch: 1, fetchOffset, partitionMaxBytes: 1048576 }] };
      h.rm.handleFetch(req, h.conn(replicaId));
      return (h.last(replicaId, "FetchResponse") as unknown as FetchResponse).partitions[0];
    };
    expect(fetch("broker-2", 3).highWatermark).toBe(0);
    expect(h.p.highWatermark).toBe(0); // broker-3 has not fetched yet
    const third = fetch("broker-3", 3);
    expect(h.p.highWatermark).toBe(3);
    expect(third.batches.map((b) => b.baseOffset)).toEqual([3]);
    expect(third.highWatermark).toBe(0);
    expect(fetch("broker-2", 3).highWatermark).toBe(3);
  });
});
