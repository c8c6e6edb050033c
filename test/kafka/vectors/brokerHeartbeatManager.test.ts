import { describe, expect, it } from "vitest";
import { ClusterControlHarness, type HeartbeatOutcome } from "../../support/clusterControlHarness.js";

// Vectors from Kafka's metadata/src/test/java/org/apache/kafka/controller/BrokerHeartbeatManagerTest.java
// (apache/kafka 1eb7644): broker sessions, stale-broker fencing and the next state a heartbeat moves a broker to,
// run against kafkasim's ClusterControlManager (src/kafka/controller/clusterControl.ts), which holds Kafka's
// BrokerHeartbeatManager state privately, through test/support/clusterControlHarness.ts (a controller whose
// metadata log commits at once). Shapes adapted:
// - `newBrokerHeartbeatManager()`: session timeout 10_000_000 ns is broker.session.timeout.ms = 10, MockTime's
//   `sleep(ms)` is `ctx.advance(ms)`. Broker `n` is "broker-<n>".
// - `register(id, true)` + `touch(id, false, offset)` is a BrokerRegistration, then a heartbeat caught up with the
//   registration record (kafkasim unfences a broker only that way, as Kafka's calculateNextBrokerState does);
//   `touch(id, true, offset)` is a registered broker that sent no caught-up heartbeat; a later `touch` of an
//   unfenced broker is a heartbeat carrying that metadata offset.
// - `hasValidSession(id)` is read where Kafka's ClusterControlManager.registerBroker reads it: a registration from
//   another incarnation of the broker is refused DUPLICATE_BROKER_REGISTRATION exactly when the registered one has a
//   valid session (a probe that is accepted registers the new incarnation, fenced, as Kafka would).
// - `findOneStaleBroker()` + `fence(id)` is ClusterControlManager.checkSessions, which fences every stale broker in
//   one pass, in registration order (Kafka's QuorumController fences one per event, oldest contact first; the
//   brokers of these tests registered in contact order, so the order is the same).
// - `calculateNextBrokerState(id, request, registerBrokerRecordOffset, hasLeaderships)` is one heartbeat on a fresh
//   setup (Kafka's method is pure; kafkasim's heartbeat applies the change), with `hasLeaderships` the broker being in
//   the harness's `leaders`. The current state is read from the registration before the heartbeat, the next from
//   the answer (shouldShutDown: SHUTDOWN_NOW) and the registration after it (fenced, inControlledShutdown). Kafka's
//   offsets 100 (register broker record offset) / 99 (controlled shutdown offset) / 98 / 50 are kafkasim's log
//   offsets: the broker's own registration offset, the log end after its controlled-shutdown record (X), X - 1, and
//   one below the registration offset.
// - Kafka's IllegalStateException for an unregistered broker is what the controller answers: QuorumController's
//   processBrokerHeartbeat checks the broker epoch first (ClusterControlManager.checkBrokerEpoch), so the broker gets
//   STALE_BROKER_EPOCH.
//
// Not ported, with why: testNextCheckTimeNs (kafkasim checks sessions on the controller's periodic tick, it keeps no
// next-check time), testMetadataOffsetComparator and testBrokerHeartbeatStateList (Kafka's sorted data structures;
// kafkasim scans its maps), the usable-broker half of testUsableBrokerIterator (placement reads the image; see
// ClusterControlManagerTest.testPlaceReplicas), `remove(id)` in testHasValidSession (kafkasim has no
// UnregisterBroker), and calculateNextBrokerState's WantFence cases (kafkasim's BrokerHeartbeatRequest has no
// WantFence: a broker asks to be unfenced by its metadata offset alone, which is what BrokerLifecycleManager's
// WantFence = !readyToUnfence amounts to).

const b = ClusterControlHarness.broker;
type BrokerControlState = "FENCED" | "UNFENCED" | "CONTROLLED_SHUTDOWN" | "SHUTDOWN_NOW";

function currentState(h: ClusterControlHarness, broker: string): BrokerControlState {
  const reg = h.image.brokers.get(broker)!;
  return reg.fenced ? "FENCED" : reg.inControlledShutdown ? "CONTROLLED_SHUTDOWN" : "UNFENCED";
}

function nextState(o: HeartbeatOutcome): BrokerControlState {
  if (o.response.shouldShutDown) return "SHUTDOWN_NOW";
  return o.fenced ? "FENCED" : o.inControlledShutdown ? "CONTROLLED_SHUTDOWN" : "UNFENCED";
}

/** A valid session, probed as registerBroker reads it (see the header). */
function hasValidSession(h: ClusterControlHarness, broker: string): boolean {
  const answer = h.registerNewIncarnation(broker);
  expect(answer).toBeDefined();
  return answer!.error === "DUPLICATE_BROKER_REGISTRATION";
}

describe("BrokerHeartbeatManagerTest", () => {
  it("testHasValidSession", () => {
    const h = new ClusterControlHarness(10);
    expect(hasValidSession(h, b(0))).toBe(false);
    // (The probe registered broker-0; Kafka's test registers it next.)
    for (const id of [1, 2]) h.register(b(id));
    h.heartbeat(b(0), h.image.brokers.get(b(0))!.registrationOffset);
    h.ctx.advance(5);
    h.heartbeat(b(1), h.image.brokers.get(b(1))!.registrationOffset);
    h.heartbeat(b(2), h.image.brokers.get(b(2))!.registrationOffset);
    expect(hasValidSession(h, b(0))).toBe(true);
    expect(hasValidSession(h, b(1))).toBe(true);
    expect(hasValidSession(h, b(2))).toBe(true);
    expect(hasValidSession(h, b(3))).toBe(false);
    h.ctx.advance(6);
    expect(hasValidSession(h, b(0))).toBe(false);
    expect(hasValidSession(h, b(1))).toBe(true);
    expect(hasValidSession(h, b(2))).toBe(true);
    expect(hasValidSession(h, b(3))).toBe(false);
  });

  it("testFindOneStaleBroker", () => {
    const h = new ClusterControlHarness(10);
    for (const id of [0, 1, 2]) h.register(b(id));
    h.heartbeat(b(0), h.image.brokers.get(b(0))!.registrationOffset);
    h.ctx.advance(5);
    h.heartbeat(b(1), h.image.brokers.get(b(1))!.registrationOffset);
    h.ctx.advance(1);
    h.heartbeat(b(2), h.image.brokers.get(b(2))!.registrationOffset);
    expect([0, 1, 2].filter((id) => h.isUnfenced(b(id)))).toEqual([0, 1, 2]);
    h.cluster.checkSessions();
    expect(h.fenced()).toEqual([]);

    h.ctx.advance(5);
    h.cluster.checkSessions();
    expect(h.fenced()).toEqual([b(0)]);
    h.cluster.checkSessions();
    expect(h.fenced()).toEqual([b(0)]);
    expect([0, 1, 2].filter((id) => h.isUnfenced(b(id)))).toEqual([1, 2]);

    h.ctx.advance(20);
    h.cluster.checkSessions();
    expect(h.fenced()).toEqual([b(0), b(1), b(2)]);
    h.cluster.checkSessions();
    expect(h.fenced()).toEqual([b(0), b(1), b(2)]);
    expect([0, 1, 2].filter((id) => h.isUnfenced(b(id)))).toEqual([]);
  });

  it("testUsableBrokerIterator", () => {
    // The lowestActiveOffset half: a broker in controlled shutdown does not hold another back; a fenced broker cannot
    // enter controlled shutdown.
    // Brokers 0-3 unfenced, 4 fenced. Broker 3 asks to shut down while leading (its controlled-shutdown offset X);
    // broker 2 is behind X ("98"), the others at X ("100"). Kafka: lowestActiveOffset() == 98, so 3 may not stop.
    const h = new ClusterControlHarness(10_000);
    for (const id of [0, 1, 2, 3]) h.registerUnfenced(b(id));
    h.register(b(4));
    h.leaders.add(b(3));
    h.heartbeat(b(3), 0, true);
    const x = h.logEndOffset;
    h.leaders.delete(b(3));
    for (const id of [0, 1]) h.heartbeat(b(id), x);
    h.heartbeat(b(2), x - 1);
    expect(nextState(h.heartbeat(b(3), x, true))).toBe("CONTROLLED_SHUTDOWN");
    // maybeUpdateControlledShutdownOffset(2, 0): broker 2 enters controlled shutdown too (it leads, so it must wait);
    // it leaves the active set and lowestActiveOffset() becomes 100: broker 3 may stop.
    h.leaders.add(b(2));
    expect(nextState(h.heartbeat(b(2), x - 1, true))).toBe("CONTROLLED_SHUTDOWN");
    expect(nextState(h.heartbeat(b(3), x, true))).toBe("SHUTDOWN_NOW");
    // maybeUpdateControlledShutdownOffset(4, 0) throws for the fenced broker 4: kafkasim lets it stop at once instead,
    // without a controlled-shutdown record (Kafka's calculateNextBrokerState: FENCED + wantShutDown is SHUTDOWN_NOW).
    h.leaders.add(b(4));
    const o = h.heartbeat(b(4), x, true);
    expect(nextState(o)).toBe("SHUTDOWN_NOW");
    expect(o.inControlledShutdown).toBe(false);
  });

  it("testControlledShutdownOffsetIsOnlyUpdatedOnce", () => {
    // Broker 2 enters controlled shutdown at offset X; asking again later (the log has grown) keeps X: once it leads
    // nothing and every active broker has replayed X (but not the later records), it may stop.
    const h = new ClusterControlHarness(10_000);
    for (const id of [0, 1, 2, 3]) h.registerUnfenced(b(id));
    h.leaders.add(b(2));
    h.heartbeat(b(2), 0, true);
    const x = h.logEndOffset;
    h.register(b(5)); // more records: the log end is past X now
    expect(h.logEndOffset).toBeGreaterThan(x);
    expect(nextState(h.heartbeat(b(2), x, true))).toBe("CONTROLLED_SHUTDOWN");
    h.leaders.delete(b(2));
    for (const id of [0, 1, 3]) h.heartbeat(b(id), x);
    expect(nextState(h.heartbeat(b(2), x, true))).toBe("SHUTDOWN_NOW");
    expect(h.records.filter((r) => r.record.type === "BrokerRegistrationChange").map((r) => r.offset)).toEqual([x - 1]);
  });

  it("testCalculateNextBrokerState", () => {
    // One heartbeat per Kafka assertion, each on a fresh setup (Kafka's calculateNextBrokerState is pure).
    const regOffset = (h: ClusterControlHarness, id: number) => h.image.brokers.get(b(id))!.registrationOffset;
    /**
     * Kafka's setup: brokers 0..5 registered; 0 and 4 fenced at 100; 1 unfenced at 98; 2 and 3 unfenced at 100; 5
     * unfenced at 99 and in controlled shutdown at offset 99 (here X, the log end after its controlled-shutdown record).
     */
    function setup(): { h: ClusterControlHarness; x: number } {
      const h = new ClusterControlHarness(10_000);
      for (let id = 0; id < 6; id++) h.register(b(id));
      for (const id of [1, 2, 3, 5]) h.heartbeat(b(id), regOffset(h, id));
      h.leaders.add(b(5));
      h.heartbeat(b(5), 0, true);
      h.leaders.delete(b(5));
      const x = h.logEndOffset;
      h.heartbeat(b(1), x - 1);
      for (const id of [2, 3]) h.heartbeat(b(id), x);
      expect(currentState(h, b(5))).toBe("CONTROLLED_SHUTDOWN");
      return { h, x };
    }
    /** [current, next] of broker `id`'s heartbeat (`leads`: Kafka's hasLeaderships). */
    function states(h: ClusterControlHarness, id: number, leads: boolean, metadataOffset: number, wantShutDown: boolean): BrokerControlState[] {
      if (leads) h.leaders.add(b(id));
      else h.leaders.delete(b(id));
      const current = currentState(h, b(id));
      return [current, nextState(h.heartbeat(b(id), metadataOffset, wantShutDown))];
    }
    let s = setup();
    expect(states(s.h, 0, false, 0, true)).toEqual(["FENCED", "SHUTDOWN_NOW"]);
    s = setup();
    expect(states(s.h, 0, false, regOffset(s.h, 0), false)).toEqual(["FENCED", "UNFENCED"]);
    s = setup();
    expect(states(s.h, 0, false, regOffset(s.h, 0) - 1, false)).toEqual(["FENCED", "FENCED"]);

    s = setup();
    expect(states(s.h, 1, true, 0, true)).toEqual(["UNFENCED", "CONTROLLED_SHUTDOWN"]);
    s = setup();
    expect(states(s.h, 1, false, 0, true)).toEqual(["UNFENCED", "SHUTDOWN_NOW"]);
    s = setup();
    expect(states(s.h, 1, false, s.x - 1, false)).toEqual(["UNFENCED", "UNFENCED"]);

    s = setup();
    expect(states(s.h, 5, true, 0, true)).toEqual(["CONTROLLED_SHUTDOWN", "CONTROLLED_SHUTDOWN"]);
    // lowestActiveOffset (broker 1, "98") is below broker 5's controlled-shutdown offset ("99").
    s = setup();
    expect(states(s.h, 5, false, 0, true)).toEqual(["CONTROLLED_SHUTDOWN", "CONTROLLED_SHUTDOWN"]);
    // manager.fence(1): lowestActiveOffset is "100" now.
    s = setup();
    s.h.cluster.fence(b(1), "test");
    expect(states(s.h, 5, false, 0, true)).toEqual(["CONTROLLED_SHUTDOWN", "SHUTDOWN_NOW"]);
    s = setup();
    s.h.cluster.fence(b(1), "test");
    expect(states(s.h, 5, true, 0, true)).toEqual(["CONTROLLED_SHUTDOWN", "CONTROLLED_SHUTDOWN"]);

    // "Broker 6 is not registered." / "Broker 7 is not registered.": the controller answers STALE_BROKER_EPOCH.
    s = setup();
    for (const id of [6, 7]) {
      const o = s.h.heartbeat(b(id), 0, true, 100);
      expect(o.response.error).toBe("STALE_BROKER_EPOCH");
      expect(o.response.shouldShutDown).toBe(false);
    }
  });

  it("testTouchThrowsExceptionUnlessRegistered", () => {
    const h = new ClusterControlHarness(10_000);
    h.register(b(1));
    h.register(b(3));
    for (const id of [2, 4]) expect(h.heartbeat(b(id), 0, false, 0).response.error).toBe("STALE_BROKER_EPOCH");
    expect(h.heartbeat(b(1), 0).response.error).toBe("NONE");
    expect(h.image.brokers.has(b(2)) || h.image.brokers.has(b(4))).toBe(false);
  });
});
