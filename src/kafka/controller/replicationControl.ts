import type { ConnectionId } from "../../sim/index.js";
import { leaderRecoveryStateOf, type PartitionState } from "../metadata/records.js";
import type { AlterPartitionRequest, AlterPartitionResponse } from "../protocol/controllerMessages.js";
import type { ConfigurationControlManager } from "./configurationControl.js";
import type { ControllerContext } from "./controllerContext.js";
import type { AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse, CreatePartitionsRequest, CreatePartitionsResponse } from "../protocol/configMessages.js";
import { validateAlterPartitionData } from "./alterPartitionValidation.js";
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
   * Set once built: whether the controller drives the broker's controlled shutdown (ClusterControlManager's
   * isShuttingDown, BrokerHeartbeatState.shuttingDown): such a broker is not among the placer's usable brokers.
   */
  isShuttingDown!: (broker: string) => boolean;

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
        // KIP-704: the unclean leader's partition is RECOVERING until its AlterPartition says RECOVERED.
        ...(next.leaderRecoveryState ? { leaderRecoveryState: next.leaderRecoveryState } : {}),
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
    // ReplicationControlManager.validateAlterPartitionData (epochs, sender, ISR shape, KIP-704 recovery state, eligibility).
    const invalid = validateAlterPartitionData(p, req, (b) => image.isIsrEligible(b));
    if (!p || invalid !== "NONE") return reply(invalid, null);
    const policy = this.policy(p);
    // ReplicationControlManager.alterPartition: the leader's ISR through PartitionChangeBuilder, which also fills the
    // ELR, completes a reassignment whose target is now in the ISR, and elects (UNCLEAN where the topic allows it).
    // The leader's recovery state is the builder's target (setTargetLeaderRecoveryState, KIP-704): RECOVERED clears
    // the RECOVERING of the unclean election that made it leader, in the same record as the ISR it asks for.
    const record = buildPartitionChange(p, { ...policy, election: this.configs.uncleanAllowed(p.topic) ? "UNCLEAN" : "ONLINE", targetIsr: req.newIsr, targetLeaderRecoveryState: req.leaderRecoveryState });
    if (!record) return reply("NONE", p);
    const next = mergePartitionChange(p, record);
    const recovery = leaderRecoveryStateOf(p) !== leaderRecoveryStateOf(next) ? { leaderRecoveryState: `${leaderRecoveryStateOf(p)} -> ${leaderRecoveryStateOf(next)}` } : {};
    ctx.trace("controller.alter-partition", { tp: `${p.topic}-${p.partition}`, oldIsr: p.isr, newIsr: req.newIsr, by: req.broker, ...recovery });
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
   * over the usable brokers (ClusterControlManager.usableBrokers: registered ones whose controlled shutdown this
   * controller is not driving, the unfenced first), INVALID_REPLICATION_FACTOR with the placer's own message when it
   * cannot (createPartitions does not wrap it, createTopics does); each gets a PartitionRecord with ISR = its active
   * replicas (ClusterControlManager.isActive: unfenced, registration not in controlled shutdown), leader the first of
   * them, epochs 0 (buildPartitionRegistration); an empty ISR refuses the request with INVALID_REPLICATION_FACTOR
   * "Unable to replicate the partition N time(s): All brokers are currently fenced or in controlled shutdown."
   * (a broker in controlled shutdown the placer still counted). All records or none (Kafka's
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
    // StripedReplicaPlacer's RackList over ClusterControlManager.usableBrokers(): its unfenced and fenced lists.
    const placeable = cfg.brokers.filter((b) => image.brokers.has(b) && !this.isShuttingDown(b));
    const unfenced = placeable.filter((b) => !image.brokers.get(b)!.fenced);
    const fenced = placeable.filter((b) => image.brokers.get(b)!.fenced);
    const assignments: string[][] = [];
    for (let p = current; p < req.count; p++) {
      const replicas = placeReplicas(unfenced, fenced, p, replicationFactor);
      // ReplicationControlManager.createPartitions: the placer's InvalidReplicationFactorException as it is.
      if (!Array.isArray(replicas)) return refuse("INVALID_REPLICATION_FACTOR", replicas.error);
      assignments.push(replicas);
    }
    const states: PartitionState[] = [];
    for (const replicas of assignments) {
      const isr = replicas.filter((b) => image.isIsrEligible(b));
      if (isr.length === 0) return refuse("INVALID_REPLICATION_FACTOR", `Unable to replicate the partition ${replicationFactor} time(s): All brokers are currently fenced or in controlled shutdown.`);
      states.push({ topic: req.topic, partition: current + states.length, replicas, isr, leader: isr[0], leaderEpoch: 0, partitionEpoch: 0 });
    }
    ctx.trace("controller.create-partitions", { topic: req.topic, count: req.count, error: "NONE", message: null, partitions: states.map((st) => `${st.topic}-${st.partition} [${st.replicas.join(", ")}]`) });
    let offset = -1;
    for (const state of states) offset = this.c.propose({ type: "Partition", state });
    this.c.afterCommit(offset, () => answer("NONE"));
  }
}
