import { describe, expect, it } from "vitest";
import { fromJepsenOps, type IndexedHistory } from "../../../src/check/jepsen/indexedHistory.js";
import { convertHistory, indexRunHistory, kafkasimSession, sessionOf, toJepsenHistory } from "../../../src/check/kafkasim/toJepsen.js";
import { History, type SendValue } from "../../../src/workload/history.js";
import { replica } from "../../support/history.js";

// What the analysis is handed of a run: the sessions it groups ops by, convertHistory's sink calls, and
// indexRunHistory's columns, which must hold what fromJepsenOps would index from toJepsenHistory's op objects.

const sendValue = (value: string, extra: Partial<SendValue> = {}): SendValue => ({ topic: "t", partition: null, key: null, value, ...extra });

describe("kafkasim sessions: one per client life", () => {
  it("sessionOf names a client's life `client#life` (life 1 when none is recorded), the same string each time", () => {
    expect(sessionOf({ process: "p" })).toBe("p#1");
    expect(sessionOf({ process: "p", incarnation: 2 })).toBe("p#2");
    expect(sessionOf({ process: "p", incarnation: 2 })).toBe("p#2");
    // A life of 0 (a history recorded without lives) is still named by its number.
    expect(sessionOf({ process: "q", incarnation: 0 })).toBe("q#0");
  });

  it("kafkasimSession groups a converted op by its client and life, and a Jepsen file's op by its process", () => {
    expect(kafkasimSession({ process: 3, client: "p", incarnation: 2 })).toBe("p#2");
    expect(kafkasimSession({ process: 4, client: "p" })).toBe("p#1");
    expect(kafkasimSession({ process: 5 })).toBe(5);
  });
});

describe("convertHistory's sink", () => {
  it("is told each op, then its micro-ops and fields, in order", () => {
    const h = new History();
    const a = h.invoke(1e6, "p", "send", sendValue("a"));
    h.complete(1.1e6, a, "fail", sendValue("a", { partition: 0 }), "NOT_ENOUGH_REPLICAS");
    const calls: unknown[][] = [];
    convertHistory(h.ops, [], {
      op: (...args) => calls.push(["op", ...args]),
      send: (...args) => calls.push(["send", ...args]),
      poll: (...args) => calls.push(["poll", ...args]),
      keys: (...args) => calls.push(["keys", ...args]),
      field: (...args) => calls.push(["field", ...args]),
    });
    expect(calls).toEqual([
      ["op", 1e9, 0, "invoke", "send", "p", 1],
      ["send", "t-0", "a"],
      ["op", 1.1e9, 0, "fail", "send", "p", 1],
      ["send", "t-0", "a"],
      ["field", "error", "NOT_ENOUGH_REPLICAS"],
    ]);
  });
});

describe("indexRunHistory: the run's history straight into the analysis' columns", () => {
  /** Every column and table the analysis reads, as plain arrays. */
  const columns = (x: IndexedHistory) => ({
    n: x.n,
    type: [...x.type],
    f: [...x.f],
    proc: [...x.proc],
    processNames: x.processNames,
    session: [...x.session],
    sessionCount: x.sessionCount,
    pair: [...x.pair],
    opIndex: [...x.opIndex],
    time: [...x.time],
    client: [...x.client],
    incarnation: [...x.incarnation],
    clientNames: x.clientNames,
    opStart: [...x.opStart],
    rows: [...x.eKind].map((kind, r) => [kind, x.keys.names[x.eKey[r]], x.keys.values[x.eKey[r]][x.eVal[r]], x.eOff[r], x.eMop[r]]),
    subKeys: [...x.subKeys].map(([i, ks]) => [i, [...ks].map((k) => x.keys.names[k])]),
    rebalanceKeys: [...x.rebalanceKeys].map(([i, ks]) => [i, [...ks].map((k) => x.keys.names[k])]),
    // The four fields fromJepsenOps indexes (indexRunHistory also keeps the final reader's seek-to-beginning?).
    attrs: [...x.attrs].flatMap(([i, a]) => (["isolation", "error", "txn", "acks"].some((k) => k in a) ? [[i, { isolation: a.isolation, error: a.error, txn: a.txn, acks: a.acks }]] : [])),
    subscribes: x.subscribes,
  });

  it("indexes the same ops, micro-ops, keys, rebalances and fields as toJepsenHistory's objects, sessions by client life", () => {
    const h = new History();
    let life = 1;
    h.incarnationOf = () => life;
    const a = h.invoke(1e6, "p", "send", sendValue("a"));
    h.complete(1.1e6, a, "ok", sendValue("a", { partition: 0, offset: 0 }));
    const b = h.invoke(1.2e6, "p", "send", sendValue("b", { acks: "0" }));
    h.complete(1.2e6, b, "ok", sendValue("b", { acks: "0", partition: 0, offset: -1 }));
    const u = h.invoke(1.25e6, "p", "send", sendValue("u")); // acknowledged, offset unknown: NaN in the columns
    h.complete(1.26e6, u, "ok", sendValue("u", { partition: 0, offset: -1 }));
    const c = h.invoke(1.3e6, "p", "send", sendValue("c"));
    h.complete(1.4e6, c, "fail", sendValue("c", { partition: 0 }), "NOT_ENOUGH_REPLICAS");
    h.event(2e6, "rpw", "assigned", { group: "g", generation: 1, memberId: "m", partitions: ["t-0"], protocol: "range" });
    const r = h.invoke(2.1e6, "rpw", "poll", { group: "g", isolation: "read_committed" });
    h.complete(2.2e6, r, "ok", { "t-0": [[0, "a"], [1, "b"]] });
    const t = h.invoke(2.3e6, "rpw", "txn", { app: "rpw", transactionalId: "tx", txn: "T1" });
    const s1 = h.invoke(2.4e6, "rpw", "send", { topic: "out", partition: null, key: null, value: "t-0@0#T1", txn: "T1" });
    const s2 = h.invoke(2.4e6, "rpw", "send", { topic: "out", partition: null, key: null, value: "t-0@1#T1", txn: "T1" });
    h.complete(2.5e6, s1, "ok", { topic: "out", partition: 0, key: null, value: "t-0@0#T1", offset: 0, txn: "T1" });
    h.complete(2.5e6, s2, "ok", { topic: "out", partition: 0, key: null, value: "t-0@1#T1", offset: 1, txn: "T1" });
    h.complete(2.6e6, t, "ok", { txn: "T1", values: [] });
    h.event(3e6, "c", "assign", { topic: "t", partitions: [0] });
    const q = h.invoke(3.1e6, "c", "poll", null);
    h.complete(3.2e6, q, "fail", null, "OFFSET_OUT_OF_RANGE");
    life = 2;
    h.invoke(4e6, "p", "send", sendValue("d")); // open at the end
    const logs = [replica("broker-1", ["a", "b"], { leader: true }), replica("broker-1", ["t-0@0#T1", "t-0@1#T1"], { leader: true, tp: ["out", 0] })];
    const direct = indexRunHistory(h.ops, logs);
    const viaObjects = fromJepsenOps(toJepsenHistory(h.ops, logs), { sessionOf: kafkasimSession });
    expect(columns(direct)).toEqual(columns(viaObjects));
    // The columns hold what the ops say (so the comparison above is not of two empty histories).
    expect(direct.n).toBe(toJepsenHistory(h.ops, logs).length);
    expect(direct.rebalanceKeys.size).toBe(1);
    expect(direct.subKeys.size).toBe(6); // invoke and ok of rpw's subscribe, c's assign and the final reader's assign
    expect(new Set(direct.session).size).toBe(5); // p#1, rpw#1, c#1, p#2, final-reader#1
    expect([...direct.eMop].some((m) => m > 0)).toBe(true);
    const uValue = direct.keys.values[direct.keys.id.get("t-0")!].indexOf("u");
    expect([...direct.eOff].filter((_, r) => direct.eVal[r] === uValue && direct.eKind[r] === 1)).toEqual([NaN]);
    // Fields the analysis does not index from a file are kept too.
    expect([...direct.attrs.values()].some((a) => a["seek-to-beginning?"] === true)).toBe(true);
  });
});
