import type { TraceRecord } from "../../sim/index.js";
import type { World } from "../../scenario/world.js";
import { FAULT_TYPES, type FaultBand, FaultRecorder } from "./faultBands.js";
import { GROUP_TYPES, type GroupLane, GroupRecorder } from "./groupLanes.js";
import { MessageLog } from "./messageLog.js";
import type { Moment } from "./moments.js";
import { PARTITION_TYPES, type PartitionLane, PartitionRecorder } from "./partitionLanes.js";
import { PRODUCER_TYPES, type ProducerLane, ProducerRecorder } from "./producerLanes.js";

export interface RunRecorderOptions {
  /** Also keep every message (for the HTML report's space-time diagram). */
  messages?: boolean;
  /** About how many points a numeric lane keeps over the whole run (default 1500). */
  points?: number;
}

/**
 * Watches one run for its report: subscribes to the trace record types it needs (the engine builds no record for
 * the others) and folds them into moments, fault bands and lanes as they come, never keeping every record.
 * Optionally keeps every message through the engine's message observer (outside the trace: the digest stays).
 * Attach it to the world before the run starts (`RunOptions.attach`).
 */
export class RunRecorder {
  /** Every notable moment, in time order (findings are added by whoever renders them). */
  readonly moments: Moment[] = [];
  messages: MessageLog | null = null;
  durationUs = 0;
  private faults!: FaultRecorder;
  private partitions!: PartitionRecorder;
  private groups!: GroupRecorder;
  private producers!: ProducerRecorder;

  constructor(private readonly options: RunRecorderOptions = {}) {}

  readonly attach = (world: World): void => {
    this.durationUs = Math.round(world.durationMs * 1000);
    const bucketUs = Math.max(1, Math.ceil(this.durationUs / (this.options.points ?? 1500)));
    const acksZero = new Set(world.scenario.clients.filter((c) => (c.kind === "producer" || c.kind === "transactional-producer") && c.settings.acks === 0).map((c) => c.id));
    this.faults = new FaultRecorder(this.moments);
    this.partitions = new PartitionRecorder(this.moments, bucketUs);
    this.groups = new GroupRecorder(this.moments);
    this.producers = new ProducerRecorder(this.moments, bucketUs, acksZero);
    const sim = world.sim;
    sim.observe(this.observe, [...FAULT_TYPES, ...PARTITION_TYPES, ...GROUP_TYPES, ...PRODUCER_TYPES]);
    if (this.options.messages) {
      this.messages = new MessageLog(() => sim.nowUs);
      sim.messageObserver = this.messages.observer;
    }
  };

  private readonly observe = (r: TraceRecord): void => {
    const type = r.type;
    if (type.startsWith("sim.")) {
      this.faults.observe(r);
      if (type === "sim.crash" || type === "sim.exit" || type === "sim.shutdown") this.partitions.brokerDown(r.actor);
      if (type === "sim.crash" || type === "sim.exit" || type === "sim.shutdown" || type === "sim.start") this.producers.clientRestarted(r.t, r.actor);
    } else if (type.startsWith("partition.") || type.startsWith("controller.") || type.startsWith("raft.") || type.startsWith("admin.") || type.startsWith("log.") || type.startsWith("metadata.")) this.partitions.observe(r);
    else if (type.startsWith("group-coordinator.") || type.startsWith("consumer.")) this.groups.observe(r);
    else this.producers.observe(r);
  };

  get faultBands(): FaultBand[] {
    return this.faults.bands;
  }

  partitionLanes(): PartitionLane[] {
    return this.partitions.lanes();
  }

  groupLanes(): GroupLane[] {
    return this.groups.lanes();
  }

  producerLanes(): ProducerLane[] {
    return this.producers.lanes();
  }
}
