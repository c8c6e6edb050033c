import { ClusterControlManager } from "../../src/kafka/controller/clusterControl.js";
import type { ControllerConfig, ControllerContext } from "../../src/kafka/controller/controllerContext.js";
import type { RaftNode } from "../../src/kafka/controller/raft.js";
import { ConfigurationControlManager } from "../../src/kafka/controller/configurationControl.js";
import { ReplicationControlManager } from "../../src/kafka/controller/replicationControl.js";
import { MetadataImage } from "../../src/kafka/metadata/metadataImage.js";
import type { MetadataRecord } from "../../src/kafka/metadata/records.js";
import type { AlterPartitionRequest, AlterPartitionResponse, BrokerHeartbeatResponse, BrokerRegistrationResponse } from "../../src/kafka/protocol/controllerMessages.js";
import { FakeContext } from "./fakeContext.js";

/** What a broker's heartbeat brought: the answer, and the broker's registration after it. */
export interface HeartbeatOutcome {
  response: BrokerHeartbeatResponse;
  fenced: boolean;
  inControlledShutdown: boolean;
}

/**
 * kafkasim's ClusterControlManager (the active controller's registrations, sessions, fencing and controlled
 * shutdown) on a FakeContext with a stand-in for the rest of the controller: a metadata log that is only a counter
 * (a proposed record is applied to the image at once, at the next offset), committed at once unless `holdCommits` is
 * set (then `commit()` commits everything), and a ReplicationControlManager whose only answer is `leadsAny`, read
 * from `leaders` (the brokers that lead some partition; its partition moves are recorded in `partitionMoves`) — or,
 * with `replication`, kafkasim's own ReplicationControlManager over the image's partitions (cluster defaults:
 * min.insync.replicas 1, unclean leader election off, ELR off; `brokers` the cluster's broker names).
 * Broker names are "broker-<n>"; `now` is the FakeContext's clock, moved with `ctx.advance(ms)`.
 */
export class ClusterControlHarness {
  readonly ctx = new FakeContext("c0");
  readonly image = new MetadataImage();
  readonly records: { offset: number; record: MetadataRecord }[] = [];
  readonly leaders = new Set<string>();
  readonly partitionMoves: string[] = [];
  readonly cluster: ClusterControlManager;
  holdCommits = false;
  private endOffset: number;
  private highWatermark: number;
  private pending: { offset: number; send: () => void }[] = [];
  private nextCorrelationId = 1;
  private readonly incarnations = new Map<string, number>();

  /** Set with `replication`: kafkasim's ReplicationControlManager. */
  readonly replication: ReplicationControlManager | null = null;

  /** `sessionTimeoutMs`: broker.session.timeout.ms; `firstOffset`: the offset of the first record proposed. */
  constructor(sessionTimeoutMs: number, firstOffset = 0, replication?: { brokers: string[] }) {
    this.endOffset = firstOffset;
    this.highWatermark = firstOffset;
    const self = this;
    const raft = {
      isLeader: () => true,
      leader: "c0",
      log: {
        get endOffset() {
          return self.endOffset;
        },
      },
      get highWatermark() {
        return self.highWatermark;
      },
    } as unknown as RaftNode;
    const cfg = { brokerSessionTimeoutMs: sessionTimeoutMs, eligibleLeaderReplicasEnabled: false, brokers: replication?.brokers ?? [], topics: [], minInsyncReplicas: 1, uncleanLeaderElectionEnable: false } as unknown as ControllerConfig;
    const c: ControllerContext = {
      ctx: this.ctx,
      cfg,
      raft,
      image: () => this.image,
      propose: (record) => this.propose(record),
      afterCommit: (offset, send) => {
        if (offset < this.highWatermark) send();
        else this.pending.push({ offset, send });
      },
    };
    this.cluster = new ClusterControlManager(c);
    if (replication) {
      this.replication = new ReplicationControlManager(c, new ConfigurationControlManager(c, () => {}));
      this.cluster.replication = this.replication;
      this.replication.isShuttingDown = (broker) => this.cluster.isShuttingDown(broker);
    } else
      this.cluster.replication = {
        changePartitions: (reason: string) => void this.partitionMoves.push(reason),
        leadsAny: (broker: string) => this.leaders.has(broker),
        maybeCreateTopics: () => {},
      } as unknown as ReplicationControlManager;
    this.cluster.becameLeader();
  }

  /** The offset the next proposed record gets (the log end offset). */
  get logEndOffset(): number {
    return this.endOffset;
  }

  /** Appends LeaderChange records (which change no broker) until the log end is `offset`. */
  padTo(offset: number): void {
    while (this.endOffset < offset) this.propose({ type: "LeaderChange", leader: "c0", epoch: 1 });
  }

  /** Commits every record proposed so far, sending the answers that waited for them. */
  commit(): void {
    this.highWatermark = this.endOffset;
    const ready = this.pending.filter((p) => p.offset < this.highWatermark);
    this.pending = this.pending.filter((p) => p.offset >= this.highWatermark);
    for (const p of ready) p.send();
  }

  /** Appends `record` to the metadata log (ctx.replay of a record the test builds); returns its offset. */
  propose(record: MetadataRecord): number {
    const offset = this.endOffset++;
    this.image.apply(record, offset);
    this.records.push({ offset, record });
    if (!this.holdCommits) this.commit();
    return offset;
  }

  /** `broker-<id>`. */
  static broker(id: number): string {
    return `broker-${id}`;
  }

  /** Sends a BrokerRegistration of `broker` (its current incarnation, or `incarnation`); returns the answer, if sent. */
  register(broker: string, incarnation = this.incarnations.get(broker) ?? 1): BrokerRegistrationResponse | undefined {
    this.incarnations.set(broker, incarnation);
    this.ctx.takeSent();
    this.cluster.handleRegistration(broker, { type: "BrokerRegistration", correlationId: this.nextCorrelationId++, broker, incarnation, previousBrokerEpoch: -1, logDirs: ["dir-a"] }, this.ctx.conn(broker));
    return this.answer<BrokerRegistrationResponse>();
  }

  /** A registration from a new incarnation of `broker` (a restarted process). */
  registerNewIncarnation(broker: string): BrokerRegistrationResponse | undefined {
    return this.register(broker, (this.incarnations.get(broker) ?? 0) + 1);
  }

  /** Sends a BrokerHeartbeat of `broker` with its registered epoch (or `brokerEpoch`); the answer and its registration after it. */
  heartbeat(broker: string, metadataOffset: number, wantShutDown = false, brokerEpoch?: number): HeartbeatOutcome {
    this.ctx.takeSent();
    const epoch = brokerEpoch ?? this.image.brokers.get(broker)?.brokerEpoch ?? -1;
    this.cluster.handleHeartbeat(broker, { type: "BrokerHeartbeat", correlationId: this.nextCorrelationId++, broker, brokerEpoch: epoch, metadataOffset, wantShutDown }, this.ctx.conn(broker));
    const response = this.answer<BrokerHeartbeatResponse>();
    if (!response) throw new Error(`no heartbeat answer for ${broker} (waiting for a commit)`);
    const reg = this.image.brokers.get(broker);
    return { response, fenced: reg?.fenced ?? true, inControlledShutdown: reg?.inControlledShutdown ?? false };
  }

  /** Registers `broker` and unfences it with a heartbeat caught up with its registration. */
  registerUnfenced(broker: string, metadataOffset?: number): void {
    this.register(broker);
    const reg = this.image.brokers.get(broker)!;
    this.heartbeat(broker, metadataOffset ?? reg.registrationOffset);
  }

  /**
   * An AlterPartition from `broker` (its registered epoch unless `brokerEpoch`; RECOVERED unless `leaderRecoveryState`,
   * as a leader's requests are once `Partition.makeLeader` ran); the answer, once committed.
   */
  alterPartition(
    req: Omit<AlterPartitionRequest, "type" | "correlationId" | "brokerEpoch" | "leaderRecoveryState"> & Partial<Pick<AlterPartitionRequest, "brokerEpoch" | "leaderRecoveryState">>,
  ): AlterPartitionResponse | undefined {
    this.ctx.takeSent();
    const brokerEpoch = req.brokerEpoch ?? this.image.brokers.get(req.broker)?.brokerEpoch ?? -1;
    const leaderRecoveryState = req.leaderRecoveryState ?? "RECOVERED";
    this.replication!.handleAlterPartition(req.broker, { ...req, type: "AlterPartition", correlationId: this.nextCorrelationId++, brokerEpoch, leaderRecoveryState }, this.ctx.conn(req.broker));
    return this.answer<AlterPartitionResponse>();
  }

  /** Whether `broker` is registered and unfenced. */
  isUnfenced(broker: string): boolean {
    return this.image.brokers.get(broker)?.fenced === false;
  }

  /** The brokers the controller fenced, in order, since the harness was made. */
  fenced(): string[] {
    return this.ctx.tracesOf("controller.fence").map((t) => String(t.data.broker));
  }

  private answer<T>(): T | undefined {
    const sent = this.ctx.takeSent();
    return sent.length === 0 ? undefined : (sent[sent.length - 1].msg as T);
  }
}
