import type { CheckInput, FinalReplicaLog } from "../../src/check/input.js";
import { History, type SendValue } from "../../src/workload/history.js";

/** A little story-telling DSL for histories: each send is invoked and completed at the given seconds. */
export class Story {
  readonly history = new History();

  send(process: string, value: string, opts: { key?: string; tp?: [string, number]; at: number; ack?: number; offset?: number; fail?: string; info?: string; tombstone?: true }): this {
    const [topic, partition] = opts.tp ?? ["t", 0];
    const v: SendValue = { topic, partition: null, key: opts.key ?? null, value, ...(opts.tombstone ? { tombstone: true as const } : {}) };
    const inv = this.history.invoke(opts.at * 1e6, process, "send", v);
    const doneAt = (opts.ack ?? opts.at + 0.01) * 1e6;
    if (opts.fail) this.history.complete(doneAt, inv, "fail", { ...v, partition }, opts.fail);
    else if (opts.info) this.history.complete(doneAt, inv, "info", { ...v, partition }, opts.info);
    else this.history.complete(doneAt, inv, "ok", { ...v, partition, offset: opts.offset ?? -1 });
    return this;
  }
}

/**
 * A consumer group's run told in seconds, for the operator expectations' tests: rebalance events of members, restarts
 * (each later op belongs to the next life of its process), and the check input. Each test file adds its own sends and
 * polls.
 */
export class GroupRun {
  readonly history = new History();
  life = 1;

  constructor() {
    this.history.incarnationOf = () => this.life;
  }

  rebalance(f: "assigned" | "revoked" | "lost", member: string, partitions: string[], o: { at: number; gen: number; group?: string }): this {
    this.history.event(o.at * 1e6, member, f, { group: o.group ?? "g", generation: o.gen, memberId: `${member}-m`, partitions, protocol: "range" });
    return this;
  }

  restart(): this {
    this.life++;
    return this;
  }

  input(logs: FinalReplicaLog[] = []): CheckInput {
    return { history: this.history, logs };
  }
}

/** A replica's final log from values in offset order (`null` leaves a gap, as a marker would). */
export function replica(broker: string, values: string[], opts: { hw?: number; leader?: boolean; tp?: [string, number]; epochs?: number[] } = {}): FinalReplicaLog {
  const [topic, partition] = opts.tp ?? ["t", 0];
  return {
    broker,
    topic,
    partition,
    highWatermark: opts.hw ?? values.length,
    logEndOffset: values.length,
    logStartOffset: 0,
    leader: opts.leader ?? false,
    records: values.map((value, offset) => ({ offset, leaderEpoch: opts.epochs?.[offset] ?? 0, key: null, value })),
  };
}

/** A poll of partition `t-0` (or `tp`) completing at `at` seconds with [offset, value] pairs. */
export function poll(story: Story, process: string, at: number, records: [number, string][], tp = "t-0"): Story {
  const inv = story.history.invoke(at * 1e6, process, "poll", {});
  story.history.complete(at * 1e6, inv, "ok", { [tp]: records });
  return story;
}

/**
 * A compacted topic's final log (`compacted: true`) from [offset, key, value] records, offsets sparse as the cleaner
 * leaves them; a value ending in "!" is a tombstone. HW and log end are the last offset + 1 unless given.
 */
export function compactedReplica(broker: string, records: [number, string, string][], opts: { hw?: number; leader?: boolean; logStart?: number } = {}): FinalReplicaLog {
  const end = records.length > 0 ? records[records.length - 1][0] + 1 : 0;
  return {
    broker,
    topic: "t",
    partition: 0,
    highWatermark: opts.hw ?? end,
    logEndOffset: end,
    logStartOffset: opts.logStart ?? 0,
    leader: opts.leader ?? true,
    compacted: true,
    records: records.map(([offset, key, value]) => ({ offset, leaderEpoch: 0, key, value, ...(value.endsWith("!") ? { tombstone: true as const } : {}) })),
  };
}
