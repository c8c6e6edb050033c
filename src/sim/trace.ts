/** A traced event: small, structured, JSON-serialisable. `t` is simulated time in µs. */
export interface TraceRecord {
  t: number;
  actor: string;
  type: string;
  data?: Record<string, unknown>;
}

/** Receives every traced record as it happens (invariants, history recorders, file writers). */
export type TraceObserver = (record: TraceRecord) => void;

/** Collects trace records as JSON lines in memory; the CLI writes them to a file. */
export class JsonLinesTrace {
  readonly lines: string[] = [];
  readonly observer: TraceObserver = (r) => {
    this.lines.push(JSON.stringify(r));
  };
  text(): string {
    return this.lines.length === 0 ? "" : this.lines.join("\n") + "\n";
  }
}
