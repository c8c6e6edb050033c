import { KafkaConsumer } from "../../src/kafka/client/consumer/consumer.js";
import type { CommitCallback } from "../../src/kafka/client/consumer/groupMember.js";
import { CONSUMER_CONFIG, consumerSettings } from "../../src/kafka/config/consumerConfig.js";
import type { TopicPartitionRef } from "../../src/kafka/protocol/groupMessages.js";
import { FakeContext, type SentMessage } from "./fakeContext.js";

/** A request the consumer sent, as the harness hands it to the test to answer. */
export interface GroupRequest {
  conn: number;
  msg: { type: string; correlationId: number } & Record<string, unknown>;
}

/**
 * One subscribed consumer (group `g`, topic `t` with partitions 0 and 1 led by broker-1) driven by hand with no
 * engine and no broker: the test reads the requests it sent (`take`) and writes the coordinator's answers
 * (`answer`). The rebalance listener's calls land in `events` as `"assigned t-0 @1"` (partitions, then the
 * generation or member epoch); commit outcomes in `commits` as the error name or "ok".
 * `config` is the consumer's Kafka config (group.id, enable.auto.commit=false and auto.offset.reset=earliest set).
 */
export function groupMember(config: Record<string, string | number | boolean> = {}) {
  const ctx = new FakeContext("c1");
  const consumer = new KafkaConsumer(ctx, ["broker-1"], consumerSettings(CONSUMER_CONFIG.resolve({ "group.id": "g", "enable.auto.commit": false, "auto.offset.reset": "earliest", ...config })));
  const inbox: SentMessage[] = [];
  const events: string[] = [];
  const commits: string[] = [];
  const tps = (list: TopicPartitionRef[]) => list.map((t) => `${t.topic}-${t.partition}`).join(",");

  /** Requests of one type sent since the last look (after the zero-delay timers ran), oldest first. */
  const take = (type: string): GroupRequest[] => {
    ctx.advance(0);
    inbox.push(...ctx.takeSent());
    const out = inbox.filter((m) => (m.msg as { type: string }).type === type);
    for (const m of out) inbox.splice(inbox.indexOf(m), 1);
    return out.map((m) => ({ conn: m.conn!, msg: m.msg as GroupRequest["msg"] }));
  };
  /** The one request of a type sent since the last look; throws if there is not exactly one. */
  const one = (type: string): GroupRequest => {
    const got = take(type);
    if (got.length !== 1) throw new Error(`expected one ${type}, got ${got.length}`);
    return got[0];
  };
  /** The coordinator's answer to `req` (`<type>Response` with its correlation id and these fields). */
  const answer = (req: GroupRequest, body: Record<string, unknown>) => ctx.receive(req.conn, { type: `${req.msg.type}Response`, correlationId: req.msg.correlationId, ...body });
  /** A commit callback that records how the commit ended. */
  const recordCommit: CommitCallback = (error) => commits.push(error ?? "ok");

  consumer.start();
  const meta = one("Metadata");
  answer(meta, { partitions: [0, 1].map((partition) => ({ topic: "t", partition, leader: "broker-1", leaderEpoch: 1, replicas: ["broker-1"], isr: ["broker-1"] })) });
  consumer.subscribe(["t"], {
    onPartitionsAssigned: (list, generation) => events.push(`assigned ${tps(list)} @${generation}`),
    onPartitionsRevoked: (list, generation) => events.push(`revoked ${tps(list)} @${generation}`),
    onPartitionsLost: (list, generation) => events.push(`lost ${tps(list)} @${generation}`),
  });
  consumer.poll();
  answer(one("FindCoordinator"), { error: "NONE", coordinator: "broker-1" });
  return { ctx, consumer, events, commits, take, one, answer, recordCommit };
}

/**
 * A classic member (AbstractCoordinator / ConsumerCoordinator) brought to a stable generation 1 as a follower
 * owning t-0 from committed offset 5; its heartbeat timer is running.
 */
export function stableClassicMember(config: Record<string, string | number | boolean> = {}) {
  const h = groupMember(config);
  h.consumer.poll();
  h.answer(h.one("JoinGroup"), { error: "NONE", generationId: 1, protocolName: "range", leader: "leader-member", memberId: "c1-member", members: [] });
  h.answer(h.one("SyncGroup"), { error: "NONE", assignment: [{ topic: "t", partition: 0 }] });
  h.consumer.poll();
  h.answer(h.one("OffsetFetch"), { error: "NONE", offsets: [{ topic: "t", partition: 0, offset: 5 }] });
  return h;
}

/**
 * A KIP-848 member (ConsumerMembershipManager, group.protocol=consumer) brought to epoch 1 owning t-0 from committed
 * offset 5 and acknowledged (STABLE); heartbeats every second.
 */
export function stableConsumerProtocolMember(config: Record<string, string | number | boolean> = {}) {
  const h = groupMember({ "group.protocol": "consumer", ...config });
  h.consumer.poll();
  const join = h.one("ConsumerGroupHeartbeat");
  const memberId = join.msg.memberId as string;
  h.answer(join, { error: "NONE", memberId, memberEpoch: 1, heartbeatIntervalMs: 1000, assignment: [{ topic: "t", partition: 0 }] });
  h.consumer.poll();
  h.answer(h.one("OffsetFetch"), { error: "NONE", offsets: [{ topic: "t", partition: 0, offset: 5 }] });
  h.answer(h.one("ConsumerGroupHeartbeat"), { error: "NONE", memberId, memberEpoch: 1, heartbeatIntervalMs: 1000, assignment: null });
  return { ...h, memberId };
}
