/**
 * The durable job queue the connector runs its work on, as a port. It is the subset of the
 * server's `JobQueue` (`server/src/jobs/job-queue.ts`) the connector uses, so the server's queue
 * (RecordStoreJobQueue over lowdb, or pg-boss) plugs in as it is: jobs survive restarts, failed
 * attempts are retried with exponential backoff, and a crashed worker's job runs again once its
 * lease runs out. Delivery is at least once, so every connector job is idempotent.
 */

/** Options of one enqueue (see the server's `EnqueueOptions`). */
export interface OaEnqueueOptions {
  /** The same key within a job type gives the same job, even after it finished. */
  idempotencyKey?: string;
  runAt?: Date;
  maxAttempts?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  leaseMs?: number;
}

/** What a job handler is told about its attempt. */
export interface OaJobContext {
  id: string;
  type: string;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  signal: AbortSignal;
}

/** A handler's alternative to throwing: retry at a time, or dead-letter now. */
export type OaJobResult = void | { retryAt: Date; error: string } | { deadLetter: string };

/** The durable queue port. */
export interface OaJobQueue {
  /** Stores a job; with an idempotency key, returns the job already holding it instead. */
  enqueue<P>(type: string, payload: P, opts?: OaEnqueueOptions): Promise<string>;
  /** Sets the handler of a job type; resolving marks the job done, throwing retries it. */
  register<P>(type: string, handler: (payload: P, ctx: OaJobContext) => Promise<OaJobResult>): void;
}
