/**
 * Test fixture for the multi-process specs of {@link PgRecordStore}: one writer process. It opens
 * the store on `argv[3]`, prints `ready`, waits for a line on stdin (so that every writer starts at
 * once), does its work, prints one JSON line with what happened, and exits.
 *
 * - `append URL CONTRACT N TAG`: N times, appends one signature and one audit event to the contract
 *   (one transact batch), reloading and retrying on VERSION_CONFLICT, as the workflow does.
 * - `unique URL N TAG`: inserts N records `TAG-i` holding the unique keys `B0`…`B(N-1)`, and counts
 *   the keys it won and lost (DUPLICATE).
 */
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { chainEvents, isSignetError, writeOp, type AuditHead, type AuditRecord, type StoredRecord } from '@signet/core';
import { PgRecordStore } from './pg-record-store.js';

/** The contract record of the fixture: its signatures and its audit chain head. */
export interface FixtureContract extends StoredRecord {
  signatures: string[];
  audit: AuditHead;
}

/** A record holding unique key `bizNo`. */
export interface FixtureDoc extends StoredRecord {
  bizNo: string;
}

/** The specs the fixture and its spec share: contracts and their audit events in one shard. */
export const FIXTURE_SPECS = {
  contracts: { name: 'contracts' },
  audit: { name: 'audit_events', indexes: { subject: (r: AuditRecord) => r.subject }, shard: (r: AuditRecord) => r.subject },
  docs: { name: 'docs', unique: { bizNo: (d: FixtureDoc) => d.bizNo } },
};

async function main(): Promise<void> {
  const [mode, url, ...args] = process.argv.slice(2);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const store = new PgRecordStore({ pool, ownsPool: true });
  const contracts = store.collection<FixtureContract>(FIXTURE_SPECS.contracts);
  const audit = store.collection<AuditRecord>(FIXTURE_SPECS.audit);
  const docs = store.collection<FixtureDoc>(FIXTURE_SPECS.docs);
  await store.collectionsReady();
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => {
    // Let go of stdin once started, so that the process exits when its work is done.
    const rl = createInterface({ input: process.stdin });
    rl.once('line', () => { rl.close(); process.stdin.destroy(); resolve(); });
  });

  if (mode === 'append') {
    const [contractId, n, tag] = args;
    let conflicts = 0;
    for (let i = 0; i < Number(n); i++) {
      for (;;) {
        const c = (await contracts.get(contractId))!;
        const { head, records } = chainEvents(contractId, c.audit, [{ type: 'signer.signed', actor: { kind: 'signer', id: tag }, data: { by: tag, n: i } }], new Date());
        try {
          await store.transact([
            writeOp.update(contracts, { ...c, signatures: [...c.signatures, `${tag}-${i}`], audit: head }, c.version),
            ...records.map((r) => writeOp.insert(audit, r)),
          ]);
          break;
        } catch (e) {
          if (!isSignetError(e, 'VERSION_CONFLICT')) throw e;
          conflicts++;
        }
      }
    }
    process.stdout.write(`${JSON.stringify({ conflicts })}\n`);
  } else if (mode === 'unique') {
    const [n, tag] = args;
    const won: string[] = [];
    const lost: string[] = [];
    for (let i = 0; i < Number(n); i++) {
      try {
        await docs.insert({ id: `${tag}-${String(i).padStart(3, '0')}`, bizNo: `B${i}` });
        won.push(`B${i}`);
      } catch (e) {
        if (!isSignetError(e, 'DUPLICATE') || e.details?.unique !== 'bizNo') throw e;
        lost.push(`B${i}`);
      }
    }
    process.stdout.write(`${JSON.stringify({ won, lost })}\n`);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  await store.close();
}

// Run only as a program (the spec imports the specs above).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
