import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { type RunResult, runScenario } from "../../src/runner/run.js";

/**
 * group.max.size (classic groups) and group.consumer.max.size (KIP-848 groups) end to end: three members, a limit of
 * two. The third member to join is refused with GROUP_MAX_SIZE_REACHED (GroupMetadataManager.acceptJoiningMember /
 * throwIfConsumerGroupIsFull) and, as Kafka's clients do, fails for good: the classic consumer's poll() raises
 * GroupMaxSizeReachedException (AbstractCoordinator's JoinGroup handler), the KIP-848 member's heartbeat manager
 * handles it as a fatal failure (AbstractHeartbeatRequestManager.onErrorResponse). The other two share the partitions.
 */
function run(brokerConfig: string, protocol: "classic" | "consumer"): RunResult {
  const member = (id: string, start = "") =>
    `  - { id: ${id}, kind: consumer${start}, config: { group.id: g, group.protocol: ${protocol}, enable.auto.commit: false, auto.offset.reset: earliest }, workload: { subscribe: [t], processing: { perRecord: 1ms }, commit: sync } }`;
  return runScenario(
    parseScenario(
      `name: group-max-size
description: three members, a group limit of two
duration: 30s
cluster:
  brokers: 3
  config: { offsets.topic.num.partitions: 1${brokerConfig} }
  topics: [{ name: t, partitions: 4, replicationFactor: 3 }]
clients:
  - { id: producer, kind: producer, workload: { topic: t, rate: 20 } }
${member("c1")}
${member("c2")}
${member("c3", ", start: 15s")}
`,
      "<test>",
    ),
  );
}

const fatal = (r: RunResult) => r.history.ops.filter((op) => op.f === "consumer-fatal").map((op) => [op.process, (op.value as { error: string }).error]);
const membersOf = (r: RunResult) => r.groups.find((g) => g.group === "g")!.members.map((m) => m.clientId).sort();

describe("a group at its size limit (GROUP_MAX_SIZE_REACHED)", () => {
  it("classic: with group.max.size 2 the third member is refused and fails; the other two keep the group", () => {
    const r = run(", group.max.size: 2", "classic");
    expect(fatal(r)).toEqual([["c3", "GROUP_MAX_SIZE_REACHED"]]);
    expect(membersOf(r)).toEqual(["c1", "c2"]);
  });

  it("classic, quiet: without the limit the third member joins", () => {
    const r = run("", "classic");
    expect(fatal(r)).toEqual([]);
    expect(membersOf(r)).toEqual(["c1", "c2", "c3"]);
  });

  it("KIP-848: with group.consumer.max.size 2 the third member is refused and fails; group.max.size does not apply", () => {
    const r = run(", group.consumer.max.size: 2", "consumer");
    expect(fatal(r)).toEqual([["c3", "GROUP_MAX_SIZE_REACHED"]]);
    expect(membersOf(r)).toEqual(["c1", "c2"]);
    expect(fatal(run(", group.max.size: 2", "consumer"))).toEqual([]);
  });
});
