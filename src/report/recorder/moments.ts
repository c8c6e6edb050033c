/**
 * The notable moments of a run, in virtual time: what the terminal timeline prints and the report lists. Each is
 * derived from a trace record the model already emits (or, for findings, from a check result).
 */
export type MomentKind =
  | "fault"
  | "heal"
  | "admin"
  | "controller"
  | "leader"
  | "unclean"
  | "isr"
  | "truncate"
  | "clean"
  | "retention"
  | "snapshot"
  | "producer"
  | "fenced"
  | "coordinator"
  | "rebalance"
  | "member"
  | "txn"
  | "finding";

export interface Moment {
  /** Simulated µs. */
  atUs: number;
  kind: MomentKind;
  /** One line, plain text (the page escapes it; the terminal colours it by kind). */
  text: string;
  /** What repeats are counted by in the brief timeline (`rebalance billing`, `isr invoices-2`). */
  subject: string;
  /** Actors involved (a report highlights their messages). */
  actors: string[];
  /** The topic-partition it is about, if any. */
  tp?: string;
  group?: string;
  /**
   * Moments with the same merge key within 1ms are one line in the brief timeline (a broker's crash moves many
   * leaders at once), named by their partition, else their group, else their last actor ("(the same for
   * orders-1, orders-2)"); so the key holds all the text has in common (a coordinator move's from and to). Unset:
   * never merged.
   */
  merge?: string;
  /**
   * A routine step the brief timeline leaves out: a transactional producer's epoch moving on by one under the same
   * producer id, as it does at the end of every transaction with KIP-890 (transaction.version 2).
   */
  routine?: true;
  /** About an internal topic's partition (`__consumer_offsets-17`): the brief timeline leaves those out. */
  internal?: boolean;
  /** For findings: the check that found it, and whether the check failed (false for an expected anomaly). */
  check?: { name: string; failed: boolean };
}

/** The label printed in the timeline's second column. */
export const KIND_LABEL: Record<MomentKind, string> = {
  fault: "FAULT",
  heal: "HEAL",
  admin: "ADMIN",
  controller: "CONTROLLER",
  leader: "LEADER",
  unclean: "UNCLEAN",
  isr: "ISR",
  truncate: "TRUNCATE",
  clean: "CLEAN",
  retention: "RETENTION",
  snapshot: "SNAPSHOT",
  producer: "PRODUCER",
  fenced: "FENCED",
  coordinator: "COORDINATOR",
  rebalance: "REBALANCE",
  member: "MEMBER",
  txn: "TXN",
  finding: "FINDING",
};

/** Which moments the brief timeline keeps first when it must cut (higher first). */
export const KIND_PRIORITY: Record<MomentKind, number> = {
  finding: 9,
  fault: 8,
  heal: 8,
  admin: 8,
  unclean: 7,
  truncate: 7,
  fenced: 7,
  leader: 6,
  controller: 6,
  txn: 5,
  isr: 4,
  rebalance: 4,
  coordinator: 4,
  producer: 3,
  member: 2,
  clean: 2,
  retention: 2,
  snapshot: 2,
};

/** `[a, b]` as Kafka tools print lists. */
export function list(xs: readonly unknown[]): string {
  return `[${xs.join(", ")}]`;
}
