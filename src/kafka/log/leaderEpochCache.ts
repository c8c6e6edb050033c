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
   * `LeaderEpochFileCache.endOffsetFor`: for the latest epoch, the log end; for an older one, the largest epoch ≤
   * `requested` and the offset where it ends (the next epoch's start offset). Below every epoch, `requested` itself
   * with the first epoch's start offset ("the data has already been removed": a follower whose epochs the leader
   * never had truncates to where the leader's log begins, e.g. to a leader that came back empty after a power loss).
   * UNDEFINED for UNDEFINED_EPOCH, an empty cache, or an epoch above the latest.
   */
  endOffsetFor(requested: number, logEndOffset: number): { epoch: number; endOffset: number } {
    if (requested === UNDEFINED_EPOCH || this.entries.length === 0) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_OFFSET };
    const latest = this.entries[this.entries.length - 1];
    if (requested === latest.epoch) return { epoch: latest.epoch, endOffset: logEndOffset };
    if (requested > latest.epoch) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_OFFSET };
    let i = -1;
    for (let k = 0; k < this.entries.length; k++) if (this.entries[k].epoch <= requested) i = k;
    if (i < 0) return { epoch: requested, endOffset: this.entries[0].startOffset };
    return { epoch: this.entries[i].epoch, endOffset: this.entries[i + 1].startOffset };
  }

  /** Drops entries that start at or after `offset` (the log was truncated there). */
  truncateFromEnd(offset: number): void {
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
    if (this.entries.length > 0 && this.entries[0].startOffset < offset) this.entries[0] = { ...this.entries[0], startOffset: offset };
  }

  clone(): LeaderEpochCache {
    const c = new LeaderEpochCache();
    c.entries = this.entries.map((e) => ({ ...e }));
    return c;
  }
}
