import type { ActorContext, Timer } from "../../sim/index.js";
import type { AlterPartitionRequest, AlterPartitionResponse } from "../protocol/controllerMessages.js";
import type { ControllerChannel } from "./controllerChannel.js";
import type { IsrState } from "./isrState.js";
import type { Partition } from "./partition.js";

/** DefaultAlterPartitionManager: after a top-level error the unsent changes go again 50 ms later (scheduleOnce(…, 50)). */
const TOP_LEVEL_ERROR_RETRY_MS = 50;

/** What one AlterPartition asked: the partition, the ISR state it asked from (Kafka's proposedIsrState), the ISR sent. */
interface Asked {
  key: string;
  proposed: IsrState;
  newIsr: string[];
}

/**
 * A leader's ISR changes sent to the controller (Kafka `DefaultAlterPartitionManager`): one AlterPartition per
 * change, with the broker epoch and the partition's leader and partition epochs, its per-partition answer handed back
 * to the partition (Partition.alterPartitionDone). As Kafka's, it never gives up on a change: an unanswered request
 * is sent again by the controller channel (AlterPartition is sent with no retry timeout), and a top-level error
 * (NOT_CONTROLLER, STALE_BROKER_EPOCH) sends it again 50 ms later, with the broker epoch of then.
 * Simplification: a change whose partition has moved on meanwhile (the metadata replaced its pending state) is not
 * sent again, where Kafka's stays in `unsentIsrUpdates` and is sent, then answered and ignored.
 */
export class AlterPartitionManager {
  /** Correlation id → what it asked. */
  private readonly inFlight = new Map<number, Asked>();
  /** A change waiting out TOP_LEVEL_ERROR_RETRY_MS. */
  private readonly retry: Timer<Asked>;

  constructor(
    ctx: ActorContext,
    private readonly name: string,
    private readonly channel: ControllerChannel,
    private readonly brokerEpoch: () => number,
    private readonly partition: (key: string) => Partition | undefined,
  ) {
    this.retry = ctx.timer((asked) => {
      const p = this.partition(asked.key);
      if (p && p.isrState === asked.proposed) this.send(p, asked.newIsr);
    });
  }

  send(p: Partition, newIsr: string[]): void {
    const asked: Asked = { key: p.key, proposed: p.isrState, newIsr };
    const id = this.channel.send(
      (correlationId): AlterPartitionRequest => ({
        type: "AlterPartition",
        correlationId,
        broker: this.name,
        brokerEpoch: this.brokerEpoch(),
        topic: p.topic,
        partition: p.partition,
        leaderEpoch: p.leaderEpoch,
        partitionEpoch: p.partitionEpoch,
        newIsr,
        // Partition.prepareIsrExpand / prepareIsrShrink: the state's leaderRecoveryState, RECOVERED since makeLeader.
        leaderRecoveryState: p.leaderRecoveryState,
      }),
      (res) => this.onResponse(res),
    );
    this.inFlight.set(id, asked);
  }

  private onResponse(res: AlterPartitionResponse): void {
    const asked = this.inFlight.get(res.correlationId);
    this.inFlight.delete(res.correlationId);
    if (res.error === "NOT_CONTROLLER") this.channel.hint(res.leaderHint);
    if (!asked) return;
    // DefaultAlterPartitionManager.handleAlterPartitionResponse: a top-level error completes no partition's change.
    if (res.error === "NOT_CONTROLLER" || res.error === "STALE_BROKER_EPOCH") this.retry.set(TOP_LEVEL_ERROR_RETRY_MS, asked);
    else this.partition(asked.key)?.alterPartitionDone(res.error, res.state, asked.proposed);
  }
}
