import { describe, expect, it } from "vitest";
import { committedPartitions, judgedReplicas } from "../../src/check/committedView.js";
import { inconsistentOffsets, nonmonotonicPoll, pollSkip } from "../../src/check/consumerCheckers.js";
import { duplicates } from "../../src/check/duplicates.js";
import { errorNotSeen, errorSeen } from "../../src/check/errorCheckers.js";
import { failedSends } from "../../src/check/failedSends.js";
import type { FinalReplicaLog } from "../../src/check/input.js";
import { leaderless, METADATA_MONITOR } from "../../src/check/leaderless.js";
import { logDivergence } from "../../src/check/logDivergence.js";
import { lostAcknowledgedWrites } from "../../src/check/lostWrites.js";
import { reordering } from "../../src/check/reordering.js";
import { replicasOutOfSync } from "../../src/check/replicasOutOfSync.js";
import { unavailability } from "../../src/check/unavailability.js";
import { unconfirmedSends } from "../../src/check/unconfirmedSends.js";
import type { SendValue } from "../../src/workload/history.js";
import { compactedReplica, poll, replica, Story } from "../support/history.js";

/**
 * What each checker reports, word for word: a finding's message, moment and evidence are what a user reads to find
 * the anomaly in the trace, so they are pinned here along with when each checker fires and when it stays quiet.
 */

/** An acks=0 send: the client completes it at once, with no offset (-1, as Kafka's RecordMetadata does). */
function acks0(s: Story, process: string, value: string, atS: number, opts: { tp?: [string, number]; type?: "ok" | "fail" } = {}): Story {
  const [topic, partition] = opts.tp ?? ["t", 0];
  const v: SendValue = { topic, partition: null, key: null, value, acks: "0" };
  const inv = s.history.invoke(atS * 1e6, process, "send", v);
  s.history.complete(atS * 1e6, inv, opts.type ?? "ok", { ...v, partition, offset: -1 }, opts.type === "fail" ? "NETWORK_EXCEPTION" : undefined);
  return s;
}

describe("committed view: which replica a partition is judged by at the end", () => {
  it("judges a partition by its leader, whichever order the replicas are listed in", () => {
    const follower = replica("broker-1", ["a", "b", "c"]);
    const leader = replica("broker-2", ["a"], { leader: true });
    expect(judgedReplicas([follower, leader]).get("t-0")).toEqual({ replica: leader, offline: false });
    expect(judgedReplicas([leader, follower]).get("t-0")).toEqual({ replica: leader, offline: false });
  });

  it("judges an offline partition (no leader) by the first replica with the highest HW", () => {
    const low = replica("broker-1", ["a"], { hw: 1 });
    const high = replica("broker-2", ["a", "b"], { hw: 2 });
    const tie = replica("broker-3", ["a", "x"], { hw: 2 });
    expect(judgedReplicas([low, high, tie]).get("t-0")).toEqual({ replica: high, offline: true });
    expect(judgedReplicas([high, low]).get("t-0")).toEqual({ replica: high, offline: true });
  });

  it("what a consumer would read is the judged replica's records below its HW; a value's offsets there are listed in order", () => {
    const view = committedPartitions([replica("broker-1", ["a", "b", "a", "c"], { leader: true, hw: 3 })]).get("t-0")!;
    expect(view.records.map((r) => r.offset)).toEqual([0, 1, 2]);
    expect(view.offsetsOf.get("a")).toEqual([0, 2]);
    expect(view.offsetsOf.get("b")).toEqual([1]);
    expect(view.offsetsOf.has("c")).toBe(false);
    expect([...view.inLog].sort()).toEqual(["a", "b", "c"]);
    expect(view).toMatchObject({ topic: "t", partition: 0, broker: "broker-1", offline: false, highWatermark: 3, logStartOffset: 0 });
  });
});

describe("lostAcknowledgedWrites: what counts as lost", () => {
  it("reports the first op of the history too: a lost write acknowledged before anything else happened", () => {
    const s = new Story().send("p", "a", { at: 1, offset: 0 });
    expect(lostAcknowledgedWrites.run({ history: s.history, logs: [replica("broker-1", [], { leader: true })] }, null).map((f) => f.evidence?.value)).toEqual(["a"]);
  });

  it("states value, key, moment, offset, the judged replica and its HW; a write never read by anyone is Jepsen's `unseen`", () => {
    const s = new Story().send("p", "a", { key: "k", at: 1, offset: 0 });
    const found = lostAcknowledgedWrites.run({ history: s.history, logs: [replica("broker-2", [], { leader: true })] }, null);
    expect(found).toEqual([
      {
        message: "a (key k) acknowledged at 1.010s at t-0 offset 0 is not in the final log of t-0 on broker-2 (HW 0)",
        atUs: 1_010_000,
        jepsenKey: "unseen",
        evidence: { value: "a", key: "k", partition: "t-0", offset: 0, invokedAt: 1_000_000, ackedAt: 1_010_000, finalHighWatermark: 0 },
      },
    ]);
  });

  it("files a write as Jepsen's `lost-write` when a later write of its partition was read and it never was", () => {
    const s = new Story().send("p", "a", { at: 1, offset: 0 }).send("p", "b", { at: 2, offset: 1 });
    poll(s, "c", 3, [[1, "b"]]);
    const found = lostAcknowledgedWrites.run({ history: s.history, logs: [replica("broker-1", ["x", "b"], { leader: true })] }, null);
    expect(found.map((f) => [f.evidence?.value, f.jepsenKey])).toEqual([["a", "lost-write"]]);
  });

  it("says so when a consumer had read the write before it vanished (no Jepsen key: Jepsen has no final log)", () => {
    const s = new Story().send("p", "a", { at: 1, offset: 0 });
    poll(s, "c", 2, [[0, "a"]]);
    const found = lostAcknowledgedWrites.run({ history: s.history, logs: [replica("broker-1", ["x"], { leader: true })] }, null);
    expect(found).toHaveLength(1);
    expect(found[0].jepsenKey).toBeUndefined();
    expect(found[0].message).toBe("a (key null) acknowledged at 1.010s at t-0 offset 0 is not in the final log of t-0 on broker-1 (HW 1) (a consumer had read it before it vanished)");
  });

  it("reports a write to a partition no replica holds at the end (no replica), and says when the judged partition ended offline", () => {
    const s = new Story().send("p", "a", { at: 1, offset: 0, tp: ["u", 0] }).send("p", "b", { at: 2, offset: 0 });
    const found = lostAcknowledgedWrites.run({ history: s.history, logs: [replica("broker-1", [], { hw: 0 })] }, null);
    expect(found.map((f) => f.message)).toEqual([
      "a (key null) acknowledged at 1.010s at u-0 offset 0 is not in the final log of u-0 (no replica)",
      "b (key null) acknowledged at 2.010s at t-0 offset 0 is not in the final log of t-0 on broker-1 (HW 0, partition offline at the end)",
    ]);
    expect(found[0].evidence?.finalHighWatermark).toBeUndefined();
  });

  it("does not count acks=0 sends (never acknowledged), failed sends, or ops that are not sends", () => {
    const s = acks0(new Story(), "p", "z", 1);
    const inv = s.history.invoke(2e6, "c", "poll", {});
    s.history.complete(2.5e6, inv, "ok", { "t-0": [] });
    s.send("p", "f", { at: 3, fail: "NOT_ENOUGH_REPLICAS" });
    expect(lostAcknowledgedWrites.run({ history: s.history, logs: [replica("broker-1", [], { leader: true })] }, null)).toEqual([]);
  });

  it("does not count an acks=0 send even to a partition no replica holds at the end (it was never acknowledged)", () => {
    const s = acks0(new Story(), "p", "z", 1, { tp: ["u", 0] });
    expect(lostAcknowledgedWrites.run({ history: s.history, logs: [] }, null)).toEqual([]);
  });

  it("judges only a client's completed send, not a send recorded as a lone observation without an invocation", () => {
    const s = new Story();
    s.history.event(1e6, "p", "send", { topic: "t", partition: 0, key: null, value: "a", offset: 0 });
    expect(lostAcknowledgedWrites.run({ history: s.history, logs: [replica("broker-1", [], { leader: true })] }, null)).toEqual([]);
  });

  it("does not count a record below the final log start offset: retention or DeleteRecords removed it on purpose", () => {
    const s = new Story().send("p", "a", { at: 1, offset: 1 }).send("p", "b", { at: 2, offset: 2 });
    const log = { ...replica("broker-1", [], { leader: true }), logStartOffset: 2, logEndOffset: 3, highWatermark: 3 };
    expect(lostAcknowledgedWrites.run({ history: s.history, logs: [log] }, null).map((f) => f.evidence?.value)).toEqual(["b"]);
  });

  it("finds an acknowledged value at its offset through the log's valueAt, without building the log's records", () => {
    const s = new Story().send("p", "a", { at: 1, offset: 0 });
    const log: FinalReplicaLog = {
      ...replica("broker-1", ["a"], { leader: true }),
      valueAt: (o) => (o === 0 ? "a" : undefined),
      get records(): never {
        throw new Error("records built");
      },
    };
    expect(lostAcknowledgedWrites.run({ history: s.history, logs: [log] }, null)).toEqual([]);
  });

  it("on a compacted topic, a superseded value and a tombstone were cleaned on purpose; the latest value of a key, or a keyless one, was lost", () => {
    const s = new Story()
      .send("p", "a1", { key: "a", at: 1, offset: 0 })
      .send("p", "a2", { key: "a", at: 2, offset: 1 })
      .send("p", "b!", { key: "b", at: 3, offset: 2, tombstone: true })
      .send("p", "n", { at: 4, offset: 3 })
      .send("p", "c1", { key: "c", at: 5, offset: 4 });
    const log = compactedReplica("broker-1", [[1, "a", "a2"]], { hw: 5 });
    expect(lostAcknowledgedWrites.run({ history: s.history, logs: [log] }, null).map((f) => f.evidence?.value)).toEqual(["n", "c1"]);
  });

  it("on a compacted topic, a lost transactional write is judged even when its partition has no other keyed write (its fate is not the compaction's)", () => {
    const s = new Story();
    const v: SendValue = { topic: "t", partition: 0, key: "k", value: "tx1", txn: "app-1-0-1" };
    s.history.complete(1.5e6, s.history.invoke(1e6, "app-1", "send", v), "ok", { ...v, offset: 0 });
    const log = compactedReplica("broker-1", [], { hw: 2 });
    expect(lostAcknowledgedWrites.run({ history: s.history, logs: [log] }, null).map((f) => f.evidence?.value)).toEqual(["tx1"]);
  });

  it("on a topic that is not compacted, a missing tombstone or superseded value is a loss like any other", () => {
    const s = new Story().send("p", "a1", { key: "a", at: 1, offset: 0 }).send("p", "b!", { key: "b", at: 2, offset: 1, tombstone: true }).send("p", "a2", { key: "a", at: 3, offset: 2 });
    const log = replica("broker-1", ["x", "y", "a2"], { leader: true });
    expect(lostAcknowledgedWrites.run({ history: s.history, logs: [log] }, null).map((f) => f.evidence?.value)).toEqual(["a1", "b!"]);
  });
});

describe("duplicates, inconsistentOffsets, pollSkip: the finding's words", () => {
  it("duplicates names the value, how often and where", () => {
    expect(duplicates.run({ history: new Story().history, logs: [replica("broker-1", ["a", "b", "a"], { leader: true })] }, null)).toEqual([
      { message: "a appears 2 times in t-0, at offsets 0, 2", jepsenKey: "duplicate", evidence: { partition: "t-0", value: "a", offsets: [0, 2] } },
    ]);
  });

  it("inconsistentOffsets names the offset and both values", () => {
    const s = poll(new Story(), "c", 1, [[0, "a"], [1, "b"]]);
    expect(inconsistentOffsets.run({ history: s.history, logs: [replica("broker-1", ["a", "x"], { leader: true })] }, null)).toEqual([
      { message: "t-0 offset 1 holds different values: b vs x", jepsenKey: "inconsistent-offsets", evidence: { partition: "t-0", offset: 1, values: ["b", "x"] } },
    ]);
  });

  it("pollSkip lists up to four skipped offsets, and the first…last of more", () => {
    const values = ["a", "b", "c", "d", "e", "f", "g"];
    const log = [replica("broker-1", values, { leader: true })];
    const four = poll(poll(new Story(), "c", 1, [[0, "a"]]), "c", 2, [[5, "f"]]);
    expect(pollSkip.run({ history: four.history, logs: log }, null)).toEqual([
      {
        message: "c jumped over 4 record(s) of t-0 (offsets 1, 2, 3, 4) between its poll at 1.000s and its poll at 2.000s",
        atUs: 2_000_000,
        jepsenKey: "poll-skip",
        evidence: { consumer: "c", partition: "t-0", skipped: 4, skippedOffsets: [1, 2, 3, 4] },
      },
    ]);
    const five = poll(poll(new Story(), "c", 1, [[0, "a"]]), "c", 2, [[6, "g"]]);
    expect(pollSkip.run({ history: five.history, logs: log }, null)[0].message).toBe("c jumped over 5 record(s) of t-0 (offsets 1…5) between its poll at 1.000s and its poll at 2.000s");
  });
});

describe("failedSends", () => {
  const story = () =>
    new Story()
      .send("p", "a", { at: 1, offset: 0 })
      .send("p", "b", { at: 2, ack: 2.5, fail: "NOT_ENOUGH_REPLICAS" })
      .send("p", "c", { at: 3, ack: 3.5, info: "DELIVERY_TIMEOUT", tp: ["u", 2] });

  it("fires for every send that failed or ended with unknown outcome, naming the error", () => {
    expect(failedSends.run({ history: story().history, logs: [] }, null)).toEqual([
      { message: "b to t-0 failed at 2.500s: NOT_ENOUGH_REPLICAS", atUs: 2_500_000, evidence: { value: "b", error: "NOT_ENOUGH_REPLICAS", outcome: "fail" } },
      { message: "c to u-2 ended with unknown outcome at 3.500s: DELIVERY_TIMEOUT", atUs: 3_500_000, evidence: { value: "c", error: "DELIVERY_TIMEOUT", outcome: "info" } },
    ]);
  });

  it("with an error name, fires only for sends that failed with it", () => {
    expect(failedSends.run({ history: story().history, logs: [] }, "DELIVERY_TIMEOUT").map((f) => f.evidence?.value)).toEqual(["c"]);
  });

  it("stays quiet when every send was acknowledged", () => {
    expect(failedSends.run({ history: new Story().send("p", "a", { at: 1, offset: 0 }).history, logs: [] }, null)).toEqual([]);
  });

  it("shows ? for a partition the failed send was never assigned", () => {
    const s = new Story();
    const v: SendValue = { topic: "t", partition: null, key: null, value: "x" };
    s.history.complete(2e6, s.history.invoke(1e6, "p", "send", v), "fail", v, "TOPIC_AUTHORIZATION_FAILED");
    expect(failedSends.run({ history: s.history, logs: [] }, null)[0].message).toBe("x to t-? failed at 2.000s: TOPIC_AUTHORIZATION_FAILED");
  });
});

describe("errorSeen / errorNotSeen", () => {
  const story = () => {
    const s = new Story().send("app-1", "a", { at: 1, fail: "PRODUCER_FENCED" });
    // An error the client recorded in an event's value (e.g. a commit that failed inside the client), and events with no object value.
    s.history.event(2e6, "app-1", "commit", { error: "INVALID_PRODUCER_EPOCH" });
    s.history.event(2.5e6, "app-1", "note", null);
    s.history.event(2.6e6, "app-1", "note", "text");
    s.history.event(3e6, "app-2", "commit", { error: "COORDINATOR_NOT_AVAILABLE" });
    return s;
  };

  it("errorSeen fires when the client never saw the error, and stays quiet when an op failed with it or recorded it", () => {
    const h = story().history;
    expect(errorSeen.run({ history: h, logs: [] }, { client: "app-1", error: "PRODUCER_FENCED" })).toEqual([]);
    expect(errorSeen.run({ history: h, logs: [] }, { client: "app-1", error: "INVALID_PRODUCER_EPOCH" })).toEqual([]);
    expect(errorSeen.run({ history: h, logs: [] }, { client: "app-1", error: "COORDINATOR_NOT_AVAILABLE" })).toEqual([
      { message: "no op of app-1 ended with COORDINATOR_NOT_AVAILABLE (the history records what the application saw: an error the client retried on its own, and then got past, is not in it)", evidence: { client: "app-1", error: "COORDINATOR_NOT_AVAILABLE" } },
    ]);
  });

  it("errorNotSeen fires with how often and when first the client saw the error, and stays quiet for another client's", () => {
    const h = story().history;
    expect(errorNotSeen.run({ history: h, logs: [] }, { client: "app-1", error: "INVALID_PRODUCER_EPOCH" })).toEqual([
      { message: "app-1 saw INVALID_PRODUCER_EPOCH 1 time(s), first at 2.000s", atUs: 2_000_000, evidence: { client: "app-1", error: "INVALID_PRODUCER_EPOCH", times: 1 } },
    ]);
    expect(errorNotSeen.run({ history: h, logs: [] }, { client: "app-1", error: "COORDINATOR_NOT_AVAILABLE" })).toEqual([]);
  });

  it("both say what they need when run without a parameter", () => {
    expect(errorSeen.run({ history: story().history, logs: [] }, null)).toEqual([{ message: "errorSeen needs a client and an error" }]);
    expect(errorNotSeen.run({ history: story().history, logs: [] }, null)).toEqual([{ message: "errorNotSeen needs a client and an error" }]);
  });
});

describe("leaderless (OfflinePartitionsCount over time, from the published metadata)", () => {
  const leader = (s: Story, atS: number, l: string | null, partition = "t-0") => s.history.event(atS * 1e6, METADATA_MONITOR, "partition-leader", { partition, leader: l, leaderEpoch: 0 });
  /** t-0: leaderless 1s..13s (12s; a repeated "none" at 5s), 20s..21s (1s), 30s..end 35s (5s). u-0 leaderless throughout. */
  const story = () => {
    const s = new Story();
    leader(s, 0, null, "u-0");
    leader(s, 0.5, "broker-1");
    leader(s, 1, null);
    leader(s, 1.5, "broker-3", "u-0");
    leader(s, 5, null);
    leader(s, 13, "broker-2");
    leader(s, 15, "broker-2");
    leader(s, 20, null);
    leader(s, 21, "broker-1");
    leader(s, 30, null);
    s.send("p", "a", { at: 35, ack: 35 });
    return s;
  };

  it("with max: fires for each leaderless stretch longer than max, an open one counted to the end of the run", () => {
    expect(leaderless.run({ history: story().history, logs: [] }, { partition: "t-0", max: 4_000 })).toEqual([
      { message: "t-0 had no leader from 1.000s to 13.000s (12.0s), longer than 4s", atUs: 1_000_000, evidence: { partition: "t-0", fromUs: 1_000_000, toUs: 13_000_000, ms: 12_000 } },
      { message: "t-0 had no leader from 30.000s to the end of the run (5.0s), longer than 4s", atUs: 30_000_000, evidence: { partition: "t-0", fromUs: 30_000_000, toUs: 35_000_000, ms: 5_000 } },
    ]);
  });

  it("with max: stays quiet when every stretch is within max", () => {
    expect(leaderless.run({ history: story().history, logs: [] }, { partition: "t-0", max: 12_000 })).toEqual([]);
  });

  it("with min: fires when no stretch lasted min, naming the longest; stays quiet when the longest lasted exactly min", () => {
    expect(leaderless.run({ history: story().history, logs: [] }, { partition: "t-0", min: 20_000 })).toEqual([
      { message: "t-0 was never without a leader for 20s (longest: from 1.000s to 13.000s (12.0s))", evidence: { partition: "t-0", longestMs: 12_000 } },
    ]);
    expect(leaderless.run({ history: story().history, logs: [] }, { partition: "t-0", min: 12_000 })).toEqual([]);
  });

  it("with min: a partition that always had a leader says so", () => {
    const s = new Story();
    leader(s, 1, "broker-1");
    expect(leaderless.run({ history: s.history, logs: [] }, { partition: "t-0", min: 1_000 })).toEqual([
      { message: "t-0 was never without a leader for 1s (it always had one)", evidence: { partition: "t-0", longestMs: 0 } },
    ]);
  });

  it("with min: names the first of the longest stretches, wherever it lies", () => {
    const s = new Story();
    for (const [from, to] of [[1, 2], [3, 6], [7, 10], [11, 12]]) {
      leader(s, from, null);
      leader(s, to, "broker-1");
    }
    expect(leaderless.run({ history: s.history, logs: [] }, { partition: "t-0", min: 5_000 })[0].message).toBe("t-0 was never without a leader for 5s (longest: from 3.000s to 6.000s (3.0s))");
  });

  it("reads the metadata monitor's partition-leader records (the monitor's process name is part of the history format)", () => {
    expect(METADATA_MONITOR).toBe("metadata-monitor");
  });

  it("says what it needs when run without a parameter", () => {
    expect(leaderless.run({ history: story().history, logs: [] }, null)).toEqual([{ message: "leaderless needs a partition and max or min" }]);
  });
});

describe("unavailability", () => {
  it("defaults maxGap to 10s: a gap of 11s fires, one of 9s does not", () => {
    const s = new Story().send("p", "a", { at: 0, ack: 1 }).send("p", "b", { at: 2, ack: 12 }).send("p", "c", { at: 13, ack: 21 });
    expect(unavailability.run({ history: s.history, logs: [] }, null)).toEqual([
      { message: "t-0 acknowledged nothing for 11.0s, from 1.000s to 12.000s", atUs: 1_000_000, evidence: { partition: "t-0", fromUs: 1_000_000, toUs: 12_000_000, gapMs: 11_000 } },
    ]);
  });

  it("measures from a partition's last acknowledgement to the last send of the run, in partition order", () => {
    const s = new Story().send("p", "a", { at: 0, ack: 1, tp: ["t", 1] }).send("p", "b", { at: 0, ack: 2 }).send("p", "c", { at: 20, fail: "REQUEST_TIMED_OUT", ack: 25 });
    expect(unavailability.run({ history: s.history, logs: [] }, 10_000)).toEqual([
      { message: "t-0 acknowledged nothing for 18.0s, from 2.000s to the last send at 20.000s", atUs: 2_000_000, evidence: { partition: "t-0", fromUs: 2_000_000, toUs: 20_000_000, gapMs: 18_000 } },
      { message: "t-1 acknowledged nothing for 19.0s, from 1.000s to the last send at 20.000s", atUs: 1_000_000, evidence: { partition: "t-1", fromUs: 1_000_000, toUs: 20_000_000, gapMs: 19_000 } },
    ]);
  });

  it("stays quiet when a gap is exactly maxGap, and when the only late op is a failed send's completion (not a send)", () => {
    const s = new Story().send("p", "a", { at: 0, ack: 1 }).send("p", "b", { at: 2, ack: 11 }).send("p", "c", { at: 3, fail: "REQUEST_TIMED_OUT", ack: 30 });
    poll(s, "c", 40, [[0, "a"]]);
    expect(unavailability.run({ history: s.history, logs: [] }, 10_000)).toEqual([]);
  });
});

describe("unconfirmedSends (acks=0)", () => {
  it("fires per partition for acks=0 sends no consumer read and the final log lacks, listing the first three", () => {
    const s = acks0(new Story(), "p", "z", 0.5, { tp: ["t", 1] });
    for (const [v, t] of [["a", 1], ["b", 2], ["c", 3], ["d", 4], ["e", 5], ["f", 6]] as const) acks0(s, "p", v, t);
    poll(s, "c", 6, [[0, "b"]]);
    const found = unconfirmedSends.run({ history: s.history, logs: [replica("broker-1", ["b", "c"], { leader: true })] }, null);
    expect(found).toEqual([
      { message: "4 of 6 acks=0 sends to t-0 never appeared (unconfirmed: the client is never told; first a, d, e)", atUs: 1_000_000, evidence: { partition: "t-0", sent: 6, missing: 4 } },
      { message: "1 of 1 acks=0 sends to t-1 never appeared (unconfirmed: the client is never told; first z)", atUs: 500_000, evidence: { partition: "t-1", sent: 1, missing: 1 } },
    ]);
  });

  it("counts only acks=0 sends that completed ok, and only values read by a poll that succeeded", () => {
    const s = new Story().send("p", "acked", { at: 1, offset: 0 });
    acks0(s, "p", "failed", 2, { type: "fail" });
    acks0(s, "p", "seen-in-failed-poll", 3);
    const inv = s.history.invoke(4e6, "c", "poll", {});
    s.history.complete(4e6, inv, "fail", { "t-0": [[0, "seen-in-failed-poll"]] });
    expect(unconfirmedSends.run({ history: s.history, logs: [] }, null).map((f) => f.evidence)).toEqual([{ partition: "t-0", sent: 1, missing: 1 }]);
  });

  it("stays quiet when every acks=0 send was read or is in the final log", () => {
    const s = acks0(acks0(new Story(), "p", "a", 1), "p", "b", 2);
    poll(s, "c", 3, [[0, "a"]]);
    // a was read (the final log lost it later), b is in the final log.
    expect(unconfirmedSends.run({ history: s.history, logs: [replica("broker-1", ["x", "b"], { leader: true })] }, null)).toEqual([]);
  });

  it("with a span: tolerates missing sends within that span of each other, reports them when spread wider, and skips the run's last span", () => {
    // Missing a (1s) and b (1.6s): spread 0.6s. c at 9.5s lies within a span of the end (10s) when the span is over 0.5s: still on its way.
    const s = acks0(acks0(acks0(new Story(), "p", "a", 1), "p", "b", 1.6), "p", "c", 9.5);
    s.send("p", "end", { at: 10, ack: 10, offset: 0 });
    expect(unconfirmedSends.run({ history: s.history, logs: [] }, 600)).toEqual([]);
    expect(unconfirmedSends.run({ history: s.history, logs: [] }, 550)).toEqual([
      {
        message: "2 of 2 acks=0 sends to t-0 never appeared (unconfirmed: the client is never told; first a, b; sent over 0.600s, from 1.000s to 1.600s, more than 550ms)",
        atUs: 1_000_000,
        evidence: { partition: "t-0", sent: 2, missing: 2 },
      },
    ]);
    // With a 0.5s span c, exactly 0.5s before the end, is counted: only sends strictly inside the last span are skipped.
    expect(unconfirmedSends.run({ history: s.history, logs: [] }, 500)[0].evidence).toEqual({ partition: "t-0", sent: 3, missing: 3 });
  });
});

describe("replicasOutOfSync and logDivergence: evidence", () => {
  it("replicasOutOfSync names the replica, its log end and the leader's HW", () => {
    expect(replicasOutOfSync.run({ history: new Story().history, logs: [replica("broker-1", ["a", "b"], { leader: true }), replica("broker-2", ["a"])] }, null)).toEqual([
      { message: "t-0: broker-2 ends at 1, below the HW 2 of leader broker-1 (log end 2)", evidence: { partition: "t-0", replica: "broker-2", logEndOffset: 1, leaderHighWatermark: 2 } },
    ]);
  });

  it("replicasOutOfSync reports a leaderless partition once, however many replicas it has", () => {
    for (const n of [1, 3]) {
      const logs = Array.from({ length: n }, (_, i) => replica(`broker-${i}`, ["a"]));
      expect(replicasOutOfSync.run({ history: new Story().history, logs }, null)).toEqual([{ message: "t-0 has no leader at the end", evidence: { partition: "t-0" } }]);
    }
  });

  it("logDivergence names the offset, both replicas' records and their epochs", () => {
    expect(logDivergence.run({ history: new Story().history, logs: [replica("broker-1", ["a", "b"], { epochs: [0, 1] }), replica("broker-2", ["a", "x"], { epochs: [0, 2] })] }, null)).toEqual([
      { message: "t-0 offset 1: broker-1 has b (epoch 1), broker-2 has x (epoch 2), both below their HWs (2, 2)", evidence: { partition: "t-0", offset: 1, replicas: ["broker-1", "broker-2"] } },
    ]);
  });

  it("logDivergence on a compacted topic names the key, the replica still holding its value, and what the other has", () => {
    const leader = compactedReplica("broker-1", [[1, "k1", "v1"], [3, "k2", "v3"]], { hw: 4 });
    const lagged = compactedReplica("broker-3", [[0, "k0", "v0"], [1, "k1", "v1"], [2, "k2", "v2"]], { leader: false, hw: 4 });
    expect(logDivergence.run({ history: new Story().history, logs: [leader, lagged] }, null)).toEqual([
      {
        message: "t-0 key k0: broker-3 still holds v0 (offset 0, epoch 0) as the key's latest record, where broker-1 has no record of it, both below their HWs (4, 4); 2 keys differ",
        evidence: { partition: "t-0", key: "k0", replicas: ["broker-1", "broker-3"], live: { broker: "broker-3", offset: 0, value: "v0" }, other: { broker: "broker-1", none: true }, keys: 2 },
      },
    ]);
  });
});

describe("reordering and nonmonotonicPoll: the finding's words", () => {
  it("reordering names the producer, both records, where they were written and when they were acknowledged", () => {
    const s = new Story().send("p", "a", { at: 1, ack: 1.5 }).send("p", "b", { at: 2, ack: 2.5 });
    expect(reordering.run({ history: s.history, logs: [replica("broker-1", ["b", "a"], { leader: true })] }, null)).toEqual([
      {
        message: "p sent a before b to t-0, but they were written at offsets 1 and 0 (acknowledged at 1.500s and 2.500s)",
        atUs: 2_500_000,
        jepsenKey: "nonmonotonic-send",
        evidence: { producer: "p", partition: "t-0", earlier: { value: "a", offset: 1 }, later: { value: "b", offset: 0 } },
      },
    ]);
  });

  it("reordering of retried (duplicated) records quotes the offsets it compared, the later copies, not the in-order first ones", () => {
    // a and b were written at 0 and 1, then their retried batches landed b (2) before a (3), where they were acknowledged.
    const s = new Story().send("p", "a", { at: 1, ack: 3, offset: 3 }).send("p", "b", { at: 2, ack: 2.5, offset: 2 });
    const found = reordering.run({ history: s.history, logs: [replica("broker-1", ["a", "b", "b", "a"], { leader: true })] }, null);
    expect(found.map((f) => f.message)).toEqual(["p sent a before b to t-0, but they were written at offsets 3 and 2 (acknowledged at 3.000s and 2.500s)"]);
  });

  it("reordering within one transaction is Jepsen's int-nonmonotonic-send, named with the transaction", () => {
    const s = new Story();
    const h = s.history;
    const txn = h.invoke(1e6, "app", "txn", { app: "pay", transactionalId: "tx", txn: "x" });
    for (const [v, offset] of [["a", 1], ["b", 0]] as const) {
      const send = h.invoke(1e6, "app", "send", { topic: "t", partition: null, key: null, value: v, txn: "x" });
      h.complete(1.001e6, send, "ok", { topic: "t", partition: 0, key: null, value: v, offset, txn: "x" });
    }
    h.complete(2e6, txn, "ok", { app: "pay", instance: "app-1", transactionalId: "tx", txn: "x", values: ["a", "b"], producerId: 1, producerEpoch: 0, commitRequestedUs: 2e6 });
    const found = reordering.run({ history: h, logs: [replica("broker-1", ["b", "a"], { leader: true })] }, null);
    expect(found).toEqual([
      {
        message: "within transaction x, app sent a before b to t-0, but they were written at offsets 1 and 0",
        atUs: 2_000_000,
        jepsenKey: "int-nonmonotonic-send",
        evidence: { producer: "app", partition: "t-0", earlier: { value: "a", offset: 1 }, later: { value: "b", offset: 0 } },
      },
    ]);
  });

  it("nonmonotonicPoll names the consumer, where it polled from and how far it had read", () => {
    const s = poll(poll(new Story(), "c", 1, [[0, "a"], [1, "b"]]), "c", 2, [[1, "b"]]);
    expect(nonmonotonicPoll.run({ history: s.history, logs: [] }, null)).toEqual([
      { message: "c polled t-0 from offset 1 at 2.000s after having read up to 1", atUs: 2_000_000, jepsenKey: "nonmonotonic-poll", evidence: { consumer: "c", partition: "t-0", from: 1, previous: 1 } },
    ]);
  });
});
