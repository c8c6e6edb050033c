/**
 * Network interface cards with a bandwidth: full duplex, one transmit and one receive queue per process's host.
 * A message of `bytes` leaves its sender's NIC once the messages before it have (serialisation at the transmit
 * rate), crosses the link (its latency), and is taken by the receiver's NIC no faster than its receive rate allows
 * after what it received before. Off by default: with no NIC set, nothing here runs and delivery times are as
 * before. Generic: the engine knows a message only by the size `messageBytes` gives it.
 * Each message carries Ethernet, IPv4 and TCP framing on top of its bytes (`framedBytes`), so a 1 Gbit/s NIC moves
 * about 941 Mbit/s of messages, the goodput iperf shows on 1 GbE.
 * Simplified: no TCP windows or congestion control (a sender is never slowed by the receiver's queue), control
 * segments (SYN, FIN, RST) take no time, and a message is forwarded whole (no cut-through across the link).
 */

/** Linux's TCP payload per segment on a 1500-byte MTU with TCP timestamps on (1500 − 20 IPv4 − 20 TCP − 12 options). */
export const TCP_MSS_BYTES = 1448;
/**
 * Bytes on the wire per segment beyond its payload: IPv4 20 + TCP 20 + timestamps 12 + Ethernet header 14 + FCS 4 +
 * preamble 8 + inter-frame gap 12 = 90 (IEEE 802.3 framing).
 */
export const FRAME_OVERHEAD_BYTES = 90;

/** A message of `bytes` as its NIC sends it: the bytes plus one frame's overhead per MSS-sized segment. */
export function framedBytes(bytes: number): number {
  return bytes + Math.ceil(bytes / TCP_MSS_BYTES) * FRAME_OVERHEAD_BYTES;
}
export interface NicSettings {
  /** Transmit rate, bytes per second of simulated time (Infinity: no limit). */
  txBytesPerSec: number;
  /** Receive rate, bytes per second (Infinity: no limit). */
  rxBytesPerSec: number;
}

/** One NIC's queues and what it has carried (for utilisation: busy µs over the run). */
export class Nic {
  /** When (µs, fractional) the transmit queue is free again. */
  txFreeUs = 0;
  rxFreeUs = 0;
  txBusyUs = 0;
  rxBusyUs = 0;
  txBytes = 0;
  rxBytes = 0;
  constructor(readonly settings: NicSettings) {}
}

/** The NICs of a run, by process index; `messageBytes` sizes what they carry. */
export class Nics {
  private readonly byProcess: (Nic | undefined)[] = [];
  /** True once any NIC is set: the network then asks for message sizes. */
  active = false;
  /** The size in bytes of a message on the wire (set by whoever builds the world); 0 when unknown. */
  messageBytes: (msg: unknown) => number = () => 0;

  /** Gives process `index` a NIC (replacing any). Rates must be > 0; Infinity means no limit that way. */
  set(index: number, settings: NicSettings): void {
    if (!(settings.txBytesPerSec > 0) || !(settings.rxBytesPerSec > 0)) throw new Error("NIC rates must be > 0 bytes/s");
    this.byProcess[index] = new Nic(settings);
    this.active = true;
  }

  get(index: number): Nic | undefined {
    return this.byProcess[index];
  }

  /**
   * Transmit: the time (µs) the last byte of a message written at `nowUs` leaves `from`'s NIC (`nowUs` when it has
   * none, or the message has no size).
   */
  transmitDoneUs(from: number, nowUs: number, msg: unknown): number {
    const nic = this.byProcess[from];
    if (nic === undefined || nic.settings.txBytesPerSec === Infinity) return nowUs;
    const bytes = framedBytes(this.messageBytes(msg));
    if (bytes <= 0) return nowUs;
    const start = Math.max(nowUs, nic.txFreeUs);
    const busy = (bytes * 1e6) / nic.settings.txBytesPerSec;
    nic.txFreeUs = start + busy;
    nic.txBusyUs += busy;
    nic.txBytes += bytes;
    return nic.txFreeUs;
  }

  /**
   * Receive: when (µs) `to`'s NIC has taken a message whose last byte arrives at `arriveUs`: then, or once the
   * messages it is still taking are in and this one has come in at its receive rate.
   */
  receiveDoneUs(to: number, arriveUs: number, msg: unknown): number {
    const nic = this.byProcess[to];
    if (nic === undefined || nic.settings.rxBytesPerSec === Infinity) return arriveUs;
    const bytes = framedBytes(this.messageBytes(msg));
    if (bytes <= 0) return arriveUs;
    const busy = (bytes * 1e6) / nic.settings.rxBytesPerSec;
    const done = Math.max(arriveUs, nic.rxFreeUs + busy);
    nic.rxFreeUs = done;
    nic.rxBusyUs += busy;
    nic.rxBytes += bytes;
    return done;
  }
}
