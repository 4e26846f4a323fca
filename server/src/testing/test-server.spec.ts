import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startTestServer } from './test-server.js';

describe('startTestServer()', function () {
  this.timeout(60_000);

  it('serves the real app on 127.0.0.1 from a temporary data dir, and close() stops it and removes the dir', async () => {
    const srv = await startTestServer();
    assert.match(srv.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(existsSync(srv.installation.dataDir));
    const res = await fetch(`${srv.baseUrl}/healthz`);
    assert.deepEqual(await res.json(), { status: 'ok' });
    await srv.close();
    assert.ok(!existsSync(srv.installation.dataDir));
    await assert.rejects(fetch(`${srv.baseUrl}/healthz`));
  });

  it('gives signed and session clients that the server accepts', async () => {
    const srv = await startTestServer();
    try {
      const app = await srv.registerApp('ent_x');
      const who = await srv.signedFetch(app)('/api/v1/auth/whoami');
      assert.equal(who.status, 200);
      const posted = await srv.signedFetch(app)('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new TextEncoder().encode('not a pdf') });
      assert.equal(posted.status, 422);
      const anon = await srv.session().fetch('/api/v1/auth/whoami');
      assert.equal(anon.status, 401);
    } finally {
      await srv.close();
    }
  });
});
