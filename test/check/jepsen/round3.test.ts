import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeKafkaHistory } from "../../../src/check/jepsen/analysis.js";
import { parseHistoryText } from "../../../src/check/jepsen/parseHistory.js";

/**
 * Round 3 of Jepsen-shaped histories (test/fixtures/jepsen/round3/README.md gives each file, what kafka.clj and
 * Elle report for it, and the function that decides): every anomaly kind with histories where it must fire and where
 * it must stay quiet, and the op shapes Jepsen writes (nil values, keyword processes, several ops on a line, ops over
 * several lines, keywords vs strings, maps and longs past 2^53 as values). Each row: file, whether it is checked
 * with --ww-deps, the anomaly types reported, and whether the history is valid. Where kafkasim still differs from
 * Jepsen on purpose the row says so (KNOWN).
 */
const dir = join(import.meta.dirname, "..", "..", "fixtures", "jepsen", "round3");
const ROWS: [file: string, wwDeps: boolean, anomalies: string[], valid: boolean][] = [
  ["assign-info-nil-value.edn",false,[],true],
  ["client-field-two-lanes.edn",false,[],true],
  ["duplicate.edn",false,["duplicate","int-nonmonotonic-poll"],false],
  ["g0-realtime.edn",true,["G0-realtime","strong-PL-1-cycle-exists"],true],
  ["g0-ww-cycle.edn",true,["G0","PL-1-cycle-exists"],true],
  ["g1a-aborted-read.edn",false,["G1a"],false],
  ["g1a-quiet-info-reader.edn",false,[],true],
  ["g1c-realtime-huge-times.edn",false,["G1c-realtime","strong-PL-2-cycle-exists"],false],
  ["g1c-realtime-quiet-info-poll.edn",false,[],true],
  ["g1c-realtime.edn",false,["G1c-realtime","strong-PL-2-cycle-exists"],false],
  ["g1c-with-failed-txn.edn",false,["G1a","G1c","PL-2-cycle-exists","unseen"],false],
  ["g1c-wr-cycle.edn",true,["G1c","PL-2-cycle-exists"],true],
  ["g1c-ww-wr.edn",true,["G1c","PL-2-cycle-exists"],true],
  ["huge-time-in-anomaly.edn",false,["lost-write","unseen"],false],
  ["inconsistent-offsets-quiet-unproven-info.edn",false,[],true],
  ["inconsistent-offsets.edn",false,["inconsistent-offsets"],false],
  ["int-nonmonotonic-poll.edn",false,["int-nonmonotonic-poll"],false],
  ["int-nonmonotonic-send-failed-txn.edn",false,["int-nonmonotonic-send"],false],
  ["int-nonmonotonic-send.edn",false,["int-nonmonotonic-send"],false],
  ["int-poll-skip-fail-poll.edn",false,["int-poll-skip"],false],
  ["int-poll-skip-quiet-rebalance.edn",false,[],true],
  ["int-poll-skip.edn",false,["int-poll-skip"],false],
  ["int-send-skip-info-txn.edn",false,["int-send-skip"],true],
  ["int-send-skip.edn",false,["int-send-skip"],true],
  ["key-keyword-vs-string.edn",false,[],true],
  ["key-string-vs-number.edn",false,["inconsistent-offsets"],false],
  ["lost-write-info-proven.edn",false,["lost-write"],false],
  ["lost-write-quiet-dup-first-index.edn",false,["duplicate","int-nonmonotonic-poll","nonmonotonic-send","unseen"],false],
  ["lost-write-quiet-info-send.edn",false,[],true],
  ["lost-write.edn",false,["lost-write","unseen"],false],
  ["nemesis-only.edn",false,[],true],
  ["nonmonotonic-poll-quiet-empty-read-between.edn",false,[],true],
  ["nonmonotonic-poll-quiet-reassign.edn",false,[],true],
  ["nonmonotonic-poll-subscribe-allowed.edn",false,["nonmonotonic-poll"],true],
  ["nonmonotonic-poll.edn",false,["nonmonotonic-poll"],false],
  ["nonmonotonic-send-info-first.edn",false,["nonmonotonic-send"],false],
  ["nonmonotonic-send-quiet-assign.edn",false,[],true],
  ["nonmonotonic-send-quiet-unplaced-info-between.edn",false,[],true],
  ["nonmonotonic-send.edn",false,["nonmonotonic-send"],false],
  ["open-invokes-at-end.edn",false,[],true],
  ["phantom-read-info-poll.edn",false,[],true],
  ["phantom-read-ok-poll.edn",true,[],true],
  ["poll-offset-gaps-quiet.edn",false,[],true],
  ["poll-skip-after-fail-assign.edn",false,["poll-skip"],false],
  ["poll-skip-empty-and-full-read-same-op.edn",false,["poll-skip"],false],
  ["poll-skip-info-empty-read-between.edn",false,["poll-skip"],false],
  ["poll-skip-info-poll-between.edn",false,["lost-write","poll-skip","unseen"],false],
  ["poll-skip-quiet-empty-read-between.edn",false,[],true],
  ["poll-skip-quiet-info-assign.edn",false,[],true],
  ["poll-skip-rebalance-log-not-exempt.edn",false,["poll-skip"],false],
  ["poll-skip-subscribe-allowed.edn",false,["poll-skip"],true],
  ["poll-skip.edn",false,["poll-skip"],false],
  ["precommitted-read-failed-txn.edn",false,["empty-transaction-graph","precommitted-read"],false],
  ["precommitted-read-in-send-op.edn",false,[],true],
  ["precommitted-read-two-keys.edn",false,["precommitted-read"],false],
  ["precommitted-read.edn",false,["empty-transaction-graph","precommitted-read"],false],
  ["shape-crash-debug-nemesis.edn",false,[],true],
  ["shape-edn-tags-in-extras.edn",false,[],true],
  ["shape-empty-polls.edn",false,[],true],
  ["shape-fail-error-vector.edn",false,[],true],
  ["shape-huge-time.edn",false,[],true],
  ["shape-info-nil-value.edn",false,[],true],
  ["shape-jsonl-info-null.jsonl",false,["empty-transaction-graph"],false],
  ["shape-keyword-process.edn",false,["unseen"],false],
  ["shape-op-records-extra-keys.edn",false,[],true],
  ["shape-pretty-printed-ops.edn",false,[],true],
  ["shape-two-ops-one-line.edn",false,[],true],
  ["shape-vector-of-ops.edn",false,[],true],
  ["unseen-info-poll-only.edn",false,["unseen"],false],
  ["unseen-only.edn",false,["empty-transaction-graph","unseen"],false],
  ["value-bigint-distinct.edn",false,[],true],
  ["value-bigint-inconsistent.edn",false,["inconsistent-offsets","lost-write","unseen"],false],
  ["value-bigint-inconsistent.jsonl",false,[],true],
  ["value-keyword-vs-string.edn",false,[],true],
  ["value-map-distinct.edn",false,[],true],
  ["value-string-vs-number.edn",false,[],true],
  ["wrong-f-mops-ignored.edn",false,[],true],
];

/** Where kafkasim's verdict is not Jepsen's, and why (README "Checking" says the same). */
const KNOWN: Record<string, string> = {
  "key-string-vs-number.edn": "keys 0 and \"0\" are one key: JSON object keys are strings, so a history converted to JSON could not tell them apart",
  "phantom-read-ok-poll.edn": "Jepsen's checker throws :no-writer-of-value (verdict unknown); kafkasim judges the rest and reports nothing for the read",
  "phantom-read-info-poll.edn": "Jepsen's checker throws :no-writer-of (verdict unknown); kafkasim judges the rest",
  "value-bigint-inconsistent.jsonl": "a JSON number past 2^53 is a double: two longs that round alike are one value (EDN reads them exactly)",
};

describe("Jepsen histories, round 3: kafkasim's verdict is kafka.clj's", () => {
  it.each(ROWS)("%s (ww-deps %s)", (file, wwDeps, anomalies, valid) => {
    const a = analyzeKafkaHistory(parseHistoryText(readFileSync(join(dir, file), "utf8")), { wwDeps });
    expect({ anomalies: a.anomalyTypes.slice().sort(), valid }, KNOWN[file] ?? "kafka.clj's verdict").toEqual({ anomalies, valid: a.valid });
  });

  it("the shapes that were refused or misread before read as Jepsen reads them", () => {
    const verdict = (file: string) => analyzeKafkaHistory(parseHistoryText(readFileSync(join(dir, file), "utf8")));
    // Two ops on one line: both read (the second used to be dropped silently).
    expect(verdict("shape-two-ops-one-line.edn").valid).toBe(true);
    // Two longs past 2^53 at one offset: two values (they used to round to one and pass).
    expect(verdict("value-bigint-inconsistent.edn").anomalyTypes).toEqual(expect.arrayContaining(["inconsistent-offsets", "lost-write"]));
    // :a and "a" are two values; two different maps are two values.
    expect(verdict("value-keyword-vs-string.edn").anomalyTypes).toEqual([]);
    expect(verdict("value-map-distinct.edn").anomalyTypes).toEqual([]);
    // A named (keyword) process is not a client when the clients are integers (jepsen.history client-op?).
    expect(verdict("shape-keyword-process.edn").anomalyTypes).toEqual(["unseen"]);
    // Only nemesis ops: nothing to judge, no empty transaction graph.
    expect(verdict("nemesis-only.edn").anomalyTypes).toEqual([]);
  });
});

describe("reading EDN exactly, whatever else the file holds", () => {
  const ops = (first: string) =>
    [
      first,
      '{:index 0, :time 1, :type :invoke, :process 0, :f :send, :value [[:send 0 9007199254740992]]}',
      '{:index 1, :time 2, :type :ok, :process 0, :f :send, :value [[:send 0 [0 9007199254740992]]]}',
      '{:index 2, :time 3, :type :invoke, :process 1, :f :send, :value [[:send 0 9007199254740993]]}',
      '{:index 3, :time 4, :type :ok, :process 1, :f :send, :value [[:send 0 [0 9007199254740993]]]}',
      '{:index 4, :time 5, :type :invoke, :process 2, :f :send, :value [[:send 0 "s"]]}',
    ].join("\n");

  it("a quote inside a ; comment opens no string: longs past 2^53 after it are still read exactly", () => {
    expect(analyzeKafkaHistory(parseHistoryText(ops('; a note with a "quote'))).anomalyTypes).toContain("inconsistent-offsets");
    expect(analyzeKafkaHistory(parseHistoryText(ops("; no quote"))).anomalyTypes).toContain("inconsistent-offsets");
  });

  it("a stray closing bracket is named as such, not by the EDN reader's internals", () => {
    expect(() => parseHistoryText("{:index 0, :time 1, :type :invoke, :process 0, :f :poll, :value [[:poll]]}\n]")).toThrow(/closing \], \} or \) with no opening one/);
  });
});
