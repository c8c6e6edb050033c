import type { ActorContext } from "../../sim/index.js";

/**
 * A broker's producer ids (Kafka `ProducerIdManager`). Simplification: ids come from a per-broker block on the
 * broker's disk (the broker's index × 1,000,000 onwards), not from blocks the controller hands out. In Kafka the
 * controller's counter (`ProducerIdControlManager`) never hands a block out twice, even to a broker whose disk was
 * replaced; here a disk formatted at a later start (`replaceDisk`) begins past what earlier incarnations could have
 * used: at incarnation × 100,000 within the broker's block.
 */
export function producerIdAllocator(ctx: ActorContext, brokerIndex: number): () => number {
  return () => {
    const start = ctx.disk.kv.get<number>("producer-id.start") ?? 0;
    const next = (ctx.disk.kv.get<number>("producer-id.next") ?? start) + 1;
    ctx.disk.kv.put("producer-id.next", next);
    ctx.disk.kv.fsync();
    return brokerIndex * 1_000_000 + next;
  };
}
