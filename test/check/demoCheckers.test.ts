import { describe, expect, it } from "vitest";
import { falseSuspicion, staleWrite } from "../../src/check/demoCheckers.js";
import { History } from "../../src/workload/history.js";

describe("falseSuspicion", () => {
  it("fires when a suspected node heartbeats again from the same incarnation", () => {
    const h = new History();
    h.event(1e6, "monitor", "suspect", { node: "n1", incarnation: 1 });
    h.event(2e6, "monitor", "trust", { node: "n1", incarnation: 1, suspectedIncarnation: 1 });
    expect(falseSuspicion.run({ history: h, logs: [] }, null)).toHaveLength(1);
  });

  it("stays quiet when the node came back as a new incarnation (it really crashed)", () => {
    const h = new History();
    h.event(2e6, "monitor", "trust", { node: "n1", incarnation: 2, suspectedIncarnation: 1 });
    expect(falseSuspicion.run({ history: h, logs: [] }, null)).toEqual([]);
  });
});

describe("staleWrite", () => {
  it("fires when a write with an older lease token is accepted", () => {
    const h = new History();
    h.event(1e6, "store", "write", { node: "n1", token: 1, newestToken: 2 }, "ok");
    expect(staleWrite.run({ history: h, logs: [] }, null)).toHaveLength(1);
  });

  it("stays quiet when stale writes are fenced and current ones accepted", () => {
    const h = new History();
    h.event(1e6, "store", "write", { node: "n1", token: 1, newestToken: 2 }, "fail");
    h.event(1e6, "store", "write", { node: "n2", token: 2, newestToken: 2 }, "ok");
    expect(staleWrite.run({ history: h, logs: [] }, null)).toEqual([]);
  });
});

describe("the demo checkers' findings say who, when and which token or incarnation", () => {
  it("falseSuspicion names the node, the moment it heartbeated again and its incarnation, and reads only trust events", () => {
    const h = new History();
    // A suspect event carries the same fields shape but is not a verdict of the detector; a write neither.
    h.event(1e6, "monitor", "suspect", { node: "n1", incarnation: 1, suspectedIncarnation: 1 });
    h.event(2.5e6, "monitor", "trust", { node: "n1", incarnation: 3, suspectedIncarnation: 3 });
    expect(falseSuspicion.run({ history: h, logs: [] }, null)).toEqual([
      { message: "n1 was suspected but heartbeated again at 2.500s from the same incarnation 3", atUs: 2.5e6, evidence: { node: "n1", incarnation: 3, suspectedIncarnation: 3 } },
    ]);
  });

  it("staleWrite names the writer, its token, the moment and the newest token; a write with a newer token than granted is not stale", () => {
    const h = new History();
    h.event(1e6, "store", "read", { node: "n0", token: 1, newestToken: 2 }, "ok");
    h.event(1.5e6, "store", "write", { node: "n3", token: 3, newestToken: 2 }, "ok");
    h.event(4e6, "store", "write", { node: "n1", token: 1, newestToken: 2 }, "ok");
    expect(staleWrite.run({ history: h, logs: [] }, null)).toEqual([
      { message: "write from n1 with lease token 1 accepted at 4.000s after token 2 was granted", atUs: 4e6, evidence: { node: "n1", token: 1, newestToken: 2 } },
    ]);
  });
});
