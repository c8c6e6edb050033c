import { RT, WR, WW } from "./graph.js";

/**
 * The part of Elle's consistency-model and anomaly lattices (elle `consistency_model.clj`: `models`,
 * `direct-proscribed-anomalies`, `implied-anomalies`; `txn.clj`: `cycle-exists-specs`) that a Kafka history can
 * reach. kafka.clj's graph has only ww, wr and realtime edges (its rw graph is commented out, and it asks for no
 * process graph), so rw- and process-based anomalies never occur; the tables keep Elle's names and order so the
 * same anomalies come out under the same keys.
 */

/** One `cycle-exists-specs` entry: the model, the subgraph Elle names, and the edges it reduces to here. */
export interface CycleExistsSpec {
  /** Canonical model name, e.g. PL-2. */
  model: string;
  /** Elle's friendly name for `:not`, e.g. read-committed. */
  friendly: string;
  /** Elle's `:subgraph`, as `cycle-exists-friendly-subgraph` renders it. */
  subgraph: unknown[];
  mask: number;
}

const U = (...rels: string[]) => ["union", ...rels];

/** In Elle's order: read uncommitted first, strict serializable last. */
export const CYCLE_EXISTS_SPECS: CycleExistsSpec[] = [
  { model: "PL-1", friendly: "read-uncommitted", subgraph: U("ww", "wwp"), mask: WW },
  { model: "PL-2", friendly: "read-committed", subgraph: U("ww", "wwp", "wr", "wrp"), mask: WW | WR },
  { model: "PL-SI", friendly: "snapshot-isolation", subgraph: ["extension", U("ww", "wwp", "wr", "wrp"), U("rw", "rwp")], mask: WW | WR },
  { model: "PL-2.99", friendly: "repeatable-read", subgraph: U("ww", "wwp", "wr", "wrp", "rw"), mask: WW | WR },
  { model: "PL-3", friendly: "serializable", subgraph: U("ww", "wwp", "wr", "wrp", "rw", "rwp"), mask: WW | WR },
  { model: "strong-session-PL-1", friendly: "strong-session-read-uncommitted", subgraph: U("ww", "wwp", "process"), mask: WW },
  { model: "strong-session-PL-2", friendly: "strong-session-read-committed", subgraph: U("ww", "wwp", "wr", "wrp", "process"), mask: WW | WR },
  { model: "strong-session-snapshot-isolation", friendly: "strong-session-snapshot-isolation", subgraph: ["extension", U("ww", "wwp", "wr", "wrp", "process"), U("rw", "rwp")], mask: WW | WR },
  { model: "strong-session-serializable", friendly: "strong-session-serializable", subgraph: U("ww", "wwp", "wr", "wrp", "rw", "rwp", "process"), mask: WW | WR },
  { model: "strong-PL-1", friendly: "strong-read-uncommitted", subgraph: U("ww", "wwp", "realtime"), mask: WW | RT },
  { model: "strong-PL-2", friendly: "strong-read-committed", subgraph: U("ww", "wwp", "wr", "wrp", "realtime"), mask: WW | WR | RT },
  { model: "strong-snapshot-isolation", friendly: "strong-snapshot-isolation", subgraph: ["extension", U("ww", "wwp", "wr", "wrp", "realtime"), U("rw", "rwp")], mask: WW | WR | RT },
  { model: "PL-SS", friendly: "strict-serializable", subgraph: U("ww", "wwp", "wr", "wrp", "rw", "rwp", "realtime"), mask: WW | WR | RT },
];

/**
 * Elle's `models` graph among the spec models above, reachability kept (stronger → weaker; intermediate models such
 * as cursor stability or monotonic atomic view collapsed into the edges they imply).
 */
const WEAKER: Record<string, string[]> = {
  "PL-2": ["PL-1"],
  "PL-SI": ["PL-2"],
  "PL-2.99": ["PL-2"],
  "PL-3": ["PL-2.99", "PL-SI"],
  "strong-session-PL-1": ["PL-1"],
  "strong-session-PL-2": ["PL-2", "strong-session-PL-1"],
  "strong-session-snapshot-isolation": ["PL-SI", "strong-session-PL-2"],
  "strong-session-serializable": ["PL-3", "strong-session-snapshot-isolation"],
  "strong-PL-1": ["strong-session-PL-1"],
  "strong-PL-2": ["strong-session-PL-2", "strong-PL-1"],
  "strong-snapshot-isolation": ["strong-session-snapshot-isolation", "strong-PL-2"],
  "PL-SS": ["PL-3", "PL-SI", "strong-snapshot-isolation", "strong-session-serializable"],
};

/** `all-impossible-models`: a model and every model that implies it (if it fails, they fail). */
export function impossibleWith(model: string): Set<string> {
  const out = new Set([model]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [strong, weaker] of Object.entries(WEAKER))
      if (!out.has(strong) && weaker.some((w) => out.has(w))) {
        out.add(strong);
        grew = true;
      }
  }
  return out;
}

/** The cycle anomalies a Kafka graph can hold, in Elle's search order (`anomaly-depth-compare`). */
export const CYCLE_TYPES = ["G0", "G1c", "G0-realtime", "G1c-realtime"] as const;
export type CycleType = (typeof CYCLE_TYPES)[number];

/** Elle's `cycle-anomaly-specs` for those: allowed edges and the edge kinds that must appear. */
export const CYCLE_SPECS: Record<CycleType, { mask: number; required: number[] }> = {
  G0: { mask: WW, required: [] },
  G1c: { mask: WW | WR, required: [WR] },
  "G0-realtime": { mask: WW | RT, required: [RT] },
  "G1c-realtime": { mask: WW | WR | RT, required: [WR, RT] },
};

/** `all-implied-anomalies`, restricted: finding one makes searching for these redundant. */
export const IMPLIED: Record<CycleType, CycleType[]> = {
  G0: ["G1c", "G0-realtime", "G1c-realtime"],
  G1c: ["G1c-realtime"],
  "G0-realtime": ["G1c-realtime"],
  "G1c-realtime": [],
};

/** `anomalies-prohibited-by` each spec model (with the anomalies implying them), restricted to CYCLE_TYPES. */
const PROHIBITS: Record<string, CycleType[]> = {
  "PL-1": ["G0"],
  "PL-2": ["G0", "G1c"],
  "PL-SI": ["G0", "G1c"],
  "PL-2.99": ["G0", "G1c"],
  "PL-3": ["G0", "G1c"],
  "strong-session-PL-1": ["G0"],
  "strong-session-PL-2": ["G0", "G1c"],
  "strong-session-snapshot-isolation": ["G0", "G1c"],
  "strong-session-serializable": ["G0", "G1c"],
  "strong-PL-1": ["G0", "G0-realtime"],
  "strong-PL-2": ["G0", "G1c", "G0-realtime", "G1c-realtime"],
  "strong-snapshot-isolation": ["G0", "G1c", "G0-realtime", "G1c-realtime"],
  "PL-SS": ["G0", "G1c", "G0-realtime", "G1c-realtime"],
};

/**
 * `cycle-exists-cases->impossible-cycle-anomalies`: the models no cycle-exists case ruled out still hold in this
 * component, so the anomalies they prohibit cannot be in it and need no search.
 */
export function impossibleCycleTypes(violatedModels: string[]): Set<CycleType> {
  const impossibleModels = new Set<string>();
  for (const m of violatedModels) for (const x of impossibleWith(m)) impossibleModels.add(x);
  const out = new Set<CycleType>();
  for (const spec of CYCLE_EXISTS_SPECS) if (!impossibleModels.has(spec.model)) for (const t of PROHIBITS[spec.model]) out.add(t);
  return out;
}
