import type { ActorContext, Timer } from "../../sim/index.js";
import type { PartitionLog } from "../log/partitionLog.js";

/** A log the flusher may flush. */
export interface FlushableLog {
  readonly key: string;
  readonly topic: string;
  readonly log: PartitionLog;
  /** UnifiedLog.flush: durable to the log end; the fsync's µs (0 without `capacity.disk`). */
  flushLog(): number;
}

/**
 * Time-based flushing (Kafka `LogManager`'s flush-dirty-logs task): a log whose oldest unflushed message is older
 * than its flush.ms (topic) or log.flush.interval.ms (broker) is fsynced. Armed only while some log has such a
 * setting, at the shortest interval (LogManager.flushDirtyLogs; Kafka checks every log.flush.scheduler.interval.ms).
 * (Flushing by message count is the partition's, on append.) With `capacity.disk` each flush is an fsync on the disk.
 */
export class LogFlusher {
  private timer = -1;
  private readonly lastFlushUs = new Map<string, number>();
  private readonly tick: Timer;

  constructor(
    private readonly ctx: ActorContext,
    /** log.flush.interval.ms: the broker's default (dynamic, so read at each use), null for never. */
    private readonly brokerFlushMs: () => number | null,
    /** A topic's flush.ms, falling back to the broker's; null when time never forces a flush. */
    private readonly flushMsFor: (topic: string) => number | null,
    private readonly logs: () => Iterable<FlushableLog>,
  ) {
    this.tick = ctx.timer(() => {
      this.timer = -1;
      this.flushByAge();
    });
  }

  /** Arms the flusher if it is not armed and some log needs it. */
  arm(): void {
    if (this.timer >= 0) return;
    let every = Infinity;
    for (const p of this.logs()) every = Math.min(every, this.flushMsFor(p.topic) ?? Infinity);
    const brokerFlushMs = this.brokerFlushMs();
    if (brokerFlushMs !== null) every = Math.min(every, brokerFlushMs);
    if (every < Infinity) this.timer = this.tick.set(Math.max(every, 1));
  }

  private flushByAge(): void {
    for (const p of this.logs()) {
      const ms = this.flushMsFor(p.topic);
      if (ms === null) continue;
      const last = this.lastFlushUs.get(p.key) ?? 0;
      if (p.log.unflushedMessages > 0 && this.ctx.nowUs - last >= ms * 1000) {
        // On the scheduler's kafka-log-flusher task: the fsync's time is the disk's and that thread's, no request waits on it.
        p.flushLog();
        this.lastFlushUs.set(p.key, this.ctx.nowUs);
      }
    }
    this.arm();
  }
}
