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
