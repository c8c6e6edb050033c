import type { Actor, ActorContext } from "../../sim/index.js";
import { MetadataImage } from "../metadata/metadataImage.js";
import type { SnapshotId } from "../metadata/metadataSnapshot.js";
import { ConnectionRouter } from "../network/connectionRouter.js";
import { NetworkClient } from "../network/networkClient.js";
import { describeRecord, type MetadataRecord } from "../metadata/records.js";
import type { ControllerMessages } from "../protocol/apis.js";
import { dispatch, type Handlers, isMessageOf } from "../protocol/dispatch.js";
import type { RaftEntry } from "../protocol/raftMessages.js";
import { ClusterControlManager } from "./clusterControl.js";
import { ControllerSnapshots, imageOfLog } from "./controllerSnapshots.js";
import { ConfigurationControlManager } from "./configurationControl.js";
import type { ControllerConfig, ControllerContext } from "./controllerContext.js";
import { RaftNode } from "./raft.js";
import { hasPreferredLeader } from "./partitionChange.js";
import { MAX_ELECTIONS_PER_IMBALANCE, ReplicationControlManager } from "./replicationControl.js";

export type { ControllerConfig, TopicSpec } from "./controllerContext.js";

/** How often the active controller looks for expired broker sessions and leaderless partitions. */
const TICK_MS = 250;

/**
 * A KRaft controller (Kafka `QuorumController`, much reduced). All controllers replay the metadata log into an
 * image; the active one (the Raft leader) also registers brokers, tracks their heartbeats and fences expired
 * sessions (`ClusterControlManager`), elects partition leaders (preferred ones too, with auto.leader.rebalance.enable)
 * and applies AlterPartition (`ReplicationControlManager`) and alters configs (`ConfigurationControlManager`), by appending records.
 * Responses to brokers are sent once the records they depend on are committed.
 */
export function controllerActor(cfg: ControllerConfig) {
  return (ctx: ActorContext): ControllerActor => {
    let image = new MetadataImage();
    const pending: { offset: number; send: () => void }[] = [];
    let tickTimer = -1;
    const router = ConnectionRouter.of(ctx);
    let correlation = 0;
    // KafkaRaftManager's NetworkClient: one request in flight per connection, reconnect back-off 50 ms up to 500 ms.
    const raftClient = new NetworkClient(
      ctx,
      {
        name: "raft-client",
        requestTimeoutMs: cfg.raft.requestTimeoutMs,
        reconnectBackoffMs: 50,
        reconnectBackoffMaxMs: 500,
        connectionSetupTimeoutMs: cfg.connectionSetupTimeoutMs,
        connectionSetupTimeoutMaxMs: cfg.connectionSetupTimeoutMaxMs,
        maxInFlightRequestsPerConnection: 1,
      },
      () => ++correlation,
    );
    /** QuorumController's uncleanScheduled: a periodic unclean election is waiting (its timer id), or none (-1). */
    let uncleanTimer = -1;
    const uncleanCheck = ctx.timer(() => {
      uncleanTimer = -1;
      if (raft.isLeader()) maybeElectUncleanLeaders();
    });
    /** QuorumController's imbalancedScheduled: SCHEDULED while the balance check's timer is set (its id), else -1. */
    let balanceTimer = -1;
    /** IMMEDIATELY (true) after a balance run that wrote MAX_ELECTIONS_PER_IMBALANCE, else DEFERRED (false). */
    let balanceImmediately = false;
    /** A balance run is writing its records (its own writes do not schedule the next: the run does, after them). */
    let balancing = false;
    const balanceCheck = ctx.timer(() => {
      balanceTimer = -1;
      if (raft.isLeader()) balancePartitionLeaders();
    });
    /** The active controller's periodic check (every TICK_MS). */
    const tickPeriod = ctx.timer(() => {
      if (raft.isLeader()) tick();
    });
    const raft: RaftNode = new RaftNode(ctx, cfg.raft, {
      becameLeader: () => {
        cluster.becameLeader();
        tickTimer = tickPeriod.set(TICK_MS);
        // QuorumController's activation (processBatchEndOffset) reschedules the periodic tasks from the image.
        maybeScheduleNextBalancePartitionLeaders(() => replication.arePartitionLeadersImbalanced());
      },
      resigned: () => {
        pending.length = 0;
        if (tickTimer >= 0) tickPeriod.cancel(tickTimer);
        tickTimer = -1;
        // QuorumController.renounce → cancelMaybeNextElectUncleanLeaders.
        if (uncleanTimer >= 0) uncleanCheck.cancel(uncleanTimer);
        uncleanTimer = -1;
        // QuorumController.renounce → cancelMaybeBalancePartitionLeaders: back to DEFERRED.
        if (balanceTimer >= 0) balanceCheck.cancel(balanceTimer);
        balanceTimer = -1;
        balanceImmediately = false;
      },
      appended: (from) => {
        for (let i = from; i < raft.log.endOffset; i++) image.apply(raft.log.entryAt(i).record, i);
      },
      truncated: () => rebuildImage(),
      loadedSnapshot: (s) => {
        rebuildImage();
        snapshots.loaded(s);
      },
      committed: (hw) => {
        while (pending.length > 0 && pending[0].offset < hw) pending.shift()!.send();
        snapshots.committed(hw);
      },
    }, raftClient);
    const snapshots = new ControllerSnapshots(ctx, raft, cfg.snapshots);

    /** The image of the whole local log: the latest snapshot, then the entries after it (uncommitted ones too). */
    function rebuildImage(): void {
      image = imageOfLog(raft.log, raft.log.endOffset);
    }

    function propose(record: MetadataRecord): number {
      const offset = raft.append(record);
      ctx.trace("controller.record", { offset, ...describeRecord(record) });
      // QuorumController schedules the balance check after every write that leaves a partition without its preferred
      // leader; only a Partition record can, so looking at this one costs nothing when leaders stay where they are.
      if (record.type === "Partition" && !hasPreferredLeader(record.state)) maybeScheduleNextBalancePartitionLeaders(() => true);
      return offset;
    }

    /** Sends after the record at `offset` is committed. */
    function afterCommit(offset: number, send: () => void): void {
      if (offset < raft.highWatermark) send();
      else pending.push({ offset, send });
    }

    const shared: ControllerContext = { ctx, cfg, raft, image: () => image, propose, afterCommit };
    const configs = new ConfigurationControlManager(shared, () => maybeScheduleNextElectUncleanLeaders());
    const cluster = new ClusterControlManager(shared);
    const replication = new ReplicationControlManager(shared, configs);
    cluster.replication = replication;
    replication.isShuttingDown = (broker) => cluster.isShuttingDown(broker);

    function tick(): void {
      tickTimer = tickPeriod.set(TICK_MS);
      cluster.checkSessions();
      replication.changePartitions("periodic election check", undefined, undefined, false);
      replication.maybeCreateTopics();
      maybeScheduleNextElectUncleanLeaders();
    }

    /**
     * QuorumController.maybeScheduleNextElectUncleanLeaders (run after every write; here with the periodic check):
     * while some partition has no leader, an unclean election is scheduled unclean.leader.election.interval.ms ahead.
     */
    function maybeScheduleNextElectUncleanLeaders(): void {
      if (uncleanTimer >= 0) return;
      if (!replication.hasLeaderlessPartitions()) return;
      uncleanTimer = uncleanCheck.set(cfg.uncleanLeaderElectionCheckIntervalMs);
    }

    /**
     * QuorumController.maybeScheduleNextBalancePartitionLeaders: with auto.leader.rebalance.enable, when no check is
     * scheduled and some partition is not led by its preferred replica, the check runs
     * leader.imbalance.check.interval.seconds from now (DEFERRED), or 10 ms from now after a run that hit
     * MAX_ELECTIONS_PER_IMBALANCE (IMMEDIATELY). So the first check comes one interval after the write that made the
     * imbalance (a failover), not on a fixed clock; a scheduled check is never moved.
     */
    function maybeScheduleNextBalancePartitionLeaders(imbalanced: () => boolean): void {
      const intervalMs = cfg.leaderImbalanceCheckIntervalMs;
      if (balanceTimer >= 0 || balancing || intervalMs === null || !imbalanced()) return;
      balanceTimer = balanceCheck.set(balanceImmediately ? 10 : intervalMs);
    }

    /**
     * The MAYBE_BALANCE_PARTITION_LEADERS write event: ReplicationControlManager.maybeBalancePartitionLeaders, then
     * (as after every write event) the next check is scheduled if some partition is still imbalanced — a preferred
     * replica out of the ISR or fenced waits another interval.
     */
    function balancePartitionLeaders(): void {
      balancing = true;
      const elections = replication.maybeBalancePartitionLeaders();
      balancing = false;
      balanceImmediately = elections >= MAX_ELECTIONS_PER_IMBALANCE;
      const imbalanced = replication.arePartitionLeadersImbalanced();
      ctx.trace("controller.balance-leaders", { elections, imbalanced });
      maybeScheduleNextBalancePartitionLeaders(() => imbalanced);
    }

    /**
     * ReplicationControlManager.maybeTriggerUncleanLeaderElectionForLeaderlessPartitions: every leaderless partition
     * whose topic allows it gets an unclean leader now (the one way a topic's unclean.leader.election.enable turned
     * on at run time takes effect before the next broker event).
     */
    function maybeElectUncleanLeaders(): void {
      replication.changePartitions("periodic unclean election check");
      maybeScheduleNextElectUncleanLeaders();
    }

    /** ControllerApis and the KRaft client: every request a controller serves (answers go to the raft's NetworkClient). */
    const handlers: Handlers<ControllerMessages> = {
      Vote: (_from, req, conn) => raft.handleVote(req, conn),
      BeginQuorumEpoch: (_from, req) => raft.handleBeginQuorumEpoch(req),
      Fetch: (from, req, conn) => raft.handleFetch(from, req, conn),
      FetchSnapshot: (_from, req, conn) => raft.handleFetchSnapshot(req, conn),
      BrokerRegistration: (from, req, conn) => cluster.handleRegistration(from, req, conn),
      BrokerHeartbeat: (from, req, conn) => cluster.handleHeartbeat(from, req, conn),
      AlterPartition: (from, req, conn) => replication.handleAlterPartition(from, req, conn),
      IncrementalAlterConfigs: (from, req, conn) => configs.handleIncrementalAlterConfigs(from, req, conn),
      AlterPartitionReassignments: (from, req, conn) => replication.handleAlterPartitionReassignments(from, req, conn),
      CreatePartitions: (from, req, conn) => replication.handleCreatePartitions(from, req, conn),
    };

    return {
      inspect: () => ({
        isActive: raft.isLeader(),
        leader: raft.leader,
        epoch: raft.epoch,
        highWatermark: raft.highWatermark,
        logStartOffset: raft.log.startOffset,
        log: raft.log.entries,
        snapshots: raft.log.snapshots.map((s) => s.id),
        image: () => image,
        leaderOf: (topic, partition) => image.partition(topic, partition)?.leader ?? null,
      }),
      onStart: () => {
        rebuildImage();
        const s = raft.log.latestSnapshot();
        if (s) ctx.trace("metadata.snapshot-load", { endOffset: s.id.endOffset, epoch: s.id.epoch, sizeBytes: s.sizeBytes, from: "disk" });
        raft.start();
      },
      onMessage: (from, msg, conn) => {
        if (router.onMessage(conn, msg)) return;
        if (isMessageOf(handlers, msg)) dispatch(handlers, msg.type, from, msg, conn);
      },
      // A peer went away: the quorum notices by its timeouts, as KRaft does.
      onConnection: (conn, _peer, event) => router.onConnection(conn, event),
    };
  };
}

/** End-of-run and fault-targeting view of a controller (the model never uses it). */
export interface ControllerActor extends Actor {
  inspect(): {
    isActive: boolean;
    /** The quorum leader this controller knows of (itself when active), or null while it knows none. */
    leader: string | null;
    epoch: number;
    highWatermark: number;
    /** The metadata log's start offset: `log[0]` is the entry at it (older entries are in a snapshot). */
    logStartOffset: number;
    log: readonly RaftEntry[];
    /** The ids of the snapshots this controller holds, oldest first. */
    snapshots: SnapshotId[];
    /** The controller's metadata image (all of its log, committed or not). */
    image(): MetadataImage;
    leaderOf(topic: string, partition: number): string | null;
  };
}
