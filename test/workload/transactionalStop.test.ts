import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";

const dir = mkdtempSync(join(tmpdir(), "kafkasim-txn-stop-"));

/** A transactional app that begins a transaction every 9 s (`every: 1s` after each 8-s-open transaction ends). */
function scenario(stop: string): string {
  const f = join(dir, `stop-${stop}.yaml`);
  writeFileSync(
    f,
    `name: txn-stop
description: a transactional workload with a stop time between two transactions
seed: 1
duration: 40s
cluster:
  brokers: 3
  topics: [{ name: payments, partitions: 2, replicationFactor: 3 }]
clients:
  - id: app
    kind: producer
    stop: ${stop}
    config: { transactional.id: payments-writer }
    workload: { transactions: { topic: payments, recordsPerTransaction: 5, every: 1s, openFor: 8s } }
expect: [noAbortedReads]
`,
  );
  return f;
}

describe("a transactional workload's stop:", () => {
  it("begins no transaction at or after its stop time, even one scheduled before it (found from a bug-report scenario)", () => {
    const r = runScenario(loadScenario(scenario("10500ms")), { seed: 1 });
    const begins = r.history.ops.filter((o) => o.f === "txn" && o.type === "invoke").map((o) => o.time / 1000);
    expect(begins.length).toBeGreaterThan(0);
    expect(begins.filter((ms) => ms >= 10_500)).toEqual([]);
  });

  it("still begins the transactions before its stop time", () => {
    const r = runScenario(loadScenario(scenario("30s")), { seed: 1 });
    const begins = r.history.ops.filter((o) => o.f === "txn" && o.type === "invoke").map((o) => o.time / 1000);
    expect(begins.filter((ms) => ms >= 10_500 && ms < 30_000).length).toBeGreaterThan(0);
    expect(begins.filter((ms) => ms >= 30_000)).toEqual([]);
  });
});
