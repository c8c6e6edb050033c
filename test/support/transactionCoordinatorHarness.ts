import type { PartitionWriter } from "../../src/kafka/coordinator/partitionWriter.js";
import { TransactionCoordinator } from "../../src/kafka/coordinator/transactionCoordinator.js";
import { NetworkClient } from "../../src/kafka/network/networkClient.js";
import type { RecordBatch } from "../../src/kafka/log/recordBatch.js";
import type { ErrorName } from "../../src/kafka/protocol/errors.js";
import type { InitProducerIdResponse } from "../../src/kafka/protocol/messages.js";
import type { WriteTxnMarkersRequest } from "../../src/kafka/protocol/transactionMessages.js";
import { fakeContext } from "./fakeContext.js";

/**
 * A transaction coordinator on broker-1 driven directly: one `__transaction_state` partition it leads (epoch 0)
 * through a fake partition writer whose appends succeed at once, fail with a given error, or wait until released;
 * partitions of transactions are led by broker-2. `requestTimeoutMs` is the broker's request.timeout.ms
 * (default Kafka's 30000); transactional.id.expiration.ms and its check interval default to Kafka's.
 */
export function transactionCoordinatorHarness(opts: { requestTimeoutMs?: number; transactionalIdExpirationMs?: number; removeExpiredIntervalMs?: number; transactionVersion?: 1 | 2 } = {}) {
  const f = fakeContext("broker-1");
  const batches: RecordBatch[] = [];
  let appendError: ErrorName = "NONE";
  let hold = false;
  const held: (() => void)[] = [];
  const replica = { role: "leader" as const, leaderEpoch: 0, log: { batches }, highWatermark: Number.MAX_SAFE_INTEGER };
  const writer: PartitionWriter = {
    replica: () => replica,
    append: (_topic, _partition, b, _timeoutMs, done) => {
      const error = appendError;
      const finish = () => {
        if (error === "NONE") batches.push({ ...b, baseOffset: batches.length, leaderEpoch: 0 } as RecordBatch);
        done(error);
      };
      if (hold) held.push(finish);
      else finish();
    },
  };
  let correlation = 0;
  let producerIds = 1000;
  const tc = new TransactionCoordinator({
    ctx: f.ctx,
    numPartitions: 1,
    offsetsNumPartitions: 1,
    maxTimeoutMs: 900000,
    cleanupIntervalMs: 10000,
    transactionalIdExpirationMs: opts.transactionalIdExpirationMs ?? 604800000,
    removeExpiredIntervalMs: opts.removeExpiredIntervalMs ?? 3600000,
    transactionVersion: opts.transactionVersion ?? 1,
    requestTimeoutMs: opts.requestTimeoutMs ?? 30000,
    writer,
    leaderOf: () => "broker-2",
    allocateProducerId: () => producerIds++,
    // The marker channel's NetworkClient: its connection to broker-2 is up on the fake context's next advance.
    markerClient: new NetworkClient(
      f.ctx,
      { name: "txn-marker-channel", requestTimeoutMs: opts.requestTimeoutMs ?? 30000, reconnectBackoffMs: 50, reconnectBackoffMaxMs: 1000, connectionSetupTimeoutMs: 10000, connectionSetupTimeoutMaxMs: 30000, maxInFlightRequestsPerConnection: Infinity },
      () => ++correlation,
    ),
  });
  tc.onBecomeLeader(0, 0);
  const h = {
    ...f,
    tc,
    /** The `__transaction_state` batches written so far. */
    batches,
    /** Appends from now on fail with this error ("NONE": succeed again). */
    failAppends: (e: ErrorName) => (appendError = e),
    /** Appends from now on wait until `release()`. */
    holdAppends: () => (hold = true),
    release() {
      hold = false;
      for (const finish of held.splice(0)) finish();
    },
    initProducerId(client: string, producerId = -1, producerEpoch = -1): () => InitProducerIdResponse | undefined {
      const correlationId = ++correlation;
      tc.handleInitProducerId(client, { type: "InitProducerId", correlationId, transactionalId: "tx", transactionTimeoutMs: 60000, producerId, producerEpoch }, f.conn(client));
      return () => f.sent.find((s) => s.to === client && s.msg.correlationId === correlationId)?.msg as unknown as InitProducerIdResponse | undefined;
    },
    addPartitions(client: string, producerId: number, producerEpoch: number, partitions = ["t-0"]): ErrorName | undefined {
      const correlationId = ++correlation;
      tc.handleAddPartitions({ type: "AddPartitionsToTxn", correlationId, transactionalId: "tx", producerId, producerEpoch, partitions, verifyOnly: false }, f.conn(client));
      return f.sent.find((s) => s.to === client && s.msg.correlationId === correlationId)?.msg.error as ErrorName | undefined;
    },
    /** WriteTxnMarkers requests sent so far (after letting a connection being opened to broker-2 come up). */
    markers: () => {
      f.advance(0);
      return f.sent.filter((s) => s.msg.type === "WriteTxnMarkers").map((s) => s.msg as unknown as WriteTxnMarkersRequest);
    },
    /** broker-2 answers a marker request, on the connection it came on. */
    answerMarker(req: WriteTxnMarkersRequest, error: ErrorName = "NONE") {
      const conn = f.sent.find((s) => s.msg === (req as unknown))!.conn!;
      f.fake.receive(conn, { type: "WriteTxnMarkersResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error });
    },
    /** The coordinator's states, as traced (`txn-coordinator.state`). */
    states: () => f.traces.filter((t) => t.type === "txn-coordinator.state").map((t) => `${t.data.state}@${t.data.producerEpoch}`),
  };
  return h;
}
