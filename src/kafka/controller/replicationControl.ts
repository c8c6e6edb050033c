import type { ConnectionId } from "../../sim/index.js";
import type { PartitionState } from "../metadata/records.js";
import type { AlterPartitionRequest, AlterPartitionResponse } from "../protocol/controllerMessages.js";
import type { ConfigurationControlManager } from "./configurationControl.js";
import type { ControllerContext } from "./controllerContext.js";
import type { AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse, CreatePartitionsRequest, CreatePartitionsResponse } from "../protocol/configMessages.js";
import { hasPreferredLeader, nextPartitionState } from "./partitionChange.js";
import { buildPartitionChange, mergePartitionChange } from "./partitionChangeBuilder.js";
import { isReassigning, startReassignment, type ReassignmentPolicy } from "./partitionReassignment.js";
import { placeReplicas } from "./replicaPlacer.js";

/** ReplicationControlManager.MAX_ELECTIONS_PER_IMBALANCE: preferred (and unclean) elections one balance run may write. */
export const MAX_ELECTIONS_PER_IMBALANCE = 1000;

/** The `reason` of a `controller.election` made by the leader balance check (auto.leader.rebalance.enable). */
export const PREFERRED_ELECTION_REASON = "preferred replica election (auto.leader.rebalance.enable)";

/**
 * Partitions as the active controller manages them (Kafka `ReplicationControlManager`): topic creation, leader
 * elections and ISR changes after broker events, the leaders' AlterPartition requests, and the admin's
 * AlterPartitionReassignments and CreatePartitions.
 */
export class ReplicationControlManager {
  constructor(
    private readonly c: ControllerContext,
    private readonly configs: ConfigurationControlManager,
  ) {}

  /**
   * Brokers in controlled shutdown, from their registrations in the image (KIP-841; Kafka's
   * `ClusterControlManager.isActive` reads BrokerRegistration.inControlledShutdown): they may neither lead nor stay
   * in or join an ISR. Registered brokers only, in the image's order.
   */
  private inControlledShutdown(): Set<string> {
    const out = new Set<string>();
    for (const b of this.c.image().brokers.values()) if (b.inControlledShutdown) out.add(b.broker);
    return out;
  }

  /**
   * New leaders and ISRs after a broker event (ReplicationControlManager.generateLeaderAndIsrUpdates). An unclean
   * election is made where the topic allows it, except by the periodic check (`unclean: false`): a topic whose
   * unclean.leader.election.enable was turned on at run time waits for `maybeElectUncleanLeaders`, as in Kafka.
   */
  changePartitions(reason: string, removed?: string, uncleanShutdown?: string, unclean = true): void {
    const { cfg } = this.c;
    const image = this.c.image();
    const gone = this.inControlledShutdown();
    if (removed !== undefined) gone.add(removed);
    for (const p of [...image.partitions.values()]) {
      const next = nextPartitionState(p, image, { uncleanAllowed: unclean && this.configs.uncleanAllowed(p.topic), elrEnabled: cfg.eligibleLeaderReplicasEnabled, minIsr: this.configs.effectiveMinIsr(p) }, gone, uncleanShutdown);
      if (next) this.proposeChange(p, next, reason);
    }
  }

  /** Proposes a partition's next state (a reassignment completing in it), tracing a leader change as its kind of election. */
  private proposeChange(p: PartitionState, next: PartitionState, reason: string): void {
    this.traceIfCompleted(p, next);
    if (next.leader !== p.leader) {
      const fromElr = next.leader !== null && !p.isr.includes(next.leader) && (p.elr ?? []).includes(next.leader);
      const unclean = next.leader !== null && !p.isr.includes(next.leader) && !fromElr;
      this.c.ctx.trace(unclean ? "controller.unclean-election" : fromElr ? "controller.elr-election" : "controller.election", {
        tp: `${p.topic}-${p.partition}`,
        oldLeader: p.leader,
        newLeader: next.leader,
        leaderEpoch: next.leaderEpoch,
        isr: next.isr,
        ...(fromElr ? { elr: p.elr } : {}),
        reason,
      });
    }
    this.c.propose({ type: "Partition", state: next });
  }

  /**
   * ReplicationControlManager.maybeBalancePartitionLeaders (auto.leader.rebalance.enable, run by the controller's
   * balance check): every partition not led by its preferred replica (the `imbalancedPartitions` set) gets a
   * PartitionChangeBuilder with Election.PREFERRED, so the preferred replica leads again where it is in the ISR,
   * registered, unfenced and not in controlled shutdown; a PartitionChangeRecord per change, at most
   * `MAX_ELECTIONS_PER_IMBALANCE`. Returns how many it wrote; at the cap QuorumController runs it again 10 ms later
   * rather than after the interval (the ControllerResult's `true`). Partitions are visited in the image's order, where Kafka iterates a
   * TimelineHashSet (hash order): only the choice of which partitions wait for the next run when more than the cap
   * are imbalanced can differ.
   */
  maybeBalancePartitionLeaders(): number {
    const { cfg } = this.c;
    const image = this.c.image();
    const gone = this.inControlledShutdown();
    let records = 0;
    for (const p of [...image.partitions.values()]) {
      if (records >= MAX_ELECTIONS_PER_IMBALANCE) break;
      if (hasPreferredLeader(p)) continue;
      const built = nextPartitionState(p, image, { uncleanAllowed: false, elrEnabled: cfg.eligibleLeaderReplicasEnabled, minIsr: this.configs.effectiveMinIsr(p), preferred: true }, gone);
      if (!built) continue;
      this.proposeChange(p, built, PREFERRED_ELECTION_REASON);
      records++;
    }
    return records;
  }

  /**
   * ReplicationControlManager.arePartitionLeadersImbalanced: whether some partition is not led by its preferred
   * replica (a leaderless one counts). A scan of the image: asked only when a controller becomes active and after a
   * balance check; after other writes the controller looks at the record it wrote.
   */
  arePartitionLeadersImbalanced(): boolean {
    for (const p of this.c.image().partitions.values()) if (!hasPreferredLeader(p)) return true;
    return false;
  }

  /** Creates the scenario's topics once every configured broker is up (ReplicationControlManager.createTopics). */
  maybeCreateTopics(): void {
    const { cfg } = this.c;
    const image = this.c.image();
    const pendingTopics = cfg.topics.filter((t) => !image.topics.has(t.name));
    if (pendingTopics.length === 0) return;
    const active = cfg.brokers.filter((b) => image.isActive(b));
    // Topics from the scenario are created once every configured broker is up, as an operator would.
    if (active.length < cfg.brokers.length) return;
    for (const t of pendingTopics) {
      this.c.propose({ type: "Topic", name: t.name, partitions: t.partitions, config: t.config });
      for (let p = 0; p < t.partitions; p++) {
        // Every broker is up: the placer rotates over all of them (the scenario's replication factor fits).
        const replicas = placeReplicas(cfg.brokers, [], p, t.replicationFactor);
        if (!Array.isArray(replicas)) throw new Error(`topic ${t.name}: ${replicas.error}`);
        const state: PartitionState = { topic: t.name, partition: p, replicas, isr: [...replicas], leader: replicas[0], leaderEpoch: 0, partitionEpoch: 0 };
        this.c.propose({ type: "Partition", state });
      }
    }
  }

  /** Whether some partition has no leader (QuorumController.maybeScheduleNextElectUncleanLeaders asks). */
  hasLeaderlessPartitions(): boolean {
    return [...this.c.image().partitions.values()].some((p) => p.leader === null);
  }

  /** Whether `broker` leads some partition. */
  leadsAny(broker: string): boolean {
    return [...this.c.image().partitions.values()].some((p) => p.leader === broker);
  }

  handleAlterPartition(_from: string, req: AlterPartitionRequest, conn: ConnectionId): void {
    const { ctx, raft } = this.c;
    const image = this.c.image();
    const reply = (error: AlterPartitionResponse["error"], state: PartitionState | null) =>
      ctx.write(conn, { type: "AlterPartitionResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error, state, leaderHint: raft.leader } satisfies AlterPartitionResponse);
    if (!raft.isLeader()) return reply("NOT_CONTROLLER", null);
    const reg = image.brokers.get(req.broker);
    if (!reg || reg.brokerEpoch !== req.brokerEpoch) return reply("STALE_BROKER_EPOCH", null);
    const p = image.partition(req.topic, req.partition);
    if (!p) return reply("UNKNOWN_TOPIC_OR_PARTITION", null);
    // ReplicationControlManager.validateAlterPartitionData: only the current leader, in the current epochs, may change
    // the ISR. Epochs newer than this controller's mean it is not the active one any more (NOT_CONTROLLER); then an
    // older leader epoch is FENCED_LEADER_EPOCH, another broker's request INVALID_REQUEST, an older partition epoch
    // INVALID_UPDATE_VERSION, in that order.
    if (req.leaderEpoch > p.leaderEpoch || req.partitionEpoch > p.partitionEpoch) return reply("NOT_CONTROLLER", null);
    if (req.leaderEpoch < p.leaderEpoch) return reply("FENCED_LEADER_EPOCH", null);
    if (p.leader !== req.broker) return reply("INVALID_REQUEST", null);
    if (req.partitionEpoch < p.partitionEpoch) return reply("INVALID_UPDATE_VERSION", null);
    // validateAlterPartitionData, then: an ISR naming a broker twice or one that is not a replica (Replicas.validateIsr),
    // or without the leader, is INVALID_REQUEST.
    if (req.newIsr.some((b, i) => !p.replicas.includes(b) || req.newIsr.indexOf(b) !== i)) return reply("INVALID_REQUEST", null);
    if (!req.newIsr.includes(p.leader)) return reply("INVALID_REQUEST", null);
    // ReplicationControlManager.validateAlterPartitionData → ineligibleReplicasForIsr: every broker of the new ISR (not
    // only those it adds) must be registered, not in controlled shutdown and not fenced (the registration's flags,
    // KIP-841). Not modelled: the per-broker epochs of AlterPartition v3 (KIP-903), checked there too.
    const policy = this.policy(p);
    if (req.newIsr.some((b) => !policy.isAcceptableLeader(b))) return reply("INELIGIBLE_REPLICA", null);
    // ReplicationControlManager.alterPartition: the leader's ISR through PartitionChangeBuilder, which also fills the
    // ELR, completes a reassignment whose target is now in the ISR, and elects (UNCLEAN where the topic allows it).
    const record = buildPartitionChange(p, { ...policy, election: this.configs.uncleanAllowed(p.topic) ? "UNCLEAN" : "ONLINE", targetIsr: req.newIsr });
    if (!record) return reply("NONE", p);
    const next = mergePartitionChange(p, record);
    ctx.trace("controller.alter-partition", { tp: `${p.topic}-${p.partition}`, oldIsr: p.isr, newIsr: req.newIsr, by: req.broker });
    this.traceIfCompleted(p, next);
    if (next.leader !== p.leader)
      ctx.trace("controller.election", { tp: `${p.topic}-${p.partition}`, oldLeader: p.leader, newLeader: next.leader, leaderEpoch: next.leaderEpoch, isr: next.isr, reason: isReassigning(p) ? "reassignment completed" : "AlterPartition" });
    const offset = this.c.propose({ type: "Partition", state: next });
    // A change that moved the leadership away (a completed reassignment removed the leader) is answered
    // NEW_LEADER_ELECTED, though it is recorded: the old leader must learn its new role from the metadata.
    this.c.afterCommit(offset, () => (next.leader !== req.broker ? reply("NEW_LEADER_ELECTED", null) : reply("NONE", next)));
  }

  /** The builder's policy for a partition: acceptable leaders are active and not in controlled shutdown (Kafka's LeaderAcceptor over `ClusterControlManager.isActive`). */
  private policy(p: PartitionState): ReassignmentPolicy {
    const image = this.c.image();
    return { isAcceptableLeader: (b) => image.isIsrEligible(b), minIsr: this.configs.effectiveMinIsr(p), elrEnabled: this.c.cfg.eligibleLeaderReplicasEnabled };
  }

  /** Traces a reassignment that this change completed. */
  private traceIfCompleted(p: PartitionState, next: PartitionState): void {
    if (isReassigning(p) && !isReassigning(next)) this.traceReassignment("completed", next);
  }

  private traceReassignment(phase: "started" | "completed", s: PartitionState): void {
    this.c.ctx.trace("controller.reassignment", { tp: `${s.topic}-${s.partition}`, phase, replicas: s.replicas, addingReplicas: s.addingReplicas ?? [], removingReplicas: s.removingReplicas ?? [], isr: s.isr, leader: s.leader });
  }

  /**
   * ReplicationControlManager.alterPartitionReassignments for one partition (forwarded by a broker): the target is
   * checked as validateManualPartitionAssignment does (INVALID_REPLICA_ASSIGNMENT: empty, a broker twice, a broker
   * that is not registered), then a PartitionChangeRecord starts the move (`startReassignment`), completed at once
   * when nothing needs to catch up. The answer goes once it is committed; the move itself completes later, when the
   * leader's AlterPartition puts the new replicas in the ISR. Errors: NOT_CONTROLLER, UNKNOWN_TOPIC_OR_PARTITION.
   */
  handleAlterPartitionReassignments(_from: string, req: AlterPartitionReassignmentsRequest, conn: ConnectionId): void {
    const { ctx, raft } = this.c;
    const image = this.c.image();
    const reply = (error: AlterPartitionReassignmentsResponse["error"], errorMessage: string | null = null) =>
      ctx.write(conn, { type: "AlterPartitionReassignmentsResponse", correlationId: req.correlationId, error, errorMessage, leaderHint: raft.leader } satisfies AlterPartitionReassignmentsResponse);
    if (!raft.isLeader()) return reply("NOT_CONTROLLER");
    const p = image.partition(req.topic, req.partition);
    if (!p) return reply("UNKNOWN_TOPIC_OR_PARTITION", `${req.topic}-${req.partition} does not exist`);
    if (req.replicas.length === 0) return reply("INVALID_REPLICA_ASSIGNMENT", "The manual partition assignment includes an empty replica list.");
    const dup = req.replicas.find((r, i) => req.replicas.indexOf(r) !== i);
    if (dup !== undefined) return reply("INVALID_REPLICA_ASSIGNMENT", `The manual partition assignment includes the partition ${dup} more than once.`);
    const unknown = req.replicas.find((r) => !image.brokers.has(r));
    if (unknown !== undefined) return reply("INVALID_REPLICA_ASSIGNMENT", `The manual partition assignment includes broker ${unknown}, but no such broker is registered.`);
    const next = startReassignment(p, req.replicas, this.policy(p));
    if (!next) return reply("NONE");
    if (isReassigning(next)) this.traceReassignment("started", next);
    else {
      this.traceReassignment("completed", next);
      if (next.leader !== p.leader)
        ctx.trace("controller.election", { tp: `${p.topic}-${p.partition}`, oldLeader: p.leader, newLeader: next.leader, leaderEpoch: next.leaderEpoch, isr: next.isr, reason: "reassignment completed" });
    }
    const offset = this.c.propose({ type: "Partition", state: next });
    this.c.afterCommit(offset, () => reply("NONE"));
  }

  /**
   * ReplicationControlManager.createPartitions for one topic without manual assignments (forwarded by a broker):
   * `count` must exceed the topic's partition count (INVALID_PARTITIONS, Kafka's messages); the new partitions
   * `current..count-1` take the replication factor of the topic's first partition and are placed by `placeReplicas`
   * over the usable brokers (INVALID_REPLICATION_FACTOR when it cannot); each gets a PartitionRecord with ISR = its
   * active replicas, leader the first of them, epochs 0 (buildPartitionRegistration). All records or none (Kafka's
   * `ControllerResult.atomicOf`); the answer goes once the last is committed. Brokers create the new partitions'
   * logs when they apply the records (ReplicaManager.applyDelta). Errors: NOT_CONTROLLER, UNKNOWN_TOPIC_OR_PARTITION.
   */
  handleCreatePartitions(_from: string, req: CreatePartitionsRequest, conn: ConnectionId): void {
    const { ctx, cfg, raft } = this.c;
    const image = this.c.image();
    const answer = (error: CreatePartitionsResponse["error"], errorMessage: string | null = null) =>
      ctx.write(conn, { type: "CreatePartitionsResponse", correlationId: req.correlationId, error, errorMessage, leaderHint: raft.leader } satisfies CreatePartitionsResponse);
    const refuse = (error: CreatePartitionsResponse["error"], message: string) => {
      ctx.trace("controller.create-partitions", { topic: req.topic, count: req.count, error, message, partitions: [] });
      answer(error, message);
    };
    if (!raft.isLeader()) return answer("NOT_CONTROLLER");
    const topic = image.topics.get(req.topic);
    const first = image.partition(req.topic, 0);
    if (!topic || !first) return refuse("UNKNOWN_TOPIC_OR_PARTITION", `topic ${req.topic} does not exist`);
    const current = topic.partitions;
    if (req.count === current) return refuse("INVALID_PARTITIONS", `Topic already has ${current} partition(s).`);
    if (req.count < current) return refuse("INVALID_PARTITIONS", `The topic ${req.topic} currently has ${current} partition(s); ${req.count} would not be an increase.`);
    const replicationFactor = first.replicas.length;
    const usable = cfg.brokers.filter((b) => image.isIsrEligible(b));
    const fenced = cfg.brokers.filter((b) => image.brokers.has(b) && !usable.includes(b));
    const states: PartitionState[] = [];
    for (let p = current; p < req.count; p++) {
      const replicas = placeReplicas(usable, fenced, p, replicationFactor);
      if (!Array.isArray(replicas)) return refuse("INVALID_REPLICATION_FACTOR", `Unable to replicate the partition ${replicationFactor} time(s): ${replicas.error}`);
      const isr = replicas.filter((b) => usable.includes(b));
      states.push({ topic: req.topic, partition: p, replicas, isr, leader: isr[0], leaderEpoch: 0, partitionEpoch: 0 });
    }
    ctx.trace("controller.create-partitions", { topic: req.topic, count: req.count, error: "NONE", message: null, partitions: states.map((st) => `${st.topic}-${st.partition} [${st.replicas.join(", ")}]`) });
    let offset = -1;
    for (const state of states) offset = this.c.propose({ type: "Partition", state });
    this.c.afterCommit(offset, () => answer("NONE"));
  }
}
