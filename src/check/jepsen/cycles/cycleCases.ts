import type { CycleCase, CycleExistsCase, CycleSearchTimeoutCase, CycleStep } from "../cases.js";
import type { AnalysisContext } from "../context.js";
import { E_POLL, E_SEND } from "../indexedHistory.js";
import { buildDependencyGraph, type DependencyGraph, RT, WR, WW } from "./graph.js";
import { CYCLE_EXISTS_SPECS, CYCLE_SPECS, CYCLE_TYPES, type CycleType, IMPLIED, impossibleCycleTypes, impossibleWith } from "./models.js";
import { SccWorkspace } from "./scc.js";
import { CycleSearch } from "./search.js";

/** Search work allowed per component and kind of cycle, in edge visits (Elle allows one second of wall time). */
export const STEPS_PER_SEARCH = 50_000_000;

export type CycleAnomalies = Record<string, (CycleCase | CycleExistsCase | CycleSearchTimeoutCase | true)[]>;

/**
 * kafka.clj `cycles!`: Elle's cycle analysis (`elle.txn/cycles`) over the ww/wr/realtime graph. Each strongly
 * connected component with more than one op is searched on its own: first `cycle-exists-cases` (the weakest
 * models that some cycle in it violates, per Elle's spec list), then each cycle anomaly Elle could still find, in
 * its search order, skipping those implied by one already found (`cycle-cases-in-scc`). Found cycles are explained
 * step by step (ww before wr before realtime, the order of kafka.clj's combined explainer) and filed under the type
 * the explanation gives (Elle's `cycle-explainer`): G0 all ww, G1c with a wr, "-realtime" with a realtime step.
 * An empty graph is Elle's `:empty-transaction-graph`. `stepsPerSearch`: edge visits per component and kind of cycle
 * before the search gives up with `cycle-search-timeout` (Elle's `cycle-search-timeout` case: the anomaly types not
 * yet searched are not ruled out).
 */
export function cycleCases(ctx: AnalysisContext, stepsPerSearch: number = STEPS_PER_SEARCH): CycleAnomalies {
  const g = buildDependencyGraph(ctx);
  const out: CycleAnomalies = {};
  if (g.empty) {
    out["empty-transaction-graph"] = [true];
    return out;
  }
  // One Tarjan pass over the whole graph; a healthy history has no component with two ops and stops here.
  const scc = new SccWorkspace(g, ctx.arena);
  const count = scc.runAll(WW | WR | RT);
  const real = new Int32Array(count);
  for (let x = 0; x < g.vertices; x++) real[scc.comp[x]]++;
  const members = new Map<number, number[]>();
  for (let x = 0; x < g.nodes; x++) {
    const c = scc.comp[x];
    if (c >= 0 && real[c] >= 2) {
      const list = members.get(c);
      if (list) list.push(x);
      else members.set(c, [x]);
    }
  }
  if (members.size === 0) return out;
  const search = new CycleSearch(g, stepsPerSearch, scc);
  const add = (type: string, c: CycleCase | CycleExistsCase | CycleSearchTimeoutCase) => (out[type] ??= []).push(c);
  // Components in the order of their first op, so the output does not depend on Tarjan's numbering.
  // Stryker disable next-line MethodExpression,ArrowFunction,ArithmeticOperator: members was filled in node order, so its values already come by first node; the sort only states the order
  const components = [...members.values()].sort((a, b) => a[0] - b[0]);
  for (const nodes of components) {
    const exists = cycleExistsCases(ctx, g, search, nodes);
    for (const c of exists) add(c.type, c);
    const skip = impossibleCycleTypes(exists.map((c) => c.type.replace(/-cycle-exists$/, "")));
    const searched: string[] = [];
    for (const type of CYCLE_TYPES) {
      if (skip.has(type)) continue;
      searched.push(type);
      const found = search.find(nodes, CYCLE_SPECS[type]);
      if (found === "timeout") {
        add("cycle-search-timeout", { type: "cycle-search-timeout", "anomaly-spec-type": type, "does-not-contain": searched.slice(0, -1), "scc-size": nodes.filter((x) => x < g.vertices).length });
        break;
      }
      if (!found) continue;
      const explained = explainCycle(ctx, g, found);
      add(explained.type, explained);
      for (const t of IMPLIED[type as CycleType]) skip.add(t);
    }
  }
  return out;
}

/** Elle's `cycle-exists-cases` for one component: for each spec not already implied, the smallest cyclic SCC. */
function cycleExistsCases(ctx: AnalysisContext, g: DependencyGraph, search: CycleSearch, nodes: number[]): CycleExistsCase[] {
  const out: CycleExistsCase[] = [];
  const redundant = new Set<string>();
  for (const spec of CYCLE_EXISTS_SPECS) {
    if (redundant.has(spec.model)) continue;
    const { comp, real } = search.project(nodes, spec.mask);
    let best = -1;
    for (let c = 0; c < real.length; c++) if (real[c] >= 2 && (best < 0 || real[c] < real[best])) best = c;
    if (best < 0) continue;
    const scc: number[] = [];
    for (let j = 0; j < nodes.length; j++) if (comp[j] === best && nodes[j] < g.vertices) scc.push(ctx.h.opIndex[g.opOf[nodes[j]]]);
    scc.sort((a, b) => a - b);
    out.push({ type: `${spec.model}-cycle-exists`, not: spec.friendly, subgraph: spec.subgraph, "scc-size": scc.length, scc });
    for (const m of impossibleWith(spec.model)) redundant.add(m);
  }
  return out;
}

/**
 * Turns a closed node path into Elle's explained cycle: the ops (time points dropped), and for each step the first
 * explanation that holds (kafka.clj's WWExplainer, then WRExplainer, then Elle's RealtimeExplainer).
 */
function explainCycle(ctx: AnalysisContext, g: DependencyGraph, walk: number[]): CycleCase {
  const ops: number[] = [];
  for (const x of walk) if (x < g.vertices) ops.push(g.opOf[x]);
  const steps: CycleStep[] = [];
  let wr = 0;
  let rt = 0;
  for (let s = 0; s + 1 < ops.length; s++) {
    const step = explainPair(ctx, ops[s], ops[s + 1]);
    if (step.type === "wr") wr++;
    else if (step.type === "realtime") rt++;
    steps.push(step);
  }
  const data = wr > 0 ? "G1c" : "G0"; // a cycle of realtime steps alone cannot exist: time only moves forward
  return { type: rt > 0 ? `${data}-realtime` : data, cycle: ops, steps };
}

function explainPair(ctx: AnalysisContext, a: number, b: number): CycleStep {
  const { h, facts, vo, wwDeps } = ctx;
  const { kvBase, writer } = facts;
  if (wwDeps)
    for (let e = h.opStart[b]; e < h.opStart[b + 1]; e++) {
      if (h.eKind[e] !== E_SEND) continue;
      const k = h.eKey[e];
      const order = vo.orders[k];
      const i2 = order.byValue[h.eVal[e]];
      if (i2 <= 0) continue;
      const v1 = order.byIndex[i2 - 1];
      if (writer[kvBase[k] + v1] === a) return { type: "ww", key: k, value: v1, "value'": h.eVal[e], "a-mop-index": mopIndex(ctx, a, E_SEND, k, v1), "b-mop-index": h.eMop[e] };
    }
  for (let e = h.opStart[b]; e < h.opStart[b + 1]; e++) {
    if (h.eKind[e] !== E_POLL) continue;
    const k = h.eKey[e];
    const v = h.eVal[e];
    if (writer[kvBase[k] + v] === a) return { type: "wr", key: k, value: v, "a-mop-index": mopIndex(ctx, a, E_SEND, k, v), "b-mop-index": h.eMop[e] };
  }
  return { type: "realtime", "a'": a, b: h.pair[b] };
}

/** kafka.clj `mop-index`: which micro-op of the op sent (or polled) that key and value. */
function mopIndex({ h }: AnalysisContext, op: number, kind: number, k: number, v: number): number {
  for (let e = h.opStart[op]; e < h.opStart[op + 1]; e++) if (h.eKind[e] === kind && h.eKey[e] === k && h.eVal[e] === v) return h.eMop[e];
  return -1;
}
