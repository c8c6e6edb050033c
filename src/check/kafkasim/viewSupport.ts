import type { RunAnalysis } from "./runAnalysis.js";

/**
 * Small readers for expectations that are views over the run's Jepsen analysis: a case's key as its
 * topic-partition, its values as kafkasim's record values, its ops as the client, life and moment they belong to.
 */
export class CaseReader {
  constructor(private readonly ra: RunAnalysis) {}

  private get h() {
    return this.ra.analysis.ctx.h;
  }

  tp(k: number): string {
    return this.h.keys.names[k];
  }

  value(k: number, v: number): string {
    return String(this.h.keys.values[k][v]);
  }

  /**
   * The offset Jepsen's send-order analyses compare for a value (kafka.clj's `:by-value`: the last place the value is
   * the chosen one in the key's version order), or null. For a value written twice (a retried batch) this is the
   * later copy, which `offset` (the first) is not.
   */
  orderOffset(k: number, v: number): number | null {
    const order = this.ra.analysis.ctx.vo.orders[k];
    const d = order.byValue[v];
    return d >= 0 ? order.offsets[d] : null;
  }

  /** The first offset a value was seen at in the key's version order, or null. */
  offset(k: number, v: number): number | null {
    const order = this.ra.analysis.ctx.vo.orders[k];
    const d = order.firstIndex[v];
    return d >= 0 ? order.offsets[d] : null;
  }

  /** Simulated µs of op i (Jepsen's ns / 1000). */
  atUs(i: number): number {
    return Math.round(this.h.time[i] / 1000);
  }

  /** The kafkasim client of op i, with its life when it restarted (`member-2 (restarted, life 2)`). */
  client(i: number): string {
    const h = this.h;
    const name = h.client[i] >= 0 ? h.clientNames[h.client[i]] : String(h.processNames[h.proc[i]]);
    return h.incarnation[i] > 1 ? `${name} (life ${h.incarnation[i]})` : name;
  }

  /** A field kafkasim kept on the op (isolation, error, txn, acks). */
  attr(i: number, name: string): unknown {
    return this.h.attrs.get(i)?.[name];
  }

  isFinalRead(i: number): boolean {
    const h = this.h;
    return h.client[i] >= 0 && h.clientNames[h.client[i]] === "final-reader";
  }
}
