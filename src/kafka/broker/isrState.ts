/**
 * The leader's view of the ISR as a tagged union (Kafka `Partition.scala` `PartitionState`): committed, or an
 * AlterPartition in flight. While a change is pending, `isr` stays the last committed ISR and `maximalIsr` is what
 * the HW must respect: the committed ISR plus a replica being added (it may already count towards commit).
 */
export type IsrState =
  | { kind: "committed"; isr: string[]; maximalIsr: string[] }
  | { kind: "pendingExpand"; isr: string[]; maximalIsr: string[]; adding: string }
  | { kind: "pendingShrink"; isr: string[]; maximalIsr: string[]; removing: string[] };

export function committedIsr(isr: string[]): IsrState {
  return { kind: "committed", isr: [...isr], maximalIsr: [...isr] };
}

export function pendingExpand(current: IsrState, adding: string): IsrState {
  return { kind: "pendingExpand", isr: current.isr, maximalIsr: [...current.isr, adding], adding };
}

export function pendingShrink(current: IsrState, removing: string[]): IsrState {
  return { kind: "pendingShrink", isr: current.isr, maximalIsr: current.isr, removing };
}
