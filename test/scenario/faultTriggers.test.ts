import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/runner/run.js";
import { ScenarioError } from "../../src/scenario/errors.js";
import { faultToYaml } from "../../src/scenario/faultYaml.js";
import { parseScenario } from "../../src/scenario/load.js";
import type { TraceRecord } from "../../src/sim/index.js";

/**
 * The `hold:` verb (one API's traffic kept by the network, then released in order) and `on:` triggers (a fault
 * fired by a trace record instead of a time), on a small transactional cluster. The transactional.id `pay-app` hashes
 * to `__transaction_state` partition 48, whose leader is its coordinator.
 */
const BASE = `name: t
description: a test
duration: 30s
cluster:
  brokers: 3
  topics: [{ name: payments, partitions: 2, replicationFactor: 3 }]
clients:
  - id: app-1
    kind: producer
    config: { transactional.id: pay-app }
    workload: { transactions: { topic: payments, recordsPerTransaction: 3, every: 100ms } }
`;

function scenario(faults: string) {
  return parseScenario(`${BASE}faults:\n${faults}`, "t.yaml");
}

function run(faults: string, seed = 1) {
  const records: TraceRecord[] = [];
  const r = runScenario(scenario(faults), { seed, observe: (x) => records.push(x) });
  return { r, records };
}

const txnCommits = (r: ReturnType<typeof runScenario>) =>
  r.history.ops.filter((o) => o.process === "app-1" && o.f === "txn" && o.type === "ok").map((o) => o.time);

describe("hold: one API's messages are kept by the network, then released in order", () => {
  it("no transaction of app-1 completes while its EndTxn requests are held; they go on after the release", () => {
    const hold = `  - { at: 10s, hold: { from: app-1, to: "leader:__transaction_state-48", api: EndTxn }, for: 5s }\n`;
    const { r, records } = run(hold);
    const commits = txnCommits(r);
    // The EndTxn sent first after 10 s waits for the release at 15 s; none completes in between.
    expect(commits.filter((t) => t > 10_050_000 && t < 15_000_000)).toEqual([]);
    expect(commits.filter((t) => t > 15_000_000).length).toBeGreaterThan(20);
    expect(records.some((x) => x.type === "net.hold" && x.data?.msg === "EndTxn")).toBe(true);
    const release = records.find((x) => x.type === "sim.release")!;
    expect(release.t).toBe(15_000_000);
    // Without the hold, transactions complete throughout.
    const free = txnCommits(run("  - { at: 29s, pause: app-1 }\n").r);
    expect(free.filter((t) => t > 10_050_000 && t < 15_000_000).length).toBeGreaterThan(20);
  });

  it("with count: 1 only the first EndTxn is held; the retry on a new connection overtakes it, which arrives at the release", () => {
    const hold = `  - at: 5s
    hold: { from: app-1, to: "leader:__transaction_state-48", api: EndTxn, count: 1 }
    until: { event: producer.txn-state, where: { to: COMMITTING_TRANSACTION }, nth: 5 }
`;
    const text = BASE.replace("transactional.id: pay-app }", "transactional.id: pay-app, request.timeout.ms: 3000 }") + `faults:\n${hold}`;
    const records: TraceRecord[] = [];
    const r = runScenario(parseScenario(text, "t.yaml"), { seed: 1, traceMessages: true, observe: (x) => records.push(x) });
    const held = records.filter((x) => x.type === "net.hold");
    expect(new Set(held.map((x) => x.data?.conn)).size).toBe(1); // one connection caught
    const timeout = records.find((x) => x.type === "network.request-timeout" && x.data?.api === "EndTxn")!;
    expect(timeout.t).toBeGreaterThan(7_900_000); // request.timeout.ms after the first EndTxn after 5 s
    // The retry commits; four more transactions begin their commit; then the release lets the old EndTxn through.
    const commitsAfter = txnCommits(r).filter((t) => t > timeout.t);
    expect(commitsAfter.length).toBeGreaterThan(4);
    const release = records.find((x) => x.type === "sim.release")!;
    const late = records.find((x) => x.t >= release.t && x.type === "net.deliver" && x.data?.msg === "EndTxn" && x.data?.conn !== undefined);
    expect(late).toBeDefined();
  });

  it("a hold in a scenario file round-trips through faultToYaml", () => {
    const s = scenario(`  - { at: 10s, hold: { from: app-1, to: broker-2, api: Produce }, for: 15s }\n`);
    expect(faultToYaml(s.faults[0])).toEqual({ at: "10s", hold: { from: "app-1", to: "broker-2", api: "Produce" }, for: "15s" });
  });
});

describe("on: a fault fired by a trace record", () => {
  const trigger = `  - on: { actor: app-1, event: producer.txn-state, where: { to: COMMITTING_TRANSACTION }, nth: 3 }
    pause: app-1
    for: 2s
`;

  it.each([1, 2, 3])("pauses app-1 right after its third commit begins, on every seed (seed %i)", (seed) => {
    const { records } = run(trigger, seed);
    const third = records.filter((x) => x.actor === "app-1" && x.type === "producer.txn-state" && x.data?.to === "COMMITTING_TRANSACTION")[2];
    const pause = records.find((x) => x.type === "sim.pause")!;
    expect(pause.actor).toBe("app-1");
    expect(pause.t).toBe(third.t);
    // Exactly one pause: a trigger fires once.
    expect(records.filter((x) => x.type === "sim.pause")).toHaveLength(1);
    expect(records.find((x) => x.type === "sim.resume")!.t).toBe(third.t + 2_000_000);
  });

  it("with a delay, the fault comes that long after the record; the trigger watches only from at:", () => {
    const { records } = run(`  - { at: 5s, on: { actor: app-1, event: producer.txn-state, where: { to: COMMITTING_TRANSACTION }, delay: 250ms }, pause: app-1, for: 1s }\n`);
    const first = records.find((x) => x.t >= 5_000_000 && x.actor === "app-1" && x.type === "producer.txn-state" && x.data?.to === "COMMITTING_TRANSACTION")!;
    expect(records.find((x) => x.type === "sim.pause")!.t).toBe(first.t + 250_000);
  });

  it("is deterministic: same seed, same digest", () => {
    expect(run(trigger, 2).r.digest).toBe(run(trigger, 2).r.digest);
  });

  it("round-trips through faultToYaml", () => {
    const s = scenario(trigger);
    expect(faultToYaml(s.faults[0])).toEqual({
      on: { actor: "app-1", event: "producer.txn-state", where: { to: "COMMITTING_TRANSACTION" }, nth: 3 },
      pause: "app-1",
      for: "2s",
    });
  });
});

describe("hold: and on: are checked like the rest of the file", () => {
  const bad = (faults: string) => {
    try {
      scenario(faults);
    } catch (e) {
      if (e instanceof ScenarioError) return e.message;
      throw e;
    }
    throw new Error("accepted");
  };

  it("an unknown API or actor in a hold names the path and what is allowed", () => {
    expect(bad(`  - { at: 1s, hold: { from: app-1, to: broker-2, api: EndTransaction } }\n`)).toMatch(/faults\[0\]\.hold\.api.*unknown API "EndTransaction".*EndTxn/);
    expect(bad(`  - { at: 1s, hold: { from: app-9, to: broker-2, api: EndTxn } }\n`)).toMatch(/faults\[0\]\.hold\.from.*unknown actor "app-9"/);
  });

  it("an unknown event, field or value kind in on: names the path and what is allowed", () => {
    expect(bad(`  - { on: { event: producer.txn-stat }, pause: app-1 }\n`)).toMatch(/faults\[0\]\.on\.event.*unknown trace event "producer.txn-stat".*producer\.txn-state/);
    expect(bad(`  - { on: { event: producer.txn-state, where: { state: X } }, pause: app-1 }\n`)).toMatch(/faults\[0\]\.on\.where\.state.*no field "state".*transactionalId \(string\), from \(string\), to \(string\)/);
    expect(bad(`  - { on: { event: producer.send, where: { attempt: "two" } }, pause: app-1 }\n`)).toMatch(/faults\[0\]\.on\.where\.attempt.*must be a number/);
    expect(bad(`  - { on: { event: partition.hw, where: { isr: x } }, pause: app-1 }\n`)).toMatch(/cannot be matched/);
    expect(bad(`  - { on: { actor: app-7, event: producer.send }, pause: app-1 }\n`)).toMatch(/faults\[0\]\.on\.actor.*unknown actor "app-7"/);
    expect(bad(`  - { pause: app-1 }\n`)).toMatch(/faults\[0\].*needs at:/);
    expect(bad(`  - { at: 1s, delay: 1s, pause: app-1 }\n`)).toMatch(/faults\[0\]\.delay.*only applies with on:/);
  });
});

describe("simulator.tcpUserTimeout", () => {
  it("defaults to Linux's tcp_retries2 give-up time and can be set", async () => {
    const { buildWorld } = await import("../../src/scenario/world.js");
    expect(buildWorld(scenario("  - { at: 1s, pause: app-1 }\n")).sim.network.tcp.userTimeoutUs).toBe(924_600_000);
    const s = parseScenario(`${BASE}simulator: { tcpUserTimeout: 30s }\n`, "t.yaml");
    expect(buildWorld(s).sim.network.tcp.userTimeoutUs).toBe(30_000_000);
  });
});
