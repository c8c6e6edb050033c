import seedrandom from "seedrandom";
import { type Actor, type ActorContext, Simulation } from "../sim/index.js";

/**
 * Engine figure: 1,000 actors each keep one message in flight to a random peer over links with random latency,
 * so about 1,000 events are pending; digest on, no trace file.
 */
export function engineEventsPerSec(events: number): { eventsPerSec: number; events: number; pending: number } {
  const n = 1000;
  const names = Array.from({ length: n }, (_, i) => `a${i}`);
  const sim = new Simulation({ seed: "bench", maxEvents: events + n + 10, network: { latency: { model: "uniform", minUs: 100, maxUs: 5000 } } });
  const msg = { type: "ping" };
  const actor = (ctx: ActorContext): Actor => ({
    onStart: () => ctx.send(names[ctx.random.int(n)], msg),
    onMessage: () => ctx.send(names[ctx.random.int(n)], msg),
    onTimer: () => {},
  });
  for (const name of names) sim.addActor(name, actor);
  sim.run(0); // start everyone
  const before = sim.events;
  const t0 = performance.now();
  const out = sim.run(Number.MAX_SAFE_INTEGER / 2);
  const ms = performance.now() - t0;
  const done = out.events - before;
  return { eventsPerSec: Math.round(done / (ms / 1000)), events: done, pending: n };
}

/**
 * Baseline: a bare binary heap over typed arrays keyed by (time, seq), 1,000 pending, each pop pushes one later.
 * Its draws are alea's own step over a private 4-double state (the numbers `RandomStream("bench:baseline")` gives),
 * not a RandomStream: the yardstick must not move when the engine's streams change (the shared state blocks made
 * RandomStream's single hot stream ~8 % slower here, which would have flattered the ratio).
 */
export function baselineEventsPerSec(events: number): { eventsPerSec: number; events: number; pending: number } {
  const pending = 1000;
  const cap = pending + 1;
  const time = new Float64Array(cap);
  const seq = new Float64Array(cap);
  let size = 0;
  let nextSeq = 0;
  const rnd = new BaselineAlea("bench:baseline");

  const push = (t: number) => {
    const s = nextSeq++;
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (time[p] < t || (time[p] === t && seq[p] < s)) break;
      time[i] = time[p];
      seq[i] = seq[p];
      i = p;
    }
    time[i] = t;
    seq[i] = s;
  };
  const pop = (): number => {
    const top = time[0];
    const n = --size;
    const t = time[n];
    const s = seq[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (time[c + 1] < time[c] || (time[c + 1] === time[c] && seq[c + 1] < seq[c]))) c++;
      if (t < time[c] || (t === time[c] && s < seq[c])) break;
      time[i] = time[c];
      seq[i] = seq[c];
      i = c;
    }
    time[i] = t;
    seq[i] = s;
    return top;
  };
  for (let i = 0; i < pending; i++) push(Math.round(rnd.between(100, 5000)));
  const t0 = performance.now();
  for (let e = 0; e < events; e++) {
    const now = pop();
    push(now + Math.round(rnd.between(100, 5000)));
  }
  const ms = performance.now() - t0;
  return { eventsPerSec: Math.round(events / (ms / 1000)), events, pending };
}

/** alea (seedrandom lib/alea.js `Alea.next`) over its own 4-double state: RandomStream as it was before its states were pooled. */
class BaselineAlea {
  private readonly st: Float64Array;

  constructor(name: string) {
    const st = seedrandom.alea(name, { state: true }).state() as { s0: number; s1: number; s2: number; c: number };
    this.st = Float64Array.of(st.s0, st.s1, st.s2, st.c);
  }

  between(min: number, max: number): number {
    const st = this.st;
    const t = 2091639 * st[0] + st[3] * 2.3283064365386963e-10; // 2^-32
    st[0] = st[1];
    st[1] = st[2];
    const c = t | 0;
    st[3] = c;
    return min + (max - min) * (st[2] = t - c);
  }
}
