import { describe, expect, it } from "vitest";
import { RunRecorder } from "../../../src/report/recorder/runRecorder.js";
import { runTraced } from "../../support/tracedRun.js";

/**
 * initial.broker.registration.timeout.ms in a run: a broker that restarts while cut off from the controllers cannot
 * register; BrokerLifecycleManager's RegistrationTimeoutEvent gives up after the timeout, BrokerServer.startup fails
 * and the process exits (sim.exit, status 1). It stays down until something starts it again: here, the run's
 * liveness phase, which restarts every process the scenario does not keep down.
 */
function scenario(isolateFor: string, timeout = "") {
  return `name: t
description: a broker restarts while isolated from the controllers
seed: 1
duration: 60s
cluster:
  brokers: 3
${timeout ? `  config: { initial.broker.registration.timeout.ms: ${timeout} }\n` : ""}  topics:
    - { name: orders, partitions: 1, replicationFactor: 3 }
clients:
  - { id: app, kind: producer, config: { acks: all }, workload: { topic: orders, rate: 20 } }
faults:
  - { at: 5s, crash: broker-3, for: 1s }
  - { at: 5500ms, isolate: broker-3, for: ${isolateFor} }
expect:
  - noLostAcknowledgedWrites
`;
}

const broker3 = (trace: ReturnType<typeof runTraced>["trace"], type: string) => trace.filter((t) => t.actor === "broker-3" && t.type === type);

describe("initial.broker.registration.timeout.ms", () => {
  it("a broker not registered within the timeout of its start exits, and stays down until restarted", () => {
    const recorder = new RunRecorder({ messages: false });
    const { r, trace } = runTraced(scenario("40s", "20000"), recorder.attach);
    const [timeout] = broker3(trace, "broker.registration-timeout");
    expect(timeout.t).toBe(6_000_000 + 20_000_000);
    expect(timeout.data).toMatchObject({ timeoutMs: 20000 });
    const exits = broker3(trace, "sim.exit");
    expect(exits.map((t) => [t.t, t.data!.status])).toEqual([[26_000_000, 1]]);
    // Nothing of broker-3 runs until the liveness phase starts it again (after the 60 s).
    const after = trace.filter((t) => t.actor === "broker-3" && t.t > 26_000_000 && t.t < 60_000_000);
    expect(after).toEqual([]);
    const restart = broker3(trace, "sim.start").find((t) => t.t >= 60_000_000)!;
    expect(restart.data!.incarnation).toBe(3);
    expect(broker3(trace, "broker.registered").some((t) => t.t > restart.t)).toBe(true);
    expect(r.status).toBe("ok");
    // The report shows the exit as a moment of its own, and the restart ending it.
    const moments = recorder.moments.filter((m) => m.subject === "broker-3 down and up").map((m) => `${m.atUs} ${m.kind} ${m.text}`);
    expect(moments).toContain("26000000 fault broker-3 exited (status 1)");
    expect(moments.some((m) => m.startsWith(`${restart.t} heal restart broker-3`))).toBe(true);
  });

  it("a broker that registers within the timeout never gives up (the give-up stays quiet)", () => {
    const { trace } = runTraced(scenario("15s", "20000"));
    expect(broker3(trace, "broker.registration-timeout")).toEqual([]);
    expect(broker3(trace, "sim.exit")).toEqual([]);
    expect(broker3(trace, "broker.registered").some((t) => t.t > 20_500_000)).toBe(true);
  });

  it("the default is 60 s: isolated for 40 s, the broker waits it out and registers", () => {
    const { trace } = runTraced(scenario("40s"));
    expect(broker3(trace, "broker.registration-timeout")).toEqual([]);
    expect(broker3(trace, "broker.registered").some((t) => t.t > 45_500_000)).toBe(true);
  });
});
