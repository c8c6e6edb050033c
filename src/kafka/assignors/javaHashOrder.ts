/**
 * Java's `String.hashCode()`: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, in 32-bit two's complement.
 * Returns a signed 32-bit integer, as Java does.
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The order in which a `java.util.HashMap<String, V>` built with `new HashMap<>()` and `put` in `keys` order iterates
 * its keys: by bucket `(h ^ (h >>> 16)) & (capacity - 1)` (HashMap.hash), and within a bucket in insertion order
 * (a resize splits a bucket keeping relative order). Capacity starts at 16 and doubles whenever size exceeds 0.75 of
 * it (HashMap.resize). Kafka's assignors iterate such maps, so where Kafka's answer depends on that order this gives
 * the same answer; it is a pure function of the keys, so it is deterministic. Not modelled: tree bins (a bucket
 * treeifies when a put adds its ninth key, TREEIFY_THRESHOLD 8, in a table of MIN_TREEIFY_CAPACITY 64 or more; a
 * smaller table resizes instead), where Java may move a bucket's root to its front and so order it differently.
 */
export function javaHashMapKeyOrder(keys: readonly string[]): string[] {
  return javaHashOrder(keys, javaStringHashCode);
}

/**
 * The same order for any key type, given its Java `hashCode()` (e.g. `TopicPartition.hashCode`); `minCapacity` is
 * the table size a set that has shrunk keeps from when it was larger (a power of two, 16 or more).
 */
export function javaHashOrder<K>(keys: readonly K[], hashCode: (k: K) => number, minCapacity = 16): K[] {
  let capacity = minCapacity;
  while (keys.length > capacity * 0.75) capacity *= 2;
  const bucket = (k: K) => {
    const h = hashCode(k);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  // Array.prototype.sort is stable, so equal buckets keep insertion order.
  return keys.map((k) => ({ k, b: bucket(k) })).sort((x, y) => x.b - y.b).map((e) => e.k);
}

/** Kafka `TopicPartition.hashCode()`: 31 * (31 + partition) + topic.hashCode(), as a 32-bit int. */
export function javaTopicPartitionHashCode(topic: string, partition: number): number {
  return (Math.imul(31, (31 + partition) | 0) + javaStringHashCode(topic)) | 0;
}
