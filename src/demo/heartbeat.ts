import type { Actor, ActorContext } from "../sim/index.js";
import type { History } from "../workload/history.js";

/**
 * Engine demo: a heartbeat failure detector. Nodes send heartbeats; the monitor suspects a node after `timeoutMs`
 * of silence and trusts it again on its next heartbeat. A heartbeat after a suspicion from the *same* incarnation
 * means the node was alive all along (paused or cut off): a false suspicion, the textbook GC-pause problem.
 */
export interface Heartbeat {
  type: "heartbeat";
  seq: number;
  incarnation: number;
}

export function heartbeatNode(monitor: string, intervalMs: number) {
  return (ctx: ActorContext): Actor => {
    let seq = 0;
    const beat = () => {
      const msg: Heartbeat = { type: "heartbeat", seq: seq++, incarnation: ctx.incarnation };
      ctx.send(monitor, msg);
      ctx.setTimer(intervalMs, "beat");
    };
    return {
      onStart: beat,
      onMessage: () => {},
      onTimer: beat,
    };
  };
}

export function heartbeatMonitor(nodes: string[], intervalMs: number, timeoutMs: number, history: History) {
  return (ctx: ActorContext): Actor => {
    const lastSeenUs = new Map<string, number>();
    const lastIncarnation = new Map<string, number>();
    const suspected = new Map<string, number>(); // node → incarnation when suspected
    const check = () => {
      for (const n of nodes) {
        const seen = lastSeenUs.get(n) ?? 0;
        if (!suspected.has(n) && ctx.nowUs - seen > timeoutMs * 1000) {
          const inc = lastIncarnation.get(n) ?? 0;
          suspected.set(n, inc);
          ctx.trace("demo.suspect", { node: n, silentMs: (ctx.nowUs - seen) / 1000 });
          history.event(ctx.nowUs, ctx.name, "suspect", { node: n, incarnation: inc });
        }
      }
      ctx.setTimer(Math.max(intervalMs / 2, 1), "check");
    };
    return {
      onStart: () => {
        for (const n of nodes) lastSeenUs.set(n, ctx.nowUs);
        check();
      },
      onMessage: (from, msg) => {
        const hb = msg as Heartbeat;
        if (hb.type !== "heartbeat") return;
        lastSeenUs.set(from, ctx.nowUs);
        lastIncarnation.set(from, hb.incarnation);
        const was = suspected.get(from);
        if (was !== undefined) {
          suspected.delete(from);
          ctx.trace("demo.trust", { node: from, incarnation: hb.incarnation });
          history.event(ctx.nowUs, ctx.name, "trust", { node: from, incarnation: hb.incarnation, suspectedIncarnation: was });
        }
      },
      onTimer: check,
    };
  };
}
