import { describe, expect, it } from "vitest";
import { shippedScenarioPath } from "../../src/scenario/shipped.js";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";

/**
 * Transactions of five records (a third aborted) on two partitions, written for 20 s; a group reads them with the
 * given isolation level and auto-commits every second (or commits with commitSync after each poll it processed)
 * until the end at 40 s.
 */
function run(isolation: "read_committed" | "read_uncommitted", commit: "auto" | "sync" = "auto") {
  return runScenario(
    parseScenario(
      `name: positions
description: a consumer's position over transaction markers
duration: 40s
cluster:
  brokers: 3
  config: { transaction.state.log.num.partitions: 1, offsets.topic.num.partitions: 1 }
  topics: [{ name: t, partitions: 2, replicationFactor: 3 }]
clients:
  - id: app
    kind: producer
    stop: 20s
    config: { transactional.id: app }
    workload: { transactions: { topic: t, recordsPerTransaction: 5, every: 100ms, abortRatio: 0.3 } }
  - id: reader
    kind: consumer
    config: { group.id: g, isolation.level: ${isolation}, auto.offset.reset: earliest, ${commit === "auto" ? "auto.commit.interval.ms: 1000" : "enable.auto.commit: false"} }
    workload: { subscribe: [t]${commit === "auto" ? "" : ", commit: sync"} }
`,
      "<test>",
    ),
  );
}

describe("the consumer's position after a fetch (CompletedFetch / FetchCollector)", () => {
  for (const isolation of ["read_committed", "read_uncommitted"] as const)
    for (const commit of ["auto", "sync"] as const)
    it(`moves past commit and abort markers, so a caught-up group's committed offset is the log end (${isolation}, commit ${commit})`, () => {
      // CompletedFetch.nextFetchedRecord skips control records by moving nextFetchOffset past them (and past a
      // whole aborted batch under read_committed), and FetchCollector.fetchRecords sets the position to
      // nextFetchOffset even when no record is returned. So the last marker is passed too: lag 0, not 1.
      // With manual commits the application commits after a poll that returned nothing but moved a position past
      // markers (StreamTask.commitNeeded): otherwise a trailing marker, or a trailing aborted transaction under
      // read_committed, would leave the committed offset short of the log end forever.
      const r = run(isolation, commit);
      const ends = r.logs.filter((l) => l.topic === "t" && l.leader);
      expect(ends).toHaveLength(2);
      for (const l of ends) {
        expect(l.records.at(-1)?.offset).toBeLessThan(l.logEndOffset - 1); // the log ends with a marker
        const committed = r.groupOffsets.find((g) => g.group === "g" && g.topic === "t" && g.partition === l.partition);
        expect({ partition: l.partition, committed: committed?.offset }).toEqual({ partition: l.partition, committed: l.logEndOffset });
      }
    });
});

describe("after an unclean election truncated the log under the group's position (issue 11 item 5, KIP-320)", () => {
  const file = shippedScenarioPath("offset-out-of-range-after-unclean-election")!;

  it("the group resumes at the first offset that diverges, not at the log start", () => {
    // Before KIP-320 handling the fetch at the old position (~2000, past the new leader's end) was answered
    // OFFSET_OUT_OF_RANGE and auto.offset.reset=earliest sent the group back to 0, re-reading ~500 records that were
    // never truncated. With validation (SubscriptionState.maybeCompleteValidation) it goes back only to where its
    // epoch ends on the new leader: the first offset whose record differs from what it had read.
    const r = runScenario(loadScenario(file), { seed: 1 });
    const polls = r.history.ops.filter((op) => op.f === "poll" && op.type === "ok" && op.process === "reader").map((op) => (op.value as Record<string, [number, string][]>)["events-0"] ?? []);
    const read = new Map<number, string>();
    let rewind: number | null = null;
    let frontier = -1;
    for (const recs of polls) {
      if (recs.length === 0) continue;
      if (recs[0][0] <= frontier) {
        rewind = recs[0][0];
        break;
      }
      for (const [o, v] of recs) read.set(o, v);
      frontier = recs[recs.length - 1][0];
    }
    const leaderLog = r.logs.find((l) => l.topic === "events" && l.partition === 0 && l.leader)!;
    const finalValue = new Map(leaderLog.records.map((x) => [x.offset, x.value]));
    let divergence = 0;
    while (read.has(divergence) && finalValue.get(divergence) === read.get(divergence)) divergence++;
    expect(divergence).toBeGreaterThan(100);
    expect(rewind).toBe(divergence);
    expect(r.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([]);
  });
});
