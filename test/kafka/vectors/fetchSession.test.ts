// Vectors from Kafka's core/src/test/scala/unit/kafka/server/FetchSessionTest.scala (apache/kafka 1eb7644): the
// order in which a fetch session iterates its partitions (`assertPartitionsOrder` / `context.foreachPartition`), which
// is the order ReplicaManager reads them in. kafkasim keeps that order at the fetcher (src/kafka/protocol/
// fetchSessionOrder.ts, see its header): `readOrder(keys)` is a Fetch of `keys` (the partitions the fetcher wants,
// in its request's order; a partition left out is a forgotten one) and answers the session's iteration order as
// indices into `keys`; `moveToEnd(keys)` is the response's partitions that carried records
// (IncrementalFetchContext's PartitionIterator with updateFetchContextAndRemoveUnselected).
//
// Not ported, with why: session ids, epochs, the session cache and its eviction (kafkasim keeps no session at the
// broker), topic ids, and which partitions an incremental response leaves out (kafkasim's responses carry every
// partition).
import { describe, expect, it } from "vitest";
import { FetchSessionOrder } from "../../../src/kafka/protocol/fetchSessionOrder.js";

/** The session's partitions in iteration order after a Fetch of `keys`. */
function iterate(session: FetchSessionOrder, keys: string[]): string[] {
  return session.readOrder(keys).map((i) => keys[i]);
}

describe("FetchSessionTest", () => {
  it("testDeprioritizesPartitionsWithRecordsOnly: only the partition that returned records moves to the end", () => {
    const session = new FetchSessionOrder();
    const req = ["foo-1", "bar-2", "zar-3"];
    // Full fetch: the session holds the partitions in the request's order; no response carried records.
    expect(iterate(session, req)).toEqual(["foo-1", "bar-2", "zar-3"]);
    session.moveToEnd([]);
    // "Partitions are ordered in the session as per last response"
    expect(iterate(session, req)).toEqual(["foo-1", "bar-2", "zar-3"]);
    // The empty response (resp2) changes nothing; resp3 gives bar-2 records, foo-1 only a new HW.
    session.moveToEnd([]);
    session.moveToEnd(["bar-2"]);
    expect(iterate(session, req)).toEqual(["foo-1", "zar-3", "bar-2"]);
  });

  it("testIncrementalFetchSession: foo-0 forgotten and bar-0 added iterate as foo-1, bar-0", () => {
    const session = new FetchSessionOrder();
    expect(iterate(session, ["foo-0", "foo-1"])).toEqual(["foo-0", "foo-1"]);
    expect(iterate(session, ["foo-1", "bar-0"])).toEqual(["foo-1", "bar-0"]);
  });
});
