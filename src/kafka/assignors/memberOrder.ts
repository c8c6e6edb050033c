import { type AssignorMember, compareStrings } from "./types.js";

/**
 * Kafka `AbstractPartitionAssignor.MemberInfo.compareTo`: two static members compare by group.instance.id; a static
 * member sorts before a dynamic one; two dynamic members compare by member id. Static members so keep their slot
 * across member-id changes (kafka-facts §2.1).
 */
export function compareMembers(aId: string, a: AssignorMember, bId: string, b: AssignorMember): number {
  const ai = a.groupInstanceId;
  const bi = b.groupInstanceId;
  if (ai !== undefined && bi !== undefined) return compareStrings(ai, bi);
  if (ai !== undefined) return -1;
  if (bi !== undefined) return 1;
  return compareStrings(aId, bId);
}

export function sortedMemberIds(members: Record<string, AssignorMember>, ids: string[] = Object.keys(members)): string[] {
  return [...ids].sort((x, y) => compareMembers(x, members[x], y, members[y]));
}
