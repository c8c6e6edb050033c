import type { Actor, ActorContext } from "../../sim/index.js";
import type { ConfigValue } from "../config/configDef.js";
import type {
  AlterPartitionRequest,
  AlterPartitionResponse,
  BrokerHeartbeatRequest,
  BrokerHeartbeatResponse,
  BrokerRegistrationRequest,
  BrokerRegistrationResponse,
} from "../protocol/controllerMessages.js";
import type { RaftFetch, RaftFetchResponse } from "../protocol/raftMessages.js";
import { MetadataImage } from "../metadata/metadataImage.js";
import type { PartitionState } from "../metadata/records.js";
import type {
  ConsumerFetchRequest,
  ConsumerFetchResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  FetchRequest,
  FetchResponse,
  InitProducerIdRequest,
  InitProducerIdResponse,
  MetadataRequest,
  MetadataResponse,
  OffsetsForLeaderEpochRequest,
  OffsetsForLeaderEpochResponse,
  PartitionMetadata,
  ProduceRequest,
  ProduceResponse,
} from "../protocol/messages.js";
import { tpKey } from "../protocol/messages.js";
import type { PartitionLog } from "../log/partitionLog.js";
import { TransactionCoordinator } from "../coordinator/transactionCoordinator.js";
import { GroupCoordinator, type GroupTimer } from "../coordinator/group/groupCoordinator.js";
import type { ConsumerGroupHeartbeatRequest, HeartbeatRequest, JoinGroupRequest, LeaveGroupRequest, OffsetCommitRequest, SyncGroupRequest } from "../protocol/groupMessages.js";
import { CONSUMER_OFFSETS_TOPIC } from "../coordinator/offsetLog.js";
import { TRANSACTION_STATE_TOPIC } from "../coordinator/transactionLog.js";
import type { ErrorName } from "../protocol/errors.js";
import type {
  AddOffsetsToTxnRequest,
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
  OffsetFetchRequest,
  TxnOffsetCommitRequest,
  EndTxnRequest,
  FindCoordinatorRequest,
  TxnInitProducerIdRequest,
  WriteTxnMarkersRequest,
  WriteTxnMarkersResponse,
} from "../protocol/transactionMessages.js";
import type { BrokerSettings } from "./brokerSettings.js";
import { ControllerChannel } from "./controllerChannel.js";
import { Partition, type PartitionHost, type PartitionTimer } from "./partition.js";

export interface BrokerConfig {
  settings: BrokerSettings;
  transactions: { numPartitions: number; maxTimeoutMs: number; cleanupIntervalMs: number; verification: boolean; transactionVersion: 1 | 2 };
  offsetsNumPartitions: number;
  /** group.initial.rebalance.delay.ms, group.min.session.timeout.ms, group.max.session.timeout.ms. */
  groups: { initialRebalanceDelayMs: number; minSessionTimeoutMs: number; maxSessionTimeoutMs: number; consumerGroups: { sessionTimeoutMs: number; heartbeatIntervalMs: number; assignors: string[] } };
  controllers: string[];
  /** This broker's index, used to keep producer ids unique across brokers. */
  brokerIndex: number;
  controllerRequestTimeoutMs: number;
}

type BrokerTimer = PartitionTimer | { t: "verify-timeout"; id: number } | { t: "heartbeat" } | { t: "hw-checkpoint" } | { t: "flush" } | { t: "metadata-retry" } | { t: "metadata-timeout" } | { t: "controller-timeout"; id: number };

/**
 * A Kafka broker (KRaft mode): registers with the active controller and heartbeats, replays the metadata log as an
 * observer, and hosts partition replicas (Kafka `BrokerServer` + `ReplicaManager`). Client requests are answered
 * from its own metadata image, which may be stale, exactly as a real broker's would be.
 */
export function brokerActor(cfg: BrokerConfig) {
  return (ctx: ActorContext): Actor => {
    const s = cfg.settings;
    const image = new MetadataImage();
    const partitions = new Map<string, Partition>();
    let correlation = 0;
    const nextId = () => ++correlation;
    const channel = new ControllerChannel(ctx, cfg.controllers, cfg.controllerRequestTimeoutMs, 100, nextId);
    let brokerEpoch = -1;
    let registrationId = -1;
    let fenced = true;
    let metadataLeader = cfg.controllers[0];
    let metadataEpoch = 0;
    let metadataFetchId = -1;
    let metadataTimer = -1;
    const alterPartitionFor = new Map<number, string>();

    const topicSetting = (topic: string, key: string): ConfigValue | undefined => image.topicConfig(topic, key);
    const host: PartitionHost = {
      ctx,
      settings: s,
      minIsr: (topic, rf) => Math.min((topicSetting(topic, "min.insync.replicas") as number | undefined) ?? s.minInsyncReplicas, rf),
      flushMessages: (topic) => (topicSetting(topic, "flush.messages") as number | undefined) ?? s.flushMessages,
      isBrokerActive: (b) => image.isActive(b),
      nextCorrelationId: nextId,
      sendAlterPartition: (p, newIsr) => {
        const id = channel.send(
          (correlationId): AlterPartitionRequest => ({
            type: "AlterPartition",
            correlationId,
            broker: ctx.name,
            brokerEpoch,
            topic: p.topic,
            partition: p.partition,
            leaderEpoch: p.leaderEpoch,
            partitionEpoch: p.partitionEpoch,
            newIsr,
          }),
        );
        alterPartitionFor.set(id, p.key);
      },
    };

    /** Simplification: producer ids come from per-broker blocks on the broker's disk, not from the controller. */
    const allocateProducerId = (): number => {
      const next = (ctx.disk.kv.get<number>("producer-id.next") ?? 0) + 1;
      ctx.disk.kv.put("producer-id.next", next);
      ctx.disk.kv.fsync();
      return cfg.brokerIndex * 1_000_000 + next;
    };
    const txn = cfg.transactions;
    const coordinator = new TransactionCoordinator({
      ctx,
      numPartitions: txn.numPartitions,
      offsetsNumPartitions: cfg.offsetsNumPartitions,
      maxTimeoutMs: txn.maxTimeoutMs,
      cleanupIntervalMs: txn.cleanupIntervalMs,
      transactionVersion: txn.transactionVersion,
      logPartition: (i) => partitions.get(tpKey(TRANSACTION_STATE_TOPIC, i)),
      leaderOf: (topic, partition) => image.partition(topic, partition)?.leader ?? null,
      allocateProducerId,
      nextCorrelationId: nextId,
    });
    const groups = new GroupCoordinator({
      ctx,
      numPartitions: cfg.offsetsNumPartitions,
      logPartition: (i) => partitions.get(tpKey(CONSUMER_OFFSETS_TOPIC, i)),
      partitionCount: (topic) => image.topics.get(topic)?.partitions,
      ...cfg.groups,
    });
    /** KIP-890 part 1: produce requests waiting for the coordinator to confirm their partition is in the transaction. */
    const verifying = new Map<number, { from: string; req: ProduceRequest; timer: number }>();

    // Partitions found on disk come back as replicas of unknown role until metadata says otherwise.
    for (const name of ctx.disk.names()) {
      if (!name.startsWith("log/")) continue;
      const key = name.slice(4);
      const i = key.lastIndexOf("-");
      partitions.set(key, new Partition(key.slice(0, i), Number(key.slice(i + 1)), host));
    }

    function register(): void {
      if (registrationId >= 0) channel.drop(registrationId);
      registrationId = channel.send((correlationId): BrokerRegistrationRequest => ({ type: "BrokerRegistration", correlationId, broker: ctx.name, incarnation: ctx.incarnation }));
    }

    function heartbeat(wantShutDown = false): void {
      if (brokerEpoch < 0) return;
      channel.send((correlationId): BrokerHeartbeatRequest => ({ type: "BrokerHeartbeat", correlationId, broker: ctx.name, brokerEpoch, metadataOffset: image.offset, wantShutDown }));
    }

    function fetchMetadata(): void {
      const req: RaftFetch = {
        type: "RaftFetch",
        correlationId: nextId(),
        epoch: metadataEpoch,
        replica: ctx.name,
        observer: true,
        fetchOffset: image.offset,
        lastFetchedEpoch: 0,
      };
      metadataFetchId = req.correlationId;
      ctx.send(metadataLeader, req);
      if (metadataTimer >= 0) ctx.cancelTimer(metadataTimer);
      // A long-polled fetch returns within 500ms; no answer after the request timeout means try another controller.
      metadataTimer = ctx.setTimer(cfg.controllerRequestTimeoutMs + 500, { t: "metadata-timeout" } satisfies BrokerTimer);
    }

    function onMetadata(res: RaftFetchResponse): void {
      if (res.correlationId !== metadataFetchId) return;
      if (res.error !== "NONE") {
        if (res.leader && res.leader !== metadataLeader) metadataLeader = res.leader;
        else metadataLeader = cfg.controllers[(cfg.controllers.indexOf(metadataLeader) + 1) % cfg.controllers.length];
        if (res.epoch > metadataEpoch) metadataEpoch = res.epoch;
        if (metadataTimer >= 0) ctx.cancelTimer(metadataTimer);
        metadataTimer = ctx.setTimer(50, { t: "metadata-retry" } satisfies BrokerTimer);
        return;
      }
      metadataEpoch = res.epoch;
      channel.hint(res.leader);
      if (res.baseOffset === image.offset) {
        const changed: PartitionState[] = [];
        res.entries.forEach((e, i) => {
          image.apply(e.record, res.baseOffset + i);
          if (e.record.type === "Partition") changed.push(e.record.state);
        });
        for (const st of changed) applyPartition(image.partition(st.topic, st.partition)!);
      }
      fetchMetadata();
    }

    /** flush.ms (topic) or log.flush.interval.ms (broker) for a topic; null when time never forces a flush. */
    function flushMsFor(topic: string): number | null {
      const t = topicSetting(topic, "flush.ms") as number | undefined;
      return t !== undefined ? t : s.flushMs;
    }

    /** Time-based flushing (Kafka's log flusher): armed only while some log has a flush.ms, at its interval. */
    let flushTimer = -1;
    const lastFlushUs = new Map<string, number>();
    function armFlush(): void {
      if (flushTimer >= 0) return;
      let every = Infinity;
      for (const p of partitions.values()) every = Math.min(every, flushMsFor(p.topic) ?? Infinity);
      if (s.flushMs !== null) every = Math.min(every, s.flushMs);
      if (every < Infinity) flushTimer = ctx.setTimer(Math.max(every, 1), { t: "flush" } satisfies BrokerTimer);
    }
    function flushByAge(): void {
      for (const p of partitions.values()) {
        const ms = flushMsFor(p.topic);
        if (ms === null) continue;
        const last = lastFlushUs.get(p.key) ?? 0;
        if (p.log.unflushedMessages > 0 && ctx.nowUs - last >= ms * 1000) {
          p.log.flush();
          lastFlushUs.set(p.key, ctx.nowUs);
        }
      }
      armFlush();
    }

    function applyPartition(st: PartitionState): void {
      const key = tpKey(st.topic, st.partition);
      let p = partitions.get(key);
      if (!st.replicas.includes(ctx.name)) {
        p?.stop();
        return;
      }
      if (!p) {
        p = new Partition(st.topic, st.partition, host);
        partitions.set(key, p);
      }
      const wasLeader = p.role === "leader" ? p.leaderEpoch : -1;
      p.applyState(st);
      armFlush();
      if (st.topic === TRANSACTION_STATE_TOPIC) {
        // The coordinator of a transaction log partition is its leader; the coordinator epoch is its leader epoch.
        if (p.role === "leader" && p.leaderEpoch !== wasLeader) coordinator.onBecomeLeader(st.partition, p.leaderEpoch);
        else if (p.role !== "leader" && wasLeader >= 0) coordinator.onResign(st.partition);
      }
      if (st.topic === CONSUMER_OFFSETS_TOPIC) {
        // The group coordinator of an offsets partition is its leader (GroupCoordinator.onElection/onResignation).
        if (p.role === "leader" && p.leaderEpoch !== wasLeader) groups.onBecomeLeader(st.partition);
        else if (p.role !== "leader" && wasLeader >= 0) groups.onResign(st.partition);
      }
    }

    /** Produce, with KIP-890 part 1 for the first transactional write of a producer to this partition. */
    function produce(from: string, req: ProduceRequest, p: Partition): void {
      const b = req.batch;
      if (!txn.verification || !b.isTransactional || !req.transactionalId || p.role !== "leader" || p.producerState.ongoing.has(b.producerId)) return p.handleProduce(from, req);
      const coordinatorBroker = image.partition(TRANSACTION_STATE_TOPIC, coordinator.partitionFor(req.transactionalId))?.leader ?? null;
      const reply = (error: ErrorName) => ctx.send(from, { type: "ProduceResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error, baseOffset: -1 } satisfies ProduceResponse);
      // AddPartitionsToTxnManager maps an unreachable coordinator to a retriable error for the producer.
      if (coordinatorBroker === null) return reply("NOT_ENOUGH_REPLICAS");
      const id = nextId();
      ctx.send(coordinatorBroker, { type: "AddPartitionsToTxn", correlationId: id, transactionalId: req.transactionalId, producerId: b.producerId, producerEpoch: b.producerEpoch, partitions: [tpKey(req.topic, req.partition)], verifyOnly: true } satisfies AddPartitionsToTxnRequest);
      verifying.set(id, { from, req, timer: ctx.setTimer(5000, { t: "verify-timeout", id } satisfies BrokerTimer) });
    }

    function verified(res: AddPartitionsToTxnResponse): void {
      const v = verifying.get(res.correlationId);
      if (!v) return;
      verifying.delete(res.correlationId);
      ctx.cancelTimer(v.timer);
      const p = partitions.get(tpKey(v.req.topic, v.req.partition));
      if (res.error === "NONE" && p) return p.handleProduce(v.from, v.req);
      const error: ErrorName = res.error === "NONE" ? "NOT_LEADER_OR_FOLLOWER" : res.error === "NOT_COORDINATOR" || res.error === "COORDINATOR_NOT_AVAILABLE" || res.error === "COORDINATOR_LOAD_IN_PROGRESS" || res.error === "CONCURRENT_TRANSACTIONS" ? "NOT_ENOUGH_REPLICAS" : res.error;
      ctx.trace("partition.verification-failed", { tp: tpKey(v.req.topic, v.req.partition), producerId: v.req.batch.producerId, producerEpoch: v.req.batch.producerEpoch, error });
      ctx.send(v.from, { type: "ProduceResponse", correlationId: v.req.correlationId, topic: v.req.topic, partition: v.req.partition, error, baseOffset: -1 } satisfies ProduceResponse);
    }

    function writeMarker(from: string, req: WriteTxnMarkersRequest): void {
      const reply = (error: ErrorName) => ctx.send(from, { type: "WriteTxnMarkersResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error } satisfies WriteTxnMarkersResponse);
      const p = partitions.get(tpKey(req.topic, req.partition));
      if (!p) return reply("NOT_LEADER_OR_FOLLOWER");
      const batch = {
        producerId: req.producerId,
        producerEpoch: req.producerEpoch,
        baseSequence: -1,
        isTransactional: true,
        isControl: true,
        records: [{ key: req.commit ? "COMMIT" : "ABORT", value: String(req.coordinatorEpoch) }],
        sizeBytes: 78,
      };
      p.appendRecordsToLeader(batch, -1, 5000, -1, from, (error) => reply(error));
    }

    function partitionMetadata(): PartitionMetadata[] {
      return [...image.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition, leader: p.leader, leaderEpoch: p.leaderEpoch, replicas: p.replicas, isr: p.isr }));
    }

    function handle(from: string, msg: { type: string; correlationId?: number }): void {
      switch (msg.type) {
        case "Disconnected":
          for (const p of partitions.values()) p.fetcher.onDisconnected(from);
          channel.onDisconnected(from);
          if (from === metadataLeader) {
            metadataLeader = cfg.controllers[(cfg.controllers.indexOf(metadataLeader) + 1) % cfg.controllers.length];
            fetchMetadata();
          }
          return;
        case "Metadata":
          ctx.send(from, { type: "MetadataResponse", correlationId: (msg as MetadataRequest).correlationId, partitions: partitionMetadata() } satisfies MetadataResponse);
          return;
        case "Produce": {
          const req = msg as ProduceRequest;
          const p = partitions.get(tpKey(req.topic, req.partition));
          if (!p) {
            const error = image.topics.has(req.topic) ? "NOT_LEADER_OR_FOLLOWER" : "UNKNOWN_TOPIC_OR_PARTITION";
            if (req.acks !== 0) ctx.send(from, { type: "ProduceResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error, baseOffset: -1 } satisfies ProduceResponse);
            return;
          }
          produce(from, req, p);
          return;
        }
        case "FindCoordinator":
          return coordinator.handleFindCoordinator(from, msg as FindCoordinatorRequest);
        case "TxnInitProducerId":
          return coordinator.handleInitProducerId(from, msg as TxnInitProducerIdRequest);
        case "AddPartitionsToTxn":
          return coordinator.handleAddPartitions(from, msg as AddPartitionsToTxnRequest);
        case "AddPartitionsToTxnResponse":
          return verified(msg as AddPartitionsToTxnResponse);
        case "EndTxn":
          return coordinator.handleEndTxn(from, msg as EndTxnRequest);
        case "AddOffsetsToTxn":
          return coordinator.handleAddOffsets(from, msg as AddOffsetsToTxnRequest);
        case "TxnOffsetCommit":
          return groups.handleTxnOffsetCommit(from, msg as TxnOffsetCommitRequest);
        case "OffsetFetch":
          return groups.handleOffsetFetch(from, msg as OffsetFetchRequest);
        case "JoinGroup":
          return groups.handleJoinGroup(from, msg as JoinGroupRequest);
        case "SyncGroup":
          return groups.handleSyncGroup(from, msg as SyncGroupRequest);
        case "Heartbeat":
          return groups.handleHeartbeat(from, msg as HeartbeatRequest);
        case "LeaveGroup":
          return groups.handleLeaveGroup(from, msg as LeaveGroupRequest);
        case "ConsumerGroupHeartbeat":
          return groups.handleConsumerGroupHeartbeat(from, msg as ConsumerGroupHeartbeatRequest);
        case "OffsetCommit":
          return groups.handleOffsetCommit(from, msg as OffsetCommitRequest);
        case "WriteTxnMarkers":
          return writeMarker(from, msg as WriteTxnMarkersRequest);
        case "WriteTxnMarkersResponse":
          return coordinator.handleMarkersResponse(msg as WriteTxnMarkersResponse);
        case "Fetch": {
          const req = msg as FetchRequest;
          const p = partitions.get(tpKey(req.topic, req.partition));
          if (p) p.handleFollowerFetch(from, req);
          else ctx.send(from, { type: "FetchResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error: "NOT_LEADER_OR_FOLLOWER", highWatermark: -1, logStartOffset: -1, batches: [] } satisfies FetchResponse);
          return;
        }
        case "OffsetsForLeaderEpoch": {
          const req = msg as OffsetsForLeaderEpochRequest;
          const p = partitions.get(tpKey(req.topic, req.partition));
          if (p) p.handleOffsetsForLeaderEpoch(from, req);
          else ctx.send(from, { type: "OffsetsForLeaderEpochResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error: "NOT_LEADER_OR_FOLLOWER", leaderEpoch: -1, endOffset: -1 } satisfies OffsetsForLeaderEpochResponse);
          return;
        }
        case "ConsumerFetch": {
          const req = msg as ConsumerFetchRequest;
          const p = partitions.get(tpKey(req.topic, req.partition));
          if (p) p.consumerFetches.handleFetch(from, req);
          else
            ctx.send(from, { type: "ConsumerFetchResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error: image.topics.has(req.topic) ? "NOT_LEADER_OR_FOLLOWER" : "UNKNOWN_TOPIC_OR_PARTITION", highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: [] } satisfies ConsumerFetchResponse);
          return;
        }
        case "ListOffsets": {
          const req = msg as ListOffsetsRequest;
          const p = partitions.get(tpKey(req.topic, req.partition));
          if (p) p.consumerFetches.handleListOffsets(from, req);
          else ctx.send(from, { type: "ListOffsetsResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error: image.topics.has(req.topic) ? "NOT_LEADER_OR_FOLLOWER" : "UNKNOWN_TOPIC_OR_PARTITION", offset: -1 } satisfies ListOffsetsResponse);
          return;
        }
        case "FetchResponse": {
          const res = msg as FetchResponse;
          partitions.get(tpKey(res.topic, res.partition))?.fetcher.onFetchResponse(res);
          return;
        }
        case "OffsetsForLeaderEpochResponse": {
          const res = msg as OffsetsForLeaderEpochResponse;
          partitions.get(tpKey(res.topic, res.partition))?.fetcher.onOffsetsForLeaderEpoch(res);
          return;
        }
        case "InitProducerId": {
          const producerId = allocateProducerId();
          ctx.trace("broker.init-producer-id", { producerId, producerEpoch: 0, for: from });
          ctx.send(from, { type: "InitProducerIdResponse", correlationId: (msg as InitProducerIdRequest).correlationId, error: "NONE", producerId, producerEpoch: 0 } satisfies InitProducerIdResponse);
          return;
        }
        case "RaftFetchResponse":
          onMetadata(msg as RaftFetchResponse);
          return;
        case "BrokerRegistrationResponse": {
          const res = msg as BrokerRegistrationResponse;
          const original = channel.received(res.correlationId);
          if (!original) return;
          if (res.error === "NOT_CONTROLLER") return channel.redirect(res.correlationId, res.leaderHint, original);
          if (res.error !== "NONE") return register();
          registrationId = -1;
          brokerEpoch = res.brokerEpoch;
          ctx.trace("broker.registered", { brokerEpoch });
          heartbeat();
          return;
        }
        case "BrokerHeartbeatResponse": {
          const res = msg as BrokerHeartbeatResponse;
          if (!channel.received(res.correlationId)) return;
          channel.hint(res.leaderHint);
          if (res.error === "STALE_BROKER_EPOCH") {
            brokerEpoch = -1;
            return register();
          }
          if (res.error === "NONE" && res.isFenced !== fenced) {
            fenced = res.isFenced;
            ctx.trace(fenced ? "broker.fenced" : "broker.unfenced", { brokerEpoch });
          }
          return;
        }
        case "AlterPartitionResponse": {
          const res = msg as AlterPartitionResponse;
          if (!channel.received(res.correlationId)) return;
          const key = alterPartitionFor.get(res.correlationId);
          alterPartitionFor.delete(res.correlationId);
          if (res.error === "NOT_CONTROLLER") channel.hint(res.leaderHint);
          if (key) partitions.get(key)?.alterPartitionDone(res.error, res.state);
          return;
        }
      }
    }

    function onTimer(tag: BrokerTimer): void {
      if (coordinator.isCoordinatorTimer(tag as { t: string })) return coordinator.onTimer(tag as never);
      if (groups.isGroupTimer(tag as { t: string })) return groups.onTimer(tag as unknown as GroupTimer);
      switch (tag.t) {
        case "verify-timeout": {
          const v = verifying.get(tag.id);
          if (!v) return;
          verifying.delete(tag.id);
          ctx.send(v.from, { type: "ProduceResponse", correlationId: v.req.correlationId, topic: v.req.topic, partition: v.req.partition, error: "NOT_ENOUGH_REPLICAS", baseOffset: -1 } satisfies ProduceResponse);
          return;
        }
        case "heartbeat":
          ctx.setTimer(s.brokerHeartbeatIntervalMs, { t: "heartbeat" } satisfies BrokerTimer);
          if (brokerEpoch >= 0) heartbeat();
          return;
        case "hw-checkpoint":
          ctx.setTimer(s.highWatermarkCheckpointIntervalMs, { t: "hw-checkpoint" } satisfies BrokerTimer);
          for (const p of partitions.values()) p.checkpointHighWatermark();
          return;
        case "flush":
          flushTimer = -1;
          flushByAge();
          return;
        case "metadata-retry":
          metadataTimer = -1;
          fetchMetadata();
          return;
        case "metadata-timeout":
          metadataTimer = -1;
          metadataLeader = cfg.controllers[(cfg.controllers.indexOf(metadataLeader) + 1) % cfg.controllers.length];
          fetchMetadata();
          return;
        case "controller-timeout": {
          const key = alterPartitionFor.get(tag.id);
          if (key !== undefined) {
            // AlterPartition unanswered: give up on this attempt; the ISR check will ask again.
            channel.drop(tag.id);
            alterPartitionFor.delete(tag.id);
            partitions.get(key)?.alterPartitionDone("REQUEST_TIMED_OUT", null);
          } else channel.timedOut(tag.id);
          return;
        }
        case "produce-timeout":
          partitions.get(tag.p)?.produceTimedOut(tag.id);
          return;
        case "fetch-park":
          partitions.get(tag.p)?.parkedFetchExpired(tag.replica);
          return;
        case "isr-expiration":
          partitions.get(tag.p)?.maybeShrinkIsr();
          return;
        case "fetcher":
          partitions.get(tag.p)?.fetcher.onTimer(tag.gen);
          return;
        case "consumer-fetch-park":
          partitions.get(tag.p)?.consumerFetches.expired(tag.id);
          return;
      }
    }

    const actor: BrokerActor = {
      inspect: () =>
        [...partitions.values()].map((p) => ({
          topic: p.topic,
          partition: p.partition,
          role: p.role,
          leaderEpoch: p.leaderEpoch,
          highWatermark: p.highWatermark,
          log: p.log,
        })),
      onStart: () => {
        register();
        fetchMetadata();
        ctx.setTimer(s.brokerHeartbeatIntervalMs, { t: "heartbeat" } satisfies BrokerTimer);
        ctx.setTimer(s.highWatermarkCheckpointIntervalMs, { t: "hw-checkpoint" } satisfies BrokerTimer);
        armFlush();
      },
      onMessage: (from, msg) => handle(from, msg as { type: string }),
      onTimer: (tag) => onTimer(tag as BrokerTimer),
      onShutdown: () => {
        // Controlled shutdown: ask the controller to move leadership away; checkpoint HWs (the disk is flushed).
        for (const p of partitions.values()) p.checkpointHighWatermark();
        heartbeat(true);
      },
    };
    return actor;
  };
}

/** End-of-run view of a broker's replicas (for final-log readers; the model never uses it). */
export interface ReplicaSnapshot {
  topic: string;
  partition: number;
  role: "leader" | "follower" | "none";
  leaderEpoch: number;
  highWatermark: number;
  log: PartitionLog;
}

export interface BrokerActor extends Actor {
  inspect(): ReplicaSnapshot[];
}
