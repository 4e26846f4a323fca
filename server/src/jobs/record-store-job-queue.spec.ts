import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isSignetError } from '@signet/core';
import { FixedClock, InMemoryRecordStore, SequentialIdGenerator } from '@signet/core/testing';
import { tempDir } from '@signet/test-support';
import { LowdbRecordStore } from '../storage/lowdb-record-store.js';
import { backoffDelay } from './job-queue.js';
import { JOBS_COLLECTION, RecordStoreJobQueue, type JobRecord } from './record-store-job-queue.js';

/** Resolves once `check` holds, polling; fails after `ms` with `what`. */
async function eventually(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('jobs/RecordStoreJobQueue', () => {
  const manual = () => {
    const clock = new FixedClock();
    const store = new InMemoryRecordStore();
    const queue = new RecordStoreJobQueue({ store, clock, ids: new SequentialIdGenerator(), manual: true, random: () => 0.5 });
    return { clock, store, queue };
  };

  describe('enqueue', () => {
    it('makes one job per idempotency key and type, even for concurrent enqueues', async () => {
      const { queue } = manual();
      const ids = await Promise.all(Array.from({ length: 10 }, () => queue.enqueue('sms.send', { to: 'x' }, { idempotencyKey: 'otp-1' })));
      assert.equal(new Set(ids).size, 1);
      const other = await queue.enqueue('mail.send', { to: 'x' }, { idempotencyKey: 'otp-1' });
      assert.notEqual(other, ids[0]);
      const runs: string[] = [];
      queue.register('sms.send', async () => { runs.push('sms'); });
      queue.register('mail.send', async () => { runs.push('mail'); });
      await queue.start();
      await queue.runDue();
      assert.deepEqual(runs.sort(), ['mail', 'sms']);
      // The key still points at the finished job: enqueueing again runs nothing.
      assert.equal(await queue.enqueue('sms.send', { to: 'x' }, { idempotencyKey: 'otp-1' }), ids[0]);
      await queue.runDue();
      assert.equal(runs.length, 2);
      assert.equal((await queue.get(ids[0]))!.state, 'done');
    });

    it('refuses a job type that is not a plain name', async () => {
      const { queue } = manual();
      await assert.rejects(queue.enqueue('', {}), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
      await assert.rejects(queue.enqueue('Bad Type', {}), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
    });

    it('runs a job only at or after its time', async () => {
      const { clock, queue } = manual();
      const ran: number[] = [];
      queue.register('reminder', async (p: { n: number }) => { ran.push(p.n); });
      await queue.start();
      await queue.enqueue('reminder', { n: 1 }, { runAt: new Date(clock.now().getTime() + 60_000) });
      await queue.enqueue('reminder', { n: 2 });
      await queue.runDue();
      assert.deepEqual(ran, [2]);
      clock.advance(59_999);
      await queue.runDue();
      assert.deepEqual(ran, [2]);
      clock.advance(1);
      await queue.runDue();
      assert.deepEqual(ran, [2, 1]);
    });
  });

  describe('retries', () => {
    it('retries a failing handler with exponential backoff and jitter, then records success', async () => {
      const { clock, queue, store } = manual();
      const attempts: number[] = [];
      queue.register('flaky', async (_p, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error(`gateway said no to 13812345678 (attempt ${ctx.attempt})`);
      });
      await queue.start();
      const id = await queue.enqueue('flaky', {}, { backoffMs: 1000, maxAttempts: 5 });
      await queue.runDue();
      let j = (await store.collection<JobRecord>(JOBS_COLLECTION).get(id))!;
      assert.equal(j.state, 'queued');
      // random() = 0.5 ⇒ equal jitter gives 3/4 of the full delay: 750 ms, then 1500 ms.
      assert.equal(Date.parse(j.runAt) - clock.now().getTime(), 750);
      assert.equal(j.lastError, 'gateway said no to 138****5678 (attempt 1)');
      clock.advance(749);
      await queue.runDue();
      assert.deepEqual(attempts, [1]);
      clock.advance(1);
      await queue.runDue();
      j = (await store.collection<JobRecord>(JOBS_COLLECTION).get(id))!;
      assert.equal(Date.parse(j.runAt) - clock.now().getTime(), 1500);
      clock.advance(1500);
      await queue.runDue();
      assert.deepEqual(attempts, [1, 2, 3]);
      const info = (await queue.get(id))!;
      assert.equal(info.state, 'done');
      assert.equal(info.attempts, 3);
      assert.ok(info.finishedAt);
    });

    it('keeps jittered delays within the upper half of the exponential delay, capped', () => {
      const policy = { backoffMs: 1000, maxBackoffMs: 10_000 };
      assert.equal(backoffDelay(1, policy, () => 0), 500);
      assert.equal(backoffDelay(1, policy, () => 1), 1000);
      assert.equal(backoffDelay(3, policy, () => 0), 2000);
      assert.equal(backoffDelay(3, policy, () => 0.999999), 4000);
      assert.equal(backoffDelay(10, policy, () => 1), 10_000);
      const draws = Array.from({ length: 200 }, () => backoffDelay(4, policy));
      assert.ok(draws.every((d) => d >= 4000 && d <= 8000));
      assert.ok(new Set(draws).size > 50, 'the jitter spreads retries');
    });

    it('dead-letters a job after its last attempt and lists it', async () => {
      const { clock, queue } = manual();
      queue.register('doomed', async () => { throw new Error('always fails'); });
      await queue.start();
      const id = await queue.enqueue('doomed', { x: 1 }, { maxAttempts: 3, backoffMs: 10 });
      for (let i = 0; i < 5; i++) {
        await queue.runDue();
        clock.advance(1000);
      }
      const info = (await queue.get(id))!;
      assert.equal(info.state, 'dead');
      assert.equal(info.attempts, 3);
      assert.equal(info.lastError, 'always fails');
      assert.deepEqual((await queue.deadLetters('doomed')).map((j) => j.id), [id]);
      assert.deepEqual(await queue.deadLetters('other'), []);
    });

    it('lets a handler choose the retry time, or dead-letter at once', async () => {
      const { clock, queue } = manual();
      const at = new Date(clock.now().getTime() + 42_000);
      queue.register('later', async (_p, ctx) => (ctx.attempt === 1 ? { retryAt: at, error: 'receiver busy' } : undefined));
      queue.register('hopeless', async () => ({ deadLetter: 'subscription deleted' }));
      await queue.start();
      const a = await queue.enqueue('later', {});
      const b = await queue.enqueue('hopeless', {}, { maxAttempts: 10 });
      await queue.runDue();
      assert.equal((await queue.get(a))!.runAt.getTime(), at.getTime());
      assert.equal((await queue.get(b))!.state, 'dead');
      assert.equal((await queue.get(b))!.attempts, 1);
      clock.advance(42_000);
      await queue.runDue();
      assert.equal((await queue.get(a))!.state, 'done');
    });
  });

  describe('handlers and leases', () => {
    it('routes jobs to the handler of their type, and keeps jobs of a type without one until it is registered', async () => {
      const { queue } = manual();
      const seen: string[] = [];
      queue.register('a', async (p: { v: string }) => { seen.push(`a:${p.v}`); });
      await queue.start();
      await queue.enqueue('a', { v: '1' });
      const bId = await queue.enqueue('b', { v: '2' });
      await queue.runDue();
      assert.deepEqual(seen, ['a:1']);
      assert.equal((await queue.get(bId))!.state, 'queued');
      queue.register('b', async (p: { v: string }) => { seen.push(`b:${p.v}`); });
      await queue.runDue();
      assert.deepEqual(seen, ['a:1', 'b:2']);
    });

    it('leaves a job leased by another worker alone until the lease runs out, then retries it', async () => {
      const { clock, store, queue } = manual();
      const jobs = store.collection<JobRecord>(JOBS_COLLECTION);
      const now = clock.now();
      await jobs.insert({
        id: 'job_x', type: 'stamp', payload: {}, state: 'running', attempts: 1, maxAttempts: 5, backoffMs: 1000, maxBackoffMs: 60_000,
        leaseMs: 30_000, runAt: now.toISOString(), createdAt: now.toISOString(), leaseOwner: 'elsewhere', leaseUntil: now.getTime() + 30_000,
      });
      const attempts: number[] = [];
      queue.register('stamp', async (_p, ctx) => { attempts.push(ctx.attempt); });
      await queue.start();
      await queue.runDue();
      assert.deepEqual(attempts, []);
      clock.advance(30_000);
      await queue.runDue();
      assert.deepEqual(attempts, [2]);
      assert.equal((await queue.get('job_x'))!.state, 'done');
    });

    it('runs at most `concurrency` handlers at once', async () => {
      const store = new InMemoryRecordStore();
      const queue = new RecordStoreJobQueue({ store, concurrency: 3, pollMs: 5 });
      let now = 0;
      let peak = 0;
      queue.register('work', async () => {
        peak = Math.max(peak, ++now);
        await new Promise((r) => setTimeout(r, 5));
        now--;
      });
      await queue.start();
      const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => queue.enqueue('work', { i })));
      await eventually('all jobs done', async () => (await Promise.all(ids.map((id) => queue.get(id)))).every((j) => j!.state === 'done'));
      await queue.stop();
      assert.equal(peak, 3);
    });

    it('stops gracefully: waits for running handlers to finish, then takes no more jobs', async () => {
      const store = new InMemoryRecordStore();
      const queue = new RecordStoreJobQueue({ store, pollMs: 5 });
      let release!: () => void;
      const gate = new Promise<void>((r) => { release = r; });
      let started = false;
      let finished = false;
      queue.register('slow', async () => {
        started = true;
        await gate;
        finished = true;
      });
      const later: string[] = [];
      queue.register('later', async () => { later.push('ran'); });
      await queue.start();
      const id = await queue.enqueue('slow', {});
      await eventually('the slow job started', () => started);
      let stopped = false;
      const stopping = queue.stop().then(() => { stopped = true; });
      const lateId = await queue.enqueue('later', {});
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(stopped, false, 'stop waits for the running job');
      release();
      await stopping;
      assert.equal(finished, true);
      assert.equal((await queue.get(id))!.state, 'done');
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(later, []);
      assert.equal((await queue.get(lateId))!.state, 'queued');
    });

    it('aborts handlers still running after the grace period, leaving them leased for a retry', async () => {
      const store = new InMemoryRecordStore();
      const queue = new RecordStoreJobQueue({ store, pollMs: 5 });
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

  describe('crash and restart', function () {
    this.timeout(60_000);
    it('retries a job leased by a killed process, and does not run again a job whose success was recorded', async () => {
      const { dir, cleanup } = tempDir('signet-jobs-');
      try {
        const fixture = fileURLToPath(new URL('./job-crash.fixture.ts', import.meta.url));
        const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        const seen = new Set<string>();
        for await (const line of createInterface({ input: child.stdout })) {
          seen.add(line);
          if (seen.has('fast done') && seen.has('hang started')) child.kill('SIGKILL');
        }
        await exited;
        assert.ok(seen.has('fast done') && seen.has('hang started'), [...seen].join(', '));

        const store = await LowdbRecordStore.open({ dir });
        const queue = new RecordStoreJobQueue({ store, pollMs: 20 });
        const runs: { type: string; attempt: number }[] = [];
        queue.register('fast', async (_p, ctx) => { runs.push({ type: 'fast', attempt: ctx.attempt }); });
        queue.register('hang', async (_p, ctx) => { runs.push({ type: 'hang', attempt: ctx.attempt }); });
        const jobs = store.collection<JobRecord>(JOBS_COLLECTION);
        const hang = await jobs.getBy('idempotency', 'hang\u0000hang-1');
        assert.equal(hang!.state, 'running', 'the dead process held the lease');
        await queue.start();
        await eventually('the leased job is retried', async () => (await queue.get(hang!.id))!.state === 'done');
        await queue.stop();
        assert.deepEqual(runs, [{ type: 'hang', attempt: 2 }]);
        const fast = (await jobs.getBy('idempotency', 'fast\u0000fast-1'))!;
        assert.equal(fast.state, 'done');
        assert.equal(fast.attempts, 1);
        // Re-enqueueing the finished job's key is a no-op.
        assert.equal(await queue.enqueue('fast', {}, { idempotencyKey: 'fast-1' }), fast.id);
        await store.close();
      } finally {
        cleanup();
      }
    });
  });
});
