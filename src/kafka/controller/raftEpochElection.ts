/**
 * The votes a nominee (Prospective or Candidate) has collected in one election (Kafka
 * `org.apache.kafka.raft.internals.EpochElection`): which voters granted and which rejected, the nominee's own vote
 * granted from the start. Voters are controller names; a majority is more than half of all voters.
 */
export class EpochElection {
  private readonly granted = new Set<string>();
  private readonly rejected = new Set<string>();

  /**
   * @param voters every voter of the quorum, in configured order (the nominee included)
   * @param self the nominee, whose own vote counts as granted (ProspectiveState/CandidateState's constructor)
   */
  constructor(
    readonly voters: readonly string[],
    self: string,
  ) {
    this.granted.add(self);
  }

  /** EpochElection.recordVote: `voter` answered; returns whether that was its first answer in this election. */
  recordVote(voter: string, granted: boolean): boolean {
    if (this.granted.has(voter) || this.rejected.has(voter)) return false;
    (granted ? this.granted : this.rejected).add(voter);
    return true;
  }

  private get majority(): number {
    return Math.floor(this.voters.length / 2) + 1;
  }

  /** EpochElection.isVoteGranted: a majority of voters granted. */
  isVoteGranted(): boolean {
    return this.granted.size >= this.majority;
  }

  /** EpochElection.isVoteRejected: so many rejected that the voters still unheard could not make a majority. */
  isVoteRejected(): boolean {
    return this.voters.length - this.rejected.size < this.majority;
  }

  /** The voters that granted, in voter order (for traces). */
  grantingVoters(): string[] {
    return this.voters.filter((v) => this.granted.has(v));
  }
}
