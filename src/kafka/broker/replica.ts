/**
 * What a leader knows of one follower (Kafka `core/.../cluster/Replica.scala`: `Replica` and its `ReplicaState`):
 * the follower's log end offset from its last fetch, and when it last caught up with the leader's log end.
 * Times are in µs of simulated time; offsets are log offsets. "Never" is -Infinity (Kafka's 0 ms on the wall clock;
 * the simulation's clock starts at 0).
 */
export class Replica {
  logEndOffset = -1;
  lastFetchLeaderLogEndOffset = -1;
  lastFetchTimeUs = Number.NEGATIVE_INFINITY;

  /**
   * Replica.resetReplicaState, when this broker becomes leader: an ISR member counts as caught up now
   * (`lastCaughtUpTimeUs` = now), any other one never was (-Infinity).
   */
  constructor(public lastCaughtUpTimeUs: number) {}

  /**
   * Replica.updateFetchStateOrThrow for a fetch at `fetchOffset` when the leader's log end is `leaderLogEndOffset`,
   * at `nowUs`: a fetch at the leader's log end is caught up now; one at or past the leader's log end of the previous
   * fetch was caught up at that previous fetch. Returns the follower's log end before this fetch.
   */
  updateFetchState(fetchOffset: number, leaderLogEndOffset: number, nowUs: number): number {
    if (fetchOffset >= leaderLogEndOffset) this.lastCaughtUpTimeUs = Math.max(this.lastCaughtUpTimeUs, nowUs);
    else if (fetchOffset >= this.lastFetchLeaderLogEndOffset) this.lastCaughtUpTimeUs = Math.max(this.lastCaughtUpTimeUs, this.lastFetchTimeUs);
    const previousLogEndOffset = this.logEndOffset;
    this.logEndOffset = fetchOffset;
    this.lastFetchLeaderLogEndOffset = leaderLogEndOffset;
    this.lastFetchTimeUs = nowUs;
    return previousLogEndOffset;
  }

  /** ReplicaState.isCaughtUp: at the leader's log end, or caught up within replica.lag.time.max.ms (`lagMaxMs`). */
  isCaughtUp(leaderLogEndOffset: number, nowUs: number, lagMaxMs: number): boolean {
    return this.logEndOffset === leaderLogEndOffset || nowUs - this.lastCaughtUpTimeUs <= lagMaxMs * 1000;
  }
}
