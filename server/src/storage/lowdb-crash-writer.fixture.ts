/**
 * Test fixture for the crash spec of {@link LowdbRecordStore}: opens the store in `argv[2]` and
 * writes as fast as it can until it is killed, printing one line per acknowledged (durable) write:
 * - `ins <id>`: a document was inserted;
 * - `upd <id> <version>`: a document reached this version;
 * - `pair <id>`: a contract and its audit event were written in one batch.
 */
import { writeOp, type StoredRecord } from '@signet/core';
import { LowdbRecordStore } from './lowdb-record-store.js';

interface Doc extends StoredRecord { tenant: string; n: number; body: string }
interface Audit extends StoredRecord { contract: string; tenant: string }

const store = await LowdbRecordStore.open({ dir: process.argv[2], shards: Number(process.argv[3] ?? 16) });
const docs = store.collection<Doc>({ name: 'docs', indexes: { tenant: (d) => d.tenant }, shard: (d) => d.tenant });
const contracts = store.collection<Doc>({ name: 'contracts', shard: (d) => d.tenant });
const audit = store.collection<Audit>({ name: 'audit', indexes: { contract: (a) => a.contract }, shard: (a) => a.tenant });
const prefix = process.argv[4] ?? 'r';
const body = 'x'.repeat(1500);
const ack = (line: string) => process.stdout.write(`${line}\n`);
const existing = await docs.scan();
let seq = 0;

async function worker(w: number): Promise<void> {
  const mine = existing.filter((d) => d.n % 8 === w);
  for (;;) {
    const i = seq++;
    const tenant = `t${i % 23}`;
    if (i % 3 === 0 && mine.length > 0) {
      const d = mine[i % mine.length];
      const u = await docs.update({ ...d, body: `${body}${i}` }, d.version);
      mine[i % mine.length] = u;
      ack(`upd ${u.id} ${u.version}`);
    } else if (i % 3 === 1) {
      const id = `${prefix}c${i}`;
      await store.transact([
        writeOp.insert(contracts, { id, tenant, n: i, body }),
        writeOp.insert(audit, { id: `${id}.a`, contract: id, tenant }),
      ]);
      ack(`pair ${id}`);
    } else {
      const d = await docs.insert({ id: `${prefix}d${i}`, tenant, n: w, body });
      mine.push(d);
      ack(`ins ${d.id}`);
    }
  }
}

await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
