import { existsSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as kafkasim from "../../src/index.js";

describe("the library, as a user's project sees it", () => {
  it("loadScenario resolves the name of a shipped scenario, and a path still wins", () => {
    const byName = kafkasim.loadScenario("acks-all-leader-failover");
    expect(byName.name).toBe("acks-all-leader-failover");
    expect(byName.file).toBe(join(kafkasim.scenariosDir, "acks-all-leader-failover.yaml"));
    expect(kafkasim.loadScenario("engine/lease-gc-pause.yaml").name).toBe("lease-gc-pause");
    expect(kafkasim.loadScenario("scenarios/acks-all-leader-failover.yaml").file).toBe("scenarios/acks-all-leader-failover.yaml");
    expect(() => kafkasim.loadScenario("no-such-scenario")).toThrow(kafkasim.ScenarioError);
    expect(() => kafkasim.loadScenario("../package.json")).toThrow(/no such file/);
  });

  it("exports the scenarios folder and lists what is in it", () => {
    expect(existsSync(join(kafkasim.scenariosDir, "acks-1-leader-failover.yaml"))).toBe(true);
    expect(kafkasim.listScenarioFiles().length).toBeGreaterThan(20);
    expect(kafkasim.shippedScenarioPath("engine/lease-gc-pause")).toBe(join(kafkasim.scenariosDir, "engine", "lease-gc-pause.yaml"));
  });

  it("fault generator bounds need only the nodes; the rest default", () => {
    expect(kafkasim.withFaultDefaults({ nodes: ["broker-1"] })).toEqual({
      nodes: ["broker-1"],
      kinds: ["crash", "shutdown", "pause", "isolate", "partition"],
      count: { min: 1, max: 4 },
      fromMs: 1000,
      untilMs: 20000,
      durationMs: { min: 1000, max: 10000 },
      maxDown: 1,
      loseUnflushed: false,
    });
    const schedules = fc.sample(kafkasim.faultScheduleArbitrary({ nodes: ["broker-1", "broker-2"], kinds: ["pause"] }), 20);
    for (const s of schedules) {
      expect(s.length).toBeGreaterThanOrEqual(1);
      for (const f of s) expect(f).toMatchObject({ op: "pause" });
    }
    expect(() => kafkasim.withFaultDefaults({ nodes: [] })).toThrow(RangeError);
  });
});
