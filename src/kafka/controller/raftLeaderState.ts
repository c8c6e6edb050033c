/**
 * What a KRaft leader knows of its voters for one epoch (Kafka `org.apache.kafka.raft.LeaderState`): each voter's
 * matched end offset (`ReplicaState.endOffset`, updated from its fetches), the high watermark it has established, the
 * voters that fetched since the check-quorum timer last restarted, and the offset its epoch started at. Times in µs
 * of virtual time (ms where the name says so), offsets in metadata-log entries.
 */
/** LeaderState.CHECK_QUORUM_TIMEOUT_FACTOR: check-quorum times out after 1.5 × controller.quorum.fetch.timeout.ms. */
const CHECK_QUORUM_TIMEOUT_FACTOR = 1.5;

export class RaftLeaderState {
  /**
   * Each voter's end offset as its last valid fetch proved it (the leader's own: its log end); null until known
   * (ReplicaState.endOffset is Optional.empty until the first update).
   */
  private readonly endOffsets = new Map<string, number | null>();
  /** LeaderState.fetchedVoters: the voters (not the leader) that fetched since the check-quorum timer restarted. */
  private readonly fetchedVoters = new Set<string>();
  /** LeaderState.checkQuorumTimer: when it expires, µs (started at election, restarted by a majority's fetches). */
  private checkQuorumDeadlineUs: number;
  /** LeaderState.checkQuorumTimeoutMs: controller.quorum.fetch.timeout.ms × CHECK_QUORUM_TIMEOUT_FACTOR (1.5). */
  readonly checkQuorumTimeoutMs: number;
  /** LeaderState.highWatermark: null until a majority holds an offset past the epoch's start. */
  private hw: number | null = null;

  /**
   * @param self the leader's own name
   * @param voters the voters, in their configured order (check-quorum and the HW read them in it)
   * @param epochStartOffset the leader's log end when it was elected: LeaderState.epochStartOffset
   * @param nowUs the time of the election, µs
   * @param fetchTimeoutMs controller.quorum.fetch.timeout.ms; check-quorum's timeout is 1.5 times it
   */
  constructor(
    private readonly self: string,
    private readonly voters: readonly string[],
    readonly epochStartOffset: number,
    nowUs: number,
    fetchTimeoutMs: number,
  ) {
    for (const v of voters) this.endOffsets.set(v, null);
    this.checkQuorumTimeoutMs = Math.trunc(fetchTimeoutMs * CHECK_QUORUM_TIMEOUT_FACTOR);
    this.checkQuorumDeadlineUs = nowUs + this.checkQuorumTimeoutMs * 1000;
  }

  /** LeaderState.highWatermark(): the committed offset this leader has established in its epoch, or null (none yet). */
  get highWatermark(): number | null {
    return this.hw;
  }

  /**
   * LeaderState.updateLocalState: the leader's own log end moved to `endOffset`. Returns whether the HW moved.
   * @throws Error when `endOffset` is below the log end already recorded (IllegalStateException in Kafka: a leader's
   *   log never shrinks).
   */
  updateLocalState(endOffset: number): boolean {
    const current = this.endOffsets.get(this.self) ?? null;
    if (current !== null && current > endOffset) throw new Error(`Detected non-monotonic update of local end offset: ${current} -> ${endOffset}`);
    this.endOffsets.set(this.self, endOffset);
    return this.maybeUpdateHighWatermark();
  }

  /**
   * LeaderState.updateCheckQuorumForFollowingVoter: `voter` fetched (a valid Fetch or a FetchSnapshot) at `nowUs`.
   * Once a majority of the voters (the leader counts itself) has fetched since the timer last restarted, the timer
   * restarts from now. A non-voter changes nothing.
   * @throws Error for the leader itself (IllegalArgumentException in Kafka)
   */
  updateCheckQuorumForFollowingVoter(voter: string, nowUs: number): void {
    if (voter === this.self) throw new Error("Received a FETCH/FETCH_SNAPSHOT request from the leader itself.");
    if (this.endOffsets.has(voter)) this.fetchedVoters.add(voter);
    const majority = Math.floor(this.voters.length / 2) + 1 - (this.endOffsets.has(this.self) ? 1 : 0);
    if (this.fetchedVoters.size >= majority) {
      this.fetchedVoters.clear();
      this.checkQuorumDeadlineUs = nowUs + this.checkQuorumTimeoutMs * 1000;
    }
  }

  /**
   * LeaderState.timeUntilCheckQuorumExpires: ms until the leader must resign for not having heard from a majority
   * (0: now), Infinity (Kafka: Long.MAX_VALUE) with a single voter.
   */
  timeUntilCheckQuorumExpiresMs(nowUs: number): number {
    if (this.voters.length === 1) return Infinity;
    return Math.max(0, this.checkQuorumDeadlineUs - nowUs) / 1000;
  }

  /**
   * LeaderState.updateReplicaState: a valid fetch at `fetchOffset` proves `voter` holds everything below it. The
   * voter's end offset may go backwards (a follower that lost its disk; Kafka logs it), the HW never does. Returns
   * whether the HW moved; a replica that is not a voter (or the leader itself) changes nothing here (the model keeps
   * no observer states: brokers fetch as observers and never count toward the HW). The fetch at `nowUs` counts for
   * check-quorum (updateCheckQuorumForFollowingVoter).
   */
  updateReplicaState(voter: string, nowUs: number, fetchOffset: number): boolean {
    if (voter === this.self || !this.endOffsets.has(voter)) return false;
    this.endOffsets.set(voter, fetchOffset);
    this.updateCheckQuorumForFollowingVoter(voter, nowUs);
    return this.maybeUpdateHighWatermark();
  }

  /**
   * LeaderState.maybeUpdateHighWatermark: the offset a majority of voters hold (the voters' end offsets in
   * descending order, unknown ones last, at index voters/2) becomes the HW when it is past the epoch's start — only
   * entries of the current epoch are committed by counting replicas (Raft §5.4.2) — and above the current HW; a
   * lower one (Kafka: only when voter membership changed or a voter lost committed data) leaves the HW as it is.
   */
  private maybeUpdateHighWatermark(): boolean {
    const offsets = this.voters.map((v) => this.endOffsets.get(v) ?? null).sort((a, b) => (b ?? -1) - (a ?? -1));
    const candidate = offsets[Math.floor(this.voters.length / 2)];
    if (candidate === null || candidate <= this.epochStartOffset) return false;
    if (this.hw !== null && candidate <= this.hw) return false;
    this.hw = candidate;
    return true;
  }
}
