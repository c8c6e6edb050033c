import type { Actor, ActorContext } from "../../src/sim/index.js";

/** Records every message and timer an actor sees, with the time it saw it. */
export function recorder(log: string[]) {
  return (ctx: ActorContext): Actor => ({
    onStart: () => log.push(`${ctx.nowUs} ${ctx.name} start ${ctx.incarnation}`),
    onMessage: (from, msg) => log.push(`${ctx.nowUs} ${ctx.name} msg ${from} ${JSON.stringify(msg)}`),
    onTimer: (tag) => log.push(`${ctx.nowUs} ${ctx.name} timer ${JSON.stringify(tag)}`),
  });
}

/** Sends `count` numbered messages to `to`, one every `everyMs`. */
export function sender(to: string, count: number, everyMs: number) {
  return (ctx: ActorContext): Actor => {
    let i = 0;
    const tick = () => {
      if (i >= count) return;
      ctx.send(to, { type: "n", i: i++ });
      ctx.setTimer(everyMs, "tick");
    };
    return { onStart: tick, onMessage: () => {}, onTimer: tick };
  };
}
