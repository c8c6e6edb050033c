import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";
import { cli } from "../support/cli.js";

/**
 * The liveness phase (issue 12 item 4): after the duration, faults stop and producers stop sending; the run goes on
 * until the cluster has converged or the phase's limit passes ("did not converge: <what, where>", exit 1).
 */
const scenario = (extra: string, topic = "{ name: orders, partitions: 2, replicationFactor: 3 }") => `name: live
description: a liveness test
duration: 12s
cluster:
  brokers: 3
  config: { replica.lag.time.max.ms: 3000 }
  topics: [${topic}]
clients:
  - id: app
    kind: producer
    config: { acks: all, delivery.timeout.ms: 20000, request.timeout.ms: 3000 }
    workload: { topic: orders, rate: 50, keys: { distribution: uniform, count: 5 } }
  - id: reader
    kind: consumer
    config: { group.id: g, auto.offset.reset: earliest }
    workload: { subscribe: [orders] }
${extra}`;

const dir = mkdtempSync(join(tmpdir(), "kafkasim-live-"));
let n = 0;
function file(text: string): string {
  const f = join(dir, `s${n++}.yaml`);
  writeFileSync(f, text);
  return f;
}

describe("liveness phase", () => {
  it("is on by default for faults and admin calls alike, off for a run with neither", () => {
    // An operator's call (alterConfig, reassign, deleteRecords) perturbs the cluster as a fault does: the run must
    // show the cluster settles after it (found by a newcomer: a reassignment ended with sends still unanswered).
    expect(parseScenario(scenario(""), "none.yaml").livenessMs).toBeNull();
    expect(parseScenario(scenario(`faults:\n  - { at: 5s, alterConfig: { topic: orders, key: retention.ms, value: 60000 } }\n`), "admin.yaml").livenessMs).toBe(60_000);
    expect(parseScenario(scenario(`faults:\n  - { at: 5s, crash: broker-2, for: 2s }\n`), "fault.yaml").livenessMs).toBe(60_000);
  });

  it("converges after faults that are still in force at the end: a broker still down, a cut still open", () => {
    // broker-2 is crashed and the reader cut off from everyone when the 12s end; the phase restarts and heals them.
    const s = parseScenario(
      scenario(`faults:
  - { at: 6s, crash: broker-2, for: 60s }
  - { at: 9s, partition: [[reader], [broker-1, broker-2, broker-3]], for: 60s }
expect: [noLostAcknowledgedWrites, noReplicasOutOfSync, noLogDivergence]
`),
      "converges.yaml",
    );
    expect(s.livenessMs).toBe(60_000);
    const r = runScenario(s);
    expect(r.status).toBe("ok");
    expect(r.liveness).not.toBeNull();
    const l = r.liveness!;
    expect(l.convergedAtMs).not.toBeNull();
    expect(l.convergedAtMs!).toBeGreaterThan(12_000);
    expect(l.convergedAtMs!).toBeLessThan(72_000);
    // The engine stopped as soon as the predicate held: the run ends then, not at the limit.
    expect(r.simulatedMs).toBe(l.convergedAtMs);
    // The converged state: every replica of every partition in the ISR with the leader's log, HW = log end.
    for (const p of [0, 1]) {
      const logs = r.logs.filter((x) => x.partition === p);
      expect(logs).toHaveLength(3);
      expect(new Set(logs.map((x) => `${x.logEndOffset}/${x.highWatermark}`)).size).toBe(1);
      expect(logs[0].highWatermark).toBe(logs[0].logEndOffset);
    }
    // Every send has an outcome, and the producer sent nothing after the duration.
    const sends = r.history.ops.filter((o) => o.f === "send");
    expect(sends.filter((o) => o.type === "invoke").length).toBe(sends.filter((o) => o.type !== "invoke").length);
    expect(Math.max(...sends.filter((o) => o.type === "invoke").map((o) => o.time))).toBeLessThanOrEqual(12_000_000);
    // The group is Stable, owns both partitions, and its committed offsets reached the log ends.
    expect(r.groups.find((g) => g.group === "g")?.members.flatMap((m) => m.assignment).sort()).toEqual(["orders-0", "orders-1"]);
    for (const o of r.groupOffsets.filter((x) => x.group === "g")) expect(o.offset).toBe(r.logs.find((x) => x.leader && x.partition === o.partition)!.logEndOffset);
  });

  it("is deterministic: the same seed stops at the same event with the same digest", () => {
    const text = scenario(`faults:\n  - { at: 6s, crash: broker-2, for: 60s }\n`);
    const a = runScenario(parseScenario(text, "a.yaml"), { seed: 7 });
    const b = runScenario(parseScenario(text, "a.yaml"), { seed: 7 });
    expect({ digest: b.digest, events: b.events, at: b.liveness?.convergedAtMs }).toEqual({ digest: a.digest, events: a.events, at: a.liveness?.convergedAtMs });
  });

  it("fires when the cluster cannot converge: the only replica's broker stays down (crash without `for`)", () => {
    const s = parseScenario(scenario(`liveness: 10s\nfaults:\n  - { at: 6s, crash: broker-1 }\n`, "{ name: orders, partitions: 3, replicationFactor: 1 }"), "stuck.yaml");
    const r = runScenario(s);
    expect(r.status).toBe("did-not-converge");
    expect(r.ok).toBe(false);
    expect(r.liveness?.keptDown).toEqual(["broker-1"]);
    expect(r.liveness?.convergedAtMs).toBeNull();
    expect(r.liveness?.gaps.some((g) => /^orders-\d: no leader$/.test(g))).toBe(true);
    expect(r.simulatedMs).toBe(22_000);
  });

  it("fires when the limit is too short for the cluster to settle", () => {
    const s = parseScenario(scenario(`liveness: 1ms\nfaults:\n  - { at: 9s, crash: broker-2, for: 60s }\n`), "short.yaml");
    const r = runScenario(s);
    expect(r.status).toBe("did-not-converge");
    expect(r.liveness!.gaps.length).toBeGreaterThan(0);
  });

  it("a broker the scenario keeps down is left out: the rest converges, under-replicated", () => {
    const s = parseScenario(scenario(`faults:\n  - { at: 6s, crash: broker-3 }\n`), "down.yaml");
    const r = runScenario(s);
    expect(r.status).toBe("ok");
    expect(r.liveness?.keptDown).toEqual(["broker-3"]);
    expect(r.liveness?.convergedAtMs).not.toBeNull();
  });

  it("ends the net verbs too: a hold in force is released, a pending until: or on: never fires", () => {
    // broker-2 crashes until its own restart, a record that only the phase will trace (so it is not kept down, and
    // the until: must not fire after the faults stopped); app's Produce to broker-1 is held with no end (released by
    // the phase); a crash of broker-3 armed on that same record must not fire either.
    const s = parseScenario(
      scenario(`faults:
  - { at: 6s, crash: broker-2, until: { actor: broker-2, event: sim.start, nth: 1 } }
  - { at: 8s, hold: { from: app, to: broker-1, api: Produce } }
  - on: { actor: broker-2, event: sim.start, nth: 1 }
    at: 7s
    crash: broker-3
expect: [noLostAcknowledgedWrites, noReplicasOutOfSync, noLogDivergence]
`),
      "net-verbs.yaml",
    );
    const records: { type: string; actor: string; t: number; data?: Record<string, unknown> }[] = [];
    const r = runScenario(s, { observe: (rec) => records.push(rec as (typeof records)[number]) });
    expect(r.liveness?.keptDown).toEqual([]);
    expect(r.liveness?.convergedAtMs).not.toBeNull();
    expect(r.status).toBe("ok");
    const end = 12_000_000;
    expect(records.some((x) => x.type === "sim.release" && x.t === end && x.data?.from === "app")).toBe(true);
    expect(records.some((x) => x.type === "sim.start" && x.actor === "broker-2" && x.t >= end)).toBe(true);
    expect(records.filter((x) => x.type === "sim.trigger")).toEqual([]);
    expect(records.some((x) => x.type === "sim.crash" && x.actor === "broker-3")).toBe(false);
  });

  it("liveness: none turns it off: the run ends at its duration with faults still in force", () => {
    const s = parseScenario(scenario(`liveness: none\nfaults:\n  - { at: 6s, crash: broker-1 }\n`, "{ name: orders, partitions: 3, replicationFactor: 1 }"), "none.yaml");
    expect(s.livenessMs).toBeNull();
    const r = runScenario(s);
    expect(r.status).toBe("ok");
    expect(r.liveness).toBeNull();
    expect(r.simulatedMs).toBe(12_000);
  });

  it("is off by default without faults, and can be asked for", () => {
    expect(parseScenario(scenario(""), "quiet.yaml").livenessMs).toBeNull();
    const s = parseScenario(scenario("liveness: 30s\n"), "asked.yaml");
    expect(s.livenessMs).toBe(30_000);
    const r = runScenario(s);
    expect(r.status).toBe("ok");
    expect(r.liveness?.convergedAtMs).not.toBeNull();
  });

  it("the CLI reports it in the text summary and --json, with exit 1", async () => {
    const f = file(scenario(`liveness: 10s\nfaults:\n  - { at: 6s, crash: broker-1 }\n`, "{ name: orders, partitions: 1, replicationFactor: 1 }"));
    const text = await cli("run", f);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("did not converge: ");
    expect(text.stdout).toContain("orders-0: no leader");
    expect(text.stdout).toContain("kept down: broker-1");
    const json = await cli("run", f, "--json");
    expect(json.code).toBe(1);
    const o = JSON.parse(json.stdout) as { status: string; ok: boolean; liveness: { converged: boolean; message: string; gaps: string[] } };
    expect(o.status).toBe("did-not-converge");
    expect(o.ok).toBe(false);
    expect(o.liveness.converged).toBe(false);
    expect(o.liveness.message).toMatch(/^did not converge: /);
    expect(o.liveness.gaps).toContain("orders-0: no leader");
    const ok = await cli("run", file(scenario(`faults:\n  - { at: 6s, crash: broker-2, for: 3s }\n`)), "--json");
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { liveness: { converged: boolean } }).liveness.converged).toBe(true);
  });
});
