import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readBounded } from "../../src/common/readBounded.js";

const dir = mkdtempSync(join(tmpdir(), "kafkasim-bounded-"));

describe("readBounded", () => {
  it("a file within the limit: all its bytes, not over, its size", () => {
    const f = join(dir, "small");
    writeFileSync(f, "hello");
    const r = readBounded(f, 5);
    expect({ text: r.bytes.toString(), over: r.over, size: r.size }).toEqual({ text: "hello", over: false, size: 5 });
  });

  it("a file past the limit: limit + 1 bytes, over, its whole size", () => {
    const f = join(dir, "big");
    writeFileSync(f, "x".repeat(200_000));
    const r = readBounded(f, 100_000);
    expect({ length: r.bytes.length, over: r.over, size: r.size }).toEqual({ length: 100_001, over: true, size: 200_000 });
  });

  it.runIf(existsSync("/dev/zero"))("a device that never ends: limit + 1 bytes, over, no size", () => {
    const r = readBounded("/dev/zero", 1000);
    expect({ length: r.bytes.length, over: r.over, size: r.size }).toEqual({ length: 1001, over: true, size: null });
  });

  it("a missing file or a directory throws what Node throws, for the caller to name", () => {
    expect(() => readBounded(join(dir, "nope"), 10)).toThrow(expect.objectContaining({ code: "ENOENT" }));
    expect(() => readBounded(dir, 10)).toThrow(expect.objectContaining({ code: "EISDIR" }));
  });
});
