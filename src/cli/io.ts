/** Where the CLI writes; tests pass their own to run commands in-process. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is an interactive terminal (progress bars only then). */
  interactive: boolean;
  /** chalk colour level: 0 none (NO_COLOR, non-TTY), 1–3 colour. */
  colorLevel: 0 | 1 | 2 | 3;
  cwd: string;
  /**
   * Subscribes to Ctrl-C (SIGINT) for the length of a sweep; returns the unsubscribe. Absent: no interrupts (tests
   * pass their own to interrupt a sweep).
   */
  onInterrupt?(handler: () => void): () => void;
}
