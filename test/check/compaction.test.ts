import { describe, expect, it } from "vitest";
import { compactedKeyLost, missedTombstone } from "../../src/check/compaction.js";
import { lostAcknowledgedWrites } from "../../src/check/lostWrites.js";
import { compactedReplica, poll, replica, Story } from "../support/history.js";

/** Key a: a1 (0), a2 (2); key b: b1 (1), b's tombstone (3); key c: c1 (4). All acknowledged. */
function changelog(): Story {
  return new Story()
    .send("p", "a1", { key: "a", at: 1, offset: 0 })
    .send("p", "b1", { key: "b", at: 2, offset: 1 })
    .send("p", "a2", { key: "a", at: 3, offset: 2 })
    .send("p", "b!", { key: "b", at: 4, offset: 3, tombstone: true })
    .send("p", "c1", { key: "c", at: 5, offset: 4 });
}

describe("compactedKeyLost", () => {
  it("stays quiet when the cleaner kept the latest value of each key and removed the deleted key and its tombstone", () => {
    const log = compactedReplica("broker-1", [[2, "a", "a2"], [4, "c", "c1"]]);
    expect(compactedKeyLost.run({ history: changelog().history, logs: [log] }, null)).toEqual([]);
    // Superseded a1, b1 and the tombstone past delete.retention.ms were removed on purpose: nothing is lost either.
    expect(lostAcknowledgedWrites.run({ history: changelog().history, logs: [log] }, null)).toEqual([]);
  });

  it("fires when the latest value of a key that was not deleted is gone (only an older one, or none, is left)", () => {
    // The final leader lost a2 (say an acks=1 failover) and c1: a reader from the start sees a1, and no c at all.
    const log = compactedReplica("broker-1", [[0, "a", "a1"], [3, "b", "b!"]], { hw: 5 });
    const found = compactedKeyLost.run({ history: changelog().history, logs: [log] }, null);
    expect(found.map((f) => f.evidence?.key)).toEqual(["a", "c"]);
    expect(found[0].message).toContain("newest record of the key is at offset 0");
  });

  it("does not judge a topic that is not compacted (there lostAcknowledgedWrites reports missing records)", () => {
    const logs = [replica("broker-1", ["a1", "b1"], { leader: true })];
    expect(compactedKeyLost.run({ history: changelog().history, logs }, null)).toEqual([]);
    expect(lostAcknowledgedWrites.run({ history: changelog().history, logs }, null).length).toBeGreaterThan(0);
  });
});

describe("missedTombstone", () => {
  const log = () => compactedReplica("broker-1", [[2, "a", "a2"], [4, "c", "c1"]]);

  it("fires when a reader went past a key's tombstone without seeing it and still holds the deleted key", () => {
    // The reader got b1 at offset 1, then the next record it was given is at 4: b's tombstone at 3 was already gone.
    const s = changelog();
    poll(s, "reader", 6, [[1, "b1"], [2, "a2"]]);
    poll(s, "reader", 7, [[4, "c1"]]);
    const found = missedTombstone.run({ history: s.history, logs: [log()] }, null);
    expect(found).toHaveLength(1);
    expect(found[0].evidence).toMatchObject({ reader: "reader", key: "b", heldOffset: 1, tombstoneOffset: 3, lastOffsetRead: 4 });
    // Placed when it read past the tombstone (the second poll), not when it read the value it still holds.
    const second = s.history.ops.filter((o) => o.f === "poll" && o.type === "ok").at(-1)!;
    expect(found[0].atUs).toBe(second.time);
    expect(found[0].message).toMatch(/read past offset 3 at /);
  });

  it("stays quiet when the reader saw the tombstone, or has not reached it yet", () => {
    const saw = changelog();
    poll(saw, "reader", 6, [[1, "b1"], [2, "a2"], [3, "b!"], [4, "c1"]]);
    expect(missedTombstone.run({ history: saw.history, logs: [log()] }, null)).toEqual([]);
    const behind = changelog();
    poll(behind, "reader", 6, [[1, "b1"], [2, "a2"]]);
    expect(missedTombstone.run({ history: behind.history, logs: [log()] }, null)).toEqual([]);
  });
});

describe("compactedKeyLost: which writes are owed, and what in the log pays them", () => {
  /** A send of `value` for key `key` completed `type` at `at` s, with the completion's extra fields. */
  function rawSend(s: Story, value: string, key: string, at: number, type: "ok" | "fail" | "info", extra: Record<string, unknown>): Story {
    const v = { topic: "t", partition: null, key, value };
    const inv = s.history.invoke(at * 1e6, "p", "send", v);
    s.history.complete(at * 1e6 + 10_000, inv, type, { ...v, partition: 0, ...extra });
    return s;
  }

  it("is owed only acknowledged, keyed, non-transactional sends with an offset: the others are never judged here", () => {
    // The final log holds nothing of key z: each send of it is one the check must not count as owed.
    const s = changelog();
    rawSend(s, "z-acks0", "z", 6, "ok", { offset: -1, acks: "0" }); // acks=0: never acknowledged
    rawSend(s, "z-txn", "z", 7, "ok", { offset: 9, txn: "tx-1" }); // a transaction's fate is its own
    rawSend(s, "z-fail", "z", 8, "fail", { offset: 10 });
    rawSend(s, "z-unknown", "z", 9, "info", {});
    s.send("p", "z-no-offset", { key: "z", at: 10 }); // acknowledged with no offset (-1)
    s.send("p", "keyless", { at: 11, offset: 11 });
    const log = compactedReplica("broker-1", [[2, "a", "a2"], [4, "c", "c1"], [11, "k", "other"]], { hw: 12 });
    expect(compactedKeyLost.run({ history: s.history, logs: [log] }, null)).toEqual([]);
  });

  it("the write owed is the key's highest offset, not its last acknowledgement", () => {
    // Two producers: a@5 acknowledged first, a'@3 later. The compacted log must keep a@5 (the newer record).
    const s = new Story().send("p1", "a@5", { key: "a", at: 1, offset: 5 }).send("p2", "a@3", { key: "a", at: 2, offset: 3 });
    const kept = compactedReplica("broker-1", [[5, "a", "a@5"]]);
    expect(compactedKeyLost.run({ history: s.history, logs: [kept] }, null)).toEqual([]);
    const lostNewest = compactedReplica("broker-1", [[3, "a", "a@3"]], { hw: 6 });
    expect(compactedKeyLost.run({ history: s.history, logs: [lostNewest] }, null).map((f) => f.evidence)).toEqual([
      { partition: "t-0", key: "a", value: "a@5", offset: 5, newestOffsetInLog: 3, broker: "broker-1" },
    ]);
  });

  it("only committed (below the HW), unaborted, keyed records of the final log pay a write", () => {
    const s = new Story().send("p", "a1", { key: "a", at: 1, offset: 0 });
    const at = (records: [number, string, string][], hw: number, aborted: number[] = []) => {
      const log = compactedReplica("broker-1", records, { hw });
      log.records = log.records.map((r) => (aborted.includes(r.offset) ? { ...r, aborted: true } : r));
      return compactedKeyLost.run({ history: s.history, logs: [log] }, null).map((f) => f.evidence?.newestOffsetInLog);
    };
    expect(at([[0, "a", "a1"]], 1)).toEqual([]);
    // A record of the key at the HW itself is not committed.
    expect(at([[0, "a", "a1"], [1, "a", "a-uncommitted"]], 1, [0])).toEqual([null]);
    // An aborted record of the key does not count.
    expect(at([[0, "a", "a1"], [1, "a", "a-aborted"]], 2, [0, 1])).toEqual([null]);
  });

  it("a write at the log start is still owed; one below it was deleted on purpose", () => {
    const s = new Story().send("p", "a1", { key: "a", at: 1, offset: 2 }).send("p", "b1", { key: "b", at: 2, offset: 1 });
    const log = compactedReplica("broker-1", [[3, "c", "c1"]], { logStart: 2, hw: 4 });
    const found = compactedKeyLost.run({ history: s.history, logs: [log] }, null);
    expect(found.map((f) => f.evidence?.key)).toEqual(["a"]);
    expect(found[0].message).toBe("key a of t-0: its latest write a1 (offset 2, acknowledged at 1.010s) is not in the final log on broker-1, which has no record of the key (HW 4, log start 2)");
    expect(found[0].evidence?.newestOffsetInLog).toBeNull();
  });

  it("a write at or above the leader's HW is not owed yet; on an offline partition's replica it is", () => {
    // acks=1: acknowledged at offset 4 while the HW is 4. The judged leader still owes nothing for it.
    const s = new Story().send("p", "a1", { key: "a", at: 1, offset: 4 });
    const led = compactedReplica("broker-1", [[3, "c", "c1"]], { hw: 4 });
    expect(compactedKeyLost.run({ history: s.history, logs: [led] }, null)).toEqual([]);
    const offline = compactedReplica("broker-1", [[3, "c", "c1"]], { hw: 4, leader: false });
    expect(compactedKeyLost.run({ history: s.history, logs: [offline] }, null).map((f) => f.evidence?.key)).toEqual(["a"]);
  });

  it("judges the compacted partitions only, when a run has both kinds", () => {
    const s = new Story().send("p", "a1", { key: "a", at: 1, offset: 0 }).send("p", "x1", { key: "x", tp: ["t", 1], at: 1, offset: 0 });
    const plain = { ...replica("broker-1", ["other"], { tp: ["t", 1], leader: true }), records: [] };
    const logs = [compactedReplica("broker-1", [[0, "a", "a1"]]), plain];
    expect(compactedKeyLost.run({ history: s.history, logs }, null)).toEqual([]);
    expect(missedTombstone.run({ history: s.history, logs }, null)).toEqual([]);
  });
});

describe("missedTombstone: the reader's table, its progress and the key's latest write", () => {
  const log = () => compactedReplica("broker-1", [[2, "a", "a2"], [4, "c", "c1"], [6, "d", "d1"]]);

  it("says exactly what the reader holds and where it went past the tombstone, placed at the first poll past it", () => {
    const s = changelog().send("p", "d1", { key: "d", at: 6, offset: 6 });
    poll(s, "reader", 7, [[1, "b1"], [2, "a2"]]);
    poll(s, "reader", 8, [[4, "c1"]]);
    poll(s, "reader", 9, [[6, "d1"]]);
    const found = missedTombstone.run({ history: s.history, logs: [log()] }, null);
    expect(found.map((f) => [f.atUs, f.message])).toEqual([
      [8e6, "reader still holds key b of t-0 (b1 from offset 1, read at 7.000s): it read past offset 3 at 8.000s (up to 6) without seeing the key's tombstone there, cleaned before it got there (delete.retention.ms)"],
    ]);
  });

  it("a reader rewound to an earlier offset has still read as far as it ever got", () => {
    const s = changelog();
    poll(s, "reader", 6, [[1, "b1"], [2, "a2"], [4, "c1"]]);
    poll(s, "reader", 7, [[0, "a1"]]); // a seek back to the start
    expect(missedTombstone.run({ history: s.history, logs: [log()] }, null).map((f) => f.evidence?.lastOffsetRead)).toEqual([4]);
  });

  it("a tombstone the reader saw deleted the key: a later tombstone of it that it missed costs nothing", () => {
    // b1 (1), b! (3), then b written again and deleted again: b2 (5), b!! (7). The reader saw the first tombstone.
    const s = changelog().send("p", "b2", { key: "b", at: 6, offset: 5 }).send("p", "b!!", { key: "b", at: 7, offset: 7, tombstone: true }).send("p", "e1", { key: "e", at: 8, offset: 8 });
    poll(s, "reader", 9, [[1, "b1"], [3, "b!"], [4, "c1"], [8, "e1"]]);
    expect(missedTombstone.run({ history: s.history, logs: [log()] }, null)).toEqual([]);
  });

  it("a key whose latest write is a value, not a tombstone, is not this check's business", () => {
    // b's tombstone (3) was superseded by b2 (5); the reader holding b1 past 5 is lostWrites' or poll-skip's to judge.
    const s = changelog().send("p", "b2", { key: "b", at: 6, offset: 5 }).send("p", "d1", { key: "d", at: 7, offset: 6 });
    poll(s, "reader", 8, [[1, "b1"], [4, "c1"], [6, "d1"]]);
    expect(missedTombstone.run({ history: s.history, logs: [log()] }, null)).toEqual([]);
  });

  it("a reader of a compacted partition no acknowledged keyed write went to holds nothing owed", () => {
    // x's only send timed out (unknown outcome) but was written; the reader read it. Nothing to judge it by.
    const s = changelog().send("p", "x1", { key: "x", tp: ["t", 1], at: 1, info: "REQUEST_TIMED_OUT" });
    poll(s, "reader", 2, [[0, "x1"]], "t-1");
    const logs = [log(), { ...compactedReplica("broker-1", [[0, "x", "x1"]]), partition: 1 }];
    expect(missedTombstone.run({ history: s.history, logs }, null)).toEqual([]);
  });

  it("stays quiet on a topic that is not compacted", () => {
    const s = changelog();
    poll(s, "reader", 6, [[1, "b1"], [4, "c1"]]);
    expect(missedTombstone.run({ history: s.history, logs: [replica("broker-1", ["a1"], { leader: true })] }, null)).toEqual([]);
  });
});
