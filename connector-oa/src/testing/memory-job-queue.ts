/**
 * An in-memory {@link OaJobQueue} for connector tests: jobs run when the test calls `drain()`, in
 * order, with retries up to `maxAttempts` (backoff is not waited for). Not durable: the server's
 * RecordStoreJobQueue is the durable one, and the restart tests use it.
 */
import type { OaEnqueueOptions, OaJobContext, OaJobQueue, OaJobResult } from '../oa-job-queue.js';

/** A job held by {@link MemoryJobQueue}. */
export interface MemoryJob {
  id: string;
  type: string;
  payload: unknown;
  idempotencyKey?: string;
  state: 'queued' | 'done' | 'dead';
  attempts: number;
  maxAttempts: number;
  lastError?: string;
}

/** An in-memory job queue, drained by hand. */
export class MemoryJobQueue implements OaJobQueue {
  readonly jobs: MemoryJob[] = [];
  private readonly handlers = new Map<string, (p: unknown, ctx: OaJobContext) => Promise<OaJobResult>>();

  async enqueue<P>(type: string, payload: P, opts: OaEnqueueOptions = {}): Promise<string> {
    const existing = opts.idempotencyKey === undefined ? undefined : this.jobs.find((j) => j.type === type && j.idempotencyKey === opts.idempotencyKey);
    if (existing) return existing.id;
    const id = `job_${this.jobs.length + 1}`;
    this.jobs.push({ id, type, payload, idempotencyKey: opts.idempotencyKey, state: 'queued', attempts: 0, maxAttempts: opts.maxAttempts ?? 5 });
    return id;
  }

  register<P>(type: string, handler: (payload: P, ctx: OaJobContext) => Promise<OaJobResult>): void {
    this.handlers.set(type, handler as (p: unknown, ctx: OaJobContext) => Promise<OaJobResult>);
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** Runs queued jobs (and the jobs they enqueue) until none is left or `rounds` passes ran. */
  async drain(rounds = 20): Promise<void> {
    for (let r = 0; r < rounds; r++) {
      const due = this.jobs.filter((j) => j.state === 'queued' && this.handlers.has(j.type));
      if (due.length === 0) return;
      for (const j of due) {
        j.attempts++;
        try {
          const out = await this.handlers.get(j.type)!(j.payload, { id: j.id, type: j.type, attempt: j.attempts, maxAttempts: j.maxAttempts, signal: new AbortController().signal });
          if (out && 'deadLetter' in out) {
            j.state = 'dead';
            j.lastError = out.deadLetter;
          } else if (out && 'retryAt' in out) {
            j.lastError = out.error;
            if (j.attempts >= j.maxAttempts) j.state = 'dead';
          } else {
            j.state = 'done';
          }
        } catch (e) {
          j.lastError = (e as Error).message;
          if (j.attempts >= j.maxAttempts) j.state = 'dead';
        }
      }
    }
  }
}
