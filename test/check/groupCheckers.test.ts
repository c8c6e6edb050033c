import { describe, expect, it } from "vitest";
import { committedOffsetRegression, concurrentOwnership, consumedTwice, exactlyOnce, rebalanceStorm, skippedRecords } from "../../src/check/groupCheckers.js";
import type { CheckInput, FinalReplicaLog, GroupOffset } from "../../src/check/input.js";
import { History } from "../../src/workload/history.js";
import { replica } from "../support/history.js";

/** A consumer group's recorded life, told in seconds. */
class GroupStory {
  readonly history = new History();

  process(proc: string, offset: number, o: { at: number; end?: number | null; gen?: number; tp?: [string, number]; group?: string }): this {
    const [topic, partition] = o.tp ?? ["t", 0];
    const v = { group: o.group ?? "g", topic, partition, offset, value: `v${offset}`, generation: o.gen ?? 1, memberId: `${proc}-m` };
    const inv = this.history.invoke(o.at * 1e6, proc, "process", v);
    if (o.end !== null) this.history.complete((o.end ?? o.at + 0.01) * 1e6, inv, "ok", v);
    return this;
  }

  commit(proc: string, offsets: Record<string, number>, o: { at: number; answeredAt?: number; ok?: boolean; kind?: string; gen?: number }): this {
    const v = { group: "g", offsets, generation: o.gen ?? 1, kind: o.kind ?? "sync" };
    const inv = this.history.invoke(o.at * 1e6, proc, "commit", v);
    this.history.complete((o.answeredAt ?? o.at + 0.01) * 1e6, inv, o.ok === false ? "fail" : "ok", v, o.ok === false ? "ILLEGAL_GENERATION" : undefined);
    return this;
  }

  assigned(proc: string, partitions: string[], o: { at: number; gen: number }): this {
    this.history.event(o.at * 1e6, proc, "assigned", { group: "g", generation: o.gen, memberId: `${proc}-m`, partitions, protocol: "range" });
    return this;
  }

  poll(proc: string, tp: string, offsets: number[], at: number): this {
    const inv = this.history.invoke(at * 1e6, proc, "poll", { group: "g", isolation: "read_uncommitted" });
    this.history.complete(at * 1e6, inv, "ok", { [tp]: offsets.map((o) => [o, `v${o}`]) });
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
