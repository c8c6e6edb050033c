/**
 * The client-observed history, Jepsen-style: each operation is an invocation followed by a completion
 * (`ok`, `fail` with an error name, or `info` when the outcome is unknown). Checkers read only this and final logs.
 * Times are simulated µs.
 */
export type OpType = "invoke" | "ok" | "fail" | "info";

export interface HistoryOp {
  index: number;
  /** Simulated time in µs. */
  time: number;
  /** The client (actor) that performed the operation. */
  process: string;
  type: OpType;
  f: string;
  value: unknown;
  /** Kafka error name on fail/info. */
  error?: string;
  /** For completions: the index of the invocation. */
  invoke?: number;
}

/** A record a producer sent: what Jepsen calls `[:send k v]`, with Kafka's topic, partition and key kept apart. */
export interface SendValue {
  topic: string;
  partition: number | null;
  key: string | null;
  value: string;
  offset?: number;
  /** For a transactional send: the transaction it belongs to (`<app>-<instance>-<n>`). */
  txn?: string;
}

export class History {
  readonly ops: HistoryOp[] = [];

  invoke(time: number, process: string, f: string, value: unknown): number {
    const index = this.ops.length;
    this.ops.push({ index, time, process, type: "invoke", f, value });
    return index;
  }

  complete(time: number, invoke: number, type: Exclude<OpType, "invoke">, value: unknown, error?: string): void {
    const inv = this.ops[invoke];
    const op: HistoryOp = { index: this.ops.length, time, process: inv.process, type, f: inv.f, value, invoke };
    if (error !== undefined) op.error = error;
    this.ops.push(op);
  }

  /** A single-step observation (no invocation), e.g. a monitor's verdict. */
  event(time: number, process: string, f: string, value: unknown, type: Exclude<OpType, "invoke"> = "ok"): void {
    this.ops.push({ index: this.ops.length, time, process, type, f, value });
  }

  /** Completions paired with their invocations. */
  *completed(f?: string): Generator<{ invoke: HistoryOp; done: HistoryOp }> {
    for (const op of this.ops) {
      if (op.type === "invoke" || op.invoke === undefined) continue;
      if (f !== undefined && op.f !== f) continue;
      yield { invoke: this.ops[op.invoke], done: op };
    }
  }
}
