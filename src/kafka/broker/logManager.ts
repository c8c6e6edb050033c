import type { ActorContext, Timer } from "../../sim/index.js";
import type { MetadataImage } from "../metadata/metadataImage.js";
import { type BrokerSettings, compactionConfig, type LogDefaults } from "./brokerSettings.js";
import { LogCleanerThread } from "./logCleanerThread.js";
import { LogFlusher } from "./logFlusher.js";
import { magicOfMessageFormatVersion, type RecordMagic } from "../log/recordSize.js";
import type { Partition } from "./partition.js";

/**
 * A broker's logs as Kafka's `LogManager` keeps them (the partitions themselves are the ReplicaManager's): each
 * topic's log config (the topic's overrides in the metadata image over the broker's log.* defaults, resolved once
 * and again after a config change: `updateTopicConfig`, `reconfigureDefaultLogConfig`), and the scheduled log tasks
 * — kafka-log-retention (`cleanupLogs`, first after log.initial.task.delay.ms, then every
 * log.retention.check.interval.ms), the flush-dirty-logs task (`LogFlusher`, by flush.ms), the log cleaner
 * (`LogCleanerThread`) and UnifiedLog's PeriodicProducerExpirationCheck (one task for all of the broker's logs here,
 * every producer.id.expiration.check.interval.ms). Times are ms of simulated time.
 */
export class LogManager {
  /** Time-based flushing (flush.ms, log.flush.interval.ms). */
  readonly flusher: LogFlusher;
  /** The log cleaner (compacted topics). */
  readonly cleaner: LogCleanerThread;
  /** LogManager's kafka-log-retention task (cleanupLogs). */
  private readonly retention: Timer;
  /** UnifiedLog's PeriodicProducerExpirationCheck. */
  private readonly producerExpiration: Timer;
  private readonly logConfigs = new Map<string, LogDefaults>();

  constructor(
    private readonly ctx: ActorContext,
    private readonly settings: BrokerSettings,
    private readonly image: MetadataImage,
    /** The replicas the broker hosts, in the order it started hosting them. */
    private readonly logs: () => Iterable<Partition>,
  ) {
    const s = settings;
    this.flusher = new LogFlusher(
      ctx,
      () => s.flushMs,
      (topic) => {
        const t = image.topicConfig(topic, "flush.ms");
        return t !== undefined ? t : s.flushMs;
      },
      logs,
    );
    this.cleaner = new LogCleanerThread(ctx, s, logs, (topic) => this.logConfig(topic));
    this.retention = ctx.timer(() => {
      this.retention.set(s.retentionCheckIntervalMs);
      this.cleanupLogs();
    });
    this.producerExpiration = ctx.timer(() => {
      this.producerExpiration.set(s.producerIdExpirationCheckIntervalMs);
      for (const p of logs()) p.removeExpiredProducers(ctx.nowMs, s.producerIdExpirationMs);
    });
  }

  /**
   * A topic's log config (LogManager.fetchLogConfig): segment, retention, compaction and size settings from the
   * topic's overrides, else the broker's log.* defaults. Cached per topic the image knows; a topic the image does
   * not know (yet) gets the defaults, uncached.
   */
  logConfig(topic: string): LogDefaults {
    let c = this.logConfigs.get(topic);
    if (c) return c;
    const { image, settings: s } = this;
    c = {
      compressionType: image.topicConfig(topic, "compression.type") ?? s.log.compressionType,
      maxMessageBytes: image.topicConfig(topic, "max.message.bytes") ?? s.log.maxMessageBytes,
      segmentBytes: image.topicConfig(topic, "segment.bytes") ?? s.log.segmentBytes,
      segmentMs: image.topicConfig(topic, "segment.ms") ?? s.log.segmentMs,
      retentionMs: image.topicConfig(topic, "retention.ms") ?? s.log.retentionMs,
      retentionBytes: image.topicConfig(topic, "retention.bytes") ?? s.log.retentionBytes,
      recordMagic: topicRecordMagic(image.topicConfig(topic, "message.format.version"), s.log.recordMagic),
      ...compactionConfig(image.topicConfig(topic, "cleanup.policy"), s.log),
      deleteRetentionMs: image.topicConfig(topic, "delete.retention.ms") ?? s.log.deleteRetentionMs,
      minCleanableDirtyRatio: image.topicConfig(topic, "min.cleanable.dirty.ratio") ?? s.log.minCleanableDirtyRatio,
      minCompactionLagMs: image.topicConfig(topic, "min.compaction.lag.ms") ?? s.log.minCompactionLagMs,
      maxCompactionLagMs: image.topicConfig(topic, "max.compaction.lag.ms") ?? s.log.maxCompactionLagMs,
    };
    if (image.topics.has(topic)) this.logConfigs.set(topic, c);
    return c;
  }

  /** flush.messages of `topic` (else the broker's log.flush.interval.messages), read from the image at each use. */
  flushMessages(topic: string): number {
    return this.image.topicConfig(topic, "flush.messages") ?? this.settings.flushMessages;
  }

  /** LogManager.updateTopicConfig: the topic's logs read their config afresh; a compacted one may need the cleaner. */
  updateTopicConfig(topic: string): void {
    this.logConfigs.delete(topic);
    this.cleaner.maybeSchedule();
  }

  /** LogManager.reconfigureDefaultLogConfig: the broker's log.* defaults changed; every log reads its config again. */
  reconfigureDefaultLogConfig(): void {
    this.logConfigs.clear();
    this.flusher.arm();
    this.cleaner.maybeSchedule();
  }

  /**
   * LogManager.startup: retention first runs log.initial.task.delay.ms (30 s) after start, then every
   * log.retention.check.interval.ms; producer expiry every producer.id.expiration.check.interval.ms; the cleaner starts.
   */
  startup(): void {
    const s = this.settings;
    this.retention.set(s.logInitialTaskDelayMs);
    this.producerExpiration.set(s.producerIdExpirationCheckIntervalMs);
    this.cleaner.start();
  }

  /** LogManager.cleanupLogs: every hosted replica deletes the segments retention or its log start allow. */
  cleanupLogs(): void {
    const now = this.ctx.nowMs;
    for (const p of this.logs()) p.deleteOldSegments(now);
  }
}

/** A topic's record format: its message.format.version's magic, else the broker's (log.message.format.version). */
function topicRecordMagic(version: string | undefined, brokerDefault: RecordMagic): RecordMagic {
  return version === undefined ? brokerDefault : magicOfMessageFormatVersion(version);
}
