import { rangeAssign } from "../../assignors/range.js";
import { compareTopicPartitions, sortAssignment } from "../../assignors/types.js";
import { uniformAssign } from "../../assignors/uniform.js";
import { tpKey } from "../../protocol/messages.js";
import type { ErrorName } from "../../protocol/errors.js";
import type { TopicPartitionRef } from "../../protocol/groupMessages.js";

/**
 * A KIP-848 consumer group (Kafka `group-coordinator/.../modern/consumer/ConsumerGroup.java`,
 * `ConsumerGroupMember.java`, `CurrentAssignmentBuilder.java`; kafka-facts §5.4, §6.12). Pure state: the
 * coordinator drives it with heartbeats.
 */
export type MemberState = "STABLE" | "UNREVOKED_PARTITIONS" | "UNRELEASED_PARTITIONS";
export type ConsumerGroupState = "Empty" | "Assigning" | "Reconciling" | "Stable";

/** ConsumerGroupHeartbeatRequest.LEAVE_GROUP_MEMBER_EPOCH and LEAVE_GROUP_STATIC_MEMBER_EPOCH. */
export const LEAVE_GROUP_MEMBER_EPOCH = -1;
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

export interface ConsumerGroupMember {
  memberId: string;
  instanceId: string | null;
  /** The client actor, for traces and reports. */
  clientId: string;
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberState;
  subscribedTopics: string[];
  serverAssignor: string | null;
  rebalanceTimeoutMs: number;
  assigned: TopicPartitionRef[];
  /** Partitions the member must give up before it may move to the target epoch. */
  pendingRevocation: TopicPartitionRef[];
}

const key = (t: TopicPartitionRef) => tpKey(t.topic, t.partition);
/** CurrentAssignmentBuilder.ownsRevokedPartitions: whether `owned` lists any of `partitions` (null: it may). */
function ownsAny(owned: TopicPartitionRef[] | null, partitions: TopicPartitionRef[]): boolean {
  if (owned === null) return true;
  const wanted = new Set(partitions.map(key));
  return owned.some((t) => wanted.has(key(t)));
}
export const sortedPartitions = (l: TopicPartitionRef[]): TopicPartitionRef[] => [...l].sort(compareTopicPartitions);

export class ConsumerGroup {
  groupEpoch = 0;
  targetAssignmentEpoch = 0;
  readonly members = new Map<string, ConsumerGroupMember>();
  /** memberId → its partitions in the target assignment. */
  targetAssignment = new Map<string, TopicPartitionRef[]>();

  constructor(readonly groupId: string) {}

  /** ConsumerGroup.state: Assigning while the target lags the group epoch, Reconciling while members catch up. */
  state(): ConsumerGroupState {
    if (this.members.size === 0) return "Empty";
    if (this.groupEpoch > this.targetAssignmentEpoch) return "Assigning";
    for (const m of this.members.values()) if (m.memberEpoch !== this.targetAssignmentEpoch || m.state !== "STABLE") return "Reconciling";
    return "Stable";
  }

  staticMember(instanceId: string): ConsumerGroupMember | undefined {
    for (const m of this.members.values()) if (m.instanceId === instanceId) return m;
    return undefined;
  }

  /**
   * The target assignment for the group epoch, by the server-side assignor (`group.consumer.assignors`): `uniform`
   * (Kafka's UniformAssignor, its homogeneous and heterogeneous builders: balanced, then sticky to the current target;
   * assignors/uniform.ts) or `range` (RangeAssignor: ranges per topic over members sorted by instance id, static
   * first, then member id; the server RangeAssignor as rewritten in KAFKA-16944, the client RangeAssignor's
   * arithmetic, no stickiness). The members go to the assignor in this group's member order, which stands for the
   * order TargetAssignmentBuilder.build puts them into its HashMap.
   */
  computeTargetAssignment(assignor: string, partitionsPerTopic: Record<string, number>): void {
    const members = Object.fromEntries(
      // The instance id orders members for `range` (RangeAssignor.sortMemberIds: static members by instance id first).
      [...this.members.values()].map((m) => [m.memberId, { topics: m.subscribedTopics, ownedPartitions: this.targetAssignment.get(m.memberId) ?? [], ...(m.instanceId !== null ? { groupInstanceId: m.instanceId } : {}) }]),
    );
    const result = sortAssignment(assignor === "range" ? rangeAssign(partitionsPerTopic, members) : uniformAssign(partitionsPerTopic, members));
    this.targetAssignment = new Map(Object.entries(result));
    this.targetAssignmentEpoch = this.groupEpoch;
  }

  /** Who holds each partition now (assigned or still to revoke), for "unreleased" decisions. */
  private owners(except: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const m of this.members.values()) {
      if (m.memberId === except) continue;
      for (const t of [...m.assigned, ...m.pendingRevocation]) out.set(key(t), m.memberId);
    }
    return out;
  }

  /**
   * CurrentAssignmentBuilder.build: moves a member towards the target. It keeps its epoch while it has partitions to
   * revoke (UNREVOKED_PARTITIONS) until its heartbeat no longer lists them; then it moves on (epoch + 1, and on to the
   * target epoch if nothing more is to be revoked) and gets the target's partitions that nobody else still holds
   * (UNRELEASED_PARTITIONS until they are released). `owned` is what the member's heartbeat listed (null: not known).
   */
  reconcile(m: ConsumerGroupMember, owned: TopicPartitionRef[] | null): void {
    if (m.memberEpoch < 0) return;
    switch (m.state) {
      case "STABLE":
        if (m.memberEpoch !== this.targetAssignmentEpoch) this.computeNextAssignment(m, m.memberEpoch, owned);
        return;
      case "UNREVOKED_PARTITIONS":
        if (ownsAny(owned, m.pendingRevocation)) return; // not revoked yet
        return this.computeNextAssignment(m, m.memberEpoch + 1, owned);
      case "UNRELEASED_PARTITIONS":
        return this.computeNextAssignment(m, m.memberEpoch, owned);
    }
  }

  /**
   * CurrentAssignmentBuilder.computeNextAssignment: partitions the member holds but the target does not are revoked
   * first (UNREVOKED_PARTITIONS at `memberEpoch`) unless its heartbeat shows it already let them go; otherwise it
   * takes the target epoch with the target's partitions that nobody else holds (the current partition epoch of the
   * rest is not -1: UNRELEASED_PARTITIONS). Every move sets the previous epoch to the current one, as
   * ConsumerGroupMember.Builder.updateMemberEpoch does.
   */
  private computeNextAssignment(m: ConsumerGroupMember, memberEpoch: number, owned: TopicPartitionRef[] | null): void {
    const target = this.targetAssignment.get(m.memberId) ?? [];
    const targetKeys = new Set(target.map(key));
    const assignedKeys = new Set(m.assigned.map(key));
    const kept = m.assigned.filter((t) => targetKeys.has(key(t)));
    const revoke = m.assigned.filter((t) => !targetKeys.has(key(t)));
    const owners = this.owners(m.memberId);
    const add = target.filter((t) => !assignedKeys.has(key(t)));
    const free = add.filter((t) => !owners.has(key(t)));
    const hasUnreleased = free.length < add.length;
    m.previousMemberEpoch = m.memberEpoch;
    if (revoke.length > 0 && ownsAny(owned, revoke)) {
      m.memberEpoch = memberEpoch;
      m.assigned = kept;
      m.pendingRevocation = revoke;
      m.state = "UNREVOKED_PARTITIONS";
      return;
    }
    m.memberEpoch = this.targetAssignmentEpoch;
    m.assigned = sortedPartitions([...kept, ...free]);
    m.pendingRevocation = [];
    m.state = hasUnreleased ? "UNRELEASED_PARTITIONS" : "STABLE";
  }

  /**
   * ConsumerGroup.validateOffsetCommit: the member must exist and commit with its current epoch (STALE_MEMBER_EPOCH
   * otherwise, kafka-facts §6.7); epoch -1 only while the group is empty (admin or assign() commits).
   */
  validateOffsetCommit(memberId: string, memberEpoch: number): ErrorName | null {
    if (memberEpoch < 0 && this.members.size === 0) return null;
    const m = this.members.get(memberId);
    if (!m) return "UNKNOWN_MEMBER_ID";
    return memberEpoch !== m.memberEpoch ? "STALE_MEMBER_EPOCH" : null;
  }

  /** GroupMetadataManager.throwIfMemberEpochIsInvalid: ahead, or behind without the lost-answer exception, is fenced. */
  static epochError(m: ConsumerGroupMember, received: number, owned: TopicPartitionRef[] | null): ErrorName | null {
    if (received > m.memberEpoch) return "FENCED_MEMBER_EPOCH";
    if (received < m.memberEpoch) {
      // The member may have missed our last answer: its previous epoch with nothing it no longer has is fine.
      const assigned = new Set([...m.assigned, ...m.pendingRevocation].map(key));
      if (received === m.previousMemberEpoch && owned !== null && owned.every((t) => assigned.has(key(t)))) return null;
      return "FENCED_MEMBER_EPOCH";
    }
    return null;
  }
}
