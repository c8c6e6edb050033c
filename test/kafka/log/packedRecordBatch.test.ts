import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { PackedRecordBatch, stampedBatch } from "../../../src/kafka/log/packedRecordBatch.js";
import { batchBelow, candidateBatch, type KafkaRecord, lastOffsetOf, plainBatch, type RecordBatch, recordCountOf, recordIndexOf, recordValueAt } from "../../../src/kafka/log/recordBatch.js";
import { PartitionLog } from "../../../src/kafka/log/partitionLog.js";

/**
 * The leader keeps a producer's batch packed (issue 14 item 4): its records read back exactly as appended, and a
 * batch that does not fit the packed shape stays as it was given.
 */

function batch(records: KafkaRecord[]): Omit<RecordBatch, "baseOffset" | "leaderEpoch"> {
  return { producerId: 7, producerEpoch: 1, baseSequence: 40, isTransactional: false, isControl: false, records, sizeBytes: 300 };
}

describe("PackedRecordBatch", () => {
  it("packs a producer's records and gives them back as appended, with the stamps", () => {
    const records: KafkaRecord[] = [
      { key: "k1", value: "app-1-9", padBytes: 91 },
      { key: null, value: "app-1-10", padBytes: 91 },
      { key: "k1", value: "app-1-0", padBytes: 91 },
    ];
    const b = stampedBatch(batch(records), 100, 3, 12.5);
    expect(b).toBeInstanceOf(PackedRecordBatch);
    expect(b.records).toEqual(records);
    expect([b.baseOffset, b.leaderEpoch, b.maxTimestampMs, b.producerId, b.producerEpoch, b.baseSequence, b.sizeBytes, b.isControl]).toEqual([100, 3, 12.5, 7, 1, 40, 300, false]);
    expect(lastOffsetOf(b)).toBe(102);
    expect(recordCountOf(b)).toBe(3);
    expect(recordValueAt(b, 1)).toBe("app-1-10");
    expect(recordIndexOf(b, 102)).toBe(2);
  });

  it("keeps a record without padding without padBytes", () => {
    const b = stampedBatch(batch([{ key: "a", value: "v1" }]), 0, 0, 0);
    expect(b).toBeInstanceOf(PackedRecordBatch);
    expect(b.records[0]).toStrictEqual({ key: "a", value: "v1" });
  });

  it("leaves plain what does not fit: other values, tombstones, uneven padding, mixed prefixes, control batches", () => {
    const plain = (records: KafkaRecord[], control = false) => {
      const b = stampedBatch({ ...batch(records), isControl: control }, 5, 1, 1);
      expect(b).not.toBeInstanceOf(PackedRecordBatch);
      expect(b.records).toEqual(records);
      expect(b.records).not.toBe(records); // an exactly sized copy, not the producer's array
    };
    plain([{ key: "a", value: "{\"x\":1}" }]);
    plain([{ key: "a", value: "v007" }]); // a leading zero would not come back from the number
    plain([{ key: "a", value: "v1234567890" }]); // past 9 digits
    plain([{ key: "a", value: "v1", tombstone: true }]);
    plain([{ key: "a", value: "v1", padBytes: 3 }, { key: "a", value: "v2", padBytes: 4 }]);
    plain([{ key: "a", value: "app-1-1" }, { key: "a", value: "app-2-1" }]);
    plain([{ key: "COMMIT", value: "0" }], true);
  });

  it("keeps the append time as whole µs, giving the ms back exactly; a time that is not whole µs stays plain", () => {
    const us = 123_456_789;
    const b = stampedBatch(batch([{ key: "a", value: "v1" }]), 0, 0, us / 1000);
    expect(b).toBeInstanceOf(PackedRecordBatch);
    expect(b.maxTimestampMs).toBe(us / 1000);
    // Past 2^31 µs (35 min) too: the time takes two cells.
    const late = stampedBatch(batch([{ key: "a", value: "v1" }]), 0, 0, 9_876_543_210_123 / 1000);
    expect(late.maxTimestampMs).toBe(9_876_543_210_123 / 1000);
    const odd = stampedBatch(batch([{ key: "a", value: "v1" }]), 0, 0, 0.1234567);
    expect(odd).not.toBeInstanceOf(PackedRecordBatch);
    expect(odd.maxTimestampMs).toBe(0.1234567);
  });

  it("leaves plain a batch whose epoch, sequence or size is not an int32 (its cells hold int32s)", () => {
    for (const [extra, epoch] of [[{ sizeBytes: 2 ** 31 }, 0], [{ baseSequence: 2 ** 31 }, 0], [{}, 2 ** 31]] as const) {
      const b = stampedBatch({ ...batch([{ key: "a", value: "v1" }]), ...extra }, 0, epoch, 0);
      expect(b).not.toBeInstanceOf(PackedRecordBatch);
      expect([b.leaderEpoch, b.baseSequence, b.sizeBytes]).toEqual([epoch, extra.baseSequence ?? 40, extra.sizeBytes ?? 300]);
    }
  });

  it("leaves plain an empty batch and a value whose digits start inside what would be the prefix", () => {
    // No first record to take a prefix from: nothing to pack.
    const empty = stampedBatch(batch([]), 5, 1, 1);
    expect(empty).not.toBeInstanceOf(PackedRecordBatch);
    expect(empty.records).toEqual([]);
    // "a1" is prefix "a" and 1; "a1b2" is prefix "a1b" and 2: it starts with "a" but is not "a" + a number.
    const mixed: KafkaRecord[] = [{ key: null, value: "a1" }, { key: null, value: "a1b2" }];
    const b = stampedBatch(batch(mixed), 5, 1, 1);
    expect(b).not.toBeInstanceOf(PackedRecordBatch);
    expect(b.records).toEqual(mixed);
  });

  it("never packs a batch the cleaner rebuilt: its offset deltas, last offset delta and delete horizon stay with it", () => {
    // MemoryRecords.filterTo rebuilds a batch keeping its offsets (overrideLastOffset) and stamps the KIP-534 delete
    // horizon; packed records sit at consecutive offsets and carry none of these, so such a batch stays plain.
    const records: KafkaRecord[] = [{ key: "a", value: "p-1" }, { key: "b", value: "p-2" }];
    const cases: Partial<RecordBatch>[] = [{ offsetDeltas: [0, 3], lastOffsetDelta: 4 }, { offsetDeltas: [0, 3] }, { lastOffsetDelta: 4 }, { deleteHorizonMs: 86_400_000 }];
    for (const extra of cases) {
      const b = stampedBatch({ ...batch(records), ...extra }, 10, 1, 1);
      expect(b).not.toBeInstanceOf(PackedRecordBatch);
      expect(b).toMatchObject(extra);
    }
  });

  it("packs values that are numbers alone (an empty prefix)", () => {
    const records: KafkaRecord[] = [{ key: "k", value: "7" }, { key: "k", value: "12" }];
    const b = stampedBatch(batch(records), 0, 0, 0);
    expect(b).toBeInstanceOf(PackedRecordBatch);
    expect((b as PackedRecordBatch).prefix).toBe("");
    expect(b.records).toEqual(records);
  });

  it("shares the previous batch's prefix only when it is this batch's whole prefix", () => {
    const records: KafkaRecord[] = [{ key: "a", value: "app-1-2" }, { key: "a", value: "app-1-3" }];
    const previous = (value: string) => stampedBatch(batch([{ key: "a", value }]), 0, 0, 0) as PackedRecordBatch;
    // A previous prefix that is only the start of this one ("app-" of "app-1-") must not become the prefix.
    const shorter = stampedBatch(batch(records), 0, 0, 0, previous("app-1")) as PackedRecordBatch;
    expect(shorter.prefix).toBe("app-1-");
    expect(shorter.records).toEqual(records);
    // A prefix as long but another producer's is not shared: the batch packs with its own.
    const other = stampedBatch(batch(records), 0, 0, 0, previous("app-2-1"));
    expect(other).toBeInstanceOf(PackedRecordBatch);
    expect((other as PackedRecordBatch).prefix).toBe("app-1-");
    expect(other.records).toEqual(records);
    // The same producer's prefix is shared.
    const same = previous("app-1-1");
    expect((stampedBatch(batch(records), 0, 0, 0, same) as PackedRecordBatch).prefix).toBe(same.prefix);
  });

  it("shares the previous batch's producer fields only when they are equal; each batch keeps its own", () => {
    const records: KafkaRecord[] = [{ key: "a", value: "app-1-2", padBytes: 5 }];
    const first = stampedBatch(batch(records), 0, 0, 0) as PackedRecordBatch;
    const variants: Partial<RecordBatch>[] = [{ producerId: 8 }, { producerEpoch: 2 }, { isTransactional: true }, { compression: "lz4" }, {}];
    for (const v of variants) {
      const b = stampedBatch({ ...batch(records), ...v, baseSequence: 41 }, 1, 0, 0, first);
      expect([b.producerId, b.producerEpoch, b.isTransactional, b.compression, b.baseSequence]).toEqual([v.producerId ?? 7, v.producerEpoch ?? 1, v.isTransactional ?? false, v.compression, 41]);
      expect(b.records).toEqual(records);
    }
    // Uneven padding against the previous batch: its own header, its own padBytes.
    const padded = stampedBatch(batch([{ key: "a", value: "app-1-3", padBytes: 9 }]), 1, 0, 0, first);
    expect(padded.records).toEqual([{ key: "a", value: "app-1-3", padBytes: 9 }]);
  });

  it("batches packed one after another each read back their own records, past a slab's end too", () => {
    // 32K cells per slab: 2,500 batches of 5 records (15 cells each) fill and leave slabs, sharing one header and
    // its key table; one larger than a slab gets its own.
    let previous: PackedRecordBatch | null = null;
    const packed = Array.from({ length: 2500 }, (_, j) => (previous = stampedBatch({ ...batch([0, 1, 2, 3, 4].map((i) => ({ key: `k${(i * j) % 7}`, value: `p-${5 * j + i}` }))), baseSequence: j, sizeBytes: 100 + j }, 5 * j, j % 3, j, previous) as PackedRecordBatch));
    const big = stampedBatch(batch(Array.from({ length: 20_000 }, (_, i) => ({ key: null, value: `q-${i}` }))), 0, 0, 0);
    packed.forEach((b, j) => {
      expect(b.records).toEqual([0, 1, 2, 3, 4].map((i) => ({ key: `k${(i * j) % 7}`, value: `p-${5 * j + i}` })));
      expect([b.baseOffset, b.leaderEpoch, b.baseSequence, b.sizeBytes, b.maxTimestampMs]).toEqual([5 * j, j % 3, j, 100 + j, j]);
    });
    expect(recordValueAt(big, 19_999)).toBe("q-19999");
    expect(recordCountOf(big)).toBe(20_000);
  });

  it("a candidate for the producer-state checks shares the records it was given", () => {
    const records: KafkaRecord[] = [{ key: "a", value: "x-1" }];
    const c = candidateBatch(batch(records), 9, 2, 4);
    expect(c.records).toBe(records);
    expect([c.baseOffset, c.leaderEpoch, c.maxTimestampMs]).toEqual([9, 2, 4]);
  });

  it("truncating inside a packed batch gives a plain batch of the records below", () => {
    const b = stampedBatch(batch([{ key: "a", value: "p-1" }, { key: "b", value: "p-2" }, { key: "c", value: "p-3" }]), 10, 0, 0);
    const cut = batchBelow(b, 12);
    expect(cut).not.toBeInstanceOf(PackedRecordBatch);
    expect(cut.records).toEqual([{ key: "a", value: "p-1" }, { key: "b", value: "p-2" }]);
    expect(lastOffsetOf(cut)).toBe(11);
    expect(Object.keys(plainBatch(b))).toEqual(["baseOffset", "leaderEpoch", "producerId", "producerEpoch", "baseSequence", "isTransactional", "isControl", "records", "sizeBytes", "maxTimestampMs"]);
  });

  it("a log shares one value prefix string between its packed batches", () => {
    const log = new PartitionLog();
    const a = log.appendAsLeader(batch([{ key: "a", value: "app-1-1" }]), 0, 0) as PackedRecordBatch;
    const b = log.appendAsLeader(batch([{ key: "a", value: "app-1-2" }]), 0, 0) as PackedRecordBatch;
    expect(a.prefix).toBe("app-1-");
    expect(b.prefix).toBe(a.prefix);
    expect(log.read(0, 1 << 20).flatMap((x) => x.records.map((r) => r.value))).toEqual(["app-1-1", "app-1-2"]);
  });

  test.prop([fc.array(fc.record({ key: fc.option(fc.string(), { nil: null }), value: fc.oneof(fc.string(), fc.nat().map((n) => `app-3-${n}`)), padBytes: fc.option(fc.nat(200), { nil: undefined }) }), { minLength: 1, maxLength: 20 })])(
    "any records read back equal to those appended, packed or not",
    (rs) => {
      const records: KafkaRecord[] = rs.map((r) => (r.padBytes ? { key: r.key, value: r.value, padBytes: r.padBytes } : { key: r.key, value: r.value }));
      const b = stampedBatch(batch(records), 0, 0, 0);
      expect(b.records).toEqual(records);
      expect(recordCountOf(b)).toBe(records.length);
      records.forEach((r, i) => expect(recordValueAt(b, i)).toBe(r.value));
    },
  );
});
