import type { Actor, ActorContext, Timer } from "../../../sim/index.js";
import { clientProcess } from "../../network/connectionRouter.js";
import { NetworkClient } from "../../network/networkClient.js";
import { type ErrorName, isRetriable } from "../../protocol/errors.js";
import type { ConfigValue } from "../../config/configDef.js";
import type { AlterPartitionReassignmentsRequest, CreatePartitionsRequest, IncrementalAlterConfigsRequest } from "../../protocol/configMessages.js";
import type { DeleteRecordsRequest } from "../../protocol/messages.js";
import { ClientMetadata } from "../clientMetadata.js";
import { nextRequestId } from "../requestIds.js";

/** An operator's admin call at a moment of the run (a `faults:` entry: `deleteRecords`, `alterConfig`, `reassign` or `addPartitions`). */
export type AdminOp = DeleteRecordsOp | AlterConfigOp | ReassignOp | AddPartitionsOp;

/** Admin `createPartitions` of one topic to `count` partitions in all (kafka-topics.sh --alter --partitions), sent to any broker. */
export interface AddPartitionsOp {
  atMs: number;
  op: "addPartitions";
  topic: string;
  count: number;
}

/** Admin `alterPartitionReassignments` of one partition to `replicas` (broker names), sent to any broker. */
export interface ReassignOp {
  atMs: number;
  op: "reassign";
  topic: string;
  partition: number;
  replicas: string[];
}

/** Admin `deleteRecords` for one partition, sent to its leader. */
export interface DeleteRecordsOp {
  /** When the call is made, in ms of simulated time. */
  atMs: number;
  op: "deleteRecords";
  topic: string;
  partition: number;
  /** The new log start offset asked for (-1: the high watermark, Kafka's DeleteRecordsRequest.HIGH_WATERMARK). */
  offset: number;
}

/**
 * Admin `incrementalAlterConfigs` of one config (SET, or DELETE with value null): a topic's (`topic`), or with
 * `broker` a dynamic broker config of one broker (its name) or the cluster default ("").
 */
export interface AlterConfigOp {
  atMs: number;
  op: "alterConfig";
  /** The topic (TOPIC resource); "" for a BROKER resource. */
  topic: string;
  broker?: string;
  key: string;
  value: ConfigValue;
}

/**
 * The admin client's settings (Kafka `AdminClientConfig` and `CommonClientConfigs` defaults, in ms). Its
 * NetworkClient has one request in flight per connection, as `KafkaAdminClient.createInternal` builds it.
 */
export const ADMIN_DEFAULTS = {
  requestTimeoutMs: 30000,
  defaultApiTimeoutMs: 60000,
  retryBackoffMs: 100,
  metadataMaxAgeMs: 300000,
  reconnectBackoffMs: 50,
  reconnectBackoffMaxMs: 1000,
  connectionSetupTimeoutMs: 10000,
  connectionSetupTimeoutMaxMs: 30000,
};

interface Call {
  op: AdminOp;
  deadlineMs: number;
  tries: number;
}

/**
 * An operator's admin client (Kafka `KafkaAdminClient`) as an actor. DeleteRecords: at the op's time it looks the
 * partition's leader up in metadata and sends it the request over the client's one `NetworkClient`.
 * IncrementalAlterConfigs, AlterPartitionReassignments and CreatePartitions: sent to the least loaded broker
 * (`LeastLoadedNodeProvider`), which forwards them to the active controller. All retry on a retriable error
 * (NOT_LEADER_OR_FOLLOWER after a leader change, UNKNOWN_TOPIC_OR_PARTITION before the topic exists, a lost
 * connection, a request past request.timeout.ms) with a metadata refresh and retry.backoff.ms, until
 * default.api.timeout.ms. Each call's outcome is traced (`admin.delete-records`, `admin.alter-configs`,
 * `admin.alter-partition-reassignments`, `admin.create-partitions`); non-retriable errors (OFFSET_OUT_OF_RANGE above
 * the HW, INVALID_CONFIG, INVALID_PARTITIONS) end it.
 */
export function adminClientActor(brokers: string[], ops: readonly AdminOp[]) {
  return (ctx: ActorContext): Actor => {
    const cfg = ADMIN_DEFAULTS;
    const client = new NetworkClient(
      ctx,
      {
        name: "admin-client",
        requestTimeoutMs: cfg.requestTimeoutMs,
        maxInFlightRequestsPerConnection: 1,
        reconnectBackoffMs: cfg.reconnectBackoffMs,
        reconnectBackoffMaxMs: cfg.reconnectBackoffMaxMs,
        connectionSetupTimeoutMs: cfg.connectionSetupTimeoutMs,
        connectionSetupTimeoutMaxMs: cfg.connectionSetupTimeoutMaxMs,
      },
      () => nextRequestId(ctx),
    );
    const metadata = new ClientMetadata(ctx, client, brokers, cfg.metadataMaxAgeMs, cfg.retryBackoffMs);
    const waiting: Call[] = [];
    const start: Timer<number> = ctx.timer((i) => {
      waiting.push({ op: ops[i], deadlineMs: ctx.nowMs + cfg.defaultApiTimeoutMs, tries: 0 });
      metadata.requestUpdate();
    });
    // A lost connection may mean stale metadata (DefaultMetadataUpdater.handleServerDisconnect).
    client.onStateChange((_node, state) => {
      if (state === "DISCONNECTED") metadata.requestUpdate();
    });

    const finish = (call: Call, error: ErrorName, lowWatermark: number) => {
      const op = call.op;
      if (op.op === "deleteRecords") ctx.trace("admin.delete-records", { tp: `${op.topic}-${op.partition}`, offset: op.offset, error, lowWatermark, tries: call.tries });
      else if (op.op === "reassign") ctx.trace("admin.alter-partition-reassignments", { tp: `${op.topic}-${op.partition}`, replicas: op.replicas, error, tries: call.tries });
      else if (op.op === "addPartitions") ctx.trace("admin.create-partitions", { topic: op.topic, count: op.count, error, tries: call.tries });
      else ctx.trace("admin.alter-configs", { ...(op.broker !== undefined ? { broker: op.broker } : { topic: op.topic }), configs: { [op.key]: op.value === null ? null : String(op.value) }, error, tries: call.tries });
    };
    const target = (op: AdminOp) => (op.op === "addPartitions" ? op.topic : op.op !== "alterConfig" ? `${op.topic}-${op.partition}` : op.broker !== undefined ? `broker ${op.broker || "<default>"}` : op.topic);

    /**
     * KafkaAdminClient's node for each call: DeleteRecords the partition's leader; IncrementalAlterConfigs of one
     * broker's configs that broker (ConstantNodeIdProvider); any other IncrementalAlterConfigs and
     * AlterPartitionReassignments and CreatePartitions the least loaded broker (it forwards them to the active
     * controller; KafkaAdminClient's ControllerNodeProvider gets a random broker as "controller" from a KRaft cluster).
     */
    const nodeFor = (op: AdminOp): string | null => {
      if (op.op === "deleteRecords") return metadata.leaderOf(op.topic, op.partition)?.leader ?? null;
      if (op.op === "reassign" || op.op === "addPartitions") return client.leastLoadedNode(brokers);
      if (op.broker !== undefined && op.broker !== "") return op.broker;
      return client.leastLoadedNode(brokers);
    };

    function again(call: Call, error: ErrorName): void {
      if (ctx.nowMs >= call.deadlineMs) return finish(call, "REQUEST_TIMED_OUT", -1);
      ctx.trace("admin.retry", { tp: target(call.op), error });
      waiting.push(call);
      metadata.requestUpdate();
    }

    function sendWaiting(): void {
      const still: Call[] = [];
      for (const call of waiting) {
        const op = call.op;
        const node = nodeFor(op);
        if (node === null) {
          still.push(call);
          continue;
        }
        const correlationId = client.correlationId();
        const req: IncrementalAlterConfigsRequest | DeleteRecordsRequest | AlterPartitionReassignmentsRequest | CreatePartitionsRequest =
          op.op === "addPartitions"
            ? { type: "CreatePartitions", correlationId, topic: op.topic, count: op.count }
            : op.op === "alterConfig"
            ? { type: "IncrementalAlterConfigs", correlationId, topic: op.topic, ...(op.broker !== undefined ? { broker: op.broker } : {}), configs: [{ name: op.key, value: op.value }] }
            : op.op === "reassign"
              ? { type: "AlterPartitionReassignments", correlationId, topic: op.topic, partition: op.partition, replicas: op.replicas }
              : { type: "DeleteRecords", correlationId, topic: op.topic, partition: op.partition, offset: op.offset, timeoutMs: cfg.requestTimeoutMs };
        call.tries++;
        client.sendWhenReady(node, req, (res) => {
          if (res.type === "Disconnected") return again(call, res.timedOut ? "REQUEST_TIMED_OUT" : "NETWORK_EXCEPTION");
          if (res.error === "NONE" || !isRetriable(res.error)) return finish(call, res.error, res.type === "DeleteRecordsResponse" ? res.lowWatermark : -1);
          again(call, res.error);
        });
      }
      waiting.length = 0;
      waiting.push(...still);
      if (still.length > 0) metadata.requestUpdate();
    }
    metadata.onUpdate = sendWaiting;

    return {
      onStart: () => ops.forEach((op, i) => start.set(Math.max(0, op.atMs - ctx.nowMs), i)),
      ...clientProcess(ctx),
      onShutdown: () => client.close(),
    };
  };
}
