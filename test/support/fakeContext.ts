import { Disk } from "../../src/sim/index.js";
import type { ActorContext } from "../../src/sim/index.js";

/** A message a component under test sent, with its destination. */
export interface Sent {
  to: string;
  msg: { type: string; correlationId?: number; error?: string } & Record<string, unknown>;
}

/**
 * An `ActorContext` for driving one model component directly (no engine, no network): it records what the
 * component sends and traces, keeps its timers in a list `advance(ms)` fires in order, and gives it a disk.
 * Time is in µs as the engine keeps it; `advance` takes ms.
 */
export function fakeContext(name = "broker-1") {
  let nowUs = 0;
  const sent: Sent[] = [];
  const traces: { type: string; data: Record<string, unknown> }[] = [];
  const timers: { atUs: number; seq: number; id: number; fire: () => void }[] = [];
  let nextTimer = 0;
  const disk = new Disk();
  const ctx = {
    name,
    incarnation: 1,
    get nowUs() {
      return nowUs;
    },
    get nowMs() {
      return nowUs / 1000;
    },
    send: (to: string, msg: Sent["msg"]) => sent.push({ to, msg }),
    timer: <P>(onFire: (payload: P) => void) => ({
      set: (ms: number, payload: P) => {
        const id = nextTimer++;
        timers.push({ atUs: nowUs + Math.round(ms * 1000), seq: id, id, fire: () => onFire(payload) });
        return id;
      },
      cancel: (id: number) => {
        const i = timers.findIndex((t) => t.id === id);
        if (i >= 0) timers.splice(i, 1);
      },
    }),
    trace: (type: string, data: Record<string, unknown> = {}) => traces.push({ type, data }),
    disk,
    knows: () => true,
    reconnect: () => {},
  } as unknown as ActorContext;
  return {
    ctx,
    sent,
    traces,
    /** Moves time forward by `ms`, firing due timers in (time, creation) order. */
    advance(ms: number) {
      const until = nowUs + Math.round(ms * 1000);
      for (;;) {
        timers.sort((a, b) => a.atUs - b.atUs || a.seq - b.seq);
        const t = timers[0];
        if (!t || t.atUs > until) break;
        timers.shift();
        nowUs = t.atUs;
        t.fire();
      }
      nowUs = until;
    },
    /** The last message of this type sent to `to`. */
    last(to: string, type: string): Sent["msg"] | undefined {
      return [...sent].reverse().find((s) => s.to === to && s.msg.type === type)?.msg;
    },
  };
}
