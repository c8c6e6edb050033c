import type { ActorContext, Timer } from "../../sim/index.js";
import { type AnyRequest, type AnyResponse, isResponseTo, type NetworkClient, type ResponseTo } from "../network/networkClient.js";

interface Pending {
  request: AnyRequest;
  /** The caller's handler, behind a check that the answer is of the request's API. */
  onResponse: (res: AnyResponse) => void;
  /** What an unanswered request does instead of being sent again (AlterPartition gives up). */
  onTimeout?: () => void;
}

/**
 * A broker's channel to the active controller (Kafka `NodeToControllerChannelManager`): requests go, through the
 * channel's own NetworkClient, to the controller believed active; a NOT_CONTROLLER answer carries a hint; a request
 * whose connection fails or that goes unanswered for `controller.quorum.request.timeout.ms` is sent again to the
 * next controller after a short back-off (unless it gives up instead).
 */
export class ControllerChannel {
  private target = 0;
  private readonly pending = new Map<number, Pending>();
  /** The request whose answer is being handled (a NOT_CONTROLLER answer sends it again with `redirect`). */
  private answered: { id: number; p: Pending } | null = null;
  /** A request waiting out its back-off before it is sent again, by correlation id. */
  private readonly resend: Timer<number>;

  constructor(
    ctx: ActorContext,
    private readonly client: NetworkClient,
    private readonly controllers: string[],
    private readonly retryBackoffMs: number,
  ) {
    this.resend = ctx.timer((id) => {
      const p = this.pending.get(id);
      if (p) this.dispatch(id, p);
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

  /**
   * Sends a request to the active controller; its answer goes to `onResponse`. Returns its correlation id.
   * `onTimeout`: give up when it goes unanswered instead of sending it again.
   */
  send<R extends AnyRequest>(make: (correlationId: number) => R, onResponse: (res: ResponseTo<R>) => void, onTimeout?: () => void): number {
    const request = make(this.client.correlationId());
    const handle = (res: AnyResponse) => {
      if (isResponseTo(request, res)) onResponse(res);
    };
    const p: Pending = onTimeout ? { request, onResponse: handle, onTimeout } : { request, onResponse: handle };
    this.pending.set(request.correlationId, p);
    this.dispatch(request.correlationId, p);
    return request.correlationId;
  }

  /**
   * NOT_CONTROLLER: send the same request to the hinted controller at once; without a hint (no leader elected yet)
   * wait a back-off first, then try the next controller, so an election in progress is not flooded.
   */
  redirect(correlationId: number, leader: string | null): void {
    const p = this.pending.get(correlationId) ?? (this.answered?.id === correlationId ? this.answered.p : undefined);
    if (!p) return;
    this.pending.set(correlationId, p);
    if (leader !== null && leader !== this.active) {
      this.hint(leader);
      this.dispatch(correlationId, p);
      return;
    }
    this.target = (this.target + 1) % this.controllers.length;
    this.resend.set(this.retryBackoffMs, correlationId);
  }

  /** Forget a request (e.g. a registration superseded by the next one): its answer, if any, is ignored. */
  drop(correlationId: number): void {
    this.pending.delete(correlationId);
  }

  private dispatch(id: number, p: Pending): void {
    this.client.sendWhenReady(this.active, p.request, (res) => {
      if (this.pending.get(id) !== p) return;
      if (res.type !== "Disconnected") {
        this.pending.delete(id);
        this.answered = { id, p };
        p.onResponse(res);
        this.answered = null;
        return;
      }
      if (p.onTimeout) {
        this.pending.delete(id);
        return p.onTimeout();
      }
      // NodeToControllerRequestThread: a disconnected request is queued again; the controller may have moved.
      this.target = (this.target + 1) % this.controllers.length;
      this.resend.set(this.retryBackoffMs, id);
    });
  }
}
