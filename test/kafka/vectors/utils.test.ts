import { describe, expect, it } from "vitest";
import { murmur2, partitionForKey, toPositive } from "../../../src/kafka/partitioner.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java (the methods kafkasim
// has: Utils.murmur2 and Utils.toPositive, which BuiltInPartitioner.partitionForKey combines).

const bytes = (s: string) => new TextEncoder().encode(s);

describe("UtilsTest", () => {
  it.each<[string, number]>([
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
  ])("testMurmur2: murmur2(%j) = %d", (input, expected) => {
    expect(murmur2(bytes(input))).toBe(expected);
  });

  it("testMurmur2: murmur2(new byte[] {'a', 'b', 'c'}) = 479470107", () => {
    expect(murmur2(Uint8Array.from([0x61, 0x62, 0x63]))).toBe(479470107);
  });

  it("toPositive (Utils.toPositive, used by partitionForKey): clears the sign bit of the testMurmur2 hashes", () => {
    // Utils.toPositive(n) = n & 0x7fffffff; -973932308 & 0x7fffffff = 1173551340.
    expect(toPositive(-973932308)).toBe(1173551340);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(0)).toBe(0);
    expect(toPositive(479470107)).toBe(479470107);
    expect(partitionForKey("foobar", 10)).toBe(toPositive(-790332482) % 10);
  });
});
