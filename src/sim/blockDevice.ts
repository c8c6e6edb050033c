import { PageCache } from "./pageCache.js";

/**
 * A host's disk behind the operating system's page cache, in virtual time, with no event of its own: writes land in
 * the page cache as dirty bytes, which the kernel writes back in the background at the disk's sequential write
 * bandwidth (a fluid drain, computed when the device is next touched); a writer that would take the dirty bytes past
 * the dirty limit is throttled (it waits until the write-back has made room, as Linux's `balance_dirty_pages` makes a
 * writer sleep past `vm.dirty_ratio`); an fsync writes the file's own dirty bytes at the bandwidth and then pays a
 * fixed latency (the device's cache flush and the file system's journal commit), fsyncs one after another. A read
 * that missed the page cache (`cache`, pageCache.ts) pays one access latency per positioning (an HDD's seek and
 * half a revolution) plus its bytes at the read bandwidth; reads and fsyncs queue one after another (synchronous
 * I/O), and the write-back writes only while no read is running (Linux's I/O schedulers dispatch reads before
 * background writes: mq-deadline's `read_expire` 500 ms against `write_expire` 5 s).
 * Generic: the engine knows files only by the dirty bytes their owner says they hold.
 * Simplified: the write-back runs whenever there are dirty bytes (Linux waits for `vm.dirty_background_ratio` or
 * for pages older than `dirty_expire_centisecs`), in parallel with fsyncs (a device with several queues, as NVMe has;
 * the busy share is capped at 100 %), and throttling is a hard limit (Linux slows writers gradually from halfway
 * between the background and the dirty limit); a throttled writer's wait counts the write bandwidth, not the reads
 * queued after it.
 */
export interface BlockDeviceSettings {
  /** Sequential write bandwidth, bytes per second of simulated time (> 0). */
  writeBytesPerSec: number;
  /** Fixed µs of one fsync beyond writing its dirty bytes (≥ 0). */
  fsyncUs: number;
  /** Dirty bytes in the page cache past which writers are throttled (> 0): the dirty ratio × the memory. */
  dirtyLimitBytes: number;
  /** Sequential read bandwidth, bytes per second (> 0; absent: reads take no transfer time). */
  readBytesPerSec?: number;
  /** Fixed µs of one read access (positioning: an HDD's seek plus half a revolution; an SSD's page read), ≥ 0. */
  readAccessUs?: number;
  /** Bytes the page cache may hold (> 0; absent: everything stays cached, no read ever misses). */
  cacheBytes?: number;
}

/** What a device did over a run (all in the units their names say). */
export interface BlockDeviceCounters {
  /** Bytes written to the disk, by write-back and by fsyncs. */
  bytesWritten: number;
  /** µs the disk was writing, flushing or reading (may overlap: see the utilisation's cap). */
  busyUs: number;
  fsyncs: number;
  /** µs from each fsync's call to its end (its wait behind earlier fsyncs included), summed. */
  fsyncTotalUs: number;
  /** µs writers were throttled on the dirty limit, summed over writes; and how many writes waited. */
  throttledUs: number;
  throttledWrites: number;
  /** Bytes read from the disk (page cache misses) and the µs the disk spent reading them. */
  bytesRead: number;
  readUs: number;
}

export class BlockDevice {
  /** Dirty bytes in the page cache as of `atUs` (may exceed the limit: the excess is what throttled writers wait out). */
  private dirty = 0;
  private atUs = 0;
  /** When (µs) the last fsync or read queued ends (synchronous I/O, one after another). */
  private fsyncFreeUs = 0;
  /** Reads queued or running, as [start, end) µs pairs in order: the write-back waits while they run. */
  private readonly readsUs: number[] = [];
  readonly counters: BlockDeviceCounters = { bytesWritten: 0, busyUs: 0, fsyncs: 0, fsyncTotalUs: 0, throttledUs: 0, throttledWrites: 0, bytesRead: 0, readUs: 0 };
  /** The host's page cache over this disk (pageCache.ts): what readers find without the disk. */
  readonly cache: PageCache;

  constructor(readonly settings: BlockDeviceSettings) {
    if (!(settings.writeBytesPerSec > 0)) throw new Error(`a disk's write bandwidth must be > 0 bytes/s, got ${settings.writeBytesPerSec}`);
    if (!(settings.fsyncUs >= 0)) throw new Error(`a disk's fsync latency must be >= 0 µs, got ${settings.fsyncUs}`);
    if (!(settings.dirtyLimitBytes > 0)) throw new Error(`a page cache's dirty limit must be > 0 bytes, got ${settings.dirtyLimitBytes}`);
    if (settings.readBytesPerSec !== undefined && !(settings.readBytesPerSec > 0)) throw new Error(`a disk's read bandwidth must be > 0 bytes/s, got ${settings.readBytesPerSec}`);
    if (settings.readAccessUs !== undefined && !(settings.readAccessUs >= 0)) throw new Error(`a disk's read access latency must be >= 0 µs, got ${settings.readAccessUs}`);
    this.cache = new PageCache(settings.cacheBytes ?? Infinity, this);
  }

  private usFor(bytes: number): number {
    return (bytes * 1e6) / this.settings.writeBytesPerSec;
  }

  /** The background write-back up to `nowUs`: dirty bytes drain at the bandwidth while no read runs. */
  private drain(nowUs: number): void {
    if (nowUs <= this.atUs) return;
    const w = Math.min(this.dirty, ((nowUs - this.atUs - this.readingUs(this.atUs, nowUs)) * this.settings.writeBytesPerSec) / 1e6);
    this.dirty -= w;
    this.counters.bytesWritten += w;
    this.counters.busyUs += this.usFor(w);
    this.atUs = nowUs;
  }

  /** µs of [fromUs, toUs) the disk spends reading; reads ended by `toUs` are forgotten. */
  private readingUs(fromUs: number, toUs: number): number {
    const r = this.readsUs;
    if (r.length === 0) return 0;
    let us = 0;
    let done = 0;
    for (let k = 0; k < r.length; k += 2) {
      const start = r[k];
      const end = r[k + 1];
      if (start >= toUs) break;
      us += Math.max(0, Math.min(end, toUs) - Math.max(start, fromUs));
      if (end <= toUs) done = k + 2;
    }
    if (done > 0) r.splice(0, done);
    return us;
  }

  /**
   * A read at `nowUs` of `bytes` from the disk in `accesses` positionings (a page cache miss): `accesses` × the access
   * latency plus the bytes at the read bandwidth, after any read or fsync still queued. Returns the µs the reader
   * waits, from `nowUs` to the read's end.
   */
  read(nowUs: number, bytes: number, accesses: number): number {
    this.drain(nowUs);
    const s = this.settings;
    const us = accesses * (s.readAccessUs ?? 0) + (s.readBytesPerSec ? (bytes * 1e6) / s.readBytesPerSec : 0);
    const start = Math.max(nowUs, this.fsyncFreeUs);
    this.fsyncFreeUs = start + us;
    if (us > 0) this.readsUs.push(start, this.fsyncFreeUs);
    const c = this.counters;
    c.bytesRead += bytes;
    c.readUs += us;
    c.busyUs += us;
    return this.fsyncFreeUs - nowUs;
  }

  /** Dirty bytes in the page cache at `nowUs` (throttled writes' bytes included). */
  dirtyBytes(nowUs: number): number {
    this.drain(nowUs);
    return this.dirty;
  }

  /**
   * A write of `bytes` into the page cache at `nowUs`: returns the µs the writer is throttled first (0 while the
   * dirty bytes stay within the limit), which is how long until the write-back has made room for it.
   */
  write(nowUs: number, bytes: number): number {
    this.drain(nowUs);
    this.dirty += bytes;
    const over = this.dirty - this.settings.dirtyLimitBytes;
    if (over <= 0) return 0;
    // Writers queue: the excess left by earlier throttled writers drains first (FIFO).
    const waitUs = this.usFor(over);
    this.counters.throttledUs += waitUs;
    this.counters.throttledWrites++;
    return waitUs;
  }

  /**
   * An fsync at `nowUs` of a file with `fileBytes` written since its last fsync: the file's bytes still dirty (at
   * most the page cache's dirty bytes) are written at the bandwidth, then the fixed latency, after any fsync still
   * running. Returns the µs the caller waits, from `nowUs` to the fsync's end.
   */
  fsync(nowUs: number, fileBytes: number): number {
    this.drain(nowUs);
    const own = Math.min(Math.max(0, fileBytes), this.dirty);
    this.dirty -= own;
    const us = this.usFor(own) + this.settings.fsyncUs;
    const start = Math.max(nowUs, this.fsyncFreeUs);
    this.fsyncFreeUs = start + us;
    const c = this.counters;
    c.bytesWritten += own;
    c.busyUs += us;
    c.fsyncs++;
    c.fsyncTotalUs += this.fsyncFreeUs - nowUs;
    return this.fsyncFreeUs - nowUs;
  }

  /** The counters with the write-back brought up to `nowUs` (for a run's figures at its end). */
  countersAt(nowUs: number): BlockDeviceCounters {
    this.drain(nowUs);
    return { ...this.counters };
  }
}
