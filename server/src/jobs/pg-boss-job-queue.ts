/**
 * The job queue on PostgreSQL with pg-boss 10, chosen when DATABASE_URL is set: every server
 * process on the database works the same queues, and a job survives any process.
 *
 * It keeps the {@link JobQueue} semantics of the embedded {@link RecordStoreJobQueue}:
 * - **Storage.** One pg-boss queue per job type (schema `pgboss`, installed and migrated by pg-boss
 *   itself at start, under its own advisory lock). A job's pg-boss `data` is
 *   `{ payload, retry: { maxAttempts, backoffMs, maxBackoffMs } }`.
 * - **Idempotency keys.** The key is also the job's pg-boss `singletonKey`, but pg-boss's standard
 *   policy only deduplicates throttled sends, and forgets keys of archived jobs; so the key is
 *   claimed in Signet's `job_keys` table (primary key (type, key)) in the same transaction as the
 *   job's insert. A key stays with its job for ever, done and dead included, as in the embedded queue.
 * - **Leases.** A worker takes a job with pg-boss `fetch` (`FOR UPDATE SKIP LOCKED`): state
 *   `active`, `started_on` now, `expire_in` the lease. While the handler runs, the worker renews
 *   the lease by moving `started_on`. Completing, failing or renewing first locks the job row and
 *   checks that it is still this attempt (`retry_count`), so a worker whose lease ran out (the job
 *   was expired by pg-boss maintenance and taken by another worker) cannot record over the new one.
 *   A job of a process that died is expired by maintenance once its lease runs out, and retried.
 * - **Retries.** Failing uses pg-boss `fail` (which also honours the retry limit and dead letters),
 *   then sets the next attempt's time with {@link backoffDelay} (exponential, equal jitter, capped
 *   at `maxBackoffMs`), or the handler's `retryAt`.
 * - **Dead letters.** A job out of attempts (or whose handler asked for it) ends in pg-boss state
 *   `failed`; {@link PgBossJobQueue.deadLetters} lists them. They are kept `deadLetterDays`.
 * - **Graceful stop.** Stops fetching, waits for running handlers (aborting them after `graceMs`),
 *   then stops pg-boss maintenance.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import PgBoss from 'pg-boss';
import { SignetError, isSignetError } from '@signet/core';
import { maskPiiText } from '../log/mask-pii.js';
import type { Logger } from '../log/logger.js';
import { fromPgError } from '../storage/pg-errors.js';
import {
  backoffDelay, type EnqueueOptions, type JobContext, type JobHandler, type JobInfo, type JobQueue, type JobResult, type JobState,
} from './job-queue.js';

/** Options for {@link PgBossJobQueue}. */
export interface PgBossJobQueueOptions {
  /** The pool every query runs on (Signet's and pg-boss's alike). */
  pool: pg.Pool;
  /** pg-boss's schema (default `pgboss`). */
  schema?: string;
  /** Jobs run at once in this process (default 4). */
  concurrency?: number;
  /** Longest wait between looks for due jobs, in ms (default 1000). */
  pollMs?: number;
  /** Defaults for {@link EnqueueOptions}. */
  defaults?: Omit<EnqueueOptions, 'idempotencyKey' | 'runAt'>;
  /** How often pg-boss maintenance expires lapsed leases, archives and purges, in seconds (default 30). */
  maintenanceIntervalSeconds?: number;
  /** Days a done job stays readable with {@link JobQueue.get} (default 30). */
  doneDays?: number;
  /** Days a dead-lettered job stays listed (default 90). */
  deadLetterDays?: number;
  /** The jitter source (tests pin it). */
  random?: () => number;
  log?: Logger;
}

const DEFAULTS = { maxAttempts: 5, backoffMs: 1000, maxBackoffMs: 3_600_000, leaseMs: 30_000 };
const TYPE = /^[a-z][a-z0-9_.-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = 86_400;
/** The advisory lock key that serializes queue creation: "SGNQUEUE" as a 64-bit integer. */
const CREATE_QUEUE_LOCK = '6000851139724399941';

/** What the queue keeps in a pg-boss job's `data`. */
interface JobData {
  payload: unknown;
  retry: { maxAttempts: number; backoffMs: number; maxBackoffMs: number };
}

/** A pg-boss job row as {@link PgBossJobQueue} reads it. */
interface JobRow {
  id: string;
  name: string;
  data: JobData;
  state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  retry_count: number;
  retry_limit: number;
  start_after: Date;
  started_on: Date | null;
  singleton_key: string | null;
  created_on: Date;
  completed_on: Date | null;
  output: { message?: string; lastError?: string; value?: { message?: string } } | null;
}

const STATES: Record<JobRow['state'], JobState> = { created: 'queued', retry: 'queued', active: 'running', completed: 'done', failed: 'dead', cancelled: 'dead' };

function toInfo(r: JobRow): JobInfo {
  const lastError = r.output?.message ?? r.output?.lastError ?? r.output?.value?.message;
  return {
    id: r.id,
    type: r.name,
    payload: r.data?.payload,
    state: STATES[r.state],
    attempts: r.started_on ? r.retry_count + 1 : 0,
    maxAttempts: r.data?.retry?.maxAttempts ?? r.retry_limit + 1,
    runAt: new Date(r.start_after),
    idempotencyKey: r.singleton_key ?? undefined,
    lastError,
    createdAt: new Date(r.created_on),
    finishedAt: r.completed_on ? new Date(r.completed_on) : undefined,
  };
}

/** A {@link JobQueue} on pg-boss. */
export class PgBossJobQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly schema: string;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly defaults: typeof DEFAULTS;
  private readonly random: () => number;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly running = new Map<string, { done: Promise<void>; abort: AbortController }>();
  private booted?: Promise<void>;
  private started = false;
  private stopping = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private nextType = 0;

  constructor(private readonly opts: PgBossJobQueueOptions) {
    this.schema = opts.schema ?? 'pgboss';
    if (!/^[a-z_][a-z0-9_]*$/.test(this.schema)) throw new SignetError('INVALID_ARGUMENT', `The pg-boss schema must be a plain lower-case name, not "${this.schema}"`);
    this.concurrency = opts.concurrency ?? 4;
    this.pollMs = opts.pollMs ?? 1000;
    this.defaults = { ...DEFAULTS, ...opts.defaults };
    this.random = opts.random ?? Math.random;
    const pool = opts.pool;
    this.boss = new PgBoss({
      db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values as unknown[]) },
      schema: this.schema,
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 30,
      archiveCompletedAfterSeconds: DAY,
      archiveFailedAfterSeconds: (opts.deadLetterDays ?? 90) * DAY,
      deleteAfterDays: opts.doneDays ?? 30,
    });
    this.boss.on('error', (e: Error) => opts.log?.error('pg-boss error', { err: maskPiiText(e?.message ?? String(e)) }));
  }

  /** Installs or migrates pg-boss's schema once per process (pg-boss serializes concurrent starters). */
  private boot(): Promise<void> {
    this.booted ??= this.boss.start().then(() => undefined, (e: unknown) => {
      this.booted = undefined;
      throw fromPgError(e, 'starting the job queue');
    });
    return this.booted;
  }

  /**
   * Creates the pg-boss queue of `type` once. pg-boss's `create_queue` is idempotent but two
   * concurrent calls deadlock on the partition they attach, so creations are serialized by an
   * advisory lock across every process.
   */
  private queueOf(type: string): Promise<void> {
    let q = this.queues.get(type);
    if (!q) {
      q = this.boot().then(async () => {
        const { rows } = await this.opts.pool.query(`SELECT 1 FROM ${this.schema}.queue WHERE name = $1`, [type]);
        if (rows.length) return;
        await this.inTransaction(async (c) => {
          await c.query('SELECT pg_advisory_xact_lock($1::bigint)', [CREATE_QUEUE_LOCK]);
          await c.query(`SELECT ${this.schema}.create_queue($1, $2::json)`, [type, JSON.stringify({ policy: 'standard' })]);
        });
      });
      q.catch(() => this.queues.delete(type));
      this.queues.set(type, q);
    }
    return q;
  }

  /** @inheritDoc */
  async enqueue<P>(type: string, payload: P, opts: EnqueueOptions = {}): Promise<string> {
    if (typeof type !== 'string' || !TYPE.test(type)) {
      throw new SignetError('INVALID_ARGUMENT', `A job type is lower-case letters, digits, ".", "_" and "-" (e.g. "webhook.deliver"), not "${type}"`);
    }
    await this.queueOf(type);
    const maxAttempts = Math.max(1, opts.maxAttempts ?? this.defaults.maxAttempts);
    const backoffMs = opts.backoffMs ?? this.defaults.backoffMs;
    const data: JobData = { payload, retry: { maxAttempts, backoffMs, maxBackoffMs: opts.maxBackoffMs ?? this.defaults.maxBackoffMs } };
    const id = randomUUID();
    const send = (db?: PgBoss.Db) => this.boss.send(type, data as unknown as object, {
      id,
      startAfter: opts.runAt ?? undefined,
      retryLimit: maxAttempts - 1,
      retryDelay: Math.max(1, Math.ceil(backoffMs / 1000)),
      retryBackoff: true,
      expireInSeconds: Math.max(1, Math.ceil((opts.leaseMs ?? this.defaults.leaseMs) / 1000)),
      retentionDays: 30,
      singletonKey: opts.idempotencyKey,
      db,
    });
    try {
      if (opts.idempotencyKey === undefined) {
        if ((await send()) !== id) throw new SignetError('INTERNAL', `pg-boss did not store job ${type}; check that its queue exists`);
        this.wake();
        return id;
      }
      const key = opts.idempotencyKey;
      const out = await this.inTransaction(async (client) => {
        const claimed = await client.query('INSERT INTO job_keys (type, key, job_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING job_id', [type, key, id]);
        if (claimed.rowCount === 0) {
          // Another enqueue holds the key (it committed before this statement returned).
          const held = await client.query<{ job_id: string }>('SELECT job_id FROM job_keys WHERE type = $1 AND key = $2', [type, key]);
          return held.rows[0].job_id;
        }
        if ((await send({ executeSql: (text, values) => client.query(text, values) })) !== id) throw new SignetError('INTERNAL', `pg-boss did not store job ${type}; check that its queue exists`);
        return id;
      });
      if (out === id) this.wake();
      return out;
    } catch (e) {
      throw fromPgError(e, `enqueueing a ${type} job`);
    }
  }

  /** @inheritDoc */
  register<P>(type: string, handler: JobHandler<P>): void {
    this.handlers.set(type, handler as JobHandler);
    if (this.started) void this.queueOf(type).catch(() => undefined);
    this.wake();
  }

  /** @inheritDoc */
  async start(): Promise<void> {
    if (this.started) return;
    await this.boot();
    await Promise.all([...this.handlers.keys()].map((t) => this.queueOf(t)));
    this.started = true;
    this.stopping = false;
    this.loop = this.work();
  }

  /** @inheritDoc */
  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    const all = Promise.allSettled([...this.running.values()].map((r) => r.done));
    if (opts.graceMs === undefined) {
      await all;
    } else {
      let t: NodeJS.Timeout | undefined;
      const late = await Promise.race([all.then(() => false), new Promise<boolean>((res) => { t = setTimeout(() => res(true), opts.graceMs); })]);
      clearTimeout(t);
      if (late) for (const r of this.running.values()) r.abort.abort(new Error('The job queue is stopping'));
    }
    this.started = false;
    if (this.booted) await this.boss.stop({ graceful: false, close: false }).catch(() => undefined);
    this.booted = undefined;
    this.queues.clear();
  }

  /** @inheritDoc */
  async get(id: string): Promise<JobInfo | undefined> {
    if (!UUID.test(id)) return undefined;
    await this.boot();
    const s = this.schema;
    const cols = 'id, name, data, state, retry_count, retry_limit, start_after, started_on, singleton_key, created_on, completed_on, output';
    try {
      const { rows } = await this.opts.pool.query<JobRow>(
        `SELECT ${cols} FROM ${s}.job WHERE id = $1 UNION ALL SELECT ${cols} FROM ${s}.archive WHERE id = $1 LIMIT 1`, [id]);
      return rows[0] && toInfo(rows[0]);
    } catch (e) {
      throw fromPgError(e, `reading job ${id}`);
    }
  }

  /** @inheritDoc */
  async deadLetters(type: string, opts: { limit?: number; after?: string } = {}): Promise<JobInfo[]> {
    if (opts.limit !== undefined && opts.limit <= 0) return [];
    await this.boot();
    const s = this.schema;
    const cols = 'id, name, data, state, retry_count, retry_limit, start_after, started_on, singleton_key, created_on, completed_on, output';
    const after = opts.after && UUID.test(opts.after) ? opts.after : '00000000-0000-0000-0000-000000000000';
    try {
      const { rows } = await this.opts.pool.query<JobRow>(
        `SELECT * FROM (SELECT ${cols} FROM ${s}.job WHERE name = $1 AND state = 'failed' AND id > $2::uuid
           UNION ALL SELECT ${cols} FROM ${s}.archive WHERE name = $1 AND state = 'failed' AND id > $2::uuid) d
         ORDER BY id LIMIT $3`, [type, after, opts.limit ?? null]);
      return rows.map(toInfo);
    } catch (e) {
      throw fromPgError(e, `listing dead ${type} jobs`);
    }
  }

  /** Looks for due jobs now instead of at the next poll. */
  private wake(): void {
    this.wakeUp?.();
  }

  /** The worker loop: fetches due jobs of the registered types, round robin, while slots are free. */
  private async work(): Promise<void> {
    while (!this.stopping) {
      let fetched = 0;
      const types = [...this.handlers.keys()];
      for (let i = 0; i < types.length && this.running.size < this.concurrency && !this.stopping; i++) {
        const type = types[(this.nextType + i) % types.length];
        let jobs: PgBoss.JobWithMetadata<JobData>[] = [];
        try {
          await this.queueOf(type);
          jobs = await this.boss.fetch<JobData>(type, { batchSize: this.concurrency - this.running.size, includeMetadata: true });
        } catch (e) {
          this.opts.log?.warn('job fetch failed', { type, err: maskPiiText((e as Error).message) });
        }
        for (const job of jobs) this.dispatch(job);
        fetched += jobs.length;
      }
      this.nextType++;
      if (this.stopping) break;
      // Sleep until a slot frees up, a job is enqueued or registered here, or the poll interval passes.
      if (fetched === 0 || this.running.size >= this.concurrency) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.pollMs);
          this.wakeUp = () => { clearTimeout(t); resolve(); };
        });
        this.wakeUp = undefined;
      }
    }
  }

  private dispatch(job: PgBoss.JobWithMetadata<JobData>): void {
    const abort = new AbortController();
    const done = this.runOne(job, abort)
      .catch((e) => this.opts.log?.error('job queue failure', { job: job.id, err: maskPiiText((e as Error)?.message ?? String(e)) }))
      .finally(() => {
        this.running.delete(job.id);
        this.wake();
      });
    this.running.set(job.id, { done, abort });
  }

  private async runOne(job: PgBoss.JobWithMetadata<JobData>, abort: AbortController): Promise<void> {
    const type = job.name;
    const attemptNo = job.retryCount; // identifies this attempt: a re-fetch after a lapsed lease increments it
    const retry = { ...{ maxAttempts: job.retryLimit + 1, backoffMs: this.defaults.backoffMs, maxBackoffMs: this.defaults.maxBackoffMs }, ...job.data?.retry };
    const leaseMs = Math.max(1000, job.expireInSeconds * 1000);
    const handler = this.handlers.get(type);
    if (!handler) return; // cannot happen: only registered types are fetched
    let lost = false;
    let chain: Promise<unknown> = Promise.resolve();
    const renew = setInterval(() => {
      chain = chain.then(async () => {
        if (lost) return;
        const ok = await this.underLock(type, job.id, attemptNo, (c) => c.query(`UPDATE ${this.schema}.job SET started_on = now() WHERE name = $1 AND id = $2`, [type, job.id])).catch(() => true);
        if (!ok) {
          lost = true;
          abort.abort(new Error('The job lease was lost'));
        }
      });
    }, Math.max(10, Math.floor(leaseMs / 3))).unref();
    const ctx: JobContext = { id: job.id, type, attempt: attemptNo + 1, maxAttempts: retry.maxAttempts, signal: abort.signal };
    let result: JobResult = undefined;
    let error: unknown;
    try {
      result = await handler(job.data?.payload, ctx);
    } catch (e) {
      error = e;
    } finally {
      clearInterval(renew);
    }
    await chain;
    if (lost) return;
    await this.finish(job, attemptNo, retry, result, error);
  }

  private async finish(job: PgBoss.JobWithMetadata<JobData>, attemptNo: number, retry: JobData['retry'], result: JobResult, error: unknown): Promise<void> {
    const type = job.name;
    const s = this.schema;
    const db = (c: pg.PoolClient): PgBoss.Db => ({ executeSql: (text, values) => c.query(text, values) });
    if (error === undefined && !result) {
      await this.underLock(type, job.id, attemptNo, (c) => this.boss.complete(type, job.id, {}, { db: db(c) }));
      return;
    }
    if (result && 'deadLetter' in result) {
      const message = maskPiiText(result.deadLetter);
      await this.underLock(type, job.id, attemptNo, async (c) => {
        await c.query(`UPDATE ${s}.job SET retry_limit = retry_count WHERE name = $1 AND id = $2`, [type, job.id]);
        await this.boss.fail(type, job.id, { message }, { db: db(c) });
      });
      this.opts.log?.warn('job dead-lettered', { job: job.id, type, attempts: attemptNo + 1, error: message });
      return;
    }
    const raw = result && 'retryAt' in result ? result.error : error instanceof Error ? error.message : String(error);
    const message = maskPiiText(raw);
    const attempt = attemptNo + 1;
    await this.underLock(type, job.id, attemptNo, async (c) => {
      await this.boss.fail(type, job.id, { message }, { db: db(c) });
      if (attempt >= retry.maxAttempts) return;
      if (result && 'retryAt' in result) {
        await c.query(`UPDATE ${s}.job SET start_after = $3, keep_until = GREATEST(keep_until, $3::timestamptz + interval '14 days')
          WHERE name = $1 AND id = $2 AND state = 'retry'`, [type, job.id, result.retryAt]);
      } else {
        const delay = backoffDelay(attempt, retry, this.random);
        await c.query(`UPDATE ${s}.job SET start_after = now() + $3::int * interval '1 millisecond', keep_until = GREATEST(keep_until, now() + interval '14 days')
          WHERE name = $1 AND id = $2 AND state = 'retry'`, [type, job.id, delay]);
      }
    });
    if (attempt >= retry.maxAttempts) this.opts.log?.warn('job dead-lettered', { job: job.id, type, attempts: attempt, error: message });
  }

  /**
   * Runs `fn` in a transaction that holds the job's row lock, only while the job is still the
   * attempt `attemptNo` of this worker (active, same retry count). Resolves false when it is not.
   */
  private async underLock(type: string, id: string, attemptNo: number, fn: (c: pg.PoolClient) => Promise<unknown>): Promise<boolean> {
    return this.inTransaction(async (c) => {
      const { rows } = await c.query(`SELECT 1 FROM ${this.schema}.job WHERE name = $1 AND id = $2 AND state = 'active' AND retry_count = $3 FOR UPDATE`, [type, id, attemptNo]);
      if (rows.length === 0) return false;
      await fn(c);
      return true;
    });
  }

  private async inTransaction<R>(fn: (c: pg.PoolClient) => Promise<R>): Promise<R> {
    const client = await this.opts.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch((r: Error) => { broken = r; });
      throw isSignetError(e) ? e : fromPgError(e, 'a job queue transaction');
    } finally {
      client.release(broken);
    }
  }
}
