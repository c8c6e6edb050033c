import type { ActorContext } from "../../sim/index.js";

/**
 * A broker's producer ids (Kafka `ProducerIdManager`). Simplification: ids come from a per-broker block on the
 * broker's disk (the broker's index × 1,000,000 onwards), not from blocks the controller hands out.
 */
export function producerIdAllocator(ctx: ActorContext, brokerIndex: number): () => number {
  return () => {
    const next = (ctx.disk.kv.get<number>("producer-id.next") ?? 0) + 1;
    ctx.disk.kv.put("producer-id.next", next);
    ctx.disk.kv.fsync();
    return brokerIndex * 1_000_000 + next;
  };
}
