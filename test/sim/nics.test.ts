import { describe, expect, it } from "vitest";
import { type Actor, type ActorContext, type ConnectionId, Simulation } from "../../src/sim/index.js";

/**
 * NICs with a bandwidth (src/sim/nics.ts): senders write sized messages over TCP on 1 ms links, and a sink notes
 * when each arrives (µs). A message's size is its `bytes` field, as a world builder's `messageBytes` would give it.
 */

const MS = 1000;
/** 1 MB as the NIC carries it: 691 segments of 1448 bytes, 90 bytes of framing each. */
const FRAMED = 1_000_000 + 691 * 90;
/** µs to send it at 125 MB/s (1 Gbit/s). */
const SER_US = (FRAMED * 1e6) / 125_000_000;
type Msg = { type: string; bytes: number; n: number };

function world(opts: { nics?: Record<string, { tx: number; rx: number }>; senders?: string[] } = {}) {
  const sim = new Simulation({ seed: 1, network: { latency: { model: "constant", valueUs: MS } } });
  sim.network.nics.messageBytes = (m) => (m as Partial<Msg>).bytes ?? 0;
  const arrivals: { atUs: number; from: string; n: number }[] = [];
  sim.addActor("sink", (ctx: ActorContext): Actor => ({ onMessage: (from, msg) => arrivals.push({ atUs: ctx.nowUs, from, n: (msg as Msg).n }) }));
  const ctxs = new Map<string, ActorContext>();
  for (const s of opts.senders ?? ["a"]) sim.addActor(s, (ctx) => (ctxs.set(s, ctx), { onMessage: () => {} }));
  for (const [name, r] of Object.entries(opts.nics ?? {})) sim.setNic(name, { txBytesPerSec: r.tx, rxBytesPerSec: r.rx });
  /** At `atMs`, `sender` connects and writes `count` messages of `bytes` each. */
  const burst = (sender: string, atMs: number, count: number, bytes: number) => {
    let conn: ConnectionId = -1;
    sim.at(atMs * MS - 5 * MS, () => (conn = ctxs.get(sender)!.connect("sink")));
    sim.at(atMs * MS, () => {
      for (let n = 0; n < count; n++) ctxs.get(sender)!.write(conn, { type: "data", bytes, n });
    });
  };
  return { sim, arrivals, burst };
}

describe("NICs: full-duplex bandwidth per host", () => {
  it("off by default: a burst arrives one latency later, all at once", () => {
    const { sim, arrivals, burst } = world();
    burst("a", 10, 5, 1_000_000);
    sim.run(100 * MS);
    expect(arrivals.map((a) => a.atUs)).toEqual(Array(5).fill(11 * MS));
  });

  it("a saturated transmit queue caps throughput at its bandwidth: each message waits for those before it", () => {
    // 125 MB/s (1 GbE): a 1 MB message takes ~8.5 ms on the wire with its framing; five take five times that.
    const { sim, arrivals, burst } = world({ nics: { a: { tx: 125_000_000, rx: Infinity } } });
    burst("a", 10, 5, 1_000_000);
    sim.run(200 * MS);
    expect(arrivals.map((a) => a.atUs)).toEqual([1, 2, 3, 4, 5].map((k) => Math.ceil(10 * MS + k * SER_US + MS)));
    const nic = sim.nicOf("a");
    expect(nic?.txBytes).toBe(5 * FRAMED);
    expect(nic?.txBusyUs).toBeCloseTo(5 * SER_US, 6);
    // Goodput: 1448 of every 1538 bytes are the messages' own (94.1 %, iperf's ~941 Mbit/s on 1 GbE).
    expect(5_000_000 / (nic!.txBusyUs / 1e6) / 125_000_000).toBeCloseTo(0.941, 2);
  });

  it("fan-in: two senders at full speed into one receiver share its receive rate", () => {
    const nics = { a: { tx: 125_000_000, rx: Infinity }, b: { tx: 125_000_000, rx: Infinity }, sink: { tx: Infinity, rx: 125_000_000 } };
    const { sim, arrivals, burst } = world({ nics, senders: ["a", "b"] });
    burst("a", 10, 5, 1_000_000);
    burst("b", 10, 5, 1_000_000);
    sim.run(200 * MS);
    // Ten 1 MB messages through one 125 MB/s receiver: one every SER_US after the first, which is not slowed.
    expect(arrivals).toHaveLength(10);
    expect(arrivals[0].atUs).toBe(Math.ceil(10 * MS + SER_US + MS));
    expect(arrivals.at(-1)!.atUs).toBe(Math.ceil(10 * MS + SER_US + MS + 9 * SER_US));
    const seconds = (arrivals.at(-1)!.atUs - arrivals[0].atUs + SER_US) / 1e6;
    expect((10 * FRAMED) / seconds).toBeCloseTo(125_000_000, -4);
  });

  it("full duplex: sending does not slow receiving", () => {
    const nics = { a: { tx: 125_000_000, rx: 125_000_000 }, sink: { tx: 125_000_000, rx: 125_000_000 } };
    const { sim, arrivals, burst } = world({ nics });
    burst("a", 10, 2, 1_000_000);
    sim.run(100 * MS);
    expect(arrivals.map((a) => a.atUs)).toEqual([Math.ceil(10 * MS + SER_US + MS), Math.ceil(10 * MS + 2 * SER_US + MS)]);
  });
});
