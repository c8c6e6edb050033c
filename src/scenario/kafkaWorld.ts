import { brokerActor } from "../kafka/broker/broker.js";
import { brokerSettings } from "../kafka/broker/brokerSettings.js";
import type { ConfigValue } from "../kafka/config/configDef.js";
import { producerSettings } from "../kafka/config/producerSettings.js";
import { controllerActor } from "../kafka/controller/controller.js";
import { producerWorkloadActor } from "../workload/producerWorkload.js";
import type { World } from "./world.js";

/** Adds the scenario's KRaft controllers, brokers and Kafka clients to the world. */
export function addKafkaCluster(world: World): void {
  const { scenario: s, sim, history } = world;
  if (s.brokers.length === 0) return;
  const c = s.brokerConfig;
  const num = (k: string) => c.get(k) as number;
  for (const name of s.controllers)
    sim.addActor(
      name,
      controllerActor({
        raft: {
          voters: s.controllers,
          electionTimeoutMs: num("controller.quorum.election.timeout.ms"),
          fetchTimeoutMs: num("controller.quorum.fetch.timeout.ms"),
          electionBackoffMaxMs: num("controller.quorum.election.backoff.max.ms"),
          requestTimeoutMs: num("controller.quorum.request.timeout.ms"),
          fetchMaxWaitMs: 500,
        },
        brokers: s.brokers,
        topics: s.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions,
          replicationFactor: t.replicationFactor,
          config: Object.fromEntries(t.config) as Record<string, ConfigValue>,
        })),
        brokerSessionTimeoutMs: num("broker.session.timeout.ms"),
        uncleanLeaderElectionEnable: c.get("unclean.leader.election.enable") as boolean,
      }),
    );
  const settings = brokerSettings(c, s.simulator.legacyHighWatermarkTruncation);
  s.brokers.forEach((name, i) =>
    sim.addActor(name, brokerActor({ settings, controllers: s.controllers, brokerIndex: i + 1, controllerRequestTimeoutMs: num("controller.quorum.request.timeout.ms") })),
  );
  for (const cl of s.clients) {
    const workload = { ...cl.workload, stopMs: cl.stopMs };
    sim.addActor(cl.id, producerWorkloadActor(s.brokers, producerSettings(cl.config, cl.explicit), workload, history), Math.round(cl.startMs * 1000));
  }
}
