import type { ActorContext } from "../../../sim/index.js";
import type { ConsumerSettings } from "../../config/consumerConfig.js";
import type { AnyRequest, Disconnect, NetworkClient, ResponseTo } from "../../network/networkClient.js";
import type { ClientMetadata } from "../clientMetadata.js";
import type { AssignedPartition } from "./assignedPartition.js";

/** What the consumer's fetcher and offset fetcher share with the KafkaConsumer that owns them. */
export interface ConsumerRequestHost {
  readonly ctx: ActorContext;
  readonly client: NetworkClient;
  readonly metadata: ClientMetadata;
  readonly settings: ConsumerSettings;
  /** The assigned partition `topic-partition`, if it still is assigned. */
  partition(key: string): AssignedPartition | undefined;
  /** The assigned partitions, in assignment order. */
  partitions(): Iterable<AssignedPartition>;
  /**
   * A request failed: try the partition again after retry.backoff.ms (SubscriptionState.requestFailed), refreshing
   * metadata first unless `refreshMetadata` is false (an error that says our metadata is the newer one).
   */
  retryLater(p: AssignedPartition, error: string, refreshMetadata?: boolean): void;
  /** Run the consumer's request pass at `us` (virtual µs) or earlier. */
  wakeAt(us: number): void;
  /** Sends what can be sent now. */
  pump(): void;
  /**
   * A Fetch answer gave at least one partition records to return (Fetcher.hasAvailableFetches turned true): an
   * application blocked in poll(Duration) returns now (KafkaConsumer.pollForFetches' `client.poll(timer, () ->
   * !fetcher.hasAvailableFetches())`). Called before the consumer sends its next Fetch.
   */
  fetchAvailable(): void;
}

/**
 * Whether `to`'s connection is ready for a request (NetworkClient.ready); if not, the consumer is woken when its
 * reconnect back-off ends (the client itself wakes it when a connection attempt ends).
 */
export function readyOrWake(host: ConsumerRequestHost, to: string): boolean {
  if (host.client.ready(to)) return true;
  const delay = host.client.connectionDelayMs(to);
  if (delay > 0 && delay < Infinity && !host.client.isConnecting(to)) host.wakeAt(host.ctx.nowUs + delay * 1000);
  return false;
}

/** The error a request whose connection closed or timed out counts as. */
export function disconnectError(why: Disconnect): "REQUEST_TIMED_OUT" | "NETWORK_EXCEPTION" {
  return why.timedOut ? "REQUEST_TIMED_OUT" : "NETWORK_EXCEPTION";
}

/**
 * Sends one partition's own request (ListOffsets, OffsetsForLeaderEpoch) if `to`'s connection is ready; the
 * answer, or the connection's loss or timeout (retried after retry.backoff.ms), comes back to `onAnswer`.
 */
export function sendForPartition<R extends AnyRequest>(
  host: ConsumerRequestHost,
  p: AssignedPartition,
  to: string,
  kind: AssignedPartition["inFlightKind"],
  build: (correlationId: number) => R,
  onAnswer: (res: ResponseTo<R>) => void,
  timeoutMs: number,
): boolean {
  if (!readyOrWake(host, to)) return false;
  const id = host.client.correlationId();
  p.inFlight = id;
  p.inFlightKind = kind;
  host.client.send(
    to,
    build(id),
    (res) => {
      if (res.type !== "Disconnected") return onAnswer(res as ResponseTo<R>);
      const q = host.partition(p.key);
      if (q !== p || p.inFlight !== id) return;
      p.abandonRequest();
      host.retryLater(p, disconnectError(res));
    },
    timeoutMs,
  );
  return true;
}
