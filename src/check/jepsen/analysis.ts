import type { Anomalies } from "./cases.js";
import type { AnalysisContext } from "./context.js";
import { allowedAnomalyTypes } from "./allowed.js";
import { cycleCases } from "./cycles/cycleCases.js";
import { duplicateCases } from "./duplicate.js";
import { buildFacts } from "./facts.js";
import { Arena } from "./arena.js";
import { IndexedHistory, type IndexOptions } from "./indexedHistory.js";
import { intPollCases, intSendCases } from "./internalOrder.js";
import { lostWriteCases } from "./lostWrite.js";
import { nonmonotonicSendCases } from "./nonmonotonicSend.js";
import type { JepsenOp } from "./ops.js";
import { pollSkipCases } from "./pollSkip.js";
import { g1aCases, precommittedReadCases } from "./readAnomalies.js";
import { unseenCases } from "./unseen.js";
import { buildVersionOrders } from "./versionOrders.js";

export interface AnalysisOptions {
  /** Infer write-write dependencies from offsets (Jepsen's `:ww-deps`; default off, as in Jepsen's tests). */
  wwDeps?: boolean;
  /** Whether the test subscribed (Jepsen's `(:subscribe (:sub-via test))`); default: some op is a subscribe. */
  subscribe?: boolean;
  /** See IndexOptions.sessionOf: which client an op belongs to (default Jepsen's `process`). */
  sessionOf?: IndexOptions["sessionOf"];
  /** kafkasim's refinement of poll-skip: a rebalance-log key starts afresh (see PollSkipOptions). */
  rebalanceResets?: boolean;
  /**
   * Where one offset holds several values (an inconsistent offset), which one stands for it in the version order,
   * and which value at the lost-write bound names `max-read`: kafka.clj takes `first` of a Clojure hash set, so its
   * answer (a poll-skip, a nonmonotonic-send next to the conflict) depends on the values' Clojure hashes. Default
   * true: Jepsen's choice, computed from the values as Clojure would hash them (clojureHash.ts). False: the first
   * observed value, which kafkasim's own run views use (their verdicts do not depend on how values are spelled).
   */
  hashOrder?: boolean;
  /** Skip the cycle search (for callers that read no cycle anomaly). */
  cycles?: boolean;
  /**
   * Edge visits the cycle search may make per component and kind of cycle before it reports `cycle-search-timeout`
   * (Elle bounds it by wall time, `:cycle-search-timeout`, one second; a count keeps the verdict deterministic).
   * Default STEPS_PER_SEARCH (cycleCases.ts). Must be ≥ 0.
   */
  cycleSearchSteps?: number;
  /**
   * Topics whose partitions are compacted (`cleanup.policy` with `compact`). Jepsen's workload never compacts: its
   * lost-write, unseen, poll-skip and int-poll-skip read a record missing from a later read as lost, but the log
   * cleaner removes every record a newer one of its record key superseded, and Jepsen's history names no record
   * keys. On keys of these topics (`<topic>-<partition>`) those four are not judged; the rest are.
   */
  compactedTopics?: readonly string[];
}

/** The anomaly kinds that assume every acknowledged offset stays readable (see AnalysisOptions.compactedTopics). */
export const NOT_JUDGED_WHEN_COMPACTED = ["int-poll-skip", "lost-write", "poll-skip", "unseen"] as const;

/** Whether a key (a topic-partition, `orders-3`) belongs to one of `topics`. */
function onTopic(key: string, topics: readonly string[]): boolean {
  const dash = key.lastIndexOf("-");
  return dash > 0 && /^\d+$/.test(key.slice(dash + 1)) && topics.includes(key.slice(0, dash));
}

export interface KafkaAnalysis {
  ctx: AnalysisContext;
  /** Every anomaly found, by Jepsen's key (internal ids; see render.ts). */
  anomalies: Anomalies;
  /** Keys present, sorted (Jepsen's :error-types). */
  anomalyTypes: string[];
  /** The tolerated keys (allowed-error-types). */
  allowed: string[];
  /** No anomaly outside the allowed set (Jepsen's :valid?). */
  valid: boolean;
  subscribe: boolean;
  wwDeps: boolean;
}

/**
 * Jepsen's Kafka analysis (kafka.clj `analysis` and `checker`) over a history of Jepsen-shaped ops: builds the
 * shared structures once (indexed history, writer/reader facts, version orders) and runs each `…Cases` function
 * over them, keeping only the kinds that found something. Linear in the history apart from per-key sorts and the
 * cycle search, which only works inside strongly connected components.
 */
export function analyzeKafkaHistory(history: readonly JepsenOp[] | IndexedHistory, options: AnalysisOptions = {}): KafkaAnalysis {
  const h = history instanceof IndexedHistory ? history : IndexedHistory.build(history, { sessionOf: options.sessionOf });
  // The rest of the analysis' arrays, in one buffer sized from what the index holds (see Arena).
  let kv = 0;
  // Stryker disable next-line AssignmentOperator,ConditionalExpression,EqualityOperator: kv only sizes the arena below (a wrong size costs speed, never a result)
  for (let k = 0; k < h.keys.count; k++) kv += h.keys.values[k].length;
  // Stryker disable next-line ArithmeticOperator: a size estimate; a wrong one costs speed (requests past it get their own arrays), never a result
  const arena = new Arena(31 * kv + 56 * h.entries + 64 * h.n + 64 * h.keys.count + 1024);
  const facts = buildFacts(h, arena);
  const hashOrder = options.hashOrder ?? true;
  const vo = buildVersionOrders(h, facts, arena, hashOrder);
  const wwDeps = options.wwDeps ?? false;
  const ctx: AnalysisContext = { h, facts, vo, wwDeps, arena, hashOrder };
  const a: Anomalies = {};
  const compacted = options.compactedTopics ?? [];
  const put = (k: string, cases: unknown[] | undefined) => {
    if (cases && cases.length > 0) a[k] = cases;
  };
  const putJudged = (k: (typeof NOT_JUDGED_WHEN_COMPACTED)[number], cases: { key: number }[]) =>
    // Stryker disable next-line ConditionalExpression,EqualityOperator: filtering by no topic keeps every case; the test only spares the filter's work
    put(k, compacted.length > 0 ? cases.filter((c) => !onTopic(h.keys.names[c.key], compacted)) : cases);
  put("duplicate", duplicateCases(ctx));
  const intPoll = intPollCases(ctx);
  putJudged("int-poll-skip", intPoll.skip);
  put("int-nonmonotonic-poll", intPoll.nonmonotonic);
  const intSend = intSendCases(ctx);
  put("int-nonmonotonic-send", intSend.nonmonotonic);
  put("int-send-skip", intSend.skip);
  put("inconsistent-offsets", vo.conflicts);
  put("precommitted-read", precommittedReadCases(ctx));
  put("G1a", g1aCases(ctx));
  putJudged("lost-write", lostWriteCases(ctx));
  const polls = pollSkipCases(ctx, { rebalanceResets: options.rebalanceResets });
  put("nonmonotonic-poll", polls.nonmonotonic);
  put("nonmonotonic-send", nonmonotonicSendCases(ctx));
  putJudged("poll-skip", polls.skip);
  putJudged("unseen", unseenCases(ctx));
  // kafka.clj `cycles!` runs only `(when (:type (first history)))`: a history with no client op (a nemesis-only one)
  // has no transaction graph to call empty.
  if (options.cycles !== false && h.n > 0) for (const [k, cases] of Object.entries(cycleCases(ctx, options.cycleSearchSteps))) put(k, cases);
  const subscribe = options.subscribe ?? h.subscribes;
  const allowed = allowedAnomalyTypes({ subscribe, wwDeps });
  const anomalyTypes = Object.keys(a).sort();
  return { ctx, anomalies: a, anomalyTypes, allowed: [...allowed].sort(), valid: anomalyTypes.every((t) => allowed.has(t)), subscribe, wwDeps };
}
