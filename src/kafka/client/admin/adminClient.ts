import type { Actor, ActorContext, Timer } from "../../../sim/index.js";
import { clientProcess } from "../../network/connectionRouter.js";
import { NetworkClient } from "../../network/networkClient.js";
import { type ErrorName, isRetriable } from "../../protocol/errors.js";
import type { DeleteRecordsRequest } from "../../protocol/messages.js";
import { ClientMetadata } from "../clientMetadata.js";
import { nextRequestId } from "../requestIds.js";

/** An operator's admin call at a moment of the run (a `faults:` entry such as `deleteRecords`). */
export interface AdminOp {
  /** When the call is made, in ms of simulated time. */
  atMs: number;
  op: "deleteRecords";
  topic: string;
  partition: number;
  /** The new log start offset asked for (-1: the high watermark, Kafka's DeleteRecordsRequest.HIGH_WATERMARK). */
  offset: number;
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
 * An operator's admin client (Kafka `KafkaAdminClient`) as an actor: at each op's time it looks the partition's
 * leader up in metadata, sends it DeleteRecords over the client's one `NetworkClient`, and retries on a retriable
 * error (NOT_LEADER_OR_FOLLOWER after a leader change, a lost connection, a request past request.timeout.ms) with a
 * metadata refresh and retry.backoff.ms, until default.api.timeout.ms. Each call's outcome is traced
 * (`admin.delete-records`); non-retriable errors (OFFSET_OUT_OF_RANGE above the HW) end it.
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

    const finish = (call: Call, error: ErrorName, lowWatermark: number) =>
      ctx.trace("admin.delete-records", { tp: `${call.op.topic}-${call.op.partition}`, offset: call.op.offset, error, lowWatermark, tries: call.tries });

    function again(call: Call, error: ErrorName): void {
      if (ctx.nowMs >= call.deadlineMs) return finish(call, "REQUEST_TIMED_OUT", -1);
      ctx.trace("admin.retry", { tp: `${call.op.topic}-${call.op.partition}`, error });
      waiting.push(call);
      metadata.requestUpdate();
    }

    function sendWaiting(): void {
      const still: Call[] = [];
      for (const call of waiting) {
        const leader = metadata.leaderOf(call.op.topic, call.op.partition)?.leader ?? null;
        if (leader === null) {
          still.push(call);
          continue;
        }
        const req: DeleteRecordsRequest = { type: "DeleteRecords", correlationId: client.correlationId(), topic: call.op.topic, partition: call.op.partition, offset: call.op.offset, timeoutMs: cfg.requestTimeoutMs };
        call.tries++;
        client.sendWhenReady(leader, req, (res) => {
          if (res.type === "Disconnected") return again(call, res.timedOut ? "REQUEST_TIMED_OUT" : "NETWORK_EXCEPTION");
          if (res.error === "NONE" || !isRetriable(res.error)) return finish(call, res.error, res.lowWatermark);
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
