import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { partitionLines, producerLines } from "../../src/report/kafkaSummary.js";
import type { RunResult } from "../../src/runner/run.js";
import { History } from "../../src/workload/history.js";
import { replica } from "../support/history.js";

const c = new Chalk({ level: 0 });

describe("the partitions table", () => {
  it("sorts partitions by topic, then by number: clicks-2 before clicks-10", () => {
    const logs = [10, 2, 1, 0, 11].flatMap((p) => [replica("broker-1", ["a"], { tp: ["clicks", p], leader: true }), replica("broker-1", [], { tp: ["audit", p] })]);
    const rows = partitionLines(logs, c).slice(1).map((l) => l.trim().split(/\s+/)[0]);
    expect(rows).toEqual(["audit-0", "audit-1", "audit-2", "audit-10", "audit-11", "clicks-0", "clicks-1", "clicks-2", "clicks-10", "clicks-11"]);
  });
});

describe("the producer table", () => {
  /** One transactional app: a committed transaction, one the app aborted on purpose (its queued sends are dropped
   * with TRANSACTION_ABORTED), one aborted after a failed commit, and a plain send that failed. */
  function story(): RunResult {
    const h = new History();
    const txn = (name: string, sends: { fail?: string }[], end: { type: "ok" | "fail" | "info"; error?: string; commitRequestedUs: number | null }) => {
      const inv = h.invoke(0, "app-1", "txn", { txn: name });
      for (const s of sends) {
        const si = h.invoke(1, "app-1", "send", { topic: "t", partition: null, key: null, value: name, txn: name });
        if (s.fail) h.complete(2, si, "fail", { topic: "t", partition: 0, key: null, value: name, txn: name }, s.fail);
        else h.complete(2, si, "ok", { topic: "t", partition: 0, key: null, value: name, offset: 0, txn: name });
      }
      h.complete(3, inv, end.type, { txn: name, commitRequestedUs: end.commitRequestedUs }, end.error);
    };
    txn("a", [{}, {}], { type: "ok", commitRequestedUs: 1 });
    txn("b", [{}, { fail: "TRANSACTION_ABORTED" }, { fail: "TRANSACTION_ABORTED" }], { type: "fail", error: "TRANSACTION_ABORTED", commitRequestedUs: null });
    txn("c", [{ fail: "NOT_ENOUGH_REPLICAS" }], { type: "fail", error: "NOT_ENOUGH_REPLICAS", commitRequestedUs: 2 });
    txn("d", [{}], { type: "info", error: "REQUEST_TIMED_OUT", commitRequestedUs: 2 });
    return { history: h } as unknown as RunResult;
  }

  it("counts sends dropped with an aborted transaction apart from failed sends", () => {
    const lines = producerLines(story(), c);
    const row = lines.find((l) => l.trim().startsWith("app-1") && l.includes("sent"))!;
    // 7 sent: 4 acknowledged, 1 failed (NOT_ENOUGH_REPLICAS), 2 aborted with their transaction, 0 unknown, 0 pending
    expect(row).toMatch(/7 sent: 4 \/ 1 \/ 2 \/ 0 \/ 0\b/);
    expect(lines[0]).toContain("acknowledged / failed / aborted with their transaction / unknown outcome / no answer yet");
  });

  it("has a transactions line: committed, aborted by the app, aborted on an error, unknown", () => {
    const lines = producerLines(story(), c);
    const row = lines.find((l) => l.includes("transactions:"))!;
    expect(row).toContain("1 committed, 1 aborted by the app, 1 aborted on error, 1 unknown outcome");
  });
});
