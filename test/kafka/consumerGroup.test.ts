import { describe, expect, it } from "vitest";
import { committedOffsetRegression, concurrentOwnership, consumedTwice, skippedRecords } from "../../src/check/groupCheckers.js";
import type { CheckInput } from "../../src/check/input.js";
import { parseScenario } from "../../src/scenario/load.js";
import { type RunResult, runScenario } from "../../src/runner/run.js";
import type { RebalanceValue } from "../../src/workload/groupConsumerWorkload.js";

/** A 3-broker cluster, a producer, and the given consumers and faults. */
function run(clients: string, extra = "", seconds = 60): RunResult {
  return runScenario(
    parseScenario(
      `name: group
description: consumer group end to end
duration: ${seconds}s
cluster:
  brokers: 3
  config: { offsets.topic.num.partitions: 1 }
  topics: [{ name: t, partitions: 4, replicationFactor: 3 }]
clients:
  - { id: producer, kind: producer, workload: { topic: t, rate: 50 } }
${clients}
${extra}`,
      "<test>",
    ),
  );
}

const input = (r: RunResult): CheckInput => ({ history: r.history, logs: r.logs, groupOffsets: r.groupOffsets });
const generations = (r: RunResult, group = "g") => new Set(r.history.ops.filter((op) => op.f === "assigned" && (op.value as RebalanceValue).group === group).map((op) => (op.value as RebalanceValue).generation));
const member = (id: string, config = "", processing = "{ perRecord: 5ms }", extra = "") =>
  `  - { id: ${id}, kind: consumer${extra}, config: { group.id: g, enable.auto.commit: false, auto.offset.reset: earliest, session.timeout.ms: 6000, heartbeat.interval.ms: 1000${config} }, workload: { subscribe: [t], processing: ${processing}, commit: sync } }`;

describe("consumer groups end to end", () => {
  it("a group shares the partitions, processes every acknowledged record once, and commits where it stopped", () => {
    const r = run([member("c1"), member("c2")].join("\n"));
    const owners = r.groups.find((g) => g.group === "g")!.members.map((m) => m.assignment.length);
    expect(owners.sort()).toEqual([2, 2]);
    expect(consumedTwice.run(input(r), null)).toEqual([]);
    expect(skippedRecords.run(input(r), null)).toEqual([]);
    const processed = new Set(r.history.ops.filter((op) => op.f === "process" && op.type === "ok").map((op) => JSON.stringify([(op.value as { partition: number }).partition, (op.value as { offset: number }).offset])));
    const acked = r.history.ops.filter((op) => op.f === "send" && op.type === "ok" && op.time < 55e6);
    for (const op of acked) expect(processed.has(JSON.stringify([(op.value as { partition: number }).partition, (op.value as { offset: number }).offset]))).toBe(true);
  });

  it("the group survives its coordinator's broker crashing: a new leader of __consumer_offsets loads the group", () => {
    const r = run([member("c1"), member("c2")].join("\n"), "faults:\n  - { at: 20s, crash: 'leader:__consumer_offsets-0', for: 10s }");
    expect(r.status).toBe("ok");
    expect(skippedRecords.run(input(r), null)).toEqual([]);
    expect(committedOffsetRegression.run(input(r), null)).toEqual([]);
    // Processing went on after the crash, and commits were acknowledged by the new coordinator.
    expect(r.history.ops.some((op) => op.f === "commit" && op.type === "ok" && op.time > 35e6)).toBe(true);
  });

  it("KIP-62: a member stuck past max.poll.interval.ms leaves although its heartbeats go on; its late commit is refused", () => {
    const r = run([member("c1", ", max.poll.interval.ms: 10000", "{ perRecord: 5ms, stall: { at: 20s, for: 15s } }"), member("c2")].join("\n"));
    const c1Commits = r.history.ops.filter((op) => op.process === "c1" && op.f === "commit" && op.type !== "invoke" && op.time > 34e6 && op.time < 36e6);
    expect(c1Commits.map((op) => op.type)).toContain("fail");
    // c2 took everything over while c1 was stuck: a generation with all four partitions on c2.
    const c2All = r.history.ops.some((op) => op.process === "c2" && op.f === "assigned" && op.time > 20e6 && op.time < 35e6);
    expect(c2All).toBe(true);
    expect(generations(r).size).toBeGreaterThanOrEqual(3); // join, c1 leaves, c1 rejoins
  });

  it("a GC pause past session.timeout.ms: the woken member's commit fails as CommitFailedException and its next poll gives the partitions up as lost before returning any of their records", () => {
    const r = run([member("c1", "", "{ perRecord: 10ms }"), member("c2")].join("\n"), "faults:\n  - { at: 20s, pause: c1, for: 15s }");
    const after = r.history.ops.filter((op) => op.process === "c1" && op.time >= 35e6 && op.type !== "invoke");
    const failed = after.filter((op) => op.f === "commit" && op.type === "fail");
    // ConsumerCoordinator.OffsetCommitResponseHandler: UNKNOWN_MEMBER_ID reaches the application as CommitFailedException.
    expect(failed.map((op) => op.error)).toEqual(["COMMIT_FAILED"]);
    // AbstractCoordinator.joinGroupIfNeeded runs onJoinPrepare (partitions lost) on the next poll; no record is
    // processed between the refused commit and the loss (before the fix: a whole poll's worth, at generation -1).
    const next = after.slice(after.indexOf(failed[0]) + 1).filter((op) => op.f === "process" || op.f === "lost");
    expect(next[0].f).toBe("lost");
    expect(r.history.ops.some((op) => op.process === "c1" && op.f === "process" && (op.value as { generation: number }).generation === -1)).toBe(false);
  });

  it("a cooperative member whose JoinGroup is refused UNKNOWN_MEMBER_ID mid-rebalance gives its partitions up as lost before it joins again", () => {
    // c3 starts a rebalance at 20s; c1 runs onJoinPrepare (cooperative: it keeps t-0, t-2), sends its JoinGroup and is
    // cut off from every broker for 15s, so the group completes without it and hands its partitions to c3. When the
    // cut heals its JoinGroup is refused: AbstractCoordinator.resetStateAndRejoin sets needsJoinPrepare, so the next
    // poll's onJoinPrepare (generation reset) calls onPartitionsLost. Before the fix c1 kept processing t-0 and t-2 at
    // generation -1 while c3 owned them, and rejoined claiming them as owned.
    const coop = ", partition.assignment.strategy: cooperative-sticky, max.poll.interval.ms: 10000";
    const cut = "faults:\n  - on: { actor: c1, event: consumer.join-group, where: { generation: 1 } }\n    partition: { from: [c1], to: [broker-1, broker-2, broker-3] }\n    for: 15s";
    const r = run([member("c1", coop), member("c2", coop), member("c3", coop, undefined, ", start: 20s")].join("\n"), cut);
    const c1 = r.history.ops.filter((op) => op.process === "c1" && op.type === "ok" && op.time > 21e6);
    expect(c1.filter((op) => op.f === "process" && (op.value as { generation: number }).generation === -1)).toEqual([]);
    const firstAssignAfter = c1.findIndex((op) => op.f === "assigned");
    expect(c1.slice(0, firstAssignAfter).some((op) => op.f === "lost")).toBe(true);
    expect(concurrentOwnership.run(input(r), null)).toEqual([]);
  });

  it("a static member restarted within its session keeps its partitions without a rebalance; a dynamic one costs two", () => {
    const stat = run([member("c1", ", group.instance.id: a"), member("c2", ", group.instance.id: b")].join("\n"), "faults:\n  - { at: 20s, shutdown: c1, for: 3s }");
    expect([...generations(stat)]).toEqual([1]);
    const dyn = run([member("c1"), member("c2")].join("\n"), "faults:\n  - { at: 20s, shutdown: c1, for: 3s }");
    expect(generations(dyn).size).toBe(3);
  });

  it("two live instances with one group.instance.id: the older is fenced (FENCED_INSTANCE_ID) and stops", () => {
    const r = run([member("c1", ", group.instance.id: same"), member("c2", ", group.instance.id: same", undefined, ", start: 15s")].join("\n"));
    const fatal = r.history.ops.filter((op) => op.f === "consumer-fatal");
    expect(fatal.map((op) => [op.process, (op.value as { error: string }).error])).toEqual([["c1", "FENCED_INSTANCE_ID"]]);
  });

  it("cooperative members keep their partitions across a join; eager ones give them all up", () => {
    const strategy = (s: string) => run([member("c1", `, partition.assignment.strategy: ${s}`), member("c2", `, partition.assignment.strategy: ${s}`, undefined, ", start: 20s")].join("\n"), "", 40);
    const revokedBy = (r: RunResult) => r.history.ops.filter((op) => op.process === "c1" && op.f === "revoked").map((op) => (op.value as RebalanceValue).partitions.length);
    expect(revokedBy(strategy("range"))).toEqual([4]); // eager: everything, then two come back
    expect(revokedBy(strategy("cooperative-sticky"))).toEqual([2]); // cooperative: only what moves
  });

  describe("KIP-848 (group.protocol=consumer)", () => {
    const kip848 = (id: string, config = "", processing = "{ perRecord: 5ms }", extra = "") =>
      `  - { id: ${id}, kind: consumer${extra}, config: { group.id: g, group.protocol: consumer, enable.auto.commit: false, auto.offset.reset: earliest${config} }, workload: { subscribe: [t], processing: ${processing}, commit: sync } }`;
    const brokerConfig = "group.consumer.session.timeout.ms: 6000, group.consumer.min.session.timeout.ms: 6000, group.consumer.heartbeat.interval.ms: 1000, group.consumer.min.heartbeat.interval.ms: 1000";
    const runK = (clients: string, faults = "") =>
      runScenario(
        parseScenario(
          `name: kip848
description: KIP-848 end to end
duration: 60s
cluster:
  brokers: 3
  config: { offsets.topic.num.partitions: 1, ${brokerConfig} }
  topics: [{ name: t, partitions: 4, replicationFactor: 3 }]
clients:
  - { id: producer, kind: producer, workload: { topic: t, rate: 50 } }
${clients}
${faults}`,
          "<test>",
        ),
      );

    it("members share the partitions without a barrier and nothing is processed twice or skipped", () => {
      const r = runK([kip848("c1"), kip848("c2", "", undefined, ", start: 20s")].join("\n"));
      expect(r.groups.find((g) => g.group === "g")!.members.map((m) => m.assignment.length).sort()).toEqual([2, 2]);
      expect(consumedTwice.run(input(r), null)).toEqual([]);
      expect(skippedRecords.run(input(r), null)).toEqual([]);
      // Incremental: c1 revoked only what moved to c2, and never owned nothing.
      const revoked = r.history.ops.filter((op) => op.process === "c1" && op.f === "revoked").map((op) => (op.value as RebalanceValue).partitions.length);
      expect(revoked).toEqual([2]);
    });

    it("a static member restarted within its session comes back to its partitions with no new group epoch (-2 leave)", () => {
      const r = runK([kip848("c1", ", group.instance.id: a"), kip848("c2", ", group.instance.id: b")].join("\n"), "faults:\n  - { at: 20s, shutdown: c1, for: 3s }");
      // What c1 owned just before its shutdown, from its rebalance callbacks.
      const owned = new Set<string>();
      for (const op of r.history.ops) {
        if (op.process !== "c1" || op.time >= 20e6) continue;
        if (op.f === "assigned") for (const tp of (op.value as RebalanceValue).partitions) owned.add(tp);
        if (op.f === "revoked" || op.f === "lost") for (const tp of (op.value as RebalanceValue).partitions) owned.delete(tp);
      }
      const after = r.history.ops.find((op) => op.process === "c1" && op.f === "assigned" && op.time > 20e6)!.value as RebalanceValue;
      expect(after.partitions).toEqual([...owned].sort());
      // Nothing moved around the restart: the other member gave up nothing from then on.
      expect(r.history.ops.filter((op) => op.process === "c2" && op.f === "revoked" && op.time >= 20e6)).toEqual([]);
    });

    it("KIP-62: a member stuck past max.poll.interval.ms leaves; its partitions move and its late commit is refused", () => {
      const r = runK([kip848("c1", ", max.poll.interval.ms: 10000", "{ perRecord: 5ms, stall: { at: 20s, for: 15s } }"), kip848("c2")].join("\n"));
      const late = r.history.ops.filter((op) => op.process === "c1" && op.f === "commit" && op.type === "fail" && op.time > 34e6);
      expect(late.length).toBeGreaterThan(0);
      expect(r.history.ops.some((op) => op.process === "c2" && op.f === "assigned" && op.time > 30e6 && op.time < 35e6)).toBe(true);
      expect(skippedRecords.run(input(r), null)).toEqual([]);
    });
  });
});

