/**
 * What a KRaft leader knows of its voters for one epoch (Kafka `org.apache.kafka.raft.LeaderState`): each voter's
 * matched end offset (`ReplicaState.endOffset`, updated from its fetches) and when it last fetched (for
 * check-quorum), and the offset its epoch started at. Times in µs of virtual time, offsets in metadata-log entries.
 */
export class RaftLeaderState {
  /** Each voter's end offset as its last valid fetch proved it (the leader's own: its log end), in voter order. */
  private readonly matched = new Map<string, number>();
  /** When each voter last fetched, µs (the leader counts as heard from at election). */
  private readonly lastFetchUs = new Map<string, number>();

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
      this.matched.set(v, 0);
      this.lastFetchUs.set(v, nowUs);
    }
  }

  /** LeaderState.updateLocalState: the leader's own log end moved to `endOffset`. */
  updateLocalState(endOffset: number): void {
    this.matched.set(this.self, endOffset);
  }

  /** A voter's fetch arrived at `nowUs` (LeaderState.updateCheckQuorumForFollowingVoter). */
  recordFetch(voter: string, nowUs: number): void {
    this.lastFetchUs.set(voter, nowUs);
  }

  /** LeaderState.updateReplicaState: a valid fetch at `fetchOffset` proves the voter holds everything below it. */
  updateReplicaState(voter: string, fetchOffset: number): void {
    this.matched.set(voter, fetchOffset);
  }

  /**
   * LeaderState.maybeUpdateHighWatermark: the offset a majority of voters hold (`logEnd` is the leader's own), or
   * null when that is not above `highWatermark` or not yet past the epoch's start — only entries of the current
   * epoch are committed by counting replicas (Raft §5.4.2).
   */
  highWatermarkCandidate(logEnd: number, majority: number, highWatermark: number): number | null {
    const offsets = this.voters.map((v) => (v === this.self ? logEnd : (this.matched.get(v) ?? 0))).sort((a, b) => b - a);
    const candidate = offsets[majority - 1];
    return candidate > highWatermark && candidate > this.epochStartOffset ? candidate : null;
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
