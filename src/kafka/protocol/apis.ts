import type { Disconnected } from "../../sim/index.js";
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
import type { BeginQuorumEpoch, RaftFetchRequest, RaftFetchResponse, VoteRequest, VoteResponse } from "./raftMessages.js";
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
}

export type ApiKey = keyof KafkaApis;
export type RequestOf<A extends ApiKey> = KafkaApis[A]["request"];
export type ResponseOf<A extends ApiKey> = KafkaApis[A]["response"];

/** The requests of some APIs, keyed by their `type`. */
type Requests<A extends ApiKey> = { [K in A]: RequestOf<K> };
/** The responses of some APIs, keyed by their `type` (`<Api>Response`). */
type Responses<A extends ApiKey> = { [K in A as `${K}Response`]: ResponseOf<K> };
/** Told by the network when a peer's connection closed (its process stopped, or a loss reset the connection). */
type Notices = { Disconnected: Disconnected };

/** What a client process receives: answers to the requests of its producer and consumer (`KafkaProducer`, `KafkaConsumer`). */
export type ProducerMessages = Responses<"Metadata" | "Produce" | "InitProducerId" | "FindCoordinator" | "AddPartitionsToTxn" | "AddOffsetsToTxn" | "EndTxn" | "TxnOffsetCommit"> & Notices;
export type ConsumerMessages = Responses<"Metadata" | "ListOffsets" | "OffsetsForLeaderEpoch"> & { FetchResponse: ConsumerFetchResponse } & GroupMemberMessages;
/** What a consumer's group membership receives (the classic protocol's answers, or KIP-848's heartbeat's). */
export type GroupMemberMessages = Responses<"FindCoordinator" | "OffsetCommit" | "OffsetFetch"> & ClassicMemberMessages & Responses<"ConsumerGroupHeartbeat"> & Notices;
export type ClassicMemberMessages = Responses<"JoinGroup" | "SyncGroup" | "Heartbeat" | "LeaveGroup">;
/** A process hosting both (a read-process-write application). */
export type ClientMessages = ProducerMessages & ConsumerMessages;

/** The APIs a broker serves (Kafka `KafkaApis`) besides Fetch: to clients, and to other brokers (markers, KIP-890 verification). */
export type BrokerApi =
  | "Metadata"
  | "Produce"
  | "ListOffsets"
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
  | "ConsumerGroupHeartbeat";

/**
 * What a broker receives: the requests it serves, and the answers to what it asks other brokers (follower fetches,
 * markers, verification) and the controllers (registration, heartbeats, AlterPartition, the metadata log).
 */
export type BrokerMessages = Requests<BrokerApi> &
  Responses<"OffsetsForLeaderEpoch" | "WriteTxnMarkers" | "AddPartitionsToTxn" | "BrokerRegistration" | "BrokerHeartbeat" | "AlterPartition"> & {
    /** From followers and consumers (Kafka's broker listener). */
    Fetch: FetchRequest | ConsumerFetchRequest;
    /** From the leaders this broker follows, and from the active controller (the metadata log). */
    FetchResponse: FetchResponse | RaftFetchResponse;
  } & Notices;

/** What a controller receives (Kafka `ControllerApis` and the KRaft client): the quorum's traffic and the brokers' requests. */
export type ControllerMessages = Requests<"Vote" | "BeginQuorumEpoch" | "BrokerRegistration" | "BrokerHeartbeat" | "AlterPartition"> &
  Responses<"Vote"> & { Fetch: RaftFetchRequest; FetchResponse: RaftFetchResponse } & Notices;
