import { describe, expect, it } from "vitest";
import { BlockDevice, CHUNK_BYTES } from "../../src/sim/index.js";

/**
 * The page cache over a disk (src/sim/pageCache.ts): files of positions cached in chunks of CHUNK_BYTES, LRU with
 * clean chunks evicted first, misses read from the disk. Each write below fills one chunk (positions 10 apiece).
 */
describe("PageCache", () => {
  // 100 MB/s both ways, 1 ms an access; the cache holds `chunks` chunks; a dirty limit that never throttles.
  const device = (chunks: number) => new BlockDevice({ writeBytesPerSec: 100e6, fsyncUs: 0, dirtyLimitBytes: 1e12, readBytesPerSec: 100e6, readAccessUs: 1000, cacheBytes: chunks * CHUNK_BYTES });
  const chunkUs = (CHUNK_BYTES * 1e6) / 100e6;

  it("what was written is read from the cache: no disk time, every byte a hit", () => {
    const d = device(4);
    const f = d.cache.file("t-0");
    f.append(0, 0, 10, CHUNK_BYTES);
    const r = f.read(5_000_000, 0, 10, CHUNK_BYTES);
    expect(r).toEqual({ waitUs: 0, hitBytes: CHUNK_BYTES, missBytes: 0 });
    expect(d.countersAt(5_000_000).bytesRead).toBe(0);
  });

  it("evicts the least recently used chunk: a chunk read again outlives one written after it", () => {
    const d = device(2);
    const a = d.cache.file("a");
    const b = d.cache.file("b");
    a.append(0, 0, 10, CHUNK_BYTES);
    b.append(10_000, 0, 10, CHUNK_BYTES);
    // Both written back by 1 s; a is read again, so b is now the least recently used.
    a.read(1_000_000, 0, 10, CHUNK_BYTES);
    d.cache.file("c").append(1_000_000, 0, 10, CHUNK_BYTES);
    expect(d.cache.isCached("a", 0)).toBe(true);
    expect(d.cache.isCached("b", 0)).toBe(false);
    expect(d.cache.isCached("c", 0)).toBe(true);
    expect(d.cache.counters.evictedBytes).toBe(CHUNK_BYTES);
  });

  it("evicts clean chunks first: with every chunk dirty the cache holds more for a while", () => {
    const d = device(2);
    // At 0 nothing is written back yet: a, b and c are dirty, and c cannot evict anything.
    d.cache.file("a").append(0, 0, 10, CHUNK_BYTES);
    d.cache.file("b").append(0, 0, 10, CHUNK_BYTES);
    d.cache.file("c").append(0, 0, 10, CHUNK_BYTES);
    expect(d.dirtyBytes(0)).toBe(3 * CHUNK_BYTES);
    expect(d.cache.cachedBytes).toBe(3 * CHUNK_BYTES);
    // Once two chunks' worth is written back (a's and b's, the oldest writes), a new chunk evicts them, not c.
    d.cache.file("e").append(Math.ceil(2 * chunkUs) + 1, 0, 10, CHUNK_BYTES);
    expect(d.cache.isCached("a", 0)).toBe(false);
    expect(d.cache.isCached("b", 0)).toBe(false);
    expect(d.cache.isCached("c", 0)).toBe(true);
    expect(d.cache.isCached("e", 0)).toBe(true);
  });

  it("a dirty chunk is skipped for an older-used clean one", () => {
    const d = device(2);
    const old = d.cache.file("old");
    old.append(0, 0, 10, CHUNK_BYTES);
    // Written back by 1 s: clean. Then "hot" is written at 1 s (dirty) and "old" is read after it (most recently used).
    d.cache.file("hot").append(1_000_000, 0, 10, CHUNK_BYTES);
    old.read(1_000_000, 0, 10, CHUNK_BYTES);
    // At the same instant a third chunk: the least recently used is "hot", but it is dirty, so "old" goes.
    d.cache.file("new").append(1_000_000, 0, 10, CHUNK_BYTES);
    expect(d.cache.isCached("hot", 0)).toBe(true);
    expect(d.cache.isCached("old", 0)).toBe(false);
  });

  it("a miss reads whole chunks from the disk, one access per run of missing chunks, and caches them", () => {
    const d = device(2);
    const f = d.cache.file("t-0");
    for (let k = 0; k < 4; k++) f.append(k * 10_000, k * 10, k * 10 + 10, CHUNK_BYTES);
    // Chunks 0 and 1 were evicted (LRU), 2 and 3 are cached. A read of positions 5-25 misses 0 and 1 (one run)
    // and hits 2: one access + two chunks at 100 MB/s.
    const r = f.read(1_000_000, 5, 25, 20_000);
    expect(r.waitUs).toBeCloseTo(1000 + 2 * chunkUs, 6);
    expect(r.missBytes).toBeCloseTo(15_000, 6);
    expect(r.hitBytes).toBeCloseTo(5_000, 6);
    expect(d.cache.counters.diskReads).toBe(1);
    expect(d.cache.counters.diskReadBytes).toBe(2 * CHUNK_BYTES);
    // Read again: cached now.
    expect(f.read(2_000_000, 5, 20, 15_000).waitUs).toBe(0);
  });

  it("two reads queue on the disk, and an fsync waits behind them", () => {
    const d = device(1);
    const f = d.cache.file("t-0");
    // Each written back before the next comes: only chunk 2 is cached.
    f.append(0, 0, 10, CHUNK_BYTES);
    f.append(10_000, 10, 20, CHUNK_BYTES);
    f.append(20_000, 20, 30, CHUNK_BYTES);
    expect(d.cache.isCached("t-0", 25)).toBe(true);
    expect(d.cache.isCached("t-0", 15)).toBe(false);
    // Two readers at the same instant: the second waits for the first.
    const first = f.read(1_000_000, 0, 10, 100).waitUs;
    const second = f.read(1_000_000, 10, 20, 100).waitUs;
    expect(first).toBeCloseTo(1000 + chunkUs, 6);
    expect(second).toBeCloseTo(2 * (1000 + chunkUs), 6);
    expect(d.fsync(1_000_000, 0)).toBeCloseTo(second, 6);
  });

  it("the write-back waits while the disk reads", () => {
    const d = device(1);
    const f = d.cache.file("t-0");
    f.append(0, 0, 10, CHUNK_BYTES);
    f.append(10_000, 10, 20, CHUNK_BYTES);
    // A read of chunk 0 at 1 s takes 1000 µs + chunkUs; 100 kB written meanwhile stays dirty until it ends.
    const us = f.read(1_000_000, 0, 10, 100).waitUs;
    d.cache.file("w").append(1_000_000, 0, 10, 100_000);
    expect(d.dirtyBytes(1_000_000 + us)).toBe(100_000);
    expect(d.dirtyBytes(1_000_000 + us + 500)).toBeCloseTo(50_000, 6);
  });

  it("positions dropped (a log's start moved) or truncated leave the cache", () => {
    const d = device(8);
    const f = d.cache.file("t-0");
    for (let k = 0; k < 4; k++) f.append(0, k * 10, k * 10 + 10, CHUNK_BYTES);
    f.dropBefore(20);
    expect(d.cache.cachedBytes).toBe(2 * CHUNK_BYTES);
    // An append below the end (a follower's truncation) drops what is past it first.
    f.append(0, 30, 35, 1000);
    expect(d.cache.cachedBytes).toBe(CHUNK_BYTES + 1000);
    expect(d.cache.isCached("t-0", 33)).toBe(true);
    expect(d.cache.isCached("t-0", 37)).toBe(false);
  });

  it("refuses a cache of no size", () => {
    expect(() => new BlockDevice({ writeBytesPerSec: 1, fsyncUs: 0, dirtyLimitBytes: 1, cacheBytes: 0 })).toThrow(/page cache's size/);
    expect(() => new BlockDevice({ writeBytesPerSec: 1, fsyncUs: 0, dirtyLimitBytes: 1, readBytesPerSec: 0 })).toThrow(/read bandwidth/);
  });
});
