import type { ActorContext, ConnectionId } from "../../sim/index.js";
import type { AlterPartitionReassignmentsRequest, CreatePartitionsRequest, IncrementalAlterConfigsRequest } from "../protocol/configMessages.js";
import type { ControllerChannel } from "./controllerChannel.js";

/** The admin requests a broker forwards to the controller. */
type ForwardedRequest = IncrementalAlterConfigsRequest | AlterPartitionReassignmentsRequest | CreatePartitionsRequest;

/**
 * A broker's forwarding of admin requests it may not decide itself to the active controller (Kafka
 * `ForwardingManager`, KIP-590): the request goes over the broker's channel to the controller, and the controller's
 * answer goes back to the client on the connection the request came on. A NOT_CONTROLLER answer sends it again to
 * the hinted controller (the channel's redirect), so the client never sees it. Simplification: Kafka wraps the
 * request in an Envelope carrying the client's principal; the model forwards it as it is.
 */
export class ForwardingManager {
  constructor(
    private readonly ctx: ActorContext,
    private readonly channel: ControllerChannel,
  ) {}

  /**
   * Forwards an IncrementalAlterConfigs, AlterPartitionReassignments or CreatePartitions from a client on `conn`; answers it there with
   * the controller's answer (under the client's correlation id, without the controller's leader hint).
   */
  forward(req: ForwardedRequest, conn: ConnectionId): void {
    this.channel.send(
      (correlationId): ForwardedRequest => ({ ...req, correlationId }),
      (res) => {
        if (res.error === "NOT_CONTROLLER") return this.channel.redirect(res.correlationId, res.leaderHint);
        this.ctx.write(conn, { ...res, correlationId: req.correlationId, leaderHint: null });
      },
    );
  }
}
