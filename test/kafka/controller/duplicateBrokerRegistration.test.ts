import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/runner/run.js";
import { parseScenario } from "../../../src/scenario/load.js";

/**
 * Kafka's ClusterControlManager.registerBroker: a registration from another incarnation of a broker id whose
 * registered incarnation still has a valid session (BrokerHeartbeatManager.hasValidSession: unfenced and heard from
 * within broker.session.timeout.ms, 9 s) is refused with DUPLICATE_BROKER_REGISTRATION; the broker's
 * BrokerLifecycleManager sends it again after ExponentialBackoff(100 ms, ×2, broker.session.timeout.ms, jitter 0.02)
 * until the controller fences the old session, and only then registers. A broker that crashes and comes back within
 * the session timeout therefore returns when its old session expires, not at once.
 */
const scenario = (crashFor: string) =>
  parseScenario(
    `name: quick-restart
description: broker-1 crashes and restarts after ${crashFor}
seed: 1
duration: 30s
cluster:
  brokers: 3
  controllers: 3
  topics:
    - { name: orders, partitions: 3, replicationFactor: 3, config: { min.insync.replicas: 2 } }
clients:
  - id: app
    kind: producer
    config: { acks: all }
    workload: { topic: orders, rate: 50 }
faults:
  - { at: 10s, crash: broker-1, for: ${crashFor} }
expect:
  - noLostAcknowledgedWrites
`,
    "quick-restart.yaml",
  );

interface Rec {
  t: number;
  actor: string;
  type: string;
  data: Record<string, unknown>;
}

/** broker-1's registration answers and the controller's fencing of it, after the crash. */
function afterCrash(crashFor: string): { t: number; what: string }[] {
  const out: { t: number; what: string }[] = [];
  const r = runScenario(scenario(crashFor), {
    seed: 1,
    observe: (x) => {
      const rec = x as Rec;
      if (rec.t < 10_000_000) return;
      if (rec.actor === "broker-1" && rec.type === "broker.registration-failed") out.push({ t: rec.t, what: `refused ${String(rec.data.error)} retry ${String(rec.data.retryMs)}` });
      if (rec.actor === "broker-1" && rec.type === "broker.registered") out.push({ t: rec.t, what: "registered" });
      if (rec.type === "controller.fence" && rec.data.broker === "broker-1") out.push({ t: rec.t, what: `fenced: ${String(rec.data.reason)}` });
    },
  });
  expect(r.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([]);
  return out;
}

describe("a broker back within broker.session.timeout.ms (ClusterControlManager.registerBroker: hasValidSession)", () => {
  it("is refused DUPLICATE_BROKER_REGISTRATION, retries with Kafka's back-off, and registers once its old session expired", () => {
    const steps = afterCrash("2s");
    const refused = steps.filter((s) => s.what.startsWith("refused"));
    expect(refused.length).toBeGreaterThan(2);
    // ExponentialBackoff(100, 2, 9000, 0.02): 100, ~200, ~400, ... each within 2 % of its term.
    const retries = refused.map((s) => Number(s.what.split(" retry ")[1]));
    retries.forEach((ms, i) => expect(Math.abs(ms - Math.min(100 * 2 ** i, 9000))).toBeLessThanOrEqual(Math.ceil(0.02 * Math.min(100 * 2 ** i, 9000))));
    // The old session is fenced as expired (not as "re-registered"), and only then is the new incarnation registered.
    const fence = steps.findIndex((s) => s.what.startsWith("fenced"));
    const registered = steps.findIndex((s) => s.what === "registered");
    expect(steps[fence].what).toBe("fenced: session expired");
    expect(registered).toBeGreaterThan(fence);
    expect(steps.slice(0, fence).every((s) => s.what.startsWith("refused"))).toBe(true);
    // The session ran from broker-1's last heartbeat before the crash (heartbeats every 2 s, so in 8-10 s): it
    // expires 9 s later, seconds after the restart at 12 s.
    expect(steps[fence].t).toBeGreaterThan(17_000_000);
    expect(steps[fence].t).toBeLessThan(19_000_000);
  });

  it("stays quiet for a broker back after its session expired: registered at the first attempt", () => {
    const steps = afterCrash("12s");
    expect(steps.map((s) => s.what)).toEqual(["fenced: session expired", "registered"]);
  });
});
