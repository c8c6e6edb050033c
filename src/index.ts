/**
 * kafkasim's public API (design.md §8: one public face). Everything not exported here is internal.
 */
export {
  Simulation,
  RandomStream,
  streamName,
  Disk,
  KeyValueFile,
  applyFault,
  scheduleFaults,
  boundOutages,
  describeFault,
  generateFaults,
  withFaultDefaults,
  JsonLinesTrace,
  DEFAULT_LINK,
} from "./sim/index.js";
// Not in the engine's index: fast-check (a peer dependency) loads only for those who ask for the arbitrary, not in
// every run, CLI start and explore worker (~55 ms of CPU each).
export { faultScheduleArbitrary } from "./sim/faultArbitrary.js";
export type {
  Actor,
  ActorContext,
  ActorFactory,
  Timer,
  TimerId,
  FaultOp,
  FaultKind,
  FaultGeneratorBounds,
  ResolvedFaultBounds,
  LatencyModel,
  LinkBehaviour,
  RunOutcome,
  TraceRecord,
  TraceObserver,
} from "./sim/index.js";
export { loadScenario, parseScenario } from "./scenario/load.js";
export { scenariosDir, shippedScenarioPath, listScenarioFiles } from "./scenario/shipped.js";
export { estimateWork, type WorkEstimate, type WorkShape } from "./scenario/workEstimate.js";
export { ScenarioError } from "./scenario/errors.js";
export type { ResolvedScenario, Expectation } from "./scenario/resolved.js";
export { buildWorld, type World, type BuildOptions } from "./scenario/world.js";
export { runScenario, exitCodeOf, type RunResult, type RunOptions, type CheckResult, type RunStatus } from "./runner/run.js";
export { History, type HistoryOp, type SendValue } from "./workload/history.js";
export { checkerNamed, checkerNames } from "./check/registry.js";
export type { Checker, CheckInput, Finding, FinalReplicaLog, LogRecord } from "./check/input.js";
export { analyzeKafkaHistory, type AnalysisOptions, type KafkaAnalysis } from "./check/jepsen/analysis.js";
export { parseHistoryText } from "./check/jepsen/parseHistory.js";
export { renderAnalysis } from "./check/jepsen/render.js";
export { HistoryFormatError, type JepsenOp } from "./check/jepsen/ops.js";
export { toJepsenHistory } from "./check/kafkasim/toJepsen.js";
export { PRODUCER_CONFIG } from "./kafka/config/producerConfig.js";
export { BROKER_CONFIG, TOPIC_CONFIG } from "./kafka/config/brokerConfig.js";
export { murmur2, partitionForKey, toPositive, BuiltInPartitioner } from "./kafka/partitioner.js";
export { ERRORS, type ErrorName } from "./kafka/protocol/errors.js";
export { assign, ASSIGNMENT_STRATEGIES, type AssignmentStrategy, type Assignment, type AssignorMember, type TopicPartitionRef } from "./kafka/assignors/index.js";
