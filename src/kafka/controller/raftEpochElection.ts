/**
 * The votes a nominee (Prospective or Candidate) has collected in one election (Kafka
 * `org.apache.kafka.raft.internals.EpochElection`, 4.0): each voter's answer is unrecorded, granted or rejected, the
 * nominee's own vote granted from the start. Voters are controller names; a majority is more than half of all voters.
 */
export class EpochElection {
  /** Each voter's answer, in configured voter order (for traces): null while unrecorded. */
  private readonly states = new Map<string, boolean | null>();

  /**
   * @param voters every voter of the quorum, in configured order (the nominee included)
   * @param self the nominee, whose own vote counts as granted (ProspectiveState/CandidateState's constructor)
   */
  constructor(
    readonly voters: readonly string[],
    readonly self: string,
  ) {
    for (const v of voters) this.states.set(v, null);
    this.recordVote(self, true);
  }

  /**
   * EpochElection.recordVote: `voter` answered `granted`. A later answer replaces an earlier one (a Prospective may
   * see a voter change its pre-vote; CandidateState refuses that, see `recordCandidateVote`). Returns whether the
   * voter had not answered before.
   * @throws Error when `voter` is not a voter (IllegalArgumentException in Kafka)
   */
  recordVote(voter: string, granted: boolean): boolean {
    const wasUnrecorded = this.stateOf(voter) === null;
    this.states.set(voter, granted);
    return wasUnrecorded;
  }

  /** EpochElection.isGrantedVoter. @throws Error for a non-voter */
  isGrantedVoter(voter: string): boolean {
    return this.stateOf(voter) === true;
  }

  /** EpochElection.isRejectedVoter. @throws Error for a non-voter */
  isRejectedVoter(voter: string): boolean {
    return this.stateOf(voter) === false;
  }

  private stateOf(voter: string): boolean | null {
    const s = this.states.get(voter);
    if (s === undefined) throw new Error(`Attempt to access voter state of non-voter ${voter}`);
    return s;
  }

  private count(state: boolean | null): number {
    let n = 0;
    for (const s of this.states.values()) if (s === state) n++;
    return n;
  }

  private get majority(): number {
    return Math.floor(this.voters.length / 2) + 1;
  }

  /** EpochElection.isVoteGranted: a majority of voters granted. */
  isVoteGranted(): boolean {
    return this.count(true) >= this.majority;
  }

  /** EpochElection.isVoteRejected: the granted plus the still unheard voters can no longer make a majority. */
  isVoteRejected(): boolean {
    return this.count(true) + this.count(null) < this.majority;
  }

  /** EpochElection.unrecordedVoters, in voter order. */
  unrecordedVoters(): string[] {
    return this.voters.filter((v) => this.states.get(v) === null);
  }

  /** EpochElection.grantingVoters, in voter order (for traces). */
  grantingVoters(): string[] {
    return this.voters.filter((v) => this.states.get(v) === true);
  }

  /** EpochElection.rejectingVoters, in voter order. */
  rejectingVoters(): string[] {
    return this.voters.filter((v) => this.states.get(v) === false);
  }
}

/**
 * CandidateState.recordGrantedVote / recordRejectedVote: a real vote, once answered, cannot change, and the
 * candidate cannot reject itself. Returns whether the voter had not answered before.
 * @throws Error (IllegalArgumentException in Kafka) for a changed answer, the candidate's own rejection or a non-voter
 */
export function recordCandidateVote(election: EpochElection, voter: string, granted: boolean): boolean {
  if (granted && election.isRejectedVoter(voter)) throw new Error(`Attempt to grant vote from node ${voter} which previously rejected our request`);
  if (!granted && election.isGrantedVoter(voter))
    throw new Error(voter === election.self ? `Attempt to reject vote from the local node ${voter}` : `Attempt to reject vote from node ${voter} which previously granted our request`);
  return election.recordVote(voter, granted);
}
