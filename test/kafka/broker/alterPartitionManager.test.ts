import { describe, expect, it } from "vitest";
import { AlterPartitionManager } from "../../../src/kafka/broker/alterPartitionManager.js";
import type { ControllerChannel } from "../../../src/kafka/broker/controllerChannel.js";
import type { AlterPartitionRequest, AlterPartitionResponse } from "../../../src/kafka/protocol/controllerMessages.js";
import { PartitionHarness, partitionState } from "../../support/partitionHarness.js";

const TWO = ["broker-1", "broker-2"];

/**
 * DefaultAlterPartitionManager over a fake controller channel: broker-1 leads t-0 with ISR [broker-1] and broker-2
 * caught up, so the partition proposes [broker-1, broker-2]; the test answers the requests the channel got.
 */
function setup() {
  const h = new PartitionHarness();
  h.p.applyState(partitionState({ replicas: TWO, isr: ["broker-1"], leaderEpoch: 1 }));
  h.produce(["a", "b"], 1);
  const requests: { req: AlterPartitionRequest; onResponse: (res: AlterPartitionResponse) => void }[] = [];
  let nextId = 1;
  let brokerEpoch = 7;
  const channel = {
    send: (make: (id: number) => AlterPartitionRequest, onResponse: (res: AlterPartitionResponse) => void, onTimeout?: () => void) => {
      // AlterPartition never gives up: the channel sends an unanswered one again.
      expect(onTimeout).toBeUndefined();
      const req = make(nextId++);
      requests.push({ req, onResponse });
      return req.correlationId;
    },
    hint: () => {},
  } as unknown as ControllerChannel;
  const manager = new AlterPartitionManager(h.ctx, "broker-1", channel, () => brokerEpoch, (key) => (key === h.p.key ? h.p : undefined));
  const answer = (i: number, error: AlterPartitionResponse["error"], state: AlterPartitionResponse["state"] = null) => {
    const { req, onResponse } = requests[i];
    onResponse({ type: "AlterPartitionResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error, state, leaderHint: null });
  };
  const propose = () => {
    h.fetch("broker-2", 2);
    manager.send(h.p, h.alters[h.alters.length - 1]);
  };
  return { h, requests, answer, propose, setBrokerEpoch: (e: number) => (brokerEpoch = e) };
}

describe("AlterPartitionManager (DefaultAlterPartitionManager)", () => {
  it("a top-level error (STALE_BROKER_EPOCH, NOT_CONTROLLER) leaves the change pending and sends it again 50 ms later, with the broker epoch of then", () => {
    for (const error of ["STALE_BROKER_EPOCH", "NOT_CONTROLLER"] as const) {
      const s = setup();
      s.propose();
      expect(s.requests.map((r) => [r.req.newIsr, r.req.brokerEpoch])).toEqual([[TWO, 7]]);
      s.setBrokerEpoch(9);
      s.answer(0, error);
      expect([error, s.h.p.isrState.kind]).toEqual([error, "pendingExpand"]);
      s.h.ctx.advance(49);
      expect(s.requests.length).toBe(1);
      s.h.ctx.advance(1);
      expect(s.requests.map((r) => [r.req.newIsr, r.req.brokerEpoch])).toEqual([
        [TWO, 7],
        [TWO, 9],
      ]);
      s.answer(1, "NONE", partitionState({ replicas: TWO, isr: TWO, leaderEpoch: 1, partitionEpoch: 2 }));
      expect([s.h.p.isrState.kind, s.h.p.isrState.isr, s.h.p.partitionEpoch]).toEqual(["committed", TWO, 2]);
    }
  });

  it("a partition-level error goes to the partition (INVALID_UPDATE_VERSION: pending, nothing sent again, no timer)", () => {
    const s = setup();
    s.propose();
    s.answer(0, "INVALID_UPDATE_VERSION");
    expect(s.h.p.isrState.kind).toBe("pendingExpand");
    s.h.ctx.advance(1000);
    expect(s.requests.length).toBe(1);
  });

  it("a top-level error for a change the metadata replaced meanwhile sends nothing again", () => {
    const s = setup();
    s.propose();
    s.h.p.applyState(partitionState({ replicas: TWO, isr: TWO, leaderEpoch: 1, partitionEpoch: 2 }));
    s.answer(0, "NOT_CONTROLLER");
    s.h.ctx.advance(1000);
    expect(s.requests.length).toBe(1);
  });
});
