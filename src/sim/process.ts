/** Whether a process runs, is paused (SIGSTOP, a long GC) or is down. */
export type ActorStatus = "down" | "running" | "paused";

/** What the network reads of a process (the runtime owns it): its name, whether it is up, in which life. */
export interface ProcessView {
  readonly name: string;
  readonly index: number;
  readonly status: ActorStatus;
  /** Bumped on every start and stop: a message addressed to another life never reaches this one. */
  readonly life: number;
  /** The machine is down (power loss), not just the process: nothing answers for it. */
  readonly hostDown: boolean;
  /**
   * The process has its listening socket open (`ActorContext.listen`): while not, a connection to it is refused as
   * if it were down. True from every start until the actor says otherwise.
   */
  readonly listening: boolean;
}
