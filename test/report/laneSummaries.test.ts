import { describe, expect, it } from "vitest";
import { groupSummary, producerSummary } from "../../src/report/html/client/summaries.js";
import type { ReportData } from "../../src/report/html/reportData.js";
import { buildReportData } from "../../src/report/html/reportData.js";
import { RunRecorder } from "../../src/report/recorder/runRecorder.js";
import { runScenario } from "../../src/runner/run.js";
import { loadScenario } from "../../src/scenario/load.js";

function reportOf(file: string) {
  const rec = new RunRecorder({ messages: false });
  const r = runScenario(loadScenario(file), { attach: rec.attach });
  return { r, data: buildReportData(r, rec, "test", 0) };
}

describe("a producer lane's summary line", () => {
  it("of a perf-test producer (counters, no send history) gives the counts the Performance table and --json give, not 0 sends", () => {
    const { r, data } = reportOf("test/fixtures/report-perf-test.yaml");
    const perf = r.performance!.producers.find((p) => p.client === "perf")!;
    expect(perf.acknowledged).toBeGreaterThan(0);
    const lane = data.producers.find((p) => p.client === "perf")!;
    expect(lane.perfTest).toEqual({ sent: r.history.perfTest.producer("perf").sent, acknowledged: perf.acknowledged, failed: perf.failed, refused: 0 });
    const line = producerSummary(lane);
    expect(line).not.toMatch(/^0 sends/);
    expect(line).toContain(`${lane.perfTest!.sent} records sent`);
    expect(line).toContain(`${perf.acknowledged} acknowledged`);
    expect(line).toContain(`${perf.failed} failed`);
  });

  it("of a producer with a send history counts its sends, acknowledgements and errors from that history", () => {
    const { r, data } = reportOf("test/fixtures/report-capacity.yaml");
    const lane = data.producers.find((p) => p.client === "app")!;
    expect(lane.perfTest).toBeNull();
    const sends = r.history.ops.filter((o) => o.f === "send" && o.process === "app");
    const ok = sends.filter((o) => o.type === "ok").length;
    expect(ok).toBeGreaterThan(0);
    expect(producerSummary(lane)).toMatch(new RegExp(`^${sends.filter((o) => o.type === "invoke").length} sends: ${ok} acknowledged, 0 failed`));
  });
});

describe("a group lane's summary line", () => {
  const group = (protocol: string | null, states: string[]): ReportData["groups"][number] => ({
    group: "g",
    protocol,
    state: { t: states.map(() => 1), v: states },
    coordinator: { t: [0, 5], v: ["broker-1", "broker-2"] },
    members: [],
    lagT: [0, 1],
    lag: [{ tp: "t-0", v: [3, 0] }],
  });

  it("counts a KIP-848 group's stable group epochs as such (its chart says Stable e1, e2), not generations", () => {
    const line = groupSummary(group("consumer", ["Stable e1", "Reconciling e2", "Stable e2", "Reconciling e4", "Stable e4"]));
    expect(line).toBe("KIP-848 consumer protocol; 3 stable group epoch(s); coordinator broker-1 -> broker-2; lag at the end: t-0 0");
  });

  it("counts a classic group's stable generations", () => {
    expect(groupSummary(group("classic", ["PreparingRebalance g0", "CompletingRebalance g1", "Stable g1", "Empty g2"]))).toBe("classic protocol; 1 stable generation(s); coordinator broker-1 -> broker-2; lag at the end: t-0 0");
  });
});
