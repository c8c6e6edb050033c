/**
 * The leader-epoch cache (KIP-101, Kafka `LeaderEpochFileCache`): for each leader epoch, the first offset written in
 * it. It answers OffsetsForLeaderEpoch: where did epoch E end on this replica?
 */
export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_OFFSET = -1;

export class LeaderEpochCache {
  entries: EpochEntry[] = [];

  latestEpoch(): number {
    return this.entries.length === 0 ? UNDEFINED_EPOCH : this.entries[this.entries.length - 1].epoch;
  }

  /** Records that `epoch` starts at `startOffset`; ignores an epoch that is not newer than the latest. */
  assign(epoch: number, startOffset: number): void {
    const latest = this.entries[this.entries.length - 1];
    if (latest && latest.epoch >= epoch) return;
    // A new epoch starting at or below an older entry's start supersedes it (LeaderEpochFileCache.assign).
    while (this.entries.length > 0 && this.entries[this.entries.length - 1].startOffset >= startOffset) this.entries.pop();
    this.entries.push({ epoch, startOffset });
  }

  startOffsetOf(epoch: number): number | undefined {
    return this.entries.find((e) => e.epoch === epoch)?.startOffset;
  }

  /**
   * `LeaderEpochFileCache.endOffsetFor`, case by case: the latest epoch ends at the log end; an older one at the
   * start of the next epoch this replica has, answered as the largest epoch ≤ `requested` it has; an epoch below all
   * of them as `requested` itself, ending where the first known epoch starts (what came before is gone from this
   * log); UNDEFINED for the undefined epoch, an empty cache, or an epoch above the latest.
   */
  endOffsetFor(requested: number, logEndOffset: number): { epoch: number; endOffset: number } {
    const undefinedAnswer = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_OFFSET };
    if (requested === UNDEFINED_EPOCH || this.entries.length === 0) return undefinedAnswer;
    const latest = this.entries[this.entries.length - 1];
    if (requested === latest.epoch) return { epoch: latest.epoch, endOffset: logEndOffset };
    // higherEntry: the first epoch above the requested one; none means the request is above the latest epoch.
    const higher = this.entries.findIndex((e) => e.epoch > requested);
    if (higher < 0) return undefinedAnswer;
    if (higher === 0) return { epoch: requested, endOffset: this.entries[0].startOffset };
    return { epoch: this.entries[higher - 1].epoch, endOffset: this.entries[higher].startOffset };
  }

  /** Drops entries that start at or after `offset` (the log was truncated there). */
  truncateFromEnd(offset: number): void {
    while (this.entries.length > 0 && this.entries[this.entries.length - 1].startOffset >= offset) this.entries.pop();
  }

  clone(): LeaderEpochCache {
    const c = new LeaderEpochCache();
    c.entries = this.entries.map((e) => ({ ...e }));
    return c;
  }
}
