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
  /**
   * Which life of the process performed it (1 for its first start; a crash and restart begins the next). A
   * restarted client is a new process in Jepsen's sense: it has none of its predecessor's state.
   */
  incarnation?: number;
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
  /**
   * "0" for a producer with acks=0: the broker sends no response, so the client completes the send at once with no
   * offset (-1, as Kafka's RecordMetadata does). Such a send is unconfirmed, never acknowledged.
   */
  acks?: "0";
}

export class History {
  readonly ops: HistoryOp[] = [];
  /** Tells which life of a process is running (set by the runner from the engine); unset: not recorded. */
  incarnationOf?: (process: string) => number | undefined;

  invoke(time: number, process: string, f: string, value: unknown): number {
    const index = this.ops.length;
    this.ops.push(this.stamp({ index, time, process, type: "invoke", f, value }));
    return index;
  }

  complete(time: number, invoke: number, type: Exclude<OpType, "invoke">, value: unknown, error?: string): void {
    const inv = this.ops[invoke];
    const op: HistoryOp = { index: this.ops.length, time, process: inv.process, type, f: inv.f, value, invoke };
    if (error !== undefined) op.error = error;
    if (inv.incarnation !== undefined) op.incarnation = inv.incarnation;
    this.ops.push(op);
  }

  /** A single-step observation (no invocation), e.g. a monitor's verdict. */
  event(time: number, process: string, f: string, value: unknown, type: Exclude<OpType, "invoke"> = "ok"): void {
    this.ops.push(this.stamp({ index: this.ops.length, time, process, type, f, value }));
  }

  private stamp(op: HistoryOp): HistoryOp {
    const n = this.incarnationOf?.(op.process);
    if (n !== undefined) op.incarnation = n;
    return op;
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
