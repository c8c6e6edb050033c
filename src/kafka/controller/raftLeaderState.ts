/**
 * What a KRaft leader knows of its voters for one epoch (Kafka `org.apache.kafka.raft.LeaderState`): each voter's
 * matched end offset (`ReplicaState.endOffset`, updated from its fetches) and when it last fetched (for
 * check-quorum), and the offset its epoch started at. Times in µs of virtual time, offsets in metadata-log entries.
 */
export class RaftLeaderState {
  /**
   * Each voter's end offset as its last valid fetch proved it (the leader's own: its log end); null until known
   * (ReplicaState.endOffset is Optional.empty until the first update).
   */
  private readonly endOffsets = new Map<string, number | null>();
  /** When each voter last fetched, µs (the leader counts as heard from at election). */
  private readonly lastFetchUs = new Map<string, number>();
  /** LeaderState.highWatermark: null until a majority holds an offset past the epoch's start. */
  private hw: number | null = null;

  /**
   * @param self the leader's own name
   * @param voters the voters, in their configured order (check-quorum and the HW read them in it)
   * @param epochStartOffset the leader's log end when it was elected: LeaderState.epochStartOffset
   * @param nowUs the time of the election, µs
   */
  constructor(
    private readonly self: string,
    private readonly voters: readonly string[],
    readonly epochStartOffset: number,
    nowUs: number,
  ) {
    for (const v of voters) {
      this.endOffsets.set(v, null);
      this.lastFetchUs.set(v, nowUs);
    }
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

  /** A voter's fetch arrived at `nowUs` (LeaderState.updateCheckQuorumForFollowingVoter). */
  recordFetch(voter: string, nowUs: number): void {
    this.lastFetchUs.set(voter, nowUs);
  }

  /**
   * LeaderState.updateReplicaState: a valid fetch at `fetchOffset` proves `voter` holds everything below it. The
   * voter's end offset may go backwards (a follower that lost its disk; Kafka logs it), the HW never does. Returns
   * whether the HW moved; a replica that is not a voter (or the leader itself) changes nothing here (the model keeps
   * no observer states: brokers fetch as observers and never count toward the HW).
   */
  updateReplicaState(voter: string, fetchOffset: number): boolean {
    if (voter === this.self || !this.endOffsets.has(voter)) return false;
    this.endOffsets.set(voter, fetchOffset);
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

  /**
   * Check-quorum (LeaderState.timeUntilCheckQuorumExpires): how many voters, the leader included, fetched within
   * `windowUs` before `nowUs`.
   */
  votersHeardWithin(nowUs: number, windowUs: number): number {
    let heard = 1;
    for (const [v, t] of this.lastFetchUs) if (v !== this.self && nowUs - t <= windowUs) heard++;
    return heard;
  }
}
