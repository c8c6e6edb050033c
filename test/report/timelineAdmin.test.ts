import { describe, expect, it } from "vitest";
import { RunRecorder } from "../../src/report/recorder/runRecorder.js";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";

/** An operator's admin calls and a follower's full truncation are moments of the timeline (and the report). */
describe("admin calls and full truncations in the timeline", () => {
  it("retention-delete-records: the deleteRecords call with its outcome, and broker-3's full truncation", () => {
    const rec = new RunRecorder({ messages: false });
    runScenario(loadScenario("scenarios/retention-delete-records.yaml"), { attach: rec.attach });
    const texts = rec.moments.map((m) => `${m.kind} ${m.text}`);
    expect(texts.filter((t) => t.startsWith("admin "))).toEqual(["admin admin deleteRecords orders-0 before offset 7000 → ok (log start 7000)"]);
    expect(texts.some((t) => /^truncate broker-3 truncated orders-0 fully and restarts at the leader's log start \d+/.test(t))).toBe(true);
    // Retention moving the leader's log start, a RETENTION moment each time.
    expect(texts.some((t) => /^retention broker-1 deleted \d+ segment\(s\) of orders-0 \(retention-size-breach\): log start 0 -> \d+$/.test(t))).toBe(true);
  });

  it("unclean-election-enabled-at-runtime: the alterConfigs call, and no admin moment in a run without one", () => {
    const rec = new RunRecorder({ messages: false });
    runScenario(loadScenario("scenarios/unclean-election-enabled-at-runtime.yaml"), { attach: rec.attach });
    expect(rec.moments.filter((m) => m.kind === "admin").map((m) => m.text)).toEqual(["admin incrementalAlterConfigs topic events: unclean.leader.election.enable=true → ok"]);
    const plain = new RunRecorder({ messages: false });
    runScenario(loadScenario("scenarios/unclean-leader-election-disabled.yaml"), { attach: plain.attach });
    expect(plain.moments.filter((m) => m.kind === "admin")).toEqual([]);
  });

  it("compacted-changelog: the leader's cleaner passes are CLEAN moments; a run without compaction has none", () => {
    const rec = new RunRecorder({ messages: false });
    runScenario(loadScenario("scenarios/compacted-changelog.yaml"), { attach: rec.attach, durationMs: 10_000 });
    const cleans = rec.moments.filter((m) => m.kind === "clean");
    expect(cleans.length).toBeGreaterThan(0);
    expect(cleans[0].text).toMatch(/^broker-1 cleaned changelog-0 below offset \d+: \d+ records removed \(\d+ -> \d+ bytes; each follower cleans its own copy\)$/);
    const plain = new RunRecorder({ messages: false });
    runScenario(loadScenario("scenarios/retention-delete-records.yaml"), { attach: plain.attach });
    expect(plain.moments.filter((m) => m.kind === "clean")).toEqual([]);
  });

  it("replace-disk-in-isr-kip966: the ELR election and the unclean-shutdown registration are moments", () => {
    const rec = new RunRecorder({ messages: false });
    runScenario(loadScenario("scenarios/replace-disk-in-isr-kip966.yaml"), { attach: rec.attach });
    const texts = rec.moments.map((m) => `${m.kind} ${m.text}`);
    expect(texts.some((t) => /^leader payments-0 leader \S+ -> broker-2 from the ELR \[/.test(t))).toBe(true);
    expect(texts.some((t) => /^controller \S+: broker-1 registered after an unclean shutdown/.test(t))).toBe(true);
  });

  it("kraft-metadata-snapshots: a restarted broker loading its snapshot is a SNAPSHOT moment; a run with Kafka's defaults has none", () => {
    const rec = new RunRecorder({ messages: false });
    runScenario(loadScenario("kraft-metadata-snapshots"), { attach: rec.attach, durationMs: 25_000 });
    expect(rec.moments.filter((m) => m.kind === "snapshot").map((m) => m.text)).toContain("broker-2 loaded the metadata snapshot at offset 13 (KRaft epoch 1, 1323 bytes) from its disk");
    const plain = new RunRecorder({ messages: false });
    runScenario(loadScenario("controller-failover"), { attach: plain.attach });
    expect(plain.moments.filter((m) => m.kind === "snapshot" || m.kind === "retention")).toEqual([]);
  });
});
