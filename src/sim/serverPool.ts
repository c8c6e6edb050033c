import type { Timer } from "./actor.js";

/**
 * A pool of `servers` identical servers (threads of a process) in front of one FIFO queue, in virtual time: a job
 * offered while a server is free starts at once on the lowest-numbered free one; otherwise it waits in the queue,
 * which holds at most `queueLimit` jobs (`offer` refuses one more: the caller decides what refusal means). A job's
 * service time is asked when it starts (`start`, in µs) and its completion is one timer event, so a pool costs one
 * event per job, never one per unit of work inside it. A server may be held past its job's end (`finish` returns
 * false) until `release`: a thread blocked on something outside the pool. Generic: it knows jobs only as values.
 * Simplified: non-preemptive, no context switches, servers never share a core (each is a core of its own).
 */
export interface ServerPoolOptions<Job> {
  /** Servers (threads), ≥ 1. */
  servers: number;
  /** Jobs that may wait in the queue (not counting those being served); Infinity: unbounded. */
  queueLimit: number;
  /** A timer of the owning process (its `ctx.timer`): completions are its events, and die with the process. */
  timer: (onFire: (server: number) => void) => Timer<number>;
  /** A server takes `job` now: do what starts it and return its service time in µs (≥ 0). */
  start: (job: Job, server: number) => number;
  /** `job` is done on `server`: return true to free the server, false to hold it until `release(server)`. */
  finish: (job: Job, server: number) => boolean;
  /** A job left the queue for a server: there is room in the queue again. */
  dequeued?: () => void;
}

export class ServerPool<Job> {
  private readonly queue: Job[] = [];
  private head = 0;
  /** Per server: the job it serves, or undefined when free (a held server keeps its job). */
  private readonly serving: (Job | undefined)[];
  private readonly held: boolean[];
  private readonly timer: Timer<number>;
  /** Sum of service times (µs) of the jobs started: busy time, for utilisation. */
  busyUs = 0;
  /** Jobs started. */
  started = 0;

  constructor(private readonly o: ServerPoolOptions<Job>) {
    if (!(o.servers >= 1) || !Number.isInteger(o.servers)) throw new Error(`a server pool needs an integer number of servers >= 1, got ${o.servers}`);
    if (!(o.queueLimit >= 0)) throw new Error(`a server pool's queue limit must be >= 0, got ${o.queueLimit}`);
    this.serving = new Array<Job | undefined>(o.servers).fill(undefined);
    this.held = new Array<boolean>(o.servers).fill(false);
    this.timer = o.timer((server) => this.complete(server));
  }

  /** Jobs waiting in the queue. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Whether the queue has room for one more job (or a server is free to take it at once). */
  get hasRoom(): boolean {
    return this.freeServer() >= 0 || this.waiting < this.o.queueLimit;
  }

  /** Starts `job` on a free server, or queues it; false (and nothing done) when the queue is full. */
  offer(job: Job): boolean {
    const free = this.freeServer();
    if (free >= 0 && this.waiting === 0) {
      this.begin(job, free);
      return true;
    }
    if (this.waiting >= this.o.queueLimit) return false;
    this.queue.push(job);
    return true;
  }

  /** Frees a server held past its job (see `finish`) and gives it the next queued job. */
  release(server: number): void {
    if (!this.held[server]) return;
    this.held[server] = false;
    this.serving[server] = undefined;
    this.next(server);
  }

  private freeServer(): number {
    for (let i = 0; i < this.serving.length; i++) if (this.serving[i] === undefined) return i;
    return -1;
  }

  private begin(job: Job, server: number): void {
    this.serving[server] = job;
    this.started++;
    const us = Math.max(0, this.o.start(job, server));
    this.busyUs += us;
    this.timer.set(us / 1000, server);
  }

  private complete(server: number): void {
    const job = this.serving[server] as Job;
    if (!this.o.finish(job, server)) {
      this.held[server] = true;
      return;
    }
    this.serving[server] = undefined;
    this.next(server);
  }

  private next(server: number): void {
    if (this.serving[server] !== undefined || this.waiting === 0) return;
    const job = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.begin(job, server);
    this.o.dequeued?.();
  }
}
