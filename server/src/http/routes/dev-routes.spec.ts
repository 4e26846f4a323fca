import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../app.js';
import { startPlatformServer, type PlatformServer } from '../../testing/platform-server.js';
import { SessionClient } from '../../testing/session-client.js';
import { apiError, demoClient, json, lonePerson, otherTenant, type OtherTenant } from './tenant-fixtures.js';

interface Msg { to: string; template: string; params: Record<string, string>; text: string }

describe('dev routes: /api/v1/dev/messages', function () {
  this.timeout(120_000);
  let srv: PlatformServer;
  let other: OtherTenant;

  before(async () => {
    srv = await startPlatformServer();
    other = await otherTenant(srv);
  });
  after(() => srv?.close());

  it('shows an admin the latest codes sent to their enterprise\'s members, and nothing sent to anyone else', async () => {
    const outsider = await lonePerson(srv);
    for (const mobile of ['13800138002', outsider.mobile]) assert.equal((await srv.session().fetch('/api/v1/auth/otp', { json: { mobile } })).status, 202);
    const admin = await srv.demoAdmin();
    const got = await json<{ items: Msg[] }>(await admin.fetch('/api/v1/dev/messages'), 200);
    assert.equal(got.items[0].to, '13800138002');
    assert.equal(got.items[0].params.code, await srv.lastCode('13800138002'));
    assert.ok(!got.items.some((m) => m.to === outsider.mobile));
    const filtered = await json<{ items: Msg[] }>(await admin.fetch('/api/v1/dev/messages?to=13800138001'), 200);
    assert.deepEqual(filtered.items, []);
    assert.deepEqual((await json<{ items: Msg[] }>(await other.admin.fetch('/api/v1/dev/messages'), 200)).items.filter((m) => m.to.startsWith('138')), []);
  });

  it('shows a member who is not an admin only their own messages, so no one reads an admin\'s login code', async () => {
    assert.equal((await srv.session().fetch('/api/v1/auth/otp', { json: { mobile: '13800138000' } })).status, 202);
    const member = await demoClient(srv, 'member');
    const got = await json<{ items: Msg[] }>(await member.fetch('/api/v1/dev/messages'), 200);
    assert.ok(got.items.length > 0);
    assert.ok(got.items.every((m) => m.to === '13800138002'));
    await apiError(await member.fetch('/api/v1/dev/messages?limit=0'), 400, 'INVALID_ARGUMENT');
    await apiError(await fetch(`${srv.baseUrl}/api/v1/dev/messages`), 401, 'AUTH_REQUIRED');
  });

  it('does not exist when messages go to a real SMS gateway', async () => {
    const app = createApp({ installation: srv.installation, platform: { ...srv.platform, devMessages: undefined } as typeof srv.platform });
    const server = await new Promise<Server>((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    try {
      const c = new SessionClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      await c.login('13800138000', 'Signet@2026');
      await apiError(await c.fetch('/api/v1/dev/messages'), 404, 'NOT_FOUND');
    } finally {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    }
  });
});
