import { rangeAssign } from "./range.js";
import { roundRobinAssign } from "./roundRobin.js";
import { stickyAssign } from "./sticky.js";
import { type Assignment, type AssignorMember, sortAssignment } from "./types.js";

export type AssignmentStrategy = "range" | "roundrobin" | "sticky" | "cooperative-sticky";
export const ASSIGNMENT_STRATEGIES: readonly AssignmentStrategy[] = ["range", "roundrobin", "sticky", "cooperative-sticky"];

/**
 * The Java client's partition assignors (classic protocol), by `partition.assignment.strategy` name. Each member's
 * list comes back sorted by topic, then partition; every member appears, possibly with nothing.
 */
export function assign(strategy: AssignmentStrategy, partitionsPerTopic: Record<string, number>, members: Record<string, AssignorMember>): Assignment {
  switch (strategy) {
    case "range":
      return sortAssignment(rangeAssign(partitionsPerTopic, members));
    case "roundrobin":
      return sortAssignment(roundRobinAssign(partitionsPerTopic, members));
    case "sticky":
      return sortAssignment(stickyAssign(partitionsPerTopic, members, false));
    case "cooperative-sticky":
      return sortAssignment(stickyAssign(partitionsPerTopic, members, true));
    default:
      throw new Error(`unknown assignment strategy: ${String(strategy)} (known: range, roundrobin, sticky, cooperative-sticky)`);
  }
}

export type { Assignment, AssignorMember, TopicPartitionRef } from "./types.js";
