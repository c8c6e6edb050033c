import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";
import { parseOverride } from "../../src/scenario/overrides.js";
import { skippedRecords } from "../../src/check/groupCheckers.js";

/**
 * What a bug-report fixture claims beyond its expectations, read from the trace. kafka-9144-producer-expiry-open-txn's
 * checks are all quiet ones, so by themselves they would pass a broker that never expired anything; here the trace
 * shows the expiry happens, and only as Kafka after KAFKA-9144 does it (ProducerStateManager.isProducerExpired,
 * ProducerAppendInfo.appendEndTxnMarker): never during an open transaction, and only producer.id.expiration.ms after
 * the producer's last batch or transaction marker on that partition.
 */
const dir = join(import.meta.dirname, "..", "fixtures", "bug-reports");

interface Rec {
  t: number;
  actor: string;
  type: string;
  data: { tp?: string; producerId?: number; producerIds?: number[]; transactional?: boolean };
}

describe("kafka-9144-producer-expiry-open-txn's trace", () => {
  it("expires the producer on a partition only with no open transaction there, and 5s after its last marker or batch", () => {
    const recs: Rec[] = [];
    const keep = new Set(["partition.append", "partition.marker", "producer-state.expired"]);
    runScenario(loadScenario(join(dir, "kafka-9144-producer-expiry-open-txn.yaml")), { seed: 1, observe: (r) => (keep.has((r as Rec).type) ? recs.push(r as Rec) : undefined) });
    const last = new Map<string, number>(); // actor/tp/producerId -> µs of the leader's last batch or marker
    const open = new Set<string>();
    const checked: { key: string; sinceLastMs: number }[] = [];
    for (const r of recs) {
      if (r.type === "partition.append" || r.type === "partition.marker") {
        const key = `${r.actor}/${r.data.tp}/${r.data.producerId}`;
        last.set(key, r.t);
        if (r.type === "partition.marker") open.delete(key);
        else if (r.data.transactional) open.add(key);
      } else {
        for (const pid of r.data.producerIds ?? []) {
          const key = `${r.actor}/${r.data.tp}/${pid}`;
          if (!last.has(key)) continue; // a follower: its timestamps are the replicated batches', not traced here
          expect(open.has(key), `${key} expired at ${r.t}µs with its transaction open`).toBe(false);
          checked.push({ key, sinceLastMs: (r.t - last.get(key)!) / 1000 });
        }
      }
    }
    expect(checked.length).toBeGreaterThan(0);
    for (const c of checked) expect(c.sinceLastMs, c.key).toBeGreaterThanOrEqual(5000);
  });
});

/**
 * An outsider's scenario that found a model mismatch, fixed since (test/fixtures/bug-reports/, where bugReports.test.ts
 * also holds its expectations): the idempotent producer's expired batches leave their partition's sequences
 * unresolved, and the epoch is bumped only once none of its batches is in flight or awaiting a retry
 * (TransactionManager.markSequenceUnresolved / maybeResolveSequences).
 */
describe("idempotent-delivery-timeout-broker-hang", () => {
  it("bumps the epoch only after the partition's last sequenced batch ended, and writes every record once", () => {
    const file = join(import.meta.dirname, "..", "fixtures", "bug-reports", "idempotent-delivery-timeout-broker-hang.yaml");
    const keep = new Set(["producer.fail", "producer.unresolved-sequence", "producer.bump-epoch", "producer.send"]);
    const records: Rec[] = [];
    const r = runScenario(loadScenario(file), { seed: 1, observe: (x) => (keep.has((x as Rec).type) && (x as Rec).actor === "app" ? records.push(x as Rec) : undefined) });
    expect(r.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([]);
    const bump = records.findIndex((t) => t.type === "producer.bump-epoch");
    expect(bump).toBeGreaterThan(0);
    // The resolution that decided the bump comes right before it, after every sequenced batch expired: not at the
    // first expiry, as kafkasim used to (which resequenced the batches behind it and wrote them twice).
    expect(records[bump - 1].type).toBe("producer.unresolved-sequence");
    expect(records.slice(0, bump).filter((t) => t.type === "producer.fail").length).toBeGreaterThan(1);
  });
});

/**
 * new-group-latest-misses-backlog (test/fixtures/known-mismatches/): a group deployed 20s after its topic started to
 * fill. consumerProgress judges it from its join (it used to count the 20s before any member existed as a stall);
 * skippedRecords leaves the backlog auto.offset.reset=latest skipped out of its scope, by design (README, Checking).
 */
describe("new-group-latest-misses-backlog", () => {
  const file = join(import.meta.dirname, "..", "fixtures", "known-mismatches", "new-group-latest-misses-backlog.yaml");

  it("a group started at 20s that keeps up from its join holds consumerProgress, with either reset policy", () => {
    for (const set of [[], ["clients.new-reader.config.auto.offset.reset=earliest"]]) {
      const r = runScenario(loadScenario(file, { overrides: set.map(parseOverride) }), { seed: 1 });
      expect(r.checks.map((c) => c.name)).toContain("consumerProgress: { group: analytics, within: 10s }");
      expect(r.checks.filter((c) => !c.ok).map((c) => c.name), set.join(" ")).toEqual([]);
    }
  });

  it("skippedRecords leaves out the backlog auto.offset.reset=latest skipped: before the group's first position, by design", () => {
    const r = runScenario(loadScenario(file), { seed: 1 });
    expect(skippedRecords.run({ history: r.history, logs: r.logs, groupOffsets: r.groupOffsets }, undefined)).toEqual([]);
    // The backlog is there and was never read: each partition's first read by the group starts past offset 0.
    const first = new Map<string, number>();
    for (const op of r.history.ops) if (op.f === "poll" && op.type === "ok" && op.process === "new-reader") for (const [tp, recs] of Object.entries(op.value as Record<string, [number, string][]>)) if (recs.length > 0 && !first.has(tp)) first.set(tp, recs[0][0]);
    expect([...first.keys()].sort()).toEqual(["events-0", "events-1", "events-2"]);
    for (const [tp, offset] of first) expect(offset, tp).toBeGreaterThan(100);
  });
});

/** Trace records of one run of a bug-report fixture at seed 1, only those of the given types. */
function traceOf(file: string, types: string[]): { t: number; actor: string; type: string; data: Record<string, unknown> }[] {
  const keep = new Set(types);
  const recs: { t: number; actor: string; type: string; data: Record<string, unknown> }[] = [];
  runScenario(loadScenario(join(dir, file)), { seed: 1, observe: (r) => (keep.has((r as Rec).type) ? recs.push(r as never) : undefined) });
  return recs;
}

/**
 * kip-360-idempotent-unclean-truncation's expectations (a silent loss: no failed send, no OUT_OF_ORDER_SEQUENCE_NUMBER
 * in the history) would also pass a model where the stale leader took the next batch without a word. The trace shows
 * what Kafka does: the new leader refuses the producer's next sequence (ProducerAppendInfo.checkSequence), and the
 * client, the refused batch being the next after its last acknowledged one, bumps its epoch (TransactionManager.canRetry
 * → requestEpochBumpForPartition, KIP-360) instead of failing.
 */
describe("kip-360-idempotent-unclean-truncation's trace", () => {
  it("answers OUT_OF_ORDER_SEQUENCE_NUMBER after the unclean election and the producer bumps its epoch for it", () => {
    const recs = traceOf("kip-360-idempotent-unclean-truncation.yaml", ["controller.unclean-election", "partition.reject-produce", "producer.bump-epoch"]);
    const election = recs.find((r) => r.type === "controller.unclean-election");
    expect(election).toBeDefined();
    const oos = recs.filter((r) => r.type === "partition.reject-produce" && r.data.error === "OUT_OF_ORDER_SEQUENCE_NUMBER");
    expect(oos.length).toBeGreaterThan(0);
    expect(oos[0].t).toBeGreaterThan(election!.t);
    const bumps = recs.filter((r) => r.type === "producer.bump-epoch");
    expect(bumps.map((b) => b.data.cause)).toEqual(["OUT_OF_ORDER_SEQUENCE_NUMBER"]);
    expect(bumps[0].t).toBeGreaterThan(oos[0].t);
  });
});

/**
 * kafka-15489-isolated-active-controller: what KAFKA-15489 fixed is that the cut-off leader resigns (check-quorum,
 * LeaderState.timeUntilCheckQuorumExpires: 1.5 × controller.quorum.fetch.timeout.ms) while the others elect a leader
 * of a higher epoch; the expectations only see that the cluster kept working.
 */
describe("kafka-15489-isolated-active-controller's trace", () => {
  it("the isolated leader resigns within the check-quorum window and another voter leads a higher epoch", () => {
    const recs = traceOf("kafka-15489-isolated-active-controller.yaml", ["raft.leader", "raft.resign"]);
    const first = recs.find((r) => r.type === "raft.leader")!;
    const resign = recs.find((r) => r.type === "raft.resign");
    expect(resign?.actor).toBe(first.actor);
    expect(resign!.t - 10_000_000).toBeLessThanOrEqual(3_000_000); // isolated at 10s; 1.5 × 2s
    const next = recs.find((r) => r.type === "raft.leader" && r.actor !== first.actor);
    expect(next).toBeDefined();
    expect(next!.data.epoch as number).toBeGreaterThan(first.data.epoch as number);
  });
});

/**
 * static-member-poll-timeout-stalls-partitions: a static member's poll timeout gives up its generation without a
 * LeaveGroup (AbstractCoordinator.maybeLeaveGroup), so the coordinator neither removes it nor rebalances.
 */
describe("static-member-poll-timeout-stalls-partitions' trace", () => {
  it("times out the poll of member-1, sends no LeaveGroup and the coordinator removes nobody", () => {
    const recs = traceOf("static-member-poll-timeout-stalls-partitions.yaml", ["consumer.poll-timeout", "consumer.leave-group", "group-coordinator.member-removed"]);
    expect(recs.filter((r) => r.type === "consumer.poll-timeout").map((r) => [r.actor, r.data.static])).toEqual([["member-1", true]]);
    expect(recs.filter((r) => r.type !== "consumer.poll-timeout")).toEqual([]);
  });
});

/**
 * controlled-shutdown-isr-expand-storm (a known mismatch, fixed since; test/fixtures/bug-reports/): KIP-841. The
 * controller writes broker-2's controlled shutdown to the metadata log (BrokerRegistrationChangeRecord,
 * ReplicationControlManager.handleBrokerInControlledShutdown), so the leaders, whose images have it, do not propose
 * the still-fetching broker for the ISR (Partition.isReplicaIsrEligible → KRaftMetadataCache.isBrokerShuttingDown)
 * and the controller has nothing to refuse; kafkasim's leaders used to propose it on every fetch, refused with
 * INELIGIBLE_REPLICA hundreds of times until the fence. The flag belongs to the registration: the broker restarted
 * at 20s registers again without it and, once unfenced, is proposed again.
 */
describe("controlled-shutdown-isr-expand-storm's trace", () => {
  type Ev = { t: number; actor: string; type: string; data: { tp?: string; error?: string; broker?: string; replica?: string; record?: string; newIsr?: string[] } };
  const types = ["partition.alter-failed", "partition.isr-expand", "controller.record", "controller.unfence", "controller.alter-partition"];
  let recs: Ev[] = [];
  beforeAll(() => {
    recs = traceOf("controlled-shutdown-isr-expand-storm.yaml", types) as Ev[];
  });
  /** Time of the first active-controller record of `record` for broker-2 at or after `fromUs` (whoever leads then). */
  const recordAt = (record: string, fromUs = 0) => recs.find((r) => r.type === "controller.record" && r.data.record === record && r.data.broker === "broker-2" && r.t >= fromUs)?.t;

  it("no leader proposes a broker in controlled shutdown for the ISR, so the controller refuses nothing", () => {
    expect(recs.filter((r) => r.type === "partition.alter-failed").map((r) => r.data.error)).toEqual([]);
    const inShutdown = recordAt("BrokerRegistrationChange")!;
    // The shutdown at 10s is written to the metadata log at once (the heartbeat that asks for it).
    expect(inShutdown).toBeGreaterThanOrEqual(10_000_000);
    expect(inShutdown - 10_000_000).toBeLessThan(100_000);
    const reRegistered = recordAt("RegisterBroker", inShutdown)!;
    expect(reRegistered).toBeGreaterThanOrEqual(20_000_000);
    const proposed = (r: Ev) => r.type === "partition.isr-expand" && r.data.replica === "broker-2";
    expect(recs.filter((r) => proposed(r) && r.t >= inShutdown && r.t < reRegistered)).toEqual([]);
  });

  it("once broker-2 registers again and is unfenced, the leaders propose it and the controller takes it into every ISR", () => {
    const reRegistered = recordAt("RegisterBroker", 20_000_000)!;
    const unfenced = recs.find((r) => r.type === "controller.unfence" && r.data.broker === "broker-2" && r.t >= reRegistered)!.t;
    const proposals = recs.filter((r) => r.type === "partition.isr-expand" && r.data.replica === "broker-2" && r.t >= reRegistered);
    expect(proposals.every((r) => r.t >= unfenced)).toBe(true);
    expect(proposals.map((r) => r.data.tp).sort()).toEqual(["orders-0", "orders-1", "orders-2"]);
    const accepted = recs.filter((r) => r.type === "controller.alter-partition" && r.t >= unfenced && r.data.newIsr!.includes("broker-2"));
    expect(accepted.map((r) => r.data.tp).sort()).toEqual(["orders-0", "orders-1", "orders-2"]);
  });
});

/**
 * zombie-leader-gc-pause-acks1 (KAFKA-6880's zombie leader): the loss its expectation sees must come from the
 * mechanism the header names — broker-1, woken after the controller elected broker-2 with epoch 1, appends as the
 * leader of epoch 0 (Partition.appendRecordsToLeader checks only that its log is local), the producer is told so, and
 * broker-1 removes exactly those records when it becomes broker-2's follower (OffsetsForLeaderEpoch).
 */
describe("zombie-leader-gc-pause-acks1's trace", () => {
  it("broker-1 appends at epoch 0 after the election of epoch 1, acknowledges, then truncates exactly those records", () => {
    const recs = traceOf("zombie-leader-gc-pause-acks1.yaml", ["controller.election", "partition.append", "producer.ack", "partition.become-follower", "partition.truncate"]);
    const election = recs.find((r) => r.type === "controller.election" && r.data.tp === "events-0" && r.data.newLeader === "broker-2")!;
    expect(election.data.leaderEpoch).toBe(1);
    const zombie = recs.filter((r) => r.type === "partition.append" && r.actor === "broker-1" && r.t > election.t);
    expect(zombie.length).toBeGreaterThan(0);
    expect(zombie.every((r) => r.data.leaderEpoch === 0 && r.data.acks === 1)).toBe(true);
    const follower = recs.find((r) => r.type === "partition.become-follower" && r.actor === "broker-1" && r.t > election.t)!;
    expect(zombie.every((r) => r.t < follower.t)).toBe(true);
    const first = zombie[0].data.baseOffset as number;
    const end = (zombie[zombie.length - 1].data.lastOffset as number) + 1;
    // The producer is told each was written (an acks=1 answer leaves once the leader's log has it; the last may arrive
    // just after broker-1 has learnt it no longer leads).
    // Matched by offset and record count: broker-2 later acknowledges the retries of other batches at the same offsets.
    const written = new Set(zombie.map((r) => `${r.data.baseOffset}+${(r.data.lastOffset as number) - (r.data.baseOffset as number) + 1}`));
    const acked = recs.filter((r) => r.type === "producer.ack" && written.has(`${r.data.baseOffset}+${r.data.records}`));
    expect(acked.length).toBe(zombie.length);
    const truncate = recs.find((r) => r.type === "partition.truncate" && r.actor === "broker-1" && r.t > follower.t)!;
    expect([truncate.data.from, truncate.data.to]).toEqual([end, first]);
  });
});

/**
 * leader-cut-from-controller-stalls-acks-all: the gap its expectation sees is the stale leader holding acks=all
 * requests in its purgatory — not an election gap. broker-2 leads from the fence on; broker-1, never told, keeps its
 * ISR of three (a shrink it cannot get through: the controller later refuses it FENCED_LEADER_EPOCH), its high
 * watermark stands still, and the requests time out; the producer's next attempt goes to broker-2.
 */
describe("leader-cut-from-controller-stalls-acks-all's trace", () => {
  it("broker-1's acks=all requests time out at a standing HW while broker-2 leads; the retries go to broker-2", () => {
    const recs = traceOf("leader-cut-from-controller-stalls-acks-all.yaml", ["controller.election", "partition.become-leader", "partition.produce-timeout", "producer.retry", "producer.send", "partition.become-follower"]);
    const leads = recs.find((r) => r.type === "partition.become-leader" && r.actor === "broker-2")!;
    expect(leads.t).toBeLessThan(15_000_000);
    const timeouts = recs.filter((r) => r.type === "partition.produce-timeout" && r.actor === "broker-1");
    expect(timeouts.length).toBeGreaterThan(0);
    expect(timeouts.every((r) => r.t > leads.t + 29_000_000 && (r.data.isr as string[]).length === 3)).toBe(true);
    expect(new Set(timeouts.map((r) => r.data.highWatermark)).size).toBe(1);
    const retries = recs.filter((r) => r.type === "producer.retry");
    expect([...new Set(retries.map((r) => r.data.error))]).toEqual(["REQUEST_TIMED_OUT"]);
    const resent = recs.filter((r) => r.type === "producer.send" && (r.data.attempt as number) > 1);
    expect(resent.length).toBeGreaterThan(0);
    expect(resent.every((r) => r.data.to === "broker-2")).toBe(true);
    // broker-1 learns it lost the lead only after the cut heals at 45s.
    expect(recs.find((r) => r.type === "partition.become-follower" && r.actor === "broker-1")!.t).toBeGreaterThan(45_000_000);
  });

  it("with a longer cut, broker-1's ISR shrink stays pending and the controller refuses it FENCED_LEADER_EPOCH once reachable", () => {
    const recs: Rec[] = [];
    const keep = new Set(["partition.isr-shrink", "partition.alter-failed", "partition.become-follower"]);
    const overrides = ["faults.0.for=60s", "duration=90s"].map(parseOverride);
    runScenario(loadScenario(join(dir, "leader-cut-from-controller-stalls-acks-all.yaml"), { overrides }), { seed: 1, observe: (r) => (keep.has((r as Rec).type) && (r as Rec).actor === "broker-1" ? recs.push(r as Rec) : undefined) });
    expect(recs.map((r) => r.type)).toEqual(["partition.isr-shrink", "partition.alter-failed", "partition.become-follower"]);
    expect(recs[0].t).toBeLessThan(65_000_000); // asked while the cut still stood
    expect(recs[1].t).toBeGreaterThan(65_000_000);
    expect((recs[1].data as { error?: string }).error).toBe("FENCED_LEADER_EPOCH");
  });
});

/**
 * kafka-4682-idle-stable-group-keeps-offsets: its quiet expectations would also pass if the topic never went quiet.
 * The trace shows the premise: the restarted member's OffsetFetch returns the offset committed before the quiet
 * stretch — more than offsets.retention.minutes (1) old by then — and the coordinator expired nothing of the group.
 */
describe("kafka-4682-idle-stable-group-keeps-offsets' trace", () => {
  it("the restarted member resumes from an offset committed over a minute before, and nothing of the group expired", () => {
    const recs = traceOf("kafka-4682-idle-stable-group-keeps-offsets.yaml", ["group-coordinator.offset-commit", "group-coordinator.offsets-expired", "consumer.committed-offset", "consumer.reset-offset"]);
    expect(recs.filter((r) => r.type === "group-coordinator.offsets-expired")).toEqual([]);
    const lastBefore = recs.filter((r) => r.type === "group-coordinator.offset-commit" && r.t < 180_000_000).at(-1)!;
    expect(180_000_000 - lastBefore.t).toBeGreaterThan(120_000_000);
    const resumed = recs.filter((r) => r.type === "consumer.committed-offset" && r.t > 185_000_000);
    expect(resumed.map((r) => r.data.offset)).toEqual([Number((lastBefore.data.offsets as string[])[0].split("@")[1])]);
    expect(recs.filter((r) => r.type === "consumer.reset-offset" && r.t > 185_000_000)).toEqual([]);
  });
});

/**
 * coordinator-failover-no-rebalance (tulios/kafkajs#1069): `rebalances: max 1` would also hold for a group whose
 * coordinator never moved. The trace shows it moved, and that the new coordinator took the members' commits of the
 * generation they had before the crash (GroupMetadataManager.onLoaded re-arms the loaded members' sessions) with no
 * JoinGroup or rebalance after the crash.
 */
describe("coordinator-failover-no-rebalance's trace", () => {
  it("the commits after the crash reach another coordinator with the old generation and member ids; nobody rejoins", () => {
    type Ev = { t: number; actor: string; type: string; data: { groupId?: string; generationId?: number; memberId?: string; error?: string } };
    const recs = traceOf("coordinator-failover-no-rebalance.yaml", ["group-coordinator.offset-commit", "consumer.join-group", "group-coordinator.prepare-rebalance", "sim.crash"]) as Ev[];
    const crash = recs.find((r) => r.type === "sim.crash")!;
    expect(crash.t).toBe(20_000_000);
    const before = recs.filter((r) => r.type === "group-coordinator.offset-commit" && r.t < crash.t);
    const after = recs.filter((r) => r.type === "group-coordinator.offset-commit" && r.t > crash.t);
    expect(new Set(before.map((r) => r.actor)).size).toBe(1);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => r.actor !== before[0].actor && r.data.error === "NONE")).toBe(true);
    const ids = (rs: Ev[]) => [...new Set(rs.map((r) => `${r.data.memberId}@${r.data.generationId}`))].sort();
    expect(ids(after)).toEqual(ids(before));
    expect(recs.filter((r) => (r.type === "consumer.join-group" || r.type === "group-coordinator.prepare-rebalance") && r.t > crash.t)).toEqual([]);
  });
});

/**
 * KAFKA-12261 (outsider4): a group at auto.offset.reset=latest skips what the producer wrote to added partitions before
 * the group's rebalance reset them to their log end (ConsumerConfig AUTO_OFFSET_RESET_DOC since apache/kafka#10167).
 */
describe("kafka-12261-add-partitions-latest-skips' history", () => {
  const file = join(dir, "kafka-12261-add-partitions-latest-skips.yaml");
  /** The lowest offset the group processed on each partition. */
  function firstProcessed(overrides: string[]): Record<string, number> {
    const r = runScenario(loadScenario(file, { overrides: overrides.map(parseOverride) }), { seed: 1 });
    const first: Record<string, number> = {};
    for (const op of r.history.ops) {
      if (op.f !== "process" || op.type !== "invoke") continue;
      const v = op.value as { topic: string; partition: number; offset: number };
      const tp = `${v.topic}-${v.partition}`;
      first[tp] = Math.min(first[tp] ?? Infinity, v.offset);
    }
    return first;
  }

  it("with latest the group never processes the first records of orders-3..5; with earliest it starts them at 0", () => {
    const latest = firstProcessed([]);
    for (const tp of ["orders-3", "orders-4", "orders-5"]) expect(latest[tp], tp).toBeGreaterThan(20);
    const earliest = firstProcessed(["clients.member-1.config.auto.offset.reset=earliest", "clients.member-2.config.auto.offset.reset=earliest"]);
    for (const tp of ["orders-3", "orders-4", "orders-5"]) expect(earliest[tp], tp).toBe(0);
  });

  // skippedRecords judges a partition the group first got in a later generation than its topic from the records
  // acknowledged there after the group's first assignment of the topic (KAFKA-12261's window), not from the reset.
  it("skippedRecords names the records of the added partitions the group never processed; quiet with earliest", () => {
    const check = (overrides: string[]) => runScenario(loadScenario(file, { overrides: ["expect=[noSkippedRecords]", ...overrides].map(parseOverride) }), { seed: 1 }).checks[0];
    const latest = check([]);
    expect(latest.ok).toBe(false);
    expect(latest.findings.map((f) => f.message.match(/committed (orders-\d) .* \(offsets (0–\d+)\)/)?.slice(1, 3))).toEqual([
      ["orders-3", "0–81"],
      ["orders-4", "0–174"],
      ["orders-5", "0–111"],
    ]);
    expect(check(["clients.member-1.config.auto.offset.reset=earliest", "clients.member-2.config.auto.offset.reset=earliest"]).ok).toBe(true);
  });
});

/**
 * Leaders stay off a restarted broker until the controller's imbalance check (outsider4): QuorumController
 * maybeScheduleNextBalancePartitionLeaders schedules it leader.imbalance.check.interval.seconds after the write that
 * left a partition off its preferred leader (imbalancedScheduled starts DEFERRED), and only with
 * auto.leader.rebalance.enable.
 */
describe("preferred-leader-after-restart's trace", () => {
  const file = join(dir, "preferred-leader-after-restart.yaml");
  function broker1Leads(overrides: string[]): { tp: string; atMs: number }[] {
    const out: { tp: string; atMs: number }[] = [];
    runScenario(loadScenario(file, { overrides: overrides.map(parseOverride) }), {
      seed: 1,
      observe: (r) => {
        const rec = r as { t: number; actor: string; type: string; data: { tp?: string } };
        if (rec.type === "partition.become-leader" && rec.actor === "broker-1") out.push({ tp: rec.data.tp!, atMs: rec.t / 1000 });
      },
    });
    return out;
  }

  it("broker-1 leads orders-0 and orders-3 again only at the balance check 300 s after they moved, not at its restart", () => {
    const after = broker1Leads([]).filter((l) => l.atMs > 10_000);
    expect(after.map((l) => l.tp).sort()).toEqual(["orders-0", "orders-3"]);
    for (const l of after) expect(l.atMs).toBeGreaterThanOrEqual(310_000);
    for (const l of after) expect(l.atMs).toBeLessThan(311_000);
  });

  it("with auto.leader.rebalance.enable=false broker-1 leads nothing after its shutdown", () => {
    expect(broker1Leads(["brokers.config.auto.leader.rebalance.enable=false"]).filter((l) => l.atMs > 10_000)).toEqual([]);
  });
});

/** KIP-537's trade-off (outsider4): the cut follower is never fenced, so only replica.lag.time.max.ms ends the stall. */
describe("stuck-follower-stalls-acks-all's trace", () => {
  it("broker-3 stays unfenced through the cut; broker-1 drops it from the ISR only once replica.lag.time.max.ms passed", () => {
    const recs: { t: number; actor: string; type: string; data: { lagMaxMs?: number; outOfSync?: string[] } }[] = [];
    runScenario(loadScenario(join(dir, "stuck-follower-stalls-acks-all.yaml")), { seed: 1, observe: (r) => void recs.push(r as (typeof recs)[number]) });
    expect(recs.filter((r) => r.type === "broker.fenced" && r.actor === "broker-3" && r.t > 10_000_000)).toEqual([]);
    const shrink = recs.filter((r) => r.type === "partition.isr-shrink" && r.actor === "broker-1");
    expect(shrink.map((r) => r.data.outOfSync)).toEqual([["broker-3"]]);
    expect(shrink[0].data.lagMaxMs).toBe(30_000);
    expect(shrink[0].t / 1000).toBeGreaterThanOrEqual(40_000);
  });
});
