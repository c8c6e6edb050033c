/** Java's String.hashCode. */
function javaHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The partition of an internal topic that owns a key: Utils.abs(key.hashCode) % partitions, as both
 * TransactionStateManager.partitionFor (transactional ids) and GroupCoordinator.partitionFor (group ids) compute it.
 * Its leader is the key's coordinator.
 */
export function coordinatorPartitionFor(key: string, partitions: number): number {
  const h = javaHashCode(key);
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitions; // Utils.abs: MIN_VALUE maps to 0
}
