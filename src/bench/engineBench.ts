import { type Actor, type ActorContext, RandomStream, Simulation } from "../sim/index.js";

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

/** Baseline: a bare binary heap over typed arrays keyed by (time, seq), 1,000 pending, each pop pushes one later. */
export function baselineEventsPerSec(events: number): { eventsPerSec: number; events: number; pending: number } {
  const pending = 1000;
  const cap = pending + 1;
  const time = new Float64Array(cap);
  const seq = new Float64Array(cap);
  let size = 0;
  let nextSeq = 0;
  const rnd = new RandomStream("bench:baseline");
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
