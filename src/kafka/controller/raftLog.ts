import type { RaftEntry } from "../protocol/raftMessages.js";

/**
 * The controller's copy of `__cluster_metadata`. KRaft fsyncs before it counts an entry as written, so the model
 * keeps this log fully durable (no unflushed tail).
 */
export class RaftLog {
  entries: RaftEntry[] = [];

  get endOffset(): number {
    return this.entries.length;
  }

  lastEpoch(): number {
    return this.entries.length === 0 ? 0 : this.entries[this.entries.length - 1].epoch;
  }

  epochAt(offset: number): number {
    return offset < 0 || offset >= this.entries.length ? 0 : this.entries[offset].epoch;
  }

  /** The largest epoch ≤ `epoch` present in the log, and the offset where it ends. */
  endOffsetFor(epoch: number): { epoch: number; endOffset: number } {
    let found = 0;
    let end = 0;
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i].epoch;
      if (e <= epoch) {
        found = e;
        end = i + 1;
      } else break;
    }
    return { epoch: found, endOffset: end };
  }

  truncateTo(offset: number): void {
    if (offset < this.entries.length) this.entries.length = offset;
  }
}
