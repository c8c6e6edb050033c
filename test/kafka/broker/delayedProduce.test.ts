import { describe, expect, it } from "vitest";
import { DelayedProducePurgatory, type ProduceWaitSource } from "../../../src/kafka/broker/delayedProduce.js";
import type { ErrorName } from "../../../src/kafka/protocol/errors.js";
import { FakeContext } from "../../support/fakeContext.js";

/**
 * The acks=all appends of one partition waiting for the high watermark (Kafka `DelayedProduce` in the produce
 * purgatory): each completes once the HW reaches one past its batch, with the partition's verdict on
 * min.insync.replicas (`checkEnoughReplicasReachOffset`), or with REQUEST_TIMED_OUT after the request's timeout, or
 * with NOT_LEADER_OR_FOLLOWER when the replica stops leading.
 */

/** A partition as the purgatory reads it: its HW and ISR are the test's to move. */
function source(): ProduceWaitSource & { highWatermark: number; verdict: ErrorName; traces: { type: string; data: Record<string, unknown> }[] } {
  const s = {
    highWatermark: 0,
    isrState: { isr: ["broker-1", "broker-2"] },
    verdict: "NONE" as ErrorName,
    traces: [] as { type: string; data: Record<string, unknown> }[],
    enoughReplicasError: () => s.verdict,
    trace: (type: string, data: Record<string, unknown>) => s.traces.push({ type, data }),
  };
  return s;
}

function setup() {
  const ctx = new FakeContext("broker-1");
  const p = source();
  const purgatory = new DelayedProducePurgatory(ctx, p);
  const done: [ErrorName, number][] = [];
  const callback = (error: ErrorName, baseOffset: number) => done.push([error, baseOffset]);
  return { ctx, p, purgatory, done, callback };
}

describe("DelayedProducePurgatory", () => {
  it("completes at once when the HW is already past the batch, with the partition's verdict", () => {
    // ReplicaManager.appendRecords: tryCompleteElseWatch completes an operation that is already satisfiable.
    const { p, purgatory, done, callback } = setup();
    p.highWatermark = 5;
    purgatory.tryCompleteElseWatch(5, 3, 30_000, callback);
    p.verdict = "NOT_ENOUGH_REPLICAS_AFTER_APPEND";
    purgatory.tryCompleteElseWatch(4, 2, 30_000, callback);
    expect(done).toEqual([
      ["NONE", 3],
      ["NOT_ENOUGH_REPLICAS_AFTER_APPEND", 2],
    ]);
  });

  it("waits while the HW is below one past the batch, and completes when it gets there", () => {
    const { ctx, p, purgatory, done, callback } = setup();
    p.highWatermark = 4;
    purgatory.tryCompleteElseWatch(5, 3, 30_000, callback);
    purgatory.tryCompleteElseWatch(8, 5, 30_000, callback);
    purgatory.checkAndComplete();
    expect(done).toEqual([]);
    p.highWatermark = 5;
    purgatory.checkAndComplete();
    expect(done).toEqual([["NONE", 3]]);
    p.highWatermark = 8;
    purgatory.checkAndComplete();
    expect(done).toEqual([
      ["NONE", 3],
      ["NONE", 5],
    ]);
    // Completed appends have no timeout left to fire.
    expect(ctx.pendingTimers).toBe(0);
    ctx.advance(60_000);
    expect(done).toHaveLength(2);
  });

  it("an append the HW never reaches times out with REQUEST_TIMED_OUT after the request's timeout, and says why", () => {
    // DelayedProduce.onExpiration: the partition's status becomes REQUEST_TIMED_OUT.
    const { ctx, p, purgatory, done, callback } = setup();
    p.highWatermark = 2;
    purgatory.tryCompleteElseWatch(5, 3, 30_000, callback);
    ctx.advance(10_000);
    purgatory.tryCompleteElseWatch(6, 5, 30_000, callback);
    ctx.advance(19_999);
    expect(done).toEqual([]);
    ctx.advance(1);
    expect(done).toEqual([["REQUEST_TIMED_OUT", -1]]);
    expect(p.traces).toEqual([{ type: "partition.produce-timeout", data: { requiredOffset: 5, highWatermark: 2, isr: ["broker-1", "broker-2"] } }]);
    // The later one is still waiting: it completes when the HW arrives, and never times out.
    p.highWatermark = 6;
    purgatory.checkAndComplete();
    ctx.advance(60_000);
    expect(done).toEqual([
      ["REQUEST_TIMED_OUT", -1],
      ["NONE", 5],
    ]);
  });

  it("when leadership moves away every waiting append fails with NOT_LEADER_OR_FOLLOWER, and none times out later", () => {
    const { ctx, purgatory, done, callback } = setup();
    purgatory.tryCompleteElseWatch(5, 3, 30_000, callback);
    purgatory.tryCompleteElseWatch(7, 5, 30_000, callback);
    purgatory.failAll();
    expect(done).toEqual([
      ["NOT_LEADER_OR_FOLLOWER", -1],
      ["NOT_LEADER_OR_FOLLOWER", -1],
    ]);
    ctx.advance(60_000);
    expect(done).toHaveLength(2);
    purgatory.checkAndComplete();
    expect(done).toHaveLength(2);
  });
});

describe("DelayedProducePurgatory: the edges the mutation run found unpinned", () => {
  it("each append times out after its own timeout: a later one with a shorter timeout goes first, the earlier one stays", () => {
    // DelayedProduce.onExpiration is per operation (its own delayMs, the request's timeout).
    const { ctx, p, purgatory, done, callback } = setup();
    purgatory.tryCompleteElseWatch(5, 3, 30_000, callback);
    purgatory.tryCompleteElseWatch(9, 6, 10_000, callback);
    ctx.advance(10_000);
    expect(done).toEqual([["REQUEST_TIMED_OUT", -1]]);
    expect(p.traces.map((t) => t.data.requiredOffset)).toEqual([9]);
    p.highWatermark = 5;
    purgatory.checkAndComplete();
    expect(done).toEqual([
      ["REQUEST_TIMED_OUT", -1],
      ["NONE", 3],
    ]);
  });

  it("after a check that completed nothing, and after leadership moved, the purgatory holds only real appends", () => {
    const { ctx, p, purgatory, done, callback } = setup();
    purgatory.tryCompleteElseWatch(5, 3, 30_000, callback);
    purgatory.checkAndComplete();
    purgatory.failAll();
    expect(done).toEqual([["NOT_LEADER_OR_FOLLOWER", -1]]);
    // Leader again: a new append waits, completes once, and nothing else is answered.
    purgatory.tryCompleteElseWatch(6, 5, 30_000, callback);
    p.highWatermark = 6;
    purgatory.checkAndComplete();
    purgatory.failAll();
    ctx.advance(60_000);
    expect(done).toEqual([
      ["NOT_LEADER_OR_FOLLOWER", -1],
      ["NONE", 5],
    ]);
  });
});
