import type { GroupCoordinator } from "../coordinator/group/groupCoordinator.js";
import { CONSUMER_OFFSETS_TOPIC } from "../coordinator/offsetLog.js";
import type { TransactionCoordinator } from "../coordinator/transactionCoordinator.js";
import { TRANSACTION_STATE_TOPIC } from "../coordinator/transactionLog.js";
import type { PartitionState } from "../metadata/records.js";
import type { MetadataPublisher } from "./metadataLoader.js";
import type { ReplicaManager } from "./replicaManager.js";

/**
 * Publishes metadata changes to the broker's parts (Kafka `BrokerMetadataPublisher`): the replica manager applies a
 * partition's new state; the coordinator of an internal topic's partition is its leader, so gaining or losing that
 * leadership loads or unloads the coordinator's state (`onElection` / `onResignation`), the leader epoch being a
 * transaction coordinator's coordinator epoch.
 */
export class BrokerMetadataPublisher implements MetadataPublisher {
  constructor(
    private readonly replicaManager: ReplicaManager,
    private readonly transactions: TransactionCoordinator,
    private readonly groups: GroupCoordinator,
  ) {}

  /** DynamicConfigPublisher: a topic's new configs reach its logs (segment and retention settings are cached). */
  publishTopicConfig(topic: string): void {
    this.replicaManager.topicConfigChanged(topic);
  }

  /** DynamicConfigPublisher for BROKER resources: the broker's current config is rebuilt from the image. */
  publishBrokerConfig(): void {
    this.replicaManager.brokerConfigChanged();
  }

  /**
   * Brokers were fenced, or entered controlled shutdown (KIP-841's BrokerRegistrationChangeRecord). Kafka's
   * controller writes such a broker's ISR removals and its registration change in one atomic batch, which the broker
   * applies as one delta, so the leader's HW is recomputed (Partition.makeLeader → maybeIncrementLeaderHW) with the
   * broker already ineligible. The model's metadata fetch may split them, so a leader whose HW that broker could be
   * holding back (shouldWaitForReplicaToJoinIsr) recomputes it on the change.
   */
  publishBrokersIneligible(brokers: string[]): void {
    this.replicaManager.brokersIneligible(brokers);
  }

  publishPartition(st: PartitionState): void {
    const change = this.replicaManager.applyPartitionState(st);
    if (!change) return;
    const { partition: p, wasLeaderEpoch } = change;
    if (st.topic === TRANSACTION_STATE_TOPIC) {
      if (p.role === "leader" && p.leaderEpoch !== wasLeaderEpoch) this.transactions.onBecomeLeader(st.partition, p.leaderEpoch);
      else if (p.role !== "leader" && wasLeaderEpoch >= 0) this.transactions.onResign(st.partition);
    }
    if (st.topic === CONSUMER_OFFSETS_TOPIC) {
      if (p.role === "leader" && p.leaderEpoch !== wasLeaderEpoch) this.groups.onBecomeLeader(st.partition);
      else if (p.role !== "leader" && wasLeaderEpoch >= 0) this.groups.onResign(st.partition);
    }
  }
}
