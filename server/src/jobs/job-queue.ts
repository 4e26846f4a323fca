/**
 * The background-job port of the server: webhook deliveries, OA stamping, HR batches, reminders and
 * expiry run as jobs. The embedded default is {@link RecordStoreJobQueue} (on the RecordStore); a
 * pg-boss adapter implements the same interface when DATABASE_URL is set (issue #9).
 *
 * Delivery is at least once: a handler may run again after a crash between its success and the
 * queue recording it, so handlers must be idempotent (e.g. keyed on the job id or a business key).
 */

/** Options of one {@link JobQueue.enqueue} call. */
export interface EnqueueOptions {
  /**
   * Makes the enqueue idempotent within the job type: while a job of this type holds the key (in any
   * state, done and dead included), enqueueing again returns that job's id and adds nothing.
   * pg-boss: `singletonKey`.
   */
  idempotencyKey?: string;
  /** Run at or after this time (default: now). pg-boss: `startAfter`. */
  runAt?: Date;
  /** Attempts before the job is dead-lettered (default 5). pg-boss: `retryLimit` + 1. */
  maxAttempts?: number;
  /** The first retry waits about this long; each further one twice as long (default 1 s). */
  backoffMs?: number;
  /** Retries never wait longer than this (default 1 h). */
  maxBackoffMs?: number;
  /**
   * How long a worker holds the job before another may take it (default 30 s). A running handler
   * renews its lease; a crashed worker's job is retried once the lease runs out.
   * pg-boss: `expireInSeconds`.
   */
  leaseMs?: number;
}

/** Where a job is in its life. */
export type JobState = 'queued' | 'running' | 'done' | 'dead';

/** A job as stored. */
export interface JobInfo<P = unknown> {
  id: string;
  type: string;
  payload: P;
  state: JobState;
  /** Attempts started so far (the one running included). */
  attempts: number;
  maxAttempts: number;
  /** When the job is due (for a queued job, its next attempt). */
  runAt: Date;
  idempotencyKey?: string;
  /** The last failure, masked for PII. */
  lastError?: string;
  createdAt: Date;
  finishedAt?: Date;
}

/** What a handler is told about the attempt it runs. */
export interface JobContext {
  id: string;
  type: string;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when the queue stops past its grace period, or the lease was lost. */
  signal: AbortSignal;
}

/**
 * What a handler can ask for instead of throwing: retry at a given time (the attempt still counts),
 * or dead-letter now because retrying cannot help.
 */
export type JobResult = void | { retryAt: Date; error: string } | { deadLetter: string };

/**
 * Runs one job. Resolving (with nothing) marks it done; throwing retries it with exponential backoff
 * and jitter until `maxAttempts`, then dead-letters it.
 */
export type JobHandler<P = unknown> = (payload: P, ctx: JobContext) => Promise<JobResult>;

/** A durable job queue. */
export interface JobQueue {
  /** Stores a job and returns its id (or the id of the job already holding the idempotency key). */
  enqueue<P>(type: string, payload: P, opts?: EnqueueOptions): Promise<string>;
  /** Sets the handler of a job type. Jobs of a type without a handler wait for one. */
  register<P>(type: string, handler: JobHandler<P>): void;
  /** Starts working: picks up queued jobs and jobs whose lease ran out. */
  start(): Promise<void>;
  /**
   * Stops taking jobs and waits for the running ones to finish. After `graceMs` (default: wait
   * for ever) their signals are aborted and stop returns; those jobs are retried after a restart.
   */
  stop(opts?: { graceMs?: number }): Promise<void>;
  /** The job with this id, or undefined. */
  get(id: string): Promise<JobInfo | undefined>;
  /** Dead-lettered jobs of one type, ascending by id, in pages. */
  deadLetters(type: string, opts?: { limit?: number; after?: string }): Promise<JobInfo[]>;
}

/** Backoff settings for {@link backoffDelay}. */
export interface BackoffPolicy {
  backoffMs: number;
  maxBackoffMs: number;
}

/**
 * The wait before the retry that follows failed attempt number `attempt` (1-based): exponential,
 * `backoffMs × 2^(attempt−1)` capped at `maxBackoffMs`, with "equal jitter" (a uniform draw from the
 * upper half), so that many failing jobs do not retry in lockstep.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const full = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + random() * (full / 2));
}
