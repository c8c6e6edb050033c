import type { ActorContext, Timer } from "../../sim/index.js";
import type { BrokerHeartbeatRequest, BrokerHeartbeatResponse, BrokerRegistrationRequest, BrokerRegistrationResponse } from "../protocol/controllerMessages.js";
import type { ControllerChannel } from "./controllerChannel.js";

/**
 * A broker's standing with the controller (Kafka `BrokerLifecycleManager`): it registers (its incarnation tells
 * the controller it restarted), heartbeats every broker.heartbeat.interval.ms with how far it has replayed the
 * metadata log, learns whether it is fenced, registers again after STALE_BROKER_EPOCH, and asks to shut down in a
 * controlled shutdown (wantShutDown) so the controller moves its leaderships first.
 */
export class BrokerLifecycleManager {
  /** -1 until registered. */
  brokerEpoch = -1;
  private registrationId = -1;
  private fenced = true;
  /** broker.heartbeat.interval.ms. */
  private readonly beat: Timer;

  constructor(
    private readonly ctx: ActorContext,
    private readonly channel: ControllerChannel,
    private readonly heartbeatIntervalMs: number,
    /** How far the broker has replayed the metadata log. */
    private readonly metadataOffset: () => number,
  ) {
    this.beat = ctx.timer(() => {
      this.beat.set(this.heartbeatIntervalMs);
      if (this.brokerEpoch >= 0) this.heartbeat();
    });
  }

  register(): void {
    if (this.registrationId >= 0) this.channel.drop(this.registrationId);
    this.registrationId = this.channel.send((correlationId): BrokerRegistrationRequest => ({ type: "BrokerRegistration", correlationId, broker: this.ctx.name, incarnation: this.ctx.incarnation }));
  }

  startHeartbeats(): void {
    this.beat.set(this.heartbeatIntervalMs);
  }

  /** One BrokerHeartbeat (once registered); `wantShutDown` for a controlled shutdown. */
  heartbeat(wantShutDown = false): void {
    if (this.brokerEpoch < 0) return;
    this.channel.send((correlationId): BrokerHeartbeatRequest => ({ type: "BrokerHeartbeat", correlationId, broker: this.ctx.name, brokerEpoch: this.brokerEpoch, metadataOffset: this.metadataOffset(), wantShutDown }));
  }

  onRegistrationResponse(res: BrokerRegistrationResponse): void {
    const original = this.channel.received(res.correlationId);
    if (!original) return;
    if (res.error === "NOT_CONTROLLER") return this.channel.redirect(res.correlationId, res.leaderHint, original);
    if (res.error !== "NONE") return this.register();
    this.registrationId = -1;
    this.brokerEpoch = res.brokerEpoch;
    this.ctx.trace("broker.registered", { brokerEpoch: this.brokerEpoch });
    this.heartbeat();
  }

  onHeartbeatResponse(res: BrokerHeartbeatResponse): void {
    if (!this.channel.received(res.correlationId)) return;
    this.channel.hint(res.leaderHint);
    if (res.error === "STALE_BROKER_EPOCH") {
      this.brokerEpoch = -1;
      return this.register();
    }
    if (res.error === "NONE" && res.isFenced !== this.fenced) {
      this.fenced = res.isFenced;
      this.ctx.trace(this.fenced ? "broker.fenced" : "broker.unfenced", { brokerEpoch: this.brokerEpoch });
    }
  }
}
