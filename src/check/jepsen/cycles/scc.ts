import { type Arena, NO_ARENA } from "../arena.js";
import type { DependencyGraph } from "./graph.js";

/**
 * Tarjan's strongly connected components, iterative (no recursion: a million-node history would overflow the
 * stack), over a given node list restricted by `inside(x)` and the edges whose kind bits meet `mask`. Elle finds
 * its SCCs the same way (bifurcan's `Graphs.stronglyConnectedComponents`) and searches each one on its own. The
 * workspace's arrays are allocated once per graph and only the nodes listed are reset after a run, so searching
 * many small components costs their size, not the graph's.
 */
export class SccWorkspace {
  private readonly index: Int32Array;
  private readonly low: Int32Array;
  /** Component id of each node after run(); -1 outside. Valid until the next run. */
  readonly comp: Int32Array;
  private readonly onStack: Uint8Array;
  private touched: ArrayLike<number> = [];

  constructor(
    private readonly g: DependencyGraph,
    arena: Arena = NO_ARENA,
  ) {
    this.index = arena.int32(g.nodes).fill(-1);
    this.low = arena.int32(g.nodes);
    this.comp = arena.int32(g.nodes).fill(-1);
    this.onStack = arena.uint8(g.nodes);
  }

  /** Components of the whole graph over `mask` edges; returns their count. */
  runAll(mask: number): number {
    this.reset();
    const all = { length: this.g.nodes } as ArrayLike<number>;
    this.touched = { length: 0 };
    return this.search(all, () => true, mask, true);
  }

  /** Components of the subgraph; returns their count (ids 0..count-1 in comp). */
  run(nodes: ArrayLike<number>, inside: (x: number) => boolean, mask: number): number {
    this.reset();
    this.touched = nodes;
    return this.search(nodes, inside, mask, false);
  }

  private resetAll = false;

  private reset(): void {
    if (this.resetAll) {
      this.index.fill(-1);
      this.comp.fill(-1);
      this.resetAll = false;
    }
    for (let j = 0; j < this.touched.length; j++) {
      const x = this.touched[j];
      this.index[x] = -1;
      this.comp[x] = -1;
    }
  }

  private search(nodes: ArrayLike<number>, inside: (x: number) => boolean, mask: number, all: boolean): number {
    if (all) this.resetAll = true;
    const { index, low, comp, onStack } = this;
    const { start, dst, bits } = this.g;
    const stack: number[] = [];
    const callNode: number[] = [];
    const callEdge: number[] = [];
    let next = 0;
    let count = 0;
    for (let r = 0; r < nodes.length; r++) {
      const root = all ? r : nodes[r];
      if (index[root] >= 0 || !inside(root)) continue;
      index[root] = low[root] = next++;
      stack.push(root);
      onStack[root] = 1;
      callNode.push(root);
      callEdge.push(start[root]);
      while (callNode.length > 0) {
        const top = callNode.length - 1;
        const x = callNode[top];
        let descended = false;
        for (let e = callEdge[top]; e < start[x + 1]; e++) {
          if ((bits[e] & mask) === 0) continue;
          const y = dst[e];
          if (!inside(y)) continue;
          if (index[y] < 0) {
            callEdge[top] = e + 1;
            index[y] = low[y] = next++;
            stack.push(y);
            onStack[y] = 1;
            callNode.push(y);
            callEdge.push(start[y]);
            descended = true;
            break;
          }
          if (onStack[y] && index[y] < low[x]) low[x] = index[y];
        }
        if (descended) continue;
        callNode.pop();
        callEdge.pop();
        if (low[x] === index[x]) {
          let y: number;
          do {
            y = stack.pop()!;
            onStack[y] = 0;
            comp[y] = count;
          } while (y !== x);
          count++;
        }
        if (callNode.length > 0) {
          const parent = callNode[callNode.length - 1];
          if (low[x] < low[parent]) low[parent] = low[x];
        }
      }
    }
    return count;
  }
}
