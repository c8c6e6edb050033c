import { describe, expect, it } from "vitest";
import { ClusterConnectionStates, type NodeConnectionState } from "../../../src/kafka/network/clusterConnectionStates.js";
import { RandomStream } from "../../../src/sim/index.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/clients/ClusterConnectionStatesTest.java, the methods
// whose subject kafkasim models (no DNS/multiple IPs, authentication, throttling, ApiVersions or remove()).
// Kafka's MockTime is in ms; kafkasim's ClusterConnectionStates takes µs, so `now` is kept in ms and passed × 1000.
// Kafka's isBlackedOut(node, now) is "DISCONNECTED and the reconnect back-off has not passed", i.e. !canConnect for
// a disconnected node; hasReadyNodes is "some node READY"; Long.MAX_VALUE is kafkasim's Infinity.

const reconnectBackoffMs = 10 * 1000;
const reconnectBackoffMax = 60 * 1000;
const connectionSetupTimeoutMs = 10 * 1000;
const connectionSetupTimeoutMaxMs = 127 * 1000;
const reconnectBackoffExpBase = 2; // ClusterConnectionStates.RECONNECT_BACKOFF_EXP_BASE
const reconnectBackoffJitter = 0.2; // RECONNECT_BACKOFF_JITTER
const connectionSetupTimeoutExpBase = 2; // CONNECTION_SETUP_TIMEOUT_EXP_BASE
const connectionSetupTimeoutJitter = 0.2; // CONNECTION_SETUP_TIMEOUT_JITTER
const nodeId1 = "1001";
const nodeId2 = "2002";

function setup() {
  const states = new ClusterConnectionStates<NodeConnectionState>(
    { reconnectBackoffMs, reconnectBackoffMaxMs: reconnectBackoffMax, connectionSetupTimeoutMs, connectionSetupTimeoutMaxMs },
    new RandomStream("cluster-connection-states-test"),
    (base) => base,
  );
  const time = { ms: 0, sleep(d: number) { this.ms += d; } };
  const us = () => time.ms * 1000;
  const s = {
    states,
    time,
    canConnect: (id: string) => states.canConnect(states.state(id), us()),
    connectionDelay: (id: string) => states.connectionDelayMs(id, us()),
    connecting: (id: string) => states.connecting(states.state(id), us()),
    ready: (id: string) => states.ready(states.state(id)),
    disconnected: (id: string, atMs = time.ms) => states.disconnected(states.state(id), atMs * 1000),
    connectionState: (id: string) => states.state(id).state,
    isBlackedOut: (id: string) => states.state(id).state === "DISCONNECTED" && !states.canConnect(states.state(id), us()),
    hasReadyNodes: () => [...states.all()].some((n) => n.state === "READY"),
    connectionSetupTimeoutMs: (id: string) => states.state(id).connectionSetupTimeoutMs,
  };
  return s;
}

const within = (expected: number, actual: number, delta: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(delta);

describe("ClusterConnectionStatesTest", () => {
  it("testClusterConnectionStateChanges", () => {
    const s = setup();
    expect(s.canConnect(nodeId1)).toBe(true);
    expect(s.connectionDelay(nodeId1)).toBe(0);

    s.connecting(nodeId1);
    expect(s.connectionState(nodeId1)).toBe("CONNECTING");
    expect(s.isBlackedOut(nodeId1)).toBe(false);
    expect(s.hasReadyNodes()).toBe(false);
    within(connectionSetupTimeoutMs, s.connectionDelay(nodeId1), connectionSetupTimeoutMs * connectionSetupTimeoutJitter);

    s.time.sleep(100);
    s.ready(nodeId1);
    expect(s.connectionState(nodeId1)).toBe("READY");
    expect(s.hasReadyNodes()).toBe(true);
    expect(s.isBlackedOut(nodeId1)).toBe(false);
    expect(s.connectionDelay(nodeId1)).toBe(Infinity);

    s.time.sleep(15000);
    s.disconnected(nodeId1);
    expect(s.connectionState(nodeId1)).toBe("DISCONNECTED");
    expect(s.isBlackedOut(nodeId1)).toBe(true);
    expect(s.hasReadyNodes()).toBe(false);
    expect(s.canConnect(nodeId1)).toBe(false);

    const currentBackoff = s.connectionDelay(nodeId1);
    within(reconnectBackoffMs, currentBackoff, reconnectBackoffMs * reconnectBackoffJitter);
    s.time.sleep(currentBackoff + 1);
    expect(s.canConnect(nodeId1)).toBe(true);
  });

  it("testMultipleNodeConnectionStates", () => {
    const s = setup();
    expect(s.canConnect(nodeId1)).toBe(true);
    expect(s.canConnect(nodeId2)).toBe(true);
    expect(s.hasReadyNodes()).toBe(false);

    s.connecting(nodeId2);
    expect(s.hasReadyNodes()).toBe(false);
    s.time.sleep(1000);
    s.ready(nodeId2);
    expect(s.hasReadyNodes()).toBe(true);

    s.connecting(nodeId1);
    expect(s.hasReadyNodes()).toBe(true);
    s.time.sleep(1000);
    s.ready(nodeId1);
    expect(s.hasReadyNodes()).toBe(true);

    s.time.sleep(12000);
    s.disconnected(nodeId2);
    expect(s.hasReadyNodes()).toBe(true);
    expect(s.isBlackedOut(nodeId2)).toBe(true);
    expect(s.isBlackedOut(nodeId1)).toBe(false);
    s.time.sleep(s.connectionDelay(nodeId2));
    s.disconnected(nodeId1, s.time.ms + 1);
    expect(s.isBlackedOut(nodeId1)).toBe(true);
    expect(s.isBlackedOut(nodeId2)).toBe(false);
    expect(s.hasReadyNodes()).toBe(false);
  });

  it("testMaxReconnectBackoff", () => {
    const s = setup();
    const effectiveMaxReconnectBackoff = Math.round(reconnectBackoffMax * (1 + reconnectBackoffJitter));
    s.connecting(nodeId1);
    s.time.sleep(1000);
    s.disconnected(nodeId1);
    for (let i = 0; i < 100; i++) {
      const reconnectBackoff = s.connectionDelay(nodeId1);
      expect(reconnectBackoff).toBeLessThanOrEqual(effectiveMaxReconnectBackoff);
      expect(s.canConnect(nodeId1)).toBe(false);
      s.time.sleep(reconnectBackoff + 1);
      expect(s.canConnect(nodeId1)).toBe(true);
      s.connecting(nodeId1);
      s.time.sleep(10);
      s.disconnected(nodeId1);
    }
  });

  it("testExponentialReconnectBackoff (verifyReconnectExponentialBackoff without the ApiVersions state)", () => {
    const s = setup();
    const reconnectBackoffMaxExp = Math.log(reconnectBackoffMax / Math.max(reconnectBackoffMs, 1)) / Math.log(reconnectBackoffExpBase);
    for (let i = 0; i < 10; i++) {
      s.connecting(nodeId1);
      s.disconnected(nodeId1);
      const expectedBackoff = Math.round(Math.pow(reconnectBackoffExpBase, Math.min(i, reconnectBackoffMaxExp)) * reconnectBackoffMs);
      const currentBackoff = s.connectionDelay(nodeId1);
      within(expectedBackoff, currentBackoff, reconnectBackoffJitter * expectedBackoff);
      s.time.sleep(s.connectionDelay(nodeId1) + 1);
    }
  });

  it("testExponentialConnectionSetupTimeout", () => {
    const s = setup();
    expect(s.canConnect(nodeId1)).toBe(true);
    const last = Math.log(connectionSetupTimeoutMaxMs / connectionSetupTimeoutMs) / Math.log(connectionSetupTimeoutExpBase);
    for (let n = 0; n <= last; n++) {
      s.connecting(nodeId1);
      expect(s.connectionState(nodeId1)).toBe("CONNECTING"); // connectingNodes().contains(nodeId1)
      const expected = connectionSetupTimeoutMs * Math.pow(connectionSetupTimeoutExpBase, n);
      within(expected, s.connectionSetupTimeoutMs(nodeId1), expected * connectionSetupTimeoutJitter);
      s.disconnected(nodeId1);
      expect(s.connectionState(nodeId1)).not.toBe("CONNECTING");
    }
    s.connecting(nodeId1);
    within(connectionSetupTimeoutMaxMs, s.connectionSetupTimeoutMs(nodeId1), connectionSetupTimeoutMaxMs * connectionSetupTimeoutJitter);
    expect(s.connectionState(nodeId1)).toBe("CONNECTING");

    s.ready(nodeId1);
    within(connectionSetupTimeoutMs, s.connectionSetupTimeoutMs(nodeId1), connectionSetupTimeoutMs * connectionSetupTimeoutJitter);
    expect(s.connectionState(nodeId1)).not.toBe("CONNECTING");
    s.disconnected(nodeId1);

    // READY -> DISCONNECTED does not lengthen the setup timeout.
    s.connecting(nodeId1);
    within(connectionSetupTimeoutMs, s.connectionSetupTimeoutMs(nodeId1), connectionSetupTimeoutMs * connectionSetupTimeoutJitter);
    expect(s.connectionState(nodeId1)).toBe("CONNECTING");
  });

  it("testTimedOutConnections (nodesWithConnectionSetupTimeout: CONNECTING and now - lastConnectAttempt > setup timeout)", () => {
    const s = setup();
    // ClusterConnectionStates.isConnectionSetupTimeout; kafkasim arms an engine timer with the same deadline.
    const timedOut = () =>
      [...s.states.all()].filter((n) => n.state === "CONNECTING" && s.time.ms * 1000 - n.lastConnectAttemptUs > n.connectionSetupTimeoutMs * 1000).map((n) => n.node);
    s.connecting(nodeId1);
    s.connecting(nodeId2);
    expect(timedOut()).toEqual([]);
    s.time.sleep(connectionSetupTimeoutMs / 2);
    s.connecting("3003");
    s.time.sleep(Math.trunc(connectionSetupTimeoutMs / 2 + connectionSetupTimeoutMs * connectionSetupTimeoutJitter));
    expect(timedOut().sort()).toEqual([nodeId1, nodeId2]);
    s.disconnected(nodeId1);
    s.disconnected(nodeId2);
    s.time.sleep(Math.trunc(connectionSetupTimeoutMs / 2 + connectionSetupTimeoutMs * connectionSetupTimeoutJitter));
    expect(timedOut()).toEqual(["3003"]);
    s.disconnected("3003");
    expect(timedOut()).toEqual([]);
  });
});
