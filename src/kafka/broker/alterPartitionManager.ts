import type { AlterPartitionRequest, AlterPartitionResponse } from "../protocol/controllerMessages.js";
import type { ControllerChannel } from "./controllerChannel.js";
import type { IsrState } from "./isrState.js";
import type { Partition } from "./partition.js";

/**
 * A leader's ISR changes sent to the controller (Kafka `DefaultAlterPartitionManager`): one AlterPartition per
 * change, with the broker epoch and the partition's leader and partition epochs, its answer handed back to the
 * partition; an unanswered one is given up after the request timeout (the partition's next ISR check asks again).
 */
export class AlterPartitionManager {
  /** Correlation id → the partition that asked, and the ISR state it asked from (Kafka's proposedIsrState). */
  private readonly inFlight = new Map<number, { key: string; proposed: IsrState }>();

  constructor(
    private readonly name: string,
    private readonly channel: ControllerChannel,
    private readonly brokerEpoch: () => number,
    private readonly partition: (key: string) => Partition | undefined,
  ) {}

  send(p: Partition, newIsr: string[]): void {
    const key = p.key;
    const proposed = p.isrState;
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
      }),
      (res) => this.onResponse(res),
      () => {
        // AlterPartition unanswered: give up on this attempt; the ISR check will ask again.
        this.inFlight.delete(id);
        this.partition(key)?.alterPartitionDone("REQUEST_TIMED_OUT", null, proposed);
      },
    );
    this.inFlight.set(id, { key, proposed });
  }

  private onResponse(res: AlterPartitionResponse): void {
    const asked = this.inFlight.get(res.correlationId);
    this.inFlight.delete(res.correlationId);
    if (res.error === "NOT_CONTROLLER") this.channel.hint(res.leaderHint);
    if (asked) this.partition(asked.key)?.alterPartitionDone(res.error, res.state, asked.proposed);
  }
}
