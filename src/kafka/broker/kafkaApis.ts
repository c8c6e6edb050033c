import type { GroupCoordinator } from "../coordinator/group/groupCoordinator.js";
import { CONSUMER_OFFSETS_TOPIC } from "../coordinator/offsetLog.js";
import type { TransactionCoordinator } from "../coordinator/transactionCoordinator.js";
import { TRANSACTION_STATE_TOPIC } from "../coordinator/transactionLog.js";
import type { MetadataImage } from "../metadata/metadataImage.js";
import type { BrokerMessages } from "../protocol/apis.js";
import type { Handlers } from "../protocol/dispatch.js";
import type { MetadataResponse } from "../protocol/messages.js";
import type { FindCoordinatorResponse } from "../protocol/transactionMessages.js";
import type { ActorContext } from "../../sim/index.js";
import type { AddPartitionsToTxnManager } from "./addPartitionsToTxnManager.js";
import type { AlterPartitionManager } from "./alterPartitionManager.js";
import type { BrokerLifecycleManager } from "./brokerLifecycleManager.js";
import type { ControllerChannel } from "./controllerChannel.js";
import type { MetadataLoader } from "./metadataLoader.js";
import type { ReplicaManager } from "./replicaManager.js";

/** The broker's parts a request may be routed to. */
export interface BrokerRooms {
  ctx: ActorContext;
  image: MetadataImage;
  replicaManager: ReplicaManager;
  transactions: TransactionCoordinator;
  groups: GroupCoordinator;
  addPartitionsToTxnManager: AddPartitionsToTxnManager;
  alterPartitionManager: AlterPartitionManager;
  lifecycle: BrokerLifecycleManager;
  metadataLoader: MetadataLoader;
  controllerChannel: ControllerChannel;
}

/**
 * Request routing (Kafka `KafkaApis.handle`): one handler for every message a broker receives, so the compiler
 * proves none is left out. Requests go to the part that serves them; answers to the broker's own requests go back
 * to the part that asked. Metadata and FindCoordinator are answered here, from the broker's metadata image.
 */
export function kafkaApis(r: BrokerRooms): Handlers<BrokerMessages> {
  const { ctx, image, replicaManager: rm, transactions: txn, groups } = r;
  return {
    // ---- clients: metadata and coordinators ----
    Metadata: (from, req) => {
      const partitions = [...image.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition, leader: p.leader, leaderEpoch: p.leaderEpoch, replicas: p.replicas, isr: p.isr }));
      ctx.send(from, { type: "MetadataResponse", correlationId: req.correlationId, partitions } satisfies MetadataResponse);
    },
    // KafkaApis.handleFindCoordinatorRequest: a key's coordinator is the leader of its internal topic's partition.
    FindCoordinator: (from, req) => {
      const leader = req.keyType === "group" ? image.partition(CONSUMER_OFFSETS_TOPIC, groups.partitionFor(req.key))?.leader : image.partition(TRANSACTION_STATE_TOPIC, txn.partitionFor(req.key))?.leader;
      const coordinator = leader ?? null;
      ctx.send(from, { type: "FindCoordinatorResponse", correlationId: req.correlationId, error: coordinator ? "NONE" : "COORDINATOR_NOT_AVAILABLE", coordinator } satisfies FindCoordinatorResponse);
    },

    // ---- the replica manager: data ----
    Produce: (from, req) => rm.handleProduce(from, req),
    // ReplicaManager.fetchMessages: a follower's fetch has its replica id, a consumer's -1 (FetchRequest.CONSUMER_REPLICA_ID).
    Fetch: (from, req) => (req.replicaId === -1 ? rm.handleConsumerFetch(from, req) : rm.handleFetch(from, req)),
    ListOffsets: (from, req) => rm.handleListOffsets(from, req),
    OffsetsForLeaderEpoch: (from, req) => rm.handleOffsetsForLeaderEpoch(from, req),
    WriteTxnMarkers: (from, req) => rm.writeTxnMarkers(from, req),
    // A leader's answer carries record batches; the controller's (on its own listener) metadata log entries.
    FetchResponse: (_from, res) => ("entries" in res ? r.metadataLoader.onFetchResponse(res) : rm.onFetchResponse(res)),
    OffsetsForLeaderEpochResponse: (_from, res) => rm.onOffsetsForLeaderEpochResponse(res),

    // ---- the transaction coordinator ----
    InitProducerId: (from, req) => txn.handleInitProducerId(from, req),
    AddPartitionsToTxn: (from, req) => txn.handleAddPartitions(from, req),
    AddOffsetsToTxn: (from, req) => txn.handleAddOffsets(from, req),
    EndTxn: (from, req) => txn.handleEndTxn(from, req),
    WriteTxnMarkersResponse: (_from, res) => txn.handleMarkersResponse(res),
    AddPartitionsToTxnResponse: (_from, res) => r.addPartitionsToTxnManager.onResponse(res),

    // ---- the group coordinator ----
    JoinGroup: (from, req) => groups.handleJoinGroup(from, req),
    SyncGroup: (from, req) => groups.handleSyncGroup(from, req),
    Heartbeat: (from, req) => groups.handleHeartbeat(from, req),
    LeaveGroup: (from, req) => groups.handleLeaveGroup(from, req),
    ConsumerGroupHeartbeat: (from, req) => groups.handleConsumerGroupHeartbeat(from, req),
    OffsetCommit: (from, req) => groups.handleOffsetCommit(from, req),
    TxnOffsetCommit: (from, req) => groups.handleTxnOffsetCommit(from, req),
    OffsetFetch: (from, req) => groups.handleOffsetFetch(from, req),

    // ---- the controllers' answers ----
    BrokerRegistrationResponse: (_from, res) => r.lifecycle.onRegistrationResponse(res),
    BrokerHeartbeatResponse: (_from, res) => r.lifecycle.onHeartbeatResponse(res),
    AlterPartitionResponse: (_from, res) => r.alterPartitionManager.onResponse(res),

    // A peer's process went away: fetchers fetching from it, requests to the controller, the metadata fetch.
    Disconnected: (from) => {
      rm.onDisconnected(from);
      r.controllerChannel.onDisconnected(from);
      r.metadataLoader.onDisconnected(from);
    },
  };
}
