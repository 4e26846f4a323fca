import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { isSignetError } from '@signet/core';
import { createTestDatabase, requirePostgres, tempDir, type TestDatabase } from '@signet/test-support';
import { EncryptedFileBlobStore } from './encrypted-file-blob-store.js';
import { MasterKey } from './master-key.js';
import { migrateDatabase } from './pg-migrations.js';
import { PgBlobStore, openBlob, sealBlob } from './pg-blob-store.js';

describe('storage/PgBlobStore', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let poolA: pg.Pool;
  let poolB: pg.Pool;
  let dir: string;
  let cleanup: () => void;
  let key: MasterKey;
  let a: PgBlobStore;
  let b: PgBlobStore;

  before(async function () {
    const admin = await requirePostgres(this);
    db = await createTestDatabase(admin);
    poolA = new pg.Pool({ connectionString: db.url, max: 4 });
    poolB = new pg.Pool({ connectionString: db.url, max: 4 });
    await migrateDatabase(poolA);
    ({ dir, cleanup } = tempDir('signet-pg-blob-'));
    key = MasterKey.load(dir, undefined, true);
    // Two stores on two pools stand for two server processes sharing the database.
    a = new PgBlobStore({ pool: poolA, masterKey: key });
    b = new PgBlobStore({ pool: poolB, masterKey: key });
  });
  after(async () => {
    await poolA?.end();
    await poolB?.end();
    await db?.drop();
    cleanup?.();
  });

  it('stores content under its SHA-256 and gives it back to another process, encrypted at rest', async () => {
    const pdf = Buffer.from('%PDF-1.7\n劳动合同 labour contract\n%%EOF\n');
    const id = await a.put(pdf);
    assert.equal(id, createHash('sha256').update(pdf).digest('hex'));
    assert.ok(await b.has(id));
    assert.deepEqual(Buffer.from(await b.get(id)), pdf);
    const { rows } = await poolA.query('SELECT size, envelope FROM blobs WHERE id = $1', [id]);
    assert.equal(Number(rows[0].size), pdf.length);
    assert.equal((rows[0].envelope as Buffer).subarray(0, 4).toString('latin1'), 'SGNB');
    assert.equal((rows[0].envelope as Buffer).includes(Buffer.from('labour contract')), false, 'no plaintext in the table');
  });

  it('writes one row for the same bytes put by two processes at once', async () => {
    const bytes = randomBytes(4096);
    const ids = await Promise.all([a.put(bytes), b.put(bytes), a.put(bytes), b.put(bytes)]);
    assert.equal(new Set(ids).size, 1);
    const { rows } = await poolA.query('SELECT count(*)::int AS n FROM blobs WHERE id = $1', [ids[0]]);
    assert.equal(rows[0].n, 1);
  });

  it('round-trips a 20 MB file byte for byte, read in slices', async () => {
    const big = randomBytes(20 * 1024 * 1024);
    const id = await a.put(big);
    assert.ok(Buffer.from(await b.get(id)).equals(big));
  });

  it('answers NOT_FOUND for an absent blob and INVALID_ARGUMENT for an id that is not a SHA-256', async () => {
    await assert.rejects(a.get('0'.repeat(64)), (e) => isSignetError(e, 'NOT_FOUND'));
    await assert.rejects(a.get('../../etc/passwd'), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
    assert.equal(await a.has('f'.repeat(64)), false);
  });

  it('refuses altered bytes and a container moved under another id (INTERNAL), and a different master key', async () => {
    const id = await a.put(Buffer.from('original'));
    const env = (await a.getEnvelope(id))!;
    const flipped = Buffer.from(env);
    flipped[flipped.length - 20] ^= 1;
    await poolA.query('UPDATE blobs SET envelope = $2 WHERE id = $1', [id, flipped]);
    await assert.rejects(b.get(id), (e) => isSignetError(e, 'INTERNAL') && /altered/.test(e.message));
    const other = createHash('sha256').update('other').digest('hex');
    await a.putEnvelope(other, env);
    await assert.rejects(b.get(other), (e) => isSignetError(e, 'INTERNAL'));
    const id2 = await a.put(Buffer.from('second'));
    const stranger = new PgBlobStore({ pool: poolB, masterKey: MasterKey.load(tempDir('signet-other-key-').dir, undefined, true) });
    await assert.rejects(stranger.get(id2), (e) => isSignetError(e, 'INTERNAL'));
  });

  it('uses the container format of EncryptedFileBlobStore: a blob file opens from the table and a row opens as a file', async () => {
    const files = await EncryptedFileBlobStore.open({ dir: `${dir}/blobs`, masterKey: key });
    const fromFile = Buffer.from('written as a file 文件');
    const fid = await files.put(fromFile);
    assert.deepEqual(openBlob(readFileSync(files.pathOf(fid)), fid, key), fromFile);
    await a.putEnvelope(fid, readFileSync(files.pathOf(fid)));
    assert.deepEqual(Buffer.from(await b.get(fid)), fromFile);

    const fromRow = Buffer.from('written as a row 行');
    const rid = createHash('sha256').update(fromRow).digest('hex');
    const path = files.pathOf(rid);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, sealBlob(fromRow, rid, key));
    assert.deepEqual(Buffer.from(await files.get(rid)), fromRow);
  });
});
