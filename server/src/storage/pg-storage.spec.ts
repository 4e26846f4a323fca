import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isSignetError, type StoredRecord } from '@signet/core';
import { createTestDatabase, requirePostgres, tempDir, type TestDatabase } from '@signet/test-support';
import { MasterKey } from './master-key.js';
import { openStorage } from './open-storage.js';
import { openPgStorage } from './pg-storage.js';

interface Doc extends StoredRecord { blob: string; idNumber: string }

describe('storage/openStorage with DATABASE_URL', function () {
  this.timeout(60_000);
  let admin: string;
  let db: TestDatabase;
  let dir: string;
  let cleanup: () => void;
  let masterKey: MasterKey;

  before(async function () {
    admin = await requirePostgres(this);
    db = await createTestDatabase(admin);
    ({ dir, cleanup } = tempDir('signet-pg-storage-'));
    masterKey = MasterKey.load(dir, undefined, true);
  });
  after(async () => {
    await db?.drop();
    cleanup?.();
  });

  it('opens records, blobs, nonces and the field cipher in PostgreSQL, shared by two processes at once, with nothing in the data directory', async () => {
    const a = await openStorage({ dataDir: dir, masterKey, databaseUrl: db.url });
    const b = await openStorage({ dataDir: dir, masterKey, databaseUrl: db.url, postgres: { poolMax: 2 } });
    try {
      assert.equal(a.kind, 'postgres');
      assert.ok(a.nonces && a.pool);
      const id = await a.blobs.put(Buffer.from('%PDF-1.7 合同'));
      await a.records.collection<Doc>({ name: 'docs' }).insert({ id: 'd1', blob: id, idNumber: a.cipher.encrypt('11010519491231002X', 'idNumber') });
      const d = (await b.records.collection<Doc>({ name: 'docs' }).get('d1'))!;
      assert.equal(Buffer.from(await b.blobs.get(d.blob)).toString(), '%PDF-1.7 合同');
      assert.equal(b.cipher.decrypt(d.idNumber, 'idNumber'), '11010519491231002X');
      assert.equal(existsSync(join(dir, 'records')), false);
      assert.equal(existsSync(join(dir, 'blobs')), false);
      assert.deepEqual(await a.check(), { ok: true, detail: 'postgres schema version 1' });
      assert.equal(await a.exclusive('seed', async () => 'ran'), 'ran');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps blobs as files in a shared directory when asked (SIGNET_BLOB_DIR)', async () => {
    const shared = join(dir, 'shared-blobs');
    const s = await openStorage({ dataDir: dir, masterKey, databaseUrl: db.url, blobDir: shared });
    try {
      const id = await s.blobs.put(Buffer.from('on the shared volume'));
      assert.ok(existsSync(join(shared, id.slice(0, 2), id.slice(2, 4), id)));
    } finally {
      await s.close();
    }
  });

  it('reports not ready once the database is gone, and refuses to open an unreachable or malformed DATABASE_URL', async () => {
    const other = await createTestDatabase(admin);
    const s = await openStorage({ dataDir: dir, masterKey, databaseUrl: other.url, postgres: { connectTimeoutMs: 1000 } });
    await other.drop();
    assert.deepEqual(await s.check(), { ok: false, detail: 'database unreachable' });
    await s.close();
    await assert.rejects(openStorage({ dataDir: dir, masterKey, databaseUrl: 'postgres://postgres@127.0.0.1:1/none', postgres: { connectTimeoutMs: 1000 } }),
      (e) => isSignetError(e, 'STORAGE_UNAVAILABLE') && /DATABASE_URL/.test(e.message) && !/secret/.test(e.message));
    await assert.rejects(openStorage({ dataDir: dir, masterKey, databaseUrl: 'mysql://x' }), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
  });

  it('with migrate off, refuses a database whose schema is behind (SCHEMA_MISMATCH)', async () => {
    const empty = await createTestDatabase(admin);
    try {
      await assert.rejects(openPgStorage({ databaseUrl: empty.url, masterKey, migrate: false }), (e) => isSignetError(e, 'SCHEMA_MISMATCH'));
    } finally {
      await empty.drop();
    }
  });
});
