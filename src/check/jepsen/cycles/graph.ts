import type { AnalysisContext } from "../context.js";
import { E_POLL, E_SEND, F_POLL, F_SEND, F_TXN, INVOKE, OK } from "../indexedHistory.js";

/** Dependency kinds as bits (Elle's rels: ww, wr, realtime; kafka.clj draws no rw or process edges). */
export const WW = 1;
export const WR = 2;
export const RT = 4;

/**
 * The dependency graph between completed send/poll/txn ops (kafka.clj `graph` + Elle's `realtime-graph`), as CSR
 * over int nodes. Nodes 0..vertices-1 are ops; the rest are a chain of *time points*, one per relevant position
 * in the history, linked forward. An ok op links to the point of its completion and the point of an op's
 * invocation links to that op, so "a completed before b was invoked" is a path a → point → … → point → b: the
 * whole real-time order in O(n) edges instead of Elle's transitive reduction (same reachability, same cycles).
 */
export interface DependencyGraph {
  /** Node count: vertices (ops) then time points. */
  nodes: number;
  vertices: number;
  /** op position of each vertex. */
  opOf: Int32Array;
  /** vertex of each op position, -1 if the op is not a vertex. */
  vertexOf: Int32Array;
  /** CSR: out-edges of node x are dst[start[x]..start[x+1]), with their kind bits. */
  start: Int32Array;
  dst: Int32Array;
  bits: Uint8Array;
  /** Whether Elle's graph would have any vertex (else :empty-transaction-graph). */
  empty: boolean;
}

/**
 * Builds the graph. ww (only with `wwDeps`, kafka.clj `ww-graph`): the writer of each value's predecessor in the
 * version order → the value's writer. wr (`wr-graph`): the writer of each value read → every other op that read it
 * (every read, not only the highest: that is what wr-graph draws). Realtime: as above, from ok ops only, to ops of
 * any outcome (Elle links to failed and crashed ops too).
 */
export function buildDependencyGraph(ctx: AnalysisContext): DependencyGraph {
  const { h, facts, vo, wwDeps, arena } = ctx;
  const vertexOf = arena.int32(h.n).fill(-1);
  let V = 0;
  for (let i = 0; i < h.n; i++) {
    const f = h.f[i];
    if (h.type[i] !== INVOKE && (f === F_SEND || f === F_POLL || f === F_TXN)) vertexOf[i] = V++;
  }
  const opOf = arena.int32(V);
  for (let i = 0; i < h.n; i++) if (vertexOf[i] >= 0) opOf[vertexOf[i]] = i;
  // Time points: the completion of each ok vertex and the invocation of each vertex that has one.
  const point = arena.int32(h.n).fill(-1);
  let points = 0;
  let firstOkCompletion = Infinity;
  let lastInvocation = -1;
  for (let i = 0; i < h.n; i++) {
    const t = h.type[i];
    if (t === INVOKE) {
      const c = h.pair[i];
      if (c >= 0 && vertexOf[c] >= 0) {
        point[i] = V + points++;
        lastInvocation = i;
      }
    } else if (t === OK && vertexOf[i] >= 0) {
      point[i] = V + points++;
      if (i < firstOkCompletion) firstOkCompletion = i;
    }
  }
  const nodes = V + points;
  // Two passes over the same edges, without materialising an edge list: count out-degrees, then fill the CSR.
  // Parallel edges (a writer read twice by one reader) are kept: Tarjan and the search do not mind them.
  const start = arena.int32(nodes + 1);
  let dst: Int32Array = new Int32Array(0);
  let bits: Uint8Array = new Uint8Array(0);
  let dataEdges = 0;
  const { kvBase, writer } = facts;
  const each = (link: (a: number, b: number, kind: number) => void) => {
    for (let i = 0; i < h.n; i++) {
      const b = vertexOf[i];
      if (b < 0) continue;
      for (let e = h.opStart[i]; e < h.opStart[i + 1]; e++) {
        const k = h.eKey[e];
        const v = h.eVal[e];
        if (h.eKind[e] === E_POLL) {
          const w = writer[kvBase[k] + v];
          if (w >= 0 && w !== i) link(vertexOf[w], b, WR);
        } else if (wwDeps && h.eKind[e] === E_SEND && writer[kvBase[k] + v] === i) {
          // Once per written value (writer-of keeps the last writer): its predecessor's writer → this op.
          const order = vo.orders[k];
          const i2 = order.byValue[v];
          if (i2 <= 0) continue;
          const w = writer[kvBase[k] + order.byIndex[i2 - 1]];
          if (w >= 0 && w !== i) link(vertexOf[w], b, WW);
        }
      }
    }
    let prev = -1;
    for (let i = 0; i < h.n; i++) {
      const p = point[i];
      if (p < 0) continue;
      if (prev >= 0) link(prev, p, RT);
      prev = p;
      if (h.type[i] === INVOKE) link(p, vertexOf[h.pair[i]], RT);
      else link(vertexOf[i], p, RT);
    }
  };
  each((a, _b, kind) => {
    start[a + 1]++;
    if (kind !== RT) dataEdges++;
  });
  for (let x = 0; x < nodes; x++) start[x + 1] += start[x];
  dst = arena.int32(start[nodes]);
  bits = arena.uint8(start[nodes]);
  // Fill each node's slots from the back, moving start[a + 1] down to a's first slot; then shift the array left by
  // one: no second offsets array.
  const total = start[nodes];
  each((a, b, kind) => {
    const at = --start[a + 1];
    dst[at] = b;
    bits[at] = kind;
  });
  for (let x = 0; x < nodes; x++) start[x] = start[x + 1];
  start[nodes] = total;
  return { nodes, vertices: V, opOf, vertexOf, start, dst, bits, empty: dataEdges === 0 && !(firstOkCompletion < lastInvocation) };
}
