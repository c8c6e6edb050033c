import { describe, expect, it } from "vitest";
import { formatDuration, parseDurationMs } from "../../src/common/duration.js";
import { describeFault, type FaultOp } from "../../src/sim/index.js";

// One formatter for every duration the CLI, reports and errors print: the scenario's own units, not raw ms.
describe("formatDuration: durations for people", () => {
  it("writes a duration in the unit a scenario author would", () => {
    expect(formatDuration(250)).toBe("250ms");
    expect(formatDuration(1500)).toBe("1.5s");
    expect(formatDuration(10_000)).toBe("10s");
    expect(formatDuration(12_345)).toBe("12.345s");
    expect(formatDuration(120_000)).toBe("2m");
    expect(formatDuration(245_000)).toBe("4m05s");
    expect(formatDuration(11_340_000)).toBe("3h09m");
    expect(formatDuration(360_000_000)).toBe("100h");
    expect(formatDuration(0.5)).toBe("500us");
    expect(formatDuration(0)).toBe("0ms");
  });

  it("reads back as the same duration up to a minute", () => {
    for (const ms of [1, 250, 999, 1000, 1500, 10_000, 59_999]) expect(parseDurationMs(formatDuration(ms))).toBe(ms);
  });
});

describe("describeFault: a fault's line in the run summary and in shrink's output", () => {
  it("prints `for` and trigger delays with the shared formatter, not as raw ms", () => {
    const pause: FaultOp = { atMs: 1000, op: "pause", node: "broker-1", forMs: 10_000 };
    expect(describeFault(pause)).toBe("pause broker-1 for 10s");
    expect(describeFault({ atMs: 0, op: "crash", node: "broker-2", forMs: 1500 })).toBe("crash broker-2 for 1.5s");
    expect(describeFault({ atMs: 0, op: "partition", groups: [["a"], ["b"]], forMs: 250 })).toBe("partition [a] | [b] for 250ms");
    expect(describeFault({ atMs: 0, op: "pause", node: "a", forMs: 100, on: { actor: "b", event: "x.y", nth: 1, delayMs: 2000 } })).toBe("pause a for 100ms on b's 1st x.y + 2s");
  });
});
