import { describe, expect, it } from "vitest";
import { PartitionRecorder } from "../../../src/report/recorder/partitionLanes.js";
import type { Moment } from "../../../src/report/recorder/moments.js";
import type { TraceRecord } from "../../../src/sim/index.js";

/**
 * The partition lane's derived LSO (src/report/recorder/partitionLanes.ts), followed from the acting leader's trace
 * as ProducerStateManager.firstUnstableOffset computes it: a transaction its marker ended still holds the LSO until
 * a `partition.hw` passes the marker (unreplicatedTxns, onHighWatermarkUpdated).
 */
describe("the partition lane's last stable offset", () => {
  const rec = (t: number, type: string, data: Record<string, unknown>): TraceRecord => ({ t, actor: "broker-1", type, data: { tp: "t-0", ...data } });

  function lane(records: TraceRecord[]) {
    const r = new PartitionRecorder([] as Moment[], 1);
    for (const x of records) r.observe(x);
    return r.lanes()[0].lastStableOffset;
  }

  const start = [
    rec(0, "partition.become-leader", { leaderEpoch: 1, isr: ["broker-1", "broker-2"], logEndOffset: 0, highWatermark: 0 }),
    rec(10, "partition.append", { baseOffset: 0, lastOffset: 1, producerId: 7, transactional: true }),
    rec(20, "partition.hw", { highWatermark: 2 }),
    rec(30, "partition.marker", { baseOffset: 2, lastOffset: 2, producerId: 7, marker: "COMMIT" }),
  ];

  it("stays at the transaction's first offset after its marker, while the HW is not past the marker", () => {
    expect(lane(start).last).toBe(0);
  });

  it("moves to the HW once the HW passes the marker", () => {
    expect(lane([...start, rec(40, "partition.hw", { highWatermark: 3 })]).last).toBe(3);
  });
});
