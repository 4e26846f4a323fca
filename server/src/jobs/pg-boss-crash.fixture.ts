/**
 * Test fixture for the crash spec of {@link PgBossJobQueue}: opens the queue on the database of
 * `argv[2]` with a one-second lease, enqueues job `fast` (its handler succeeds) and job `hang` (its
 * handler never returns), and prints `fast done` once the first is recorded done and `hang started`
 * once the second runs. The spec then kills it with SIGKILL.
 */
import pg from 'pg';
import { PgBossJobQueue } from './pg-boss-job-queue.js';

const pool = new pg.Pool({ connectionString: process.argv[2], max: 4 });
const queue = new PgBossJobQueue({ pool, pollMs: 50, defaults: { leaseMs: 1000 }, maintenanceIntervalSeconds: 1 });
const say = (line: string) => process.stdout.write(`${line}\n`);
queue.register('fast', async () => { say('fast ran'); });
queue.register('hang', () => {
  say('hang started');
  return new Promise<void>(() => undefined);
});
await queue.start();
const fast = await queue.enqueue('fast', { n: 1 }, { idempotencyKey: 'fast-1' });
await queue.enqueue('hang', { n: 2 }, { idempotencyKey: 'hang-1' });
const keepAlive = setInterval(async () => {
  if ((await queue.get(fast))?.state === 'done') {
    say('fast done');
    clearInterval(keepAlive);
    setInterval(() => undefined, 1000); // wait for the kill
  }
}, 20);
