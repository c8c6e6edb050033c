import { describe, expect, it } from "vitest";
import { committedOffsetRegression, concurrentOwnership, consumedTwice, exactlyOnce, rebalanceStorm, skippedRecords } from "../../src/check/groupCheckers.js";
import type { CheckInput, FinalReplicaLog, GroupOffset } from "../../src/check/input.js";
import { History } from "../../src/workload/history.js";
import { replica } from "../support/history.js";

/** A consumer group's recorded life, told in seconds. */
class GroupStory {
  readonly history = new History();

  process(proc: string, offset: number, o: { at: number; end?: number | null; gen?: number; tp?: [string, number]; group?: string; failed?: true }): this {
    const [topic, partition] = o.tp ?? ["t", 0];
    const v = { group: o.group ?? "g", topic, partition, offset, value: `v${offset}`, generation: o.gen ?? 1, memberId: `${proc}-m` };
    const inv = this.history.invoke(o.at * 1e6, proc, "process", v);
    if (o.end !== null) this.history.complete((o.end ?? o.at + 0.01) * 1e6, inv, o.failed ? "fail" : "ok", v);
    return this;
  }

  /** `answeredAt: null`: the request was sent and never answered. */
  commit(proc: string, offsets: Record<string, number>, o: { at: number; answeredAt?: number | null; ok?: boolean; kind?: string; gen?: number; group?: string }): this {
    const v = { group: o.group ?? "g", offsets, generation: o.gen ?? 1, kind: o.kind ?? "sync" };
    const inv = this.history.invoke(o.at * 1e6, proc, "commit", v);
    if (o.answeredAt !== null) this.history.complete((o.answeredAt ?? o.at + 0.01) * 1e6, inv, o.ok === false ? "fail" : "ok", v, o.ok === false ? "ILLEGAL_GENERATION" : undefined);
    return this;
  }

  assigned(proc: string, partitions: string[], o: { at: number; gen: number }): this {
    this.history.event(o.at * 1e6, proc, "assigned", { group: "g", generation: o.gen, memberId: `${proc}-m`, partitions, protocol: "range" });
    return this;
  }

  poll(proc: string, tp: string, offsets: number[], at: number, o: { isolation?: string; group?: string | null } = {}): this {
    const inv = this.history.invoke(at * 1e6, proc, "poll", { ...(o.group === null ? {} : { group: o.group ?? "g" }), isolation: o.isolation ?? "read_uncommitted" });
    this.history.complete(at * 1e6, inv, "ok", { [tp]: offsets.map((o) => [o, `v${o}`]) });
    return this;
  }

  /** A poll that threw (auto.offset.reset=none: OFFSET_OUT_OF_RANGE): it read nothing. */
  failedPoll(proc: string, at: number): this {
    const inv = this.history.invoke(at * 1e6, proc, "poll", { group: "g", isolation: "read_uncommitted" });
    this.history.complete(at * 1e6, inv, "fail", null, "OFFSET_OUT_OF_RANGE");
    return this;
  }

  /** A send that failed for certain (it never reached the log). */
  failedSend(at: number, tp: [string, number] = ["t", 0]): this {
    const inv = this.history.invoke(at * 1e6, "producer", "send", { topic: tp[0], partition: null, key: null, value: `lost@${at}` });
    this.history.complete(at * 1e6, inv, "fail", { topic: tp[0], partition: tp[1], key: null, value: `lost@${at}` }, "NOT_ENOUGH_REPLICAS");
    return this;
  }

  /** A non-group op that only moves the end of the run. */
  tick(at: number): this {
    this.history.event(at * 1e6, "metadata-monitor", "partition-leader", { partition: "t-0", leader: "broker-1", leaderEpoch: 0 });
    return this;
  }

  ack(offset: number, at: number, tp: [string, number] = ["t", 0]): this {
    const inv = this.history.invoke(at * 1e6, "producer", "send", { topic: tp[0], partition: null, key: null, value: `v${offset}` });
    this.history.complete(at * 1e6, inv, "ok", { topic: tp[0], partition: tp[1], key: null, value: `v${offset}`, offset });
    return this;
  }

  input(logs: FinalReplicaLog[] = [], groupOffsets?: GroupOffset[]): CheckInput {
    return { history: this.history, logs, groupOffsets };
  }
}

const log = (n: number, tp: [string, number] = ["t", 0]) => replica("broker-1", Array.from({ length: n }, (_, i) => `v${i}`), { leader: true, tp });

describe("consumedTwice", () => {
  it("fires when a record is processed again after a rebalance, naming the rebalance", () => {
    const s = new GroupStory().process("c1", 0, { at: 1 }).process("c1", 1, { at: 2 }).assigned("c2", ["t-0"], { at: 5, gen: 2 }).process("c2", 1, { at: 6, gen: 2 });
    const f = consumedTwice.run(s.input(), null);
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/1 record\(s\) of t-0 \(offsets 1\) processed again by c2 \(generation 2\).*assigned t-0 in generation 2 at 5\.000s/);
  });

  it("stays quiet when each record is processed once, and ignores processing that never finished", () => {
    const s = new GroupStory().process("c1", 0, { at: 1 }).process("c1", 1, { at: 2, end: null }).process("c2", 1, { at: 6 });
    expect(consumedTwice.run(s.input(), null)).toEqual([]);
  });
});

describe("skippedRecords", () => {
  it("fires when the group committed past records nobody finished processing", () => {
    const s = new GroupStory().poll("c1", "t-0", [0, 1, 2, 3], 1).process("c1", 0, { at: 1 }).process("c1", 1, { at: 1.1 }).process("c1", 2, { at: 1.2, end: null }).commit("c1", { "t-0": 4 }, { at: 1 });
    const f = skippedRecords.run(s.input([log(4)]), null);
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/committed t-0 at offset 4, past 2 record\(s\).*offsets 2–3/);
  });

  it("stays quiet when everything below the committed offset was processed, and before the group's first record", () => {
    const s = new GroupStory().poll("c1", "t-0", [2, 3], 1).process("c1", 2, { at: 1 }).process("c1", 3, { at: 1.1 }).commit("c1", { "t-0": 4 }, { at: 2 });
    expect(skippedRecords.run(s.input([log(6)]), null)).toEqual([]);
  });

  it("judges the coordinator's final offset when it is known", () => {
    const s = new GroupStory().poll("c1", "t-0", [0, 1], 1).process("c1", 0, { at: 1 }).process("c1", 1, { at: 1 }).commit("c1", { "t-0": 2 }, { at: 2 });
    const final: GroupOffset[] = [{ group: "g", topic: "t", partition: 0, offset: 5, atLogEnd: 5 }];
    expect(skippedRecords.run(s.input([log(6)], final), null)).toHaveLength(1);
  });
});

describe("concurrentOwnership", () => {
  it("fires when two members process one partition at the same moment", () => {
    const s = new GroupStory().process("c1", 10, { at: 1, end: 5 }).process("c2", 8, { at: 3, end: 4, gen: 2 });
    const f = concurrentOwnership.run(s.input(), null);
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/c1 \(generation 1\) and c2 \(generation 2\) were both processing t-0 at 3\.000s/);
  });

  it("stays quiet for hand-overs and for different partitions", () => {
    const s = new GroupStory().process("c1", 10, { at: 1, end: 2 }).process("c2", 11, { at: 2, end: 3 }).process("c3", 1, { at: 1, end: 3, tp: ["t", 1] });
    expect(concurrentOwnership.run(s.input(), null)).toEqual([]);
  });
});

describe("committedOffsetRegression", () => {
  it("fires when an acknowledged commit goes backwards, or the final offset is below an acknowledged one", () => {
    const s = new GroupStory().commit("c1", { "t-0": 10 }, { at: 1 }).commit("c2", { "t-0": 5 }, { at: 2 });
    expect(committedOffsetRegression.run(s.input(), null)[0].message).toMatch(/c2 committed t-0 at 5 .* below 10/);
    const t = new GroupStory().commit("c1", { "t-0": 10 }, { at: 1 });
    expect(committedOffsetRegression.run(t.input([], [{ group: "g", topic: "t", partition: 0, offset: 7, atLogEnd: 7 }]), null)).toHaveLength(1);
  });

  it("stays quiet when commits only move forward (refused commits do not count)", () => {
    const s = new GroupStory().commit("c1", { "t-0": 5 }, { at: 1 }).commit("c2", { "t-0": 2 }, { at: 2, ok: false }).commit("c2", { "t-0": 9 }, { at: 3 });
    expect(committedOffsetRegression.run(s.input([], [{ group: "g", topic: "t", partition: 0, offset: 9, atLogEnd: 9 }]), null)).toEqual([]);
  });

  it("stays quiet when the commits' request windows overlap: either may have taken effect last (regression, issue 12)", () => {
    // c1 sent its commit of 10 at 1s; the coordinator applied it, then c1 was paused and heard back only at 28s.
    // Meanwhile c2, the partition's new owner, committed 12 (at 5s) — and then, having read from 10 after a
    // rebalance, committed 11 at 20s. Ordering by answers would call 10 (answered at 28s) a step back from 11.
    const s = new GroupStory()
      .commit("c1", { "t-0": 10 }, { at: 1, answeredAt: 28 })
      .commit("c2", { "t-0": 12 }, { at: 5, answeredAt: 5.01 })
      .commit("c2", { "t-0": 13 }, { at: 20, answeredAt: 20.01 });
    expect(committedOffsetRegression.run(s.input([], [{ group: "g", topic: "t", partition: 0, offset: 13, atLogEnd: 13 }]), null)).toEqual([]);
  });

  it("fires between commits whose windows do not overlap", () => {
    const s = new GroupStory().commit("c1", { "t-0": 10 }, { at: 1, answeredAt: 2 }).commit("c2", { "t-0": 8 }, { at: 3, answeredAt: 4 });
    expect(committedOffsetRegression.run(s.input(), null)).toMatchObject([{ evidence: { offset: 8, previous: 10, previousBy: "c1" } }]);
  });

  it("the final offset may be an earlier-acknowledged value only if a commit of it could have landed later", () => {
    // 7 was committed by c2 in a request answered after c1's 10 had been sent: it may have landed last.
    const s = new GroupStory().commit("c1", { "t-0": 10 }, { at: 2, answeredAt: 2.5 }).commit("c2", { "t-0": 7 }, { at: 1, answeredAt: 3 });
    expect(committedOffsetRegression.run(s.input([], [{ group: "g", topic: "t", partition: 0, offset: 7, atLogEnd: 7 }]), null)).toEqual([]);
    // Here 7's commit was answered before 10's was sent: 10 must have overwritten it.
    const t = new GroupStory().commit("c2", { "t-0": 7 }, { at: 1, answeredAt: 1.5 }).commit("c1", { "t-0": 10 }, { at: 2, answeredAt: 2.5 });
    expect(committedOffsetRegression.run(t.input([], [{ group: "g", topic: "t", partition: 0, offset: 7, atLogEnd: 7 }]), null)).toHaveLength(1);
  });
});

describe("exactlyOnce", () => {
  const outputs = (values: string[], aborted: number[] = []) => {
    const r = replica("broker-1", values, { leader: true, tp: ["out", 0] });
    for (const i of aborted) r.records[i].aborted = true;
    return r;
  };

  it("fires for an input with two visible outputs and for one below the committed offset with none", () => {
    const s = new GroupStory().commit("c1", { "t-0": 3 }, { at: 1, kind: "transaction" });
    const f = exactlyOnce.run(s.input([log(3), outputs(["t-0@0#a", "t-0@1#a", "t-0@1#b"])]), null);
    expect(f.map((x) => x.message)).toEqual([expect.stringMatching(/1 input record\(s\) of t-0 have more than one committed output \(offsets 1\)/), expect.stringMatching(/1 input record\(s\) of t-0 below the committed offset 3 have no committed output \(offsets 2\)/)]);
  });

  it("tells the outputs of two groups reading the same input apart by their transactions' writers", () => {
    const s = new GroupStory().commit("a", { "t-0": 1 }, { at: 1, kind: "transaction" });
    const other = s.history.invoke(1e6, "b", "commit", { group: "h", offsets: { "t-0": 1 }, generation: 1, kind: "transaction" });
    s.history.complete(1.01e6, other, "ok", { group: "h", offsets: { "t-0": 1 }, generation: 1, kind: "transaction" });
    s.history.invoke(0.5e6, "a", "send", { topic: "out", partition: null, key: null, value: "t-0@0#ta", txn: "ta" });
    s.history.invoke(0.5e6, "b", "send", { topic: "out", partition: null, key: null, value: "t-0@0#tb", txn: "tb" });
    const committedH: GroupOffset[] = [{ group: "g", topic: "t", partition: 0, offset: 1, atLogEnd: 1 }];
    expect(exactlyOnce.run(s.input([log(1), outputs(["t-0@0#ta", "t-0@0#tb"])], committedH), null)).toEqual([]);
  });

  it("stays quiet when aborted outputs are the only repeats and inputs past the committed offset have none yet", () => {
    const s = new GroupStory().commit("c1", { "t-0": 2 }, { at: 1, kind: "transaction" });
    expect(exactlyOnce.run(s.input([log(4), outputs(["t-0@0#a", "t-0@1#a", "t-0@1#b"], [2])]), null)).toEqual([]);
  });
});

describe("rebalanceStorm", () => {
  it("fires on more than three rebalances within the window", () => {
    const s = new GroupStory();
    for (let g = 1; g <= 5; g++) s.assigned("c1", ["t-0"], { at: g * 5, gen: g });
    expect(rebalanceStorm.run(s.input(), null)[0].message).toMatch(/rebalanced 4 times|rebalanced 5 times/);
    expect(rebalanceStorm.run(s.input(), 10_000)).toEqual([]); // a narrower window holds fewer
  });

  it("fires when throughput collapses: records arrive and nothing new is finished for a window", () => {
    const s = new GroupStory().assigned("c1", ["t-0"], { at: 0, gen: 1 }).process("c1", 0, { at: 1 });
    for (let i = 1; i <= 40; i++) s.ack(i, i * 2);
    s.process("c1", 0, { at: 60, gen: 1 }).process("c1", 0, { at: 85, gen: 1 }); // busy, but only reprocessing
    expect(rebalanceStorm.run(s.input(), null)[0].message).toMatch(/throughput collapsed/);
  });

  it("stays quiet for a group that rebalances once and keeps up", () => {
    const s = new GroupStory().assigned("c1", ["t-0"], { at: 0, gen: 1 });
    for (let i = 0; i < 40; i++) s.ack(i, i * 2).process("c1", i, { at: i * 2 + 0.5 });
    expect(rebalanceStorm.run(s.input(), null)).toEqual([]);
  });
});

describe("consumedTwice: which records, by whom, and which rebalance gave them to the second member", () => {
  it("reports each partition and member separately, its offsets as ranges (at most six, then …), in offset order", () => {
    const s = new GroupStory().poll("c1", "t-0", [], 0.5).failedPoll("c1", 0.6);
    for (let o = 0; o <= 13; o++) s.process("c1", o, { at: 1 + o / 100 });
    for (let o = 0; o <= 12; o++) s.process("c1", o, { at: 2 + o / 100, tp: ["t", 1] });
    s.assigned("c2", ["t-0", "t-1"], { at: 5, gen: 2 });
    for (const o of [9, 1, 2, 3, 5, 7, 11, 13]) s.process("c2", o, { at: 6, gen: 2 });
    for (const o of [0, 2, 4, 6, 8, 10, 12]) s.process("c2", o, { at: 7, gen: 2, tp: ["t", 1] });
    const f = consumedTwice.run(s.input(), null);
    expect(f.map((x) => x.message)).toEqual([
      "group g: 8 record(s) of t-0 (offsets 1–3, 5, 7, 9, 11, 13) processed again by c2 (generation 2) at 6.000s, first by c1 (generation 1) at 1.090s; c2 was assigned t-0 in generation 2 at 5.000s",
      "group g: 7 record(s) of t-1 (offsets 0, 2, 4, 6, 8, 10, …) processed again by c2 (generation 2) at 7.000s, first by c1 (generation 1) at 2.000s; c2 was assigned t-1 in generation 2 at 5.000s",
    ]);
    expect(f[0]).toMatchObject({ atUs: 6e6, evidence: { group: "g", partition: "t-0", offsets: 8, first: "c1", second: "c2", generation: 2, rebalanceAtUs: 5e6 } });
  });

  it("names the latest assignment of that partition to that member at or before the second processing", () => {
    const s = new GroupStory()
      .process("c1", 0, { at: 1 })
      .assigned("c2", ["t-0"], { at: 5, gen: 2 })
      .assigned("c2", ["t-0"], { at: 8, gen: 3 })
      .assigned("c3", ["t-0"], { at: 8, gen: 4 }) // another member's
      .assigned("c2", ["t-1"], { at: 8, gen: 5 }) // another partition
      .assigned("c2", ["t-0"], { at: 9, gen: 6 }) // after it
      .process("c2", 0, { at: 8, gen: 3 });
    expect(consumedTwice.run(s.input(), null)).toEqual([
      {
        message: "group g: 1 record(s) of t-0 (offsets 0) processed again by c2 (generation 3) at 8.000s, first by c1 (generation 1) at 1.000s; c2 was assigned t-0 in generation 3 at 8.000s",
        atUs: 8e6,
        evidence: { group: "g", partition: "t-0", offsets: 1, first: "c1", second: "c2", generation: 3, rebalanceAtUs: 8e6 },
      },
    ]);
  });

  it("without a rebalance: the same member went back to the committed offset; another member gets no cause", () => {
    const same = new GroupStory().process("c1", 0, { at: 1 }).process("c1", 0, { at: 3 });
    expect(consumedTwice.run(same.input(), null)).toMatchObject([{ message: expect.stringMatching(/at 1\.000s; c1 went back to the committed offset$/), evidence: { rebalanceAtUs: null } }]);
    const other = new GroupStory().process("c1", 0, { at: 1 }).process("c2", 0, { at: 3 });
    expect(consumedTwice.run(other.input(), null)).toMatchObject([{ message: expect.stringMatching(/first by c1 \(generation 1\) at 1\.000s$/) }]);
  });

  it("a processing that failed (the application threw) did not finish the record: doing it again is no duplicate", () => {
    const s = new GroupStory().process("c1", 0, { at: 1, failed: true }).process("c1", 0, { at: 3 });
    expect(consumedTwice.run(s.input(), null)).toEqual([]);
  });
});

describe("skippedRecords: partitions added while the group reads the topic (KAFKA-12261)", () => {
  // t-0 was the group's from generation 1 (assigned at 1 s); t-1 first in generation 2 (at 5 s), reset to latest at 3.
  const story = (t1From: number) => {
    const s = new GroupStory()
      .assigned("c1", ["t-0"], { at: 1, gen: 1 })
      .ack(0, 0.5, ["t", 1])
      .ack(1, 2, ["t", 1])
      .ack(2, 3, ["t", 1])
      .ack(3, 6, ["t", 1])
      .assigned("c1", ["t-0", "t-1"], { at: 5, gen: 2 });
    const read = [1, 2, 3].filter((o) => o >= t1From);
    s.poll("c1", "t-1", read, 6);
    for (const o of read) s.process("c1", o, { at: 6 + o / 10, gen: 2, tp: ["t", 1] });
    return s.commit("c1", { "t-1": 4 }, { at: 7, gen: 2 });
  };

  it("fires for the records acknowledged on the new partition after the group's first assignment of its topic", () => {
    // Offset 0 was acknowledged before the group read t at all: out of scope, as for a brand-new group.
    expect(skippedRecords.run(story(3).input([log(4, ["t", 1])]), null)).toMatchObject([{ evidence: { partition: "t-1", skipped: 2, first: 1 } }]);
  });

  it("stays quiet when the group read the new partition from there (earliest), and for a partition of the first generation", () => {
    expect(skippedRecords.run(story(1).input([log(4, ["t", 1])]), null)).toEqual([]);
    // Both members' first generation, the second one assigned later: a brand-new group's reset is its start.
    const first = new GroupStory()
      .assigned("c1", ["t-0"], { at: 1, gen: 1 })
      .ack(0, 1.5, ["t", 1])
      .assigned("c2", ["t-1"], { at: 2, gen: 1 })
      .poll("c2", "t-1", [1], 3)
      .process("c2", 1, { at: 3, tp: ["t", 1] })
      .commit("c2", { "t-1": 2 }, { at: 4 });
    expect(skippedRecords.run(first.input([log(2, ["t", 1])]), null)).toEqual([]);
  });
});

describe("skippedRecords: the group's scope, isolation and committed offsets", () => {
  const abortedAt1 = () => {
    const l = log(4);
    l.records[1].aborted = true;
    return l;
  };

  it("a read_committed group never sees an aborted record, so committing past it skips nothing; a read_uncommitted group skipped it", () => {
    const rc = new GroupStory().poll("c1", "t-0", [0, 2, 3], 1, { isolation: "read_committed" }).process("c1", 0, { at: 1 }).process("c1", 2, { at: 1 }).process("c1", 3, { at: 1 }).commit("c1", { "t-0": 4, "gone-0": 5 }, { at: 2 });
    expect(skippedRecords.run(rc.input([abortedAt1()]), null)).toEqual([]);
    const ru = new GroupStory().poll("c1", "t-0", [0, 2, 3], 1).process("c1", 0, { at: 1 }).process("c1", 2, { at: 1 }).process("c1", 3, { at: 1 }).commit("c1", { "t-0": 4 }, { at: 2 });
    expect(skippedRecords.run(ru.input([abortedAt1()]), null)).toEqual([
      { message: "group g committed t-0 at offset 4, past 1 record(s) no member finished processing (offsets 1)", evidence: { group: "g", partition: "t-0", committed: 4, skipped: 1, first: 1 } },
    ]);
  });

  it("the scope starts at the lowest offset any poll of the group delivered, that record included", () => {
    // Delivered from 1 (first poll), then from 3: records 1 and 2 are in scope, 0 is not; 2 was never processed.
    const s = new GroupStory().poll("c1", "t-0", [], 0.5).failedPoll("c1", 0.6).poll("c1", "t-0", [1], 1).poll("c1", "t-0", [3], 2).poll("x", "t-0", [0], 2, { group: null });
    s.process("c1", 1, { at: 1 }).process("c1", 3, { at: 2 }).commit("c1", { "t-0": 4 }, { at: 3 });
    expect(skippedRecords.run(s.input([log(4)]), null)).toMatchObject([{ evidence: { skipped: 1, first: 2 } }]);
    const fromStart = new GroupStory().poll("c1", "t-0", [2, 3], 1).process("c1", 3, { at: 1 }).commit("c1", { "t-0": 4 }, { at: 2 });
    expect(skippedRecords.run(fromStart.input([log(4)]), null)).toMatchObject([{ evidence: { skipped: 1, first: 2 } }]);
  });

  it("keeps every partition a group committed, only acknowledged commits count, and the coordinator's null offset is no offset", () => {
    const s = new GroupStory()
      .poll("c1", "t-0", [0, 1], 1)
      .poll("c1", "t-1", [0, 1], 1)
      .process("c1", 0, { at: 1 })
      .process("c1", 0, { at: 1, tp: ["t", 1] })
      .commit("c1", { "t-0": 1 }, { at: 2 })
      .commit("c1", { "t-1": 1 }, { at: 2.1 })
      .commit("c1", { "t-0": 2, "t-1": 2 }, { at: 3, ok: false });
    const logs = [log(2), log(2, ["t", 1])];
    expect(skippedRecords.run(s.input(logs, [{ group: "g", topic: "t", partition: 0, offset: null, atLogEnd: null }, { group: "other", topic: "t", partition: 1, offset: 2, atLogEnd: 2 }]), null)).toEqual([]);
    // The refused commit would have skipped offset 1 of both; the coordinator's 2 for t-1 does.
    expect(skippedRecords.run(s.input(logs, [{ group: "g", topic: "t", partition: 1, offset: 2, atLogEnd: 2 }]), null)).toMatchObject([{ evidence: { partition: "t-1", committed: 2, first: 1 } }]);
  });
});

describe("concurrentOwnership: one finding per partition and pair of members", () => {
  it("counts every overlap of the pair, whichever started first, and ignores a member overlapping itself", () => {
    const s = new GroupStory()
      .process("c2", 5, { at: 3, end: 6, gen: 2, group: "billing" }) // recorded first, started second
      .process("c1", 4, { at: 1, end: 4, group: "billing" })
      .process("c1", 6, { at: 5, end: 7, group: "billing" })
      .process("c1", 7, { at: 5.5, end: 5.8, group: "billing" });
    expect(concurrentOwnership.run(s.input(), null)).toEqual([
      {
        message: "group billing: c1 (generation 1) and c2 (generation 2) were both processing t-0 at 3.000s (3 overlap(s))",
        atUs: 3e6,
        evidence: { group: "billing", partition: "t-0", members: ["c1", "c2"], generations: [1, 2], overlaps: 3 },
      },
    ]);
  });
});

describe("committedOffsetRegression: ordering commits by their request windows", () => {
  it("compares each acknowledged commit with the highest offset answered before it was sent, whoever committed it", () => {
    const s = new GroupStory()
      .commit("c3", { "t-0": 10 }, { at: 5, answeredAt: 5.5, group: "billing" }) // recorded out of order
      .commit("c1", { "t-0": 12 }, { at: 1, answeredAt: 2, group: "billing" })
      .commit("c2", { "t-0": 9 }, { at: 1.5, answeredAt: 3, group: "billing" })
      .commit("c5", { "t-0": 20 }, { at: 1.6, answeredAt: 1.9, group: "billing" })
      .commit("c6", { "t-0": 11 }, { at: 2.1, answeredAt: 2.15, group: "billing" });
    expect(committedOffsetRegression.run(s.input(), null)).toEqual([
      {
        message: "group billing: c6 committed t-0 at 11 (sent 2.100s), below 20 that c5 had committed and been told so at 1.900s",
        atUs: 2.1e6,
        evidence: { group: "billing", partition: "t-0", offset: 11, previous: 20, previousBy: "c5" },
      },
      expect.objectContaining({ evidence: { group: "billing", partition: "t-0", offset: 10, previous: 20, previousBy: "c5" } }),
    ]);
  });

  it("of two equal offsets the first answered is named; committing the same offset again is no step back", () => {
    const s = new GroupStory().commit("c1", { "t-0": 12 }, { at: 1, answeredAt: 2 }).commit("c4", { "t-0": 12 }, { at: 1.2, answeredAt: 2.2 }).commit("c3", { "t-0": 10 }, { at: 5, answeredAt: 5.5 });
    expect(committedOffsetRegression.run(s.input(), null)).toMatchObject([{ evidence: { previous: 12, previousBy: "c1" } }]);
    const again = new GroupStory().commit("c1", { "t-0": 12 }, { at: 1, answeredAt: 2 }).commit("c2", { "t-0": 12 }, { at: 3, answeredAt: 4 });
    expect(committedOffsetRegression.run(again.input(), null)).toEqual([]);
  });

  it("commits sent and answered at one instant are concurrent; one never answered was not acknowledged and may land last", () => {
    const same = new GroupStory().commit("c1", { "t-0": 10 }, { at: 1, answeredAt: 1 }).commit("c2", { "t-0": 5 }, { at: 1, answeredAt: 1 });
    expect(committedOffsetRegression.run(same.input(), null)).toEqual([]);
    const unanswered = new GroupStory().poll("c2", "t-0", [], 0.5).commit("c1", { "t-0": 10 }, { at: 1, answeredAt: 2 }).commit("c2", { "t-0": 7 }, { at: 3, answeredAt: null });
    expect(committedOffsetRegression.run(unanswered.input([], [{ group: "g", topic: "t", partition: 0, offset: 7, atLogEnd: 7 }]), null)).toEqual([]);
  });

  it("the final offset is judged against the highest acknowledged OffsetCommit above it, not transactional or refused ones", () => {
    const s = new GroupStory()
      .commit("c1", { "t-0": 10 }, { at: 1, answeredAt: 2 })
      .commit("c1", { "t-0": 15 }, { at: 3, answeredAt: 4 })
      .commit("c2", { "t-0": 20 }, { at: 5, answeredAt: 6, kind: "transaction" })
      .commit("c2", { "t-0": 30 }, { at: 7, answeredAt: 8, ok: false });
    expect(committedOffsetRegression.run(s.input([], [{ group: "g", topic: "t", partition: 0, offset: 7, atLogEnd: 7 }]), null)).toEqual([
      { message: "group g: the final committed offset of t-0 is 7, below 15 acknowledged to c1 at 4.000s, and no commit of 7 could have come after it", evidence: { group: "g", partition: "t-0", offset: 7, acknowledged: 15 } },
    ]);
    // No committed offset at the end (OffsetFetch answers none): nothing to compare.
    expect(committedOffsetRegression.run(s.input([], [{ group: "g", topic: "t", partition: 0, offset: null, atLogEnd: null }]), null)).toEqual([]);
    // 7's commit answered at the very instant 10's was sent: either may have landed last.
    const edge = new GroupStory().commit("c1", { "t-0": 7 }, { at: 1, answeredAt: 2 }).commit("c2", { "t-0": 10 }, { at: 2, answeredAt: 2.5 });
    expect(committedOffsetRegression.run(edge.input([], [{ group: "g", topic: "t", partition: 0, offset: 7, atLogEnd: 7 }]), null)).toEqual([]);
  });
});

describe("exactlyOnce: which outputs belong to which input and group", () => {
  it("reads `<topic>-<partition>@<offset>[#txn]` exactly, judges only transactional groups, and gives each its own finding", () => {
    const input = replica("broker-1", Array.from({ length: 12 }, (_, i) => `v${i}`), { leader: true, tp: ["orders", 12] });
    input.records[3].aborted = true; // an aborted input record needs no output
    const out = replica("broker-1", ["orders-12@0#a", "orders-12@1#a", "orders-12@10#a", "orders-12@10#b", "orders-12@2x", "orders-12@4", "orders-12@0#k1", "orders-12@0#k2", "orders-12@11#a"], { leader: true, tp: ["out", 0] });
    const s = new GroupStory()
      .commit("c1", { "orders-12": 11, "gone-0": 5 }, { at: 1, kind: "transaction" })
      .commit("h1", { "orders-12": 12 }, { at: 1, group: "h" }) // an at-least-once group: not judged here
      .commit("k1", { "orders-12": 1 }, { at: 1, kind: "transaction", group: "k", answeredAt: null }); // never answered
    for (const [proc, txn] of [["c1", "a"], ["c1", "b"], ["k1", "k1"], ["k1", "k2"]]) s.history.invoke(0.5e6, proc, "send", { topic: "out", partition: null, key: null, value: `x#${txn}`, txn });
    expect(exactlyOnce.run(s.input([input, out]), null)).toEqual([
      { message: "group g: 1 input record(s) of orders-12 have more than one committed output (offsets 10)", evidence: { group: "g", partition: "orders-12", duplicated: 1 } },
      { message: "group g: 6 input record(s) of orders-12 below the committed offset 11 have no committed output (offsets 2, 5–9)", evidence: { group: "g", partition: "orders-12", missing: 6 } },
      { message: "group k: 1 input record(s) of orders-12 have more than one committed output (offsets 0)", evidence: { group: "k", partition: "orders-12", duplicated: 1 } },
    ]);
  });
});

describe("rebalanceStorm: generations in a window, and throughput collapse", () => {
  it("counts a generation once, at its first assignment, and a window holds rebalances exactly its length apart", () => {
    const s = new GroupStory();
    for (const [gen, at] of [[1, 0], [2, 50], [4, 110], [3, 100], [5, 120], [6, 130]]) s.assigned("c1", ["t-0"], { at, gen });
    s.assigned("c2", ["t-0"], { at: 125, gen: 2 }); // generation 2 again, later: still first seen at 50
    expect(rebalanceStorm.run(s.input(), null)).toEqual([
      { message: "group g rebalanced 4 times between 100.000s and 130.000s (more than 3 within 60s)", atUs: 130e6, evidence: { group: "g", rebalances: 4, fromUs: 100e6, toUs: 130e6 } },
    ]);
    const exact = new GroupStory();
    for (const [gen, at] of [[1, 0], [2, 20], [3, 40], [4, 60]]) exact.assigned("c1", ["t-0"], { at, gen });
    expect(rebalanceStorm.run(exact.input(), 60_000)).toMatchObject([{ evidence: { rebalances: 4, fromUs: 0, toUs: 60e6 } }]);
    expect(rebalanceStorm.run(exact.input(), 30_000)).toEqual([]);
    expect(rebalanceStorm.run(new GroupStory().input(), null)).toEqual([]);
  });

  it("a collapse: under 5% of the arrivals in scope finished in a window that began with a backlog", () => {
    // Acks of offsets 0..39 at 1..40s; the group's delivery starts at offset 2 (0 and 1 are out of its scope); c1
    // finishes 2..9 just after each arrives, then only reprocesses, leaves one unfinished, and group h's work is h's.
    const s = new GroupStory().assigned("c1", ["t-0"], { at: 0, gen: 1 });
    for (let o = 0; o < 40; o++) s.ack(o, o + 1);
    for (let o = 2; o <= 9; o++) s.process("c1", o, { at: o + 1.5 });
    s.process("c1", 14, { at: 16, end: null }).process("c1", 2, { at: 20 });
    for (let o = 14; o <= 20; o++) s.process("h1", o, { at: o + 2, group: "h" });
    s.failedSend(20).ack(0, 21, ["u", 0]).tick(60);
    expect(rebalanceStorm.run(s.input(), 20_000)).toEqual([
      {
        message: "group g finished 0 new record(s) between 15.000s and 35.000s while 20 arrived (throughput collapsed; 4 were already waiting)",
        atUs: 15e6,
        evidence: { group: "g", fromUs: 15e6, toUs: 35e6, arrived: 20, progressed: 0, backlog: 4 },
      },
    ]);
  });
});
