import type { Arena } from "./arena.js";
import type { Facts } from "./facts.js";
import type { IndexedHistory } from "./indexedHistory.js";
import type { VersionOrders } from "./versionOrders.js";

/** The analysis built once (design.md §8: checkers are a pipeline): every `…Cases` function reads only this. */
export interface AnalysisContext {
  h: IndexedHistory;
  facts: Facts;
  vo: VersionOrders;
  /** Infer write-write dependencies from log offsets (Jepsen's `:ww-deps` test option). */
  wwDeps: boolean;
  /** Pick among an offset's values as Clojure's hash sets iterate (kafka.clj), else the first observed (AnalysisOptions.hashOrder). */
  hashOrder: boolean;
  /** Where the analysis' large arrays come from (see Arena). */
  arena: Arena;
}
