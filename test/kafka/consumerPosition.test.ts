import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";

/**
 * Transactions of five records (a third aborted) on two partitions, written for 20 s; a group reads them with the
 * given isolation level and auto-commits every second until the end at 40 s.
 */
function run(isolation: "read_committed" | "read_uncommitted") {
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
    config: { group.id: g, isolation.level: ${isolation}, auto.offset.reset: earliest, auto.commit.interval.ms: 1000 }
    workload: { subscribe: [t] }
`,
      "<test>",
    ),
  );
}

describe("the consumer's position after a fetch (CompletedFetch / FetchCollector)", () => {
  for (const isolation of ["read_committed", "read_uncommitted"] as const)
    it(`moves past commit and abort markers, so a caught-up group's committed offset is the log end (${isolation})`, () => {
      // CompletedFetch.nextFetchedRecord skips control records by moving nextFetchOffset past them (and past a
      // whole aborted batch under read_committed), and FetchCollector.fetchRecords sets the position to
      // nextFetchOffset even when no record is returned. So the last marker is passed too: lag 0, not 1.
      const r = run(isolation);
      const ends = r.logs.filter((l) => l.topic === "t" && l.leader);
      expect(ends).toHaveLength(2);
      for (const l of ends) {
        expect(l.records.at(-1)?.offset).toBeLessThan(l.logEndOffset - 1); // the log ends with a marker
        const committed = r.groupOffsets.find((g) => g.group === "g" && g.topic === "t" && g.partition === l.partition);
        expect({ partition: l.partition, committed: committed?.offset }).toEqual({ partition: l.partition, committed: l.logEndOffset });
      }
    });
});
