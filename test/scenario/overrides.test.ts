import { describe, expect, it } from "vitest";
import { applyOverride, OverrideError, parseOverride } from "../../src/scenario/overrides.js";

const data = {
  cluster: { brokers: 3, config: { "min.insync.replicas": 2 }, topics: [{ name: "orders", partitions: 3 }] },
  clients: [{ id: "p1", kind: "producer", config: { acks: "1" }, workload: { topic: "orders" } }, { id: "c1", kind: "consumer" }],
};
const set = (t: string) => applyOverride(data, parseOverride(t)) as typeof data & Record<string, any>;

describe("--set KEY=VALUE", () => {
  it("reaches a client by id, the brokers' and a topic's config, and a feature; the rest of a config key keeps its dots", () => {
    expect(set("clients.p1.config.acks=all").clients[0].config).toEqual({ acks: "all" });
    expect(set("clients.c1.config.isolation.level=read_committed").clients[1]).toMatchObject({ config: { "isolation.level": "read_committed" } });
    expect(set("brokers.config.min.insync.replicas=1").cluster.config).toEqual({ "min.insync.replicas": 1 });
    expect(set("topics.orders.config.unclean.leader.election.enable=true").cluster.topics[0]).toMatchObject({ config: { "unclean.leader.election.enable": true } });
    expect((set("features.transaction.version=1").cluster as Record<string, unknown>).features).toEqual({ "transaction.version": 1 });
    expect(set("clients.1.kind=consumer").clients[1].kind).toBe("consumer");
    expect(set("duration=5s").duration).toBe("5s");
    expect(data.clients[0].config?.acks).toBe("1"); // the original is not touched
  });

  it("reads the value as YAML: numbers, booleans, quoted strings", () => {
    expect(parseOverride("a=1").value).toBe(1);
    expect(parseOverride("a=true").value).toBe(true);
    expect(parseOverride('a="1"').value).toBe("1");
    expect(parseOverride("a=all").value).toBe("all");
  });

  it("names what it cannot find", () => {
    expect(() => set("clients.p9.config.acks=1")).toThrow(/clients has no "p9" \(it has: p1, c1\)/);
    expect(() => set("brokers.config.transaction.version=1")).toThrow(/feature level, not a config: write features\.transaction\.version=1/);
    expect(() => set("clinets.p1.config.acks=1")).toThrow(OverrideError);
    expect(() => parseOverride("noequals")).toThrow(/must be KEY=VALUE/);
  });
});

describe("--set VALUE's YAML is held to a scenario file's rules (outsider4)", () => {
  it("an alias is refused: &a { x: *a } was a value containing itself, and the run ended in an internal error (exit 3)", () => {
    expect(() => parseOverride("clients.p1.config=&a { x: *a }")).toThrow("--set clients.p1.config=&a { x: *a }: an alias (*a) has nothing to name in a --set: write the value itself");
  });

  it("a tag other than YAML's core ones is refused, and so is one that cannot apply; core tags still load", () => {
    expect(() => parseOverride("clients.p1.config.acks=!!binary eA==")).toThrow("YAML tag !!binary makes no value a scenario has; write the value plainly");
    expect(() => parseOverride("duration=!!timestamp 2001-01-01")).toThrow("YAML tag !!timestamp makes no value a scenario has");
    expect(() => parseOverride("duration=!dur 1s")).toThrow(/^--set duration=!dur 1s: YAML tag !dur cannot be applied to this value; write the value plainly$/);
    expect(parseOverride("a=!!str 5").value).toBe("5");
    expect(parseOverride("a=[1").value).toBe("[1"); // not YAML: the text itself, as before
  });
});
