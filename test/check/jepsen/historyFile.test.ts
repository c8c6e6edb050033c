import { describe, expect, it } from "vitest";
import { asJepsenOp, describe as describeValue, HistoryFormatError, type JepsenOp } from "../../../src/check/jepsen/ops.js";
import { parseHistoryText } from "../../../src/check/jepsen/parseHistory.js";
import { toEdnLines, toJsonLines } from "../../../src/check/jepsen/writeHistory.js";

/**
 * Reading and writing a history file in Jepsen's op shape (kafka.clj's namespace docstring; jepsen.store writes
 * history.edn one op per line). A malformed file is a user's mistake: one HistoryFormatError naming the op.
 */

/** The error a parse throws, with the op it names. */
function parseError(text: string): { opIndex: number; message: string } {
  try {
    parseHistoryText(text);
  } catch (e) {
    expect(e).toBeInstanceOf(HistoryFormatError);
    return { opIndex: (e as HistoryFormatError).opIndex, message: (e as Error).message };
  }
  throw new Error(`parsed: ${text}`);
}

const plain = (ops: JepsenOp[]) => JSON.parse(JSON.stringify(ops, (_k, v) => (v instanceof Map ? Object.fromEntries(v) : v)));

describe("parseHistoryText: the three shapes of a history file", () => {
  it("an empty file (blank, or only a byte-order mark) is an empty history", () => {
    expect(parseHistoryText("")).toEqual([]);
    expect(parseHistoryText("\uFEFF  \n\t")).toEqual([]);
  });

  it("a JSON array: each op keeps its :index, and one without gets its position", () => {
    const ops = parseHistoryText('\uFEFF[{"index": 7, "type": "invoke", "f": "send", "process": 0, "value": [["send", 1, 2]]}, {"type": "ok", "f": "send", "process": 0, "value": [["send", 1, [0, 2]]]}]');
    expect(ops.map((o) => o.index)).toEqual([7, 1]);
    expect(ops[1].value).toEqual([["send", 1, [0, 2]]]);
  });

  it("JSON lines: one op per line, blank lines skipped; a broken line is named by its op position", () => {
    const text = '{"type": "invoke", "f": "poll", "process": 0, "value": [["poll"]]}\n\n  {"type": "ok", "f": "poll", "process": 0, "value": [["poll", {}]]}\n';
    expect(parseHistoryText(text).map((o) => [o.index, o.type])).toEqual([
      [0, "invoke"],
      [1, "ok"],
    ]);
    const e = parseError('{"type": "ok", "f": "poll", "process": 0}\n\nnot json');
    expect(e.opIndex).toBe(1);
    expect(e.message).toMatch(/^op 1: not a JSON op \(/);
  });

  it("a JSON syntax error names the op it falls in, counting only top-level commas outside strings", () => {
    // The string holds a comma, brackets and an escaped quote; the nested array holds a comma: still op 2.
    const e = parseError('[{"a": "x,]}{\\"y"}, {"c": [1, 2]}, {"b" 2}]');
    expect(e.opIndex).toBe(2);
    expect(e.message).toMatch(/^op 2: not valid JSON \(.*position/);
    expect(parseError('[{"a": 1}, {"b" 2}]').opIndex).toBe(1);
    // An error message without a position names the first op.
    expect(parseError('[{"a": 1}, {"b": ]').opIndex).toBe(0);
  });

  it("EDN, one op map per line: Op records, keywords as strings, comments and blank lines skipped", () => {
    const text = [
      "{:type :invoke, :f :send, :process 0, :value [[:send 1 5]], :index 3} ; first",
      "; a comment line",
      "",
      "#jepsen.history.Op{:type :ok, :f :send, :process 0, :value [[:send 1 [0 5]]], :time 12}",
      "{:type :ok, :f :poll, :process 1, :value [[:poll {1 [[0 5]]}]], :rebalance-log [{:keys [1]}]}",
    ].join("\n");
    const ops = parseHistoryText(text);
    expect(plain(ops)).toEqual([
      { type: "invoke", f: "send", process: 0, value: [["send", 1, 5]], index: 3 },
      { type: "ok", f: "send", process: 0, value: [["send", 1, [0, 5]]], time: 12, index: 1 },
      { type: "ok", f: "poll", process: 1, value: [["poll", { 1: [[0, 5]] }]], "rebalance-log": [{ keys: [1] }], index: 2 },
    ]);
    // A poll's keys stay numbers (a Map), as Jepsen wrote them.
    expect([...((ops[2].value as unknown[][])[0][1] as Map<unknown, unknown>).keys()]).toEqual([1]);
  });

  it("EDN, one vector of ops (with or without Op records); a JSON-looking vector of EDN maps is EDN", () => {
    expect(plain(parseHistoryText("[{:type :ok, :f :assign, :process 0, :value [1]}\n #jepsen.history.Op{:type :ok, :f :crash, :process 1, :value nil}]"))).toEqual([
      { type: "ok", f: "assign", process: 0, value: [1], index: 0 },
      { type: "ok", f: "crash", process: 1, value: null, index: 1 },
    ]);
    expect(parseHistoryText("[#jepsen.history.Op{:type :ok, :f :crash, :process 1}]")).toHaveLength(1);
  });

  it("EDN that is neither: one error at op 0; a vector element that is not a map is named by its position", () => {
    expect(parseError(":foo")).toEqual({ opIndex: 0, message: "op 0: an op must be a map like {:type :invoke, :f :send, :process 0, :value [...]}" });
    expect(parseError("[{:type :ok, :f :send, :process 0, :value []} 5]")).toEqual({ opIndex: 1, message: "op 1: an op must be a map like {:type :invoke, :f :send, :process 0, :value [...]}" });
    // One op per line where the second line is a list, not a map.
    expect(parseError("{:type :ok, :f :send, :process 0, :value []}\n{:a )}").opIndex).toBe(1);
  });
});

describe("parseHistoryText: the whitespace and layout a hand-edited or Jepsen-written file may have", () => {
  const op = (type: string, process: number) => ({ type, f: "assign", process, value: [1] });

  it("leading blank lines before a JSON array; JSON lines with a space after the brace, CRLF and a line of spaces", () => {
    expect(parseHistoryText('\n  [{"type": "ok", "f": "assign", "process": 0, "value": [1]}]')).toHaveLength(1);
    const text = '{ "type": "invoke", "f": "assign", "process": 0, "value": [1]}\r\n   \r\n{ "type": "ok", "f": "assign", "process": 0, "value": [1]}\r\n';
    expect(plain(parseHistoryText(text))).toEqual([
      { ...op("invoke", 0), index: 0 },
      { ...op("ok", 0), index: 1 },
    ]);
  });

  it("EDN: an indented comment and a line of spaces are skipped; a vector with one op map per line is still one vector", () => {
    const lines = ["{:type :invoke, :f :assign, :process 0, :value [1]}", "   ; indented comment", "   ", "{:type :ok, :f :assign, :process 0, :value [1]}"].join("\n");
    expect(plain(parseHistoryText(lines))).toEqual([
      { ...op("invoke", 0), index: 0 },
      { ...op("ok", 0), index: 1 },
    ]);
    // Jepsen's pprint of a vector: "[" alone, then one map per line, then "]": not one op per line.
    const vector = ["[", "{:type :invoke, :f :assign, :process 0, :value [1]}", "{:type :ok, :f :assign, :process 0, :value [1]}", "]"].join("\n");
    expect(plain(parseHistoryText(vector))).toEqual([
      { ...op("invoke", 0), index: 0 },
      { ...op("ok", 0), index: 1 },
    ]);
    // A vector with a space after its bracket is EDN, not broken JSON.
    expect(parseHistoryText("[ {:type :ok, :f :assign, :process 0, :value [1]}]")).toHaveLength(1);
  });

  it("EDN: a record of another tag is read as its map (a Jepsen fork's Op type)", () => {
    expect(plain(parseHistoryText("#my.history.Op{:type :ok, :f :assign, :process 2, :value [1]}"))).toEqual([{ ...op("ok", 2), index: 0 }]);
  });
});

describe("parseHistoryText: what Clojure's printer writes that edn-data does not read as Clojure does", () => {
  it("a process past 2^53 is an integer (a client, jepsen.history client-op?), not refused", () => {
    const ops = parseHistoryText("{:index 0, :type :invoke, :process 9223372036854775807, :f :poll, :value [[:poll]]}\n{:index 1, :type :info, :process :nemesis, :f :kill, :value nil}");
    expect(typeof ops[0].process).toBe("number");
    expect(ops[1].process).toBe("nemesis");
  });

  it("##Inf, ##-Inf and ##NaN are doubles; the same text inside a string stays text", () => {
    const [op] = parseHistoryText('{:index 0, :type :info, :process :nemesis, :f :clock, :value [##Inf ##-Inf ##NaN "##Inf"]}');
    expect(op.value).toEqual([Infinity, -Infinity, NaN, "##Inf"]);
  });

  it("a stream of ops over several lines, one cut short: the error names the op it ends in, not op 0", () => {
    const text = "{:index 0, :type :invoke, :process 0,\n :f :poll, :value [[:poll]]}\n{:index 1, :type :ok, :process 0,\n :f :poll, :value [[:poll {1 [[0 :a]";
    expect(parseError(text)).toEqual({ opIndex: 1, message: 'op 1: the file ends inside this op (a [, { or " is never closed): was it cut short?' });
    // The same with its brackets closed reads two ops; a stray closer after the first names the second.
    expect(parseHistoryText(text + "]}]]}")).toHaveLength(2);
    expect(parseError("{:index 0, :type :invoke, :process 0,\n :f :poll, :value [[:poll]]}\n]").opIndex).toBe(1);
  });
});

describe("asJepsenOp: the fields every op must have", () => {
  const at = (raw: unknown, position = 4) => {
    try {
      asJepsenOp(raw, position);
    } catch (e) {
      return (e as Error).message;
    }
    return "ok";
  };

  it("accepts a well-formed op, setting a missing or null index to its position", () => {
    expect(asJepsenOp({ type: "ok", f: "send", process: "p", value: [] }, 4).index).toBe(4);
    expect(asJepsenOp({ type: "ok", f: "send", process: 0, value: [], index: null, time: null }, 4).index).toBe(4);
    expect(asJepsenOp({ type: "ok", f: "send", process: 0, value: [], index: 9, time: 3 }, 4).index).toBe(9);
  });

  it("refuses anything else, naming the op and what was found", () => {
    expect(at(null)).toBe("op 4: must be a map of op fields (got null)");
    expect(at([1])).toBe("op 4: must be a map of op fields (got [1])");
    expect(at("x")).toBe('op 4: must be a map of op fields (got "x")');
    expect(at({ type: "done", f: "send", process: 0 })).toBe('op 4: type must be one of invoke, ok, fail, info (got "done")');
    expect(at({ type: 1, f: "send", process: 0 })).toBe("op 4: type must be one of invoke, ok, fail, info (got 1)");
    expect(at({ type: "ok", f: "", process: 0 })).toBe('op 4: f must be a name such as send, poll, txn, assign, subscribe (got "")');
    expect(at({ type: "ok", f: 3, process: 0 })).toBe("op 4: f must be a name such as send, poll, txn, assign, subscribe (got 3)");
    expect(at({ type: "ok", f: "send", process: null })).toBe("op 4: process must be a number or a name (got null)");
    expect(at({ type: "ok", f: "send", process: 0, time: "1s" })).toBe('op 4: time must be a number of nanoseconds (got "1s")');
    expect(at({ type: "ok", f: "send", process: 0, index: "3" })).toBe('op 4: index must be a whole number ≥ 0, the op\'s position (got "3")');
  });

  it("refuses a time that is no number of nanoseconds (EDN's ##NaN, ##Inf) and an index that is no position (1.5, -7)", () => {
    expect(at({ type: "ok", f: "send", process: 0, time: NaN })).toBe("op 4: time must be a number of nanoseconds (got NaN: not a finite number)");
    expect(at({ type: "ok", f: "send", process: 0, time: Infinity })).toBe("op 4: time must be a number of nanoseconds (got Infinity: not a finite number)");
    expect(at({ type: "ok", f: "send", process: 0, index: 1.5 })).toBe("op 4: index must be a whole number ≥ 0, the op's position (got 1.5)");
    expect(at({ type: "ok", f: "send", process: 0, index: -7 })).toBe("op 4: index must be a whole number ≥ 0, the op's position (got -7)");
    expect(() => parseHistoryText("{:index 0 :time ##NaN :process 0 :type :invoke :f :send :value [[:send 0 1]]}")).toThrow("op 0: time must be a number of nanoseconds (got NaN: not a finite number)");
  });

  it("describes what it found briefly: nothing, Maps as objects, big integers as numbers, long values cut at 60", () => {
    expect(describeValue(undefined)).toBe("nothing");
    expect(describeValue(new Map([["a", 1]]))).toBe('{"a":1}');
    expect(describeValue([10n])).toBe("[10]");
    expect(describeValue(Symbol.for("s"))).toBe("Symbol(s)");
    const long = describeValue("x".repeat(100));
    expect(long).toBe(`"${"x".repeat(56)}...`);
    expect(long).toHaveLength(60);
    expect(describeValue("x".repeat(58))).toHaveLength(60);
    // Exactly 60 characters is short enough to show whole.
    expect(describeValue("x".repeat(58))).toBe(`"${"x".repeat(58)}"`);
  });
});

describe("writing a history: history.edn and JSON lines", () => {
  const ops: JepsenOp[] = [
    { index: 0, time: 1, process: 0, type: "invoke", f: "send", value: [["send", "t-0", 5]] },
    { index: 1, time: 2, process: 0, type: "ok", f: "send", value: [["send", "t-0", [0, 5]]], client: "p1", extra: undefined },
    { index: 2, time: 3, process: 1, type: "ok", f: "poll", value: [["poll", { "t-0": [[0, 5]] }]], "rebalance-log": [{ keys: ["t-0"] }] },
    { index: 3, process: 1, type: "ok", f: "assign", value: ["t-0"], ok: true },
  ];

  it("EDN: keyword :type, :f and micro-op verbs, rebalance-log :keys, plain data otherwise, one line per op", () => {
    expect(toEdnLines(ops)).toBe(
      [
        '{:index 0 :time 1 :process 0 :type :invoke :f :send :value [[:send "t-0" 5]]}',
        '{:index 1 :time 2 :process 0 :type :ok :f :send :value [[:send "t-0" [0 5]]] :client "p1"}',
        '{:index 2 :time 3 :process 1 :type :ok :f :poll :value [[:poll {"t-0" [[0 5]]}]] :rebalance-log [{:keys ["t-0"]}]}',
        '{:index 3 :process 1 :type :ok :f :assign :value ["t-0"] :ok true}',
        "",
      ].join("\n"),
    );
    expect(toEdnLines([])).toBe("");
  });

  it("round-trips through the reader to the same ops", () => {
    const back = plain(parseHistoryText(toEdnLines(ops)));
    expect(back).toEqual(JSON.parse(JSON.stringify(ops)));
    expect(parseHistoryText(toJsonLines(ops))).toEqual(JSON.parse(JSON.stringify(ops)));
    expect(toJsonLines(ops).split("\n")).toHaveLength(ops.length + 1);
    expect(toJsonLines([])).toBe("");
  });

  it("only the value of send, poll and txn ops has micro-ops; other values and odd entries stay plain", () => {
    const odd: JepsenOp[] = [
      { index: 0, process: 0, type: "ok", f: "crash", value: [["send", 1, 2]] },
      { index: 1, process: 0, type: "ok", f: "txn", value: [5, [1, 2]], note: () => 1 },
      { index: 2, process: 0, type: "ok", f: "send", value: "x" },
    ];
    const lines = toEdnLines(odd).split("\n");
    expect(lines[0]).toContain(':value [["send" 1 2]]');
    expect(lines[1]).toContain(":value [5 [1 2]]");
    expect(lines[1]).toMatch(/:note "\(\) => 1"/);
    expect(lines[2]).toContain(':value "x"');
  });

  it("a txn op's micro-ops are keywords too; nil and false stay EDN's nil and false; other array fields are not micro-ops", () => {
    const txn: JepsenOp = { index: 0, process: 0, type: "ok", f: "txn", value: [["send", "k", [0, 1]], ["poll", { k: [[0, 1]] }]], error: [["send", "timeout"]] };
    expect(toEdnLines([txn])).toBe('{:index 0 :process 0 :type :ok :f :txn :value [[:send "k" [0 1]] [:poll {"k" [[0 1]]}]] :error [["send" "timeout"]]}\n');
    const crash: JepsenOp = { index: 1, process: 0, type: "info", f: "crash", value: null, ok: false };
    expect(toEdnLines([crash])).toBe("{:index 1 :process 0 :type :info :f :crash :value nil :ok false}\n");
  });
});
