import type { Actor, ActorContext, BlockDevice } from "../../sim/index.js";
import { type CoordinatedGroup, GroupCoordinator } from "../coordinator/group/groupCoordinator.js";
import { producerIdAllocator } from "../coordinator/producerIds.js";
import { TransactionCoordinator } from "../coordinator/transactionCoordinator.js";
import { TRANSACTION_STATE_TOPIC } from "../coordinator/transactionLog.js";
import { MetadataImage } from "../metadata/metadataImage.js";
import type { SnapshotPolicy } from "../metadata/metadataSnapshot.js";
import { ConnectionRouter } from "../network/connectionRouter.js";
import { NetworkClient, type NetworkClientConfig } from "../network/networkClient.js";
import type { BrokerMessages } from "../protocol/apis.js";
import { dispatch, isMessageOf } from "../protocol/dispatch.js";
import { AddPartitionsToTxnManager } from "./addPartitionsToTxnManager.js";
import { AlterPartitionManager } from "./alterPartitionManager.js";
import { BrokerLifecycleManager } from "./brokerLifecycleManager.js";
import type { BrokerSettings } from "./brokerSettings.js";
import { ControllerChannel } from "./controllerChannel.js";
import { ForwardingManager } from "./forwardingManager.js";
import { kafkaApis } from "./kafkaApis.js";
import { LogDirDisk } from "./logDirDisk.js";
import { MetadataLoader } from "./metadataLoader.js";
import { BrokerMetadataPublisher } from "./metadataPublisher.js";
import { ReplicaManager, type ReplicaSnapshot } from "./replicaManager.js";
import type { BrokerRequestMetrics } from "./requestMetrics.js";
import { RequestPath, type RequestPathSettings } from "./requestPath.js";

export type { ReplicaSnapshot };

export interface BrokerConfig {
  settings: BrokerSettings;
  transactions: { numPartitions: number; maxTimeoutMs: number; cleanupIntervalMs: number; transactionalIdExpirationMs: number; removeExpiredIntervalMs: number; verification: boolean; transactionVersion: 1 | 2 };
  offsetsNumPartitions: number;
  /** group.initial.rebalance.delay.ms, group.min/max.session.timeout.ms, offsets.retention.minutes (as ms) and offsets.retention.check.interval.ms. */
  groups: { initialRebalanceDelayMs: number; minSessionTimeoutMs: number; maxSessionTimeoutMs: number; classicGroupMaxSize?: number; offsetsRetentionMs: number; offsetsRetentionCheckIntervalMs: number; consumerGroups: { sessionTimeoutMs: number; heartbeatIntervalMs: number; assignors: string[]; maxSize?: number } };
  controllers: string[];
  /** This broker's index, used to keep producer ids unique across brokers. */
  brokerIndex: number;
  controllerRequestTimeoutMs: number;
  /** metadata.log.max.record.bytes.between.snapshots / metadata.log.max.snapshot.interval.ms. */
  snapshots: SnapshotPolicy;
  /**
   * The request path (requestPath.ts), only with `capacity:`: `settings` (threads, queue, CPU costs) with
   * `capacity.brokerCpu`, else null (bytes are counted, nothing is delayed); `metrics` outlives restarts.
   * Absent: requests go straight to their handlers, as before.
   */
  requestPath?: { settings: RequestPathSettings | null; metrics: BrokerRequestMetrics };
  /**
   * The host's disk behind its page cache (`capacity.disk`; it outlives restarts): appends that find the dirty
   * bytes past their limit are throttled, flushes are fsyncs, and Fetch responses whose batches the page cache lost
   * are read from the disk by the network thread sending them (logDirDisk.ts). Absent: the disk costs no time.
   */
  disk?: BlockDevice;
}

/** How long a NOT_CONTROLLER without a hint waits before trying the next controller. */
const CONTROLLER_RETRY_BACKOFF_MS = 100;
/** KafkaBroker.shutdown(): the controlled shutdown waits at most 5 minutes for the controller. */
const CONTROLLED_SHUTDOWN_TIMEOUT_MS = 300_000;

/**
 * A Kafka broker in KRaft mode (Kafka `BrokerServer`), assembled from its parts: the `BrokerLifecycleManager`
 * (registration, heartbeats, fencing) and the `MetadataLoader` (the metadata log, published to the others) talk to
 * the controllers through the `ControllerChannel`; the `ReplicaManager` hosts the partition replicas; the
 * `AddPartitionsToTxnManager` verifies transactional writes (KIP-890); the transaction and group coordinators run
 * on the partitions of their internal topics this broker leads; `kafkaApis` routes every request to its part. Each
 * part that asks other nodes has its own NetworkClient, as in Kafka (replica fetchers, the channel to the
 * controller, the KRaft client, AddPartitionsToTxnManager, the transaction marker channel); their answers come back
 * to it through the process's ConnectionRouter. With `capacity:` requests pass through the `RequestPath` (Kafka's
 * SocketServer, RequestChannel and request handler pool: threads with CPU costs when `capacity.brokerCpu` asks for
 * them) before `kafkaApis`, and responses on their way out. It starts as BrokerServer.startup does: nobody can connect
 * to it until the controller has unfenced it (see onStart). A clean shutdown is Kafka's controlled shutdown: the broker asks
 * the controller to move its leaderships away and stops once it may (BrokerServer.shutdown, at most 5 minutes).
 */
export function brokerActor(cfg: BrokerConfig) {
  return (processCtx: ActorContext): BrokerActor => {
    // With a request path, the broker's parts write through it (responses leave via its network threads).
    let path: RequestPath | null = null;
    if (cfg.requestPath) path = new RequestPath(processCtx, cfg.requestPath.settings, cfg.requestPath.metrics, (from, msg, conn) => {
        // The path holds requests as the engine hands them over; onMessage let only the broker's own APIs in.
        if (isMessageOf(handlers, msg)) dispatch(handlers, msg.type, from, msg, conn);
      });
    const ctx = path?.ctx ?? processCtx;
    // The broker's own copy: dynamic broker configs change it in place (applyDynamicBrokerConfigs).
    const s: BrokerSettings = { ...cfg.settings };
    const image = new MetadataImage();
    let correlation = 0;
    const nextId = () => ++correlation;
    const router = ConnectionRouter.of(ctx);
    const client = (name: string, requestTimeoutMs: number, reconnectBackoffMs: number, reconnectBackoffMaxMs: number, maxInFlight: number): NetworkClient => {
      const config: NetworkClientConfig = {
        name,
        requestTimeoutMs,
        reconnectBackoffMs,
        reconnectBackoffMaxMs,
        connectionSetupTimeoutMs: s.connectionSetupTimeoutMs,
        connectionSetupTimeoutMaxMs: s.connectionSetupTimeoutMaxMs,
        maxInFlightRequestsPerConnection: maxInFlight,
      };
      return new NetworkClient(ctx, config, nextId);
    };
    // NodeToControllerChannelManager: reconnect back-off 50 ms. The model sends one AlterPartition per partition
    // change (Kafka batches them into one request), so it allows more than one request in flight.
    const channel = new ControllerChannel(ctx, client("controller-channel", cfg.controllerRequestTimeoutMs, 50, 50, Infinity), cfg.controllers, CONTROLLER_RETRY_BACKOFF_MS);
    // The heartbeats report what the loader has published (BrokerServer: `() => sharedServer.loader.lastAppliedOffset()`).
    // The controller's first unfencing ends the start-up: the listeners open (see onStart).
    // No registration within initial.broker.registration.timeout.ms: BrokerServer.startup's wait for the
    // initialCatchUpFuture fails ("Fatal error during broker startup. Prepare to shutdown"), it shuts the broker down
    // and Kafka.main exits with status 1 ("Exiting Kafka due to fatal exception during startup."). Simplification:
    // the process stops as at once, as a crash stops it (BrokerServer.shutdown's clean close of the logs writes a
    // clean-shutdown file with broker epoch -1, which a restart reads as unclean anyway).
    const lifecycle = new BrokerLifecycleManager(
      ctx,
      channel,
      s.brokerHeartbeatIntervalMs,
      s.brokerSessionTimeoutMs,
      () => metadataLoader.lastAppliedOffset,
      () => {
        processCtx.listen(true);
        ctx.trace("broker.started", { brokerEpoch: lifecycle.brokerEpoch });
      },
      s.initialBrokerRegistrationTimeoutMs,
      () => processCtx.exit(1),
    );
    // BrokerBlockingSender: no reconnect back-off (the fetcher backs off itself). Each fetcher thread has at most
    // one Fetch in flight; its OffsetsForLeaderEpoch requests (one per truncating partition here) share the
    // connection, and with num.replica.fetchers > 1 the threads share one connection per leader where Kafka gives
    // each its own.
    const fetcherClient = client("replica-fetcher", s.replicaSocketTimeoutMs, 0, 0, Infinity);
    const logDirDisk = cfg.disk ? new LogDirDisk(cfg.disk, () => ctx.nowUs) : null;
    // Fetch responses leave by sendfile on the network threads, which read what the page cache lacks (logDirDisk.ts).
    if (path && logDirDisk) path.sendfileUs = (partitions) => logDirDisk.sendfileUs(partitions);
    const replicaManager: ReplicaManager = new ReplicaManager({ ctx, settings: s, image, fetcherClient, alterPartition: (p, newIsr) => alterPartitionManager.send(p, newIsr), chargeIoNs: (ns) => path?.chargeIoNs(ns), ...(logDirDisk ? { disk: logDirDisk } : {}) });
    const alterPartitionManager = new AlterPartitionManager(ctx, ctx.name, channel, () => lifecycle.brokerEpoch, (key) => replicaManager.partition(key));
    const txn = cfg.transactions;
    const transactions = new TransactionCoordinator({
      ctx,
      numPartitions: txn.numPartitions,
      offsetsNumPartitions: cfg.offsetsNumPartitions,
      maxTimeoutMs: txn.maxTimeoutMs,
      cleanupIntervalMs: txn.cleanupIntervalMs,
      transactionalIdExpirationMs: txn.transactionalIdExpirationMs,
      removeExpiredIntervalMs: txn.removeExpiredIntervalMs,
      transactionVersion: txn.transactionVersion,
      requestTimeoutMs: s.requestTimeoutMs,
      writer: replicaManager,
      leaderOf: (topic, partition) => image.partition(topic, partition)?.leader ?? null,
      allocateProducerId: producerIdAllocator(ctx, cfg.brokerIndex),
      markerClient: client("txn-marker-channel", s.requestTimeoutMs, 50, 1000, Infinity),
    });
    const groups = new GroupCoordinator({
      ctx,
      numPartitions: cfg.offsetsNumPartitions,
      writer: replicaManager,
      partitionCount: (topic) => image.topics.get(topic)?.partitions,
      ...cfg.groups,
    });
    const addPartitionsToTxnManager = new AddPartitionsToTxnManager(ctx, txn.verification, (id) => image.partition(TRANSACTION_STATE_TOPIC, transactions.partitionFor(id))?.leader ?? null, client("add-partitions-to-txn", s.replicaSocketTimeoutMs, 50, 1000, Infinity));
    replicaManager.verifyTransactionsWith(addPartitionsToTxnManager);
    // KafkaRaftManager's NetworkClient: one request in flight, reconnect back-off 50 ms up to 500 ms.
    const raftClient = client("raft-client", cfg.controllerRequestTimeoutMs, 50, 500, 1);
    // The first publication makes the broker ready to be unfenced (BrokerServer.startup: firstPublishFuture, then
    // lifecycleManager.setReadyToUnfence()).
    const metadataLoader = new MetadataLoader(ctx, raftClient, cfg.controllers, image, channel, new BrokerMetadataPublisher(replicaManager, transactions, groups), cfg.controllerRequestTimeoutMs, cfg.snapshots, () => lifecycle.setReadyToUnfence());
    const handlers = kafkaApis({ ctx, image, replicaManager, transactions, groups, forwarding: new ForwardingManager(ctx, channel) });

    return {
      inspect: () => replicaManager.inspect(),
      inspectGroups: () => groups.inspectGroups(),
      inspectMetadata: () => image,
      onStart: () => {
        // BrokerServer.startup opens the data-plane listeners last, once the controller has unfenced the broker
        // (lifecycleManager.setReadyToUnfence() completes, then socketServer.enableRequestProcessing); with a fixed
        // port the Acceptor binds its server socket only then (Acceptor.start, openServerSocket). Until then a
        // client's or another broker's connection is refused (a reset answers its SYN), as for a port nobody
        // listens on. The broker's own connections (registration, heartbeats, metadata fetches, replica fetchers)
        // work from the start. Controller listeners (earlyStartListeners) are not the broker's here.
        processCtx.listen(false);
        lifecycle.register();
        metadataLoader.start();
        lifecycle.startHeartbeats();
        replicaManager.startCheckpoints();
        replicaManager.logManager.flusher.arm();
      },
      // An answer to one of the broker's own requests goes to the client that sent it; anything else is a request.
      onMessage: (from, msg, conn) => {
        if (router.onMessage(conn, msg)) return;
        if (!isMessageOf(handlers, msg)) return;
        if (path) path.onRequest(from, msg, conn);
        else dispatch(handlers, msg.type, from, msg, conn);
      },
      onConnection: (conn, _peer, event) => {
        path?.onConnection(conn, event);
        router.onConnection(conn, event);
      },
      onShutdown: (done) => {
        // Controlled shutdown: the controller moves leadership away first; then checkpoint HWs and stop (they are
        // checkpointed now too, in case the controller never answers within the bound).
        replicaManager.checkpointHighWatermarks();
        lifecycle.beginControlledShutdown(() => {
          replicaManager.checkpointHighWatermarks();
          // LogManager.shutdown, after the controlled shutdown: the clean-shutdown file proves the log whole
          // (KIP-966). Simplification: a shutdown that runs out its bound stops without it (counted as unclean).
          lifecycle.recordCleanShutdown();
          done();
        });
        return CONTROLLED_SHUTDOWN_TIMEOUT_MS;
      },
    };
  };
}

export interface BrokerActor extends Actor {
  /** End-of-run view of the broker's replicas (for final-log readers; the model never uses it). */
  inspect(): ReplicaSnapshot[];
  /** The consumer groups this broker coordinates now (for a run's liveness phase and reports). */
  inspectGroups(): CoordinatedGroup[];
  /** The broker's metadata image now (for tests: a restarted broker's against one that replayed the whole log). */
  inspectMetadata(): MetadataImage;
}
