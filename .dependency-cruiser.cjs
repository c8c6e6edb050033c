/**
 * The layer walls of design.md §1, checked by dependency-cruiser (`npm run lint:layers`, run by .ci/run). Each layer
 * imports only the layers it stands on: the engine (src/sim) nothing of the model, the model (src/kafka) nothing of
 * scenarios, runs, reports or the CLI, checkers nothing of the engine or the CLI. No circles anywhere in src/.
 * Type-only imports count: a circle of types is still two files that cannot be read apart.
 */
const FILES = "^(node:)?(fs|fs/promises|child_process|worker_threads|readline)$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A circle of imports: the files cannot be understood, tested or moved apart.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "sim-is-the-engine",
      severity: "error",
      comment: "src/sim knows nothing of Kafka, workloads, scenarios, checkers, reports or the CLI (design.md §1).",
      from: { path: "^src/sim/" },
      to: { path: "^src/(kafka|workload|scenario|check|report|cli|runner|bench|demo)/" },
    },
    {
      name: "sim-touches-no-files",
      severity: "error",
      comment: "The engine owns no I/O: no files, processes or threads inside the simulation (brief rule 1).",
      from: { path: "^src/sim/" },
      to: { dependencyTypes: ["core"], path: FILES },
    },
    {
      name: "kafka-is-the-model",
      severity: "error",
      comment: "src/kafka stands on the engine only: no workloads, scenarios, runs, checkers, reports or CLI (design.md §1).",
      from: { path: "^src/kafka/" },
      to: { path: "^src/(workload|scenario|check|report|cli|runner|bench|demo)/" },
    },
    {
      name: "kafka-touches-no-files-or-terminal",
      severity: "error",
      comment: "The model has no files, processes or terminal (design.md §1).",
      from: { path: "^src/kafka/" },
      to: { path: `${FILES}|^chalk$|^cli-progress$|^yargs` },
    },
    {
      name: "coordinators-write-through-the-partition-writer",
      severity: "error",
      comment: "The group and transaction coordinators reach their partitions through PartitionWriter, never the broker (Kafka CoordinatorRuntime).",
      from: { path: "^src/kafka/coordinator/" },
      to: { path: "^src/kafka/broker/" },
    },
    {
      name: "workload-is-applications",
      severity: "error",
      comment: "Workloads stand on the engine and the model; no scenarios, checkers, reports or CLI (design.md §1).",
      from: { path: "^src/workload/" },
      to: { path: "^src/(scenario|check|report|cli|runner|bench)/" },
    },
    {
      name: "scenario-has-no-cli",
      severity: "error",
      comment: "Scenario loading and world building never touch the CLI, the terminal, reports or checkers (design.md §1).",
      from: { path: "^src/scenario/" },
      to: { path: "^src/(check|report|cli|runner|bench)/|^chalk$|^cli-progress$|^yargs" },
    },
    {
      name: "check-judges-histories",
      severity: "error",
      comment: "Checkers read the recorded history and final logs only: no engine internals, no CLI (design.md §1, §5).",
      from: { path: "^src/check/" },
      to: { path: "^src/(sim|cli)/" },
    },
    {
      name: "report-has-no-cli",
      severity: "error",
      comment: "Reports render results; the CLI is the only place for argv, exit codes and wall-clock time (design.md §1).",
      from: { path: "^src/report/" },
      to: { path: "^src/cli/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
