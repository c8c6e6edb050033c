import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../support/cli.js";

/**
 * Malformed inputs an outsider fed the CLI that used to end in an internal error (exit 3, a RangeError's stack trace):
 * each is now bad input, exit 2, one line naming the file and where in it.
 */
const dir = mkdtempSync(join(tmpdir(), "kafkasim-malformed-"));
let n = 0;
function file(ext: string, text: string): string {
  const f = join(dir, `f${n++}.${ext}`);
  writeFileSync(f, text);
  return f;
}

async function expectBadInput(args: string[], f: string, ...needles: string[]) {
  const r = await cli(...args, f);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.split("\n")).toHaveLength(1);
  expect(r.stderr.startsWith(`${f}: `), r.stderr).toBe(true);
  for (const needle of needles) expect(r.stderr).toContain(needle);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error|RangeError/);
}

describe("a YAML alias inside the node its own anchor names (a value that contains itself)", () => {
  it("in a list: exit 2 at the alias's line", async () => {
    await expectBadInput(["run"], file("yaml", "a: &a [*a]\n"), "line 1: invalid YAML: alias *a is inside the node its anchor &a names");
  });

  it("as a merge key of its own mapping, below the top level: exit 2 at the alias's line", async () => {
    const f = file("yaml", "name: t\ndescription: d\nduration: 5s\ncluster: &c\n  brokers: 3\n  <<: *c\n");
    await expectBadInput(["run"], f, "line 6: invalid YAML: alias *c is inside the node its anchor &c names");
  });

  it("an alias of an enclosing anchor two levels up: exit 2", async () => {
    await expectBadInput(["run"], file("yaml", "name: t\ndescription: d\nduration: 5s\nx: &x {y: &y {z: [1, *x]}}\n"), "alias *x is inside the node its anchor &x names");
  });

  it("an alias of a finished anchor elsewhere still loads (it is only an unknown key here)", async () => {
    const r = await cli("run", file("yaml", "name: t\ndescription: d\nduration: 5s\ncluster: &c { brokers: 3 }\nother: *c\n"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('other: unknown key "other"');
  });
});

describe("a history that nests lists and maps past any op's depth", () => {
  const deep = (k: number) => "[".repeat(k) + "]".repeat(k);
  const limit = "nests lists and maps more than 100 levels deep";

  it("a JSON array whose first op is 100,000 nested lists: exit 2 naming op 0", async () => {
    await expectBadInput(["check"], file("json", deep(100_000)), "op 0: ", limit);
  });

  it("JSON lines: a deep :value in op 1: exit 2 naming op 1", async () => {
    const ok = '{"index":0,"time":1,"type":"invoke","process":0,"f":"send","value":[["send",0,1]]}';
    await expectBadInput(["check"], file("jsonl", `${ok}\n{"index":1,"time":2,"type":"ok","process":0,"f":"send","value":${deep(50_000)}}\n`), "op 1: ", limit);
  });

  it("EDN, one op per line and a vector of ops, with deep vectors or maps: exit 2 naming the op", async () => {
    await expectBadInput(["check"], file("edn", `{:a ${deep(100_000)}}\n`), "op 0: ", limit);
    const maps = "{:a ".repeat(20_000) + "1" + "}".repeat(20_000);
    await expectBadInput(["check"], file("edn", `[{:index 0 :time 1 :type :invoke :process 0 :f :send :value [[:send 0 1]]} {:index 1 :time 2 :type :ok :process 0 :f :send :value ${maps}}]\n`), "op 1: ", limit);
  });

  it("an op nested as deep as the limit allows is judged as usual", async () => {
    // A value 90 lists deep: op → :value → micro-op → value, well inside the limit.
    const v = "[".repeat(90) + "1" + "]".repeat(90);
    const r = await cli("check", file("edn", `{:index 0 :time 1 :type :invoke :process 0 :f :send :value [[:send 0 ${v}]]}\n{:index 1 :time 2 :type :ok :process 0 :f :send :value [[:send 0 [0 ${v}]]]}\n`));
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).toBe("");
  });
});

describe("an input that never ends", () => {
  const linux = existsSync("/dev/zero");

  it.runIf(linux)("run /dev/zero: exit 2 at once, not read forever", async () => {
    await expectBadInput(["run"], "/dev/zero", "holds more than 1 MiB; scenario files are limited to 1 MiB");
  });

  it("a scenario file past the limit still says its size, and a history past it still says what it is", async () => {
    const text = `name: t\ndescription: ${"x".repeat(1024 * 1024)}\nduration: 5s\n`;
    await expectBadInput(["run"], file("yaml", text), `is ${Buffer.byteLength(text)} bytes; scenario files are limited to 1 MiB`);
    const ops = Array.from({ length: 20_000 }, (_, i) => `{:index ${i} :time ${i} :type :invoke :process ${i} :f :poll :value [[:poll]]}`).join("\n");
    await expectBadInput(["run"], file("edn", ops), "is a client history in Jepsen's EDN shape, not a scenario");
  });
});
