import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { groupLines } from "../../src/report/groupSummary.js";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";

const c = new Chalk({ level: 0 });

/** The table rows of `kafka-consumer-groups --describe`'s view: partition, committed, position, log end, lag, owner. */
function rows(lines: string[]): string[][] {
  return lines.filter((l) => /^ {2}\S+-\d+ /.test(l)).map((l) => l.trim().split(/\s+/));
}

describe("the consumer group view", () => {
  it("rebalance-storm: a row for each of the 6 partitions, committed or not, and a backlog that grows", () => {
    const r = runScenario(loadScenario("scenarios/rebalance-storm.yaml"), { durationMs: 60_000 });
    const lines = groupLines(r, c);
    const table = rows(lines);
    expect(table.map((x) => x[0])).toEqual(["invoices-0", "invoices-1", "invoices-2", "invoices-3", "invoices-4", "invoices-5"]);
    // In the first minute most commits are refused (CommitFailedException): some partitions have nothing committed.
    expect(table.filter((row) => row[1] === "-").length).toBeGreaterThan(0);
    for (const row of table) {
      expect(Number(row[2])).toBeGreaterThan(0); // POSITION: records were processed
      // LAG = log end - committed, or - position when nothing is committed (CURRENT-OFFSET "-").
      expect(Number(row[4])).toBe(Number(row[3]) - Number(row[1] === "-" ? row[2] : row[1]));
    }
    const lag = lines.slice(lines.findIndex((l) => l.includes("lag over time")) + 1).filter((l) => /^ {4}invoices-\d+ /.test(l));
    expect(lag).toHaveLength(6);
    const total = (i: number) => lag.reduce((s, l) => s + Number(l.trim().split(/\s+/)[1 + i]), 0);
    expect(total(9)).toBeGreaterThan(total(2) * 1.5); // the backlog grows over the run
    // Each member's refused commits are counted with the error that refused them (a member past
    // max.poll.interval.ms commits into a group that has moved on: CommitFailedException).
    const members = lines.filter((l) => /^ {4}member-\d+ /.test(l));
    expect(members.length).toBeGreaterThan(0);
    for (const m of members) expect(m).toMatch(/commits refused (0|\d+ \(COMMIT_FAILED \d+\))$/);
    expect(members.some((m) => /commits refused [1-9]/.test(m))).toBe(true);
  });

  it("rebalance-storm-fixed: committed offsets show, and the lag stays small", () => {
    const r = runScenario(loadScenario("scenarios/rebalance-storm-fixed.yaml"), { durationMs: 60_000 });
    const table = rows(groupLines(r, c));
    expect(table).toHaveLength(6);
    for (const row of table) {
      expect(Number.isInteger(Number(row[1]))).toBe(true);
      expect(Number(row[4])).toBeLessThan(500);
    }
  });

  it("txn-coordinator-shutdown: LAG is log end minus the committed offset, as kafka-consumer-groups shows it", () => {
    // The read_committed group's position (from the records it processed) stops before each partition's last
    // marker; its commit is past it. LAG counts from CURRENT-OFFSET, so a caught-up partition shows 0, not 1.
    const r = runScenario(loadScenario("scenarios/txn-coordinator-shutdown.yaml"), { seed: 1 });
    const table = rows(groupLines(r, c));
    expect(table.length).toBe(10);
    for (const row of table) if (row[1] !== "-") expect(Number(row[4])).toBe(Math.max(0, Number(row[3]) - Number(row[1])));
    expect(table.filter((row) => row[0].startsWith("payments-") && row[1] === row[3]).every((row) => row[4] === "0")).toBe(true);
  });
});
