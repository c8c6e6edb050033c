/**
 * A host's page cache over the files on one disk, in virtual time, with no event of its own (Linux's page cache,
 * simply): what files hold is cached in chunks; a write puts its bytes in the cache (dirty until the disk's write-back
 * or an fsync has written them, see blockDevice.ts); a read finds its chunks there (a hit, no disk time) or not (a
 * miss: the chunks are read from the disk, at one access per run of missing chunks plus their bytes at the read
 * bandwidth, and enter the cache). The cache holds at most `capacityBytes`: the least recently used chunk goes first,
 * clean chunks only (a dirty page cannot be dropped before it is written back). Generic: a file is an append-only
 * sequence of positions in its owner's unit (Kafka: offsets), each chunk covering a range of them and its bytes.
 * Simplified: one LRU list (Linux keeps an active and an inactive list, so a page read twice outlives a one-time
 * scan; here a scan evicts everything older); a chunk of ~`CHUNK_BYTES` (Linux's default readahead window,
 * `read_ahead_kb` 128) is cached or not as a whole, and a miss reads all of it (readahead); write-back cleans pages in
 * the order they were written (an fsync of one file cleans the oldest dirty pages' count instead of that file's);
 * the pages of a file deleted or truncated leave the cache when the owner says (a log's start moved, its end
 * truncated), otherwise as they age out; a chunk read by two readers at once costs the first only.
 */
export interface PageCacheCounters {
  /** Bytes readers asked for that were in the cache, and that were not (both as the readers counted them). */
  hitBytes: number;
  missBytes: number;
  /** Bytes read from the disk (whole chunks), disk reads (runs of missing chunks) and their µs on the disk. */
  diskReadBytes: number;
  diskReads: number;
  /** µs from each read's call to its end (its wait behind earlier reads and fsyncs included), summed. */
  readWaitUs: number;
  /** Bytes evicted (clean chunks dropped to make room). */
  evictedBytes: number;
}

/** What a read cost: the µs the reader waits (0 on a hit) and the bytes it found and missed. */
export interface PageCacheRead {
  waitUs: number;
  hitBytes: number;
  missBytes: number;
}

/** How a page cache reaches its disk: writes, dirty bytes now, and a read of `bytes` in `accesses` positionings. */
export interface PageCacheDevice {
  /** A write of `bytes` into the page cache at `nowUs`; returns the µs the writer is throttled first. */
  write(nowUs: number, bytes: number): number;
  /** Dirty bytes in the page cache at `nowUs` (what the write-back has not written yet). */
  dirtyBytes(nowUs: number): number;
  /** Queues a read on the disk at `nowUs`; returns the µs from `nowUs` to its end. */
  read(nowUs: number, bytes: number, accesses: number): number;
}

/** Bytes a chunk fills before the next write starts a new one: Linux's default readahead window (128 KiB). */
export const CHUNK_BYTES = 128 * 1024;

/** A range of a file's positions [start, end) and its bytes, cached or not. */
interface Chunk {
  start: number;
  end: number;
  bytes: number;
  resident: boolean;
  /** The cache's written-bytes count at the end of this chunk's last write (dirty while the write-back is behind it). */
  writtenMark: number;
}

/** One file's chunks in position order. */
export class CachedFile {
  /** @internal */
  readonly chunks: Chunk[] = [];
  constructor(private readonly cache: PageCache) {}

  /**
   * Bytes written at positions [start, end) at `nowUs` (appended at the end: positions at or past `start` already
   * there are truncated away first): dirty in the cache until written back. Returns the µs the writer is throttled
   * on the dirty limit first (0 while the dirty bytes stay within it; BlockDevice.write).
   */
  append(nowUs: number, start: number, end: number, bytes: number): number {
    const throttledUs = this.cache.device.write(nowUs, bytes);
    this.truncateFrom(start);
    const last = this.chunks[this.chunks.length - 1];
    let c: Chunk;
    if (last && last.resident && last.end === start && last.bytes < CHUNK_BYTES) {
      c = last;
      c.end = end;
      c.bytes += bytes;
    } else {
      c = { start, end, bytes, resident: false, writtenMark: 0 };
      this.chunks.push(c);
    }
    this.cache.written(nowUs, c, bytes);
    return throttledUs;
  }

  /** Positions below `start` are gone (a log's start moved past them): their chunks leave the cache. */
  dropBefore(start: number): void {
    let n = 0;
    while (n < this.chunks.length && this.chunks[n].end <= start) this.cache.forget(this.chunks[n++]);
    if (n > 0) this.chunks.splice(0, n);
  }

  /** Positions at or past `start` are gone (a truncation): their chunks leave the cache. */
  truncateFrom(start: number): void {
    let n = this.chunks.length;
    while (n > 0 && this.chunks[n - 1].end > start) this.cache.forget(this.chunks[--n]);
    if (n < this.chunks.length) this.chunks.length = n;
  }

  /**
   * A read at `nowUs` of positions [start, end), `bytes` in all: the chunks it touches become the most recently used;
   * missing ones are read from the disk (one access per run of them) and enter the cache. The bytes asked for are
   * split between hits and misses by the positions each covers. Positions the file does not hold cost nothing.
   */
  read(nowUs: number, start: number, end: number, bytes: number): PageCacheRead {
    const cs = this.chunks;
    let lo = 0;
    let hi = cs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cs[mid].end <= start) lo = mid + 1;
      else hi = mid;
    }
    let missPositions = 0;
    let diskBytes = 0;
    let accesses = 0;
    let inRun = false;
    const missed: Chunk[] = [];
    for (let k = lo; k < cs.length && cs[k].start < end; k++) {
      const c = cs[k];
      if (c.resident) {
        inRun = false;
        this.cache.touch(c);
        continue;
      }
      missPositions += Math.min(end, c.end) - Math.max(start, c.start);
      diskBytes += c.bytes;
      if (!inRun) accesses++;
      inRun = true;
      missed.push(c);
    }
    const span = end - start;
    const missBytes = span > 0 ? (bytes * missPositions) / span : 0;
    const waitUs = missed.length > 0 ? this.cache.readFromDisk(nowUs, missed, diskBytes, accesses) : 0;
    this.cache.counted(bytes - missBytes, missBytes, waitUs);
    return { waitUs, hitBytes: bytes - missBytes, missBytes };
  }
}

/**
 * The page cache of one host's disk (see the file's comment): files by name, their chunks in one LRU order (a Set's
 * insertion order: deterministic), and the counters of its reads.
 */
export class PageCache {
  private readonly files = new Map<string, CachedFile>();
  /** Resident chunks, least recently used first. */
  private readonly lru = new Set<Chunk>();
  private residentBytes = 0;
  /** Bytes ever written into the cache (the write-back's order: a chunk is clean once it is this far behind the dirty bytes). */
  private writtenBytes = 0;
  readonly counters: PageCacheCounters = { hitBytes: 0, missBytes: 0, diskReadBytes: 0, diskReads: 0, readWaitUs: 0, evictedBytes: 0 };

  constructor(
    /** Bytes the cache may hold (> 0; Infinity: never evicts). */
    readonly capacityBytes: number,
    /** @internal */
    readonly device: PageCacheDevice,
  ) {
    if (!(capacityBytes > 0)) throw new Error(`a page cache's size must be > 0 bytes, got ${capacityBytes}`);
  }

  /** The file named `name`, opened (empty, nothing cached) on first use. */
  file(name: string): CachedFile {
    let f = this.files.get(name);
    if (!f) this.files.set(name, (f = new CachedFile(this)));
    return f;
  }

  /** Bytes cached now. */
  get cachedBytes(): number {
    return this.residentBytes;
  }

  /** Whether the file's chunk holding `position` is cached (for tests and figures). */
  isCached(name: string, position: number): boolean {
    const c = this.files.get(name)?.chunks.find((x) => x.start <= position && position < x.end);
    return c?.resident ?? false;
  }

  /** @internal A write of `bytes` into chunk `c` at `nowUs`: it is resident, dirty and the most recently used. */
  written(nowUs: number, c: Chunk, bytes: number): void {
    this.writtenBytes += bytes;
    c.writtenMark = this.writtenBytes;
    if (c.resident) {
      this.residentBytes += bytes;
      this.lru.delete(c);
    } else {
      c.resident = true;
      this.residentBytes += c.bytes;
    }
    this.lru.add(c);
    this.evict(nowUs);
  }

  /** @internal Chunk `c` was used: the most recently used now. */
  touch(c: Chunk): void {
    this.lru.delete(c);
    this.lru.add(c);
  }

  /** @internal Chunk `c`'s positions are gone from its file: out of the cache. */
  forget(c: Chunk): void {
    if (!c.resident) return;
    c.resident = false;
    this.residentBytes -= c.bytes;
    this.lru.delete(c);
  }

  /** @internal The missing chunks are read from the disk (`accesses` positionings) and enter the cache. */
  readFromDisk(nowUs: number, missed: Chunk[], bytes: number, accesses: number): number {
    const waitUs = this.device.read(nowUs, bytes, accesses);
    this.counters.diskReadBytes += bytes;
    this.counters.diskReads += accesses;
    for (const c of missed) {
      c.resident = true;
      // Read from the disk: clean.
      c.writtenMark = -Infinity;
      this.residentBytes += c.bytes;
      this.lru.add(c);
    }
    this.evict(nowUs);
    return waitUs;
  }

  /** @internal A read's bytes found and missed, and its wait. */
  counted(hitBytes: number, missBytes: number, waitUs: number): void {
    this.counters.hitBytes += hitBytes;
    this.counters.missBytes += missBytes;
    this.counters.readWaitUs += waitUs;
  }

  /**
   * Drops the least recently used clean chunks until the cache fits its size. Dirty chunks stay (they cannot be
   * dropped before the write-back has written them); with nothing clean left the cache holds more for a while.
   */
  private evict(nowUs: number): void {
    if (this.residentBytes <= this.capacityBytes) return;
    // Chunks whose last write ends within the newest `dirty` bytes written are dirty (write-back in write order).
    const cleanUpTo = this.writtenBytes - this.device.dirtyBytes(nowUs);
    for (const c of this.lru) {
      if (this.residentBytes <= this.capacityBytes) break;
      if (c.writtenMark > cleanUpTo) continue;
      this.lru.delete(c);
      c.resident = false;
      this.residentBytes -= c.bytes;
      this.counters.evictedBytes += c.bytes;
    }
  }
}
