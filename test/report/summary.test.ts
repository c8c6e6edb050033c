import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { formatRunSummary, runJson } from "../../src/report/summary.js";
import { loadScenario } from "../../src/scenario/load.js";
import { parseOverride } from "../../src/scenario/overrides.js";
import { runScenario } from "../../src/runner/run.js";

const c = new Chalk({ level: 0 });

/** The run summary's fault list: the operator's admin calls are listed with the faults, in time order. */
describe("the run summary's faults and admin calls", () => {
  it("retention-delete-records lists its crash and its deleteRecords call in time order, and --json carries the call", () => {
    const r = runScenario(loadScenario("retention-delete-records"));
    const lines = formatRunSummary(r, c, 0).split("\n");
    const i = lines.indexOf("faults and admin calls:");
    expect(i).toBeGreaterThan(0);
    expect(lines.slice(i + 1, i + 3)).toEqual(["    10.000s  crash broker-3 for 40s", "    40.000s  admin deleteRecords orders-0 before offset 7000"]);
    expect(runJson(r, 0).adminOps).toEqual([{ atMs: 40000, op: "deleteRecords", topic: "orders", partition: 0, offset: 7000, description: "admin deleteRecords orders-0 before offset 7000" }]);
  });

  it("a run without admin calls keeps the plain fault list and no adminOps in --json", () => {
    const r = runScenario(loadScenario("acks-1-leader-failover"), { durationMs: 16_000 });
    expect(formatRunSummary(r, c, 0).split("\n")).toContain("faults:");
    expect(runJson(r, 0)).not.toHaveProperty("adminOps");
  });

  it("a fault with on: is listed at the moment its trigger fired, and one whose trigger never matched says so (text and --json)", () => {
    const file = "test/fixtures/bug-reports/kafka-12671-held-produce-hangs-lso.yaml";
    const fired = runScenario(loadScenario(file));
    const lines = formatRunSummary(fired, c, 0).split("\n");
    const crash = lines.find((l) => l.includes("crash app-1 on"))!;
    const atMs = Number(/^\s+(\d+\.\d{3})s  /.exec(crash)![1]) * 1000;
    expect(atMs).toBeGreaterThan(10_000); // not "0.000s": after the held produce of 10s made the transaction abort
    expect(crash).not.toContain("never fired");
    expect(lines.indexOf(crash)).toBeGreaterThan(lines.findIndex((l) => l.includes("hold the first 1 Produce"))); // in time order
    const json = runJson(fired, 0).faults as { op: string; fired: boolean; firedAtMs?: number }[];
    expect(json.map((f) => [f.op, f.fired])).toEqual([["crash", true], ["hold", true]]);
    expect(Math.abs(json[0].firedAtMs! - atMs)).toBeLessThanOrEqual(0.5); // the text rounds to the ms
    expect(json[1].firedAtMs).toBe(10_000);

    const never = runScenario(loadScenario(file, { overrides: [parseOverride("faults.1.on.where.to=READYY")] }));
    const text = formatRunSummary(never, c, 0).split("\n");
    expect(text).toContain("  on producer.txn-state  crash app-1 on app-1's 1st producer.txn-state where from=ABORTING_TRANSACTION,to=READYY  (never fired)");
    expect(text.filter((l) => l.includes("never fired"))).toHaveLength(1);
    expect((runJson(never, 0).faults as { op: string; fired: boolean; firedAtMs?: number }[]).map((f) => [f.op, f.fired, f.firedAtMs])).toEqual([["crash", false, undefined], ["hold", true, 10_000]]);
  });
});
