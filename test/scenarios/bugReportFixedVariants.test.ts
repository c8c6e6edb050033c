import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { parseOverride } from "../../src/scenario/overrides.js";
import { runScenario } from "../../src/runner/run.js";

/**
 * The fixed variant of a bug-report scenario (test/fixtures/bug-reports/, each header names its `--set`): with that
 * setting changed, the anomaly the report describes is gone and the rest still holds. bugReports.test.ts runs each
 * file as written (the bug shows); here the same file runs with the header's `--set` and the expectations turned
 * around (`expect=[...]` replaces the file's list), at seed 1.
 */
const dir = join(import.meta.dirname, "..", "fixtures", "bug-reports");

/** `committedTransactions`: the variant must also commit transactions (no check says "something committed"). */
const variants: { file: string; set: string[]; expect: string; committedTransactions?: boolean }[] = [
  {
    file: "offsets-expired-empty-group.yaml",
    set: ["brokers.config.offsets.retention.minutes=10080"],
    expect: "[noSkippedRecords, noLostAcknowledgedWrites, noConsumedTwice]",
  },
  {
    file: "offsets-expired-empty-group.yaml",
    set: ["clients.billing-2.config.auto.offset.reset=earliest"],
    expect: "[noSkippedRecords, noLostAcknowledgedWrites, {anomaly: consumedTwice}]",
  },
  {
    file: "isr-shrink-after-append-retry-duplicates.yaml",
    set: ["clients.app.config.enable.idempotence=true"],
    expect: "[noDuplicates, noLostAcknowledgedWrites, noFailedSends, noLogDivergence, noReordering]",
  },
  {
    file: "message-too-large-topic-limit.yaml",
    set: ["topics.uploads.config.max.message.bytes=2097152"],
    expect: "[noFailedSends, noLostAcknowledgedWrites, noSkippedRecords, noReplicasOutOfSync, {consumerProgress: {group: indexer, within: 5s}}]",
  },
  {
    file: "session-timeout-above-broker-max.yaml",
    set: ["clients.reader.config.session.timeout.ms=30000"],
    expect: "[{errorNotSeen: {client: reader, error: INVALID_SESSION_TIMEOUT}}, {consumerProgress: {group: audit, within: 10s}}, noSkippedRecords]",
  },
  {
    file: "session-timeout-above-broker-max.yaml",
    set: ["brokers.config.group.max.session.timeout.ms=1800000"],
    expect: "[{errorNotSeen: {client: reader, error: INVALID_SESSION_TIMEOUT}}, {consumerProgress: {group: audit, within: 10s}}, noSkippedRecords]",
  },
  {
    file: "stuck-follower-stalls-acks-all.yaml",
    set: ["brokers.config.replica.lag.time.max.ms=10000"],
    expect: "[{noUnavailability: 16s}, noLostAcknowledgedWrites, noLogDivergence, noReplicasOutOfSync]",
  },
  {
    file: "kraft-quorum-loss-no-failover.yaml",
    set: ["cluster.controllers=5"],
    expect: "[{noUnavailability: 10s}, noLostAcknowledgedWrites, noLogDivergence]",
  },
  {
    file: "txn-timeout-above-broker-max.yaml",
    set: ["clients.sink.config.transaction.timeout.ms=900000"],
    expect: "[{errorNotSeen: {client: sink, error: INVALID_TRANSACTION_TIMEOUT}}, {consumerProgress: {group: downstream, within: 5s}}, noAbortedReads, noUncommittedReads]",
    committedTransactions: true,
  },
  {
    file: "txn-timeout-above-broker-max.yaml",
    set: ["brokers.config.transaction.max.timeout.ms=3600000"],
    expect: "[{errorNotSeen: {client: sink, error: INVALID_TRANSACTION_TIMEOUT}}, {consumerProgress: {group: downstream, within: 5s}}, noAbortedReads, noUncommittedReads]",
    committedTransactions: true,
  },
  {
    file: "read-uncommitted-sees-aborted.yaml",
    set: ["clients.reader.config.isolation.level=read_committed"],
    expect: "[{noAbortedReads: {isolation: any}}, {consumerProgress: {group: ledger, within: 5s}}, noUncommittedReads, noSkippedRecords]",
    committedTransactions: true,
  },
  {
    file: "static-member-new-instance-id.yaml",
    set: ["clients.pod-a-replacement.config.group.instance.id=pod-a"],
    expect: "[{rebalances: {group: shipping, max: 1}}, {rebalancePause: {group: shipping, max: 0s}}, noSkippedRecords, noConcurrentOwnership]",
  },
  {
    file: "read-committed-lag-long-transaction.yaml",
    set: ["clients.batch.workload.transactions.openFor=50ms"],
    expect: "[{consumerProgress: {group: ledger, within: 10s}}, {consumerProgress: {group: audit, within: 10s}}, noAbortedReads, noHangingTransaction]",
    committedTransactions: true,
  },
  {
    file: "duplicate-group-instance-id-fenced.yaml",
    set: ["clients.replica-2.config.group.instance.id=shipping-consumer-2"],
    expect: "[{errorNotSeen: {client: replica-1, error: FENCED_INSTANCE_ID}}, {errorNotSeen: {client: replica-2, error: FENCED_INSTANCE_ID}}, noConcurrentOwnership, noSkippedRecords, {consumerProgress: {group: shipping, within: 10s}}]",
  },
  {
    file: "request-timeout-below-replication-duplicates.yaml",
    set: ["clients.app.config.request.timeout.ms=30000"],
    expect: "[noDuplicates, noLostAcknowledgedWrites, noReordering, noLogDivergence]",
  },
  {
    file: "kip-360-idempotent-unclean-truncation.yaml",
    set: ["topics.events.config.unclean.leader.election.enable=false"],
    expect: "[noLostAcknowledgedWrites, noFailedSends, noDuplicates, noReordering, noLogDivergence]",
  },
  {
    file: "txn-state-log-min-isr-blocks-transactions.yaml",
    set: ["brokers.config.transaction.state.log.min.isr=1"],
    expect: "[{noUnavailability: 20s}, noLostAcknowledgedWrites, noAbortedReads, noUncommittedReads]",
    committedTransactions: true,
  },
  {
    file: "cooperative-member-crash-mid-rebalance.yaml",
    set: [1, 2, 3, 4].map((n) => `clients.coop-${n}.config.session.timeout.ms=10000`),
    expect: "[{consumerProgress: {group: shipping, within: 30s}}, {rebalancePause: {group: shipping, max: 0s}}, noConcurrentOwnership, noSkippedRecords, noCommittedOffsetRegression]",
  },
  {
    file: "kip848-poll-timeout-commit-failed.yaml",
    set: ["clients.member-1.config.max.poll.interval.ms=60000"],
    expect: "[noConsumedTwice, noSkippedRecords, noConcurrentOwnership, {errorNotSeen: {client: member-1, error: COMMIT_FAILED}}, {rebalances: {group: shipping, max: 2}}]",
  },
  {
    file: "zombie-leader-gc-pause-acks1.yaml",
    set: ["clients.app.config.acks=all"],
    expect: "[noLostAcknowledgedWrites, noFailedSends, noDuplicates, noLogDivergence]",
  },
  {
    file: "leader-cut-from-controller-stalls-acks-all.yaml",
    set: ["clients.app.config.request.timeout.ms=5000"],
    expect: "[{noUnavailability: 10s}, noLostAcknowledgedWrites, noFailedSends, noDuplicates, noLogDivergence]",
  },
  {
    file: "kafka-4682-idle-stable-group-keeps-offsets.yaml",
    set: ["faults.0.for=120s", "duration=6m"],
    expect: "[{anomaly: skippedRecords}, noConsumedTwice, noLostAcknowledgedWrites]",
  },
];

describe.each(variants)("bug report $file with --set $set", ({ file, set, expect: expectations, committedTransactions }) => {
  it("holds the fixed variant's expectations at seed 1", () => {
    const overrides = [...set, `expect=${expectations}`].map(parseOverride);
    const r = runScenario(loadScenario(join(dir, file), { overrides }), { seed: 1 });
    const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.details.join("; ")}`);
    expect(r.checks.length).toBeGreaterThanOrEqual(3);
    expect({ status: r.status, failed }).toEqual({ status: "ok", failed: [] });
    if (committedTransactions) expect(r.history.ops.filter((op) => op.f === "txn" && op.type === "ok").length).toBeGreaterThan(10);
  });
});

describe("txn-timeout-above-broker-max as written", () => {
  it("commits no transaction: the refused initTransactions is fatal, so the sink never begins one", () => {
    const r = runScenario(loadScenario(join(dir, "txn-timeout-above-broker-max.yaml")), { seed: 1 });
    expect(r.history.ops.filter((op) => op.f === "txn").length).toBe(0);
    expect(r.history.ops.filter((op) => op.process === "sink" && op.type === "fail").map((op) => (op.value as { error?: string }).error ?? op.error)).toEqual(["INVALID_TRANSACTION_TIMEOUT"]);
  });
});
