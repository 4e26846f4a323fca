import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { isSignetError } from '@signet/core';
import { createTestDatabase, requirePostgres, tempDir, type TestDatabase } from '@signet/test-support';
import { MIGRATIONS_DIR, loadMigrations, migrateDatabase, schemaStatus } from './pg-migrations.js';

const FIXTURE = fileURLToPath(new URL('./pg-migrations.fixture.ts', import.meta.url));

describe('storage/migrateDatabase', function () {
  this.timeout(120_000);
  let admin: string;
  let tmp: { dir: string; cleanup: () => void };
  const dbs: TestDatabase[] = [];
  const pools: pg.Pool[] = [];
  const fresh = async () => {
    const db = await createTestDatabase(admin);
    dbs.push(db);
    const pool = new pg.Pool({ connectionString: db.url, max: 4 });
    pools.push(pool);
    return { db, pool };
  };
  /** A directory of migration files `name → sql`. */
  const filesDir = (name: string, files: Record<string, string>) => {
    const dir = join(tmp.dir, name);
    mkdirSync(dir, { recursive: true });
    for (const [f, sql] of Object.entries(files)) writeFileSync(join(dir, f), sql);
    return dir;
  };

  before(async function () {
    admin = await requirePostgres(this);
    tmp = tempDir('signet-migrations-');
  });
  after(async () => {
    await Promise.allSettled(pools.map((p) => p.end()));
    await Promise.allSettled(dbs.map((d) => d.drop()));
    tmp?.cleanup();
  });

  it('applies Signet\'s migrations in order, records each with its checksum, and applies nothing the second time', async () => {
    const { pool } = await fresh();
    const known = loadMigrations(MIGRATIONS_DIR);
    assert.equal(known[0].version, 1);
    assert.equal(known[0].name, 'init');
    assert.deepEqual(await schemaStatus(pool), { version: 0, latest: known.length, current: false });
    const first = await migrateDatabase(pool);
    assert.deepEqual(first.applied.map((m) => m.version), known.map((m) => m.version));
    const again = await migrateDatabase(pool);
    assert.deepEqual(again.applied, []);
    const { rows } = await pool.query('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
    assert.deepEqual(rows, known.map((m) => ({ version: m.version, name: m.name, checksum: m.checksum })));
    assert.equal((await schemaStatus(pool)).current, true);
    const tables = await pool.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
    assert.deepEqual(tables.rows.map((r) => r.table_name), ['blobs', 'job_keys', 'nonces', 'record_collections', 'record_index_keys', 'record_unique_keys', 'records', 'schema_migrations']);
  });

  it('applies each migration exactly once when several processes start at once', async () => {
    const { db, pool } = await fresh();
    // Not idempotent (a second CREATE TABLE fails) and slow, so that the starters really overlap.
    const dir = filesDir('concurrent', {
      '0001_first.sql': 'CREATE TABLE t1 (n int); SELECT pg_sleep(0.5); INSERT INTO t1 VALUES (1);',
      '0002_second.sql': 'CREATE TABLE t2 (n int); INSERT INTO t2 SELECT n + 1 FROM t1;',
    });
    const starters = await Promise.all(Array.from({ length: 4 }, () => new Promise<{ go: () => void; applied: Promise<number[]> }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, db.url, dir], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d) => { stderr += d; });
      let done!: (v: number[]) => void;
      let failed!: (e: Error) => void;
      const applied = new Promise<number[]>((res, rej) => { done = res; failed = rej; });
      child.once('exit', (code) => { if (code !== 0) { const e = new Error(`starter exited ${code}: ${stderr}`); failed(e); reject(e); } });
      createInterface({ input: child.stdout! }).on('line', (l) => {
        if (l === 'ready') resolve({ go: () => child.stdin!.write('go\n'), applied });
        else done(JSON.parse(l) as number[]);
      });
    })));
    for (const s of starters) s.go();
    const results = await Promise.all(starters.map((s) => s.applied));
    assert.deepEqual(results.flat().sort(), [1, 2], JSON.stringify(results));
    assert.equal(results.filter((r) => r.length === 0).length, 3);
    const { rows } = await pool.query('SELECT n FROM t2');
    assert.deepEqual(rows, [{ n: 2 }]);
    assert.equal((await pool.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0].n, 2);
  });

  it('rolls back a failing migration completely and says which one failed (SCHEMA_MISMATCH)', async () => {
    const { pool } = await fresh();
    const dir = filesDir('failing', {
      '0001_ok.sql': 'CREATE TABLE a (n int);',
      '0002_bad.sql': 'CREATE TABLE b (n int); INSERT INTO nowhere VALUES (1);',
    });
    await assert.rejects(migrateDatabase(pool, loadMigrations(dir)), (e) => isSignetError(e, 'SCHEMA_MISMATCH') && /0002_bad\.sql failed and was rolled back/.test(e.message));
    const { rows } = await pool.query("SELECT to_regclass('b') AS b, to_regclass('a') AS a");
    assert.deepEqual(rows[0], { a: 'a', b: null });
    assert.equal((await schemaStatus(pool, loadMigrations(dir))).version, 1);
  });

  it('refuses a database migrated by a newer Signet, or whose applied file changed (SCHEMA_MISMATCH)', async () => {
    const { pool } = await fresh();
    const v2 = filesDir('v2', { '0001_a.sql': 'CREATE TABLE a (n int);', '0002_b.sql': 'CREATE TABLE b (n int);' });
    const v1 = filesDir('v1', { '0001_a.sql': 'CREATE TABLE a (n int);' });
    const edited = filesDir('edited', { '0001_a.sql': 'CREATE TABLE a (n bigint);' });
    await migrateDatabase(pool, loadMigrations(v2));
    await assert.rejects(migrateDatabase(pool, loadMigrations(v1)), (e) => isSignetError(e, 'SCHEMA_MISMATCH') && /newer than this Signet/.test(e.message));
    await assert.rejects(migrateDatabase(pool, loadMigrations(edited)), (e) => isSignetError(e, 'SCHEMA_MISMATCH') && /was changed after it was applied/.test(e.message));
  });

  it('refuses migration files that are misnamed or leave a gap', () => {
    assert.throws(() => loadMigrations(filesDir('misnamed', { '1_init.sql': '' })), /NNNN_name\.sql/);
    assert.throws(() => loadMigrations(filesDir('gap', { '0001_a.sql': '', '0003_c.sql': '' })), /without gaps/);
  });
});
