import { describe, expect, it } from "vitest";
import { GroupCoordinator } from "../../src/kafka/coordinator/group/groupCoordinator.js";
import type { PartitionWriter } from "../../src/kafka/coordinator/partitionWriter.js";
import type { RecordBatch } from "../../src/kafka/log/recordBatch.js";
import type { ErrorName } from "../../src/kafka/protocol/errors.js";
import type { ConsumerGroupHeartbeatResponse, GroupProtocol, JoinGroupResponse, SyncGroupResponse, TopicPartitionRef } from "../../src/kafka/protocol/groupMessages.js";
import type { ActorContext } from "../../src/sim/index.js";

/**
 * The classic group coordinator driven directly, with a fake `__consumer_offsets` leader whose appends succeed at
 * once (or fail, when told). Expected answers follow Kafka's GroupMetadataManager / ClassicGroup (kafka-facts §5.4).
 */
function harness(opts: { initialDelayMs?: number; offsetsRetentionMs?: number; offsetsRetentionCheckIntervalMs?: number } = {}) {
  let now = 0;
  let correlation = 0;
  /** Each client's connection, by number (the coordinator answers on the connection a request came on). */
  const clients: string[] = [];
  const conn = (client: string) => (clients.includes(client) ? clients.indexOf(client) : clients.push(client) - 1);
  const sent: { to: string; msg: { type: string; correlationId: number; error: ErrorName } & Record<string, unknown> }[] = [];
  const timers: { atUs: number; fire: () => void; seq: number }[] = [];
  let appendError: ErrorName = "NONE";
  const batches: RecordBatch[] = [];
  const replica = { role: "leader" as const, leaderEpoch: 0, log: { batches }, highWatermark: Number.MAX_SAFE_INTEGER };
  const writer: PartitionWriter = {
    replica: () => replica,
    append: (_topic, _partition, b, _timeoutMs, cb) => {
      if (appendError === "NONE") batches.push({ ...b, baseOffset: batches.length, leaderEpoch: 0, maxTimestampMs: now / 1000 } as RecordBatch);
      cb(appendError);
    },
  };
  const ctx = {
    name: "broker-1",
    incarnation: 1,
    get nowUs() {
      return now;
    },
    get nowMs() {
      return now / 1000;
    },
    write: (conn: number, msg: never) => sent.push({ to: clients[conn], msg }),
    timer: <P>(onFire: (payload: P) => void) => ({
      set: (ms: number, payload: P) => timers.push({ atUs: now + ms * 1000, fire: () => onFire(payload), seq: timers.length }),
      cancel: () => {},
    }),
    trace: () => {},
  } as unknown as ActorContext;
  const host = { ctx, numPartitions: 1, writer, partitionCount: () => 4, consumerGroups: { sessionTimeoutMs: 45000, heartbeatIntervalMs: 5000, assignors: ["uniform", "range"] }, initialRebalanceDelayMs: opts.initialDelayMs ?? 0, minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 1800000, offsetsRetentionMs: opts.offsetsRetentionMs ?? 604800000, offsetsRetentionCheckIntervalMs: opts.offsetsRetentionCheckIntervalMs ?? 600000 };
  const gc = new GroupCoordinator(host);
  const protocols = (name = "range", topics = ["t"]): GroupProtocol[] => [{ name, metadata: { topics, ownedPartitions: [], generationId: -1 } }];
  const last = (to: string, type: string) => [...sent].reverse().find((s) => s.to === to && s.msg.type === type)?.msg;

  const h = {
    gc,
    batches,
    failAppends: (e: ErrorName) => (appendError = e),
    /** Moves time forward, firing due timers in order. */
    advance(ms: number) {
      const until = now + ms * 1000;
      for (;;) {
        timers.sort((a, b) => a.atUs - b.atUs || a.seq - b.seq);
        const t = timers[0];
        if (!t || t.atUs > until) break;
        timers.shift();
        now = t.atUs;
        t.fire();
      }
      now = until;
    },
    join(client: string, memberId = "", o: { instance?: string | null; session?: number; protocols?: GroupProtocol[] } = {}) {
      const correlationId = ++correlation;
      gc.handleJoinGroup(client, { type: "JoinGroup", correlationId, groupId: "g", memberId, groupInstanceId: o.instance ?? null, sessionTimeoutMs: o.session ?? 10000, rebalanceTimeoutMs: 30000, protocolType: "consumer", protocols: o.protocols ?? protocols() }, conn(client));
      return () => sent.find((s) => s.to === client && s.msg.correlationId === correlationId)?.msg as unknown as JoinGroupResponse | undefined;
    },
    /** A dynamic member's full join: MEMBER_ID_REQUIRED, then a join with the id it was given. */
    joinDynamic(client: string) {
      const id = h.join(client)()!.memberId;
      return { id, answer: h.join(client, id) };
    },
    sync(client: string, memberId: string, generationId: number, assignments: Record<string, TopicPartitionRef[]> = {}, instance: string | null = null) {
      const correlationId = ++correlation;
      gc.handleSyncGroup(client, { type: "SyncGroup", correlationId, groupId: "g", generationId, memberId, groupInstanceId: instance, assignments: Object.entries(assignments).map(([m, a]) => ({ memberId: m, assignment: a })) }, conn(client));
      return () => sent.find((s) => s.to === client && s.msg.correlationId === correlationId)?.msg as unknown as SyncGroupResponse | undefined;
    },
    heartbeat(client: string, memberId: string, generationId: number, instance: string | null = null): ErrorName {
      gc.handleHeartbeat(client, { type: "Heartbeat", correlationId: ++correlation, groupId: "g", generationId, memberId, groupInstanceId: instance }, conn(client));
      return last(client, "HeartbeatResponse")!.error;
    },
    commit(client: string, memberId: string, generationId: number, offset = 5, instance: string | null = null): ErrorName {
      gc.handleOffsetCommit({ type: "OffsetCommit", correlationId: ++correlation, groupId: "g", generationId, memberId, groupInstanceId: instance, offsets: [{ topic: "t", partition: 0, offset }] }, conn(client));
      return last(client, "OffsetCommitResponse")!.error;
    },
    txnCommit(client: string, memberId: string, generationId: number): ErrorName {
      gc.handleTxnOffsetCommit({ type: "TxnOffsetCommit", correlationId: ++correlation, transactionalId: "tx", groupId: "g", producerId: 7, producerEpoch: 0, generationId, memberId, offsets: [{ topic: "t", partition: 0, offset: 3 }] }, conn(client));
      return last(client, "TxnOffsetCommitResponse")!.error;
    },
    /** A KIP-848 ConsumerGroupHeartbeat; returns its answer. */
    cgh(client: string, memberId: string, memberEpoch: number, owned: TopicPartitionRef[] = [], instance: string | null = null) {
      gc.handleConsumerGroupHeartbeat(client, { type: "ConsumerGroupHeartbeat", correlationId: ++correlation, groupId: "g", memberId, memberEpoch, instanceId: instance, rebalanceTimeoutMs: 30000, subscribedTopicNames: ["t"], serverAssignor: null, topicPartitions: owned }, conn(client));
      return last(client, "ConsumerGroupHeartbeatResponse") as unknown as ConsumerGroupHeartbeatResponse;
    },
    leave(client: string, memberId: string, instance: string | null = null): ErrorName {
      gc.handleLeaveGroup(client, { type: "LeaveGroup", correlationId: ++correlation, groupId: "g", memberId, groupInstanceId: instance }, conn(client));
      return last(client, "LeaveGroupResponse")!.error;
    },
    fetch(): { error: ErrorName; offsets: { offset: number }[] } {
      gc.handleOffsetFetch({ type: "OffsetFetch", correlationId: ++correlation, groupId: "g", requireStable: true }, conn("admin"));
      return last("admin", "OffsetFetchResponse") as never;
    },
    state: () => gc.describe("g")?.state,
    protocols,
  };
  return h;
}

/** Two dynamic members in a Stable generation 1, a leader (a) and a follower (b). */
function stableGroup() {
  const h = harness();
  const a = h.joinDynamic("a");
  const b = h.joinDynamic("b");
  h.advance(0); // the (zero) initial delay
  const ja = a.answer()!;
  const jb = b.answer()!;
  const assignments = { [a.id]: [{ topic: "t", partition: 0 }], [b.id]: [{ topic: "t", partition: 1 }] };
  const sb = h.sync("b", b.id, 1);
  const sa = h.sync("a", a.id, 1, ja.leader === a.id ? assignments : {});
  return { h, a: a.id, b: b.id, ja, jb, sa, sb };
}

describe("classic group coordinator: joining", () => {
  it("a new dynamic member gets MEMBER_ID_REQUIRED and an id, then joins with it (KIP-394)", () => {
    const h = harness();
    const first = h.join("a")()!;
    expect(first.error).toBe("MEMBER_ID_REQUIRED");
    expect(first.memberId).not.toBe("");
    expect(h.state()).toBe("Empty");
    const answer = h.join("a", first.memberId);
    expect(h.state()).toBe("PreparingRebalance");
    expect(answer()).toBeUndefined(); // parked until the join completes
    h.advance(0);
    expect(answer()).toMatchObject({ error: "NONE", generationId: 1, leader: first.memberId, memberId: first.memberId, protocolName: "range" });
    expect(answer()!.members.map((m) => m.memberId)).toEqual([first.memberId]);
    expect(h.state()).toBe("CompletingRebalance");
  });

  it("group.initial.rebalance.delay.ms holds the first join open so later members make the same generation", () => {
    const h = harness({ initialDelayMs: 3000 });
    const a = h.joinDynamic("a");
    h.advance(1000);
    const b = h.joinDynamic("b");
    h.advance(2500);
    expect(a.answer()).toBeUndefined(); // b arrived during the delay: it is extended
    h.advance(3000);
    expect(a.answer()!.generationId).toBe(1);
    expect(b.answer()!.generationId).toBe(1);
    expect(a.answer()!.members).toHaveLength(2);
    expect(b.answer()!.members).toHaveLength(0); // only the leader gets the members
  });

  it("refuses session timeouts outside the broker's bounds and protocols the group does not share", () => {
    const h = harness();
    expect(h.join("a", "", { session: 1000 })()!.error).toBe("INVALID_SESSION_TIMEOUT");
    const a = h.joinDynamic("a");
    h.advance(0);
    expect(a.answer()!.error).toBe("NONE");
    const id = h.join("b")()!.memberId;
    expect(h.join("b", id, { protocols: h.protocols("roundrobin") })()!.error).toBe("INCONSISTENT_GROUP_PROTOCOL");
  });

  it("picks the protocol every member supports that most members prefer", () => {
    const h = harness();
    const both = [...h.protocols("cooperative-sticky"), ...h.protocols("range")];
    const a = h.join("a", h.join("a")()!.memberId, { protocols: both });
    const b = h.join("b", h.join("b")()!.memberId, { protocols: both });
    const c = h.join("c", h.join("c")()!.memberId, { protocols: h.protocols("range") });
    h.advance(0);
    for (const r of [a, b, c]) expect(r()!.protocolName).toBe("range");
  });
});

describe("classic group coordinator: sync and the states' answers", () => {
  it("followers' SyncGroup waits for the leader's; the stored assignment makes the group Stable", () => {
    const { h, a, b, sa, sb } = stableGroup();
    expect(h.state()).toBe("Stable");
    expect(sa()).toMatchObject({ error: "NONE" });
    expect(sb()).toMatchObject({ error: "NONE", assignment: [{ topic: "t", partition: 1 }] });
    expect(h.batches.length).toBeGreaterThan(0); // the GroupMetadata record
    // In Stable, a SyncGroup just returns the member's assignment.
    expect(h.sync("b", b, 1)()!.assignment).toEqual([{ topic: "t", partition: 1 }]);
    expect(h.sync("a", a, 0)()!.error).toBe("ILLEGAL_GENERATION");
    expect(h.sync("x", "nobody", 1)()!.error).toBe("UNKNOWN_MEMBER_ID");
  });

  it("a failed assignment write answers the syncs with the error and starts over", () => {
    const h = harness();
    const a = h.joinDynamic("a");
    h.advance(0);
    h.failAppends("NOT_ENOUGH_REPLICAS");
    expect(h.sync("a", a.id, 1, { [a.id]: [] })()!.error).toBe("COORDINATOR_NOT_AVAILABLE");
    expect(h.state()).toBe("PreparingRebalance");
  });

  it("heartbeats: NONE when Stable or CompletingRebalance, REBALANCE_IN_PROGRESS while preparing, errors for strangers", () => {
    const { h, a, b } = stableGroup();
    expect(h.heartbeat("a", a, 1)).toBe("NONE");
    expect(h.heartbeat("a", a, 0)).toBe("ILLEGAL_GENERATION");
    expect(h.heartbeat("x", "nobody", 1)).toBe("UNKNOWN_MEMBER_ID");
    const c = h.joinDynamic("c");
    expect(h.state()).toBe("PreparingRebalance");
    expect(h.heartbeat("a", a, 1)).toBe("REBALANCE_IN_PROGRESS");
    expect(h.sync("b", b, 1)()!.error).toBe("REBALANCE_IN_PROGRESS");
    h.join("a", a);
    h.join("b", b);
    expect(c.answer()!.generationId).toBe(2);
    expect(h.state()).toBe("CompletingRebalance");
    // GroupMetadataManager: heartbeats after the JoinGroup answer are normal in CompletingRebalance.
    expect(h.heartbeat("c", c.id, 2)).toBe("NONE");
  });

  it("offset commits are validated against the generation (ClassicGroup.validateOffsetCommit)", () => {
    const { h, a, b } = stableGroup();
    expect(h.commit("a", a, 1)).toBe("NONE");
    expect(h.commit("a", a, 0)).toBe("ILLEGAL_GENERATION");
    expect(h.commit("x", "nobody", 1)).toBe("UNKNOWN_MEMBER_ID");
    expect(h.commit("x", "", -1)).toBe("UNKNOWN_MEMBER_ID"); // only members commit to a non-empty group
    // TxnOffsetCommit shares the check (KIP-447): a stale generation is fenced.
    expect(h.txnCommit("a", a, 0)).toBe("ILLEGAL_GENERATION");
    expect(h.txnCommit("a", a, 1)).toBe("NONE");
    h.joinDynamic("c");
    expect(h.commit("b", b, 1)).toBe("NONE"); // the previous generation may still commit while preparing
    h.join("a", a);
    h.join("b", b);
    expect(h.state()).toBe("CompletingRebalance");
    expect(h.commit("b", b, 2)).toBe("REBALANCE_IN_PROGRESS");
  });

  it("an empty group takes commits from outside group management (generation -1)", () => {
    const h = harness();
    expect(h.commit("admin", "", -1, 42)).toBe("NONE");
    expect(h.commit("x", "m", 3)).toBe("UNKNOWN_MEMBER_ID");
    expect(h.fetch()).toMatchObject({ error: "NONE", offsets: [{ topic: "t", partition: 0, offset: 42 }] });
  });
});

describe("classic group coordinator: members leaving and failing", () => {
  it("a member whose session expires is removed and the others rebalance without it", () => {
    const { h, a, b } = stableGroup();
    for (let i = 0; i < 4; i++) {
      h.advance(3000);
      h.heartbeat("a", a, 1);
    }
    expect(h.state()).toBe("PreparingRebalance"); // b said nothing for 10s
    expect(h.heartbeat("b", b, 1)).toBe("UNKNOWN_MEMBER_ID");
    const again = h.join("a", a);
    expect(again()).toMatchObject({ generationId: 2, members: [{ memberId: a }] });
  });

  it("LeaveGroup removes the member at once; an unknown member is told so", () => {
    const { h, a, b } = stableGroup();
    expect(h.leave("b", b)).toBe("NONE");
    expect(h.state()).toBe("PreparingRebalance");
    expect(h.leave("b", b)).toBe("UNKNOWN_MEMBER_ID");
    expect(h.join("a", a)()!.generationId).toBe(2);
  });

  it("a dynamic member that heartbeats but does not rejoin before the rebalance timeout is dropped from the next generation", () => {
    const { h, a, b } = stableGroup();
    const c = h.joinDynamic("c");
    const ra = h.join("a", a);
    for (let t = 0; t < 30; t += 3) {
      expect(h.heartbeat("b", b, 1)).toBe("REBALANCE_IN_PROGRESS"); // alive, but busy: it never rejoins
      h.advance(3000);
    }
    expect(ra()!.generationId).toBe(2);
    expect(ra()!.members.map((m) => m.memberId).sort()).toEqual([a, c.id].sort());
    expect(h.heartbeat("b", b, 1)).toBe("UNKNOWN_MEMBER_ID");
  });
});

describe("classic group coordinator: static membership (KIP-345)", () => {
  function staticGroup() {
    const h = harness();
    const j1 = h.join("s1", "", { instance: "i1" });
    const j2 = h.join("s2", "", { instance: "i2" });
    h.advance(0);
    const m1 = j1()!.memberId;
    const m2 = j2()!.memberId;
    const leader = j1()!.leader;
    h.sync("s2", m2, 1, leader === m2 ? { [m1]: [{ topic: "t", partition: 0 }], [m2]: [{ topic: "t", partition: 1 }] } : {}, "i2");
    h.sync("s1", m1, 1, leader === m1 ? { [m1]: [{ topic: "t", partition: 0 }], [m2]: [{ topic: "t", partition: 1 }] } : {}, "i1");
    return { h, m1, m2 };
  }

  it("static members join without MEMBER_ID_REQUIRED", () => {
    const { h } = staticGroup();
    expect(h.state()).toBe("Stable");
  });

  it("a restarted static member gets its assignment back without a rebalance, and its old id is fenced", () => {
    const { h, m1 } = staticGroup();
    const again = h.join("s1", "", { instance: "i1" })()!;
    expect(again.error).toBe("NONE");
    expect(again.generationId).toBe(1);
    expect(again.memberId).not.toBe(m1);
    expect(h.state()).toBe("Stable");
    expect(h.sync("s1", again.memberId, 1, {}, "i1")()!.assignment).toEqual([{ topic: "t", partition: 0 }]);
    // The old incarnation (a zombie) is fenced everywhere.
    expect(h.heartbeat("s1", m1, 1, "i1")).toBe("FENCED_INSTANCE_ID");
    expect(h.commit("s1", m1, 1, 5, "i1")).toBe("FENCED_INSTANCE_ID");
    expect(h.join("s1", m1, { instance: "i1" })()!.error).toBe("FENCED_INSTANCE_ID");
  });

  it("a static member that stops heartbeating is removed only when its session expires", () => {
    const { h, m2 } = staticGroup();
    h.advance(9000);
    h.heartbeat("s2", m2, 1, "i2");
    expect(h.state()).toBe("Stable");
    h.advance(2000);
    expect(h.state()).toBe("PreparingRebalance"); // s1's 10s session ran out
  });
});

describe("classic group coordinator: moving between brokers", () => {
  it("a new coordinator loads the group from the offsets log: Stable, same generation, same assignment", () => {
    const { h, a, b } = stableGroup();
    h.commit("a", a, 1, 17);
    const moved = harness();
    moved.batches.push(...h.batches);
    moved.gc.onBecomeLeader(0);
    expect(moved.gc.describe("g")).toMatchObject({ state: "Stable", generationId: 1 });
    expect(moved.heartbeat("b", b, 1)).toBe("NONE");
    expect(moved.sync("b", b, 1)()!.assignment).toEqual([{ topic: "t", partition: 1 }]);
  });

  it("resigning answers parked joins with NOT_COORDINATOR", () => {
    const { h, a } = stableGroup();
    h.joinDynamic("c");
    const parked = h.join("a", a);
    h.gc.onResign(0);
    expect(parked()!.error).toBe("NOT_COORDINATOR");
    expect(h.gc.describe("g")).toBeNull();
  });
});

describe("KIP-848 consumer groups on the coordinator", () => {
  const tps = (...ps: number[]) => ps.map((partition) => ({ topic: "t", partition }));
  /** The partitions an answer gives; null (unchanged) reads as what the member already had. */
  const parts = (r: { assignment: TopicPartitionRef[] | null }, had: number[] = []) => r.assignment?.map((t) => t.partition) ?? had;

  it("members join with epoch 0; a new member gets partitions only after their owner has revoked them", () => {
    const h = harness();
    const a1 = h.cgh("a", "A", 0);
    expect(a1).toMatchObject({ error: "NONE", memberEpoch: 1 });
    expect(parts(a1)).toEqual([0, 1, 2, 3]);
    const b1 = h.cgh("b", "B", 0);
    expect(b1.memberEpoch).toBe(2);
    expect(parts(b1)).toEqual([]); // its target partitions are still A's: UNRELEASED_PARTITIONS
    const a2 = h.cgh("a", "A", 1, tps(0, 1, 2, 3));
    expect(a2.memberEpoch).toBe(1); // A keeps its epoch until it has revoked (UNREVOKED_PARTITIONS)
    const keep = parts(a2)!;
    expect(keep).toHaveLength(2);
    const b2 = h.cgh("b", "B", 2);
    expect(parts(b2)).toEqual([]); // still not released
    const a3 = h.cgh("a", "A", 1, tps(...keep));
    expect(a3.memberEpoch).toBe(2);
    const b3 = h.cgh("b", "B", 2);
    expect(parts(b3)).toEqual([0, 1, 2, 3].filter((p) => !keep.includes(p)));
    expect(h.gc.consumerGroups.groups.get("g")!.state()).toBe("Stable");
  });

  it("fences epochs ahead of the member's, and behind it unless it is the previous one with nothing extra owned", () => {
    const h = harness();
    h.cgh("a", "A", 0);
    h.cgh("b", "B", 0);
    const a = h.cgh("a", "A", 1, tps(0, 1, 2, 3));
    const keep = parts(a)!;
    h.cgh("a", "A", 1, tps(...keep)); // A moves to epoch 2
    expect(h.cgh("a", "A", 3, tps(...keep)).error).toBe("FENCED_MEMBER_EPOCH");
    expect(h.cgh("a", "A", 1, tps(...keep)).error).toBe("NONE"); // its previous epoch: our answer may have been lost
    expect(h.cgh("a", "A", 1, tps(0, 1, 2, 3)).error).toBe("FENCED_MEMBER_EPOCH"); // ... but it claims more than it has
    expect(h.cgh("x", "X", 5).error).toBe("UNKNOWN_MEMBER_ID");
    const other = harness();
    expect(other.cgh("x", "X", 3).error).toBe("GROUP_ID_NOT_FOUND");
  });

  it("a member leaving (-1) or timing out bumps the group epoch and its partitions go to the others", () => {
    const h = harness();
    h.cgh("a", "A", 0);
    h.cgh("b", "B", 0);
    h.cgh("a", "A", 1, tps(0, 1, 2, 3));
    const g = h.gc.consumerGroups.groups.get("g")!;
    const before = g.groupEpoch;
    expect(h.cgh("b", "B", -1).memberEpoch).toBe(-1);
    expect(g.groupEpoch).toBe(before + 1);
    expect([...g.targetAssignment.keys()]).toEqual(["A"]);
    h.cgh("c", "C", 0);
    for (let i = 0; i < 10; i++) {
      h.advance(5000);
      h.cgh("c", "C", g.members.get("C")!.memberEpoch, g.members.get("C")!.assigned);
    }
    expect(g.members.has("A")).toBe(false); // silent past group.consumer.session.timeout.ms
    expect(g.members.get("C")!.assigned.map((t) => t.partition)).toEqual([0, 1, 2, 3]);
  });

  it("a static member's -2 leave keeps its assignment for its return; another claim of the instance is refused", () => {
    const h = harness();
    h.cgh("s1", "S1", 0, [], "i1");
    const g = h.gc.consumerGroups.groups.get("g")!;
    const epoch = g.groupEpoch;
    expect(h.cgh("s1", "S1", -2, tps(0, 1, 2, 3), "i1").memberEpoch).toBe(-2);
    expect(g.groupEpoch).toBe(epoch); // no rebalance
    const back = h.cgh("s1", "S1b", 0, [], "i1");
    expect(back.error).toBe("NONE");
    expect(parts(back)).toEqual([0, 1, 2, 3]);
    expect(g.groupEpoch).toBe(epoch);
    expect(h.cgh("s2", "S2", 0, [], "i1").error).toBe("UNRELEASED_INSTANCE_ID");
  });

  it("offset commits carry the member epoch: a stale one is STALE_MEMBER_EPOCH, and ILLEGAL_GENERATION for TxnOffsetCommit (KIP-447)", () => {
    const h = harness();
    h.cgh("a", "A", 0);
    expect(h.commit("a", "A", 1)).toBe("NONE");
    expect(h.commit("a", "A", 0)).toBe("STALE_MEMBER_EPOCH");
    expect(h.commit("x", "X", 1)).toBe("UNKNOWN_MEMBER_ID");
    // validateTransactionalOffsetCommit maps StaleMemberEpochException to ILLEGAL_GENERATION.
    expect(h.txnCommit("a", "A", 0)).toBe("ILLEGAL_GENERATION");
    expect(h.txnCommit("a", "A", 1)).toBe("NONE");
    // A classic JoinGroup for a consumer group is refused.
    expect(h.join("z")()!.error).toBe("INCONSISTENT_GROUP_PROTOCOL");
  });

  it("a new coordinator loads the consumer group: same epochs and assignments", () => {
    const h = harness();
    h.cgh("a", "A", 0);
    const moved = harness();
    moved.batches.push(...h.batches);
    moved.gc.onBecomeLeader(0);
    const r = moved.cgh("a", "A", 1, tps(0, 1, 2, 3));
    expect(r).toMatchObject({ error: "NONE", memberEpoch: 1 });
  });
});

/**
 * Committed-offset expiry (offsets.retention.minutes): GroupCoordinatorShard.cleanupGroupMetadata every
 * offsets.retention.check.interval.ms, OffsetMetadataManager.cleanupExpiredOffsets with each group's
 * offsetExpirationCondition (ClassicGroup, ConsumerGroup). Retention 60 s and a check every 10 s here.
 */
describe("committed offsets expire (offsets.retention.minutes)", () => {
  const short = () => {
    const h = harness({ offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 10_000 });
    h.gc.onBecomeLeader(0); // GroupCoordinatorShard.onLoaded schedules the expiration job
    return h;
  };
  const commitTo = (h: ReturnType<typeof harness>, memberId: string, generationId: number, topic: string, offset: number) =>
    h.gc.handleOffsetCommit({ type: "OffsetCommit", correlationId: 900 + offset, groupId: "g", generationId, memberId, groupInstanceId: null, offsets: [{ topic, partition: 0, offset }] }, 0);
  const fetched = (h: ReturnType<typeof harness>) => h.fetch().offsets.map((o) => `${(o as unknown as { topic: string }).topic}@${o.offset}`).sort();

  it("an Empty classic group's offsets expire retention after it became Empty, not after their commit (KIP-211); then the group is deleted", () => {
    const h = short();
    const a = h.joinDynamic("a");
    h.advance(0);
    h.sync("a", a.id, 1, { [a.id]: [{ topic: "t", partition: 0 }] });
    expect(h.commit("a", a.id, 1, 7)).toBe("NONE");
    for (let i = 0; i < 20; i++) {
      h.advance(5000); // 100 s in a Stable group subscribed to t: its offset stays, however old its commit
      expect(h.heartbeat("a", a.id, 1)).toBe("NONE");
    }
    expect(fetched(h)).toEqual(["t@7"]);
    expect(h.leave("a", a.id)).toBe("NONE");
    h.advance(0);
    expect(h.state()).toBe("Empty");
    h.advance(50_000);
    expect(fetched(h)).toEqual(["t@7"]); // 50 s Empty: kept
    h.advance(20_000);
    expect(fetched(h)).toEqual([]); // 70 s Empty: the check at or after 60 s wrote its tombstone
    expect(h.gc.describe("g")).toBeNull(); // GroupMetadataManager.maybeDeleteGroup: empty, no offsets left
  });

  it("a Stable classic group keeps the offsets of topics its members subscribe to; others expire after their commit (KIP-496)", () => {
    const h = short();
    const a = h.joinDynamic("a");
    h.advance(0);
    h.sync("a", a.id, 1, { [a.id]: [{ topic: "t", partition: 0 }] });
    commitTo(h, a.id, 1, "t", 3);
    commitTo(h, a.id, 1, "u", 4); // u: nobody in the group subscribes to it
    for (let i = 0; i < 14; i++) {
      h.advance(5000);
      h.heartbeat("a", a.id, 1);
    }
    expect(fetched(h)).toEqual(["t@3"]);
    expect(h.state()).toBe("Stable");
  });

  it("a group used only to store offsets (no member ever joined) loses them retention after their commit", () => {
    const h = short();
    commitTo(h, "", -1, "t", 9);
    h.advance(50_000);
    expect(fetched(h)).toEqual(["t@9"]);
    commitTo(h, "", -1, "t", 10); // a new commit restarts the count
    h.advance(50_000);
    expect(fetched(h)).toEqual(["t@10"]);
    h.advance(20_000);
    expect(fetched(h)).toEqual([]);
  });

  it("a KIP-848 group expires only the offsets of topics no member subscribes to, counted from their commit", () => {
    const h = short();
    const first = h.cgh("a", "A", 0);
    commitTo(h, "A", first.memberEpoch, "t", 5);
    commitTo(h, "A", first.memberEpoch, "u", 6);
    for (let i = 0; i < 14; i++) {
      h.advance(5000);
      h.cgh("a", "A", first.memberEpoch, [0, 1, 2, 3].map((partition) => ({ topic: "t", partition })));
    }
    expect(fetched(h)).toEqual(["t@5"]);
  });

  it("nothing expires before retention, and a default retention (7 days) keeps an Empty group's offsets through a long run", () => {
    const h = harness();
    h.gc.onBecomeLeader(0);
    commitTo(h, "", -1, "t", 1);
    h.advance(3_600_000); // an hour, six checks
    expect(fetched(h)).toEqual(["t@1"]);
  });
});
