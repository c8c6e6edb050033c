import type { Actor, ActorContext } from "../sim/index.js";
import type { History } from "../workload/history.js";

/**
 * Engine demo: leader leases with and without fencing tokens (the GC-pause lock problem). A node that holds the
 * lease decides to write, then does some work before the write leaves; if it is paused in between, its write
 * arrives after its lease expired and another node was granted it. Without fencing tokens the store accepts the
 * stale write; with them it rejects any token older than the newest granted.
 */
type LeaseMsg =
  | { type: "acquire"; requestedAtUs: number }
  | { type: "granted"; token: number; leaseMs: number; requestedAtUs: number }
  | { type: "denied"; holder: string }
  | { type: "write"; token: number; seq: number }
  | { type: "write-result"; ok: boolean; seq: number };

export function leaseStore(leaseMs: number, fencingTokens: boolean, history: History) {
  return (ctx: ActorContext): Actor => {
    let holder: string | null = null;
    let expiresUs = 0;
    let token = 0;
    return {
      onMessage: (from, raw) => {
        const msg = raw as LeaseMsg;
        if (msg.type === "acquire") {
          if (holder === null || holder === from || ctx.nowUs >= expiresUs) {
            if (holder !== from) {
              token++;
              history.event(ctx.nowUs, ctx.name, "grant", { node: from, token });
              ctx.trace("demo.grant", { node: from, token });
            }
            holder = from;
            expiresUs = ctx.nowUs + leaseMs * 1000;
            ctx.send(from, { type: "granted", token, leaseMs, requestedAtUs: msg.requestedAtUs } satisfies LeaseMsg);
          } else ctx.send(from, { type: "denied", holder } satisfies LeaseMsg);
        } else if (msg.type === "write") {
          const stale = msg.token < token;
          const ok = !(fencingTokens && stale);
          history.event(ctx.nowUs, ctx.name, "write", { node: from, token: msg.token, seq: msg.seq, newestToken: token }, ok ? "ok" : "fail");
          ctx.trace(ok ? "demo.write-accepted" : "demo.write-fenced", { node: from, token: msg.token, newestToken: token });
          ctx.send(from, { type: "write-result", ok, seq: msg.seq } satisfies LeaseMsg);
        }
      },
      onTimer: () => {},
    };
  };
}

export function leaseNode(store: string, renewEveryMs: number, writeEveryMs: number) {
  return (ctx: ActorContext): Actor => {
    let token = -1;
    let believedUntilUs = 0;
    let seq = 0;
    const rnd = ctx.stream("work");
    return {
      onStart: () => {
        ctx.setTimer(rnd.between(0, renewEveryMs), "renew");
        ctx.setTimer(writeEveryMs, "decide");
      },
      onMessage: (_from, raw) => {
        const msg = raw as LeaseMsg;
        if (msg.type === "granted") {
          token = msg.token;
          // Conservative: the lease runs from when we asked, not from when the store answered.
          believedUntilUs = msg.requestedAtUs + msg.leaseMs * 1000;
        }
      },
      onTimer: (tag) => {
        if (tag === "renew") {
          ctx.send(store, { type: "acquire", requestedAtUs: ctx.nowUs } satisfies LeaseMsg);
          ctx.setTimer(renewEveryMs, "renew");
        } else if (tag === "decide") {
          if (ctx.nowUs < believedUntilUs) {
            // The lease is checked here; the write leaves only after some work (a pause can fall in between).
            ctx.setTimer(rnd.between(1, 2) * writeEveryMs, { write: token });
          }
          ctx.setTimer(writeEveryMs, "decide");
        } else {
          const t = (tag as { write: number }).write;
          ctx.send(store, { type: "write", token: t, seq: seq++ } satisfies LeaseMsg);
        }
      },
    };
  };
}
