import type { ActorContext, Timer } from "../../sim/index.js";

interface InFlight {
  msg: { correlationId: number };
  timer: number;
  /** Waiting out a back-off before it is sent again (not really in flight). */
  held?: boolean;
  /** What an unanswered request does instead of being sent again (AlterPartition gives up). */
  onTimeout?: () => void;
}

/**
 * A broker's connection to the active controller (Kafka `NodeToControllerChannelManager`): requests go to the
 * controller believed active; NOT_CONTROLLER answers carry a hint; an unanswered request is retried on the next
 * controller after `controller.quorum.request.timeout.ms` (unless it gives up instead).
 */
export class ControllerChannel {
  private target = 0;
  private readonly inFlight = new Map<number, InFlight>();
  /** A request's timeout (or the end of a held request's back-off), by correlation id. */
  private readonly timeout: Timer<number>;

  constructor(
    private readonly ctx: ActorContext,
    private readonly controllers: string[],
    private readonly requestTimeoutMs: number,
    private readonly retryBackoffMs: number,
    private readonly nextId: () => number,
  ) {
    this.timeout = ctx.timer((id) => {
      const f = this.inFlight.get(id);
      if (f?.onTimeout) {
        this.drop(id);
        f.onTimeout();
      } else this.timedOut(id);
    });
  }

  get active(): string {
    return this.controllers[this.target];
  }

  /** Follows a leader hint from any controller response. */
  hint(leader: string | null): void {
    if (leader !== null) {
      const i = this.controllers.indexOf(leader);
      if (i >= 0) this.target = i;
    }
  }

  /** Sends a request to the active controller; returns its correlation id. `onTimeout`: give up instead of retrying. */
  send<T extends { correlationId: number }>(make: (correlationId: number) => T, onTimeout?: () => void): number {
    const msg = make(this.nextId());
    this.ctx.send(this.active, msg);
    const timer = this.timeout.set(this.requestTimeoutMs, msg.correlationId);
    this.inFlight.set(msg.correlationId, onTimeout ? { msg, timer, onTimeout } : { msg, timer });
    return msg.correlationId;
  }

  /** The request a response answers, if it is still waiting (else the response is stale: ignore it). */
  received(correlationId: number): { correlationId: number } | undefined {
    const f = this.inFlight.get(correlationId);
    if (!f) return undefined;
    this.timeout.cancel(f.timer);
    this.inFlight.delete(correlationId);
    return f.msg;
  }

  /**
   * NOT_CONTROLLER: resend the same request to the hinted controller at once; without a hint (no leader elected
   * yet) wait a back-off first, then try the next controller, so an election in progress is not flooded.
   */
  redirect(correlationId: number, leader: string | null, message: { correlationId: number }): void {
    if (leader !== null && leader !== this.active) {
      this.hint(leader);
      this.ctx.send(this.active, message);
      const timer = this.timeout.set(this.requestTimeoutMs, correlationId);
      this.inFlight.set(correlationId, { msg: message, timer });
      return;
    }
    this.target = (this.target + 1) % this.controllers.length;
    // Held as "in flight" with a short timer: when it fires, timedOut() sends it on.
    const timer = this.timeout.set(this.retryBackoffMs, correlationId);
    this.inFlight.set(correlationId, { msg: message, timer, held: true });
  }

  /** A request timed out (or a held one is due): send it again, to the next controller if it timed out. */
  private timedOut(correlationId: number): void {
    const f = this.inFlight.get(correlationId);
    if (!f) return;
    this.timeout.cancel(f.timer);
    this.inFlight.delete(correlationId);
    if (!f.held) this.target = (this.target + 1) % this.controllers.length;
    this.ctx.send(this.active, f.msg);
    const timer = this.timeout.set(this.requestTimeoutMs, correlationId);
    this.inFlight.set(correlationId, f.onTimeout ? { msg: f.msg, timer, onTimeout: f.onTimeout } : { msg: f.msg, timer });
  }

  /** The controller we talk to went away: resend what was in flight to it, to the next controller. */
  onDisconnected(controller: string): void {
    if (controller !== this.active) return;
    for (const [id, f] of [...this.inFlight]) {
      if (f.held) continue;
      this.timeout.cancel(f.timer);
      this.timedOut(id);
    }
  }

  /** Forget a request (e.g. a heartbeat superseded by the next one). */
  drop(correlationId: number): void {
    const f = this.inFlight.get(correlationId);
    if (f) this.timeout.cancel(f.timer);
    this.inFlight.delete(correlationId);
  }
}
