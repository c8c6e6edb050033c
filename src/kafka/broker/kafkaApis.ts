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
import type { IncrementalAlterConfigsResponse } from "../protocol/configMessages.js";
import { preprocessIncrementalAlterConfigs } from "./configAdminManager.js";
import type { ForwardingManager } from "./forwardingManager.js";
import type { ReplicaManager } from "./replicaManager.js";

/** The broker's parts a request may be routed to. */
export interface BrokerRooms {
  ctx: ActorContext;
  image: MetadataImage;
  replicaManager: ReplicaManager;
  transactions: TransactionCoordinator;
  groups: GroupCoordinator;
  forwarding: ForwardingManager;
}

/**
 * Request routing (Kafka `KafkaApis.handle`): one handler for every request a broker serves, so the compiler proves
 * none is left out. Requests go to the part that serves them, with the connection they came on (answers go back on
 * it, as Kafka's RequestChannel sends a response to the request's connection). Metadata and FindCoordinator are
 * answered here, from the broker's metadata image. Answers to the broker's own requests never come here: each goes
 * to the NetworkClient that sent the request.
 */
export function kafkaApis(r: BrokerRooms): Handlers<BrokerMessages> {
  const { ctx, image, replicaManager: rm, transactions: txn, groups, forwarding } = r;
  return {
    // ---- clients: metadata and coordinators ----
    Metadata: (_from, req, conn) => {
      const partitions = [...image.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition, leader: p.leader, leaderEpoch: p.leaderEpoch, replicas: p.replicas, isr: p.isr }));
      ctx.write(conn, { type: "MetadataResponse", correlationId: req.correlationId, partitions } satisfies MetadataResponse);
    },
    // KafkaApis.handleFindCoordinatorRequest: a key's coordinator is the leader of its internal topic's partition.
    FindCoordinator: (_from, req, conn) => {
      const leader = req.keyType === "group" ? image.partition(CONSUMER_OFFSETS_TOPIC, groups.partitionFor(req.key))?.leader : image.partition(TRANSACTION_STATE_TOPIC, txn.partitionFor(req.key))?.leader;
      const coordinator = leader ?? null;
      ctx.write(conn, { type: "FindCoordinatorResponse", correlationId: req.correlationId, error: coordinator ? "NONE" : "COORDINATOR_NOT_AVAILABLE", coordinator } satisfies FindCoordinatorResponse);
    },

    // ---- the replica manager: data ----
    Produce: (from, req, conn) => rm.handleProduce(from, req, conn),
    // ReplicaManager.fetchMessages: a follower's fetch has its replica id, a consumer's -1 (FetchRequest.CONSUMER_REPLICA_ID).
    Fetch: (_from, req, conn) => (req.replicaId === -1 ? rm.handleConsumerFetch(req, conn) : rm.handleFetch(req, conn)),
    ListOffsets: (_from, req, conn) => rm.handleListOffsets(req, conn),
    DeleteRecords: (_from, req, conn) => rm.handleDeleteRecords(req, conn),
    OffsetsForLeaderEpoch: (_from, req, conn) => rm.handleOffsetsForLeaderEpoch(req, conn),
    WriteTxnMarkers: (from, req, conn) => rm.writeTxnMarkers(from, req, conn),

    // ---- forwarded to the active controller (KRaft: ControllerApis decides configs) ----
    IncrementalAlterConfigs: (_from, req, conn) => {
      const refused = preprocessIncrementalAlterConfigs(ctx.name, req);
      if (refused === null) return forwarding.forward(req, conn);
      ctx.write(conn, { type: "IncrementalAlterConfigsResponse", correlationId: req.correlationId, topic: req.topic, error: refused.error, errorMessage: refused.message, leaderHint: null } satisfies IncrementalAlterConfigsResponse);
    },

    AlterPartitionReassignments: (_from, req, conn) => forwarding.forward(req, conn),
    CreatePartitions: (_from, req, conn) => forwarding.forward(req, conn),

    // ---- the transaction coordinator ----
    InitProducerId: (from, req, conn) => txn.handleInitProducerId(from, req, conn),
    AddPartitionsToTxn: (_from, req, conn) => txn.handleAddPartitions(req, conn),
    AddOffsetsToTxn: (_from, req, conn) => txn.handleAddOffsets(req, conn),
    EndTxn: (_from, req, conn) => txn.handleEndTxn(req, conn),

    // ---- the group coordinator ----
    JoinGroup: (from, req, conn) => groups.handleJoinGroup(from, req, conn),
    SyncGroup: (from, req, conn) => groups.handleSyncGroup(from, req, conn),
    Heartbeat: (from, req, conn) => groups.handleHeartbeat(from, req, conn),
    LeaveGroup: (from, req, conn) => groups.handleLeaveGroup(from, req, conn),
    ConsumerGroupHeartbeat: (from, req, conn) => groups.handleConsumerGroupHeartbeat(from, req, conn),
    OffsetCommit: (_from, req, conn) => groups.handleOffsetCommit(req, conn),
    TxnOffsetCommit: (_from, req, conn) => groups.handleTxnOffsetCommit(req, conn),
    OffsetFetch: (_from, req, conn) => groups.handleOffsetFetch(req, conn),
  };
}
