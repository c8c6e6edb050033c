import { leaderRecoveryStateOf, type PartitionState } from "../metadata/records.js";
import type { AlterPartitionRequest, AlterPartitionResponse } from "../protocol/controllerMessages.js";

/** The per-partition errors of `validateAlterPartitionData`, NONE when the change may go to the builder. */
export type AlterPartitionValidationError = Extract<
  AlterPartitionResponse["error"],
  "NONE" | "UNKNOWN_TOPIC_OR_PARTITION" | "NOT_CONTROLLER" | "FENCED_LEADER_EPOCH" | "INVALID_REQUEST" | "INVALID_UPDATE_VERSION" | "INELIGIBLE_REPLICA"
>;

/**
 * Kafka `ReplicationControlManager.validateAlterPartitionData`, in its order: an unknown partition; epochs newer than
 * this controller's (NOT_CONTROLLER: it is likely not the active one any more); an older leader epoch
 * (FENCED_LEADER_EPOCH); a request not from the leader (INVALID_REQUEST); an older partition epoch
 * (INVALID_UPDATE_VERSION); an ISR that is not a duplicate-free subset of the replicas, or that lacks the leader
 * (Replicas.validateIsr, INVALID_REQUEST); KIP-704: a leader still RECOVERING may not ask for more than itself in
 * the ISR, and a RECOVERED partition may not go back to RECOVERING (INVALID_REQUEST); then any broker of the new
 * ISR (not only those it adds) that may not be in it (ineligibleReplicasForIsr: not registered, in controlled
 * shutdown or fenced, INELIGIBLE_REPLICA). Not modelled: the per-broker epochs of AlterPartition v3 (KIP-903),
 * checked there too (kafkasim's requests carry none).
 */
export function validateAlterPartitionData(p: PartitionState | undefined, req: AlterPartitionRequest, isIsrEligible: (broker: string) => boolean): AlterPartitionValidationError {
  if (!p) return "UNKNOWN_TOPIC_OR_PARTITION";
  if (req.leaderEpoch > p.leaderEpoch || req.partitionEpoch > p.partitionEpoch) return "NOT_CONTROLLER";
  if (req.leaderEpoch < p.leaderEpoch) return "FENCED_LEADER_EPOCH";
  if (p.leader !== req.broker) return "INVALID_REQUEST";
  if (req.partitionEpoch < p.partitionEpoch) return "INVALID_UPDATE_VERSION";
  if (!validIsr(p.replicas, req.newIsr) || !req.newIsr.includes(req.broker)) return "INVALID_REQUEST";
  if (req.leaderRecoveryState === "RECOVERING" && req.newIsr.length > 1) return "INVALID_REQUEST";
  if (leaderRecoveryStateOf(p) === "RECOVERED" && req.leaderRecoveryState === "RECOVERING") return "INVALID_REQUEST";
  if (req.newIsr.some((b) => !isIsrEligible(b))) return "INELIGIBLE_REPLICA";
  return "NONE";
}

/** Kafka `Replicas.validateIsr`: every ISR member is a replica, none twice (an empty ISR is valid). */
function validIsr(replicas: readonly string[], isr: readonly string[]): boolean {
  return isr.every((r, i) => replicas.includes(r) && isr.indexOf(r) === i);
}
