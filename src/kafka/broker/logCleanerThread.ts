import type { ActorContext, Timer } from "../../sim/index.js";
import { cleanableRatio, shouldClean } from "../log/logCleaner.js";
import type { BrokerSettings, LogDefaults } from "./brokerSettings.js";
import type { Partition } from "./partition.js";

/**
 * A broker's log cleaner (Kafka `LogCleaner.CleanerThread.doWork` → `tryCleanFilthiestLog`): when it wakes it takes
 * the compacted logs worth cleaning (`LogCleanerManager.grabFilthiestCompactedLog`: dirty ratio above
 * min.cleanable.dirty.ratio, or a segment past max.compaction.lag.ms), filthiest first, and cleans them; then it
 * sleeps log.cleaner.backoff.ms. Cleaning takes no simulated time here, so one wake cleans every such log, where
 * Kafka's single thread (log.cleaner.threads=1) takes them one after another without sleeping in between.
 * Every replica is cleaned by its own broker, followers included. Off with log.cleaner.enable=false. The thread
 * sleeps (no timer at all) while the broker hosts no compacted log, so runs without compaction have no cleaner events.
 */
export class LogCleanerThread {
  private readonly wake: Timer;
  private pending = -1;
  private started = false;

  constructor(
    private readonly ctx: ActorContext,
    private readonly settings: BrokerSettings,
    private readonly partitions: () => Iterable<Partition>,
    private readonly logConfig: (topic: string) => LogDefaults,
  ) {
    this.wake = ctx.timer(() => {
      this.pending = -1;
      this.cleanFilthiestLogs();
      this.maybeSchedule();
    });
  }

  /** LogCleaner.startup (with the broker's other log tasks). */
  start(): void {
    this.started = true;
    this.maybeSchedule();
  }

  /** A compacted log may have appeared (a new replica, a cleanup.policy changed): wake after the back-off. */
  maybeSchedule(): void {
    if (!this.started || !this.settings.logCleanerEnable || this.pending >= 0) return;
    for (const p of this.partitions())
      if (this.logConfig(p.topic).compact) {
        this.pending = this.wake.set(this.settings.logCleanerBackoffMs);
        return;
      }
  }

  /** `grabFilthiestCompactedLog` repeatedly: the cleanable logs by dirty ratio, highest first (ties by partition). */
  cleanFilthiestLogs(): void {
    const now = this.ctx.nowMs;
    const dirty = [];
    for (const p of this.partitions()) {
      if (p.role === "none") continue;
      const cfg = this.logConfig(p.topic);
      if (!cfg.compact) continue;
      const l = p.logToClean(now);
      if (shouldClean(l, cfg)) dirty.push({ p, l, ratio: cleanableRatio(l) });
    }
    dirty.sort((a, b) => b.ratio - a.ratio || (a.p.key < b.p.key ? -1 : a.p.key > b.p.key ? 1 : 0));
    for (const { p, l } of dirty) p.clean(l, now);
  }
}
