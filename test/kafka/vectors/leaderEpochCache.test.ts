import { describe, expect, it } from "vitest";
import { LeaderEpochCache, UNDEFINED_EPOCH, UNDEFINED_OFFSET } from "../../../src/kafka/log/leaderEpochCache.js";

// Vectors from Kafka's core/src/test/scala/unit/kafka/server/epoch/LeaderEpochFileCacheTest.scala
// (truncateFromEndAsyncFlush / truncateFromStartAsyncFlush are kafkasim's truncateFromEnd / truncateFromStart).

const UNDEFINED: [number, number] = [UNDEFINED_EPOCH, UNDEFINED_OFFSET];

function cacheOf(...entries: [number, number][]): LeaderEpochCache {
  const c = new LeaderEpochCache();
  for (const [epoch, start] of entries) c.assign(epoch, start);
  return c;
}
const endOffsetFor = (c: LeaderEpochCache, epoch: number, logEndOffset: number): [number, number] => {
  const r = c.endOffsetFor(epoch, logEndOffset);
  return [r.epoch, r.endOffset];
};
const entries = (c: LeaderEpochCache) => c.entries.map((e): [number, number] => [e.epoch, e.startOffset]);

describe("LeaderEpochFileCacheTest", () => {
  it("shouldAddEpochAndMessageOffsetToCache", () => {
    const c = cacheOf([2, 10]);
    expect(c.latestEpoch()).toBe(2);
    expect(entries(c)).toEqual([[2, 10]]);
    expect(endOffsetFor(c, 2, 11)).toEqual([2, 11]);
  });

  it("shouldReturnLogEndOffsetIfLatestEpochRequested", () => {
    expect(endOffsetFor(cacheOf([2, 11], [2, 12]), 2, 14)).toEqual([2, 14]);
  });

  it("shouldReturnUndefinedOffsetIfUndefinedEpochRequested", () => {
    expect(endOffsetFor(cacheOf([2, 11], [3, 12]), UNDEFINED_EPOCH, 0)).toEqual(UNDEFINED);
  });

  it("shouldNotOverwriteLogEndOffsetForALeaderEpochOnceItHasBeenAssigned / shouldNotOverwriteOffsetForALeaderEpochOnceItHasBeenAssigned / shouldNotUpdateEpochAndStartOffsetIfItDidNotChange", () => {
    expect(entries(cacheOf([2, 9], [2, 10]))).toEqual([[2, 9]]);
    expect(entries(cacheOf([2, 6], [2, 10]))).toEqual([[2, 6]]);
    expect(entries(cacheOf([2, 6], [2, 7]))).toEqual([[2, 6]]);
  });

  it("shouldEnforceMonotonicallyIncreasingStartOffsets", () => {
    expect(entries(cacheOf([2, 9], [3, 9]))).toEqual([[3, 9]]);
  });

  it("shouldReturnUnsupportedIfNoEpochRecorded / ...AndUndefinedEpochRequested / shouldFetchEndOffsetOfEmptyCache", () => {
    expect(endOffsetFor(new LeaderEpochCache(), 0, 0)).toEqual(UNDEFINED);
    expect(endOffsetFor(new LeaderEpochCache(), UNDEFINED_EPOCH, 73)).toEqual(UNDEFINED);
    expect(endOffsetFor(new LeaderEpochCache(), 7, 0)).toEqual(UNDEFINED);
    expect(new LeaderEpochCache().latestEpoch()).toBe(UNDEFINED_EPOCH); // shouldFetchLatestEpochOfEmptyCache
  });

  it("shouldReturnFirstEpochIfRequestedEpochLessThanFirstEpoch", () => {
    expect(endOffsetFor(cacheOf([5, 11], [6, 12], [7, 13]), 4, 0)).toEqual([4, 11]);
  });

  it("shouldTruncateIfMatchingEpochButEarlierStartingOffset", () => {
    const c = cacheOf([5, 11], [6, 12], [7, 13], [7, 12]);
    expect(endOffsetFor(c, 5, 0)).toEqual([5, 12]);
    expect(endOffsetFor(c, 6, 0)).toEqual([5, 12]);
  });

  it("shouldGetFirstOffsetOfSubsequentEpochWhenOffsetRequestedForPreviousEpoch", () => {
    expect(endOffsetFor(cacheOf([1, 11], [1, 12], [2, 13], [2, 14], [3, 15], [3, 16]), 2, 17)).toEqual([2, 15]);
  });

  it("shouldReturnNextAvailableEpochIfThereIsNoExactEpochForTheOneRequested", () => {
    const c = cacheOf([0, 10], [2, 13], [4, 17]);
    expect(endOffsetFor(c, 1, 0)).toEqual([0, 13]);
    expect(endOffsetFor(c, 2, 0)).toEqual([2, 17]);
    expect(endOffsetFor(c, 3, 0)).toEqual([2, 17]);
  });

  it("shouldReturnInvalidOffsetIfEpochIsRequestedWhichIsNotCurrentlyTracked", () => {
    expect(endOffsetFor(cacheOf([2, 100]), 3, 100)).toEqual(UNDEFINED);
  });

  it("shouldSupportEpochsThatDoNotStartFromZero", () => {
    const c = cacheOf([2, 6]);
    expect(endOffsetFor(c, 2, 7)).toEqual([2, 7]);
    expect(entries(c)).toEqual([[2, 6]]);
  });

  it("shouldEnforceMonotonicallyIncreasingEpochs: an older epoch at a later offset drops the newer epochs", () => {
    const c = cacheOf([1, 5], [2, 6], [1, 7]);
    expect(c.latestEpoch()).toBe(1);
    expect(endOffsetFor(c, 1, 8)).toEqual([1, 8]);
    expect(endOffsetFor(c, 2, 8)).toEqual(UNDEFINED);
    expect(entries(c)[0]).toEqual([1, 7]);
  });

  it("shouldEnforceOffsetsIncreaseMonotonically", () => {
    expect(entries(cacheOf([2, 6], [3, 5]))[0]).toEqual([3, 5]);
  });

  it("shouldIncreaseAndTrackEpochsAsLeadersChangeManyTimes", () => {
    const c = cacheOf([0, 0], [1, 0]);
    expect(c.latestEpoch()).toBe(1);
    expect(endOffsetFor(c, 1, 0)).toEqual([1, 0]);
    expect(endOffsetFor(c, 0, 0)).toEqual([0, 0]);
    expect(endOffsetFor(c, 1, 5)).toEqual([1, 5]);
    expect(endOffsetFor(c, 0, 5)).toEqual([0, 0]);
    c.assign(2, 5);
    expect(endOffsetFor(c, 2, 10)).toEqual([2, 10]);
    expect(endOffsetFor(c, 1, 10)).toEqual([1, 5]);
    expect(endOffsetFor(c, 0, 10)).toEqual([0, 0]);
  });

  it("shouldIncreaseAndTrackEpochsAsFollowerReceivesManyMessages", () => {
    const c = cacheOf([0, 0], [0, 1], [0, 2]);
    expect(endOffsetFor(c, 0, 3)).toEqual([0, 3]);
    for (const o of [3, 4, 5]) c.assign(1, o);
    expect(endOffsetFor(c, 1, 6)).toEqual([1, 6]);
    for (const o of [6, 7, 8]) c.assign(2, o);
    expect(c.latestEpoch()).toBe(2);
    expect(endOffsetFor(c, 2, 9)).toEqual([2, 9]);
    expect(endOffsetFor(c, 0, 9)).toEqual([0, 3]);
    expect(endOffsetFor(c, 1, 9)).toEqual([1, 6]);
  });

  describe("truncation", () => {
    const three = () => cacheOf([2, 6], [3, 8], [4, 11]);
    const fromEnd = (o: number) => {
      const c = three();
      c.truncateFromEnd(o);
      return entries(c);
    };
    const fromStart = (o: number) => {
      const c = three();
      c.truncateFromStart(o);
      return entries(c);
    };
    it("shouldDropEntriesOnEpochBoundaryWhenRemovingLatestEntries", () => expect(fromEnd(8)).toEqual([[2, 6]]));
    it("shouldDropEntriesBetweenEpochBoundaryWhenRemovingNewest", () => expect(fromEnd(9)).toEqual([[2, 6], [3, 8]]));
    it("shouldPreserveResetOffsetOnClearEarliestIfOneExists", () => expect(fromStart(8)).toEqual([[3, 8], [4, 11]]));
    it("shouldUpdateSavedOffsetWhenOffsetToClearToIsBetweenEpochs / shouldUpdateOffsetBetweenEpochBoundariesOnClearEarliest", () => expect(fromStart(9)).toEqual([[3, 9], [4, 11]]));
    it("shouldNotClearAnythingIfOffsetToEarly", () => expect(fromStart(1)).toEqual([[2, 6], [3, 8], [4, 11]]));
    it("shouldNotClearAnythingIfOffsetToFirstOffset", () => expect(fromStart(6)).toEqual([[2, 6], [3, 8], [4, 11]]));
    it("shouldRetainLatestEpochOnClearAllEarliest", () => expect(fromStart(11)).toEqual([[4, 11]]));
    it("shouldRetainLatestEpochOnClearAllEarliestAndUpdateItsOffset", () => expect(fromStart(15)).toEqual([[4, 15]]));
    it("shouldUpdateOffsetBetweenEpochBoundariesOnClearEarliest2", () => {
      const c = cacheOf([0, 0], [1, 7], [2, 10]);
      c.truncateFromStart(5);
      expect(entries(c)).toEqual([[0, 5], [1, 7], [2, 10]]);
    });
    it("shouldNotResetEpochHistoryHeadIfUndefinedPassed", () => expect(fromStart(UNDEFINED_OFFSET)).toHaveLength(3));
    it("shouldNotResetEpochHistoryTailIfUndefinedPassed", () => expect(fromEnd(UNDEFINED_OFFSET)).toHaveLength(3));
    it("shouldClearEarliestOnEmptyCache / shouldClearLatestOnEmptyCache", () => {
      const c = new LeaderEpochCache();
      c.truncateFromStart(7);
      c.truncateFromEnd(7);
      expect(entries(c)).toEqual([]);
    });
  });
});
