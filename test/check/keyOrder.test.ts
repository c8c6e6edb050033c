import { describe, expect, it } from "vitest";
import { keyReordering } from "../../src/check/keyOrder.js";
import { poll, Story } from "../support/history.js";

/** A group member's poll: `records` per topic-partition, completing at `at` seconds. */
function groupPoll(s: Story, process: string, group: string, at: number, records: Record<string, [number, string][]>): Story {
  const inv = s.history.invoke(at * 1e6, process, "poll", { group });
  s.history.complete(at * 1e6, inv, "ok", records);
  return s;
}

const check = (s: Story) => keyReordering.run({ history: s.history, logs: [] }, null);

describe("keyReordering (per-key order across partitions)", () => {
  it("fires when a group delivers a key's newer value, from a new partition, before an older acknowledged one", () => {
    // k1 was written to t-0 (acked at 1.01s); after partitions were added its next write went to t-3 (sent at 5s).
    // Member m2 reads t-3 at 6s; member m1, behind on t-0, delivers the older value only at 7s.
    const s = new Story().send("p", "a", { key: "k1", tp: ["t", 0], at: 1, offset: 10 }).send("p", "b", { key: "k1", tp: ["t", 3], at: 5, offset: 0 });
    groupPoll(s, "m2", "g", 6, { "t-3": [[0, "b"]] });
    groupPoll(s, "m1", "g", 7, { "t-0": [[10, "a"]] });
    const found = check(s);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      jepsenKey: "nonmonotonic-key-poll",
      atUs: 7e6,
      evidence: { reader: "group g", topic: "t", key: "k1", outOfOrder: 1, earlier: { value: "a", partition: 0, offset: 10, consumer: "m1" }, later: { value: "b", partition: 3, offset: 0, consumer: "m2" } },
    });
    expect(found[0].message).toBe("group g delivered key k1 of t out of order: b (t-3 offset 0, sent at 5.000s) at 6.000s by m2, then a (t-0 offset 10, acknowledged earlier, at 1.010s) at 7.000s by m1");
  });

  it("fires within one consumer's poll when the newer value comes first, and counts the key's out-of-order deliveries", () => {
    const s = new Story()
      .send("p", "a1", { key: "k", tp: ["t", 0], at: 1, offset: 0 })
      .send("p", "a2", { key: "k", tp: ["t", 0], at: 2, offset: 1 })
      .send("p", "b", { key: "k", tp: ["t", 1], at: 3, offset: 0 });
    // One poll returns t-1 before t-0: b, then a1 and a2 (both acknowledged before b was sent).
    const inv = s.history.invoke(4e6, "c", "poll", {});
    s.history.complete(4e6, inv, "ok", { "t-1": [[0, "b"]], "t-0": [[0, "a1"], [1, "a2"]] });
    const found = check(s);
    expect(found).toHaveLength(1);
    expect(found[0].evidence).toMatchObject({ reader: "c", outOfOrder: 2, earlier: { value: "a1" }, later: { value: "b" } });
  });

  it("stays quiet when each reader delivers every key in acknowledged order, across partitions and members", () => {
    const s = new Story()
      .send("p", "a", { key: "k1", tp: ["t", 0], at: 1, offset: 0 })
      .send("p", "x", { key: "k2", tp: ["t", 3], at: 1.5, offset: 0 })
      .send("p", "b", { key: "k1", tp: ["t", 3], at: 5, offset: 1 });
    groupPoll(s, "m2", "g", 2, { "t-3": [[0, "x"]] }); // another key's value first: no order between keys
    groupPoll(s, "m1", "g", 3, { "t-0": [[0, "a"]] });
    groupPoll(s, "m2", "g", 6, { "t-3": [[1, "b"]] });
    expect(check(s)).toEqual([]);
  });

  it("stays quiet on concurrent writes (the older one still unacknowledged when the newer was sent)", () => {
    // a was acknowledged at 3s, after b was sent at 2s: the writes overlap, so neither order is a violation.
    const s = new Story().send("p1", "a", { key: "k", tp: ["t", 0], at: 1, ack: 3, offset: 0 }).send("p2", "b", { key: "k", tp: ["t", 1], at: 2, offset: 0 });
    poll(s, "c", 4, [[0, "b"]], "t-1");
    poll(s, "c", 5, [[0, "a"]], "t-0");
    expect(check(s)).toEqual([]);
  });

  it("stays quiet on re-deliveries (only a value's first delivery counts), on different readers, and on keyless or unacknowledged writes", () => {
    const s = new Story()
      .send("p", "a", { key: "k", tp: ["t", 0], at: 1, offset: 0 })
      .send("p", "b", { key: "k", tp: ["t", 0], at: 2, offset: 1 })
      .send("p", "n1", { tp: ["t", 0], at: 3, offset: 2 })
      .send("p", "n2", { tp: ["t", 1], at: 4, offset: 0 })
      .send("p", "f", { key: "k", tp: ["t", 1], at: 1, fail: "NOT_ENOUGH_REPLICAS" });
    // g reads a, b, then (a rebalance rewinds it) a again: a re-read, not a reordering.
    groupPoll(s, "m1", "g", 3, { "t-0": [[0, "a"], [1, "b"]] });
    groupPoll(s, "m2", "g", 4, { "t-0": [[0, "a"]] });
    // Two readers each in order; keyless values in any order.
    groupPoll(s, "m1", "h", 5, { "t-0": [[1, "b"]] });
    poll(s, "c", 6, [[0, "n2"]], "t-1");
    poll(s, "c", 7, [[2, "n1"]], "t-0");
    expect(check(s)).toEqual([]);
  });

  it("two members delivering at the same instant are not ordered; a restarted consumer is a new reader", () => {
    const s = new Story().send("p", "a", { key: "k", tp: ["t", 0], at: 1, offset: 0 }).send("p", "b", { key: "k", tp: ["t", 1], at: 2, offset: 0 });
    groupPoll(s, "m2", "g", 3, { "t-1": [[0, "b"]] });
    groupPoll(s, "m1", "g", 3, { "t-0": [[0, "a"]] });
    expect(check(s)).toEqual([]);
    // Consumer c reads b in its first life; restarted (life 2), it starts afresh and reads a.
    let life = 1;
    s.history.incarnationOf = () => life;
    poll(s, "c", 4, [[0, "b"]], "t-1");
    life = 2;
    poll(s, "c", 5, [[0, "a"]], "t-0");
    expect(check(s)).toEqual([]);
    // Life 2 then reads b after a: in order. In one life, b before a is a reordering.
    poll(s, "c", 6, [[0, "b"]], "t-1");
    expect(check(s)).toEqual([]);
    const t = new Story().send("p", "a", { key: "k", tp: ["t", 0], at: 1, offset: 0 }).send("p", "b", { key: "k", tp: ["t", 1], at: 2, offset: 0 });
    t.history.incarnationOf = () => 2;
    poll(t, "c", 4, [[0, "b"]], "t-1");
    poll(t, "c", 5, [[0, "a"]], "t-0");
    expect(check(t).map((f) => f.evidence!.reader)).toEqual(["c (life 2)"]);
  });
});

describe("keyReordering: which writes order a key, and how a reader's deliveries are lined up", () => {
  it("stays quiet with no keyed acknowledged write at all", () => {
    const s = new Story().send("p", "n", { at: 1, offset: 0 });
    poll(s, "c", 2, [[0, "n"]]);
    expect(check(s)).toEqual([]);
  });

  it("a send with an unknown outcome (info) has no acknowledgement to order by", () => {
    // u timed out at 1.01 s (it was written after all); b was sent at 2 s. Delivering b before u is no violation.
    const s = new Story().send("p", "u", { key: "k", tp: ["t", 0], at: 1, info: "REQUEST_TIMED_OUT" }).send("p", "b", { key: "k", tp: ["t", 1], at: 2, offset: 0 });
    poll(s, "c", 3, [[0, "b"]], "t-1");
    poll(s, "c", 4, [[0, "u"]], "t-0");
    expect(check(s)).toEqual([]);
  });

  it("a write acknowledged at the very instant the other was sent does not precede it (strictly before)", () => {
    const s = new Story().send("p", "a", { key: "k", tp: ["t", 0], at: 1, ack: 2, offset: 0 }).send("p", "b", { key: "k", tp: ["t", 1], at: 2, offset: 0 });
    poll(s, "c", 3, [[0, "b"]], "t-1");
    poll(s, "c", 4, [[0, "a"]], "t-0");
    expect(check(s)).toEqual([]);
  });

  it("polls are lined up by completion time, whatever order the history recorded them in", () => {
    // m1's poll (7 s) is recorded before m2's (6 s): m2 delivered b first, then m1 the older a.
    const s = new Story().send("p", "a", { key: "k", tp: ["t", 0], at: 1, offset: 0 }).send("p", "b", { key: "k", tp: ["t", 1], at: 2, offset: 7 });
    const i1 = s.history.invoke(5e6, "m1", "poll", { group: "g" });
    const i2 = s.history.invoke(5e6, "m2", "poll", { group: "g" });
    s.history.complete(7e6, i1, "ok", { "t-0": [[0, "a"]] });
    s.history.complete(6e6, i2, "ok", { "t-1": [[7, "b"]] });
    const found = check(s);
    expect(found.map((f) => f.evidence)).toEqual([
      {
        reader: "group g",
        topic: "t",
        key: "k",
        outOfOrder: 1,
        earlier: { value: "a", partition: 0, offset: 0, producer: "p", sentAtUs: 1e6, ackedAtUs: 1.01e6, consumer: "m1", deliveredAtUs: 7e6 },
        later: { value: "b", partition: 1, offset: 7, producer: "p", sentAtUs: 2e6, ackedAtUs: (2 + 0.01) * 1e6, consumer: "m2", deliveredAtUs: 6e6 },
      },
    ]);
  });

  it("polls completing at the same instant keep the history's order", () => {
    // One consumer, two polls at 3 s: b's first in the history, so b was delivered before a.
    const s = new Story().send("p", "a", { key: "k", tp: ["t", 0], at: 1, offset: 0 }).send("p", "b", { key: "k", tp: ["t", 1], at: 2, offset: 0 });
    poll(s, "c", 3, [[0, "b"]], "t-1");
    poll(s, "c", 3, [[0, "a"]], "t-0");
    expect(check(s).map((f) => f.evidence?.earlier)).toMatchObject([{ value: "a" }]);
  });

  it("the newest write delivered at an earlier instant is the one a later delivery is compared with", () => {
    // At 6 s m1 delivers x (sent 1 s), m2 b (sent 5 s) and m4 y (sent 1.5 s), at the same instant (not ordered among
    // themselves); at 7 s m3 delivers a, acknowledged at 2.01 s: before b was sent, so a came after a newer value.
    const s = new Story()
      .send("p", "x", { key: "k", tp: ["t", 2], at: 1, offset: 0 })
      .send("p", "y", { key: "k", tp: ["t", 3], at: 1.5, offset: 0 })
      .send("p", "a", { key: "k", tp: ["t", 0], at: 2, offset: 0 })
      .send("p", "b", { key: "k", tp: ["t", 1], at: 5, offset: 0 });
    groupPoll(s, "m1", "g", 6, { "t-2": [[0, "x"]] });
    groupPoll(s, "m2", "g", 6, { "t-1": [[0, "b"]] });
    groupPoll(s, "m4", "g", 6, { "t-3": [[0, "y"]] });
    groupPoll(s, "m3", "g", 7, { "t-0": [[0, "a"]] });
    expect(check(s).map((f) => [f.evidence?.earlier, f.evidence?.later].map((d) => (d as { value: string }).value))).toEqual([["a", "b"]]);
  });

  it("within one consumer's poll, the newest value delivered so far is the witness, not the first", () => {
    // One poll: x (sent 1 s), b (sent 3 s), then a (acknowledged 2.01 s, before b was sent).
    const s = new Story()
      .send("p", "x", { key: "k", tp: ["t", 2], at: 1, offset: 0 })
      .send("p", "a", { key: "k", tp: ["t", 0], at: 2, offset: 0 })
      .send("p", "b", { key: "k", tp: ["t", 1], at: 3, offset: 0 });
    const inv = s.history.invoke(4e6, "c", "poll", {});
    s.history.complete(4e6, inv, "ok", { "t-2": [[0, "x"]], "t-1": [[0, "b"]], "t-0": [[0, "a"]] });
    expect(check(s).map((f) => (f.evidence?.later as { value: string }).value)).toEqual(["b"]);
  });

  it("the message counts the key's out-of-order deliveries, and leaves out an offset the send never learned", () => {
    const s = new Story()
      .send("p", "a1", { key: "k", tp: ["t", 0], at: 1, offset: 0 })
      .send("p", "a2", { key: "k", tp: ["t", 0], at: 2 })
      .send("p", "b", { key: "k", tp: ["t", 1], at: 3, offset: 0 });
    const inv = s.history.invoke(4e6, "c", "poll", {});
    s.history.complete(4e6, inv, "ok", { "t-1": [[0, "b"]], "t-0": [[0, "a1"], [1, "a2"]] });
    const [found] = check(s);
    expect(found.message).toBe("c delivered key k of t out of order: b (t-1 offset 0, sent at 3.000s) at 4.000s by c, then a1 (t-0 offset 0, acknowledged earlier, at 1.010s) at 4.000s by c; 2 of the key's deliveries were out of order");
    const t = new Story().send("p", "a", { key: "k", tp: ["t", 0], at: 1 }).send("p", "b", { key: "k", tp: ["t", 1], at: 2, offset: 0 });
    poll(t, "c", 3, [[0, "b"]], "t-1");
    poll(t, "c", 4, [[0, "a"]], "t-0");
    expect(check(t)[0].message).toContain("then a (t-0, acknowledged earlier");
  });

  it("a consumer in its first life (or with no restarts known) is named plainly", () => {
    const s = new Story().send("p", "a", { key: "k", tp: ["t", 0], at: 1, offset: 0 }).send("p", "b", { key: "k", tp: ["t", 1], at: 2, offset: 0 });
    s.history.incarnationOf = () => 1;
    poll(s, "c", 3, [[0, "b"]], "t-1");
    poll(s, "c", 4, [[0, "a"]], "t-0");
    expect(check(s).map((f) => f.evidence?.reader)).toEqual(["c"]);
  });
});
