import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { EMPTY_HEAD, isSignetError, verifyAuditChain, type AuditRecord, type StoredRecord } from '@signet/core';
import { createTestDatabase, requirePostgres, type TestDatabase } from '@signet/test-support';
import { migrateDatabase } from './pg-migrations.js';
import { FIXTURE_SPECS, type FixtureContract, type FixtureDoc } from './pg-record-store.fixture.js';
import { PgRecordStore } from './pg-record-store.js';
import { recordStoreContract } from './record-store.contract.js';

interface Doc extends StoredRecord { tenant: string; tags?: string[]; blob?: unknown; body?: string; title?: string }

const FIXTURE = fileURLToPath(new URL('./pg-record-store.fixture.ts', import.meta.url));

/** A fixture writer process: resolves once it is connected and waiting for the start line. */
function writer(args: string[]): Promise<{ child: ChildProcess; result: Promise<Record<string, unknown>> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const lines = createInterface({ input: child.stdout! });
  let result!: Promise<Record<string, unknown>>;
  const ready = new Promise<void>((resolveReady, rejectReady) => {
    result = new Promise((resolve, reject) => {
      lines.on('line', (l) => {
        if (l === 'ready') resolveReady();
        else resolve(JSON.parse(l) as Record<string, unknown>);
      });
      child.once('exit', (code) => {
        const err = new Error(`writer ${args[0]} exited with ${code}: ${stderr}`);
        rejectReady(err);
        if (code !== 0) reject(err);
      });
    });
    result.catch(() => undefined);
  });
  return ready.then(() => ({ child, result }));
}

describe('storage/PgRecordStore', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  const pools: pg.Pool[] = [];
  const newPool = (opts: pg.PoolConfig = {}) => {
    const p = new pg.Pool({ connectionString: db.url, max: 8, ...opts });
    pools.push(p);
    return p;
  };

  before(async function () {
    const admin = await requirePostgres(this);
    db = await createTestDatabase(admin);
    const p = newPool();
    await migrateDatabase(p);
  });
  after(async () => {
    await Promise.allSettled(pools.map((p) => p.end()));
    await db?.drop();
  });

  recordStoreContract('PgRecordStore', {
    async open() {
      await pools[0].query('TRUNCATE records, record_unique_keys, record_index_keys, record_collections');
      return new PgRecordStore({ pool: new pg.Pool({ connectionString: db.url, max: 8 }), ownsPool: true });
    },
    async reopen(store) {
      await store.close();
      return new PgRecordStore({ pool: new pg.Pool({ connectionString: db.url, max: 8 }), ownsPool: true });
    },
  });

  describe('JSON', () => {
    let store: PgRecordStore;
    beforeEach(async () => {
      await pools[0].query('TRUNCATE records, record_unique_keys, record_index_keys, record_collections');
      store = new PgRecordStore({ pool: pools[0] });
    });
    afterEach(() => store.close());

    it('stores a record as the JSON text it was written as: key order, NUL characters, and a Date as its ISO string', async () => {
      const docs = store.collection<Doc & { z?: number; a?: string }>({ name: 'docs', unique: { t: (d) => d.tenant } });
      const at = new Date('2026-01-15T08:00:00Z');
      const r = await docs.insert({ id: 'd', z: 1, tenant: 'a\u0000b\\0', a: 'x\u0000y', blob: at, title: undefined });
      assert.equal(r.blob, '2026-01-15T08:00:00.000Z');
      assert.ok(!('title' in r));
      const got = (await docs.get('d'))!;
      assert.deepEqual(Object.keys(got), ['id', 'z', 'tenant', 'a', 'blob', 'version']);
      assert.equal(got.a, 'x\u0000y');
      // NUL in a key is escaped injectively: a\0b\\0 and a\\0b\0 stay two keys.
      assert.equal((await docs.getBy('t', 'a\u0000b\\0'))!.id, 'd');
      await docs.insert({ id: 'e', tenant: 'a\\0b\u0000', a: '' });
      assert.equal((await docs.getBy('t', 'a\\0b\u0000'))!.id, 'e');
      const { rows } = await pools[0].query("SELECT data::text AS t FROM records WHERE collection = 'docs' AND id = 'd'");
      assert.equal(rows[0].t, JSON.stringify({ id: 'd', z: 1, tenant: 'a\u0000b\\0', a: 'x\u0000y', blob: at, version: 1 }));
    });

    it('refuses a record over the size limit (RECORD_TOO_LARGE) and an id with NUL (INVALID_ARGUMENT), storing nothing', async () => {
      const docs = store.collection<Doc>({ name: 'docs' });
      await assert.rejects(docs.insert({ id: 'big', tenant: 't', body: 'x'.repeat(300 * 1024) }), (e) => isSignetError(e, 'RECORD_TOO_LARGE') && /BlobStore/.test(e.message));
      await assert.rejects(docs.insert({ id: 'a\u0000b', tenant: 't' }), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
      assert.deepEqual(await docs.scan(), []);
    });
  });

  describe('key rows', () => {
    it('rebuilds a collection\'s keys once when its key functions change, so a new index finds the old records', async () => {
      await pools[0].query('TRUNCATE records, record_unique_keys, record_index_keys, record_collections');
      const a = new PgRecordStore({ pool: pools[0] });
      const v1 = a.collection<Doc>({ name: 'docs', indexes: { tenant: (d) => d.tenant } });
      for (let i = 0; i < 5; i++) await v1.insert({ id: `d${i}`, tenant: i % 2 ? 'odd' : 'even', tags: [`g${i % 2}`] });
      await a.close();

      const b = new PgRecordStore({ pool: pools[0] });
      const v2 = b.collection<Doc>({ name: 'docs', unique: { first: (d) => (d.id === 'd0' ? 'FIRST' : undefined) }, indexes: { tenant: (d) => `t:${d.tenant}`, tag: (d) => d.tags } });
      assert.deepEqual((await v2.find('tag', 'g1')).map((d) => d.id), ['d1', 'd3']);
      assert.equal(await v2.count('tenant', 't:even'), 3);
      assert.equal(await v2.count('tenant', 'even'), 0, 'the old key rows are gone');
      assert.equal((await v2.getBy('first', 'FIRST'))!.id, 'd0');
      const { rows } = await pools[0].query("SELECT count(*)::int AS n FROM record_collections WHERE collection = 'docs'");
      assert.equal(rows[0].n, 1);
      await b.close();
    });
  });

  describe('several processes', () => {
    let store: PgRecordStore;
    beforeEach(async () => {
      await pools[0].query('TRUNCATE records, record_unique_keys, record_index_keys, record_collections');
      store = new PgRecordStore({ pool: pools[0] });
    });
    afterEach(() => store.close());

    it('lands every signature of two processes writing one contract at once, one version each, with one unforked audit chain', async () => {
      const contracts = store.collection<FixtureContract>(FIXTURE_SPECS.contracts);
      const audit = store.collection<AuditRecord>(FIXTURE_SPECS.audit);
      await contracts.insert({ id: 'ct_1', signatures: [], audit: EMPTY_HEAD });
      const n = 40;
      const writers = await Promise.all(['alice', 'bob'].map((tag) => writer(['append', db.url, 'ct_1', String(n), tag])));
      for (const w of writers) w.child.stdin!.write('go\n');
      const results = await Promise.all(writers.map((w) => w.result));
      const c = (await contracts.get('ct_1'))!;
      assert.equal(c.version, 1 + 2 * n);
      assert.equal(c.signatures.length, 2 * n);
      for (const tag of ['alice', 'bob']) {
        assert.deepEqual(c.signatures.filter((s) => s.startsWith(tag)), Array.from({ length: n }, (_, i) => `${tag}-${i}`), `${tag}'s signatures, in order`);
      }
      const events = await audit.find('subject', 'ct_1');
      assert.equal(events.length, 2 * n);
      const chain = verifyAuditChain(events);
      assert.ok(chain.ok, chain.reason);
      assert.equal(chain.headHash, c.audit.hash);
      assert.equal(c.audit.seq, 2 * n);
      // Both really raced: at least one writer had to reload and retry.
      assert.ok(results.some((r) => (r.conflicts as number) > 0), JSON.stringify(results));
    });

    it('gives each unique key to exactly one of two processes inserting the same keys at once', async () => {
      const docs = store.collection<FixtureDoc>(FIXTURE_SPECS.docs);
      const n = 60;
      const writers = await Promise.all(['p1', 'p2'].map((tag) => writer(['unique', db.url, String(n), tag])));
      for (const w of writers) w.child.stdin!.write('go\n');
      const [a, b] = (await Promise.all(writers.map((w) => w.result))) as { won: string[]; lost: string[] }[];
      assert.equal(a.won.length + b.won.length, n);
      assert.deepEqual([...a.won, ...b.won].sort(), Array.from({ length: n }, (_, i) => `B${i}`).sort());
      assert.deepEqual(a.lost.sort(), b.won.sort());
      assert.equal((await docs.scan()).length, n);
      for (let i = 0; i < n; i++) {
        const holder = (await docs.getBy('bizNo', `B${i}`))!;
        assert.equal(holder.id.startsWith('p1') ? 'p1' : 'p2', a.won.includes(`B${i}`) ? 'p1' : 'p2');
      }
    });
  });

  describe('failures', () => {
    it('answers STORAGE_UNAVAILABLE when the database cannot be reached', async () => {
      const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 2000 });
      const s = new PgRecordStore({ pool, ownsPool: true });
      const docs = s.collection<Doc>({ name: 'docs' });
      await assert.rejects(docs.get('x'), (e) => isSignetError(e, 'STORAGE_UNAVAILABLE') && /DATABASE_URL/.test(e.message));
      await assert.rejects(docs.insert({ id: 'x', tenant: 't' }), (e) => isSignetError(e, 'STORAGE_UNAVAILABLE'));
      await s.close();
    });

    it('answers STORAGE_UNAVAILABLE when a write waits past the statement timeout, and writes nothing', async () => {
      await pools[0].query('TRUNCATE records, record_unique_keys, record_index_keys, record_collections');
      const s = new PgRecordStore({ pool: newPool({ statement_timeout: 300 }) });
      const docs = s.collection<Doc>({ name: 'docs' });
      const d = await docs.insert({ id: 'd', tenant: 't' });
      const blocker = await pools[0].connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query("SELECT 1 FROM records WHERE collection = 'docs' AND id = 'd' FOR UPDATE");
        await assert.rejects(docs.update({ ...d, title: 'late' }, 1), (e) => isSignetError(e, 'STORAGE_UNAVAILABLE') && /statement timeout/.test(e.message));
      } finally {
        await blocker.query('ROLLBACK');
        blocker.release();
      }
      assert.equal((await docs.get('d'))!.version, 1);
      await s.close();
    });
  });
});
