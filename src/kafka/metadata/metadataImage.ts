import type { LogConfig } from "../config/brokerConfig.js";
import type { ConfigValue } from "../config/configDef.js";
import { tpKey } from "../protocol/messages.js";
import type { MetadataRecord, PartitionState } from "./records.js";

export interface BrokerRegistration {
  broker: string;
  brokerEpoch: number;
  incarnation: number;
  fenced: boolean;
  /** Offset of the registration record; a broker is unfenced once its metadata has caught up to it. */
  registrationOffset: number;
  /** Its online log directories' directory.ids (KIP-858, BrokerRegistration.directories). */
  directories: string[];
  /**
   * KIP-841 (BrokerRegistration.inControlledShutdown): a BrokerRegistrationChangeRecord said this registration is in
   * controlled shutdown. It stays set when the broker is fenced; a new registration starts without it.
   */
  inControlledShutdown: boolean;
}

export interface TopicImage {
  name: string;
  partitions: number;
  /** The configs the topic overrides; the broker's apply to the rest. */
  config: Partial<LogConfig>;
}

/**
 * The cluster metadata obtained by replaying `__cluster_metadata` (Kafka `MetadataImage`). Controllers and
 * brokers build the same image from the same records. Maps iterate in insertion order, so it is deterministic.
 */
export class MetadataImage {
  readonly brokers = new Map<string, BrokerRegistration>();
  readonly topics = new Map<string, TopicImage>();
  readonly partitions = new Map<string, PartitionState>();
  /** Dynamic broker configs (ConfigurationImage, resource type BROKER): per broker name, "" the cluster default. */
  readonly brokerConfigs = new Map<string, Map<string, ConfigValue>>();
  /** Offset of the next record to apply. */
  offset = 0;

  apply(record: MetadataRecord, offset: number): void {
    switch (record.type) {
      case "RegisterBroker":
        this.brokers.set(record.broker, {
          broker: record.broker,
          brokerEpoch: record.brokerEpoch,
          incarnation: record.incarnation,
          fenced: true,
          registrationOffset: offset,
          directories: record.logDirs,
          inControlledShutdown: false,
        });
        break;
      case "BrokerRegistrationChange": {
        // ClusterControlManager.replayRegistrationChange: only the registration of the record's broker epoch changes.
        const b = this.brokers.get(record.broker);
        if (b && b.brokerEpoch === record.brokerEpoch) b.inControlledShutdown = record.inControlledShutdown;
        break;
      }
      case "FenceBroker": {
        const b = this.brokers.get(record.broker);
        if (b) b.fenced = true;
        break;
      }
      case "UnfenceBroker": {
        const b = this.brokers.get(record.broker);
        if (b) b.fenced = false;
        break;
      }
      case "Topic":
        this.topics.set(record.name, { name: record.name, partitions: record.partitions, config: record.config });
        break;
      case "Config": {
        // ConfigurationImage: a SET replaces the override, a DELETE (null) removes it.
        const t = this.topics.get(record.topic);
        if (!t) break;
        const config: Record<string, unknown> = { ...t.config };
        if (record.value === null) delete config[record.name];
        else config[record.name] = record.value;
        this.topics.set(record.topic, { ...t, config: config as Partial<LogConfig> });
        break;
      }
      case "BrokerConfig": {
        let m = this.brokerConfigs.get(record.broker);
        if (!m) this.brokerConfigs.set(record.broker, (m = new Map()));
        if (record.value === null) m.delete(record.name);
        else m.set(record.name, record.value);
        break;
      }
      case "Partition": {
        this.partitions.set(tpKey(record.state.topic, record.state.partition), record.state);
        // Kafka's TopicImage counts its partitions: a PartitionRecord past the count (CreatePartitions) grows it.
        const t = this.topics.get(record.state.topic);
        if (t && record.state.partition >= t.partitions) this.topics.set(t.name, { ...t, partitions: record.state.partition + 1 });
        break;
      }
      case "LeaderChange":
        break;
    }
    this.offset = offset + 1;
  }

  /**
   * A deep copy of this image (what a snapshot holds, and what a loaded snapshot becomes): the maps and the objects
   * `apply` changes in place (broker registrations, per-broker config maps) are copied; partition states and topic
   * images are replaced, never changed, by `apply`, so they are shared.
   */
  copy(): MetadataImage {
    const c = new MetadataImage();
    c.copyFrom(this);
    return c;
  }

  /**
   * Makes this image a copy of `src` (Kafka `MetadataLoader.handleLoadSnapshot`: the image becomes the snapshot's).
   * In place, because the broker's parts hold this image by reference.
   */
  copyFrom(src: MetadataImage): void {
    this.brokers.clear();
    this.topics.clear();
    this.partitions.clear();
    this.brokerConfigs.clear();
    for (const [k, b] of src.brokers) this.brokers.set(k, { ...b });
    for (const [k, t] of src.topics) this.topics.set(k, t);
    for (const [k, p] of src.partitions) this.partitions.set(k, p);
    for (const [k, m] of src.brokerConfigs) this.brokerConfigs.set(k, new Map(m));
    this.offset = src.offset;
  }

  /**
   * The image written as records (Kafka `MetadataImage.write(ImageWriter)`, what a snapshot file holds): each
   * broker's registration (and its unfencing), each topic with its configs, each partition, each dynamic broker
   * config. The model counts a snapshot's size in bytes from them (`recordSizeBytes`).
   */
  records(): MetadataRecord[] {
    const out: MetadataRecord[] = [];
    for (const b of this.brokers.values()) {
      out.push({ type: "RegisterBroker", broker: b.broker, brokerEpoch: b.brokerEpoch, incarnation: b.incarnation, logDirs: b.directories });
      if (!b.fenced) out.push({ type: "UnfenceBroker", broker: b.broker });
      if (b.inControlledShutdown) out.push({ type: "BrokerRegistrationChange", broker: b.broker, brokerEpoch: b.brokerEpoch, inControlledShutdown: true });
    }
    for (const t of this.topics.values()) out.push({ type: "Topic", name: t.name, partitions: t.partitions, config: t.config });
    for (const p of this.partitions.values()) out.push({ type: "Partition", state: p });
    for (const [broker, m] of this.brokerConfigs) for (const [name, value] of m) out.push({ type: "BrokerConfig", broker, name, value });
    return out;
  }

  /** Registered and not fenced (Kafka `KRaftMetadataCache.hasAliveBroker`); a broker in controlled shutdown is still active here. */
  isActive(broker: string): boolean {
    const b = this.brokers.get(broker);
    return b !== undefined && !b.fenced;
  }

  /** KIP-841: the broker's registration is in controlled shutdown (Kafka `KRaftMetadataCache.isBrokerShuttingDown`). */
  isShuttingDown(broker: string): boolean {
    return this.brokers.get(broker)?.inControlledShutdown === true;
  }

  /**
   * Registered, not fenced and not in controlled shutdown: what Kafka's controller calls active
   * (`ClusterControlManager.isActive`), and what a leader requires of a follower before it proposes it for the ISR or
   * lets its HW wait for it (`Partition.isReplicaIsrEligible`'s fenced and shutting-down conditions).
   */
  isIsrEligible(broker: string): boolean {
    const b = this.brokers.get(broker);
    return b !== undefined && !b.fenced && !b.inControlledShutdown;
  }

  partition(topic: string, partition: number): PartitionState | undefined {
    return this.partitions.get(tpKey(topic, partition));
  }

  /**
   * The dynamic broker configs that apply to `broker` (Kafka `DynamicBrokerConfig`'s precedence: its per-broker
   * configs over the cluster default), as key → value; the static config applies to the keys not here. With
   * `broker` "" only the cluster defaults (what a KRaft controller, not a broker, reads).
   */
  dynamicBrokerConfigs(broker: string): Record<string, ConfigValue> {
    const out: Record<string, ConfigValue> = {};
    for (const [k, v] of this.brokerConfigs.get("") ?? []) out[k] = v;
    if (broker !== "") for (const [k, v] of this.brokerConfigs.get(broker) ?? []) out[k] = v;
    return out;
  }

  /** A topic's override of a config, if it has one. */
  topicConfig<K extends keyof LogConfig>(topic: string, key: K): LogConfig[K] | undefined {
    return this.topics.get(topic)?.config[key];
  }
}
