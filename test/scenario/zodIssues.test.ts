import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describeIssue } from "../../src/scenario/zodIssues.js";

/** The first issue of `schema` on `input`, as a scenario error would say it. */
function said(schema: z.ZodType, input: unknown): string {
  const r = schema.safeParse(input, { reportInput: true });
  if (r.success) throw new Error("expected a problem");
  const { path, message } = describeIssue(r.error.issues[0], schema);
  return `${path}: ${message}`;
}

describe("describeIssue: zod's default words never reach a scenario's author", () => {
  it("a bound the schema gave no message says it in the file's words, with what was written", () => {
    expect(said(z.object({ kinds: z.array(z.string()).min(1) }), { kinds: [] })).toBe("kinds: must list at least 1 item");
    expect(said(z.object({ ends: z.array(z.string()).max(2) }), { ends: ["a", "b", "c"] })).toBe("ends: must list at most 2 items");
    expect(said(z.object({ id: z.string().min(1) }), { id: "" })).toBe("id: must not be empty");
    expect(said(z.object({ n: z.number().min(1) }), { n: 0 })).toBe("n: must be ≥ 1 (got 0)");
    expect(said(z.object({ n: z.number().positive() }), { n: 0 })).toBe("n: must be > 0 (got 0)");
    expect(said(z.object({ n: z.number().max(3) }), { n: 4 })).toBe("n: must be ≤ 3 (got 4)");
  });

  it("a union or an enum without a message of its own", () => {
    expect(said(z.object({ u: z.union([z.number(), z.object({ min: z.number() })]) }), { u: "x" })).toBe("u: is none of the forms allowed here (got \"x\")");
    expect(said(z.object({ e: z.enum(["a", "b"]) }), { e: "c" })).toBe('e: must be one of "a", "b" (got "c")');
  });

  it("a schema's own message is kept", () => {
    expect(said(z.object({ kinds: z.array(z.string()).min(1, "must list at least one kind") }), { kinds: [] })).toBe("kinds: must list at least one kind");
  });
});

describe("a scenario's problems are each said once", () => {
  it("a partition count past 2^53 fails the whole-number and the maximum check with one message: one line, no '(and 1 more problem)'", async () => {
    const { scenarioFromData } = await import("../../src/scenario/fromData.js");
    const data = { name: "n", description: "d", duration: "5s", cluster: { brokers: 3, topics: [{ name: "t", partitions: 18446744073709551617, replicationFactor: 3 }] } };
    let error: unknown;
    try {
      scenarioFromData(data, "f.yaml");
    } catch (e) {
      error = e;
    }
    const text = String((error as Error).message);
    expect(text).toContain("cluster.topics[0].partitions: must be a whole number of partitions from 1 to 10,000");
    expect(text).not.toContain("more problem");
    expect((error as { more: unknown[] }).more).toEqual([]);
  });
});

describe("a number YAML reads as infinite or NaN", () => {
  it("says the range the schema allows (brokers: 1e400), or that it must be finite, not 'must be a number'", async () => {
    const { scenarioFromData } = await import("../../src/scenario/fromData.js");
    const problem = (data: object) => {
      try {
        scenarioFromData({ name: "n", description: "d", duration: "5s", ...data }, "f.yaml");
      } catch (e) {
        return String((e as Error).message);
      }
      throw new Error("expected a problem");
    };
    expect(problem({ cluster: { brokers: Infinity } })).toContain("cluster.brokers: must be a whole number of brokers from 0 to 1,000 (got .inf)");
    expect(said(z.object({ n: z.number() }), { n: NaN })).toBe("n: must be a finite number (got .nan)");
    expect(said(z.object({ n: z.number() }), { n: "x" })).toBe('n: must be a number (got "x")');
  });
});
