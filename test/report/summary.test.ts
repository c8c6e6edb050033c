import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { formatRunSummary, runJson } from "../../src/report/summary.js";
import { loadScenario } from "../../src/scenario/load.js";
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
});
