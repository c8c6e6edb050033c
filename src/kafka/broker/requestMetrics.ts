import type { BlockDevice } from "../../sim/index.js";

/**
 * What a broker's request path measured over a run (all incarnations of the broker: a restart keeps counting), for
 * the performance figures (src/runner/performance.ts). Kafka's names: RequestQueueTimeMs (RequestChannel.Request
 * .updateRequestMetrics: `requestDequeueTimeNanos - startTimeNanos`, from the network thread's complete read to an
 * I/O thread taking the request, including any wait of a network thread blocked on a full queue),
 * NetworkProcessorAvgIdlePercent and RequestHandlerAvgIdlePercent (here as busy shares), and the topic-partition
 * BytesInPerSec / BytesOutPerSec / ReplicationBytesOutPerSec (BrokerTopicStats), as totals per partition.
 */
export class BrokerRequestMetrics {
  /** Per request an I/O thread took: its queue time in µs (from the network thread's read to the I/O thread). */
  readonly queueTimesUs: number[] = [];
  /** Network threads' CPU µs (reads and writes), summed over the threads. */
  networkBusyUs = 0;
  /** Network threads' µs blocked on a full request queue (queued.max.requests), summed over the threads. */
  networkBlockedUs = 0;
  /** Network threads' µs waiting for disk reads while sending Fetch responses (sendfile of pages not cached), summed; part of networkBusyUs. */
  networkDiskReadUs = 0;
  /** I/O threads' CPU µs, summed over the threads. */
  ioBusyUs = 0;
  /** The broker's disk behind its page cache (`capacity.disk`), or null: its counters are the disk's figures. */
  disk: BlockDevice | null = null;
  /** Per topic-partition ("topic-partition"): record batch bytes. */
  readonly partitions = new Map<string, PartitionBytes>();

  constructor(
    /** num.network.threads and num.io.threads in force (0 when the request path has no CPU model). */
    readonly networkThreads: number,
    readonly ioThreads: number,
  ) {}

  partition(topic: string, partition: number): PartitionBytes {
    const key = `${topic}-${partition}`;
    let p = this.partitions.get(key);
    if (!p) this.partitions.set(key, (p = { topic, partition, bytesIn: 0, bytesOut: 0, replicationBytesOut: 0 }));
    return p;
  }
}

/** One partition's bytes at one broker (record batch sizes, v2): produced to it, fetched by consumers, by followers. */
export interface PartitionBytes {
  topic: string;
  partition: number;
  /** Batch bytes of the produce requests this broker received for the partition (refused ones too). */
  bytesIn: number;
  /** Batch bytes this broker answered consumers' fetches with. */
  bytesOut: number;
  /** Batch bytes this broker answered followers' fetches with (replication). */
  replicationBytesOut: number;
}
