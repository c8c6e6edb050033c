import type { ActorContext } from "../../sim/index.js";

const counters = new WeakMap<ActorContext, { n: number }>();

/**
 * The next correlation id of a client process. Every client in one actor (a read-process-write app holds a consumer
 * and a producer, each with metadata, sender and coordinator traffic) numbers its requests from this one sequence,
 * so an answer can never be taken for another client's. The context outlives restarts, so a restarted process goes
 * on with the same sequence: an answer to a request of its previous life is never taken for one of the new life.
 */
export function nextRequestId(ctx: ActorContext): number {
  let c = counters.get(ctx);
  if (!c) counters.set(ctx, (c = { n: 0 }));
  return ++c.n;
}
