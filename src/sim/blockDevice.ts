/**
 * A host's disk behind the operating system's page cache, in virtual time, with no event of its own: writes land in
 * the page cache as dirty bytes, which the kernel writes back in the background at the disk's sequential write
 * bandwidth (a fluid drain, computed when the device is next touched); a writer that would take the dirty bytes past
 * the dirty limit is throttled (it waits until the write-back has made room, as Linux's `balance_dirty_pages` makes a
 * writer sleep past `vm.dirty_ratio`); an fsync writes the file's own dirty bytes at the bandwidth and then pays a
 * fixed latency (the device's cache flush and the file system's journal commit), fsyncs one after another.
 * Generic: the engine knows files only by the dirty bytes their owner says they hold.
 * Simplified: the write-back runs whenever there are dirty bytes (Linux waits for `vm.dirty_background_ratio` or
 * for pages older than `dirty_expire_centisecs`), in parallel with fsyncs (a device with several queues, as NVMe has;
 * the busy share is capped at 100 %), and throttling is a hard limit (Linux slows writers gradually from halfway
 * between the background and the dirty limit). Reads are not modelled: readers of recent data hit the page cache.
 */
export interface BlockDeviceSettings {
  /** Sequential write bandwidth, bytes per second of simulated time (> 0). */
  writeBytesPerSec: number;
  /** Fixed µs of one fsync beyond writing its dirty bytes (≥ 0). */
  fsyncUs: number;
  /** Dirty bytes in the page cache past which writers are throttled (> 0): the dirty ratio × the memory. */
  dirtyLimitBytes: number;
}

/** What a device did over a run (all in the units their names say). */
export interface BlockDeviceCounters {
  /** Bytes written to the disk, by write-back and by fsyncs. */
  bytesWritten: number;
  /** µs the disk was writing or flushing (may overlap: see the utilisation's cap). */
  busyUs: number;
  fsyncs: number;
  /** µs from each fsync's call to its end (its wait behind earlier fsyncs included), summed. */
  fsyncTotalUs: number;
  /** µs writers were throttled on the dirty limit, summed over writes; and how many writes waited. */
  throttledUs: number;
  throttledWrites: number;
}

export class BlockDevice {
  /** Dirty bytes in the page cache as of `atUs` (may exceed the limit: the excess is what throttled writers wait out). */
  private dirty = 0;
  private atUs = 0;
  /** When (µs) the last fsync queued ends. */
  private fsyncFreeUs = 0;
  readonly counters: BlockDeviceCounters = { bytesWritten: 0, busyUs: 0, fsyncs: 0, fsyncTotalUs: 0, throttledUs: 0, throttledWrites: 0 };

  constructor(readonly settings: BlockDeviceSettings) {
    if (!(settings.writeBytesPerSec > 0)) throw new Error(`a disk's write bandwidth must be > 0 bytes/s, got ${settings.writeBytesPerSec}`);
    if (!(settings.fsyncUs >= 0)) throw new Error(`a disk's fsync latency must be >= 0 µs, got ${settings.fsyncUs}`);
    if (!(settings.dirtyLimitBytes > 0)) throw new Error(`a page cache's dirty limit must be > 0 bytes, got ${settings.dirtyLimitBytes}`);
  }

  private usFor(bytes: number): number {
    return (bytes * 1e6) / this.settings.writeBytesPerSec;
  }

  /** The background write-back up to `nowUs`: dirty bytes drain at the bandwidth. */
  private drain(nowUs: number): void {
    if (nowUs <= this.atUs) return;
    const w = Math.min(this.dirty, ((nowUs - this.atUs) * this.settings.writeBytesPerSec) / 1e6);
    this.dirty -= w;
    this.counters.bytesWritten += w;
    this.counters.busyUs += this.usFor(w);
    this.atUs = nowUs;
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
