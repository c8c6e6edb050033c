import { describe, expect, it } from "vitest";
import { clojureHash, hashSetBefore, javaStringHash } from "../../../src/check/jepsen/clojureHash.js";

/** Clojure's `hash` of history values (clojure.lang.Murmur3, Numbers.hasheq, Keyword.hasheq) and hash-set order. */
describe("clojureHash: the values Clojure's (hash x) returns", () => {
  it("longs, strings and keywords as a Clojure REPL prints them", () => {
    // (hash 0) 0, (hash 1) 1392991556, (hash "a") 1455541201, (hash :a) -2123407586
    expect([0, 1, "a", ":a"].map(clojureHash)).toEqual([0, 1392991556, 1455541201, -2123407586]);
    // "".hashCode() is 0, and Murmur3.hashInt(0) is 0.
    expect(clojureHash("")).toBe(0);
    expect(javaStringHash("hello")).toBe(99162322);
  });

  it("a long read exactly (123N, a bigint) hashes as the long; an integral number as a Long; a map has no known hash", () => {
    expect(clojureHash("641N")).toBe(clojureHash(641));
    expect(clojureHash(641n)).toBe(clojureHash(641));
    expect(clojureHash('{"#map":[]}')).not.toBeNull(); // canonical text is a string to kafkasim: hashed as one
    expect(clojureHash({})).toBeNull();
  });
});

describe("hashSetBefore: Clojure hash-set iteration order", () => {
  it("#{:b :c} iterates :c first (kafka_test version-orders-test's :by-index [:a :c :b :d])", () => {
    expect(hashSetBefore(clojureHash(":c"), clojureHash(":b"))).toBe(true);
    expect(hashSetBefore(clojureHash(":b"), clojureHash(":c"))).toBe(false);
  });

  it("compares the hashes 5 bits at a time from the lowest; equal or unknown hashes decide nothing", () => {
    expect(hashSetBefore(0b00001, 0b00010)).toBe(true);
    expect(hashSetBefore(0b100000 | 1, 0b000000 | 2)).toBe(true); // lowest chunk 1 < 2 though the number is larger
    expect(hashSetBefore(-1, 0x7fffffff)).toBe(false); // chunks equal until the top one: 0b11 > 0b01
    expect(hashSetBefore(0x7fffffff, -1)).toBe(true);
    expect(hashSetBefore(5, 5)).toBe(false);
    expect(hashSetBefore(null, 5)).toBe(false);
  });
});
