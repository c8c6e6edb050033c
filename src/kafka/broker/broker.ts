import type { Actor, ActorContext } from "../../sim/index.js";
import { GroupCoordinator } from "../coordinator/group/groupCoordinator.js";
import { producerIdAllocator } from "../coordinator/producerIds.js";
import { TransactionCoordinator } from "../coordinator/transactionCoordinator.js";
import { TRANSACTION_STATE_TOPIC } from "../coordinator/transactionLog.js";
import { MetadataImage } from "../metadata/metadataImage.js";
import type { BrokerMessages } from "../protocol/apis.js";
import { dispatch, type MessageOf } from "../protocol/dispatch.js";
import { AddPartitionsToTxnManager } from "./addPartitionsToTxnManager.js";
import { AlterPartitionManager } from "./alterPartitionManager.js";
import { BrokerLifecycleManager } from "./brokerLifecycleManager.js";
import type { BrokerSettings } from "./brokerSettings.js";
import { ControllerChannel } from "./controllerChannel.js";
import { kafkaApis } from "./kafkaApis.js";
import { MetadataLoader } from "./metadataLoader.js";
import { BrokerMetadataPublisher } from "./metadataPublisher.js";
import { ReplicaManager, type ReplicaSnapshot } from "./replicaManager.js";

export type { ReplicaSnapshot };

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

/** How long a NOT_CONTROLLER without a hint waits before trying the next controller. */
const CONTROLLER_RETRY_BACKOFF_MS = 100;

/**
 * A Kafka broker in KRaft mode (Kafka `BrokerServer`), assembled from its parts: the `BrokerLifecycleManager`
 * (registration, heartbeats, fencing) and the `MetadataLoader` (the metadata log, published to the others) talk to
 * the controllers through the `ControllerChannel`; the `ReplicaManager` hosts the partition replicas; the
 * `AddPartitionsToTxnManager` verifies transactional writes (KIP-890); the transaction and group coordinators run
 * on the partitions of their internal topics this broker leads; `kafkaApis` routes every message to its part.
 */
export function brokerActor(cfg: BrokerConfig) {
  return (ctx: ActorContext): BrokerActor => {
    const s = cfg.settings;
    const image = new MetadataImage();
    let correlation = 0;
    const nextId = () => ++correlation;
    const channel = new ControllerChannel(ctx, cfg.controllers, cfg.controllerRequestTimeoutMs, CONTROLLER_RETRY_BACKOFF_MS, nextId);
    const lifecycle = new BrokerLifecycleManager(ctx, channel, s.brokerHeartbeatIntervalMs, () => image.offset);
    const replicaManager: ReplicaManager = new ReplicaManager({ ctx, settings: s, image, nextCorrelationId: nextId, alterPartition: (p, newIsr) => alterPartitionManager.send(p, newIsr) });
    const alterPartitionManager = new AlterPartitionManager(ctx.name, channel, () => lifecycle.brokerEpoch, (key) => replicaManager.partition(key));
    const txn = cfg.transactions;
    const transactions = new TransactionCoordinator({
      ctx,
      numPartitions: txn.numPartitions,
      offsetsNumPartitions: cfg.offsetsNumPartitions,
      maxTimeoutMs: txn.maxTimeoutMs,
      cleanupIntervalMs: txn.cleanupIntervalMs,
      transactionVersion: txn.transactionVersion,
      requestTimeoutMs: s.requestTimeoutMs,
      writer: replicaManager,
      leaderOf: (topic, partition) => image.partition(topic, partition)?.leader ?? null,
      allocateProducerId: producerIdAllocator(ctx, cfg.brokerIndex),
      nextCorrelationId: nextId,
    });
    const groups = new GroupCoordinator({
      ctx,
      numPartitions: cfg.offsetsNumPartitions,
      writer: replicaManager,
      partitionCount: (topic) => image.topics.get(topic)?.partitions,
      ...cfg.groups,
    });
    const addPartitionsToTxnManager = new AddPartitionsToTxnManager(ctx, txn.verification, (id) => image.partition(TRANSACTION_STATE_TOPIC, transactions.partitionFor(id))?.leader ?? null, nextId);
    replicaManager.verifyTransactionsWith(addPartitionsToTxnManager);
    const metadataLoader = new MetadataLoader(ctx, cfg.controllers, image, channel, new BrokerMetadataPublisher(replicaManager, transactions, groups), cfg.controllerRequestTimeoutMs, nextId);
    const handlers = kafkaApis({ ctx, image, replicaManager, transactions, groups, addPartitionsToTxnManager, alterPartitionManager, lifecycle, metadataLoader, controllerChannel: channel });

    return {
      inspect: () => replicaManager.inspect(),
      onStart: () => {
        lifecycle.register();
        metadataLoader.fetch();
        lifecycle.startHeartbeats();
        replicaManager.startCheckpoints();
        replicaManager.flusher.arm();
      },
      onMessage: (from, msg) => dispatch(handlers, msg.type, from, msg),
      onShutdown: () => {
        // Controlled shutdown: checkpoint HWs (the disk is flushed), then ask the controller to move leadership away.
        replicaManager.checkpointHighWatermarks();
        lifecycle.heartbeat(true);
      },
    };
  };
}

export interface BrokerActor extends Actor<MessageOf<BrokerMessages>> {
  /** End-of-run view of the broker's replicas (for final-log readers; the model never uses it). */
  inspect(): ReplicaSnapshot[];
}
