/**
 * The embedded durable job queue: jobs are records in the `jobs` collection of a RecordStore (the
 * lowdb store by default), so they survive restarts; the schedule is a min-heap in memory.
 *
 * One process works the queue (the lowdb store is single-process anyway). Leases are records too: a
 * worker takes a job by an optimistic update to `running` with `leaseUntil`, and renews it while
 * the handler runs. After a crash, a job still `running` is taken again when its lease runs out.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  SignetError, isSignetError, randomIdGenerator, systemClock, type Clock, type Collection, type IdGenerator, type RecordStore, type StoredRecord,
} from '@signet/core';
import { maskPiiText } from '../log/mask-pii.js';
import type { Logger } from '../log/logger.js';
import {
  backoffDelay, type EnqueueOptions, type JobHandler, type JobInfo, type JobQueue, type JobResult, type JobState,
} from './job-queue.js';

/** A job as stored in the `jobs` collection. */
export interface JobRecord extends StoredRecord {
  type: string;
  payload: unknown;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  leaseMs: number;
  /** ISO time the job is due. */
  runAt: string;
  idempotencyKey?: string;
  lastError?: string;
  createdAt: string;
  finishedAt?: string;
  leaseOwner?: string;
  /** Epoch milliseconds the lease runs out. */
  leaseUntil?: number;
}

/** The collection spec of the queue's records. */
export const JOBS_COLLECTION = {
  name: 'jobs',
  unique: { idempotency: (j: JobRecord) => (j.idempotencyKey === undefined ? undefined : `${j.type}\u0000${j.idempotencyKey}`) },
  // Done jobs are in no index: the lists stay as short as the live work.
  indexes: {
    state: (j: JobRecord) => (j.state === 'done' ? undefined : j.state),
    dead: (j: JobRecord) => (j.state === 'dead' ? j.type : undefined),
  },
};

/** Options for {@link RecordStoreJobQueue}. */
export interface RecordStoreJobQueueOptions {
  store: RecordStore;
  clock?: Clock;
  ids?: IdGenerator;
  /** Jobs run at once (default 4). */
  concurrency?: number;
  /** Longest sleep between looks at the schedule (default 1 s). */
  pollMs?: number;
  /** Defaults for {@link EnqueueOptions}. */
  defaults?: Omit<EnqueueOptions, 'idempotencyKey' | 'runAt'>;
  /** The jitter source (tests pin it). */
  random?: () => number;
  /** No timers: the caller drives the queue with {@link RecordStoreJobQueue.runDue} (tests with a fixed clock). */
  manual?: boolean;
  log?: Logger;
}

const DEFAULTS = { maxAttempts: 5, backoffMs: 1000, maxBackoffMs: 3_600_000, leaseMs: 30_000 };

function toInfo(j: JobRecord): JobInfo {
  return {
    id: j.id, type: j.type, payload: j.payload, state: j.state, attempts: j.attempts, maxAttempts: j.maxAttempts,
    runAt: new Date(j.runAt), idempotencyKey: j.idempotencyKey, lastError: j.lastError,
    createdAt: new Date(j.createdAt), finishedAt: j.finishedAt ? new Date(j.finishedAt) : undefined,
  };
}

/** A binary min-heap of (time, id). */
class Schedule {
  private readonly a: { at: number; id: string }[] = [];
  get size(): number { return this.a.length; }
  peek(): { at: number; id: string } | undefined { return this.a[0]; }
  push(at: number, id: string): void {
    const a = this.a;
    a.push({ at, id });
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (a[p].at <= a[i].at) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): { at: number; id: string } | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l].at < a[m].at) m = l;
        if (r < a.length && a[r].at < a[m].at) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

/** A {@link JobQueue} whose jobs are records of a RecordStore. */
export class RecordStoreJobQueue implements JobQueue {
  /** Identifies this worker in leases. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly jobs: Collection<JobRecord>;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly defaults: typeof DEFAULTS;
  private readonly random: () => number;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly schedule = new Schedule();
  /** Jobs whose type has no handler yet, by type. */
  private readonly parked = new Map<string, Set<string>>();
  private readonly running = new Map<string, { done: Promise<void>; abort: AbortController }>();
  private timer?: NodeJS.Timeout;
  private started = false;
  private stopping = false;

  constructor(private readonly opts: RecordStoreJobQueueOptions) {
    this.jobs = opts.store.collection<JobRecord>(JOBS_COLLECTION);
    this.clock = opts.clock ?? systemClock;
    this.ids = opts.ids ?? randomIdGenerator;
    this.concurrency = opts.concurrency ?? 4;
    this.pollMs = opts.pollMs ?? 1000;
    this.defaults = { ...DEFAULTS, ...opts.defaults };
    this.random = opts.random ?? Math.random;
  }

  /** @inheritDoc */
  async enqueue<P>(type: string, payload: P, opts: EnqueueOptions = {}): Promise<string> {
    if (typeof type !== 'string' || !/^[a-z][a-z0-9_.-]*$/.test(type)) {
      throw new SignetError('INVALID_ARGUMENT', `A job type is lower-case letters, digits, ".", "_" and "-" (e.g. "webhook.deliver"), not "${type}"`);
    }
    const now = this.clock.now();
    const rec: Omit<JobRecord, 'version'> = {
      id: this.ids.next('job'),
      type,
      payload,
      state: 'queued',
      attempts: 0,
      maxAttempts: Math.max(1, opts.maxAttempts ?? this.defaults.maxAttempts),
      backoffMs: opts.backoffMs ?? this.defaults.backoffMs,
      maxBackoffMs: opts.maxBackoffMs ?? this.defaults.maxBackoffMs,
      leaseMs: opts.leaseMs ?? this.defaults.leaseMs,
      runAt: (opts.runAt ?? now).toISOString(),
      idempotencyKey: opts.idempotencyKey,
      createdAt: now.toISOString(),
    };
    try {
      await this.jobs.insert(rec);
    } catch (e) {
      if (isSignetError(e, 'DUPLICATE') && e.details?.unique === 'idempotency') return e.details.existingId as string;
      throw e;
    }
    if (this.started && !this.stopping) {
      this.schedule.push(Date.parse(rec.runAt), rec.id);
      this.wake();
    }
    return rec.id;
  }

  /** @inheritDoc */
  register<P>(type: string, handler: JobHandler<P>): void {
    this.handlers.set(type, handler as JobHandler);
    const waiting = this.parked.get(type);
    if (waiting) {
      this.parked.delete(type);
      const now = this.clock.now().getTime();
      for (const id of waiting) this.schedule.push(now, id);
      this.wake();
    }
  }

  /** @inheritDoc */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    for (const state of ['queued', 'running'] as const) {
      let after: string | undefined;
      for (;;) {
        const page = await this.jobs.find('state', state, { after, limit: 1000 });
        if (page.length === 0) break;
        for (const j of page) this.schedule.push(state === 'queued' ? Date.parse(j.runAt) : j.leaseUntil ?? 0, j.id);
        after = page[page.length - 1].id;
      }
    }
    this.wake();
  }

  /** @inheritDoc */
  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
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
  }

  /** @inheritDoc */
  async get(id: string): Promise<JobInfo | undefined> {
    const j = await this.jobs.get(id);
    return j && toInfo(j);
  }

  /** @inheritDoc */
  async deadLetters(type: string, opts: { limit?: number; after?: string } = {}): Promise<JobInfo[]> {
    return (await this.jobs.find('dead', type, opts)).map(toInfo);
  }

  /**
   * Runs every job that is due now, and the ones that become due meanwhile, and waits until they are
   * finished. For tests with a fixed clock, and for draining at shutdown.
   */
  async runDue(): Promise<void> {
    for (;;) {
      this.dispatch();
      if (this.running.size === 0) return;
      await Promise.allSettled([...this.running.values()].map((r) => r.done));
    }
  }

  /** Looks at the schedule soon. */
  private wake(): void {
    if (!this.started || this.stopping || this.opts.manual) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), 0).unref();
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.started || this.stopping) return;
    this.dispatch();
    const next = this.schedule.peek();
    const wait = next ? Math.max(0, Math.min(this.pollMs, next.at - this.clock.now().getTime())) : this.pollMs;
    // When every slot is busy, a finishing job wakes the queue; otherwise sleep until the next one is due.
    if (this.running.size < this.concurrency || !next) this.timer = setTimeout(() => this.tick(), wait).unref();
  }

  /** Starts due jobs while there are free slots. */
  private dispatch(): void {
    const now = this.clock.now().getTime();
    while (this.running.size < this.concurrency && !this.stopping) {
      const next = this.schedule.peek();
      if (!next || next.at > now) break;
      this.schedule.pop();
      if (this.running.has(next.id)) continue;
      const abort = new AbortController();
      const done = this.runOne(next.id, abort)
        .catch((e) => this.opts.log?.error('job queue failure', { job: next.id, err: e }))
        .finally(() => {
          this.running.delete(next.id);
          this.wake();
        });
      this.running.set(next.id, { done, abort });
    }
  }

  private async runOne(id: string, abort: AbortController): Promise<void> {
    const j = await this.jobs.get(id);
    if (!j || j.state === 'done' || j.state === 'dead') return;
    const now = this.clock.now().getTime();
    const dueAt = j.state === 'queued' ? Date.parse(j.runAt) : j.leaseUntil ?? 0;
    if (dueAt > now) {
      this.schedule.push(dueAt, id); // the heap entry was stale: the job moved
      return;
    }
    const handler = this.handlers.get(j.type);
    if (!handler) {
      let set = this.parked.get(j.type);
      if (!set) this.parked.set(j.type, (set = new Set()));
      set.add(id);
      return;
    }
    let cur: JobRecord;
    try {
      cur = await this.jobs.update({ ...j, state: 'running', attempts: j.attempts + 1, leaseOwner: this.owner, leaseUntil: now + j.leaseMs }, j.version);
    } catch (e) {
      if (isSignetError(e, 'VERSION_CONFLICT') || isSignetError(e, 'NOT_FOUND')) return; // someone else took it
      throw e;
    }
    // Renew the lease while the handler runs; writes to the record go one after another.
    let chain: Promise<unknown> = Promise.resolve();
    let lost = false;
    const renew = setInterval(() => {
      chain = chain.then(async () => {
        if (lost) return;
        try {
          cur = await this.jobs.update({ ...cur, leaseUntil: this.clock.now().getTime() + cur.leaseMs }, cur.version);
        } catch {
          lost = true;
          abort.abort(new Error('The job lease was lost'));
        }
      });
    }, Math.max(10, Math.floor(cur.leaseMs / 3))).unref();
    let result: JobResult = undefined;
    let error: unknown;
    try {
      result = await handler(cur.payload, { id, type: cur.type, attempt: cur.attempts, maxAttempts: cur.maxAttempts, signal: abort.signal });
    } catch (e) {
      error = e;
    } finally {
      clearInterval(renew);
    }
    await chain;
    if (lost) return;
    await this.finish(cur, result, error);
  }

  private async finish(cur: JobRecord, result: JobResult, error: unknown): Promise<void> {
    const now = this.clock.now();
    const base = { ...cur, leaseOwner: undefined, leaseUntil: undefined };
    let next: JobRecord;
    if (error === undefined && !result) {
      next = { ...base, state: 'done', finishedAt: now.toISOString() };
    } else if (result && 'deadLetter' in result) {
      next = { ...base, state: 'dead', lastError: maskPiiText(result.deadLetter), finishedAt: now.toISOString() };
    } else {
      const message = result && 'retryAt' in result ? result.error : error instanceof Error ? error.message : String(error);
      if (cur.attempts >= cur.maxAttempts) {
        next = { ...base, state: 'dead', lastError: maskPiiText(message), finishedAt: now.toISOString() };
      } else {
        const at = result && 'retryAt' in result ? result.retryAt.getTime() : now.getTime() + backoffDelay(cur.attempts, cur, this.random);
        next = { ...base, state: 'queued', lastError: maskPiiText(message), runAt: new Date(at).toISOString() };
      }
    }
    try {
      const saved = await this.jobs.update(next, cur.version);
      if (saved.state === 'queued') this.schedule.push(Date.parse(saved.runAt), saved.id);
      if (saved.state === 'dead') this.opts.log?.warn('job dead-lettered', { job: saved.id, type: saved.type, attempts: saved.attempts, error: saved.lastError });
    } catch (e) {
      if (!isSignetError(e, 'VERSION_CONFLICT')) throw e; // the lease was lost meanwhile: the new holder decides
    }
  }
}
