import type { JepsenOp } from "../check/jepsen/ops.js";
import { RandomStream } from "../sim/index.js";

export interface GeneratedHistoryOptions {
  /** History entries to produce (invocations and completions), e.g. 1,000,000. */
  ops: number;
  processes?: number;
  keys?: number;
  seed?: string;
}

/**
 * A healthy Kafka history in Jepsen's shape, the kind Jepsen's Kafka workload records against a correct cluster:
 * `processes` clients each assigned a few of `keys` partitions, doing single sends (45%), polls (40%) and
 * transactions of two sends and a poll (15%), concurrently (each client has at most one op in flight, as Jepsen's
 * processes do). Offsets are assigned at completion as a log would; a poll returns up to 5 records per assigned
 * key from the client's position; 2% of sends time out (:info, half of them written); 3% of transactions abort
 * (their sends never become visible). Deterministic from `seed`. Used by `npm run bench` (check.opsPerSec) and by
 * the tests as a large history that must come out valid.
 */
export function generateKafkaHistory(o: GeneratedHistoryOptions): JepsenOp[] {
  const P = o.processes ?? 20;
  const K = o.keys ?? 16;
  const rnd = new RandomStream(o.seed ?? "kafka-history");
  const logs: unknown[][] = Array.from({ length: K }, () => []);
  let nextValue = 0;
  const assigned: number[][] = [];
  const position: Map<number, number>[] = [];
  const inFlight: (JepsenOp | null)[] = new Array(P).fill(null);
  const out: JepsenOp[] = [];
  let time = 0;
  const emit = (op: Omit<JepsenOp, "index" | "time">) => {
    time += 1000 + rnd.int(50_000);
    const j = { index: out.length, time, ...op } as JepsenOp;
    out.push(j);
    return j;
  };
  for (let p = 0; p < P; p++) {
    const keys = [...new Set([p % K, (p + 1) % K, (p + 5) % K])];
    assigned.push(keys);
    position.push(new Map(keys.map((k) => [k, 0])));
    emit({ process: p, type: "invoke", f: "assign", value: keys });
    emit({ process: p, type: "ok", f: "assign", value: keys });
  }
  const poll = (p: number) => {
    const polled: Record<string, [number, unknown][]> = {};
    for (const k of assigned[p]) {
      const from = position[p].get(k)!;
      const to = Math.min(logs[k].length, from + 1 + rnd.int(5));
      const recs: [number, unknown][] = [];
      for (let off = from; off < to; off++) recs.push([off, logs[k][off]]);
      position[p].set(k, to);
      if (recs.length > 0) polled[String(k)] = recs;
    }
    return ["poll", polled];
  };
  const complete = (p: number, op: JepsenOp) => {
    inFlight[p] = null;
    if (op.f === "send") {
      const [, k, v] = (op.value as unknown[][])[0] as [string, number, number];
      if (rnd.chance(0.02)) {
        if (rnd.chance(0.5)) logs[k].push(v);
        emit({ process: p, type: "info", f: "send", value: op.value, error: "timeout" });
      } else {
        logs[k].push(v);
        emit({ process: p, type: "ok", f: "send", value: [["send", k, [logs[k].length - 1, v]]] });
      }
    } else if (op.f === "poll") emit({ process: p, type: "ok", f: "poll", value: [poll(p)] });
    else {
      const sends = (op.value as unknown[][]).slice(0, 2) as [string, number, number][];
      if (rnd.chance(0.03)) emit({ process: p, type: "fail", f: "txn", value: [...sends, ["poll", {}]], error: "aborted" });
      else {
        const polled = poll(p); // before its own sends are visible: a transaction never reads its own writes
        const done = sends.map(([, k, v]) => {
          logs[k].push(v);
          return ["send", k, [logs[k].length - 1, v]];
        });
        emit({ process: p, type: "ok", f: "txn", value: [...done, polled] });
      }
    }
  };
  while (out.length < o.ops - 4 - 2 * P) {
    const p = rnd.int(P);
    const op = inFlight[p];
    if (op === null) {
      const r = rnd.next();
      if (r < 0.45) inFlight[p] = emit({ process: p, type: "invoke", f: "send", value: [["send", rnd.int(K), nextValue++]] });
      else if (r < 0.85) inFlight[p] = emit({ process: p, type: "invoke", f: "poll", value: [["poll"]] });
      else inFlight[p] = emit({ process: p, type: "invoke", f: "txn", value: [["send", rnd.int(K), nextValue++], ["send", rnd.int(K), nextValue++], ["poll"]] });
      continue;
    }
    complete(p, op);
  }
  // Every op in flight completes; then Jepsen's final polls: a fresh process assigns every key and reads it all.
  for (let p = 0; p < P; p++) if (inFlight[p]) complete(p, inFlight[p]!);
  const keys = Array.from({ length: K }, (_, k) => k);
  emit({ process: P, type: "invoke", f: "assign", value: keys, "seek-to-beginning?": true });
  emit({ process: P, type: "ok", f: "assign", value: keys, "seek-to-beginning?": true });
  emit({ process: P, type: "invoke", f: "poll", value: [["poll"]] });
  emit({ process: P, type: "ok", f: "poll", value: [["poll", Object.fromEntries(keys.map((k) => [String(k), logs[k].map((v, off) => [off, v])]))]] });
  return out;}
