import assert from 'node:assert/strict';
import { startPlatformServer, type PlatformServer } from './platform-server.js';

describe('testing/startPlatformServer', () => {
  let srv: PlatformServer;
  before(async () => { srv = await startPlatformServer(); });
  after(async () => { await srv?.close(); });

  it('logs the demo admin in over HTTP, as a super admin of the demo enterprise', async () => {
    const admin = await srv.demoAdmin();
    const res = await admin.fetch('/api/v1/auth/whoami');
    assert.equal(res.status, 200);
    const who = (await res.json()) as { actor: { kind: string; roles: string[]; enterpriseId: string } };
    assert.equal(who.actor.kind, 'member');
    assert.deepEqual(who.actor.roles, ['super_admin']);
    assert.equal(who.actor.enterpriseId, srv.demo!.enterprise.id);
  });

  it('sends login codes through the dev message log, never the request log', async () => {
    const c = srv.session();
    const sent = await c.fetch('/api/v1/auth/otp', { json: { mobile: '13800138001' } });
    assert.equal(sent.status, 202, await sent.clone().text());
    const code = await srv.lastCode('13800138001');
    assert.match(code, /^\d{6}$/);
    const login = await c.fetch('/api/v1/auth/login/otp', { json: { mobile: '13800138001', code } });
    assert.equal(login.status, 200, await login.clone().text());
    assert.ok(!srv.logs.join('\n').includes(code));
    assert.ok(!srv.logs.join('\n').includes('13800138001'));
  });
});
