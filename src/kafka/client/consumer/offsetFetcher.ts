import type { ErrorName } from "../../protocol/errors.js";
import type { ListOffsetsRequest, ListOffsetsResponse, OffsetsForLeaderEpochRequest, OffsetsForLeaderEpochResponse } from "../../protocol/messages.js";
import { tpKey } from "../../protocol/messages.js";
import type { AssignedPartition } from "./assignedPartition.js";
import { type ConsumerRequestHost, sendForPartition } from "./consumerRequests.js";
import type { LeaderAndEpoch } from "./subscriptionState.js";

/** Answers to a consumer's OffsetsForLeaderEpoch that mean "ask again later" (OffsetsForLeaderEpochUtils.handleResponse). */
const RETRIABLE_VALIDATION_ERRORS: ReadonlySet<ErrorName> = new Set(["NOT_LEADER_OR_FOLLOWER", "FENCED_LEADER_EPOCH", "UNKNOWN_LEADER_EPOCH", "UNKNOWN_TOPIC_OR_PARTITION", "REQUEST_TIMED_OUT", "NETWORK_EXCEPTION"]);

/**
 * The consumer's positions against the brokers (Kafka `OffsetFetcher` / `OffsetFetcherUtils`): ListOffsets for a
 * reset by auto.offset.reset (earliest: the log start; latest: the HW, or the LSO under read_committed), and
 * KIP-320 validation of a position with a leader epoch by OffsetsForLeaderEpoch whenever its leader or leader epoch
 * changes: if the leader says the epoch ends below the position (the log was truncated, e.g. by an unclean election)
 * the position moves back to that end, or with `none` poll() raises LogTruncationException.
 * Simplification: one partition per ListOffsets and per OffsetsForLeaderEpoch request.
 */
export class OffsetFetcher {
  constructor(private readonly host: ConsumerRequestHost) {}

  /** The partition's leader and epoch in the metadata (Metadata.currentLeader). */
  currentLeader(p: AssignedPartition): LeaderAndEpoch {
    const m = this.host.metadata.leaderOf(p.topic, p.partition);
    return { leader: m?.leader ?? null, epoch: m && m.leaderEpoch >= 0 ? m.leaderEpoch : null };
  }

  /**
   * OffsetFetcherUtils.validatePositionsOnMetadataChange: every assigned partition's position is checked against
   * the leader the new metadata names; a changed leader or epoch means validation before the next fetch (KIP-320).
   * A partition awaiting validation is not fetchable: what was fetched is dropped and a fetch in flight will be
   * ignored (FetchCollector), so it is abandoned here; so is a validation of the old position (its answer is stale).
   */
  validatePositionsOnMetadataChange(): void {
    for (const p of this.host.partitions()) {
      const before = p.position;
      p.maybeValidatePosition(this.currentLeader(p));
      if (p.position === before) continue;
      if (p.fetchState === "AWAIT_VALIDATION") p.completed = null;
      if (p.inFlight >= 0 && !(p.inFlightKind === "fetch" && p.fetchState === "FETCHING")) p.abandonRequest();
    }
  }

  /** OffsetFetcher.resetPositionsIfNeeded: ListOffsets for the earliest offset, or the latest (HW, or LSO). */
  sendListOffsets(p: AssignedPartition): void {
    const { metadata, settings } = this.host;
    const meta = metadata.leaderOf(p.topic, p.partition);
    if (!meta || meta.leader === null) return metadata.requestUpdate();
    const timestamp = p.resetStrategy === "earliest" ? -2 : -1;
    sendForPartition(
      this.host,
      p,
      meta.leader,
      "reset",
      (correlationId): ListOffsetsRequest => ({ type: "ListOffsets", correlationId, topic: p.topic, partition: p.partition, currentLeaderEpoch: meta.leaderEpoch, timestamp, isolationLevel: settings.isolationLevel }),
      (res) => this.onListOffsets(res),
      settings.requestTimeoutMs,
    );
  }

  /** OffsetFetcher.validatePositionsAsync (KIP-320): where does the position's epoch end on the current leader? */
  sendValidation(p: AssignedPartition): void {
    const position = p.position!;
    const leader = position.currentLeader.leader;
    if (leader === null || position.offsetEpoch === null) return this.host.metadata.requestUpdate();
    const sent = sendForPartition(
      this.host,
      p,
      leader,
      "validate",
      (correlationId): OffsetsForLeaderEpochRequest => ({ type: "OffsetsForLeaderEpoch", correlationId, replicaId: -1, topic: p.topic, partition: p.partition, currentLeaderEpoch: position.currentLeader.epoch ?? -1, leaderEpoch: position.offsetEpoch! }),
      (res) => this.onOffsetsForLeaderEpoch(res),
      this.host.settings.requestTimeoutMs,
    );
    if (sent) p.inFlightPosition = position;
  }

  /** The partition whose request this answers, with the request closed; undefined for an answer nobody waits for. */
  private take(topic: string, partition: number, correlationId: number, kind: AssignedPartition["inFlightKind"]): AssignedPartition | undefined {
    const p = this.host.partition(tpKey(topic, partition));
    if (!p || p.inFlight !== correlationId || p.inFlightKind !== kind) return undefined;
    p.abandonRequest();
    return p;
  }

  /** OffsetFetcherUtils.resetPositionIfNeeded: the reset position carries no epoch, so it is not validated. */
  private onListOffsets(res: ListOffsetsResponse): void {
    const p = this.take(res.topic, res.partition, res.correlationId, "reset");
    if (!p) return;
    if (res.error !== "NONE") return this.host.retryLater(p, res.error);
    if (p.fetchState !== "AWAIT_RESET") return this.host.pump();
    const policy = p.resetStrategy;
    p.seekUnvalidated({ offset: res.offset, offsetEpoch: null, currentLeader: this.currentLeader(p) });
    this.host.ctx.trace("consumer.reset-offset", { tp: p.key, offset: res.offset, policy });
    this.host.pump();
  }

  /** OffsetFetcherUtils.onSuccessfulResponseForValidatingPositions → SubscriptionState.maybeCompleteValidation. */
  private onOffsetsForLeaderEpoch(res: OffsetsForLeaderEpochResponse): void {
    const { ctx, settings } = this.host;
    const p = this.take(res.topic, res.partition, res.correlationId, "validate");
    if (!p) return;
    const requested = p.inFlightPosition!;
    p.inFlightPosition = null;
    if (res.error !== "NONE") {
      if (!RETRIABLE_VALIDATION_ERRORS.has(res.error)) ctx.trace("consumer.validation-error", { tp: p.key, error: res.error });
      return this.host.retryLater(p, res.error);
    }
    const outcome = p.maybeCompleteValidation(requested, { leaderEpoch: res.leaderEpoch, endOffset: res.endOffset }, settings.autoOffsetReset);
    if (outcome.kind !== "stale" && outcome.kind !== "valid")
      ctx.trace("consumer.truncation-detected", { tp: p.key, offset: requested.offset, offsetEpoch: requested.offsetEpoch, leaderEpoch: res.leaderEpoch, endOffset: res.endOffset, action: outcome.kind === "truncated-seek" ? "seek" : outcome.kind === "truncated-reset" ? `reset ${settings.autoOffsetReset}` : "raise" });
    if (outcome.kind === "truncated-raise") {
      // LogTruncationException from the next poll; the partition stays awaiting validation and asks again later.
      p.raise = { exception: "LogTruncationException", offset: requested.offset, truncation: outcome.truncation };
      p.nextRetryTimeUs = ctx.nowUs + settings.retryBackoffMs * 1000;
      this.host.wakeAt(p.nextRetryTimeUs);
    }
    this.host.pump();
  }
}
