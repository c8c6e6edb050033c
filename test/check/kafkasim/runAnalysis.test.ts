import { describe, expect, it } from "vitest";
import { runAnalysis } from "../../../src/check/kafkasim/runAnalysis.js";
import { CaseReader } from "../../../src/check/kafkasim/viewSupport.js";
import { History } from "../../../src/workload/history.js";
import { replica } from "../../support/history.js";

/**
 * The run's one Jepsen analysis, which kafkasim's expectations (lostAcknowledgedWrites, duplicates, reordering,
 * pollSkip, …) are views of, and the reader that turns its integer keys, values and ops back into kafkasim's
 * topic-partitions, record values, clients and moments.
 *
 * The story: producer p writes a, b, c to t-0 (acknowledged at offsets 0, 1, 2) and d, which fails; consumer c1,
 * in its second life, reads b at offset 1. The final log has x at offset 0 (a leader change overwrote a) and b.
 * Jepsen: a is a lost write (b, written after it, was read), a and c are unseen, and offset 0 holds a and x.
 */
function story() {
  const h = new History();
  let life = 1;
  h.incarnationOf = () => life;
  for (const [v, o, at] of [["a", 0, 1], ["b", 1, 2], ["c", 2, 3]] as const) {
    const i = h.invoke(at * 1e6, "p", "send", { topic: "t", partition: null, key: null, value: v });
    h.complete(at * 1e6 + 500, i, "ok", { topic: "t", partition: 0, key: null, value: v, offset: o });
  }
  const d = h.invoke(3.5e6, "p", "send", { topic: "t", partition: null, key: null, value: "d" });
  h.complete(3.6e6, d, "fail", { topic: "t", partition: 0, key: null, value: "d" }, "NOT_ENOUGH_REPLICAS");
  life = 2;
  const q = h.invoke(4e6, "c1", "poll", { isolation: "read_uncommitted" });
  h.complete(4e6 + 1, q, "ok", { "t-0": [[1, "b"]] });
  return { history: h, logs: [replica("broker-1", ["x", "b"], { leader: true })] };
}

describe("runAnalysis: one Jepsen analysis per run", () => {
  it("is built once per run and shared by every checker that asks", () => {
    const input = story();
    expect(runAnalysis(input)).toBe(runAnalysis(input));
    expect(runAnalysis(story())).not.toBe(runAnalysis(input));
  });

  it("files value-level cases by topic-partition and record value; an unseen case counts for each of its values", () => {
    const ra = runAnalysis(story());
    expect(ra.analysis.anomalyTypes).toEqual(["inconsistent-offsets", "lost-write", "unseen"]);
    const lost = ra.valueCases("lost-write");
    expect([...lost.keys()]).toEqual(["t-0\u0000a"]);
    expect(lost.get("t-0\u0000a")).toEqual([expect.objectContaining({ value: 0 })]);
    const unseen = ra.valueCases("unseen");
    expect([...unseen.keys()]).toEqual(["t-0\u0000a", "t-0\u0000c"]);
    expect(unseen.get("t-0\u0000a")).toEqual(ra.analysis.anomalies.unseen);
    expect(unseen.get("t-0\u0000c")).toEqual(ra.analysis.anomalies.unseen);
    expect(ra.valueCases("duplicate").size).toBe(0);
  });

  it("a value filed in two cases lists both, and each kind has its own map", () => {
    const ra = runAnalysis(story());
    const lost = ra.analysis.anomalies["lost-write"]!;
    ra.analysis.anomalies["lost-write"] = [...lost, { ...lost[0], index: 9 }]; // as if Jepsen had filed a twice
    expect(ra.valueCases("lost-write").get("t-0\u0000a")?.map((c) => c.index)).toEqual([0, 9]);
    expect(ra.valueCases("unseen")).not.toBe(ra.valueCases("lost-write"));
  });
});

describe("CaseReader: an analysis case back in kafkasim's terms", () => {
  const ra = runAnalysis(story());
  const r = new CaseReader(ra);
  const h = ra.analysis.ctx.h;
  const opsOf = (client: string) => Array.from({ length: h.time.length }, (_, i) => i).filter((i) => r.client(i).startsWith(client));

  it("a key is its topic-partition, a value its record value, at the first offset it was seen (none for a failed send)", () => {
    expect(r.tp(0)).toBe("t-0");
    expect([0, 1, 2, 3].map((v) => r.value(0, v))).toEqual(["a", "b", "c", "d"]);
    expect([0, 1, 2, 3].map((v) => r.offset(0, v))).toEqual([0, 1, 2, null]);
  });

  it("an op is its client, with the life when it restarted, and its moment in µs; the final reader is told apart", () => {
    const c1 = opsOf("c1");
    expect(c1.map((i) => [r.client(i), r.atUs(i), r.attr(i, "isolation") ?? null])).toEqual([
      ["c1 (life 2)", 4e6, null],
      ["c1 (life 2)", 4e6 + 1, "read_uncommitted"],
    ]);
    expect(opsOf("p").map((i) => r.client(i))).toEqual(Array(8).fill("p"));
    expect(opsOf("p").some((i) => r.isFinalRead(i))).toBe(false);
    const last = h.time.length - 1;
    expect([r.client(last), r.isFinalRead(last), r.attr(last, "isolation")]).toEqual(["final-reader", true, "read_committed"]);
  });
});
