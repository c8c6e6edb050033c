import type { ErrorName } from "./errors.js";
import type { OffsetEntry } from "./transactionMessages.js";

/**
 * The classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit), with the fields the model
 * reads. Kafka `clients/src/main/resources/common/message/*Request.json`. The subscription and assignment are
 * carried as data rather than ConsumerProtocol bytes.
 */
export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

/** ConsumerProtocolSubscription: what a member sends as its protocol metadata. */
export interface Subscription {
  topics: string[];
  /** KIP-429: the partitions the member owns now (cooperative members keep them across a rebalance). */
  ownedPartitions: TopicPartitionRef[];
  generationId: number;
}

export interface GroupProtocol {
  /** The assignor name: range, roundrobin, sticky, cooperative-sticky. */
  name: string;
  metadata: Subscription;
}

export interface JoinGroupRequest {
  type: "JoinGroup";
  correlationId: number;
  groupId: string;
  /** "" for a member that has none yet (JoinGroupRequest.UNKNOWN_MEMBER_ID). */
  memberId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  /** The consumer's max.poll.interval.ms (KIP-62). */
  rebalanceTimeoutMs: number;
  protocolType: "consumer";
  protocols: GroupProtocol[];
}

export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Subscription;
}

export interface JoinGroupResponse {
  type: "JoinGroupResponse";
  correlationId: number;
  error: ErrorName;
  generationId: number;
  protocolName: string | null;
  leader: string;
  memberId: string;
  /** Only the leader gets the members (to run the assignor). */
  members: JoinGroupMember[];
}

export interface SyncGroupRequest {
  type: "SyncGroup";
  correlationId: number;
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** The leader's assignment, empty from followers. */
  assignments: { memberId: string; assignment: TopicPartitionRef[] }[];
}

export interface SyncGroupResponse {
  type: "SyncGroupResponse";
  correlationId: number;
  error: ErrorName;
  assignment: TopicPartitionRef[];
}

export interface HeartbeatRequest {
  type: "Heartbeat";
  correlationId: number;
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  type: "HeartbeatResponse";
  correlationId: number;
  error: ErrorName;
}

export interface LeaveGroupRequest {
  type: "LeaveGroup";
  correlationId: number;
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveGroupResponse {
  type: "LeaveGroupResponse";
  correlationId: number;
  error: ErrorName;
}

export interface OffsetCommitRequest {
  type: "OffsetCommit";
  correlationId: number;
  groupId: string;
  /** -1 with memberId "" for a consumer outside group management (assign()). */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  offsets: OffsetEntry[];
}

export interface OffsetCommitResponse {
  type: "OffsetCommitResponse";
  correlationId: number;
  error: ErrorName;
}

/**
 * KIP-848 ConsumerGroupHeartbeat (`ConsumerGroupHeartbeatRequest.json`): the one request of the consumer protocol.
 * memberEpoch 0 joins, -1 leaves, -2 is a static member's temporary leave.
 */
export interface ConsumerGroupHeartbeatRequest {
  type: "ConsumerGroupHeartbeat";
  correlationId: number;
  groupId: string;
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[];
  /** group.remote.assignor, or null for the broker's default. */
  serverAssignor: string | null;
  /** The partitions the member owns now (revoked ones no longer listed). */
  topicPartitions: TopicPartitionRef[];
}

export interface ConsumerGroupHeartbeatResponse {
  type: "ConsumerGroupHeartbeatResponse";
  correlationId: number;
  error: ErrorName;
  memberId: string;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  /** The member's assignment at its (new) epoch; null when unchanged. */
  assignment: TopicPartitionRef[] | null;
}
