import { describe, expect, it } from "vitest";
import { BrokerLifecycleManager } from "../../../src/kafka/broker/brokerLifecycleManager.js";
import type { ControllerChannel } from "../../../src/kafka/broker/controllerChannel.js";
import type { BrokerHeartbeatRequest, BrokerHeartbeatResponse, BrokerRegistrationRequest, BrokerRegistrationResponse } from "../../../src/kafka/protocol/controllerMessages.js";
import { Disk } from "../../../src/sim/index.js";
import { FakeContext } from "../../support/fakeContext.js";

// Vectors from Kafka's core/src/test/scala/unit/kafka/server/BrokerLifecycleManagerTest.scala (apache/kafka
// 1eb7644): a broker's registration and heartbeats as its BrokerLifecycleManager sends them, run against kafkasim's
// BrokerLifecycleManager (src/kafka/broker/brokerLifecycleManager.ts) on a FakeContext. Shapes adapted:
// - Kafka's MockChannelManager + MockClient (`prepareResponseFrom`, `unsentQueue`) are a fake ControllerChannel
//   that keeps each request the manager sends; the test answers it (`answer`). broker.heartbeat.interval.ms = 100
//   and broker.session.timeout.ms = 1000, as the test's configProperties.
// - kafkasim has no BrokerState; the states Kafka asserts are read from what the manager does: STARTING / RECOVERY
//   (registered, fenced: `brokerEpoch` set, heartbeats go), RUNNING (the first unfencing: `onFirstUnfenced`, Kafka's
//   initialUnfenceFuture, ran), PENDING_CONTROLLED_SHUTDOWN (a heartbeat with WantShutDown in flight), SHUTTING_DOWN
//   after a controlled shutdown (the `done` of beginControlledShutdown, Kafka's controlledShutdownFuture, ran).
// - `start(..., previousBrokerEpoch = OptionalLong.of(10))` is a broker whose clean-shutdown file (KIP-966) holds 10:
//   a manager on the same disk recorded a clean shutdown at broker epoch 10.
//
// Not ported, with why: testCreateAndClose / testCreateStartAndClose (no manager thread to close),
// testSuccessfulRegistrationDuringMigration (ZooKeeper migration), testAlwaysSendsAccumulatedOfflineDirs and
// testKraftJBODMetadataVersionUpdateEvent (offline log directories / JBOD, not modelled), testRegistrationIncludesDirs
// (kafkasim's broker has one log directory; its directory.id is in the registration, see the first test).
//
// testRegistrationTimeout: Kafka's manager gives up when no registration succeeded within
// initial.broker.registration.timeout.ms (60 s by default; BrokerLifecycleManager's RegistrationTimeoutEvent): state
// SHUTTING_DOWN, initialCatchUpFuture failed, and the broker process exits. kafkasim's manager stops sending and
// calls its `onRegistrationTimeout` (the broker's process exits: `ctx.exit(1)`), counted here as `timedOut`.

interface Sent {
  req: BrokerRegistrationRequest | BrokerHeartbeatRequest;
  onResponse: (res: never) => void;
  dropped: boolean;
}

class Harness {
  readonly ctx: FakeContext;
  readonly sent: Sent[] = [];
  readonly manager: BrokerLifecycleManager;
  firstUnfenced = 0;
  timedOut = 0;
  metadataOffset = 0;
  private nextId = 1;

  constructor(disk = new Disk(), initialRegistrationTimeoutMs = 60_000) {
    this.ctx = new FakeContext("broker-1", disk);
    const channel = {
      send: (make: (id: number) => Sent["req"], onResponse: Sent["onResponse"]) => {
        const req = make(this.nextId++);
        this.sent.push({ req, onResponse, dropped: false });
        return req.correlationId;
      },
      drop: (id: number) => this.sent.filter((s) => s.req.correlationId === id).forEach((s) => (s.dropped = true)),
      redirect: () => {},
      hint: () => {},
    } as unknown as ControllerChannel;
    this.manager = new BrokerLifecycleManager(this.ctx, channel, 100, 1000, () => this.metadataOffset, () => this.firstUnfenced++, initialRegistrationTimeoutMs, () => this.timedOut++);
  }

  /** Requests sent and neither answered nor dropped (Kafka's unsentQueue + in-flight requests). */
  inFlight(): Sent[] {
    return this.sent.filter((s) => !s.dropped);
  }

  registrationAnswer(res: Partial<BrokerRegistrationResponse>): void {
    const s = this.take("BrokerRegistration");
    s.onResponse({ type: "BrokerRegistrationResponse", correlationId: s.req.correlationId, error: "NONE", brokerEpoch: -1, leaderHint: null, ...res } as never);
  }

  heartbeatAnswer(res: Partial<BrokerHeartbeatResponse>): BrokerHeartbeatRequest {
    const s = this.take("BrokerHeartbeat");
    s.onResponse({ type: "BrokerHeartbeatResponse", correlationId: s.req.correlationId, error: "NONE", isFenced: true, shouldShutDown: false, leaderHint: null, ...res } as never);
    return s.req as BrokerHeartbeatRequest;
  }

  private take(type: Sent["req"]["type"]): Sent {
    const s = this.inFlight().find((x) => x.req.type === type);
    if (!s) throw new Error(`no ${type} in flight`);
    s.dropped = true;
    return s;
  }
}

describe("BrokerLifecycleManagerTest", () => {
  it("testSuccessfulRegistration", () => {
    const disk = new Disk();
    const before = new Harness(disk);
    before.manager.brokerEpoch = 10;
    before.manager.recordCleanShutdown();

    const h = new Harness(disk);
    h.manager.register();
    expect(h.inFlight().length).toBe(1);
    const req = h.inFlight()[0].req as BrokerRegistrationRequest;
    expect(req.type).toBe("BrokerRegistration");
    expect(req.previousBrokerEpoch).toBe(10);
    h.registrationAnswer({ brokerEpoch: 1000 });
    expect(h.manager.brokerEpoch).toBe(1000);
  });

  it("testRegistrationTimeout", () => {
    const h = new Harness();
    h.manager.register();
    // We should send the first registration request and get a failure immediately.
    h.registrationAnswer({ error: "DUPLICATE_BROKER_REGISTRATION" });
    expect(h.inFlight().length).toBe(0);
    // Verify that we resend the registration request (Kafka sleeps 100 ms at a time until it goes; the back-off is
    // 100 ms ± 2 % jitter).
    h.ctx.advance(200);
    expect(h.inFlight().map((s) => s.req.type)).toEqual(["BrokerRegistration"]);
    h.registrationAnswer({ error: "DUPLICATE_BROKER_REGISTRATION" });
    // Verify that we time out eventually: no registration is sent after initial.broker.registration.timeout.ms.
    h.ctx.advance(300_000);
    while (h.inFlight().length > 0) h.registrationAnswer({ error: "DUPLICATE_BROKER_REGISTRATION" });
    h.ctx.advance(300_000);
    expect(h.manager.brokerEpoch).toBe(-1);
    expect(h.inFlight().length).toBe(0);
    // kafkasim: the give-up is traced and the broker's process told, once.
    expect(h.timedOut).toBe(1);
    expect(h.ctx.traces.filter((t) => t.type === "broker.registration-timeout").map((t) => t.atUs)).toEqual([60_000_000]);
  });

  it("testControlledShutdown", () => {
    const h = new Harness();
    h.manager.register();
    h.registrationAnswer({ brokerEpoch: 1000 });
    // STARTING → RECOVERY: registered, heartbeating, fenced.
    h.heartbeatAnswer({ isFenced: true });
    expect(h.manager.brokerEpoch).toBe(1000);
    expect(h.firstUnfenced).toBe(0);
    h.ctx.advance(20);
    // RUNNING: the controller unfenced it.
    h.heartbeatAnswer({ isFenced: false });
    expect(h.firstUnfenced).toBe(1);
    let shutDown = false;
    h.manager.beginControlledShutdown(() => (shutDown = true));
    // PENDING_CONTROLLED_SHUTDOWN, with a heartbeat in flight.
    expect(h.inFlight().some((s) => s.req.type === "BrokerHeartbeat")).toBe(true);
    expect(shutDown).toBe(false);
    const hb = h.heartbeatAnswer({ isFenced: false, shouldShutDown: true });
    expect(hb.wantShutDown).toBe(true);
    // SHUTTING_DOWN, controlledShutdownFuture completed.
    expect(shutDown).toBe(true);
  });
});
