import { describe, expect, it } from "vitest";
import { allowedAnomalyTypes } from "../../../src/check/jepsen/allowed.js";

/** kafka.clj `allowed-error-types`: the anomaly keys a test tolerates, by its subscribe and ww-deps settings. */
const always = ["G0", "G0-process", "G0-realtime", "PL-1-cycle-exists", "int-send-skip", "strong-PL-1-cycle-exists"];
const withSubscribe = ["nonmonotonic-poll", "poll-skip"];
const withWwDeps = ["G1c", "G1c-process", "G1c-realtime", "PL-2-cycle-exists", "strong-PL-2-cycle-exists"];
const sorted = (s: Set<string>) => [...s].sort();

describe("allowedAnomalyTypes (kafka.clj allowed-error-types)", () => {
  it("always: int-send-skip and G0 with its variants and the PL-1 cycle-exists cases; nothing else", () => {
    expect(sorted(allowedAnomalyTypes({ subscribe: false, wwDeps: false }))).toEqual(always);
  });

  it("with subscribe: also poll-skip and nonmonotonic-poll (a rebalance may move the consumer), not G1c", () => {
    expect(sorted(allowedAnomalyTypes({ subscribe: true, wwDeps: false }))).toEqual([...always, ...withSubscribe].sort());
  });

  it("with ww-deps: also G1c with its variants and the PL-2 cycle-exists cases, not the poll anomalies", () => {
    expect(sorted(allowedAnomalyTypes({ subscribe: false, wwDeps: true }))).toEqual([...always, ...withWwDeps].sort());
  });

  it("with both: the union", () => {
    expect(sorted(allowedAnomalyTypes({ subscribe: true, wwDeps: true }))).toEqual([...always, ...withSubscribe, ...withWwDeps].sort());
  });
});
