import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";
import { parseOverride } from "../../src/scenario/overrides.js";
import { skippedRecords } from "../../src/check/groupCheckers.js";

/**
 * What a bug-report fixture claims beyond its expectations, read from the trace. kafka-9144-producer-expiry-open-txn's
 * checks are all quiet ones, so by themselves they would pass a broker that never expired anything; here the trace
 * shows the expiry happens, and only as Kafka after KAFKA-9144 does it (ProducerStateManager.isProducerExpired,
 * ProducerAppendInfo.appendEndTxnMarker): never during an open transaction, and only producer.id.expiration.ms after
 * the producer's last batch or transaction marker on that partition.
 */
const dir = join(import.meta.dirname, "..", "fixtures", "bug-reports");

interface Rec {
  t: number;
  actor: string;
  type: string;
  data: { tp?: string; producerId?: number; producerIds?: number[]; transactional?: boolean };
}

describe("kafka-9144-producer-expiry-open-txn's trace", () => {
  it("expires the producer on a partition only with no open transaction there, and 5s after its last marker or batch", () => {
    const recs: Rec[] = [];
    const keep = new Set(["partition.append", "partition.marker", "producer-state.expired"]);
    runScenario(loadScenario(join(dir, "kafka-9144-producer-expiry-open-txn.yaml")), { seed: 1, observe: (r) => (keep.has((r as Rec).type) ? recs.push(r as Rec) : undefined) });
    const last = new Map<string, number>(); // actor/tp/producerId -> µs of the leader's last batch or marker
    const open = new Set<string>();
    const checked: { key: string; sinceLastMs: number }[] = [];
    for (const r of recs) {
      if (r.type === "partition.append" || r.type === "partition.marker") {
        const key = `${r.actor}/${r.data.tp}/${r.data.producerId}`;
        last.set(key, r.t);
        if (r.type === "partition.marker") open.delete(key);
        else if (r.data.transactional) open.add(key);
      } else {
        for (const pid of r.data.producerIds ?? []) {
          const key = `${r.actor}/${r.data.tp}/${pid}`;
          if (!last.has(key)) continue; // a follower: its timestamps are the replicated batches', not traced here
          expect(open.has(key), `${key} expired at ${r.t}µs with its transaction open`).toBe(false);
          checked.push({ key, sinceLastMs: (r.t - last.get(key)!) / 1000 });
        }
      }
    }
    expect(checked.length).toBeGreaterThan(0);
    for (const c of checked) expect(c.sinceLastMs, c.key).toBeGreaterThanOrEqual(5000);
  });
});

/**
 * An outsider's scenario that found a model mismatch, fixed since (test/fixtures/bug-reports/, where bugReports.test.ts
 * also holds its expectations): the idempotent producer's expired batches leave their partition's sequences
 * unresolved, and the epoch is bumped only once none of its batches is in flight or awaiting a retry
 * (TransactionManager.markSequenceUnresolved / maybeResolveSequences).
 */
describe("idempotent-delivery-timeout-broker-hang", () => {
  it("bumps the epoch only after the partition's last sequenced batch ended, and writes every record once", () => {
    const file = join(import.meta.dirname, "..", "fixtures", "bug-reports", "idempotent-delivery-timeout-broker-hang.yaml");
    const keep = new Set(["producer.fail", "producer.unresolved-sequence", "producer.bump-epoch", "producer.send"]);
    const records: Rec[] = [];
    const r = runScenario(loadScenario(file), { seed: 1, observe: (x) => (keep.has((x as Rec).type) && (x as Rec).actor === "app" ? records.push(x as Rec) : undefined) });
    expect(r.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([]);
    const bump = records.findIndex((t) => t.type === "producer.bump-epoch");
    expect(bump).toBeGreaterThan(0);
    // The resolution that decided the bump comes right before it, after every sequenced batch expired: not at the
    // first expiry, as kafkasim used to (which resequenced the batches behind it and wrote them twice).
    expect(records[bump - 1].type).toBe("producer.unresolved-sequence");
    expect(records.slice(0, bump).filter((t) => t.type === "producer.fail").length).toBeGreaterThan(1);
  });
});

/**
 * new-group-latest-misses-backlog (test/fixtures/known-mismatches/): a group deployed 20s after its topic started to
 * fill. consumerProgress judges it from its join (it used to count the 20s before any member existed as a stall);
 * skippedRecords leaves the backlog auto.offset.reset=latest skipped out of its scope, by design (README, Checking).
 */
describe("new-group-latest-misses-backlog", () => {
  const file = join(import.meta.dirname, "..", "fixtures", "known-mismatches", "new-group-latest-misses-backlog.yaml");

  it("a group started at 20s that keeps up from its join holds consumerProgress, with either reset policy", () => {
    for (const set of [[], ["clients.new-reader.config.auto.offset.reset=earliest"]]) {
      const r = runScenario(loadScenario(file, { overrides: set.map(parseOverride) }), { seed: 1 });
      expect(r.checks.map((c) => c.name)).toContain("consumerProgress: { group: analytics, within: 10s }");
      expect(r.checks.filter((c) => !c.ok).map((c) => c.name), set.join(" ")).toEqual([]);
    }
  });

  it("skippedRecords leaves out the backlog auto.offset.reset=latest skipped: before the group's first position, by design", () => {
    const r = runScenario(loadScenario(file), { seed: 1 });
    expect(skippedRecords.run({ history: r.history, logs: r.logs, groupOffsets: r.groupOffsets }, undefined)).toEqual([]);
    // The backlog is there and was never read: each partition's first read by the group starts past offset 0.
    const first = new Map<string, number>();
    for (const op of r.history.ops) if (op.f === "poll" && op.type === "ok" && op.process === "new-reader") for (const [tp, recs] of Object.entries(op.value as Record<string, [number, string][]>)) if (recs.length > 0 && !first.has(tp)) first.set(tp, recs[0][0]);
    expect([...first.keys()].sort()).toEqual(["events-0", "events-1", "events-2"]);
    for (const [tp, offset] of first) expect(offset, tp).toBeGreaterThan(100);
  });
});
