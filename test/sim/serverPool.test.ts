import { describe, expect, it } from "vitest";
import { ServerPool, type Timer } from "../../src/sim/index.js";

/** A tiny virtual clock: the pool's completions are its events, run in time order (ties in the order set). */
function clock() {
  let nowUs = 0;
  let seq = 0;
  const pending: { atUs: number; seq: number; fire: () => void }[] = [];
  const timer = (onFire: (server: number) => void): Timer<number> => ({
    set: (delayMs, server) => {
      pending.push({ atUs: nowUs + Math.round(delayMs * 1000), seq: seq++, fire: () => onFire(server) });
      return seq as never;
    },
    cancel: () => {},
  });
  const run = () => {
    while (pending.length > 0) {
      pending.sort((a, b) => a.atUs - b.atUs || a.seq - b.seq);
      const e = pending.shift()!;
      nowUs = e.atUs;
      e.fire();
    }
  };
  return { timer, run, now: () => nowUs };
}

describe("ServerPool: N servers in front of one FIFO queue", () => {
  it("serves jobs in order on the lowest free server; waiting jobs start when a server frees", () => {
    const c = clock();
    const log: string[] = [];
    const pool = new ServerPool<string>({
      servers: 2,
      queueLimit: Infinity,
      timer: c.timer,
      start: (job, server) => {
        log.push(`${c.now()} start ${job} on ${server}`);
        return 1000;
      },
      finish: (job) => {
        log.push(`${c.now()} done ${job}`);
        return true;
      },
    });
    for (const j of ["a", "b", "c", "d", "e"]) expect(pool.offer(j)).toBe(true);
    expect(pool.waiting).toBe(3);
    c.run();
    expect(log).toEqual(["0 start a on 0", "0 start b on 1", "1000 done a", "1000 start c on 0", "1000 done b", "1000 start d on 1", "2000 done c", "2000 start e on 0", "2000 done d", "3000 done e"]);
    expect(pool.busyUs).toBe(5000);
    expect(pool.started).toBe(5);
  });

  it("refuses a job when the queue is full, and says when there is room again", () => {
    const c = clock();
    let dequeued = 0;
    const pool = new ServerPool<number>({ servers: 1, queueLimit: 1, timer: c.timer, start: () => 10, finish: () => true, dequeued: () => dequeued++ });
    expect(pool.offer(1)).toBe(true); // served
    expect(pool.offer(2)).toBe(true); // queued
    expect(pool.hasRoom).toBe(false);
    expect(pool.offer(3)).toBe(false);
    c.run();
    expect(dequeued).toBe(1);
    expect(pool.hasRoom).toBe(true);
    expect(pool.started).toBe(2);
  });

  it("a server held past its job takes nothing until released", () => {
    const c = clock();
    const started: string[] = [];
    const pool = new ServerPool<string>({ servers: 1, queueLimit: Infinity, timer: c.timer, start: (j) => (started.push(j), 5), finish: (j) => j !== "hold" });
    pool.offer("hold");
    pool.offer("next");
    c.run();
    expect(started).toEqual(["hold"]);
    pool.release(0);
    c.run();
    expect(started).toEqual(["hold", "next"]);
  });

  it("rejects a pool without servers", () => {
    const c = clock();
    expect(() => new ServerPool({ servers: 0, queueLimit: 1, timer: c.timer, start: () => 0, finish: () => true })).toThrow(/servers/);
  });
});
