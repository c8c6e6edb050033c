import { describe, expect, it } from "vitest";
import { analyzeKafkaHistory } from "../../../src/check/jepsen/analysis.js";
import { buildDependencyGraph, type DependencyGraph, RT, WR, WW } from "../../../src/check/jepsen/cycles/graph.js";
import { impossibleCycleTypes, impossibleWith } from "../../../src/check/jepsen/cycles/models.js";
import { SccWorkspace } from "../../../src/check/jepsen/cycles/scc.js";
import { CycleSearch } from "../../../src/check/jepsen/cycles/search.js";
import { errors, history, o } from "../../support/jepsen.js";

/**
 * Elle's cycle machinery as kafka.clj's `cycles!` uses it, checked against brute force on small graphs: Tarjan's
 * components (bifurcan's stronglyConnectedComponents), the cycle search (elle.bfs), and the dependency graph
 * kafka.clj's `graph` and Elle's realtime graph draw between ops.
 */

/** A CSR graph from an edge list: nodes 0..vertices-1 are ops, the rest time points. */
function graph(nodes: number, vertices: number, edges: [number, number, number][]): DependencyGraph {
  const start = new Int32Array(nodes + 1);
  for (const [a] of edges) start[a + 1]++;
  for (let x = 0; x < nodes; x++) start[x + 1] += start[x];
  const fill = start.slice(0, nodes);
  const dst = new Int32Array(edges.length);
  const bits = new Uint8Array(edges.length);
  for (const [a, b, k] of edges) {
    dst[fill[a]] = b;
    bits[fill[a]++] = k;
  }
  return { nodes, vertices, opOf: Int32Array.from({ length: vertices }, (_, i) => i), vertexOf: Int32Array.from({ length: vertices }, (_, i) => i), start, dst, bits, empty: false };
}

/** A seeded pseudo-random graph (an LCG: reproducible, no Math.random). */
function randomGraph(seed: number, nodes: number, vertices: number, edgeCount: number): { g: DependencyGraph; edges: [number, number, number][] } {
  let s = seed >>> 0;
  const next = (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
  const edges: [number, number, number][] = [];
  // No self-edges: kafka.clj's graphs draw none ("No self-edges" in ww-graph, writer ≠ reader in wr-graph).
  while (edges.length < edgeCount) {
    const [a, b, k] = [next(nodes), next(nodes), [WW, WR, RT, WW | RT][next(4)]];
    if (a !== b) edges.push([a, b, k]);
  }
  return { g: graph(nodes, vertices, edges), edges };
}

/** reach[a][b]: a path of one or more mask edges from a to b, through nodes in `inside` only. */
function reachability(n: number, edges: [number, number, number][], mask: number, inside: (x: number) => boolean): boolean[][] {
  const r = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
  for (const [a, b, k] of edges) if (k & mask && inside(a) && inside(b)) r[a][b] = true;
  for (let m = 0; m < n; m++) for (let a = 0; a < n; a++) if (r[a][m]) for (let b = 0; b < n; b++) if (r[m][b]) r[a][b] = true;
  return r;
}

/** Shortest number of mask edges from a to b inside the set (Infinity if none). */
function distance(n: number, edges: [number, number, number][], mask: number, inside: (x: number) => boolean, a: number, b: number): number {
  const d = new Array<number>(n).fill(Infinity);
  d[a] = 0;
  const queue = [a];
  for (let q = 0; q < queue.length; q++)
    for (const [x, y, k] of edges)
      if (x === queue[q] && k & mask && inside(y) && d[y] === Infinity) {
        d[y] = d[x] + 1;
        queue.push(y);
      }
  return d[b];
}

describe("SccWorkspace: Tarjan's components agree with mutual reachability", () => {
  it("over whole random graphs and masks, and again on subsets (the workspace reused, only touched nodes reset)", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const n = 4 + (seed % 9);
      const { g, edges } = randomGraph(seed, n, n - 1, n + (seed % 7) * 2);
      const scc = new SccWorkspace(g);
      for (const mask of [WW, WW | WR, WW | WR | RT, RT]) {
        const count = scc.runAll(mask);
        const r = reachability(n, edges, mask, () => true);
        const same = (a: number, b: number) => a === b || (r[a][b] && r[b][a]);
        for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) expect(scc.comp[a] === scc.comp[b], `seed ${seed} mask ${mask} ${a}~${b}`).toBe(same(a, b));
        expect(count).toBe(new Set(Array.from(scc.comp)).size);
        expect(Math.max(...scc.comp)).toBe(count - 1);
        // A subset: every other node, with `inside` the subset.
        const sub = Array.from({ length: n }, (_, x) => x).filter((x) => x % 2 === seed % 2);
        const inSub = (x: number) => sub.includes(x);
        const subCount = scc.run(sub, inSub, mask);
        const rs = reachability(n, edges, mask, inSub);
        for (const a of sub) for (const b of sub) expect(scc.comp[a] === scc.comp[b], `subset seed ${seed} ${a}~${b}`).toBe(a === b || (rs[a][b] && rs[b][a]));
        for (let x = 0; x < n; x++) if (!inSub(x)) expect(scc.comp[x]).toBe(-1);
        expect(subCount).toBe(new Set(sub.map((x) => scc.comp[x])).size);
      }
    }
  });

  it("a deep chain closing on itself is one component, without recursion", () => {
    const n = 50_000;
    const edges: [number, number, number][] = Array.from({ length: n }, (_, x) => [x, (x + 1) % n, WR]);
    const scc = new SccWorkspace(graph(n, n, edges));
    expect(scc.runAll(WR)).toBe(1);
    expect(scc.runAll(WW)).toBe(n);
  });
});

describe("CycleSearch.find: shortest cycles through a required kind of edge (elle.bfs)", () => {
  /** Checks a closed walk (mask edges only, first node repeated last); the kinds of each step's edges. */
  const closedWalk = (edges: [number, number, number][], walk: number[], mask: number) => {
    expect(walk[0]).toBe(walk[walk.length - 1]);
    const kinds: number[] = [];
    for (let j = 0; j + 1 < walk.length; j++) {
      const k = edges.filter(([a, b, k]) => a === walk[j] && b === walk[j + 1] && k & mask).reduce((m, e) => m | e[2], 0);
      expect(k, `edge ${walk[j]}→${walk[j + 1]}`).not.toBe(0);
      kinds.push(k);
    }
    return kinds;
  };

  it("one required kind: from the first node (in order) with such an edge on a cycle, that edge then the shortest way back", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const n = 5 + (seed % 6);
      const { g, edges } = randomGraph(seed * 7919, n, n - 2, 2 * n);
      const nodes = Array.from({ length: n }, (_, x) => x);
      for (const spec of [{ mask: WW | WR, required: [WR] }, { mask: WW | RT, required: [RT] }]) {
        const found = new CycleSearch(g, 1e9).find(nodes, spec);
        // Brute force: the first node x and first CSR edge x→y of the required kind whose y reaches back to x
        // inside x's component, among real ops' components.
        const r = reachability(n, edges, spec.mask, () => true);
        const comp = (x: number) => nodes.filter((y) => y === x || (r[x][y] && r[y][x]));
        const realComp = (x: number) => comp(x).filter((y) => y < g.vertices).length >= 2;
        let want: number[] | null = null;
        for (const x of nodes) {
          if (want || !realComp(x)) continue;
          for (let e = g.start[x]; e < g.start[x + 1] && !want; e++) {
            const y = g.dst[e];
            if (!(g.bits[e] & spec.required[0]) || !(g.bits[e] & spec.mask) || !comp(x).includes(y)) continue;
            const inC = (z: number) => comp(x).includes(z);
            const d = distance(n, edges, spec.mask, inC, y, x);
            if (d < Infinity) want = [x, d + 1];
          }
        }
        if (want === null) expect(found, `seed ${seed}`).toBeNull();
        else {
          expect(Array.isArray(found), `seed ${seed}`).toBe(true);
          const walk = found as number[];
          expect([walk[0], walk.length - 1], `seed ${seed}`).toEqual(want);
          expect(closedWalk(edges, walk, spec.mask)[0] & spec.required[0], `seed ${seed}`).not.toBe(0);
        }
      }
    }
  });

  it("no required kind (G0): the shortest cycle through the first real op of a cyclic component", () => {
    // 0 → 1 → 0 is the shortest through 0 even though 0 → 2 → 3 → 0 comes first in edge order.
    const edges: [number, number, number][] = [
      [0, 2, WW],
      [0, 1, WW],
      [1, 0, WW],
      [2, 3, WW],
      [3, 0, WW],
      [4, 4, WW],
    ];
    const g = graph(6, 5, edges);
    const search = new CycleSearch(g, 1e9);
    expect(search.find([0, 1, 2, 3, 4, 5], { mask: WW, required: [] })).toEqual([0, 1, 0]);
    // Time points (node 5) never start a search; a node alone (4, with a self-loop) is no component of two ops.
    expect(search.find([4], { mask: WW, required: [] })).toBeNull();
    expect(search.find([2, 3, 0], { mask: WW, required: [] })).toEqual([2, 3, 0, 2]);
    expect(search.find([0, 1], { mask: WR, required: [] })).toBeNull();
  });

  it("a component of one op and time points is not searched (Elle's graph has only ops)", () => {
    const g = graph(3, 1, [
      [0, 1, RT],
      [1, 2, RT],
      [2, 0, RT],
    ]);
    expect(new CycleSearch(g, 1e9).find([0, 1, 2], { mask: RT, required: [RT] })).toBeNull();
    expect(new CycleSearch(g, 1e9).find([0, 1, 2], { mask: RT, required: [] })).toBeNull();
  });

  it("two required kinds (G1c-realtime): a simple closed walk with both; a figure eight is not a cycle", () => {
    // 0 -wr-> 1 -rt-> 2 -ww-> 0: found from 0.
    const ring = graph(3, 3, [
      [0, 1, WR],
      [1, 2, RT],
      [2, 0, WW],
    ]);
    const spec = { mask: WW | WR | RT, required: [WR, RT] };
    expect(new CycleSearch(ring, 1e9).find([0, 1, 2], spec)).toEqual([0, 1, 2, 0]);
    // Without the realtime edge there is no such cycle.
    expect(new CycleSearch(ring, 1e9).find([0, 1, 2], { mask: WW | WR, required: [WR, RT] })).toBeNull();
    // A wr loop 0 ⇄ 1 and a realtime loop 0 ⇄ 2 share op 0: a walk with both passes 0 twice.
    const eight = graph(3, 3, [
      [0, 1, WR],
      [1, 0, WR],
      [0, 2, RT],
      [2, 0, RT],
    ]);
    expect(new CycleSearch(eight, 1e9).find([0, 1, 2], spec)).toBeNull();
    // Add a realtime edge 1 → 2 and a wr edge 2 → 0: now 0 → 1 → 2 → 0 uses both kinds and is simple.
    const more = graph(3, 3, [
      [0, 1, WR],
      [1, 0, WR],
      [0, 2, RT],
      [2, 0, RT],
      [1, 2, RT],
    ]);
    expect(new CycleSearch(more, 1e9).find([0, 1, 2], spec)).toEqual([0, 1, 2, 0]);
    // An edge carrying both kinds counts for both.
    const both = graph(2, 2, [
      [0, 1, WR | RT],
      [1, 0, WW],
    ]);
    expect(new CycleSearch(both, 1e9).find([0, 1], spec)).toEqual([0, 1, 0]);
  });

  it("runs out of its step budget with 'timeout', in every kind of search", () => {
    const { g } = randomGraph(3, 12, 12, 60);
    const nodes = Array.from({ length: 12 }, (_, x) => x);
    for (const spec of [{ mask: WW | WR | RT, required: [] }, { mask: WW | WR | RT, required: [WR] }, { mask: WW | WR | RT, required: [WR, RT] }]) {
      expect(new CycleSearch(g, 0).find(nodes, spec)).toBe("timeout");
      expect(new CycleSearch(g, 1e9).find(nodes, spec)).not.toBe("timeout");
    }
    const s = new CycleSearch(g, 1e9);
    s.find(nodes, { mask: WW | WR | RT, required: [WR] });
    expect(s.steps).toBeGreaterThan(0);
  });

  it("project: components over a mask, and how many real ops each holds", () => {
    const g = graph(4, 2, [
      [0, 2, RT],
      [2, 1, RT],
      [1, 3, RT],
      [3, 0, RT],
      [0, 1, WR],
    ]);
    const { comp, real } = new CycleSearch(g, 1e9).project([0, 1, 2, 3], RT);
    expect(new Set(comp).size).toBe(1);
    expect(Array.from(real)).toEqual([2]);
    const wr = new CycleSearch(g, 1e9).project([0, 1, 2, 3], WR);
    expect(Array.from(wr.real).sort()).toEqual([0, 0, 1, 1]);
  });
});

describe("the dependency graph (kafka.clj `graph`, Elle's realtime graph)", () => {
  it("vertices are completed send, poll and txn ops; a writer's read of its own write draws no edge", () => {
    const h = history([
      o(0, 0, "invoke", "txn", [["send", "x", "a"], ["poll"]]),
      o(1, 0, "ok", "txn", [["send", "x", [0, "a"]], ["poll", { x: [[0, "a"]] }]]),
      o(2, 1, "invoke", "assign", ["x"]),
      o(3, 1, "ok", "assign", ["x"]),
    ]);
    const g = buildDependencyGraph(analyzeKafkaHistory(h).ctx);
    expect(g.vertices).toBe(1);
    expect(Array.from(g.opOf)).toEqual([1]);
    expect(Array.from(g.vertexOf)).toEqual([-1, 0, -1, -1]);
    expect(g.empty).toBe(true);
  });

  it("realtime: an ok op completing before another is invoked makes the graph non-empty; concurrent ops do not", () => {
    const seq = history([o(0, 0, "invoke", "send", [["send", "x", "a"]]), o(1, 0, "ok", "send", [["send", "x", [0, "a"]]]), o(2, 1, "invoke", "send", [["send", "y", "b"]]), o(3, 1, "ok", "send", [["send", "y", [0, "b"]]])]);
    expect(buildDependencyGraph(analyzeKafkaHistory(seq).ctx).empty).toBe(false);
    expect(errors(seq)["empty-transaction-graph"]).toBeUndefined();
    const conc = history([o(0, 0, "invoke", "send", [["send", "x", "a"]]), o(1, 1, "invoke", "send", [["send", "y", "b"]]), o(2, 0, "ok", "send", [["send", "x", [0, "a"]]]), o(3, 1, "ok", "send", [["send", "y", [0, "b"]]])]);
    expect(buildDependencyGraph(analyzeKafkaHistory(conc).ctx).empty).toBe(true);
    // A crashed op completing first orders nothing: realtime edges start at ok completions.
    const crashed = history([o(0, 0, "invoke", "send", [["send", "x", "a"]]), o(1, 0, "info", "send", [["send", "x", "a"]]), o(2, 1, "invoke", "send", [["send", "y", "b"]]), o(3, 1, "ok", "send", [["send", "y", [0, "b"]]])]);
    expect(buildDependencyGraph(analyzeKafkaHistory(crashed).ctx).empty).toBe(true);
    // A wr edge alone is enough.
    const wr = history([o(0, 0, "invoke", "send", [["send", "x", "a"]]), o(1, 1, "invoke", "poll", [["poll"]]), o(2, 0, "ok", "send", [["send", "x", [0, "a"]]]), o(3, 1, "ok", "poll", [["poll", { x: [[0, "a"]] }]])]);
    expect(buildDependencyGraph(analyzeKafkaHistory(wr).ctx).empty).toBe(false);
  });

  it("G1c-realtime through a failed send: realtime edges reach ops of any outcome, and a failed write still has a writer", () => {
    // The poll read b, then completed; only after that was b's send invoked, and it failed.
    const h = [o(0, 0, "invoke", "poll", [["poll"]]), o(1, 0, "ok", "poll", [["poll", { x: [[0, "b"]] }]]), o(2, 1, "invoke", "send", [["send", "x", "b"]]), o(3, 1, "fail", "send", [["send", "x", [0, "b"]]])];
    expect(errors(h)["G1c-realtime"]).toEqual([{ type: "G1c-realtime", cycle: [1, 3, 1], steps: [{ type: "realtime", "a'": 1, b: 2 }, { type: "wr", key: "x", value: "b", "a-mop-index": 0, "b-mop-index": 0 }] }]);
    // A crashed poll completes nothing in Elle's realtime order: no cycle.
    const crashed = [o(0, 0, "invoke", "poll", [["poll"]]), o(1, 0, "info", "poll", [["poll", { x: [[0, "b"]] }]]), o(2, 1, "invoke", "send", [["send", "x", "b"]]), o(3, 1, "ok", "send", [["send", "x", [0, "b"]]])];
    expect(errors(crashed)["G1c-realtime"]).toBeUndefined();
  });

  it("ww (with ww-deps): once per value, from its predecessor's last writer; the first value and self-edges draw none", () => {
    const h = history([
      o(0, 0, "invoke", "send", [["send", "x", "a"], ["send", "x", "b"]]),
      o(1, 1, "invoke", "send", [["send", "x", "c"]]),
      o(2, 0, "ok", "send", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]]]),
      o(3, 1, "ok", "send", [["send", "x", [2, "c"]]]),
    ]);
    const g = buildDependencyGraph(analyzeKafkaHistory(h, { wwDeps: true }).ctx);
    const data: number[][] = [];
    for (let x = 0; x < g.nodes; x++) for (let e = g.start[x]; e < g.start[x + 1]; e++) if (g.bits[e] !== RT) data.push([x, g.dst[e], g.bits[e]]);
    expect(data).toEqual([[0, 1, WW]]);
    expect(buildDependencyGraph(analyzeKafkaHistory(h).ctx).empty).toBe(true);
  });
});

/** Three transactions, each reading the next one's write: a wr cycle of three ops (G1c) and no ww. */
function wrTriangle() {
  return [
    o(0, 0, "invoke", "txn", [["send", "x", "a"], ["poll"]]),
    o(1, 1, "invoke", "txn", [["send", "y", "b"], ["poll"]]),
    o(2, 2, "invoke", "txn", [["send", "z", "c"], ["poll"]]),
    o(3, 0, "ok", "txn", [["send", "x", [0, "a"]], ["poll", { z: [[0, "c"]] }]]),
    o(4, 1, "ok", "txn", [["send", "y", [0, "b"]], ["poll", { x: [[0, "a"]] }]]),
    o(5, 2, "ok", "txn", [["send", "z", [0, "c"]], ["poll", { y: [[0, "b"]] }]]),
  ];
}

describe("cycles! over the analysis", () => {
  it("G0 explained with each step's micro-op indices; components reported in the order of their first op", () => {
    // Two independent write cycles: ops 2/3 on x,y and ops 6/7 on p,q (second micro-ops).
    const pairOf = (base: number, k1: string, k2: string) => [
      o(base, base, "invoke", "send", [["send", "z", base], ["send", k1, "a"], ["send", k2, "a"]]),
      o(base + 1, base + 1, "invoke", "send", [["send", k1, "b"], ["send", k2, "b"]]),
      o(base + 2, base, "ok", "send", [["send", "z", [base, base]], ["send", k1, [0, "a"]], ["send", k2, [1, "a"]]]),
      o(base + 3, base + 1, "ok", "send", [["send", k1, [1, "b"]], ["send", k2, [0, "b"]]]),
    ];
    const e = errors([...pairOf(0, "x", "y"), ...pairOf(4, "p", "q")], { wwDeps: true });
    expect(e.G0).toEqual([
      {
        type: "G0",
        cycle: [2, 3, 2],
        steps: [
          { type: "ww", key: "x", value: "a", "value'": "b", "a-mop-index": 1, "b-mop-index": 0 },
          { type: "ww", key: "y", value: "b", "value'": "a", "a-mop-index": 1, "b-mop-index": 2 },
        ],
      },
      {
        type: "G0",
        cycle: [6, 7, 6],
        steps: [
          { type: "ww", key: "p", value: "a", "value'": "b", "a-mop-index": 1, "b-mop-index": 0 },
          { type: "ww", key: "q", value: "b", "value'": "a", "a-mop-index": 1, "b-mop-index": 2 },
        ],
      },
    ]);
    // z chains the components (z's values follow one another) but closes no cycle of its own.
    expect(e["PL-1-cycle-exists"]).toEqual([
      { type: "PL-1-cycle-exists", not: "read-uncommitted", subgraph: ["union", "ww", "wwp"], "scc-size": 2, scc: [2, 3] },
      { type: "PL-1-cycle-exists", not: "read-uncommitted", subgraph: ["union", "ww", "wwp"], "scc-size": 2, scc: [6, 7] },
    ]);
    // G0 implies the rest: nothing else searched. (Nothing was polled, so every write is unseen.)
    expect(Object.keys(e).sort()).toEqual(["G0", "PL-1-cycle-exists", "unseen"]);
  });

  it("cycle-exists names the smallest cyclic component of the weakest model violated, then skips what it implies", () => {
    // A wr cycle of three ops (G1c), no ww: PL-2 is the weakest violated, PL-1 holds so G0 is not searched.
    const h = wrTriangle();
    const e = errors(h);
    expect(e["PL-2-cycle-exists"]).toEqual([{ type: "PL-2-cycle-exists", not: "read-committed", subgraph: ["union", "ww", "wwp", "wr", "wrp"], "scc-size": 3, scc: [3, 4, 5] }]);
    expect(e.G1c).toEqual([
      {
        type: "G1c",
        cycle: [3, 4, 5, 3],
        steps: [
          { type: "wr", key: "x", value: "a", "a-mop-index": 0, "b-mop-index": 1 },
          { type: "wr", key: "y", value: "b", "a-mop-index": 0, "b-mop-index": 1 },
          { type: "wr", key: "z", value: "c", "a-mop-index": 0, "b-mop-index": 1 },
        ],
      },
    ]);
    expect(Object.keys(e).sort()).toEqual(["G1c", "PL-2-cycle-exists"]);
  });

  it("cycle-search-timeout: a search that runs out of its budget says which kind it was after and what was ruled out before, and stops there (Elle's cycle-search-timeout case)", () => {
    // The wr triangle above: PL-1 holds, so G0 is not searched; G1c is the first search.
    const h = wrTriangle();
    const starved = errors(h, { cycleSearchSteps: 0 });
    expect(starved["cycle-search-timeout"]).toEqual([{ type: "cycle-search-timeout", "anomaly-spec-type": "G1c", "does-not-contain": [], "scc-size": 3 }]);
    // The cycle-exists case needs no search budget (a projection's components); no cycle was found, none reported.
    expect(Object.keys(starved).sort()).toEqual(["PL-2-cycle-exists", "cycle-search-timeout"]);
    // A budget is a count of edge visits: below some count the search times out, from it on it finds the cycle.
    const outcomes = Array.from({ length: 40 }, (_, steps) => Object.keys(errors(h, { cycleSearchSteps: steps })).sort().join(","));
    const first = outcomes.indexOf("G1c,PL-2-cycle-exists");
    expect(first).toBeGreaterThan(0);
    expect(outcomes.slice(0, first).every((x) => x === "PL-2-cycle-exists,cycle-search-timeout")).toBe(true);
    expect(outcomes.slice(first).every((x) => x === "G1c,PL-2-cycle-exists")).toBe(true);
  });

  it("cycle-exists names the smallest cyclic sub-component of a component, not the first Tarjan closes", () => {
    // Elle's cycle-exists-cases sorts the projection's SCCs by size. A wr triangle (ops 3-5) completes before a wr
    // pair (ops 8, 9) is invoked, and op 3 also read the pair's q: one component over ww+wr+realtime, two over wr.
    const h = [
      o(0, 0, "invoke", "txn", [["send", "x", "a"], ["poll"]]),
      o(1, 1, "invoke", "txn", [["send", "y", "b"], ["poll"]]),
      o(2, 2, "invoke", "txn", [["send", "z", "c"], ["poll"]]),
      o(3, 0, "ok", "txn", [["send", "x", [0, "a"]], ["poll", { z: [[0, "c"]], q: [[0, "e"]] }]]),
      o(4, 1, "ok", "txn", [["send", "y", [0, "b"]], ["poll", { x: [[0, "a"]] }]]),
      o(5, 2, "ok", "txn", [["send", "z", [0, "c"]], ["poll", { y: [[0, "b"]] }]]),
      o(6, 3, "invoke", "txn", [["send", "p", "d"], ["poll"]]),
      o(7, 4, "invoke", "txn", [["send", "q", "e"], ["poll"]]),
      o(8, 3, "ok", "txn", [["send", "p", [0, "d"]], ["poll", { q: [[0, "e"]] }]]),
      o(9, 4, "ok", "txn", [["send", "q", [0, "e"]], ["poll", { p: [[0, "d"]] }]]),
    ];
    expect(errors(h)["PL-2-cycle-exists"]).toEqual([{ type: "PL-2-cycle-exists", not: "read-committed", subgraph: ["union", "ww", "wwp", "wr", "wrp"], "scc-size": 2, scc: [8, 9] }]);
  });

  it("the model lattice: a failed model takes every stronger one along; what still holds rules its anomalies out", () => {
    expect([...impossibleWith("strong-PL-1")].sort()).toEqual(["PL-SS", "strong-PL-1", "strong-PL-2", "strong-snapshot-isolation"]);
    expect([...impossibleWith("PL-1")]).toHaveLength(13);
    expect([...impossibleCycleTypes([])].sort()).toEqual(["G0", "G0-realtime", "G1c", "G1c-realtime"]);
    expect([...impossibleCycleTypes(["strong-PL-1"])].sort()).toEqual(["G0", "G1c"]);
    expect([...impossibleCycleTypes(["PL-1", "strong-PL-1"])]).toEqual([]);
  });
});
