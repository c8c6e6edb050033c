import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";
import type { PollValue } from "../../src/workload/consumerWorkload.js";

function run(consumerConfig: string, extra = "") {
  const s = parseScenario(
    `name: consumer
description: a consumer reads what a producer writes
duration: 20s
cluster:
  brokers: 3
  topics: [{ name: t, partitions: 3, replicationFactor: 3 }]
clients:
  - { id: p, kind: producer, workload: { topic: t, rate: 100 } }
  - { id: c, kind: consumer, config: { ${consumerConfig} }, workload: { assign: { topic: t } } }
${extra}`,
    "<test>",
  );
  const r = runScenario(s);
  const read = new Map<string, string>();
  for (const op of r.history.ops)
    if (op.f === "poll" && op.type === "ok") for (const [tp, recs] of Object.entries(op.value as PollValue)) for (const [o, v] of recs) read.set(`${tp}@${o}`, v);
  const acked = r.history.ops.filter((o) => o.f === "send" && o.type === "ok");
  return { r, read, acked };
}

describe("assign-mode consumer", () => {
  it("with auto.offset.reset=earliest it reads every acknowledged record, once, at its offset", () => {
    const { read, acked } = run("auto.offset.reset: earliest");
    expect(acked.length).toBeGreaterThan(1500);
    // Records acknowledged in the last poll intervals may still be on their way: a partition is fetched again only
    // once poll() has used up what was fetched before (AbstractFetch.fetchablePartitions).
    for (const op of acked.filter((o) => o.time < 19.5e6)) {
      const v = op.value as { topic: string; partition: number; offset: number; value: string };
      expect(read.get(`${v.topic}-${v.partition}@${v.offset}`)).toBe(v.value);
    }
  });

  it("max.poll.records bounds each poll", () => {
    const { r } = run("auto.offset.reset: earliest, max.poll.records: 3");
    for (const op of r.history.ops)
      if (op.f === "poll" && op.type === "ok") expect(Object.values(op.value as PollValue).reduce((n, recs) => n + recs.length, 0)).toBeLessThanOrEqual(3);
  });

  it("Kafka keys the model lacks are refused with the reason", () => {
    expect(() => run("client.rack: a")).toThrow(/consumer config "client.rack" is Kafka's but not modelled: racks \(fetching from the closest replica, KIP-392\) are not modelled/);
  });

  it("enable.auto.commit: true without a group.id is refused, as the Java client refuses it; a group.instance.id without one is accepted and unused, as Kafka's", () => {
    expect(() => run("enable.auto.commit: true")).toThrow(/enable.auto.commit: needs a group.id/);
    // ConsumerConfig.maybeOverrideEnableAutoCommit refuses only the first; a consumer joins no group without a group.id.
    expect(run("group.instance.id: a, auto.offset.reset: earliest").read.size).toBeGreaterThan(0);
  });

  it("a group.instance.id Kafka would refuse (JoinGroupRequest.validateGroupInstanceId: a legal topic name) is refused; a legal one loads", () => {
    for (const id of ['"pod a"', '".."', "x".repeat(250)])
      expect(() => run(`group.id: g, group.instance.id: ${id}`), id).toThrow(/clients\[1\]\.config\.group\.instance\.id: must be 1–249 characters of \[a-zA-Z0-9\._-\]/);
    // "" is refused before that, by the key's NonEmptyString validator (ConsumerConfig's ConfigDef).
    expect(() => run('group.id: g, group.instance.id: ""')).toThrow(/clients\[1\]\.config\.group\.instance\.id: must be a non-empty string/);
    const legal = (id: string) =>
      parseScenario(`name: c\ndescription: c\nduration: 5s\ncluster: { brokers: 3, topics: [{ name: t, partitions: 1, replicationFactor: 3 }] }\nclients:\n  - { id: c, kind: consumer, config: { group.id: g, group.instance.id: ${id} }, workload: { subscribe: [t] } }\n`, "<test>");
    expect(() => legal("pod-a.7f9c_2")).not.toThrow();
    expect(() => legal("x".repeat(249))).not.toThrow();
  });
});
