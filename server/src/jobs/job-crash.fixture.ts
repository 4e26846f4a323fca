/**
 * Test fixture for the crash spec of {@link RecordStoreJobQueue}: opens the lowdb store in
 * `argv[2]`, enqueues job `fast` (its handler succeeds) and job `hang` (its handler never returns),
 * and prints `fast done` once the first is recorded done and `hang started` once the second runs.
 * The spec then kills it with SIGKILL.
 */
import { LowdbRecordStore } from '../storage/lowdb-record-store.js';
import { RecordStoreJobQueue } from './record-store-job-queue.js';

const store = await LowdbRecordStore.open({ dir: process.argv[2], shards: 16 });
const queue = new RecordStoreJobQueue({ store, pollMs: 20, defaults: { leaseMs: 1000 } });
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
}, 10);
