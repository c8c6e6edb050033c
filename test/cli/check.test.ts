import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../support/cli.js";

const FIX = "test/fixtures/jepsen";
const dir = mkdtempSync(join(tmpdir(), "kafkasim-check-"));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** A small Jepsen history: process 0 sends a and b to key 1; process 1 polls only b. a is lost. */
const lostOps = [
  { index: 0, time: 10, process: 0, type: "invoke", f: "send", value: [["send", 1, "a"]] },
  { index: 1, time: 20, process: 0, type: "ok", f: "send", value: [["send", 1, [0, "a"]]] },
  { index: 2, time: 30, process: 0, type: "invoke", f: "send", value: [["send", 1, "b"]] },
  { index: 3, time: 40, process: 0, type: "ok", f: "send", value: [["send", 1, [1, "b"]]] },
  { index: 4, time: 50, process: 1, type: "invoke", f: "poll", value: [["poll"]] },
  { index: 5, time: 60, process: 1, type: "ok", f: "poll", value: [["poll", { "1": [[1, "b"]] }]] },
];

describe("kafkasim check on Jepsen's history.edn", () => {
  it("judges a clean assign-mode history (Op records, nemesis ops, crashes, final polls) valid: exit 0", async () => {
    const r = await cli("check", `${FIX}/kafka-assign-clean.edn`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("VALID");
  });

  it("finds what a partition did to key 2 and a consumer that skipped a record: exit 1, Jepsen's keys", async () => {
    // Key 2's leader was cut off with its last acknowledged record; the new leader reused offset 0 for the next
    // send, so the final polls read 1 where 0 had been acknowledged. A consumer's position jumped one record ahead.
    const r = await cli("check", `${FIX}/kafka-assign-lost-write.edn`, "--json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["valid", "anomalies", "anomalyTypes", "allowed", "ops", "worstRealtimeLag"]);
    expect(out).toMatchObject({ valid: false, anomalyTypes: ["inconsistent-offsets", "lost-write", "poll-skip", "unseen"], ops: 194 });
    expect(out.anomalies["lost-write"][0]).toMatchObject({ key: 2, value: 0, index: 0, "max-read-index": 0, writer: { index: 31, process: 2, type: "ok", f: "send" } });
    expect(out.anomalies["inconsistent-offsets"]).toEqual([{ key: 2, offset: 0, index: 0, values: [0, 1] }]);
    expect(out.anomalies["poll-skip"][0]).toMatchObject({ key: 1, delta: 2, skipped: [6], ops: [{ index: 79 }, { index: 109 }] });
    expect(out.allowed).not.toContain("poll-skip");
  });

  it("a transactional subscribe history: an aborted transaction's write read (G1a), poll-skip tolerated", async () => {
    // Process 2's second transaction aborted (invalid producer epoch), yet process 1 read its 2 at key 1 offset 2.
    // The final read_committed poll then jumps from 1 to 3 over that 2: an int-poll-skip that follows from it.
    const r = await cli("check", `${FIX}/kafka-txn-subscribe.edn`, "--json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.anomalyTypes).toEqual(["G1a", "int-poll-skip"]);
    expect(out.anomalies.G1a).toEqual([{ key: 1, value: 2, writer: expect.objectContaining({ index: 9, type: "fail" }), reader: expect.objectContaining({ index: 11 }) }]);
    expect(out.allowed).toEqual(expect.arrayContaining(["poll-skip", "nonmonotonic-poll"]));
  });

  it("prints each anomaly with its ops, key and offsets", async () => {
    const r = await cli("check", `${FIX}/kafka-txn-subscribe.edn`);
    expect(r.stdout).toContain("key 1: op 11 (process 1, ok) read 2 (offset 2), written by op 9 (process 2, fail)");
    expect(r.stdout).toContain("INVALID: G1a, int-poll-skip");
  });
});

describe("kafkasim check on JSON and JSON lines", () => {
  it("reads the same history as a JSON array and as JSON lines, with the same verdict", async () => {
    const a = await cli("check", file("h.json", JSON.stringify(lostOps)), "--json");
    const b = await cli("check", file("h.jsonl", lostOps.map((o) => JSON.stringify(o)).join("\n")), "--json");
    expect(a.code).toBe(1);
    expect(b.stdout).toBe(a.stdout);
    expect(JSON.parse(a.stdout)).toMatchObject({ valid: false, anomalyTypes: ["lost-write", "unseen"], ops: 6 });
  });

  it("a history where every write is read is valid", async () => {
    const ok = [...lostOps.slice(0, 4), { ...lostOps[4] }, { ...lostOps[5], value: [["poll", { "1": [[0, "a"], [1, "b"]] }]] }];
    const r = await cli("check", file("ok.json", JSON.stringify(ok)), "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: true,
      anomalies: {},
      anomalyTypes: [],
      allowed: ["G0", "G0-process", "G0-realtime", "PL-1-cycle-exists", "int-send-skip", "strong-PL-1-cycle-exists"],
      ops: 6,
      // Process 1's poll (invoked at 50 ns) read key 1 up to offset 1, the last one sent: no lag.
      worstRealtimeLag: { time: 50e-9, process: 1, key: 1, lag: 0 },
    });
  });

  it("--ww-deps widens the allowed set to G1c", async () => {
    const r = await cli("check", file("ww.json", JSON.stringify(lostOps)), "--json", "--ww-deps");
    expect(JSON.parse(r.stdout).allowed).toContain("G1c");
  });
});

describe("kafkasim check prints Jepsen's worst realtime lag (kafka.clj :worst-realtime-lag, seconds)", () => {
  const s = 1e9; // ns
  /** Process 0 sends a (offset 0, acknowledged at 1.5s) and b (offset 1, at 2.5s); process 1 polls a at 4s, b at 5s. */
  const lagging = [
    { index: 0, time: 1 * s, process: 0, type: "invoke", f: "send", value: [["send", 1, "a"]] },
    { index: 1, time: 1.5 * s, process: 0, type: "ok", f: "send", value: [["send", 1, [0, "a"]]] },
    { index: 2, time: 2 * s, process: 0, type: "invoke", f: "send", value: [["send", 1, "b"]] },
    { index: 3, time: 2.5 * s, process: 0, type: "ok", f: "send", value: [["send", 1, [1, "b"]]] },
    { index: 4, time: 4 * s, process: 1, type: "invoke", f: "poll", value: [["poll"]] },
    { index: 5, time: 4.1 * s, process: 1, type: "ok", f: "poll", value: [["poll", { "1": [[0, "a"]] }]] },
    { index: 6, time: 5 * s, process: 1, type: "invoke", f: "poll", value: [["poll"]] },
    { index: 7, time: 5.1 * s, process: 1, type: "ok", f: "poll", value: [["poll", { "1": [[1, "b"]] }]] },
  ];

  it("a poll invoked at 4s that read offset 0, when offset 1 was known since 2.5s, lagged 1.5s: in --json and in words", async () => {
    const p = file("lagging.json", JSON.stringify(lagging));
    const json = await cli("check", p, "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).worstRealtimeLag).toEqual({ time: 4, process: 1, key: 1, lag: 1.5 });
    const human = await cli("check", p);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("worst realtime lag: 1.5s (process 1, key 1, poll invoked at 4s)");
  });

  it("no lag when every poll read up to the last offset known; {time: 0, lag: 0} with no poll or no time, as Jepsen", async () => {
    const caughtUp = [...lagging.slice(0, 4), lagging[6], { ...lagging[7], value: [["poll", { "1": [[0, "a"], [1, "b"]] }]] }];
    const r = await cli("check", file("caughtup.json", JSON.stringify(caughtUp)), "--json");
    expect(JSON.parse(r.stdout).worstRealtimeLag).toEqual({ time: 5, process: 1, key: 1, lag: 0 });
    expect((await cli("check", file("caughtup2.json", JSON.stringify(caughtUp)))).stdout).toContain("worst realtime lag: 0s (process 1, key 1, poll invoked at 5s)");
    // Sends only: nothing polled, nothing to measure.
    const sendsOnly = file("sendsonly.json", JSON.stringify(lagging.slice(0, 4)));
    expect(JSON.parse((await cli("check", sendsOnly, "--json")).stdout).worstRealtimeLag).toEqual({ time: 0, lag: 0 });
    expect((await cli("check", sendsOnly)).stdout).toContain("worst realtime lag: 0s (no poll to measure)");
    // kafka.clj computes realtime-lag only when the first client op has a :time (its test histories leave it off).
    const untimed = [{ ...lagging[0], time: undefined }, ...lagging.slice(1)];
    expect(JSON.parse((await cli("check", file("untimed.json", JSON.stringify(untimed)), "--json")).stdout).worstRealtimeLag).toEqual({ time: 0, lag: 0 });
  });
});

describe("kafkasim check --compacted: the log cleaner removes superseded records", () => {
  // On a compacted topic, a record a newer record of its key superseded may be cleaned before a reader gets to it:
  // offset 0 missing from the poll is compaction, not loss. Jepsen's history names no record key, so on the topic's
  // partitions lost-write, unseen, poll-skip and int-poll-skip cannot tell the two apart and are not judged.
  const compactedOps = lostOps.map((o) => JSON.parse(JSON.stringify(o).replaceAll('"1"', '"changelog-0"').replace(/\["send",1,/g, '["send","changelog-0",')));

  it("without it, the cleaned record is a lost write (exit 1); with --compacted changelog the same history is valid", async () => {
    const p = file("compacted.json", JSON.stringify(compactedOps));
    const plain = await cli("check", p, "--json");
    expect(plain.code).toBe(1);
    expect(JSON.parse(plain.stdout).anomalyTypes).toEqual(["lost-write", "unseen"]);
    const judged = await cli("check", p, "--compacted", "changelog");
    expect(judged.code).toBe(0);
    expect(judged.stdout).toContain("compacted: changelog (int-poll-skip, lost-write, poll-skip, unseen not judged on their partitions)");
  });

  it("only the named topic's partitions are spared: another topic's lost write still fails", async () => {
    const r = await cli("check", file("compacted-other.json", JSON.stringify(compactedOps)), "--json", "--compacted", "orders", "--compacted", "change");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).anomalyTypes).toEqual(["lost-write", "unseen"]);
  });
});

describe("kafkasim check on bad input: exit 2, one line naming the file and the op", () => {
  it("a missing file", async () => {
    const r = await cli("check", "no-such-history.edn");
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toBe("no-such-history.edn: no such file");
  });

  it("an op with an unknown type", async () => {
    const p = file("badtype.json", JSON.stringify([lostOps[0], lostOps[1], { ...lostOps[2], type: "done" }]));
    const r = await cli("check", p);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${p}: op 2: type must be one of invoke, ok, fail, info (got "done")`);
  });

  it("a malformed micro-op", async () => {
    const p = file("badmop.jsonl", [lostOps[0], { ...lostOps[1], value: [["send", 1]] }].map((o) => JSON.stringify(o)).join("\n"));
    const r = await cli("check", p);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${p}: op 1: micro-op 0 must be ["send", k, v] or ["send", k, [offset, v]] (got ["send",1])`);
  });

  it("broken JSON names the op it broke in", async () => {
    const text = JSON.stringify(lostOps).replace('"ok","f":"poll"', '"ok" "f":"poll"');
    const r = await cli("check", file("broken.json", text));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json: op 5: not valid JSON/);
  });

  it("broken EDN names the line's op", async () => {
    const r = await cli("check", file("broken.edn", '{:index 0, :type :invoke, :process 0, :f :poll, :value [[:poll]]}\n{:index 1, :type :ok, :process 0, :f :poll, :value [[:poll {1 [[0 :a]}]]}\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.edn: op 1: /);
  });

  it("a symbol, tag or keyword thousands of characters long is refused at once with its line (edn-data reads one in quadratic time: a 1 MB one ran for hours)", async () => {
    const op = "{:index 0, :type :invoke, :process 0, :f :poll, :value [[:poll]]}\n";
    for (const junk of ["#" + "x".repeat(1_000_000), "#" + "y".repeat(10_000_000), ":" + "k".repeat(200_000), "x".repeat(200_000)]) {
      const t = Date.now();
      const r = await cli("check", file("long-token.edn", op + junk + "\n"));
      expect(Date.now() - t).toBeLessThan(5_000);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/long-token\.edn: line 2: an EDN symbol, keyword or tag of \d[\d,]* characters; .*at most 1,000/);
      expect(r.stderr.split("\n")).toHaveLength(1);
    }
    // Long strings and comments are not tokens: read as before.
    const ok = await cli("check", file("long-string.edn", `; ${"c".repeat(100_000)}\n` + op.replace("[[:poll]]", `[[:poll]], :note "${"s".repeat(100_000)}"`)));
    expect(ok.stderr).not.toMatch(/characters;/);
  });

  it("an offset that is not a finite number says so, not \"got null\"", async () => {
    // JSON has no Infinity: 1e400 parses as one.
    const text = JSON.stringify(lostOps).replace('[["send",1,[1,"b"]]]', '[["send",1,[1e400,"b"]]]');
    const p = file("inf.json", text);
    const r = await cli("check", p);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${p}: op 3: micro-op 0: an offset must be a whole number or null (got Infinity: not a finite number)`);
    expect(r.stderr).not.toContain("got null");
  });

  it("an offset past 2^53 (not exact as a number) and a negative polled offset are refused at their op", async () => {
    const big = file("big.json", JSON.stringify(lostOps).replace('{"1":[[1,"b"]]}', '{"1":[[9007199254740993,"b"]]}'));
    const r1 = await cli("check", big);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain(`${big}: op 5: micro-op 0: key "1": an offset must be at most 2^53 - 1`);
    const edn = file("big.edn", '{:index 0, :type :invoke, :process 0, :f :poll, :value [[:poll]]}\n{:index 1, :type :ok, :process 0, :f :poll, :value [[:poll {1 [[36028797018963968 :a]]}]]}\n');
    const r2 = await cli("check", edn);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`${edn}: op 1: micro-op 0: key 1: an offset must be at most 2^53 - 1`);
    const neg = file("neg.json", JSON.stringify(lostOps).replace('{"1":[[1,"b"]]}', '{"1":[[-1,"b"]]}'));
    const r3 = await cli("check", neg);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toBe(`${neg}: op 5: micro-op 0: key "1": a polled record's offset must be ≥ 0 (got -1)`);
    // A send the client completed without an offset (acks=0: the Java client reports -1) stays allowed.
    const acks0 = file("acks0.json", JSON.stringify(lostOps).replace('[["send",1,[0,"a"]]]', '[["send",1,[-1,"a"]]]'));
    expect((await cli("check", acks0)).code).not.toBe(2);
  });

  it("an empty history (no ops) is bad input, exit 2, not a verdict", async () => {
    for (const [name, text] of [["empty.edn", ""], ["blank.jsonl", "\n\n"], ["empty.json", "[]"], ["comments.edn", "; nothing\n"]]) {
      const p = file(name, text);
      const r = await cli("check", p);
      expect(r.code, name).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`${p}: the history has no ops (a history from kafkasim run --history FILE, or Jepsen's history.edn)`);
    }
  });

  /** Jepsen's history.edn lines for lostOps, one op per line as jepsen.store writes them (prn of each op). */
  const ednLines = [
    "{:index 0, :time 10, :type :invoke, :process 0, :f :send, :value [[:send 1 :a]]}",
    "{:index 1, :time 20, :type :ok, :process 0, :f :send, :value [[:send 1 [0 :a]]]}",
    "{:index 2, :time 30, :type :invoke, :process 1, :f :poll, :value [[:poll]]}",
    "{:index 3, :time 40, :type :ok, :process 1, :f :poll, :value [[:poll {1 [[0 :a]]}]]}",
  ];

  it("a history.edn cut short names the op it ends in, whether cut mid-line, after a brace, or before a vector's ]", async () => {
    const whole = ednLines.join("\n") + "\n";
    expect((await cli("check", file("whole.edn", whole))).code).toBe(0);
    const cases: [string, string, string][] = [
      // Cut in the middle of op 2's line: the file ends inside op 2.
      ["cut-mid-line.edn", whole.slice(0, whole.indexOf(":f :poll")), "op 2: the file ends inside this op"],
      // Cut inside op 3's records.
      ["cut-in-records.edn", whole.slice(0, whole.lastIndexOf("[0 :a]") + 3), "op 3: the file ends inside this op"],
      // Op 3's line lost a bracket but still ends with a brace (each line is read on its own).
      ["cut-brace.edn", whole.replace("[[0 :a]]}]]}", "[[0 :a]]}]}"), "op 3: not valid EDN: this op never closes a [, { or \""],
      // A pprinted vector of ops with no closing bracket: every op is whole, the vector is not.
      ["cut-vector.edn", "[" + ednLines.join("\n"), "op 4: the file ends before the vector of ops is closed (no final ])"],
      // A string never closed.
      ["cut-string.edn", ednLines.slice(0, 2).join("\n") + '\n{:index 2, :time 30, :type :info, :process :nemesis, :f :kill, :value "n1', "op 2: the file ends inside this op"],
    ];
    for (const [name, text, message] of cases) {
      const p = file(name, text);
      const r = await cli("check", p);
      expect(r.code, name).toBe(2);
      expect(r.stdout, name).toBe("");
      expect(r.stderr.startsWith(`${p}: ${message}`), `${name}: ${r.stderr}`).toBe(true);
      expect(r.stderr.split("\n"), name).toHaveLength(1);
      expect(r.stderr, name).not.toMatch(/\bat .*\.(js|ts):\d+/);
    }
  });

  it("a client op with a function Jepsen's Kafka client does not have (a typo such as :pol) names the op and the allowed ones", async () => {
    const p = file("unknown-f.edn", ednLines.map((l, i) => (i === 3 ? l.replace(":f :poll", ":f :pol") : l)).join("\n"));
    const r = await cli("check", p);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${p}: op 3: a client op's f must be one of send, poll, txn, assign, subscribe, crash, debug-topic-partitions (got "pol"); only the nemesis (a process that is not an integer) may use others`);
    // The nemesis may use any function, and the client's crash and debug-topic-partitions are known: exit 0.
    const fine = file(
      "nemesis-f.edn",
      [...ednLines, "{:index 4, :time 50, :type :info, :process :nemesis, :f :start-partition, :value [:isolated {\"n1\" #{\"n2\"}}]}", "{:index 5, :time 60, :type :invoke, :process 1, :f :crash, :value nil}", "{:index 6, :time 70, :type :info, :process 1, :f :crash, :value nil}"].join("\n"),
    );
    expect((await cli("check", fine)).code).toBe(0);
  });

  it("fields of the wrong type name the op, the field and what is allowed", async () => {
    const bad = (name: string, i: number, from: string, to: string) => file(name, ednLines.map((l, j) => (j === i ? l.replace(from, to) : l)).join("\n"));
    const cases: [string, string][] = [
      [bad("time-string.edn", 1, ":time 20", ':time "20"'), 'op 1: time must be a number of nanoseconds (got "20")'],
      [bad("process-vector.edn", 2, ":process 1", ":process [1]"), "op 2: process must be a number or a name (got [1])"],
      [bad("type-string.edn", 3, ":type :ok", ':type "done"'), 'op 3: type must be one of invoke, ok, fail, info (got "done")'],
      [bad("value-map.edn", 1, "[[:send 1 [0 :a]]]", "{:send 1}"), "op 1: a send op's value must be a list of micro-ops"],
      [bad("offset-keyword.edn", 3, "[[0 :a]]", "[[:zero :a]]"), 'op 3: micro-op 0: key 1: an offset must be a whole number or null (got ":zero")'],
      [bad("poll-vector.edn", 3, "{1 [[0 :a]]}", "[1 [[0 :a]]]"), "op 3: micro-op 0: a completed poll is a map of key to [[offset, value], ...]"],
      [bad("mop-verb.edn", 1, "[[:send 1", "[[:append 1"), 'op 1: micro-op 0: unknown function "append" (Kafka histories use "send" and "poll")'],
      [bad("op-vector.edn", 2, ednLines[2], "[:invoke 1 :poll]"), "op 2: an op must be a map like {:type :invoke, :f :send, :process 0, :value [...]}"],
    ];
    for (const [p, message] of cases) {
      const r = await cli("check", p);
      expect(r.code, p).toBe(2);
      expect(r.stderr.startsWith(`${p}: ${message}`), `${p}: ${r.stderr}`).toBe(true);
      expect(r.stderr.split("\n"), p).toHaveLength(1);
    }
  });

  it("Clojure's ##Inf, ##-Inf and ##NaN (doubles edn-data cannot read) are read as numbers, not refused", async () => {
    const p = file("inf.edn", [...ednLines, "{:index 4, :time 50, :type :info, :process :nemesis, :f :clock, :value {:skew ##Inf, :min ##-Inf, :mean ##NaN}}"].join("\n"));
    const r = await cli("check", p);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("a scenario, shard file, trace or run summary given to check says what it is and what reads it; a binary file says it is no text (newcomer pass)", async () => {
    const wrong = async (name: string, text: string | Buffer, ...needles: string[]) => {
      const p = file(name, text as string);
      const r = await cli("check", p);
      expect(r.code, name).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n"), name).toHaveLength(1);
      expect(r.stderr.startsWith(`${p}: `)).toBe(true);
      for (const n of needles) expect(r.stderr, name).toContain(n);
    };
    await wrong("s.yaml", "name: t\ndescription: d\nduration: 5s\n", "is a scenario file, not a history", "kafkasim run FILE");
    await wrong("shard.jsonl", '{"kafkasim":"sweep-shard","version":1}\n{"seed":1}\n', "is a shard file", "kafkasim merge");
    await wrong("trace.jsonl", '{"t":0,"actor":"broker-1","type":"sim.start","data":{}}\n', "is a trace");
    await wrong("summary.json", '{\n  "scenario": "t",\n  "seed": 1,\n  "digest": "abc",\n  "checks": []\n}\n', "is a run summary");
    await wrong("junk.bin", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x01]), "is not UTF-8 text");
    await wrong("nul.bin", "{:index 0\0}", "is a binary file");
    // The quiet case: a history whose first op is JSON lines is judged, not taken for another kind of file.
    expect((await cli("check", file("ok.jsonl", lostOps.map((o) => JSON.stringify(o)).join("\n")))).code).toBe(1);
  });

  it("the first line says how consumers read (assign, or subscribe with what that allows) in words", async () => {
    expect((await cli("check", `${FIX}/kafka-assign-clean.edn`)).stdout.split("\n")[0]).toMatch(/ ops; consumers assign$/);
    expect((await cli("check", `${FIX}/kafka-txn-subscribe.edn`)).stdout.split("\n")[0]).toMatch(/ ops; consumers subscribe \(poll-skip and nonmonotonic-poll allowed\)$/);
  });

  it("a process that invokes twice without completing", async () => {
    const r = await cli("check", file("double.json", JSON.stringify([lostOps[0], lostOps[2]])));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/op 2: process 0 invokes while its op 0 is still open/);
  });
});

describe("run --history FILE, then check FILE", () => {
  it("writes the run's client history as history.edn that kafkasim check judges with Jepsen's keys", async () => {
    const edn = join(dir, "acks1.edn");
    const run = await cli("run", "scenarios/acks-1-leader-failover.yaml", "--seed", "1", "--quiet", "--history", edn);
    expect(run.code).toBe(0);
    const r = await cli("check", edn, "--json");
    expect(r.code).toBe(1);
    // acks=1 lost acknowledged writes when the leader crashed: Jepsen sees the lost writes and the reused offsets.
    // At each reused offset kafka.clj's version order keeps `first` of the two values in Clojure's hash order: for
    // one offset of orders-0 that is the new leader's app-1-4499, sent by the same process after its app-1-4495 that
    // had been acknowledged at a higher offset (then lost): a nonmonotonic-send. (Before brokers opened their listeners
    // only once unfenced, the run's file gave app-1-4495 and app-1-4498, which Jepsen was seen to report; this run's
    // file has not been put through Jepsen itself.)
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ valid: false, anomalyTypes: ["inconsistent-offsets", "lost-write", "nonmonotonic-send", "unseen"] });
    expect(out.anomalies["nonmonotonic-send"]).toEqual([expect.objectContaining({ key: "orders-0", values: ["app-1-4495", "app-1-4499"] })]);
  });

  it("writes JSON lines for any other name, and --report DIR writes the Jepsen history next to the summary", async () => {
    const jsonl = join(dir, "acksall.jsonl");
    const report = join(dir, "report");
    expect((await cli("run", "scenarios/acks-all-leader-failover.yaml", "--seed", "1", "--quiet", "--history", jsonl, "--report", report)).code).toBe(0);
    expect((await cli("check", jsonl)).code).toBe(0);
    expect((await cli("check", join(report, "history.jepsen.edn"))).code).toBe(0);
  });
});
