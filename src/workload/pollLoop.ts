import type { KafkaConsumer } from "../kafka/client/consumer/consumer.js";
import { clientProcess } from "../kafka/network/connectionRouter.js";
import type { Actor, ActorContext } from "../sim/index.js";

/** What one poll of the application found: records, none, or an exception that ends the application. */
export type PollOutcome = "records" | "empty" | "stopped";

/** How an assign() application paces its polls (times in ms of virtual time). */
export interface PollPacing {
  /** With `pollTimeoutMs` null: the pause after a poll before the next. */
  pollIntervalMs: number;
  /** poll(Duration)'s timeout: an empty poll blocks until a Fetch brings records or this passes; null: paced. */
  pollTimeoutMs: number | null;
  /** When the application stops polling, ms, or null: never. */
  stopMs: number | null;
  /** Poll again at once after a poll that returned records, even when paced (kafka-consumer-perf-test). */
  againAtOnce: boolean;
}

/**
 * The application's poll loop around `poll` (which assigns, polls and records): paced every `pollIntervalMs`, or
 * Java's `poll(Duration)` in a loop (OpenMessaging Benchmark's KafkaBenchmarkConsumer): an empty poll blocks until the
 * consumer's Fetcher has records (`KafkaConsumer.pollForFetches` waits on `fetcher.hasAvailableFetches`) or the
 * timeout passes. Returns the actor of the consumer's process; `tryAssign` runs again on every message, as the
 * application's assign() waits for the topic's metadata.
 */
export function pollLoopActor(ctx: ActorContext, consumer: KafkaConsumer, pacing: PollPacing, tryAssign: () => void, poll: () => PollOutcome): Actor {
  /** The pending poll timer (the next poll, or a blocked poll's timeout), -1: none; blocked: waiting in poll(Duration). */
  let pending = -1;
  let blocked = false;
  const run = () => {
    pending = -1;
    blocked = false;
    if (pacing.stopMs !== null && ctx.nowMs >= pacing.stopMs) return;
    const outcome = poll();
    if (outcome === "stopped") return;
    if (outcome === "records" && (pacing.againAtOnce || pacing.pollTimeoutMs !== null)) pending = timer.set(0);
    else if (pacing.pollTimeoutMs === null) pending = timer.set(pacing.pollIntervalMs);
    else {
      blocked = true;
      pending = timer.set(pacing.pollTimeoutMs);
    }
  };
  const timer = ctx.timer(run);
  if (pacing.pollTimeoutMs !== null)
    consumer.onFetchAvailable = () => {
      if (!blocked) return;
      timer.cancel(pending);
      run();
    };
  const net = clientProcess(ctx);
  return {
    onStart: () => {
      consumer.start();
      pending = timer.set(pacing.pollTimeoutMs === null ? pacing.pollIntervalMs : 0);
    },
    onMessage: (from, msg, conn) => {
      net.onMessage(from, msg, conn);
      tryAssign();
    },
    onConnection: net.onConnection,
  };
}
