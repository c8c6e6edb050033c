import { beforeAll, describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { type RunResult, runScenario } from "../../src/runner/run.js";
import { RunRecorder } from "../../src/report/recorder/runRecorder.js";
import { FATE_DELIVERED } from "../../src/report/recorder/messageLog.js";
import { StepSeries, StateSeries } from "../../src/report/recorder/series.js";
import { FaultRecorder } from "../../src/report/recorder/faultBands.js";
import { readGolden } from "../support/goldenDigests.js";
import type { Moment } from "../../src/report/recorder/moments.js";

// kip-101-truncation's story, as the recorder must tell it from the trace: a pause, a cut, two crashes, two
// elections, two truncations, and the producer's epoch bump after OUT_OF_ORDER_SEQUENCE_NUMBER.
describe("the run recorder on kip-101-truncation", () => {
  let rec: RunRecorder;
  let r: RunResult;
  beforeAll(() => {
    rec = new RunRecorder({ messages: true });
    r = runScenario(loadScenario("scenarios/kip-101-truncation.yaml"), { attach: rec.attach });
  });

  it("leaves the run's digest as it is (messages are observed outside the trace)", () => {
    // The plain run at the scenario's seed (1) is the golden fixture's (test/scenarios/shipped-part*.test.ts).
    expect({ digest: r.digest, events: r.events }).toEqual(readGolden()["kip-101-truncation"]["1"]);
  });

  it("tells faults, elections and truncations as moments, in time order", () => {
    const texts = rec.moments.map((m) => `${m.kind} ${m.text}`);
    expect(texts).toContain("fault pause app");
    expect(texts).toContain("fault crash broker-1");
    expect(texts).toContain("heal restart broker-2 (incarnation 2)");
    expect(texts.some((t) => /^leader ledger-0 leader broker-1 -> broker-2 \(leader epoch 1, ISR \[broker-2, broker-3\]\)/.test(t))).toBe(true);
    expect(texts.some((t) => /^truncate broker-3 truncated ledger-0 from \d+ to \d+: \d+ record\(s\) removed \(legacy/.test(t))).toBe(true);
    expect(texts.some((t) => /^producer app bumps its epoch to 1/.test(t))).toBe(true);
    const times = rec.moments.map((m) => m.atUs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("keeps the fault bands with their start and end", () => {
    expect(rec.faultBands.map((b) => [b.kind, b.actors.join(","), b.fromUs, b.toUs])).toEqual([
      ["pause", "app", 9_900_000, 12_900_000],
      ["partition", "broker-3,broker-2", 10_000_000, 50_000_000],
      ["crash", "broker-1", 10_100_000, 50_100_000],
      ["crash", "broker-2", 25_000_000, 50_000_000],
    ]);
  });

  it("follows the partition's leader, ISR, HW and log end", () => {
    const lane = rec.partitionLanes().find((l) => l.tp === "ledger-0")!;
    expect(lane.leader.v).toEqual(["broker-1 e0", "broker-2 e1", "broker-3 e2"]);
    expect(lane.isr.v[0]).toBe("broker-1,broker-2,broker-3");
    // broker-2 and broker-1, restarted at 50 s, catch up and rejoin before the end (broker-1 from inside a leader
    // batch: the pre-0.11 follower appends the batch's tail, batchFrom).
    expect(lane.isr.last).toBe("broker-3,broker-2,broker-1");
    const leader = r.logs.find((l) => l.leader)!;
    expect(lane.highWatermark.last).toBe(leader.highWatermark);
    expect(lane.logEndOffset.last).toBe(leader.logEndOffset);
    expect(lane.truncations.map((t) => t.broker)).toEqual(["broker-3", "broker-2"]);
    // Downsampled: far fewer points than appends, but every change of leader kept.
    expect(lane.highWatermark.t.length).toBeLessThan(2000);
    expect(lane.appends).toBeGreaterThan(10_000);
  });

  it("follows the producer's epoch and its requests in flight", () => {
    const p = rec.producerLanes().find((l) => l.client === "app")!;
    expect(p.epoch.v.map((v) => v.replace(/pid \d+/, "pid"))).toEqual(["pid e0", "pid e1"]);
    expect(Math.min(...p.inFlight!.v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...p.inFlight!.v)).toBeLessThanOrEqual(5); // max.in.flight.requests.per.connection
    expect(p.errorNames.get("NETWORK_EXCEPTION")).toBeGreaterThan(0);
  });

  it("keeps every message with its send and delivery or drop time", () => {
    const log = rec.messages!;
    expect(log.count).toBeGreaterThan(10_000);
    let delivered = 0;
    let notDelivered = 0;
    let outOfOrder = 0;
    for (let i = 0; i < log.count; i++) {
      if (i > 0 && log.sendUs[i] < log.sendUs[i - 1]) outOfOrder++;
      if (log.fate[i] === FATE_DELIVERED) {
        delivered++;
        if (log.endUs[i] < log.sendUs[i]) outOfOrder++;
      } else notDelivered++;
    }
    expect(outOfOrder).toBe(0);
    expect(delivered).toBeGreaterThan(log.count * 0.9);
    // TCP keeps what crosses the cut and retransmits it rather than dropping it: some is never delivered (the cut
    // lasts until 50 s, the RTO has grown by then, and broker-2 crashed meanwhile).
    expect(notDelivered).toBeGreaterThan(0);
    expect(log.types).toContain("Produce");
  });
});

describe("lane series", () => {
  it("a step series keeps about one point per bucket, the last value, and every point pushed with keep", () => {
    const s = new StepSeries(1000);
    for (let t = 0; t < 100_000; t += 10) s.push(t, t);
    s.push(100_000, 5, true);
    s.push(100_010, 6);
    expect(s.t.length).toBeLessThanOrEqual(103);
    expect(s.t).toContain(100_000);
    expect(s.last).toBe(6);
  });

  it("a step series never keeps a value equal to the one before", () => {
    const s = new StepSeries(1_000_000);
    s.push(0, 1);
    s.push(1, 1);
    s.push(2, 2);
    s.push(3, 1);
    expect(s.v).toEqual([1]);
  });

  it("a state series keeps every change, and the last of two in one µs", () => {
    const s = new StateSeries();
    s.push(0, "a");
    s.push(5, "b");
    s.push(5, "c");
    s.push(9, "c");
    expect([s.t, s.v]).toEqual([
      [0, 5],
      ["a", "c"],
    ]);
  });
});

// delayed-txn-message-tv1 holds one EndTxn of the producer on its connection to the transaction coordinator: the
// page shows the hold as a band from the hold to the release, and both as moments.
describe("the run recorder on a hold", () => {
  it("draws a held API's traffic as a band from the hold to its release", () => {
    const rec = new RunRecorder({ messages: false });
    runScenario(loadScenario("scenarios/delayed-txn-message-tv1.yaml"), { attach: rec.attach });
    const holds = rec.faultBands.filter((b) => b.kind === "hold");
    expect(holds).toHaveLength(1);
    expect(holds[0].label).toMatch(/^hold EndTxn app-1 -> broker-\d \(first 1\)$/);
    expect(holds[0].toUs).not.toBeNull();
    expect(holds[0].toUs!).toBeGreaterThan(holds[0].fromUs);
    const texts = rec.moments.map((m) => `${m.kind} ${m.text}`);
    expect(texts.some((t) => /^fault hold EndTxn app-1 -> broker-\d/.test(t))).toBe(true);
    expect(texts.some((t) => /^heal release EndTxn app-1 -> broker-\d \(in order\)/.test(t))).toBe(true);
  });
});

describe("fault moments say only what happened", () => {
  // The liveness phase heals every cut and restores every slowed link at once (sim.heal / sim.restore-link with
  // `all`); the timeline says so only when a cut or a slowed link was in force.
  const moments = (records: { t: number; type: string; data?: Record<string, unknown> }[]) => {
    const seen: Moment[] = [];
    const faults = new FaultRecorder(seen);
    for (const r of records) faults.observe({ actor: "sim", ...r });
    return seen.map((m) => m.text);
  };

  it("no cut, no slowed link: the liveness phase's heal-all and restore-all are not moments", () => {
    expect(moments([{ t: 5, type: "sim.heal", data: { all: true } }, { t: 5, type: "sim.restore-link", data: { all: true } }])).toEqual([]);
  });

  it("a cut or a slowed link in force: the heal-all and restore-all are", () => {
    const texts = moments([
      { t: 1, type: "sim.partition", data: { groups: [["a"], ["b"]] } },
      { t: 2, type: "sim.slow-link", data: { between: ["a", "b"] } },
      { t: 5, type: "sim.heal", data: { all: true } },
      { t: 5, type: "sim.restore-link", data: { all: true } },
    ]);
    expect(texts).toContain("heal every partition");
    expect(texts).toContain("restore every slowed link (faults stop)");
  });

  it("a cut healed on its own before the liveness phase leaves nothing for the heal-all to say", () => {
    const texts = moments([
      { t: 1, type: "sim.partition", data: { groups: [["a"], ["b"]] } },
      { t: 2, type: "sim.heal", data: { groups: [["a"], ["b"]] } },
      { t: 5, type: "sim.heal", data: { all: true } },
    ]);
    expect(texts).toEqual(["partition [a] | [b]", "heal [a] | [b]"]);
  });
});
