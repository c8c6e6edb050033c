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

  /**
   * `LeaderEpochFileCache.assign`: records that `epoch` starts at `startOffset`. Nothing changes when `epoch` is the
   * latest and starts at or before `startOffset` (every later batch of the epoch calls this too). Otherwise the
   * entries that would break the cache's order (an epoch ≥ `epoch`, or a start ≥ `startOffset`) are dropped first
   * (`maybeTruncateNonMonotonicEntries`), so epochs and start offsets both only increase. Throws on a negative epoch
   * or offset (Kafka's IllegalArgumentException).
   */
  assign(epoch: number, startOffset: number): void {
    if (epoch < 0 || startOffset < 0) throw new Error(`invalid leader epoch entry (epoch ${epoch}, start offset ${startOffset})`);
    const latest = this.entries[this.entries.length - 1];
    // Stryker disable next-line EqualityOperator: at an equal start, `<` goes on to pop the latest entry and push the same one back
    if (latest && latest.epoch === epoch && latest.startOffset <= startOffset) return;
    while (this.entries.length > 0) {
      const last = this.entries[this.entries.length - 1];
      if (last.epoch < epoch && last.startOffset < startOffset) break;
      this.entries.pop();
    }
    this.entries.push({ epoch, startOffset });
  }

  startOffsetOf(epoch: number): number | undefined {
    return this.entries.find((e) => e.epoch === epoch)?.startOffset;
  }

  /**
   * `LeaderEpochFileCache.endOffsetFor`, in offsets: the largest epoch ≤ `requested` and the offset where it ends (the
   * next epoch's start offset, or `logEndOffset` for the latest epoch). Below the first epoch it answers `requested`
   * with the first epoch's start (the follower truncates there; Kafka's javadoc still says UNDEFINED, its code does
   * not). UNDEFINED for an undefined or unknown-future epoch, or an empty cache.
   */
  endOffsetFor(requested: number, logEndOffset: number): { epoch: number; endOffset: number } {
    const undefinedAnswer = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_OFFSET };
    if (requested === UNDEFINED_EPOCH) return undefinedAnswer;
    if (this.latestEpoch() === requested) return { epoch: requested, endOffset: logEndOffset };
    const higher = this.entries.findIndex((e) => e.epoch > requested);
    if (higher < 0) return undefinedAnswer;
    if (higher === 0) return { epoch: requested, endOffset: this.entries[0].startOffset };
    return { epoch: this.entries[higher - 1].epoch, endOffset: this.entries[higher].startOffset };
  }

  /**
   * `LeaderEpochFileCache.truncateFromEnd`: drops entries that start at or after `offset` (the log was truncated
   * there). A negative offset (UNDEFINED_EPOCH_OFFSET) changes nothing, as Kafka's `endOffset >= 0` guard says.
   */
  truncateFromEnd(offset: number): void {
    if (offset < 0) return;
    while (this.entries.length > 0 && this.entries[this.entries.length - 1].startOffset >= offset) this.entries.pop();
  }

  /**
   * `LeaderEpochFileCache.truncateFromStart`: the log start moved to `offset`; entries wholly below it go, and the
   * entry covering it now starts there.
   */
  truncateFromStart(offset: number): void {
    let i = 0;
    while (i + 1 < this.entries.length && this.entries[i + 1].startOffset <= offset) i++;
    this.entries.splice(0, i);
    // Stryker disable next-line EqualityOperator: at an equal start, `<=` writes the same start offset back
    if (this.entries.length > 0 && this.entries[0].startOffset < offset) this.entries[0] = { ...this.entries[0], startOffset: offset };
  }

  clone(): LeaderEpochCache {
    const c = new LeaderEpochCache();
    c.entries = this.entries.map((e) => ({ ...e }));
    return c;
  }
}
