import assert from 'node:assert/strict';
import { join } from 'node:path';
import pg from 'pg';
import { seedDemo, type StoredRecord } from '@signet/core';
import { TEST_SCRYPT_PARAMS } from '@signet/core/testing';
import { cjkFontBytes, createTestDatabase, repoRoot, requirePostgres, run, tempDir, type RunResult, type TestDatabase } from '@signet/test-support';
import { openInstallation, type Installation } from '../installation.js';
import { openPlatform } from '../platform.js';
import { LowdbRecordStore } from '../storage/lowdb-record-store.js';
import { PgBossJobQueue } from '../jobs/pg-boss-job-queue.js';

const bin = join(repoRoot, 'server', 'bin', 'signet.js');

interface Note extends StoredRecord { owner: string; text: string; tags: string[] }
const NOTES = { name: 'migrate_notes', unique: { owner: (n: Note) => `${n.owner}\u0000note` }, indexes: { tag: (n: Note) => n.tags } };

describe('signet migrate --from lowdb --to postgres', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  let dir: string;
  let data: string;
  let cleanup: () => void;
  let installation: Installation;
  let blobIds: string[];
  let demoLogin: { mobile: string; password: string };
  const migrate = (...extra: string[]): RunResult => run(process.execPath, [bin, 'migrate', '--from', 'lowdb', '--to', db.url, '--data', data, ...extra]);

  before(async function () {
    const admin = await requirePostgres(this);
    db = await createTestDatabase(admin);
    ({ dir, cleanup } = tempDir('signet-migrate-'));
    data = join(dir, 'data');
    // A real embedded installation: the demo enterprise, blobs, a collection with composite keys, a pending job.
    installation = openInstallation({ dataDir: data, create: true, baseUrl: 'http://127.0.0.1:1' });
    const platform = await openPlatform({ installation, baseUrl: 'http://127.0.0.1:1', font: cjkFontBytes(), scrypt: TEST_SCRYPT_PARAMS });
    const demo = await seedDemo({ directory: platform.directory, realName: platform.realName, passwords: platform.passwords });
    demoLogin = demo.login;
    const notes = platform.deps.records.collection<Note>(NOTES);
    for (let i = 0; i < 1203; i++) await notes.insert({ id: `n${String(i).padStart(5, '0')}`, owner: `u${i}`, text: `合同 ${i} \u0000 ${'x'.repeat(i % 50)}`, tags: [`t${i % 7}`, 'all'] });
    blobIds = [];
    for (let i = 0; i < 5; i++) blobIds.push(await platform.deps.blobs.put(Buffer.from(`%PDF-1.7 blob ${i} ${'y'.repeat(i * 1000)}`)));
    await platform.queue.enqueue('reminder.send', { contract: 'ct_1' }, { idempotencyKey: 'remind-ct_1', runAt: new Date(Date.now() + 3_600_000) });
    await platform.close();
  });
  after(async () => {
    await db?.drop();
    cleanup?.();
  });

  it('copies every collection, blob and pending job, verifies counts and hashes, and the server then runs on the copy', async () => {
    const r = migrate();
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /Migration verified/);
    assert.match(r.stdout, /^migrate_notes\s+1203\s+1203\s+1203\s+0\s+0\s+ok$/m);
    assert.match(r.stdout, /^blobs: source 5, copied 5, .*: ok$/m);
    assert.match(r.stdout, /jobs handed to the PostgreSQL queue: 1/);
    assert.match(r.stderr, /Migrating 记录 records migrate_notes: 1203\/1203/);
    assert.doesNotMatch(r.stdout, /MISMATCH/);

    // The platform on PostgreSQL finds everything through keys rebuilt from the specs.
    const platform = await openPlatform({ installation, baseUrl: 'http://127.0.0.1:1', font: cjkFontBytes(), scrypt: TEST_SCRYPT_PARAMS, databaseUrl: db.url });
    try {
      assert.equal(platform.storage.kind, 'postgres');
      const session = await platform.login.loginWithPassword(demoLogin.mobile, demoLogin.password);
      assert.ok(session);
      const notes = platform.deps.records.collection<Note>(NOTES);
      assert.equal((await notes.getBy('owner', 'u77\u0000note'))!.id, 'n00077');
      assert.equal(await notes.count('tag', 'all'), 1203);
      assert.equal((await notes.get('n00042'))!.text, `合同 42 \u0000 ${'x'.repeat(42)}`);
      for (const [i, id] of blobIds.entries()) assert.equal(Buffer.from(await platform.deps.blobs.get(id)).toString(), `%PDF-1.7 blob ${i} ${'y'.repeat(i * 1000)}`);
    } finally {
      await platform.close();
    }
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      const { rows } = await pool.query("SELECT job_id FROM job_keys WHERE type = 'reminder.send' AND key = 'remind-ct_1'");
      const queue = new PgBossJobQueue({ pool });
      const job = (await queue.get(rows[0].job_id))!;
      assert.equal(job.state, 'queued');
      assert.deepEqual(job.payload, { contract: 'ct_1' });
      await queue.stop();
    } finally {
      await pool.end();
    }
  });

  it('skips what is already there when run again', () => {
    const r = migrate();
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^migrate_notes\s+1203\s+1203\s+0\s+1203\s+0\s+ok$/m);
    assert.match(r.stdout, /^blobs: source 5, copied 0, already there 5, damaged in target 0, /m);
    assert.match(r.stdout, /jobs handed to the PostgreSQL queue: 1/); // the same key: still one job
  });

  it('detects a corrupted copy (a changed record, a damaged blob), leaves it without --force, and repairs it with --force', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      await pool.query(`UPDATE records SET data = json_build_object('id', 'n00500', 'owner', 'u500', 'text', 'tampered', 'tags', json_build_array('all'), 'version', 1)
        WHERE collection = 'migrate_notes' AND id = 'n00500'`);
      await pool.query("UPDATE blobs SET envelope = overlay(envelope placing '\\x00'::bytea from 90) WHERE id = $1", [blobIds[2]]);

      const refused = migrate();
      assert.equal(refused.status, 1);
      assert.match(refused.stdout, /^migrate_notes\s+1203\s+1203\s+0\s+1202\s+1\s+MISMATCH$/m);
      assert.match(refused.stdout, /migrate_notes: differ n00500/);
      assert.match(refused.stdout, /damaged in target 1/);
      const err = refused.stderr.trim().split('\n').filter((l) => !/Migrating/.test(l));
      assert.equal(err.length, 1, refused.stderr);
      assert.match(err[0], /--force.*\[MIGRATION_CONFLICT\]$/);
      const still = await pool.query("SELECT data FROM records WHERE collection = 'migrate_notes' AND id = 'n00500'");
      assert.equal(still.rows[0].data.text, 'tampered', 'left as it was');

      const forced = migrate('--force');
      assert.equal(forced.status, 0, forced.stderr + forced.stdout);
      assert.match(forced.stdout, /overwritten 1/);
      assert.match(forced.stdout, /replaced 1/);
      assert.equal(migrate().status, 0, 'verified afterwards');
      const fixed = await pool.query("SELECT data FROM records WHERE collection = 'migrate_notes' AND id = 'n00500'");
      assert.equal(fixed.rows[0].data.text, `合同 500 \u0000 ${'x'.repeat(0)}`);
    } finally {
      await pool.end();
    }
  });

  it('refuses to run while a server holds the embedded store (STORE_LOCKED), and bad options, with one line', async () => {
    const held = await LowdbRecordStore.open({ dir: join(data, 'records') });
    try {
      const r = migrate();
      assert.equal(r.status, 1);
      assert.match(r.stderr.trim(), /^signet: .*Stop that process first.*\[STORE_LOCKED\]$/);
    } finally {
      await held.close();
    }
    const bad = run(process.execPath, [bin, 'migrate', '--from', 'mongo', '--to', db.url, '--data', data]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr.trim(), /^signet: --from must be lowdb.*\[INVALID_ARGUMENT\]$/);
    const noTo = run(process.execPath, [bin, 'migrate', '--from', 'lowdb', '--data', data]);
    assert.match(noTo.stderr.trim(), /^signet: --to must be the PostgreSQL URL.*\[INVALID_ARGUMENT\]$/);
  });

  it('keeps the embedded queue\'s job records as records too', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      const { rows } = await pool.query("SELECT count(*)::int AS n FROM records WHERE collection = 'jobs'");
      assert.equal(rows[0].n, 1);
    } finally {
      await pool.end();
    }
  });
});
