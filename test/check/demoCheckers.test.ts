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
