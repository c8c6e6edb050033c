import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/runner/run.js";
import { parseScenario } from "../../../src/scenario/load.js";
import type { TraceRecord } from "../../../src/sim/index.js";

/**
 * A restarted broker's start-up, as Kafka's BrokerServer.startup runs it:
 * - its MetadataLoader publishes nothing until it has replayed `__cluster_metadata` up to the high watermark the
 *   leader told it (MetadataLoader.stillNeedToCatchUp), and then the whole image at once;
 * - its listeners open only once the controller has unfenced it (lifecycleManager.setReadyToUnfence(), then
 *   socketServer.enableRequestProcessing): before, clients and other brokers cannot connect (refused), while its
 *   own requests (registration, heartbeats, metadata fetches) go out from the start.
 */

/**
 * broker-1 crashes at 10 s and is back `crashFor` later; a producer and a consumer group use `orders`. broker-2
 * crashes at 24 s, so that broker-1 (started by then) leads again.
 */
const quickRestart = (crashFor: string) =>
  parseScenario(
    `name: quick-restart
description: broker-1 crashes and restarts after ${crashFor}
seed: 1
duration: 40s
cluster:
  brokers: 3
  topics:
    - { name: orders, partitions: 3, replicationFactor: 3, config: { min.insync.replicas: 2 } }
clients:
  - { id: app, kind: producer, config: { acks: all }, workload: { topic: orders, rate: 50 } }
  - { id: member-1, kind: consumer, config: { group.id: g, auto.offset.reset: earliest }, workload: { subscribe: [orders] } }
faults:
  - { at: 10s, crash: broker-1, for: ${crashFor} }
  - { at: 24s, crash: broker-2, for: 10s }
expect:
  - noLostAcknowledgedWrites
`,
    "quick-restart.yaml",
  );

const PEERS = ["app", "member-1", "broker-2", "broker-3"];

function restart(crashFor: string) {
  const trace: TraceRecord[] = [];
  const r = runScenario(quickRestart(crashFor), { seed: 1, traceMessages: true, observe: (t) => trace.push(t) });
  const restartUs = trace.find((t) => t.actor === "broker-1" && t.type === "sim.start" && t.data!.incarnation === 2)!.t;
  const startedUs = trace.find((t) => t.actor === "broker-1" && t.type === "broker.started" && t.t > restartUs)?.t ?? Infinity;
  /** The requests broker-1 received from clients and other brokers (not the answers to its own requests), and when. */
  const delivered = trace.filter((t) => t.actor === "broker-1" && t.type === "net.deliver" && t.t > restartUs && PEERS.includes(t.data!.from as string) && !(t.data!.msg as string).endsWith("Response"));
  /** Connections to broker-1 refused after its restart, by who tried. */
  const refused = trace.filter((t) => t.type === "net.refused" && t.data!.peer === "broker-1" && t.t > restartUs);
  return { r, restartUs, startedUs, delivered, refused };
}

describe("a restarted broker opens its listeners once the controller unfences it (BrokerServer.startup)", () => {
  it("refuses clients and other brokers until then: a producer's and a consumer's requests and the followers' Fetch find no listener", () => {
    // Back after 2 s, within broker.session.timeout.ms: its registration is refused (DUPLICATE_BROKER_REGISTRATION)
    // until its old session expires, so it stays fenced for seconds while the image still gives it leaderships.
    const { r, restartUs, startedUs, delivered, refused } = restart("2s");
    expect(startedUs).toBeLessThan(24_000_000);
    expect(startedUs - restartUs).toBeGreaterThan(2_000_000);
    expect(delivered.filter((t) => t.t < startedUs).map((t) => `${t.data!.from}:${t.data!.msg}`)).toEqual([]);
    const refusedBefore = refused.filter((t) => t.t < startedUs).map((t) => t.actor);
    expect(refusedBefore).toContain("app");
    expect(refused.filter((t) => t.t > startedUs)).toEqual([]);
    // Once started it serves: the producer's Produce and the consumer's and the followers' Fetch reach it.
    const after = delivered.filter((t) => t.t > startedUs).map((t) => `${t.data!.from}:${t.data!.msg}`);
    expect(after).toEqual(expect.arrayContaining(["app:Produce", "member-1:Fetch", "broker-3:Fetch"]));
    expect(r.ok).toBe(true);
  });

  it("its own requests go out before: it registers, heartbeats and fetches the metadata log while refusing others", () => {
    const trace: TraceRecord[] = [];
    runScenario(quickRestart("2s"), { seed: 1, traceMessages: true, observe: (t) => trace.push(t) });
    const restartUs = trace.find((t) => t.actor === "broker-1" && t.type === "sim.start" && t.data!.incarnation === 2)!.t;
    const startedUs = trace.find((t) => t.actor === "broker-1" && t.type === "broker.started" && t.t > restartUs)!.t;
    const sentByBroker1 = new Set(trace.filter((t) => t.type === "net.deliver" && t.data!.from === "broker-1" && t.t > restartUs && t.t < startedUs).map((t) => t.data!.msg as string));
    expect([...sentByBroker1].sort()).toEqual(expect.arrayContaining(["BrokerHeartbeat", "BrokerRegistration", "Fetch"]));
    expect(trace.some((t) => t.actor === "broker-1" && t.type === "metadata.caught-up" && t.t > restartUs && t.t < startedUs)).toBe(true);
  });
});

/**
 * 520 partitions (RF 2): their creation alone is more than one Fetch answer of the metadata log (500 records). broker-1
 * is down 5..25 s, long enough to be fenced and lose its leaderships; back, it replays the log from the start, whose
 * first answer still gives it the leaderships of epoch 0.
 */
const manyPartitions = parseScenario(
  `name: long-replay
description: broker-1 replays a metadata log longer than one Fetch answer
seed: 1
duration: 40s
cluster:
  brokers: 3
  topics:
    - { name: wide, partitions: 520, replicationFactor: 2 }
faults:
  - { at: 5s, crash: broker-1, for: 20s }
expect: []
`,
  "long-replay.yaml",
);

describe("the metadata loader publishes nothing before it reaches the high watermark (MetadataLoader.stillNeedToCatchUp)", () => {
  it("a restarted broker never takes up a leadership the log's later records moved to another broker", () => {
    const trace: TraceRecord[] = [];
    runScenario(manyPartitions, { seed: 1, observe: (t) => trace.push(t) });
    const restartUs = trace.find((t) => t.actor === "broker-1" && t.type === "sim.start" && t.data!.incarnation === 2)!.t;
    // The controller's latest Partition record per partition, as of each moment.
    const current = new Map<string, { leader: string | null; leaderEpoch: number }>();
    const stale: string[] = [];
    let movedAway = -1;
    let followerships = 0;
    for (const t of trace) {
      if (movedAway < 0 && t.t >= restartUs) movedAway = [...current.values()].filter((c) => c.leaderEpoch > 0 && c.leader !== "broker-1").length;
      if (t.type === "controller.record" && t.data!.record === "Partition") current.set(t.data!.tp as string, { leader: t.data!.leader as string | null, leaderEpoch: t.data!.leaderEpoch as number });
      if (t.actor !== "broker-1" || t.t < restartUs) continue;
      if (t.type === "partition.become-follower") followerships++;
      if (t.type !== "partition.become-leader") continue;
      const c = current.get(t.data!.tp as string)!;
      if (c.leader !== "broker-1" || c.leaderEpoch !== t.data!.leaderEpoch) stale.push(`${t.data!.tp}@${t.data!.leaderEpoch} (current: ${c.leader}@${c.leaderEpoch})`);
    }
    // The scene is set: broker-1's leaderships moved away while it was down, and the replay needed several answers.
    expect(movedAway).toBeGreaterThan(100);
    expect(stale).toEqual([]);
    const caughtUp = trace.find((t) => t.actor === "broker-1" && t.type === "metadata.caught-up" && t.t > restartUs)!;
    expect(caughtUp.data!.offset).toBeGreaterThan(700);
    // Quiet, not blind: the caught-up image was published, and broker-1 follows the leaders it had lost to.
    expect(followerships).toBeGreaterThan(300);
  });
});
