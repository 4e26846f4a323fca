import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { isSignetError } from '@signet/core';
import { createTestDatabase, requirePostgres, type TestDatabase } from '@signet/test-support';
import { migrateDatabase } from '../storage/pg-migrations.js';
import { PgBossJobQueue } from './pg-boss-job-queue.js';

/** Resolves once `check` holds, polling; fails after `ms` with `what`. */
async function eventually(what: string, check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('jobs/PgBossJobQueue', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let pool: pg.Pool;
  const queues: PgBossJobQueue[] = [];
  const extraPools: pg.Pool[] = [];
  const newQueue = (opts: Partial<ConstructorParameters<typeof PgBossJobQueue>[0]> = {}) => {
    const q = new PgBossJobQueue({ pool, pollMs: 50, maintenanceIntervalSeconds: 1, random: () => 0.5, ...opts });
    queues.push(q);
    return q;
  };

  before(async function () {
    const admin = await requirePostgres(this);
    db = await createTestDatabase(admin);
    pool = new pg.Pool({ connectionString: db.url, max: 10 });
    await migrateDatabase(pool);
  });
  afterEach(async () => {
    await Promise.allSettled(queues.splice(0).map((q) => q.stop({ graceMs: 100 })));
  });
  after(async () => {
    await Promise.allSettled(extraPools.map((p) => p.end()));
    await pool?.end();
    await db?.drop();
  });

  describe('enqueue', () => {
    it('makes one job per idempotency key and type, even for concurrent enqueues, and keeps the key after the job is done', async () => {
      const queue = newQueue();
      const runs: string[] = [];
      queue.register('sms.send', async () => { runs.push('sms'); });
      queue.register('mail.send', async () => { runs.push('mail'); });
      const ids = await Promise.all(Array.from({ length: 10 }, () => queue.enqueue('sms.send', { to: 'x' }, { idempotencyKey: 'otp-1' })));
      assert.equal(new Set(ids).size, 1);
      const other = await queue.enqueue('mail.send', { to: 'x' }, { idempotencyKey: 'otp-1' });
      assert.notEqual(other, ids[0]);
      await queue.start();
      await eventually('both jobs done', async () => (await queue.get(ids[0]))?.state === 'done' && (await queue.get(other))?.state === 'done');
      assert.deepEqual(runs.sort(), ['mail', 'sms']);
      assert.equal(await queue.enqueue('sms.send', { to: 'x' }, { idempotencyKey: 'otp-1' }), ids[0]);
      const info = (await queue.get(ids[0]))!;
      assert.equal(info.idempotencyKey, 'otp-1');
      assert.equal(info.attempts, 1);
      assert.deepEqual(info.payload, { to: 'x' });
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(runs.length, 2, 'the finished job did not run again');
    });

    it('refuses a job type that is not a plain name', async () => {
      const queue = newQueue();
      await assert.rejects(queue.enqueue('', {}), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
      await assert.rejects(queue.enqueue('Bad Type', {}), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
    });

    it('runs a job only at or after its time', async () => {
      const queue = newQueue();
      const ranAt: number[] = [];
      queue.register('reminder', async () => { ranAt.push(Date.now()); });
      await queue.start();
      const runAt = new Date(Date.now() + 1500);
      const id = await queue.enqueue('reminder', {}, { runAt });
      assert.equal((await queue.get(id))!.runAt.getTime(), runAt.getTime());
      assert.equal((await queue.get(id))!.state, 'queued');
      await eventually('the reminder ran', () => ranAt.length === 1);
      assert.ok(ranAt[0] >= runAt.getTime(), 'not before its time');
    });
  });

  describe('retries', () => {
    it('retries a failing handler with the exponential, jittered backoff of the embedded queue, masking PII in the error', async () => {
      const queue = newQueue();
      const attempts: number[] = [];
      queue.register('flaky', async (_p, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error(`gateway said no to 13812345678 (attempt ${ctx.attempt})`);
      });
      await queue.start();
      const id = await queue.enqueue('flaky', {}, { backoffMs: 60_000, maxAttempts: 5 });
      await eventually('the first attempt failed', async () => (await queue.get(id))!.attempts === 1 && (await queue.get(id))!.state === 'queued');
      // random() = 0.5 ⇒ equal jitter waits 3/4 of backoffMs × 2^(attempt−1): 45 s after attempt 1.
      const wait = await pool.query<{ s: number }>('SELECT EXTRACT(epoch FROM start_after - now())::float AS s FROM pgboss.job WHERE id = $1', [id]);
      assert.ok(wait.rows[0].s > 40 && wait.rows[0].s <= 45, `waits ${wait.rows[0].s} s`);
      assert.equal((await queue.get(id))!.lastError, 'gateway said no to 138****5678 (attempt 1)');
      await pool.query('UPDATE pgboss.job SET start_after = now() WHERE id = $1', [id]); // let the time pass
      await eventually('the second attempt failed', async () => (await queue.get(id))!.attempts === 2 && (await queue.get(id))!.state === 'queued');
      const wait2 = await pool.query<{ s: number }>('SELECT EXTRACT(epoch FROM start_after - now())::float AS s FROM pgboss.job WHERE id = $1', [id]);
      assert.ok(wait2.rows[0].s > 85 && wait2.rows[0].s <= 90, `waits ${wait2.rows[0].s} s`);
      await pool.query('UPDATE pgboss.job SET start_after = now() WHERE id = $1', [id]);
      await eventually('the job is done', async () => (await queue.get(id))!.state === 'done');
      assert.deepEqual(attempts, [1, 2, 3]);
      const info = (await queue.get(id))!;
      assert.equal(info.attempts, 3);
      assert.equal(info.maxAttempts, 5);
      assert.ok(info.finishedAt);
    });

    it('dead-letters a job after its last attempt and lists it', async () => {
      const queue = newQueue();
      queue.register('doomed', async () => { throw new Error('always fails'); });
      await queue.start();
      const id = await queue.enqueue('doomed', { x: 1 }, { maxAttempts: 2, backoffMs: 10 });
      await eventually('the job is dead', async () => (await queue.get(id))!.state === 'dead');
      const info = (await queue.get(id))!;
      assert.equal(info.attempts, 2);
      assert.equal(info.lastError, 'always fails');
      assert.deepEqual((await queue.deadLetters('doomed')).map((j) => j.id), [id]);
      assert.deepEqual(await queue.deadLetters('other'), []);
    });

    it('lets a handler choose the retry time, or dead-letter at once', async () => {
      const queue = newQueue();
      const at = new Date(Date.now() + 42_000);
      queue.register('later', async (_p, ctx) => (ctx.attempt === 1 ? { retryAt: at, error: 'receiver busy' } : undefined));
      queue.register('hopeless', async () => ({ deadLetter: 'subscription deleted' }));
      await queue.start();
      const a = await queue.enqueue('later', {});
      const b = await queue.enqueue('hopeless', {}, { maxAttempts: 10 });
      await eventually('both handled once', async () => (await queue.get(a))!.attempts === 1 && (await queue.get(a))!.state === 'queued' && (await queue.get(b))!.state === 'dead');
      assert.equal((await queue.get(a))!.runAt.getTime(), at.getTime());
      assert.equal((await queue.get(a))!.lastError, 'receiver busy');
      const dead = (await queue.get(b))!;
      assert.equal(dead.attempts, 1);
      assert.equal(dead.maxAttempts, 10);
      assert.equal(dead.lastError, 'subscription deleted');
      await pool.query('UPDATE pgboss.job SET start_after = now() WHERE id = $1', [a]);
      await eventually('the later job is done', async () => (await queue.get(a))!.state === 'done');
    });
  });

  describe('several processes', () => {
    it('runs every job exactly once when two processes work the same queue', async () => {
      const pool2 = new pg.Pool({ connectionString: db.url, max: 10 });
      extraPools.push(pool2);
      const runs = new Map<number, number>();
      const handler = async (p: { n: number }) => {
        runs.set(p.n, (runs.get(p.n) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 2));
      };
      const a = newQueue({ concurrency: 3 });
      const b = newQueue({ pool: pool2, concurrency: 3 });
      a.register('work', handler);
      b.register('work', handler);
      await a.start();
      await b.start();
      const ids = await Promise.all(Array.from({ length: 60 }, (_, n) => a.enqueue('work', { n })));
      await eventually('all done', async () => (await Promise.all(ids.map((id) => a.get(id)))).every((j) => j!.state === 'done'));
      assert.equal(runs.size, 60);
      assert.ok([...runs.values()].every((c) => c === 1), 'each job ran once');
    });
  });

  describe('stopping', () => {
    it('stops gracefully: waits for a running handler to finish, then takes no more jobs', async () => {
      const queue = newQueue();
      let release!: () => void;
      const gate = new Promise<void>((r) => { release = r; });
      let started = false;
      let finished = false;
      queue.register('slow', async () => { started = true; await gate; finished = true; });
      const later: string[] = [];
      queue.register('later', async () => { later.push('ran'); });
      await queue.start();
      const id = await queue.enqueue('slow', {});
      await eventually('the slow job started', () => started);
      let stopped = false;
      const stopping = queue.stop().then(() => { stopped = true; });
      const lateId = await queue.enqueue('later', {});
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(stopped, false, 'stop waits for the running job');
      release();
      await stopping;
      assert.equal(finished, true);
      assert.equal((await queue.get(id))!.state, 'done');
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(later, []);
      assert.equal((await queue.get(lateId))!.state, 'queued');
    });

    it('aborts a handler still running after the grace period', async () => {
      const queue = newQueue();
      let aborted = false;
      queue.register('stuck', (_p, ctx) => new Promise<void>((_res, rej) => {
        ctx.signal.addEventListener('abort', () => { aborted = true; rej(ctx.signal.reason); });
      }));
      await queue.start();
      const id = await queue.enqueue('stuck', {});
      await eventually('the job runs', async () => (await queue.get(id))!.state === 'running');
      await queue.stop({ graceMs: 20 });
      assert.equal(aborted, true);
    });
  });

  describe('crash and restart', () => {
    it('retries a job leased by a killed process once its lease runs out, and does not run again a job whose success was recorded', async () => {
      const fixture = fileURLToPath(new URL('./pg-boss-crash.fixture.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', fixture, db.url], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      const seen = new Set<string>();
      for await (const line of createInterface({ input: child.stdout })) {
        seen.add(line);
        if (seen.has('fast done') && seen.has('hang started')) child.kill('SIGKILL');
      }
      await exited;
      assert.ok(seen.has('fast done') && seen.has('hang started'), [...seen].join(', '));

      const queue = newQueue();
      const { rows } = await pool.query<{ job_id: string; type: string }>("SELECT type, job_id FROM job_keys WHERE key IN ('fast-1', 'hang-1')");
      const idOf = (t: string) => rows.find((r) => r.type === t)!.job_id;
      assert.equal((await queue.get(idOf('hang')))!.state, 'running', 'the dead process held the lease');
      const runs: { type: string; attempt: number }[] = [];
      queue.register('fast', async (_p, ctx) => { runs.push({ type: 'fast', attempt: ctx.attempt }); });
      queue.register('hang', async (_p, ctx) => { runs.push({ type: 'hang', attempt: ctx.attempt }); });
      await queue.start();
      await eventually('the leased job is retried', async () => (await queue.get(idOf('hang')))!.state === 'done');
      assert.deepEqual(runs, [{ type: 'hang', attempt: 2 }]);
      const fast = (await queue.get(idOf('fast')))!;
      assert.equal(fast.state, 'done');
      assert.equal(fast.attempts, 1);
      assert.equal(await queue.enqueue('fast', {}, { idempotencyKey: 'fast-1' }), fast.id);
    });
  });
});
