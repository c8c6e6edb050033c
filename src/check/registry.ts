import { falseSuspicion, staleWrite } from "./demoCheckers.js";
import { inconsistentOffsets, nonmonotonicPoll, pollSkip } from "./consumerCheckers.js";
import { duplicates } from "./duplicates.js";
import { abortedRead, atomicity, hangingTransaction, transactionalOffsets, uncommittedRead, zombieFenced, zombieWrite } from "./transactionCheckers.js";
import { failedSends } from "./failedSends.js";
import { committedOffsetRegression, concurrentOwnership, consumedTwice, exactlyOnce, rebalanceStorm, skippedRecords } from "./groupCheckers.js";
import type { AnyChecker } from "./input.js";
import { logDivergence } from "./logDivergence.js";
import { lostAcknowledgedWrites } from "./lostWrites.js";
import { reordering } from "./reordering.js";
import { replicasOutOfSync } from "./replicasOutOfSync.js";
import { unavailability } from "./unavailability.js";
import { unconfirmedSends } from "./unconfirmedSends.js";
import { errorNotSeen, errorSeen } from "./errorCheckers.js";
import { assignmentUnchanged, consumerProgress, rebalancePause, rebalances } from "./groupExpectations.js";
import { leaderless } from "./leaderless.js";
import { compactedKeyLost, missedTombstone } from "./compaction.js";
import { keyReordering } from "./keyOrder.js";

const checkers = new Map<string, AnyChecker>();

export function registerChecker(c: AnyChecker): void {
  checkers.set(c.name, c);
}

/** A checker by name; a plural reads as its singular (`noAbortedReads` is the abortedRead check). */
export function checkerNamed(name: string): AnyChecker | undefined {
  return checkers.get(name) ?? (name.endsWith("s") ? checkers.get(name.slice(0, -1)) : undefined);
}

export function checkerNames(): string[] {
  return [...checkers.keys()].sort();
}

for (const c of [
  falseSuspicion, staleWrite, lostAcknowledgedWrites, duplicates, logDivergence, reordering, unavailability, replicasOutOfSync, failedSends, inconsistentOffsets, nonmonotonicPoll, pollSkip, abortedRead, uncommittedRead, atomicity, zombieWrite, zombieFenced, hangingTransaction, transactionalOffsets,
  consumedTwice, skippedRecords, concurrentOwnership, committedOffsetRegression, exactlyOnce, rebalanceStorm,
  unconfirmedSends, rebalances, rebalancePause, assignmentUnchanged, consumerProgress, errorSeen, errorNotSeen, leaderless, compactedKeyLost, missedTombstone, keyReordering]) registerChecker(c);
