/**
 * A client's CPU for codec work (`capacity.clientCpu`): one thread that compresses a producer's batches or
 * decompresses a consumer's, in virtual time, one job after another, plus what it spent over the run. The world
 * builder makes one per client (it outlives the client's restarts: its busy time counts every incarnation).
 * Costs come from the codec table (src/kafka/log/compression.ts: ns per uncompressed byte).
 */
export class ClientCpu {
  /** µs of codec work done over the run, every incarnation of the client. */
  busyUs = 0;
  /** Codec jobs run. */
  jobs = 0;
  /** When (µs, whole) the thread is free again. */
  private freeAtUs = 0;

  /**
   * Runs `ns` of work on the thread from `nowUs`, after the work already queued on it: returns when it is done, in
   * whole µs rounded up (≥ `nowUs`; `nowUs` itself for no work).
   */
  run(nowUs: number, ns: number): number {
    if (!(ns > 0)) return nowUs;
    const start = Math.max(nowUs, this.freeAtUs);
    this.freeAtUs = Math.ceil(start + ns / 1000);
    this.busyUs += ns / 1000;
    this.jobs++;
    return this.freeAtUs;
  }
}
