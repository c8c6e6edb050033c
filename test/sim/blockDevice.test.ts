import { describe, expect, it } from "vitest";
import { BlockDevice } from "../../src/sim/index.js";

/** The page cache and disk in virtual time (src/sim/blockDevice.ts): write-back, throttling, fsync. */
describe("BlockDevice", () => {
  // 100 MB/s: 10 µs a kB. Dirty limit 1 MB.
  const device = () => new BlockDevice({ writeBytesPerSec: 100e6, fsyncUs: 500, dirtyLimitBytes: 1e6 });

  it("writes within the dirty limit cost nothing and are written back at the bandwidth", () => {
    const d = device();
    expect(d.write(0, 500_000)).toBe(0);
    expect(d.dirtyBytes(0)).toBe(500_000);
    // 2 ms later 200 kB were written back.
    expect(d.dirtyBytes(2000)).toBeCloseTo(300_000, 6);
    expect(d.dirtyBytes(10_000)).toBe(0);
    const c = d.countersAt(10_000);
    expect(c.bytesWritten).toBeCloseTo(500_000, 6);
    expect(c.busyUs).toBeCloseTo(5000, 6);
    expect(c.throttledWrites).toBe(0);
  });

  it("a writer past the dirty limit waits until the write-back made room, writers queue behind each other", () => {
    const d = device();
    expect(d.write(0, 1_000_000)).toBe(0);
    // 100 kB over the limit: 1 ms at 100 MB/s.
    expect(d.write(0, 100_000)).toBeCloseTo(1000, 6);
    // The next one waits for the first's excess too.
    expect(d.write(0, 100_000)).toBeCloseTo(2000, 6);
    const c = d.countersAt(0);
    expect(c.throttledWrites).toBe(2);
    expect(c.throttledUs).toBeCloseTo(3000, 6);
  });

  it("an fsync writes the file's dirty bytes and pays its fixed latency; fsyncs run one after another", () => {
    const d = device();
    d.write(0, 50_000);
    // 50 kB at 100 MB/s = 500 µs, plus 500 µs.
    expect(d.fsync(0, 50_000)).toBeCloseTo(1000, 6);
    expect(d.dirtyBytes(0)).toBe(0);
    // Nothing dirty: the fixed latency only, after the first fsync's end.
    expect(d.fsync(0, 0)).toBeCloseTo(1500, 6);
    // Bytes already written back are not written again.
    d.write(5000, 10_000);
    expect(d.fsync(5000 + 1000, 10_000)).toBeCloseTo(500, 6);
    expect(d.countersAt(6000).fsyncs).toBe(3);
  });

  it("refuses impossible settings", () => {
    expect(() => new BlockDevice({ writeBytesPerSec: 0, fsyncUs: 1, dirtyLimitBytes: 1 })).toThrow(/bandwidth/);
    expect(() => new BlockDevice({ writeBytesPerSec: 1, fsyncUs: -1, dirtyLimitBytes: 1 })).toThrow(/fsync/);
    expect(() => new BlockDevice({ writeBytesPerSec: 1, fsyncUs: 1, dirtyLimitBytes: 0 })).toThrow(/dirty/);
  });
});
