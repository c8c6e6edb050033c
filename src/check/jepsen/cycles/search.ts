import type { DependencyGraph } from "./graph.js";
import { SccWorkspace } from "./scc.js";

/**
 * What kind of cycle to look for (Elle's `cycle-anomaly-specs`, reduced to the edges a Kafka history has): edges
 * whose bits meet `mask`, with at least one edge meeting each of `required`.
 */
export interface CycleSpec {
  mask: number;
  required: number[];
}

/** Outcome of a search: a closed node path (first node repeated last), none, or the step budget ran out. */
export type SearchResult = number[] | null | "timeout";

/**
 * Breadth-first cycle search inside one strongly connected component (elle.bfs's job): the shortest cycle through
 * an edge of the required kind, or, for two required kinds, the shortest closed walk through a start node that
 * uses both (Elle's BFSPath states). Deterministic: starts and edges are tried in node order, and the work is
 * bounded by a step budget instead of Elle's wall-clock timeout.
 */
export class CycleSearch {
  private readonly scc: SccWorkspace;
  private readonly parent: Int32Array;
  private readonly seen: Int32Array;
  private parent4: Int32Array | null = null;
  private seen4: Int32Array | null = null;
  private stamp = 0;
  steps = 0;

  constructor(
    private readonly g: DependencyGraph,
    private readonly budget: number,
    scc?: SccWorkspace,
  ) {
    this.scc = scc ?? new SccWorkspace(g);
    this.parent = new Int32Array(g.nodes);
    this.seen = new Int32Array(g.nodes);
  }

  /** Components of the projection of `nodes` onto `mask`: the component ids (copied) and their real-op counts. */
  project(nodes: ArrayLike<number>, mask: number): { comp: Int32Array; real: Int32Array } {
    const inNodes = this.membership(nodes);
    const count = this.scc.run(nodes, inNodes, mask);
    const comp = new Int32Array(nodes.length);
    const real = new Int32Array(count);
    for (let j = 0; j < nodes.length; j++) {
      const c = this.scc.comp[nodes[j]];
      comp[j] = c;
      if (c >= 0 && nodes[j] < this.g.vertices) real[c]++;
    }
    return { comp, real };
  }

  find(nodes: ArrayLike<number>, spec: CycleSpec): SearchResult {
    const { comp, real } = this.project(nodes, spec.mask);
    const compOf = new Map<number, number>();
    for (let j = 0; j < nodes.length; j++) if (comp[j] >= 0 && real[comp[j]] >= 2) compOf.set(nodes[j], comp[j]);
    const inComp = (c: number) => (y: number) => compOf.get(y) === c;
    const { start, dst, bits } = this.g;
    if (spec.required.length === 0) {
      for (let j = 0; j < nodes.length; j++) {
        const x = nodes[j];
        if (x >= this.g.vertices || !compOf.has(x)) continue;
        return this.path(x, x, spec.mask, inComp(compOf.get(x)!));
      }
      return null;
    }
    if (spec.required.length === 1) {
      const want = spec.required[0];
      for (let j = 0; j < nodes.length; j++) {
        const x = nodes[j];
        const c = compOf.get(x);
        if (c === undefined) continue;
        for (let e = start[x]; e < start[x + 1]; e++) {
          if ((bits[e] & want) === 0 || (bits[e] & spec.mask) === 0 || compOf.get(dst[e]) !== c) continue;
          const back = this.path(dst[e], x, spec.mask, inComp(c));
          if (back === "timeout") return back;
          if (back) return [x, ...back];
        }
      }
      return null;
    }
    return this.findWithBoth(nodes, spec, compOf);
  }

  /** Shortest path from a to b (a == b: the shortest cycle through a) over mask edges between nodes in the set. */
  private path(a: number, b: number, mask: number, inside: (y: number) => boolean): number[] | null | "timeout" {
    const stamp = ++this.stamp;
    const { start, dst, bits } = this.g;
    const queue = [a];
    this.seen[a] = stamp;
    this.parent[a] = -1;
    for (let q = 0; q < queue.length; q++) {
      const x = queue[q];
      for (let e = start[x]; e < start[x + 1]; e++) {
        if (++this.steps > this.budget) return "timeout";
        if ((bits[e] & mask) === 0) continue;
        const y = dst[e];
        if (y === b) {
          // [b, x, parent(x), ..., a] reversed: the path a .. x, b (a closed cycle when a == b).
          const out = [b];
          for (let z = x; z !== -1; z = this.parent[z]) out.push(z);
          return out.reverse();
        }
        if (this.seen[y] === stamp || !inside(y)) continue;
        this.seen[y] = stamp;
        this.parent[y] = x;
        queue.push(y);
      }
    }
    return null;
  }

  /**
   * Two required kinds (G1c-realtime: a wr and a realtime edge). BFS over (node, kinds seen so far) from each start
   * until it closes on the start with both; the first simple closed walk wins. When the simpler kinds of cycle were
   * ruled out first (as Elle's search order does), the shortest such walk is always simple.
   */
  private findWithBoth(nodes: ArrayLike<number>, spec: CycleSpec, compOf: Map<number, number>): SearchResult {
    const N = this.g.nodes;
    if (!this.parent4) {
      this.parent4 = new Int32Array(4 * N);
      this.seen4 = new Int32Array(4 * N);
    }
    const parent4 = this.parent4;
    const seen4 = this.seen4!;
    const [r0, r1] = spec.required;
    const { start, dst, bits } = this.g;
    let tries = 0;
    for (let j = 0; j < nodes.length && tries < 64; j++) {
      const s = nodes[j];
      const c = compOf.get(s);
      if (s >= this.g.vertices || c === undefined) continue;
      tries++;
      const stamp = ++this.stamp;
      const queue = [s * 4];
      seen4[s * 4] = stamp;
      parent4[s * 4] = -1;
      let found = -1;
      for (let q = 0; q < queue.length && found < 0; q++) {
        const state = queue[q];
        const x = state >> 2;
        const m = state & 3;
        for (let e = start[x]; e < start[x + 1]; e++) {
          if (++this.steps > this.budget) return "timeout";
          const b = bits[e];
          if ((b & spec.mask) === 0) continue;
          const y = dst[e];
          if (compOf.get(y) !== c) continue;
          const m2 = m | ((b & r0) !== 0 ? 1 : 0) | ((b & r1) !== 0 ? 2 : 0);
          if (y === s) {
            if (m2 === 3) {
              found = state;
              break;
            }
            continue;
          }
          const next = y * 4 + m2;
          if (seen4[next] === stamp) continue;
          seen4[next] = stamp;
          parent4[next] = state;
          queue.push(next);
        }
      }
      if (found < 0) continue;
      const walk = [s];
      for (let z = found; z !== -1; z = parent4[z]) walk.push(z >> 2);
      walk.reverse();
      if (new Set(walk).size === walk.length - 1) return walk;
    }
    return null;
  }

  private membership(nodes: ArrayLike<number>): (x: number) => boolean {
    const stamp = ++this.stamp;
    for (let j = 0; j < nodes.length; j++) this.seen[nodes[j]] = stamp;
    return (x) => this.seen[x] === stamp;
  }
}
