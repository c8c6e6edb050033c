import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/runner/run.js";
import { loadScenario } from "../../src/scenario/load.js";
import type { SendValue } from "../../src/workload/history.js";

/**
 * The two cases found outside the project that needed Kafka's connections (test/fixtures/cases, copied from
 * /work/shared/cases): a producer only drains to leaders whose connection is ready, and a transactional producer
 * whose coordinator's connection fails looks the coordinator up again at once.
 */
const CASES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "cases");

describe("acks-0-leader-crash", () => {
  const scenario = loadScenario(join(CASES, "acks-0-leader-crash.yaml"));
  const CRASH_US = 15_000_000;
  /** The crash's reset reaches the producer one link latency later (at most 1.5 ms here). */
  const RESET_KNOWN_US = CRASH_US + 2_000;
  const END_US = 40_000_000;

  it.each([1, 2])("batches wait for the new leader: only sends written before the crash can be lost (seed %i)", (seed) => {
    const r = runScenario(scenario, { seed });
    const inLog = new Set(r.logs.filter((l) => l.leader).flatMap((l) => l.records.map((x) => x.value)));
    const completed = [...r.history.completed("send")].filter(({ done }) => done.type === "ok");
    const lost = completed.filter(({ done }) => !inLog.has((done.value as SendValue).value));
    // Sends completed (written to a socket) once the producer knew of the reset went to a live leader: none of them
    // is lost. Those written before, into broker-1's log or its dying connection, may be (acks=0 is never confirmed).
    // (Sends of the run's last moment are still on the wire when it ends.)
    const lostAfterCrash = lost.filter(({ done }) => done.time > RESET_KNOWN_US && done.time < END_US - 100_000);
    expect(lostAfterCrash.map(({ done }) => `${(done.value as SendValue).value} at ${done.time}µs`)).toEqual([]);
    // And the producer did go on: sends written after the crash reached the new leader's log.
    expect(completed.filter(({ done }) => done.time > CRASH_US + 1_000_000).length).toBeGreaterThan(1000);
  });
});

describe("txn-coordinator-clean-shutdown", () => {
  const scenario = loadScenario(join(CASES, "txn-coordinator-clean-shutdown.yaml"));

  it("the transactional producer finds its new coordinator at once: no stall of a request timeout (seed 5)", () => {
    const r = runScenario(scenario, { seed: 5 });
    expect(r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.details[0]}`)).toEqual([]);
    // Committed transactions of txn-1 around the shutdown (20 s): the longest gap between two is the leadership
    // move, a few seconds, not request.timeout.ms (30 s).
    const commits = r.history.ops.filter((o) => o.process === "txn-1" && o.f === "txn" && o.type === "ok").map((o) => o.time);
    let gapUs = 0;
    for (let i = 1; i < commits.length; i++) gapUs = Math.max(gapUs, commits[i] - commits[i - 1]);
    expect(gapUs).toBeLessThan(5_000_000);
  });
});

describe("txn-coordinator-shutdown (shipped), seed 9: a retry re-enqueued while the transaction aborts", () => {
  const scenario = loadScenario(join(CASES, "..", "..", "..", "scenarios", "txn-coordinator-shutdown.yaml"));

  it("is aborted with the transaction (RecordAccumulator.abortUndrainedBatches), so the EndTxn goes and the producer carries on", () => {
    // At 21.33 s the application aborts while a batch for payments-3 comes back NOT_LEADER_OR_FOLLOWER (the controlled
    // shutdown moved its leader) and is re-enqueued; nothing drains an aborting transaction's batches, so the abort
    // waited for it forever and txn-1 wrote nothing more.
    const r = runScenario(scenario, { seed: 9 });
    const commits = r.history.ops.filter((o) => o.process === "txn-1" && o.f === "txn" && o.type === "ok" && o.time > 25_000_000);
    expect(commits.length).toBeGreaterThan(50);
  });
});
