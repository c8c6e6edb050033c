import { describe, expect, it } from "vitest";
import { inconsistentOffsets, nonmonotonicPoll, pollSkip } from "../../src/check/consumerCheckers.js";
import { duplicates } from "../../src/check/duplicates.js";
import { logDivergence } from "../../src/check/logDivergence.js";
import { lostAcknowledgedWrites } from "../../src/check/lostWrites.js";
import { reordering } from "../../src/check/reordering.js";
import { replicasOutOfSync } from "../../src/check/replicasOutOfSync.js";
import { unavailability } from "../../src/check/unavailability.js";
import type { FinalReplicaLog } from "../../src/check/input.js";
import { compactedReplica, replica, Story } from "../support/history.js";

describe("lostAcknowledgedWrites", () => {
  it("fires when an acknowledged value is not below the final HW of the leader", () => {
    // a and b were acknowledged; the final leader has only a (b was on the old leader, truncated away).
    const s = new Story().send("p", "a", { at: 1, offset: 0 }).send("p", "b", { at: 2, offset: 1 });
    const found = lostAcknowledgedWrites.run({ history: s.history, logs: [replica("broker-2", ["a"], { leader: true }), replica("broker-1", ["a", "b"], { hw: 1 })] }, null);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain("b");
    expect(found[0].evidence).toMatchObject({ value: "b", partition: "t-0", offset: 1 });
  });

  it("does not count a value still above the final HW (replication in progress) as lost", () => {
    const s = new Story().send("p", "a", { at: 1, offset: 0 });
    expect(lostAcknowledgedWrites.run({ history: s.history, logs: [replica("broker-1", ["a"], { leader: true, hw: 0 })] }, null)).toEqual([]);
  });

  it("stays quiet when every acknowledged value is committed, and ignores failed or unknown sends", () => {
    const s = new Story()
      .send("p", "a", { at: 1, offset: 0 })
      .send("p", "b", { at: 2, fail: "NOT_ENOUGH_REPLICAS" })
      .send("p", "c", { at: 3, info: "REQUEST_TIMED_OUT" });
    expect(lostAcknowledgedWrites.run({ history: s.history, logs: [replica("broker-1", ["a"], { leader: true })] }, null)).toEqual([]);
  });
});

describe("duplicates", () => {
  it("fires when one value sits at two offsets", () => {
    const found = duplicates.run({ history: new Story().history, logs: [replica("broker-1", ["a", "b", "a"], { leader: true })] }, null);
    expect(found).toHaveLength(1);
    expect(found[0].evidence).toMatchObject({ value: "a", offsets: [0, 2] });
  });

  it("stays quiet on a log of distinct values", () => {
    expect(duplicates.run({ history: new Story().history, logs: [replica("broker-1", ["a", "b", "c"], { leader: true })] }, null)).toEqual([]);
  });
});

describe("logDivergence", () => {
  it("fires when two replicas differ below both HWs", () => {
    const found = logDivergence.run({ history: new Story().history, logs: [replica("broker-1", ["a", "b", "c"]), replica("broker-2", ["a", "x", "c"])] }, null);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain("offset 1");
  });

  it("stays quiet when they differ only above the common HW (not yet committed)", () => {
    expect(logDivergence.run({ history: new Story().history, logs: [replica("broker-1", ["a", "b"], { hw: 1 }), replica("broker-2", ["a", "x"])] }, null)).toEqual([]);
  });
});

describe("logDivergence on a compacted topic: replicas must agree on each key's latest state below the common HW", () => {
  const run = (...logs: FinalReplicaLog[]) => logDivergence.run({ history: new Story().history, logs }, null);

  it("fires when a replica that missed a tombstone still holds the key's value the others deleted", () => {
    // k0 = v0 at 0, deleted at 2. broker-1's cleaner removed v0 (superseded) and later the tombstone (past its delete
    // horizon); broker-3 was away while the tombstone lived, came back fetching from 2 and never got it: it keeps v0.
    const leader = compactedReplica("broker-1", [[1, "k1", "v1"], [3, "k2", "v3"]], { hw: 4 });
    const lagged = compactedReplica("broker-3", [[0, "k0", "v0"], [1, "k1", "v1"], [3, "k2", "v3"]], { leader: false });
    const found = run(leader, lagged);
    expect(found).toHaveLength(1);
    expect(found[0].evidence).toMatchObject({ partition: "t-0", key: "k0", replicas: ["broker-1", "broker-3"], live: { broker: "broker-3", offset: 0, value: "v0" }, keys: 1 });
  });

  it("fires when one replica still has the tombstone and the other the value it deleted", () => {
    const a = compactedReplica("broker-1", [[1, "k1", "v1"], [2, "k0", "d!"]]);
    const b = compactedReplica("broker-2", [[0, "k0", "v0"], [1, "k1", "v1"]], { leader: false, hw: 3 });
    expect(run(a, b)).toMatchObject([{ evidence: { key: "k0", live: { broker: "broker-2", value: "v0" }, other: { broker: "broker-1", tombstoneOffset: 2 } } }]);
  });

  it("fires when both hold a live value of the key but at different offsets (one lacks the newer write)", () => {
    const a = compactedReplica("broker-1", [[0, "k0", "v0"], [1, "k1", "v1"]], { hw: 3 });
    const b = compactedReplica("broker-2", [[1, "k1", "v1"], [2, "k0", "v2"]], { leader: false });
    expect(run(a, b)).toHaveLength(1);
  });

  it("stays quiet on ordinary uneven cleaning: superseded values and expired tombstones gone on one replica only", () => {
    // broker-1 has not cleaned yet; broker-2 removed v0 (superseded by v2) and, past its delete horizon, k1's
    // tombstone together with v1. Both say k0 = v2 and k1 deleted.
    const dirty = compactedReplica("broker-1", [[0, "k0", "v0"], [1, "k1", "v1"], [2, "k0", "v2"], [3, "k1", "t!"]]);
    const cleaned = compactedReplica("broker-2", [[2, "k0", "v2"]], { leader: false, hw: 4 });
    expect(run(dirty, cleaned)).toEqual([]);
    expect(run(cleaned, dirty)).toEqual([]);
  });

  it("stays quiet when a replica's cleaner superseded a value with a newer write the other replica has not committed yet", () => {
    // broker-1 (HW 6) cleaned v0 away because of v5 at offset 5; broker-2 is behind (HW 2): it is not divergence.
    const ahead = compactedReplica("broker-1", [[1, "k1", "v1"], [5, "k0", "v5"]]);
    const behind = compactedReplica("broker-2", [[0, "k0", "v0"], [1, "k1", "v1"]], { leader: false });
    expect(run(ahead, behind)).toEqual([]);
  });

  it("stays quiet when retention (compact,delete) removed the value below one replica's log start", () => {
    const retained = compactedReplica("broker-1", [[1, "k1", "v1"]], { logStart: 1, hw: 2 });
    const older = compactedReplica("broker-2", [[0, "k0", "v0"], [1, "k1", "v1"]], { leader: false });
    expect(run(retained, older)).toEqual([]);
  });

  it("stays quiet while a transaction's marker is on one replica only: its records are committed there, still open on the other", () => {
    const committed = compactedReplica("broker-1", [[0, "k0", "v0"], [2, "k0", "v2"]], { hw: 4 });
    const open = compactedReplica("broker-2", [[0, "k0", "v0"], [2, "k0", "v2"]], { leader: false, hw: 3 });
    open.records[1].aborted = "open";
    expect(run(committed, open)).toEqual([]);
    // broker-1's cleaner already removed v0, superseded by the committed v2.
    expect(run(compactedReplica("broker-1", [[2, "k0", "v2"]], { hw: 4 }), open)).toEqual([]);
  });

  it("ignores aborted records, which the cleaner may drop on one replica first", () => {
    const withAborted = compactedReplica("broker-1", [[0, "k0", "v0"], [1, "k1", "v1"]]);
    withAborted.records[0].aborted = true;
    const cleaned = compactedReplica("broker-2", [[1, "k1", "v1"]], { leader: false, hw: 2 });
    expect(run(withAborted, cleaned)).toEqual([]);
  });
});

describe("reordering", () => {
  it("fires when a producer's later send sits at a lower offset of the partition (Jepsen's nonmonotonic-send)", () => {
    // p sent a then b for key k; a retry put a after b in the log.
    const s = new Story().send("p", "a", { key: "k", at: 1 }).send("p", "b", { key: "k", at: 1.001 });
    const found = reordering.run({ history: s.history, logs: [replica("broker-1", ["b", "a"], { leader: true })] }, null);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ jepsenKey: "nonmonotonic-send", evidence: { producer: "p", partition: "t-0", earlier: { value: "a", offset: 1 }, later: { value: "b", offset: 0 } } });
  });

  it("fires across record keys too: Kafka promises a producer's order per partition, not per key", () => {
    const s = new Story().send("p", "a", { key: "k", at: 1 }).send("p", "b", { key: "j", at: 2 });
    expect(reordering.run({ history: s.history, logs: [replica("broker-1", ["b", "a"], { leader: true })] }, null)).toHaveLength(1);
  });

  it("stays quiet when each producer's records keep their send order, interleaved with another producer's", () => {
    const s = new Story().send("p", "a", { key: "k", at: 1 }).send("q", "x", { key: "k", at: 1 }).send("p", "b", { key: "j", at: 2 }).send("p", "c", { key: "k", at: 3 });
    expect(reordering.run({ history: s.history, logs: [replica("broker-1", ["x", "a", "b", "c"], { leader: true })] }, null)).toEqual([]);
  });
});

describe("unavailability", () => {
  it("fires on a gap between acknowledgements longer than maxGap", () => {
    const s = new Story().send("p", "a", { at: 1, offset: 0 }).send("p", "b", { at: 2, ack: 20, offset: 1 });
    const found = unavailability.run({ history: s.history, logs: [] }, 10_000);
    expect(found).toHaveLength(1);
    expect(found[0].evidence).toMatchObject({ partition: "t-0" });
  });

  it("stays quiet when acknowledgements keep coming", () => {
    const s = new Story();
    for (let i = 0; i < 30; i++) s.send("p", `v${i}`, { at: i, offset: i });
    expect(unavailability.run({ history: s.history, logs: [] }, 2_000)).toEqual([]);
  });
});

describe("replicasOutOfSync", () => {
  it("fires when a follower ends behind its leader", () => {
    expect(replicasOutOfSync.run({ history: new Story().history, logs: [replica("broker-1", ["a", "b"], { leader: true }), replica("broker-2", ["a"])] }, null)).toHaveLength(1);
  });

  it("stays quiet when all replicas end at the leader's log end", () => {
    expect(replicasOutOfSync.run({ history: new Story().history, logs: [replica("broker-1", ["a", "b"], { leader: true }), replica("broker-2", ["a", "b"])] }, null)).toEqual([]);
  });

  it("stays quiet when a producer is still writing at the end: the follower lacks only what is above the HW", () => {
    // Regression (issue 12): c was appended on the leader a moment before the run ended; the follower's next fetch
    // would bring it. Below the HW (2) the follower has everything.
    expect(replicasOutOfSync.run({ history: new Story().history, logs: [replica("broker-1", ["a", "b", "c"], { leader: true, hw: 2 }), replica("broker-2", ["a", "b"], { hw: 1 })] }, null)).toEqual([]);
  });

  it("fires when a partition ends without a leader", () => {
    expect(replicasOutOfSync.run({ history: new Story().history, logs: [replica("broker-1", ["a"]), replica("broker-2", ["a"])] }, null)).toMatchObject([{ message: "t-0 has no leader at the end" }]);
  });
});

describe("reordering by acknowledged offsets", () => {
  it("fires when a retried record is acknowledged after a record sent later (its duplicate sits after it)", () => {
    // a (offset 0) was written, its response lost; b was written at 1; a's retry was written again at 2.
    const s = new Story().send("p", "a", { key: "k", at: 1, ack: 3, offset: 2 }).send("p", "b", { key: "k", at: 1.5, ack: 1.6, offset: 1 });
    const found = reordering.run({ history: s.history, logs: [replica("broker-1", ["a", "b", "a"], { leader: true })] }, null);
    expect(found).toHaveLength(1);
  });
});

describe("consumer checks", () => {
  const poll = (h: Story, process: string, at: number, value: Record<string, [number, string][]>) => {
    const inv = h.history.invoke(at * 1e6, process, "poll", null);
    h.history.complete(at * 1e6, inv, "ok", value);
  };

  it("inconsistentOffsets fires when a consumer read a value that the final log holds elsewhere at that offset", () => {
    const s = new Story();
    poll(s, "c", 1, { "t-0": [[0, "a"], [1, "b"]] });
    const found = inconsistentOffsets.run({ history: s.history, logs: [replica("broker-3", ["a", "x"], { leader: true })] }, null);
    expect(found).toHaveLength(1);
    expect(found[0].evidence).toMatchObject({ partition: "t-0", offset: 1 });
  });

  it("inconsistentOffsets stays quiet when acks, polls and the log agree", () => {
    const s = new Story().send("p", "a", { at: 0.5, offset: 0 });
    poll(s, "c", 1, { "t-0": [[0, "a"], [1, "b"]] });
    expect(inconsistentOffsets.run({ history: s.history, logs: [replica("broker-1", ["a", "b"], { leader: true })] }, null)).toEqual([]);
  });

  it("nonmonotonicPoll fires when a consumer reads a partition from an offset it already passed", () => {
    const s = new Story();
    poll(s, "c", 1, { "t-0": [[0, "a"], [1, "b"]] });
    poll(s, "c", 2, { "t-0": [[1, "b"]] });
    expect(nonmonotonicPoll.run({ history: s.history, logs: [] }, null)).toHaveLength(1);
  });

  it("nonmonotonicPoll stays quiet on steady progress, and when a restarted consumer (a new process) reads again", () => {
    const s = new Story();
    poll(s, "c", 1, { "t-0": [[0, "a"]] });
    poll(s, "c", 2, { "t-0": [[1, "b"]], "t-1": [[0, "z"]] });
    // c crashed and came back: its second life starts from where it is told to, as a new process.
    s.history.incarnationOf = () => 2;
    s.history.event(3e6, "c", "assign", { topic: "t", partitions: [0] });
    poll(s, "c", 4, { "t-0": [[0, "a"]] });
    expect(nonmonotonicPoll.run({ history: s.history, logs: [] }, null)).toEqual([]);
  });

  it("nonmonotonicPoll fires after an assign that keeps the partition (assign() keeps its position, as in Jepsen)", () => {
    const s = new Story();
    poll(s, "c", 1, { "t-0": [[0, "a"], [1, "b"]] });
    s.history.event(3e6, "c", "assign", { topic: "t", partitions: [0] });
    poll(s, "c", 4, { "t-0": [[0, "a"]] });
    expect(nonmonotonicPoll.run({ history: s.history, logs: [] }, null)).toMatchObject([{ jepsenKey: "nonmonotonic-poll", evidence: { consumer: "c", partition: "t-0", from: 0, previous: 1 } }]);
  });

  it("pollSkip fires when a consumer jumps over records of the final log", () => {
    const s = new Story();
    poll(s, "c", 1, { "t-0": [[0, "a"]] });
    poll(s, "c", 2, { "t-0": [[3, "d"]] });
    expect(pollSkip.run({ history: s.history, logs: [replica("broker-1", ["a", "b", "c", "d"], { leader: true })] }, null)).toHaveLength(1);
  });

  it("pollSkip stays quiet when consecutive polls are contiguous", () => {
    const s = new Story();
    poll(s, "c", 1, { "t-0": [[0, "a"], [1, "b"]] });
    poll(s, "c", 2, { "t-0": [[2, "c"], [3, "d"]] });
    expect(pollSkip.run({ history: s.history, logs: [replica("broker-1", ["a", "b", "c", "d"], { leader: true })] }, null)).toEqual([]);
  });
});

describe("lostAcknowledgedWrites over a log that answers valueAt (a simulated run's final logs)", () => {
  /** The replica helper's log, answering offsets itself as readFinalLogs' logs do (records still there for a fallback). */
  const withValueAt = (l: ReturnType<typeof replica>) => ({ ...l, valueAt: (o: number) => l.records.find((r) => r.offset === o)?.value });

  it("fires for a value whose offset holds another value and which is nowhere else in the log", () => {
    // b was acknowledged at offset 1; the new leader wrote c there after truncating.
    const s = new Story().send("p", "a", { at: 1, offset: 0 }).send("p", "b", { at: 2, offset: 1 });
    const found = lostAcknowledgedWrites.run({ history: s.history, logs: [withValueAt(replica("broker-2", ["a", "c"], { leader: true }))] }, null);
    expect(found.map((f) => f.evidence?.value)).toEqual(["b"]);
  });

  it("stays quiet for a value found at another offset than acknowledged (it is in the log)", () => {
    const s = new Story().send("p", "a", { at: 1, offset: 0 }).send("p", "b", { at: 2, offset: 5 });
    expect(lostAcknowledgedWrites.run({ history: s.history, logs: [withValueAt(replica("broker-2", ["a", "b"], { leader: true }))] }, null)).toEqual([]);
  });
});

describe("logDivergence on a compacted topic: log start offsets only excuse a value the other replica has no record of", () => {
  const run = (...logs: FinalReplicaLog[]) => logDivergence.run({ history: new Story().history, logs }, null);

  it("fires when the replica behind lacks the key's newer value, even though its stale value lies below the other's log start", () => {
    // k0 = v0 at 0, rewritten v3 at 3. broker-2 (log start 1: retention of compact,delete) has v3 as k0's latest;
    // broker-1 never got v3 — its offset 3 held another record, superseded and cleaned since (k2's v5 at 5) — so it
    // still says k0 = v0. Retention on broker-2 removed offset 0 there, but says nothing about broker-1 lacking v3.
    const stale = compactedReplica("broker-1", [[0, "k0", "v0"], [1, "k1", "v1"], [5, "k2", "v5"]]);
    const newer = compactedReplica("broker-2", [[1, "k1", "v1"], [3, "k0", "v3"], [5, "k2", "v5"]], { logStart: 1, leader: false });
    const found = run(stale, newer);
    expect(found).toHaveLength(1);
    expect(found[0].evidence).toMatchObject({ key: "k0", live: { broker: "broker-1", offset: 0, value: "v0" }, other: { broker: "broker-2", offset: 3, value: "v3" } });
  });

  it("still stays quiet when the other replica has no record of the key at all and retention removed the value there", () => {
    const older = compactedReplica("broker-1", [[0, "k0", "v0"], [1, "k1", "v1"], [2, "k1", "v2"]]);
    const retained = compactedReplica("broker-2", [[2, "k1", "v2"]], { logStart: 2, leader: false });
    expect(run(older, retained)).toEqual([]);
  });
});
