import { describe, expect, it } from "vitest";
import type { ConsumerMembershipManager } from "../../../../src/kafka/client/consumer/consumerMembershipManager.js";
import { ConnectionRouter } from "../../../../src/kafka/network/connectionRouter.js";
import { type GroupRequest, groupMember, stableClassicMember, stableConsumerProtocolMember } from "../../../support/groupMemberHarness.js";

// The consumer's retry back-offs (KIP-580 for the consumer; Kafka's RequestState, AbstractCoordinator.retryBackoff,
// Heartbeat.failHeartbeat, each an ExponentialBackoff(retry.backoff.ms, 2, retry.backoff.max.ms, 0.2)): failures in a
// row wait retry.backoff.ms × 2^n ± 20%, up to retry.backoff.max.ms; some paths skip the back-off as Kafka's do.
// Simulated time only (the harness's clock), with the defaults 100 ms / 1000 ms unless a test sets them.

type Harness = ReturnType<typeof groupMember>;

/** Moves the clock 1 ms at a time until a request of `type` is sent; returns it and how long that took (ms). */
function waitFor(h: Harness, type: string, limitMs = 5000): { req: GroupRequest; afterMs: number } {
  for (let ms = 0; ms <= limitMs; ms++) {
    const got = h.take(type);
    if (got.length > 0) return { req: got[0], afterMs: ms };
    h.ctx.advance(1);
  }
  throw new Error(`no ${type} within ${limitMs} ms`);
}

/** The range ExponentialBackoff.backoff(n) falls in with retry.backoff.ms 100, max 1000, jitter 0.2 (whole ms). */
function backoffRange(n: number): [number, number] {
  const term = Math.min(100 * 2 ** n, 1000);
  return [Math.floor(term * 0.8), Math.min(Math.ceil(term * 1.2), 1000)];
}

function expectBackoff(afterMs: number, n: number): void {
  const [lo, hi] = backoffRange(n);
  expect(afterMs).toBeGreaterThanOrEqual(lo);
  expect(afterMs).toBeLessThanOrEqual(hi);
}

const manager = (h: Harness) => h.consumer.group as ConsumerMembershipManager;

describe("KIP-848 coordinator lookup (CoordinatorRequestManager)", () => {
  it("failed lookups in a row back off exponentially, capped at retry.backoff.max.ms", () => {
    const h = stableConsumerProtocolMember();
    h.ctx.advance(1000);
    h.answer(h.one("ConsumerGroupHeartbeat"), { error: "NOT_COORDINATOR" });
    // The last FindCoordinator answer is a second old: the lookup goes at once.
    let find = waitFor(h, "FindCoordinator");
    expect(find.afterMs).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      h.answer(find.req, { error: "COORDINATOR_NOT_AVAILABLE" });
      find = waitFor(h, "FindCoordinator");
      waits.push(find.afterMs);
    }
    waits.forEach((w, n) => expectBackoff(w, n));
    expect(waits[5]).toBeLessThanOrEqual(1000);
    // A success restarts the count: a later failure waits the minimal back-off again.
    h.answer(find.req, { error: "NONE", coordinator: "broker-1" });
    expect(h.take("ConsumerGroupHeartbeat")).toHaveLength(1);
  });

  it("testMarkCoordinatorUnknown: a coordinator lost right after it was found is looked up again only after the minimal back-off", () => {
    // retry.backoff.max.ms = retry.backoff.ms: Kafka's test's constant 100 ms.
    const h = groupMember({ "group.protocol": "consumer", "retry.backoff.max.ms": 100 });
    h.consumer.poll();
    h.answer(h.one("ConsumerGroupHeartbeat"), { error: "NOT_COORDINATOR" });
    h.ctx.advance(99);
    expect(h.take("FindCoordinator")).toEqual([]);
    h.ctx.advance(1);
    expect(h.take("FindCoordinator")).toHaveLength(1);
  });

  it("testBackoffAfterRetriableFailure: COORDINATOR_LOAD_IN_PROGRESS waits retry.backoff.ms, a poll does not hurry it", () => {
    const h = stableConsumerProtocolMember({ "retry.backoff.max.ms": 100 });
    h.ctx.advance(1000);
    h.answer(h.one("ConsumerGroupHeartbeat"), { error: "NOT_COORDINATOR" });
    h.answer(h.one("FindCoordinator"), { error: "COORDINATOR_LOAD_IN_PROGRESS" });
    h.ctx.advance(99);
    h.consumer.poll();
    expect(h.take("FindCoordinator")).toEqual([]);
    h.ctx.advance(1);
    expect(h.take("FindCoordinator")).toHaveLength(1);
  });
});

describe("KIP-848 heartbeats (AbstractHeartbeatRequestManager, HeartbeatRequestState)", () => {
  it("a stable member's heartbeats failing with COORDINATOR_LOAD_IN_PROGRESS back off exponentially; a success restarts the count", () => {
    const h = stableConsumerProtocolMember();
    h.ctx.advance(1000);
    let hb = h.one("ConsumerGroupHeartbeat");
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      h.answer(hb, { error: "COORDINATOR_LOAD_IN_PROGRESS" });
      const next = waitFor(h, "ConsumerGroupHeartbeat");
      waits.push(next.afterMs);
      hb = next.req;
    }
    waits.forEach((w, n) => expectBackoff(w, n));
    expect(manager(h).state).toBe("STABLE");
    h.answer(hb, { error: "NONE", memberId: h.memberId, memberEpoch: 1, heartbeatIntervalMs: 1000, assignment: null });
    // Back to the interval; the next failure waits backoff(0) again.
    const regular = waitFor(h, "ConsumerGroupHeartbeat");
    expect(regular.afterMs).toBe(1000);
    h.answer(regular.req, { error: "COORDINATOR_LOAD_IN_PROGRESS" });
    expectBackoff(waitFor(h, "ConsumerGroupHeartbeat").afterMs, 0);
  });

  it("heartbeatNow: a joining member's heartbeat goes again at once after an error, without the back-off", () => {
    const h = groupMember({ "group.protocol": "consumer" });
    h.consumer.poll();
    h.answer(h.one("ConsumerGroupHeartbeat"), { error: "COORDINATOR_LOAD_IN_PROGRESS" });
    expect(manager(h).state).toBe("JOINING");
    const again = h.take("ConsumerGroupHeartbeat");
    expect(again.map((r) => r.msg.memberEpoch)).toEqual([0]);
  });

  it("a stable member's heartbeat held up by NOT_COORDINATOR goes as soon as the coordinator is found", () => {
    const h = stableConsumerProtocolMember();
    h.ctx.advance(1000);
    h.answer(h.one("ConsumerGroupHeartbeat"), { error: "NOT_COORDINATOR" });
    const find = h.one("FindCoordinator");
    h.ctx.advance(30);
    expect(h.take("ConsumerGroupHeartbeat")).toEqual([]);
    h.answer(find, { error: "NONE", coordinator: "broker-1" });
    expect(h.take("ConsumerGroupHeartbeat")).toHaveLength(1);
  });

  it("a heartbeat whose connection drops backs off (onFailure → onFailedAttempt) and the coordinator is looked up again", () => {
    const h = stableConsumerProtocolMember();
    h.ctx.advance(1000);
    const hb = h.one("ConsumerGroupHeartbeat");
    ConnectionRouter.of(h.ctx).onConnection(hb.conn, "reset");
    const lost = h.ctx.tracesOf("consumer.coordinator-lost");
    expect(lost.map((t) => t.data.why)).toEqual(["disconnected"]);
    h.ctx.advance(50); // the NetworkClient reconnects (reconnect.backoff.ms) before it sends the lookup
    h.answer(waitFor(h, "FindCoordinator").req, { error: "NONE", coordinator: "broker-1" });
    const next = waitFor(h, "ConsumerGroupHeartbeat");
    // Sent once the back-off after the failure (backoff(0) from the drop) has passed.
    expect(h.ctx.nowUs / 1000 - 1000).toBeGreaterThanOrEqual(backoffRange(0)[0]);
    expect(next.req.msg.memberEpoch).toBe(1);
  });
});

describe("classic heartbeats (Heartbeat.failHeartbeat)", () => {
  it("a failed heartbeat is sent again after the back-off, growing with failures in a row, not an interval later", () => {
    const h = stableClassicMember();
    h.ctx.advance(3000);
    let hb = h.one("Heartbeat");
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      h.answer(hb, { error: "COORDINATOR_LOAD_IN_PROGRESS" });
      const next = waitFor(h, "Heartbeat");
      waits.push(next.afterMs);
      hb = next.req;
    }
    waits.forEach((w, n) => expectBackoff(w, n));
    // receiveHeartbeat: the count restarts; the next failure waits backoff(0).
    h.answer(hb, { error: "NONE" });
    const regular = waitFor(h, "Heartbeat");
    expect(regular.afterMs).toBe(3000);
    h.answer(regular.req, { error: "COORDINATOR_LOAD_IN_PROGRESS" });
    expectBackoff(waitFor(h, "Heartbeat").afterMs, 0);
  });

  it("after NOT_COORDINATOR the coordinator is looked up at once and the heartbeat goes when it is found", () => {
    const h = stableClassicMember();
    h.ctx.advance(3000);
    h.answer(h.one("Heartbeat"), { error: "NOT_COORDINATOR" });
    const find = h.one("FindCoordinator");
    h.ctx.advance(200); // past the failure's back-off (backoff(0) ≤ 120 ms)
    expect(h.take("Heartbeat")).toEqual([]);
    h.answer(find, { error: "NONE", coordinator: "broker-1" });
    expect(h.take("Heartbeat")).toHaveLength(1);
  });

  it("a heartbeat unanswered past request.timeout.ms loses the coordinator, and the trace says the request timed out", () => {
    const h = stableClassicMember({ "request.timeout.ms": 5000 });
    h.ctx.advance(3000);
    h.one("Heartbeat");
    h.ctx.advance(5000);
    expect(h.ctx.tracesOf("consumer.coordinator-lost").map((t) => t.data.why)).toEqual(["request timed out"]);
  });
});

describe("classic coordinator lookup (AbstractCoordinator.ensureCoordinatorReady)", () => {
  it("failed lookups back off exponentially; each poll starts the count again and looks up at once", () => {
    const h = stableClassicMember();
    h.ctx.advance(3000);
    h.answer(h.one("Heartbeat"), { error: "NOT_COORDINATOR" });
    let find = h.one("FindCoordinator");
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      h.answer(find, { error: "COORDINATOR_NOT_AVAILABLE" });
      const next = waitFor(h, "FindCoordinator");
      waits.push(next.afterMs);
      find = next.req;
    }
    waits.forEach((w, n) => expectBackoff(w, n));
    h.answer(find, { error: "COORDINATOR_NOT_AVAILABLE" });
    // ensureCoordinatorReady's `attempts` is a local of each poll: the poll looks up at once.
    h.consumer.poll();
    h.answer(h.one("FindCoordinator"), { error: "COORDINATOR_NOT_AVAILABLE" });
    expectBackoff(waitFor(h, "FindCoordinator").afterMs, 0);
  });
});

describe("commitSync retries (classic commitOffsetsSync, KIP-848 OffsetCommitRequestState)", () => {
  for (const protocol of ["classic", "consumer"] as const) {
    it(`${protocol}: COORDINATOR_LOAD_IN_PROGRESS in a row waits longer each time`, () => {
      const h = protocol === "classic" ? stableClassicMember() : stableConsumerProtocolMember();
      h.consumer.commitSync([{ topic: "t", partition: 0, offset: 7 }], h.recordCommit);
      let commit = h.one("OffsetCommit");
      const waits: number[] = [];
      for (let i = 0; i < 4; i++) {
        h.answer(commit, { error: "COORDINATOR_LOAD_IN_PROGRESS" });
        const next = waitFor(h, "OffsetCommit");
        waits.push(next.afterMs);
        commit = next.req;
      }
      waits.forEach((w, n) => expectBackoff(w, n));
      h.answer(commit, { error: "NONE" });
      expect(h.commits).toEqual(["ok"]);
    });
  }
});

describe("coordinator-lost trace", () => {
  it("a commit whose connection is refused says disconnected, not timed out", () => {
    const h = stableClassicMember();
    h.consumer.commitAsync([{ topic: "t", partition: 0, offset: 7 }], h.recordCommit);
    const commit = h.one("OffsetCommit");
    ConnectionRouter.of(h.ctx).onConnection(commit.conn, "closed");
    expect(h.ctx.tracesOf("consumer.coordinator-lost").map((t) => t.data.why)).toEqual(["disconnected"]);
    expect(h.commits).toEqual(["COORDINATOR_NOT_AVAILABLE"]);
  });
});

// Ports from Kafka's ConsumerHeartbeatRequestManagerTest (apache/kafka 1eb7644) of the back-off cases the vectors
// file (test/kafka/vectors/consumerHeartbeatRequestManager.test.ts) leaves out. Kafka's test builds its
// HeartbeatRequestState without jitter; retry.backoff.max.ms = retry.backoff.ms (100 ms) gives the same exact
// back-off here. `assertNextHeartbeatTiming(t)` is: no heartbeat before t ms, one at t.
describe("ConsumerHeartbeatRequestManagerTest (back-offs)", () => {
  const exact = { "retry.backoff.max.ms": 100 };

  function nextHeartbeatAfter(h: Harness): number {
    return waitFor(h, "ConsumerGroupHeartbeat").afterMs;
  }

  it("testHeartbeatResponseOnErrorHandling: NONE → the interval; COORDINATOR_LOAD_IN_PROGRESS → the back-off", () => {
    const ok = stableConsumerProtocolMember(exact);
    ok.ctx.advance(1000);
    ok.answer(ok.one("ConsumerGroupHeartbeat"), { error: "NONE", memberId: ok.memberId, memberEpoch: 1, heartbeatIntervalMs: 1000, assignment: null });
    expect(nextHeartbeatAfter(ok)).toBe(1000);

    const loading = stableConsumerProtocolMember(exact);
    loading.ctx.advance(1000);
    loading.answer(loading.one("ConsumerGroupHeartbeat"), { error: "COORDINATOR_LOAD_IN_PROGRESS" });
    expect(nextHeartbeatAfter(loading)).toBe(100);
  });

  for (const error of ["COORDINATOR_NOT_AVAILABLE", "NOT_COORDINATOR"]) {
    it(`testHeartbeatResponseOnErrorHandling: ${error} → no back-off once the coordinator is known again`, () => {
      const h = stableConsumerProtocolMember(exact);
      h.ctx.advance(1000);
      h.answer(h.one("ConsumerGroupHeartbeat"), { error });
      h.answer(h.one("FindCoordinator"), { error: "NONE", coordinator: "broker-1" });
      expect(nextHeartbeatAfter(h)).toBe(0);
    });
  }

  for (const error of ["UNKNOWN_MEMBER_ID", "FENCED_MEMBER_EPOCH"]) {
    it(`testHeartbeatResponseOnErrorHandling: ${error} → the rejoin heartbeat goes with the poll that releases the assignment`, () => {
      const h = stableConsumerProtocolMember(exact);
      h.ctx.advance(1000);
      h.answer(h.one("ConsumerGroupHeartbeat"), { error });
      h.consumer.poll();
      expect(h.take("ConsumerGroupHeartbeat").map((r) => r.msg.memberEpoch)).toEqual([0]);
    });
  }

  it("testDisconnect: no heartbeat before the back-off after the failure, one once it has passed", () => {
    // A short reconnect back-off, so the coordinator is found again within the heartbeat's back-off.
    const h = stableConsumerProtocolMember({ ...exact, "reconnect.backoff.ms": 10, "reconnect.backoff.max.ms": 10 });
    h.ctx.advance(1000);
    ConnectionRouter.of(h.ctx).onConnection(h.one("ConsumerGroupHeartbeat").conn, "reset");
    // The coordinator is looked up again (handleCoordinatorDisconnect) and found within the back-off.
    h.answer(waitFor(h, "FindCoordinator", 99).req, { error: "NONE", coordinator: "broker-1" });
    expect(h.ctx.nowUs).toBeLessThan(1_100_000);
    h.ctx.advance(1_099.999 - h.ctx.nowUs / 1000);
    expect(h.take("ConsumerGroupHeartbeat"), "No request should be generated before the backoff expires").toEqual([]);
    h.ctx.advance(0.001);
    expect(h.take("ConsumerGroupHeartbeat"), "A new request should be generated after the backoff expires").toHaveLength(1);
  });
});

describe("RequestState (clients/.../consumer/internals/RequestState)", () => {
  it("backoff(0) after a success, backoff(n) after the n-th failure in a row, nothing after reset()", async () => {
    const { RequestState } = await import("../../../../src/kafka/client/requestState.js");
    const { RandomStream } = await import("../../../../src/sim/index.js");
    const s = new RequestState(100, 1000, new RandomStream("request-state"));
    expect(s.remainingBackoffUs(0)).toBe(0);
    s.onSuccessfulAttempt(0);
    expectBackoff(s.remainingBackoffUs(0) / 1000, 0);
    for (let n = 0; n < 6; n++) {
      s.onFailedAttempt(0);
      expectBackoff(s.remainingBackoffUs(0) / 1000, n);
    }
    expect(s.attempts).toBe(6);
    s.reset();
    expect([s.attempts, s.remainingBackoffUs(0)]).toEqual([0, 0]);
    // retry.backoff.ms above retry.backoff.max.ms: the maximum, constant, without jitter.
    const constant = new RequestState(5000, 1000, new RandomStream("request-state"));
    constant.onFailedAttempt(0);
    constant.onFailedAttempt(0);
    expect(constant.remainingBackoffUs(0)).toBe(1_000_000);
  });
});
