import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '@signet/test-support';
import { createApp } from '../app.js';
import { openInstallation, type Installation } from '../installation.js';
import { runReadinessChecks, type ReadinessReport } from './readiness.js';

describe('cluster/runReadinessChecks', () => {
  it('is ready only when every check passes, and fails a check that throws or does not answer in time', async () => {
    assert.deepEqual(await runReadinessChecks({ a: () => ({ ok: true, detail: 'fine' }) }), { ready: true, checks: { a: { ok: true, detail: 'fine' } } });
    const r = await runReadinessChecks({
      a: async () => ({ ok: true, detail: 'fine' }),
      b: async () => { throw new Error('connect ECONNREFUSED 10.1.2.3:5432'); },
      c: () => new Promise(() => undefined),
    }, 50);
    assert.equal(r.ready, false);
    assert.deepEqual(r.checks.b, { ok: false, detail: 'check failed' }, 'no error text (host names) in the public answer');
    assert.deepEqual(r.checks.c, { ok: false, detail: 'no answer within 50 ms' });
  });
});

describe('GET /readyz', function () {
  this.timeout(60_000);
  let installation: Installation;
  let cleanup: () => void;
  before(() => {
    const t = tempDir('signet-readyz-');
    cleanup = t.cleanup;
    installation = openInstallation({ dataDir: join(t.dir, 'data'), create: true, baseUrl: 'http://127.0.0.1:1' });
  });
  after(() => cleanup?.());

  const serve = async (report: ReadinessReport | undefined) => {
    const app = createApp({ installation, checkContract: true, readiness: report ? async () => report : undefined });
    const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
    const body = (await res.json()) as { status?: string; code?: string; message: string; checks?: unknown };
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    return { status: res.status, body, cache: res.headers.get('cache-control') };
  };

  it('answers 200 with each check when ready', async () => {
    const r = await serve({ ready: true, checks: { storage: { ok: true, detail: 'postgres schema version 1' }, platform: { ok: true, detail: 'started' } } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'ready', checks: { storage: { ok: true, detail: 'postgres schema version 1' }, platform: { ok: true, detail: 'started' } } });
  });

  it('answers 503, not cached, while not ready (starting, shutting down, storage down)', async () => {
    const r = await serve({ ready: false, checks: { storage: { ok: false, detail: 'database unreachable' }, platform: { ok: true, detail: 'started' } } });
    assert.equal(r.status, 503);
    assert.equal(r.body.code, 'NOT_READY');
    assert.match(r.body.message, /storage \(database unreachable\)/);
    assert.doesNotMatch(r.body.message, /platform/, 'only the failing checks are named');
    assert.equal(r.cache, 'no-store');
  });

  it('answers ready for an app built without a platform (nothing to wait for)', async () => {
    const r = await serve(undefined);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'ready', checks: {} });
  });
});
