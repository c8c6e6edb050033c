import { readFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeKafkaHistory } from "../../../src/check/jepsen/analysis.js";
import { HistoryFormatError } from "../../../src/check/jepsen/ops.js";
import { parseHistoryText } from "../../../src/check/jepsen/parseHistory.js";
import { describe, expect, it } from "vitest";
import { cli } from "../../support/cli.js";

/**
 * Full history.edn files in the shape Jepsen's Kafka workload writes them (jepsen.store `write-history!`: prn of each
 * jepsen.history.Op, one per line; jepsen.redpanda's queue client and jepsen.bufstream's wrapper for the op fields:
 * `:error` keywords, vectors and abort maps, `:exception` maps of symbols, `:rebalance-log` seqs, `:seek-to-beginning?`,
 * `:poll-ms`, `:debug-topic-partitions` maps, nemesis ops), judged by `kafkasim check` in-process. Each expectation
 * is what kafka.clj's `analysis` and `checker` report for the file, worked out function by function
 * (test/fixtures/jepsen/realistic/README.md gives the reasoning per file).
 */
const dir = join(import.meta.dirname, "..", "..", "fixtures", "jepsen", "realistic");

async function check(file: string) {
  const r = await cli("check", join(dir, file), "--json");
  expect(r.stderr).toBe("");
  return { code: r.code, out: JSON.parse(r.stdout) };
}

describe("realistic Jepsen histories (history.edn as jepsen.store writes it)", () => {
  it("redpanda-assign-valid.edn: partitions, kills, timeouts, a nil offset, polls of nothing, crashes and a huge final reader: valid, exit 0", async () => {
    const { code, out } = await check("redpanda-assign-valid.edn");
    expect(out).toMatchObject({ valid: true, anomalyTypes: [], ops: 52 });
    expect(code).toBe(0);
  });

  it("kafka-txn-subscribe-aborted-read.edn: an aborted txn's record read (G1a), a lost write the final poll jumps over; poll-skip and int-send-skip tolerated", async () => {
    const { code, out } = await check("kafka-txn-subscribe-aborted-read.edn");
    expect(code).toBe(1);
    expect(out.anomalyTypes).toEqual(["G1a", "int-poll-skip", "int-send-skip", "lost-write", "poll-skip", "unseen"]);
    expect(out.valid).toBe(false);
    expect(out.allowed).toEqual(expect.arrayContaining(["int-send-skip", "poll-skip", "nonmonotonic-poll"]));
    // g1a-cases: ok txn 18 read key 1's 3, sent by the aborted txn 13.
    expect(out.anomalies.G1a).toEqual([{ key: 1, value: 3, writer: expect.objectContaining({ index: 13, type: "fail" }), reader: expect.objectContaining({ index: 18, type: "ok" }) }]);
    // lost-write-cases: key 0's 4 (index 2) lies below the final poll's 6 (index 3).
    expect(out.anomalies["lost-write"]).toEqual([{ key: 0, value: 4, index: 2, "max-read-index": 3, writer: expect.objectContaining({ index: 29 }), "max-read": expect.objectContaining({ index: 47 }) }]);
    // int-poll-skip+nonmonotonic-cases: the final read_committed poll skips the lost 4 on key 0 and the aborted 3 on key 1.
    expect(out.anomalies["int-poll-skip"]).toEqual([
      { key: 0, values: [2, 6], skipped: [4], delta: 2, op: expect.objectContaining({ index: 47 }) },
      { key: 1, values: [2, 4], skipped: [3], delta: 2, op: expect.objectContaining({ index: 47 }) },
    ]);
    // int-send-skip+nonmonotonic-cases: process 7's 5 landed between process 1's 3 and 4 on key 2.
    expect(out.anomalies["int-send-skip"]).toEqual([{ key: 2, values: [3, 4], skipped: [5], delta: 2, op: expect.objectContaining({ index: 25 }) }]);
    // poll-skip+nonmonotonic-cases-per-process: process 1 read key 2 up to 1, then from 5.
    expect(out.anomalies["poll-skip"]).toEqual([{ key: 2, delta: 2, skipped: [3], ops: [expect.objectContaining({ index: 11 }), expect.objectContaining({ index: 33 })] }]);
    expect(out.anomalies.unseen).toEqual([expect.objectContaining({ key: 0, count: 1, messages: [4] })]);
  });

  it("bufstream-assign-duplicates.edn: a retried batch written twice, an unclean election's two records at one offset, a consumer that went back; Op records, comments, an :exception map, a reused crashed process", async () => {
    const { code, out } = await check("bufstream-assign-duplicates.edn");
    expect(code).toBe(1);
    expect(out.anomalyTypes).toEqual(["duplicate", "inconsistent-offsets", "int-nonmonotonic-poll", "int-poll-skip", "lost-write", "nonmonotonic-poll", "unseen"]);
    expect(out.anomalies.duplicate).toEqual([{ key: 7, value: 2, count: 2, offsets: [1, 3] }]);
    expect(out.anomalies["inconsistent-offsets"]).toEqual([{ key: 8, offset: 0, index: 0, values: [10, 11] }]);
    expect(out.anomalies["lost-write"]).toEqual([expect.objectContaining({ key: 8, value: 10, index: 0, "max-read-index": 1, writer: expect.objectContaining({ index: 9, process: 1 }) })]);
    // version-orders' by-value keeps a duplicate's last index (key 7's 2 at index 3): 1 then 2 skips, 2 then 3 goes back.
    expect(out.anomalies["int-poll-skip"].map((c: { op: { index: number } }) => c.op.index)).toEqual([13, 29]);
    expect(out.anomalies["int-poll-skip"][0]).toMatchObject({ key: 7, values: [1, 2], skipped: [2, 3], delta: 3 });
    expect(out.anomalies["int-nonmonotonic-poll"][0]).toMatchObject({ key: 7, values: [2, 3], delta: -1 });
    expect(out.anomalies["nonmonotonic-poll"]).toEqual([{ key: 7, values: [2, 3], delta: -1, ops: [expect.objectContaining({ index: 13 }), expect.objectContaining({ index: 21 })] }]);
    // The huge final reader's process, and the ops printed as #jepsen.history.Op records, are read like the rest.
    expect(out.anomalies["int-poll-skip"][1].op).toMatchObject({ process: 30004 });
    expect(out.ops).toBe(30);
  });

  it("bufstream-txn-early-read.edn: two transactions each read the other's record (G1c) and one read its own before committing", async () => {
    const { code, out } = await check("bufstream-txn-early-read.edn");
    expect(code).toBe(1);
    expect(out.anomalyTypes).toEqual(["G1c", "PL-2-cycle-exists", "precommitted-read"]);
    expect(out.anomalies["precommitted-read"]).toEqual([{ op: expect.objectContaining({ index: 9 }), key: 0, value: 2 }]);
    const [g1c] = out.anomalies.G1c;
    expect(g1c.cycle.map((o: { index: number }) => o.index).sort()).toEqual([6, 6, 7]);
    expect(g1c.steps.map((s: { type: string }) => s.type)).toEqual(["wr", "wr"]);
    // The failed txn 11 read key 0's 2 too, but G1a is about failed writes, and nothing it sent was read.
    expect(out.anomalyTypes).not.toContain("G1a");
  });
});

describe("a realistic history.edn cut short anywhere", () => {
  it("is refused naming the op it ends in (HistoryFormatError), or judged when the cut falls between ops; never another error", () => {
    const text = readFileSync(join(dir, "kafka-txn-subscribe-aborted-read.edn"), "utf8");
    const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
    let refused = 0;
    for (let cut = 1; cut < text.length; cut += 23) {
      const part = text.slice(0, cut);
      // The op the cut falls in: the line it ends on (one op per line, no comment lines in this file).
      const line = lineStarts.filter((s) => s <= cut).length - 1;
      try {
        analyzeKafkaHistory(parseHistoryText(part));
        // Judged: the cut fell where the text still reads as whole ops (a line's end, or an op that ends in a map).
      } catch (e) {
        expect(e, `cut at ${cut}`).toBeInstanceOf(HistoryFormatError);
        expect((e as HistoryFormatError).opIndex, `cut at ${cut}: ${(e as Error).message}`).toBe(line);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });
});
