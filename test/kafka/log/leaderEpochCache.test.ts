import { describe, expect, it } from "vitest";
import { LeaderEpochCache, UNDEFINED_EPOCH, UNDEFINED_OFFSET } from "../../../src/kafka/log/leaderEpochCache.js";

/**
 * The leader-epoch cache (KIP-101, KIP-279): for each leader epoch, the first offset written in it. The cases follow
 * Kafka's `LeaderEpochFileCache` (storage/.../epoch/LeaderEpochFileCache.java) and are named after the test in
 * `LeaderEpochFileCacheTest.scala` that checks the same rule.
 */
function cacheOf(...entries: [epoch: number, startOffset: number][]): LeaderEpochCache {
  const c = new LeaderEpochCache();
  for (const [epoch, start] of entries) c.assign(epoch, start);
  return c;
}

const UNDEFINED = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_OFFSET };

describe("LeaderEpochCache.assign (LeaderEpochFileCache.assign)", () => {
  it("uses Kafka's sentinels: UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET are both -1", () => {
    expect([UNDEFINED_EPOCH, UNDEFINED_OFFSET]).toEqual([-1, -1]);
  });

  it("an empty cache has no latest epoch", () => {
    // shouldFetchLatestEpochOfEmptyCache: an empty cache answers UNDEFINED_EPOCH (OptionalInt.empty in Kafka).
    expect(new LeaderEpochCache().latestEpoch()).toBe(UNDEFINED_EPOCH);
  });

  it("records where each new epoch starts, and the latest epoch is the last one recorded", () => {
    // shouldIncreaseAndTrackEpochsAsFollowerReceivesManyMessages: a follower appends the leader's batches, each
    // stamped with its leader epoch; the first batch of each epoch records that epoch's start.
    const c = cacheOf([0, 0], [0, 1], [0, 2], [1, 3], [1, 4], [2, 6]);
    expect(c.entries).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 3 },
      { epoch: 2, startOffset: 6 },
    ]);
    expect(c.latestEpoch()).toBe(2);
  });

  it("does not move an epoch's start to a later offset once it has been assigned", () => {
    // shouldNotOverwriteOffsetForALeaderEpochOnceItHasBeenAssigned: every later batch of epoch 2 calls assign(2, …);
    // the epoch still starts where its first batch was.
    const c = cacheOf([2, 6], [2, 10]);
    expect(c.entries).toEqual([{ epoch: 2, startOffset: 6 }]);
  });

  it("moves the latest epoch's start back when it is assigned at an earlier offset", () => {
    // shouldTruncateIfMatchingEpochButEarlierStartingOffset: isUpdateNeeded is true for the same epoch at a smaller
    // start offset, and every entry starting at or after it is dropped first.
    const c = cacheOf([5, 11], [6, 12], [7, 13]);
    c.assign(7, 12);
    expect(c.entries).toEqual([
      { epoch: 5, startOffset: 11 },
      { epoch: 7, startOffset: 12 },
    ]);
    expect(c.endOffsetFor(5, 20)).toEqual({ epoch: 5, endOffset: 12 });
    expect(c.endOffsetFor(6, 20)).toEqual({ epoch: 5, endOffset: 12 });
  });

  it("a new epoch at the same offset replaces the epoch that never got a record", () => {
    // shouldEnforceMonotonicallyIncreasingStartOffsets: epoch 2 started at 9 but wrote nothing before epoch 3 began
    // at 9 too; offsets in the cache only ever increase, so epoch 2 goes.
    expect(cacheOf([2, 9], [3, 9]).entries).toEqual([{ epoch: 3, startOffset: 9 }]);
  });

  it("a new epoch starting below earlier entries drops them (the log was truncated under them)", () => {
    // shouldEnforceOffsetsIncreaseMonotonically: "the last assignment wins and the conflicting one is removed".
    expect(cacheOf([2, 6], [3, 5]).entries).toEqual([{ epoch: 3, startOffset: 5 }]);
    // Only the entries at or after the new start go; an older one below it stays.
    expect(cacheOf([1, 0], [2, 6], [3, 5]).entries).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 5 },
    ]);
  });

  it("an older epoch assigned after a newer one truncates the newer ones (monotonic epochs)", () => {
    // shouldEnforceMonotonicallyIncreasingEpochs: assigning epoch 1 at 7 after epoch 2 started at 6 means the log is
    // already inconsistent; Kafka truncates the cache to the point of conflict rather than ignore the append.
    const c = cacheOf([1, 5], [2, 6]);
    c.assign(1, 7);
    expect(c.entries).toEqual([{ epoch: 1, startOffset: 7 }]);
    expect(c.latestEpoch()).toBe(1);
    expect(c.endOffsetFor(1, 8)).toEqual({ epoch: 1, endOffset: 8 });
    expect(c.endOffsetFor(2, 8)).toEqual(UNDEFINED);
  });

  it("refuses a negative epoch or start offset (an IllegalArgumentException in Kafka)", () => {
    expect(() => new LeaderEpochCache().assign(-1, 0)).toThrow(/invalid/);
    expect(() => new LeaderEpochCache().assign(0, -1)).toThrow(/invalid/);
  });
});

describe("LeaderEpochCache.startOffsetOf", () => {
  it("answers where an epoch starts, or nothing for an epoch the replica never saw", () => {
    // Partition.maybeExpandIsr asks where the leader's own epoch starts (KIP-320: a follower rejoins only past it).
    const c = cacheOf([0, 0], [2, 5], [5, 9]);
    expect(c.startOffsetOf(0)).toBe(0);
    expect(c.startOffsetOf(2)).toBe(5);
    expect(c.startOffsetOf(5)).toBe(9);
    expect(c.startOffsetOf(3)).toBeUndefined();
    expect(new LeaderEpochCache().startOffsetOf(0)).toBeUndefined();
  });
});

describe("LeaderEpochCache.endOffsetFor (OffsetsForLeaderEpoch, KIP-101 / KIP-279)", () => {
  const cache = () => cacheOf([0, 0], [2, 5], [5, 9]);

  it("the latest epoch ends at the log end offset", () => {
    // shouldReturnLogEndOffsetIfLatestEpochRequested: the leader is still writing its latest epoch.
    expect(cache().endOffsetFor(5, 12)).toEqual({ epoch: 5, endOffset: 12 });
  });

  it("an older epoch ends where the next epoch starts", () => {
    // shouldGetFirstOffsetOfSubsequentEpochWhenOffsetRequestedForPreviousEpoch.
    expect(cache().endOffsetFor(0, 12)).toEqual({ epoch: 0, endOffset: 5 });
    expect(cache().endOffsetFor(2, 12)).toEqual({ epoch: 2, endOffset: 9 });
  });

  it("an epoch this replica never had answers the largest epoch below it and that epoch's end", () => {
    // shouldReturnNextAvailableEpochIfThereIsNoExactEpochForTheOneRequested: the follower then truncates to that
    // end and asks again with the epoch it was given (KIP-279).
    expect(cache().endOffsetFor(1, 12)).toEqual({ epoch: 0, endOffset: 5 });
    expect(cache().endOffsetFor(4, 12)).toEqual({ epoch: 2, endOffset: 9 });
  });

  it("an epoch below the first one answers that epoch with the first epoch's start", () => {
    // shouldReturnFirstEpochIfRequestedEpochLessThanFirstEpoch: the data before the first epoch is gone, so the
    // follower must truncate to where the leader's log starts having epochs. (Kafka's javadoc still says
    // UNDEFINED_EPOCH_OFFSET here; its code, and its test, answer (requested, first start).)
    const c = cacheOf([5, 11], [6, 12], [7, 13]);
    expect(c.endOffsetFor(4, 20)).toEqual({ epoch: 4, endOffset: 11 });
    expect(c.endOffsetFor(0, 20)).toEqual({ epoch: 0, endOffset: 11 });
  });

  it("an epoch above the latest is unknown", () => {
    // shouldReturnInvalidOffsetIfEpochIsRequestedWhichIsNotCurrentlyTracked: "this case should never be hit because
    // the latest cached epoch is always the largest".
    expect(cacheOf([2, 100]).endOffsetFor(3, 100)).toEqual(UNDEFINED);
    expect(cache().endOffsetFor(9, 12)).toEqual(UNDEFINED);
  });

  it("an undefined epoch, or an empty cache, is unknown", () => {
    // shouldReturnUnsupportedIfNoEpochRecorded / …AndUndefinedEpochRequested: a follower with no epochs falls back
    // to truncating to its high watermark.
    expect(cache().endOffsetFor(UNDEFINED_EPOCH, 12)).toEqual(UNDEFINED);
    expect(new LeaderEpochCache().endOffsetFor(0, 0)).toEqual(UNDEFINED);
    expect(new LeaderEpochCache().endOffsetFor(7, 5)).toEqual(UNDEFINED);
    expect(new LeaderEpochCache().endOffsetFor(UNDEFINED_EPOCH, 73)).toEqual(UNDEFINED);
  });

  it("a leader that wrote nothing in a run of epochs answers each of them from the same start", () => {
    // shouldIncreaseAndTrackEpochsAsLeadersChangeManyTimes: epochs 0 and 1 both start at 0 (nothing was written in
    // epoch 0), so epoch 0 is dropped and asking for it gives epoch 0 ending at 0.
    const c = cacheOf([0, 0], [1, 0]);
    expect(c.entries).toEqual([{ epoch: 1, startOffset: 0 }]);
    expect(c.endOffsetFor(1, 0)).toEqual({ epoch: 1, endOffset: 0 });
    expect(c.endOffsetFor(0, 0)).toEqual({ epoch: 0, endOffset: 0 });
  });
});

describe("LeaderEpochCache.truncateFromEnd (LeaderEpochFileCache.truncateFromEndAsyncFlush)", () => {
  it("drops the epochs that start at or after the truncation offset", () => {
    // shouldDropEntriesOnEpochBoundaryWhenRemovingLatestEntries: truncating at 8, where epoch 3 starts.
    const c = cacheOf([2, 6], [3, 8], [4, 11]);
    c.truncateFromEnd(8);
    expect(c.entries).toEqual([{ epoch: 2, startOffset: 6 }]);
  });

  it("keeps an epoch that starts below the truncation offset", () => {
    // shouldDropEntriesBetweenEpochBoundaryWhenRemovingNewest: truncating at 9, inside epoch 3.
    const c = cacheOf([2, 6], [3, 8], [4, 11]);
    c.truncateFromEnd(9);
    expect(c.entries).toEqual([
      { epoch: 2, startOffset: 6 },
      { epoch: 3, startOffset: 8 },
    ]);
    expect(c.latestEpoch()).toBe(3);
  });

  it("truncating at or below the first epoch's start clears the cache; on an empty cache it does nothing", () => {
    // shouldClearAllEntries / shouldClearLatestOnEmptyCache.
    const c = cacheOf([2, 6], [3, 8]);
    c.truncateFromEnd(0);
    expect(c.entries).toEqual([]);
    c.truncateFromEnd(0);
    expect(c.entries).toEqual([]);
  });
});

describe("LeaderEpochCache.clone", () => {
  it("is a copy: changing one leaves the other as it was", () => {
    // PartitionLog keeps a clone as the fsynced state of the cache (the leader-epoch-checkpoint file).
    const c = cacheOf([0, 0], [1, 4]);
    const copy = c.clone();
    c.assign(2, 8);
    c.entries[0].startOffset = 99;
    expect(copy.entries).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 4 },
    ]);
  });
});

describe("LeaderEpochCache.truncateFromStart (LeaderEpochFileCache.truncateFromStartAsyncFlush)", () => {
  it("a log start between two epochs' starts: the epochs wholly below go, and the one covering it starts there", () => {
    // shouldUpdateSavedOffsetWhenOffsetToClearToIsBetweenEpochs: entries starting at or before the new log start are
    // removed, and the last of them comes back with the log start as its start offset.
    const c = cacheOf([2, 6], [3, 8], [4, 11]);
    c.truncateFromStart(9);
    expect(c.entries).toEqual([
      { epoch: 3, startOffset: 9 },
      { epoch: 4, startOffset: 11 },
    ]);
  });

  it("a log start exactly at an epoch's start keeps that epoch as it is and drops those before it", () => {
    // shouldUpdateSavedOffsetWhenOffsetToClearToIsAnEpochBoundary... the entry at 8 is removed and put back at 8.
    const c = cacheOf([2, 6], [3, 8], [4, 11]);
    c.truncateFromStart(8);
    expect(c.entries).toEqual([
      { epoch: 3, startOffset: 8 },
      { epoch: 4, startOffset: 11 },
    ]);
  });

  it("a log start below the first epoch's start changes nothing", () => {
    // shouldNotClearAnythingIfOffsetToEarly.
    const c = cacheOf([2, 6], [3, 8], [4, 11]);
    c.truncateFromStart(5);
    expect(c.entries).toEqual([
      { epoch: 2, startOffset: 6 },
      { epoch: 3, startOffset: 8 },
      { epoch: 4, startOffset: 11 },
    ]);
  });

  it("a log start past every epoch's start keeps only the latest epoch, starting at the log start", () => {
    // shouldRetainLatestEpochOnClearAllEarliestAndUpdateItsOffset.
    const c = cacheOf([2, 6], [3, 8], [4, 11]);
    c.truncateFromStart(15);
    expect(c.entries).toEqual([{ epoch: 4, startOffset: 15 }]);
  });

  it("on an empty cache it does nothing", () => {
    // shouldClearEarliestOnEmptyCache.
    const c = new LeaderEpochCache();
    c.truncateFromStart(7);
    expect(c.entries).toEqual([]);
  });

  it("a clone taken before is left as it was, and the epoch before the covering one still ends where it did", () => {
    const c = cacheOf([2, 6], [3, 8]);
    const before = c.clone();
    c.truncateFromStart(7);
    expect(before.entries).toEqual([
      { epoch: 2, startOffset: 6 },
      { epoch: 3, startOffset: 8 },
    ]);
    expect(c.endOffsetFor(2, 20)).toEqual({ epoch: 2, endOffset: 8 });
  });
});
