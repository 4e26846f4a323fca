import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, requirePostgres, tempDir, type TestDatabase } from '@signet/test-support';
import { createApp } from '../app.js';
import { RecordAppCredentialStore } from '../auth/app-credential-store.js';
import { signRequest } from '../auth/sign-request.js';
import { defineRoute } from '../http/route.js';
import { openInstallation } from '../installation.js';
import { migrateDatabase } from './pg-migrations.js';
import { PgNonceStore } from './pg-nonce-store.js';
import { PgRecordStore } from './pg-record-store.js';

describe('storage/PgNonceStore', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let poolA: pg.Pool;
  let poolB: pg.Pool;

  before(async function () {
    const admin = await requirePostgres(this);
    db = await createTestDatabase(admin);
    poolA = new pg.Pool({ connectionString: db.url, max: 4 });
    poolB = new pg.Pool({ connectionString: db.url, max: 4 });
    await migrateDatabase(poolA);
  });
  after(async () => {
    await poolA?.end();
    await poolB?.end();
    await db?.drop();
  });

  it('claims a key once, refuses it while it lives, and lets it be claimed again once expired', async () => {
    let t = Date.parse('2026-03-01T00:00:00Z');
    const s = new PgNonceStore({ pool: poolA, now: () => t });
    assert.equal(await s.claim('app_1:n-1', new Date(t + 300_000)), true);
    assert.equal(await s.claim('app_1:n-1', new Date(t + 300_000)), false);
    assert.equal(await s.claim('app_2:n-1', new Date(t + 300_000)), true, 'another app may use the same nonce');
    t += 299_999;
    assert.equal(await s.claim('app_1:n-1', new Date(t + 300_000)), false);
    t += 1;
    assert.equal(await s.claim('app_1:n-1', new Date(t + 300_000)), true);
  });

  it('gives a key to exactly one of many concurrent claims from two processes', async () => {
    const t = Date.now();
    const a = new PgNonceStore({ pool: poolA, now: () => t });
    const b = new PgNonceStore({ pool: poolB, now: () => t });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim('app_1:race', new Date(t + 60_000))));
    assert.equal(results.filter(Boolean).length, 1);
  });

  it('purges expired keys and keeps live ones', async () => {
    let t = Date.parse('2030-01-01T00:00:00Z');
    const s = new PgNonceStore({ pool: poolA, now: () => t, purgeEveryMs: 1 });
    await poolA.query('TRUNCATE nonces');
    await s.claim('old', new Date(t + 1000));
    await s.claim('live', new Date(t + 100_000));
    t += 5000;
    assert.equal(await s.purge(), 1);
    const { rows } = await poolA.query('SELECT key FROM nonces ORDER BY key');
    assert.deepEqual(rows.map((r) => r.key), ['live']);
  });

  it('refuses a signed request replayed to another server process (AUTH_REPLAY)', async () => {
    const { dir, cleanup } = tempDir('signet-pg-nonce-');
    const servers: Server[] = [];
    try {
      const installation = openInstallation({ dataDir: join(dir, 'data'), create: true, baseUrl: 'http://127.0.0.1:1' });
      const urls: string[] = [];
      let reached = 0;
      // Two apps with their own pools and nonce stores: two processes sharing one database.
      for (const pool of [poolA, poolB]) {
        const records = new PgRecordStore({ pool });
        const app = createApp({
          installation, records, nonces: new PgNonceStore({ pool }),
          routes: () => [{
            routes: [defineRoute({
              operationId: 'testPing', method: 'post', path: '/api/v1/test/ping', summary: 'test', tags: ['test'], auth: ['app'],
              body: { kind: 'json', schema: { type: 'object' } },
              responses: { 200: { description: 'ok', schema: { type: 'object' } } },
              handler: () => { reached++; return { ok: true }; },
            })],
          }],
        });
        const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
        servers.push(server);
        urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      }
      const creds = await new RecordAppCredentialStore(new PgRecordStore({ pool: poolA }), installation.masterKey).register({ enterpriseId: 'ent_acme', name: 'OA' });
      const body = JSON.stringify({ hello: '你好' });
      const { headers } = signRequest({ ...creds, method: 'POST', url: `${urls[0]}/api/v1/test/ping`, body, timestamp: Math.floor(Date.now() / 1000) });
      const send = (base: string) => fetch(`${base}/api/v1/test/ping`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const first = await send(urls[0]);
      assert.equal(first.status, 200, await first.clone().text());
      const replay = await send(urls[1]);
      assert.equal(replay.status, 401);
      assert.equal(((await replay.json()) as { code: string }).code, 'AUTH_REPLAY');
      assert.equal(reached, 1);
    } finally {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
      cleanup();
    }
  });
});
