/**
 * Kafka's ByteUtils.writeVarint / writeVarlong length, the plain way: zig-zag over `bits` (32 or 64), then 7 bits a
 * byte. A reference for sizeOfVarint / sizeOfVarlong (ByteUtilsTest's "old well-known implementation"). Returns bytes.
 */
export function zigZagVarintBytes(v: bigint, bits: bigint): number {
  let z = BigInt.asUintN(Number(bits), (v << 1n) ^ (v >> (bits - 1n)));
  let n = 1;
  while (z >= 0x80n) {
    z >>= 7n;
    n++;
  }
  return n;
}
