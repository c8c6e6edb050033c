import { type ActorContext, KeyValueFile, type RandomStream, type Timer } from "../../sim/index.js";
import { exponentialBackoffMs } from "../network/exponentialBackoff.js";
import type { BrokerHeartbeatRequest, BrokerHeartbeatResponse, BrokerRegistrationRequest, BrokerRegistrationResponse } from "../protocol/controllerMessages.js";
import type { ControllerChannel } from "./controllerChannel.js";
import { MetaProperties } from "./metaProperties.js";

/**
 * A broker's standing with the controller (Kafka `BrokerLifecycleManager`): it registers (its incarnation tells
 * the controller it restarted), heartbeats every broker.heartbeat.interval.ms with how far it has replayed the
 * metadata log, learns whether it is fenced, registers again after STALE_BROKER_EPOCH, and runs the controlled
 * shutdown: heartbeats ask to shut down (wantShutDown) while the controller moves the broker's leaderships away, until
 * an answer says it may (shouldShutDown). One heartbeat is in flight at a time. A broker whose first registration has
 * not succeeded within initial.broker.registration.timeout.ms of its start gives up: the manager stops talking to the
 * controller and the broker's process exits (`onRegistrationTimeout`).
 */
export class BrokerLifecycleManager {
  /** -1 until registered. */
  brokerEpoch = -1;
  private registrationId = -1;
  private heartbeatId = -1;
  private fenced = true;
  /** The controller has unfenced this incarnation once (`initialUnfenceFuture` completed). */
  private unfencedOnce = false;
  /** A controlled shutdown waits for the controller's shouldShutDown, then calls this. */
  private pendingShutdown: (() => void) | null = null;
  private gotControlledShutdownResponse = false;
  /** broker.heartbeat.interval.ms. */
  private readonly beat: Timer;
  /** One heartbeat sooner than the interval (controlled shutdown). */
  private readonly soon: Timer;
  /** The next heartbeat of a starting broker, 10 ms after a fenced answer (BrokerState.STARTING); -1: none set. */
  private readonly starting: Timer;
  private startingId = -1;
  /** The clean-shutdown file (Kafka's `.kafka_cleanshutdown`, KIP-966): the broker epoch at the last clean shutdown. */
  private readonly cleanShutdownFile: KeyValueFile;
  /** What that file said at start-up (-1: the last shutdown was not clean); the file is then cleared. */
  private readonly previousBrokerEpoch: number;
  /** The log directory's meta.properties: its directory.id goes in the registration's LogDirs (KIP-858). */
  private readonly metaProperties: MetaProperties;
  /** A refused registration is sent again after this timer (BrokerLifecycleManager.scheduleNextCommunicationAfterFailure). */
  private readonly retry: Timer;
  /** Registrations refused in a row (`failedAttempts`), for the back-off's exponent; 0 after a success. */
  private failedAttempts = 0;
  /** The back-off's jitter draws. */
  private readonly backoffRandom: RandomStream;
  /** The pending retry of a refused registration (-1: none). */
  private retryId = -1;
  /** Fires initial.broker.registration.timeout.ms after the first registration (`RegistrationTimeoutEvent`). */
  private readonly registrationTimeout: Timer;
  /** -1: not armed yet (the first register() arms it), or cancelled by the first successful registration. */
  private registrationTimeoutId = -1;
  /** The first registration was sent: this incarnation's deadline is set (Kafka's StartupEvent). */
  private started = false;
  /** A registration of this incarnation succeeded (`initialRegistrationSucceeded`); later refusals never time out. */
  private initialRegistrationSucceeded = false;
  /** The manager gave up (`ShutdownEvent` after the registration timeout): it sends nothing more. */
  private shutDown = false;

  constructor(
    private readonly ctx: ActorContext,
    private readonly channel: ControllerChannel,
    private readonly heartbeatIntervalMs: number,
    /** broker.session.timeout.ms: the cap of the registration retry back-off (`resendExponentialBackoff`). */
    private readonly sessionTimeoutMs: number,
    /** How far the broker has replayed and published the metadata log (`MetadataLoader.lastAppliedOffset`). */
    private readonly metadataOffset: () => number,
    /**
     * Called once, when the controller first unfences this incarnation (`initialUnfenceFuture`): the end of
     * BrokerServer.startup, which then opens the broker's listeners.
     */
    private readonly onFirstUnfenced: () => void = () => {},
    /** initial.broker.registration.timeout.ms (KRaftConfigs, default 60000). */
    private readonly initialRegistrationTimeoutMs = 60_000,
    /**
     * Called when no registration succeeded within that timeout, after the manager has stopped: BrokerServer.startup
     * fails (the cancelled initialCatchUpFuture) and Kafka.main exits the process.
     */
    private readonly onRegistrationTimeout: () => void = () => {},
  ) {
    this.metaProperties = new MetaProperties(ctx);
    this.cleanShutdownFile = ctx.disk.open("meta/clean-shutdown", () => new KeyValueFile());
    this.previousBrokerEpoch = this.cleanShutdownFile.get<number>("brokerEpoch") ?? -1;
    this.cleanShutdownFile.put("brokerEpoch", -1);
    this.cleanShutdownFile.fsync();
    this.beat = ctx.timer(() => {
      this.beat.set(this.heartbeatIntervalMs);
      if (this.brokerEpoch >= 0) this.heartbeat();
    });
    this.soon = ctx.timer(() => this.heartbeat());
    this.starting = ctx.timer(() => {
      this.startingId = -1;
      this.heartbeat();
    });
    this.retry = ctx.timer(() => {
      this.retryId = -1;
      this.register();
    });
    this.registrationTimeout = ctx.timer(() => this.onRegistrationTimeoutEvent());
    this.backoffRandom = ctx.stream("lifecycle-backoff");
  }

  /**
   * Sends a BrokerRegistration (replacing one still unanswered). The first one is the manager's start
   * (BrokerLifecycleManager.StartupEvent): it sets the initial.broker.registration.timeout.ms deadline, measured from
   * then, before sending, as Kafka's does (a non-positive timeout fires right after this first send).
   */
  register(): void {
    if (this.shutDown) return;
    if (!this.started) {
      this.started = true;
      this.registrationTimeoutId = this.registrationTimeout.set(this.initialRegistrationTimeoutMs);
    }
    if (this.registrationId >= 0) this.channel.drop(this.registrationId);
    this.registrationId = this.channel.send(
      (correlationId): BrokerRegistrationRequest => ({ type: "BrokerRegistration", correlationId, broker: this.ctx.name, incarnation: this.ctx.incarnation, previousBrokerEpoch: this.previousBrokerEpoch, logDirs: [this.metaProperties.directoryId] }),
      (res) => this.onRegistrationResponse(res),
    );
  }

  /** A clean shutdown records the broker epoch, so the next registration proves the log is whole (KIP-966). */
  recordCleanShutdown(): void {
    this.cleanShutdownFile.put("brokerEpoch", this.brokerEpoch);
    this.cleanShutdownFile.fsync();
  }

  startHeartbeats(): void {
    this.beat.set(this.heartbeatIntervalMs);
  }

  /**
   * SetReadyToUnfenceEvent: the broker has published its first metadata, so its heartbeats may ask to be unfenced
   * (here: they report the published offset, which the controller compares with the registration's), and the next
   * one goes now (scheduleNextCommunicationImmediately) rather than after the interval.
   */
  setReadyToUnfence(): void {
    this.heartbeat();
  }

  /** One BrokerHeartbeat (once registered), replacing one still unanswered; it asks to shut down during a controlled shutdown. */
  heartbeat(): void {
    if (this.brokerEpoch < 0 || this.shutDown) return;
    if (this.heartbeatId >= 0) this.channel.drop(this.heartbeatId);
    const wantShutDown = this.pendingShutdown !== null;
    this.heartbeatId = this.channel.send(
      (correlationId): BrokerHeartbeatRequest => ({ type: "BrokerHeartbeat", correlationId, broker: this.ctx.name, brokerEpoch: this.brokerEpoch, metadataOffset: this.metadataOffset(), wantShutDown }),
      (res) => this.onHeartbeatResponse(res),
    );
  }

  /**
   * BrokerLifecycleManager.beginControlledShutdown: the next heartbeat (sent now) asks to shut down; `done` runs
   * when the controller answers shouldShutDown. A broker not registered yet has nothing to hand over: done at once.
   */
  beginControlledShutdown(done: () => void): void {
    if (this.brokerEpoch < 0) return done();
    this.ctx.trace("broker.controlled-shutdown", { brokerEpoch: this.brokerEpoch });
    this.pendingShutdown = done;
    this.heartbeat();
  }

  private onRegistrationResponse(res: BrokerRegistrationResponse): void {
    if (res.error === "NOT_CONTROLLER") return this.channel.redirect(res.correlationId, res.leaderHint);
    if (res.error !== "NONE") {
      // BrokerLifecycleManager's registration response handler: any error (DUPLICATE_BROKER_REGISTRATION while the
      // previous incarnation's session lasts) → scheduleNextCommunicationAfterFailure, ExponentialBackoff(100 ms, ×2,
      // broker.session.timeout.ms, jitter 0.02) over the failures in a row.
      this.registrationId = -1;
      const delayMs = exponentialBackoffMs(100, 2, this.sessionTimeoutMs, 0.02, this.failedAttempts++, this.backoffRandom);
      this.ctx.trace("broker.registration-failed", { error: res.error, retryMs: delayMs });
      this.retryId = this.retry.set(delayMs);
      return;
    }
    this.failedAttempts = 0;
    this.registrationId = -1;
    // initialRegistrationSucceeded: the deadline no longer matters. Kafka's RegistrationTimeoutEvent still runs and
    // does nothing; here the timer is cancelled (an event that changes nothing).
    this.initialRegistrationSucceeded = true;
    if (this.registrationTimeoutId >= 0) this.registrationTimeout.cancel(this.registrationTimeoutId);
    this.registrationTimeoutId = -1;
    this.brokerEpoch = res.brokerEpoch;
    this.ctx.trace("broker.registered", { brokerEpoch: this.brokerEpoch });
    this.heartbeat();
  }

  /**
   * BrokerLifecycleManager.RegistrationTimeoutEvent: only a successful registration counts (initialRegistrationSucceeded;
   * being caught up or unfenced does not). Without one, "Shutting down because we were unable to register with the
   * controller quorum": eventQueue.beginShutdown → ShutdownEvent (state SHUTTING_DOWN, initialCatchUpFuture
   * cancelled, the channel manager shut down, so the registration in flight is forgotten and none is sent again).
   */
  private onRegistrationTimeoutEvent(): void {
    this.registrationTimeoutId = -1;
    if (this.initialRegistrationSucceeded || this.shutDown) return;
    this.ctx.trace("broker.registration-timeout", { timeoutMs: this.initialRegistrationTimeoutMs, failedAttempts: this.failedAttempts });
    this.shutDown = true;
    if (this.registrationId >= 0) this.channel.drop(this.registrationId);
    this.registrationId = -1;
    if (this.retryId >= 0) this.retry.cancel(this.retryId);
    this.retryId = -1;
    this.onRegistrationTimeout();
  }

  private onHeartbeatResponse(res: BrokerHeartbeatResponse): void {
    if (res.correlationId === this.heartbeatId) this.heartbeatId = -1;
    this.channel.hint(res.leaderHint);
    if (res.error === "STALE_BROKER_EPOCH") {
      this.brokerEpoch = -1;
      return this.register();
    }
    if (res.error === "NONE" && res.isFenced !== this.fenced) {
      this.fenced = res.isFenced;
      this.ctx.trace(this.fenced ? "broker.fenced" : "broker.unfenced", { brokerEpoch: this.brokerEpoch });
      // BrokerLifecycleManager, RECOVERY → RUNNING: the first unfencing completes initialUnfenceFuture.
      if (!this.fenced && !this.unfencedOnce) {
        this.unfencedOnce = true;
        this.onFirstUnfenced();
      }
    }
    // BrokerLifecycleManager's heartbeat response handler, BrokerState.STARTING: until the controller finds the broker
    // caught up, the next heartbeat goes after 10 ms ("so that ... we start up a bit quicker"). The model's controller
    // unfences a broker as soon as it is caught up and ready (the published offset covers its registration), so a
    // fenced answer before the first unfencing stands for STARTING; the RECOVERY wait is setReadyToUnfence's heartbeat.
    if (res.error === "NONE" && res.isFenced && !this.unfencedOnce && this.pendingShutdown === null) {
      if (this.startingId >= 0) this.starting.cancel(this.startingId);
      this.startingId = this.starting.set(10);
    }
    if (res.error !== "NONE" || this.pendingShutdown === null) return;
    if (res.shouldShutDown) {
      this.ctx.trace("broker.shutdown-approved", { brokerEpoch: this.brokerEpoch });
      const done = this.pendingShutdown;
      this.pendingShutdown = null;
      return done();
    }
    // The first "not yet" brings the next heartbeat sooner (50 ms), in case the move is quick.
    if (!this.gotControlledShutdownResponse) this.soon.set(50);
    this.gotControlledShutdownResponse = true;
  }
}
