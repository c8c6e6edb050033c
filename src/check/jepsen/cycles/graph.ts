import type { AnalysisContext } from "../context.js";
import { IntColumn } from "../growable.js";
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
  const { h, facts, vo, wwDeps } = ctx;
  const vertexOf = new Int32Array(h.n).fill(-1);
  const opOf = new IntColumn(h.n);
  for (let i = 0; i < h.n; i++) {
    const f = h.f[i];
    if (h.type[i] !== INVOKE && (f === F_SEND || f === F_POLL || f === F_TXN)) {
      vertexOf[i] = opOf.length;
      opOf.push(i);
    }
  }
  const V = opOf.length;
  const src = new IntColumn(h.entries + 2 * V);
  const dst = new IntColumn(h.entries + 2 * V);
  const kind = new IntColumn(h.entries + 2 * V);
  const link = (a: number, b: number, k: number) => {
    src.push(a);
    dst.push(b);
    kind.push(k);
  };
  let dataEdges = 0;
  const { kvBase, writer } = facts;
  for (let i = 0; i < h.n; i++) {
    const b = vertexOf[i];
    if (b < 0) continue;
    for (let e = h.opStart[i]; e < h.opStart[i + 1]; e++) {
      const k = h.eKey[e];
      const v = h.eVal[e];
      if (h.eKind[e] === E_POLL) {
        const w = writer[kvBase[k] + v];
        if (w >= 0 && w !== i) {
          link(vertexOf[w], b, WR);
          dataEdges++;
        }
      } else if (wwDeps && h.eKind[e] === E_SEND && writer[kvBase[k] + v] === i) {
        // Once per written value (writer-of keeps the last writer): its predecessor's writer → this op.
        const order = vo.orders[k];
        const i2 = order.byValue[v];
        if (i2 <= 0) continue;
        const w = writer[kvBase[k] + order.byIndex[i2 - 1]];
        if (w >= 0 && w !== i) {
          link(vertexOf[w], b, WW);
          dataEdges++;
        }
      }
    }
  }
  // Time points: the completion of each ok vertex and the invocation of each vertex that has one.
  const point = new Int32Array(h.n).fill(-1);
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
  let prev = -1;
  for (let i = 0; i < h.n; i++) {
    const p = point[i];
    if (p < 0) continue;
    if (prev >= 0) link(prev, p, RT);
    prev = p;
    if (h.type[i] === INVOKE) link(p, vertexOf[h.pair[i]], RT);
    else link(vertexOf[i], p, RT);
  }
  const nodes = V + points;
  const { start, to, bits } = toCsr(nodes, src.view(), dst.view(), kind.view());
  return { nodes, vertices: V, opOf: opOf.view(), vertexOf, start, dst: to, bits, empty: dataEdges === 0 && !(firstOkCompletion < lastInvocation) };
}

/** Counting sort by source; parallel edges between the same pair merge their kind bits. */
function toCsr(nodes: number, src: Int32Array, dst: Int32Array, kind: Int32Array): { start: Int32Array; to: Int32Array; bits: Uint8Array } {
  const m = src.length;
  const count = new Int32Array(nodes + 1);
  for (let e = 0; e < m; e++) count[src[e] + 1]++;
  for (let x = 0; x < nodes; x++) count[x + 1] += count[x];
  const fill = count.slice(0, nodes);
  const order = new Int32Array(m);
  for (let e = 0; e < m; e++) order[fill[src[e]]++] = e;
  const start = new Int32Array(nodes + 1);
  const to = new Int32Array(m);
  const bits = new Uint8Array(m);
  const seenAt = new Int32Array(nodes).fill(-1);
  let out = 0;
  for (let x = 0; x < nodes; x++) {
    start[x] = out;
    for (let j = count[x]; j < count[x + 1]; j++) {
      const e = order[j];
      const y = dst[e];
      const at = seenAt[y];
      if (at >= start[x]) bits[at] |= kind[e];
      else {
        seenAt[y] = out;
        to[out] = y;
        bits[out++] = kind[e];
      }
    }
  }
  start[nodes] = out;
  return { start, to: to.subarray(0, out), bits: bits.subarray(0, out) };
}
