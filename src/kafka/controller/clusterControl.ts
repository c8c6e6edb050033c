import type { ConnectionId } from "../../sim/index.js";
import type { BrokerHeartbeatRequest, BrokerHeartbeatResponse, BrokerRegistrationRequest, BrokerRegistrationResponse } from "../protocol/controllerMessages.js";
import type { ControllerContext } from "./controllerContext.js";
import type { ReplicationControlManager } from "./replicationControl.js";

/**
 * Brokers as the active controller knows them (Kafka `ClusterControlManager` + `BrokerHeartbeatManager`):
 * registrations, heartbeats and sessions, fencing and unfencing, controlled shutdown.
 */
export class ClusterControlManager {
  private lastHeartbeatUs = new Map<string, number>();
  /**
   * BrokerHeartbeatManager's controlled-shutdown state: brokers whose shutdown this controller is driving, with the
   * log offset their leadership moves end at (BrokerHeartbeatState.controlledShutdownOffset). Volatile, as Kafka's: a
   * new active controller starts without it. Who may lead or join an ISR is not read here but from the metadata
   * image (the registration's inControlledShutdown, KIP-841), which a new controller has too.
   */
  private shuttingDown = new Map<string, number>();
  /** How far each broker had replayed the metadata log at its last heartbeat. */
  private metadataOffsets = new Map<string, number>();
  /** Set once built (the two managers refer to each other). */
  replication!: ReplicationControlManager;

  constructor(private readonly c: ControllerContext) {}

  /**
   * BrokerHeartbeatState.shuttingDown(): this controller is driving the broker's controlled shutdown (a heartbeat
   * asked for it). Such a broker is not among BrokerHeartbeatManager.usableBrokers, the brokers the replica placer
   * chooses from; a broker whose registration says inControlledShutdown but whose shutdown this controller has not
   * seen yet (after a failover, before its next heartbeat) still is, as in Kafka.
   */
  isShuttingDown(broker: string): boolean {
    return this.shuttingDown.has(broker);
  }

  /** A new active controller: every registered broker gets a full session from now. */
  becameLeader(): void {
    this.lastHeartbeatUs = new Map();
    this.shuttingDown = new Map();
    this.metadataOffsets = new Map();
    for (const b of this.c.image().brokers.keys()) this.lastHeartbeatUs.set(b, this.c.ctx.nowUs);
  }

  /** Fences every unfenced broker whose session (broker.session.timeout.ms) expired. */
  checkSessions(): void {
    const now = this.c.ctx.nowUs;
    for (const [b, reg] of this.c.image().brokers) {
      if (reg.fenced) continue;
      const last = this.lastHeartbeatUs.get(b) ?? now;
      if (now - last > this.c.cfg.brokerSessionTimeoutMs * 1000) this.fence(b, "session expired");
    }
  }

  /**
   * BrokerHeartbeatManager.hasValidSession: an unfenced broker heard from within broker.session.timeout.ms (a new
   * active controller counts every broker as heard from at its activation, as Kafka's `touch` on activate).
   */
  private hasValidSession(broker: string, fenced: boolean): boolean {
    if (fenced) return false;
    const now = this.c.ctx.nowUs;
    const last = this.lastHeartbeatUs.get(broker) ?? now;
    return last + this.c.cfg.brokerSessionTimeoutMs * 1000 >= now;
  }

  /** Fences `broker`: its leaderships and ISR places move away, then its FenceBroker record; returns that record's offset. */
  fence(broker: string, reason: string): number {
    this.c.ctx.trace("controller.fence", { broker, reason });
    // Leadership and ISR move off the broker before it is marked fenced.
    this.replication.changePartitions(`${broker} ${reason}`, broker);
    return this.c.propose({ type: "FenceBroker", broker });
  }

  handleRegistration(_from: string, req: BrokerRegistrationRequest, conn: ConnectionId): void {
    const { ctx, cfg, raft } = this.c;
    if (!raft.isLeader()) {
      ctx.write(conn, { type: "BrokerRegistrationResponse", correlationId: req.correlationId, error: "NOT_CONTROLLER", brokerEpoch: -1, leaderHint: raft.leader } satisfies BrokerRegistrationResponse);
      return;
    }
    const existing = this.c.image().brokers.get(req.broker);
    // ClusterControlManager.registerBroker: another incarnation of a broker id whose registered one still has a
    // valid session (BrokerHeartbeatManager.hasValidSession: unfenced, last contact within broker.session.timeout.ms)
    // is refused, DuplicateBrokerRegistrationException; a broker that crashed and restarted quickly is registered
    // only once its old session has expired (it is fenced then) — the broker retries with back-off meanwhile.
    if (existing && existing.incarnation !== req.incarnation && this.hasValidSession(req.broker, existing.fenced)) {
      ctx.write(conn, { type: "BrokerRegistrationResponse", correlationId: req.correlationId, error: "DUPLICATE_BROKER_REGISTRATION", brokerEpoch: -1, leaderHint: ctx.name } satisfies BrokerRegistrationResponse);
      return;
    }
    let offset: number;
    if (existing && existing.incarnation === req.incarnation) offset = existing.registrationOffset;
    else {
      if (existing && !existing.fenced) this.fence(req.broker, "re-registered after restart");
      this.shuttingDown.delete(req.broker);
      // KIP-858: a log directory the broker did not have at its last registration (a replaced, freshly formatted
      // disk) comes with a new directory.id. The controller records the new set (RegisterBrokerRecord.LogDirs,
      // ClusterControlManager.updateDirectories); nothing in it says the log is gone.
      if (existing && !sameDirs(existing.directories, req.logDirs))
        ctx.trace("controller.log-dirs-changed", { broker: req.broker, previous: existing.directories, logDirs: req.logDirs });
      // KIP-966 (ClusterControlManager.registerBroker: isCleanShutdown = storedBrokerEpoch == previousBrokerEpoch;
      // ReplicationControlManager.handleBrokerShutdown): a broker back without proof of a clean shutdown — a crash,
      // or a new disk, whose .kafka_cleanshutdown went with the old one — may have lost its log; with ELR it leaves
      // every ISR and ELR before it registers again. Otherwise (clean, or ELR off) Kafka removes it from the ISRs as a
      // fenced broker: here it was fenced above, or already, and a fenced broker has left every ISR it may leave
      // (without ELR the last ISR member stays: KAFKA-14139 when its disk was replaced).
      if (existing && cfg.eligibleLeaderReplicasEnabled && req.previousBrokerEpoch !== existing.brokerEpoch) {
        ctx.trace("controller.unclean-shutdown", { broker: req.broker, previousBrokerEpoch: req.previousBrokerEpoch, brokerEpoch: existing.brokerEpoch });
        this.replication.changePartitions(`${req.broker} unclean shutdown`, undefined, req.broker);
      }
      offset = this.c.propose({ type: "RegisterBroker", broker: req.broker, brokerEpoch: raft.log.endOffset, incarnation: req.incarnation, logDirs: [...req.logDirs] });
    }
    this.lastHeartbeatUs.set(req.broker, ctx.nowUs);
    const brokerEpoch = this.c.image().brokers.get(req.broker)!.brokerEpoch;
    this.c.afterCommit(offset, () =>
      ctx.write(conn, { type: "BrokerRegistrationResponse", correlationId: req.correlationId, error: "NONE", brokerEpoch, leaderHint: ctx.name } satisfies BrokerRegistrationResponse),
    );
  }

  /**
   * BrokerHeartbeatManager.calculateNextBrokerState for a controlled shutdown (of a broker that leads something when
   * it asks; one that leads nothing is fenced at once, see handleHeartbeat): the first wantShutDown writes the
   * broker's BrokerRegistrationChangeRecord with inControlledShutdown (unless its registration has it already, as
   * after a controller failover) and moves its leaderships and ISR places away, in that order
   * (ReplicationControlManager.processBrokerHeartbeat → handleBrokerInControlledShutdown); from then on the broker
   * may neither lead nor join an ISR, and leaders, reading the record, do not propose it; it may stop
   * (shouldShutDown) once it leads nothing, the move is committed and every active broker has replayed it
   * (lowestActiveOffset: unfenced brokers not in controlled shutdown, so neither the broker itself nor another one
   * shutting down at the same time, as maybeUpdateControlledShutdownOffset takes them out of `active`), so their
   * clients find the new leaders at once; it is fenced then. A fenced broker may stop at once.
   */
  private controlledShutdown(broker: string, fenced: boolean): boolean {
    if (fenced) return true;
    const { ctx, raft } = this.c;
    let offset = this.shuttingDown.get(broker);
    if (offset === undefined) {
      ctx.trace("controller.controlled-shutdown", { broker });
      const reg = this.c.image().brokers.get(broker)!;
      if (!reg.inControlledShutdown) this.c.propose({ type: "BrokerRegistrationChange", broker, brokerEpoch: reg.brokerEpoch, inControlledShutdown: true });
      this.replication.changePartitions(`${broker} controlled shutdown`);
      offset = raft.log.endOffset;
      this.shuttingDown.set(broker, offset);
    }
    if (this.replication.leadsAny(broker)) return false;
    if (raft.highWatermark < offset) return false;
    for (const [b, reg] of this.c.image().brokers) if (!reg.fenced && !this.shuttingDown.has(b) && (this.metadataOffsets.get(b) ?? -1) < offset) return false;
    this.shuttingDown.delete(broker);
    this.fence(broker, "controlled shutdown");
    return true;
  }

  handleHeartbeat(_from: string, req: BrokerHeartbeatRequest, conn: ConnectionId): void {
    const { ctx, raft } = this.c;
    const reply = (error: BrokerHeartbeatResponse["error"], isFenced: boolean, shouldShutDown = false) =>
      ctx.write(conn, { type: "BrokerHeartbeatResponse", correlationId: req.correlationId, error, isFenced, shouldShutDown, leaderHint: raft.leader } satisfies BrokerHeartbeatResponse);
    if (!raft.isLeader()) return reply("NOT_CONTROLLER", true);
    const reg = this.c.image().brokers.get(req.broker);
    if (!reg || reg.brokerEpoch !== req.brokerEpoch) return reply("STALE_BROKER_EPOCH", true);
    this.lastHeartbeatUs.set(req.broker, ctx.nowUs);
    this.metadataOffsets.set(req.broker, req.metadataOffset);
    if (req.wantShutDown) {
      // BrokerHeartbeatManager.calculateNextBrokerState: an UNFENCED broker (not in this controller's controlled
      // shutdown state) that leads nothing (hasLeaderships) goes to SHUTDOWN_NOW, not CONTROLLED_SHUTDOWN:
      // ReplicationControlManager.processBrokerHeartbeat → handleBrokerFenced takes it out of the ISRs and fences it
      // in this heartbeat's batch (no BrokerRegistrationChangeRecord), and the reply, shouldShutDown, follows their
      // commit. After a controller failover the same holds for a broker whose registration is in controlled shutdown
      // (the new controller's BrokerHeartbeatManager starts without the state).
      if (!reg.fenced && !this.shuttingDown.has(req.broker) && !this.replication.leadsAny(req.broker)) {
        const offset = this.fence(req.broker, "shutdown requested, leads nothing");
        this.c.afterCommit(offset, () => reply("NONE", true, true));
        return;
      }
      const stop = this.controlledShutdown(req.broker, reg.fenced);
      return reply("NONE", stop || reg.fenced, stop);
    }
    if (reg.fenced && req.metadataOffset >= reg.registrationOffset) {
      // Caught up with its own registration: unfence, then offline partitions may elect it.
      const offset = this.c.propose({ type: "UnfenceBroker", broker: req.broker });
      ctx.trace("controller.unfence", { broker: req.broker });
      this.replication.changePartitions(`${req.broker} unfenced`);
      this.replication.maybeCreateTopics();
      this.c.afterCommit(offset, () => reply("NONE", false));
      return;
    }
    reply("NONE", reg.fenced);
  }
}

function sameDirs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((d) => b.includes(d));
}
