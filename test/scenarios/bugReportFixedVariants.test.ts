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

const variants: { file: string; set: string[]; expect: string }[] = [
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
    file: "kraft-quorum-loss-no-failover.yaml",
    set: ["cluster.controllers=5"],
    expect: "[{noUnavailability: 10s}, noLostAcknowledgedWrites, noLogDivergence]",
  },
];

describe.each(variants)("bug report $file with --set $set", ({ file, set, expect: expectations }) => {
  it("holds the fixed variant's expectations at seed 1", () => {
    const overrides = [...set, `expect=${expectations}`].map(parseOverride);
    const r = runScenario(loadScenario(join(dir, file), { overrides }), { seed: 1 });
    const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.details.join("; ")}`);
    expect(r.checks.length).toBeGreaterThanOrEqual(3);
    expect({ status: r.status, failed }).toEqual({ status: "ok", failed: [] });
  });
});
