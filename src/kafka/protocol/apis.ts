import type { AlterPartitionRequest, AlterPartitionResponse, BrokerHeartbeatRequest, BrokerHeartbeatResponse, BrokerRegistrationRequest, BrokerRegistrationResponse } from "./controllerMessages.js";
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from "./groupMessages.js";
import type {
  ConsumerFetchRequest,
  ConsumerFetchResponse,
  DeleteRecordsRequest,
  DeleteRecordsResponse,
  FetchRequest,
  FetchResponse,
  InitProducerIdRequest,
  InitProducerIdResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  MetadataRequest,
  MetadataResponse,
  OffsetsForLeaderEpochRequest,
  OffsetsForLeaderEpochResponse,
  ProduceRequest,
  ProduceResponse,
} from "./messages.js";
import type { AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse, CreatePartitionsRequest, CreatePartitionsResponse, IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from "./configMessages.js";
import type { BeginQuorumEpoch, FetchSnapshotRequest, FetchSnapshotResponse, RaftFetchRequest, RaftFetchResponse, VoteRequest, VoteResponse } from "./raftMessages.js";
import type {
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
  EndTxnRequest,
  EndTxnResponse,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
  WriteTxnMarkersRequest,
  WriteTxnMarkersResponse,
} from "./transactionMessages.js";

/**
 * Every API of the model, by its Kafka name (Kafka `ApiKeys`), with its request and response. A message's `type`
 * is its API name, or the name plus `Response`. Fetch has three callers, as in Kafka: a follower (its replica id),
 * a consumer (replica id -1) and, on the controller listener, KRaft's fetch of the metadata log.
 */
export interface KafkaApis {
  Metadata: { request: MetadataRequest; response: MetadataResponse };
  Produce: { request: ProduceRequest; response: ProduceResponse };
  Fetch: { request: FetchRequest | ConsumerFetchRequest | RaftFetchRequest; response: FetchResponse | ConsumerFetchResponse | RaftFetchResponse };
  ListOffsets: { request: ListOffsetsRequest; response: ListOffsetsResponse };
  DeleteRecords: { request: DeleteRecordsRequest; response: DeleteRecordsResponse };
  IncrementalAlterConfigs: { request: IncrementalAlterConfigsRequest; response: IncrementalAlterConfigsResponse };
  AlterPartitionReassignments: { request: AlterPartitionReassignmentsRequest; response: AlterPartitionReassignmentsResponse };
  CreatePartitions: { request: CreatePartitionsRequest; response: CreatePartitionsResponse };
  OffsetsForLeaderEpoch: { request: OffsetsForLeaderEpochRequest; response: OffsetsForLeaderEpochResponse };
  InitProducerId: { request: InitProducerIdRequest; response: InitProducerIdResponse };
  FindCoordinator: { request: FindCoordinatorRequest; response: FindCoordinatorResponse };
  AddPartitionsToTxn: { request: AddPartitionsToTxnRequest; response: AddPartitionsToTxnResponse };
  AddOffsetsToTxn: { request: AddOffsetsToTxnRequest; response: AddOffsetsToTxnResponse };
  EndTxn: { request: EndTxnRequest; response: EndTxnResponse };
  WriteTxnMarkers: { request: WriteTxnMarkersRequest; response: WriteTxnMarkersResponse };
  TxnOffsetCommit: { request: TxnOffsetCommitRequest; response: TxnOffsetCommitResponse };
  OffsetCommit: { request: OffsetCommitRequest; response: OffsetCommitResponse };
  OffsetFetch: { request: OffsetFetchRequest; response: OffsetFetchResponse };
  JoinGroup: { request: JoinGroupRequest; response: JoinGroupResponse };
  SyncGroup: { request: SyncGroupRequest; response: SyncGroupResponse };
  Heartbeat: { request: HeartbeatRequest; response: HeartbeatResponse };
  LeaveGroup: { request: LeaveGroupRequest; response: LeaveGroupResponse };
  ConsumerGroupHeartbeat: { request: ConsumerGroupHeartbeatRequest; response: ConsumerGroupHeartbeatResponse };
  BrokerRegistration: { request: BrokerRegistrationRequest; response: BrokerRegistrationResponse };
  BrokerHeartbeat: { request: BrokerHeartbeatRequest; response: BrokerHeartbeatResponse };
  AlterPartition: { request: AlterPartitionRequest; response: AlterPartitionResponse };
  Vote: { request: VoteRequest; response: VoteResponse };
  /** The model sends no BeginQuorumEpoch response: the new leader learns of its followers from their fetches. */
  BeginQuorumEpoch: { request: BeginQuorumEpoch; response: never };
  FetchSnapshot: { request: FetchSnapshotRequest; response: FetchSnapshotResponse };
}

export type ApiKey = keyof KafkaApis;
export type RequestOf<A extends ApiKey> = KafkaApis[A]["request"];
export type ResponseOf<A extends ApiKey> = KafkaApis[A]["response"];
/**
 * The answer to one of Fetch's three callers, told apart by the request's shape as Kafka reads a FetchResponse by
 * who asked: a consumer's Fetch (replica id -1) gets a `ConsumerFetchResponse`, KRaft's Fetch of the metadata log a
 * `RaftFetchResponse`, a follower's a `FetchResponse`.
 */
export type FetchResponseOf<R extends RequestOf<"Fetch">> = R extends ConsumerFetchRequest ? ConsumerFetchResponse : R extends RaftFetchRequest ? RaftFetchResponse : FetchResponse;

/** Any request or response of the protocol, discriminated by its `type`. */
export type ProtocolMessage = RequestOf<ApiKey> | ResponseOf<ApiKey>;

/**
 * Whether a message the engine carries (untyped) is one of the protocol's: an object with a string `type`. Its
 * `type` then discriminates it; a `type` no API has is matched by no case.
 */
export function isProtocolMessage(msg: unknown): msg is ProtocolMessage {
  return typeof msg === "object" && msg !== null && "type" in msg && typeof msg.type === "string";
}

/** Every API's name, at run time (the scenario layer checks a hold's `api` against it). */
export const API_KEYS = [
  "Metadata",
  "Produce",
  "Fetch",
  "ListOffsets",
  "DeleteRecords",
  "IncrementalAlterConfigs",
  "AlterPartitionReassignments",
  "CreatePartitions",
  "OffsetsForLeaderEpoch",
  "InitProducerId",
  "FindCoordinator",
  "AddPartitionsToTxn",
  "AddOffsetsToTxn",
  "EndTxn",
  "WriteTxnMarkers",
  "TxnOffsetCommit",
  "OffsetCommit",
  "OffsetFetch",
  "JoinGroup",
  "SyncGroup",
  "Heartbeat",
  "LeaveGroup",
  "ConsumerGroupHeartbeat",
  "BrokerRegistration",
  "BrokerHeartbeat",
  "AlterPartition",
  "Vote",
  "BeginQuorumEpoch",
  "FetchSnapshot",
] as const satisfies readonly ApiKey[];
/** The compiler proves the list complete: this type is `true` only if no API is missing from API_KEYS. */
type ListsEveryApi = Exclude<ApiKey, (typeof API_KEYS)[number]> extends never ? true : false;
export const API_KEYS_COMPLETE: ListsEveryApi = true;

/** The requests of some APIs, keyed by their `type`. */
type Requests<A extends ApiKey> = { [K in A]: RequestOf<K> };

/**
 * What a broker serves (Kafka `KafkaApis`): clients' requests, other brokers' (follower fetches, markers, KIP-890
 * verification) and, on the broker's listener, nothing of the controllers'. Answers to the broker's own requests go
 * to the NetworkClient that sent them, by connection and correlation id, never through this table.
 */
export type BrokerMessages = Requests<
  | "Metadata"
  | "Produce"
  | "ListOffsets"
  | "DeleteRecords"
  | "IncrementalAlterConfigs"
  | "AlterPartitionReassignments"
  | "CreatePartitions"
  | "OffsetsForLeaderEpoch"
  | "InitProducerId"
  | "FindCoordinator"
  | "AddPartitionsToTxn"
  | "AddOffsetsToTxn"
  | "EndTxn"
  | "WriteTxnMarkers"
  | "TxnOffsetCommit"
  | "OffsetCommit"
  | "OffsetFetch"
  | "JoinGroup"
  | "SyncGroup"
  | "Heartbeat"
  | "LeaveGroup"
  | "ConsumerGroupHeartbeat"
> & {
  /** From followers and consumers (Kafka's broker listener). */
  Fetch: FetchRequest | ConsumerFetchRequest;
};

/** What a controller serves (Kafka `ControllerApis` and the KRaft client): the quorum's requests and the brokers'. */
export type ControllerMessages = Requests<"Vote" | "BeginQuorumEpoch" | "FetchSnapshot" | "BrokerRegistration" | "BrokerHeartbeat" | "AlterPartition" | "IncrementalAlterConfigs" | "AlterPartitionReassignments" | "CreatePartitions"> & { Fetch: RaftFetchRequest };
