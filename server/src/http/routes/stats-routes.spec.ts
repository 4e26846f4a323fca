/**
 * `GET /api/v1/stats` on the real server: contracts sent, completed (signed by the demo admin with
 * the company seal after a signing-password check) and rejected show on today's bar, with the time
 * to complete; a member sees only what they sent; another tenant's contracts never count. And the
 * day arithmetic itself, on records placed around midnight in China Standard Time.
 */
import assert from 'node:assert/strict';
import type { ContractRecord } from '@signet/core';
import { seedDemoExtras } from '../../demo/seed-demo-extras.js';
import { startPlatformServer, type PlatformServer } from '../../testing/platform-server.js';
import type { SessionClient } from '../../testing/session-client.js';
import { contractStats, dayAt, type ContractStats } from './stats-routes.js';
import { apiError, demoClient, json, otherTenant, samplePdf, type OtherTenant } from './tenant-fixtures.js';

describe('stats routes: GET /api/v1/stats', function () {
  this.timeout(120_000);
  let srv: PlatformServer;
  let admin: SessionClient;
  let other: OtherTenant;
  let sealId: string;

  before(async () => {
    srv = await startPlatformServer();
    sealId = (await seedDemoExtras(srv.platform, srv.demo!)).seals[0].id;
    admin = await srv.demoAdmin();
    other = await otherTenant(srv);
  });
  after(() => srv?.close());

  /** Uploads a PDF and sends a contract with one signer, as `who`. */
  const send = async (who: SessionClient, title: string, signer: Record<string, unknown>): Promise<string> => {
    const file = await json<{ fileId: string }>(await who.fetch('/api/v1/files?name=a.pdf', { method: 'POST', body: samplePdf() as Uint8Array<ArrayBuffer>, headers: { 'content-type': 'application/pdf' } }), 201);
    const c = await json<{ id: string }>(await who.fetch('/api/v1/contracts', { json: { title, documents: [{ fileId: file.fileId }], signers: [signer], send: true } }), 201);
    return c.id;
  };
  const company = () => ({ kind: 'organization', name: srv.demo!.enterprise.name, enterpriseId: srv.demo!.enterprise.id, seal: sealId, fields: [{ page: 1, rect: { x: 380, y: 80, w: 113, h: 113 } }] });

  it('counts today\'s sent, completed and rejected contracts of the enterprise for an admin, with the time to complete', async () => {
    const before = await json<ContractStats>(await admin.fetch('/api/v1/stats?days=7'), 200);
    assert.equal(before.scope, 'enterprise');
    assert.equal(before.days.length, 7);
    assert.equal(before.to, dayAt(Date.now(), 480));
    assert.equal(before.totals.sent, 0);
    assert.equal(before.averageCompletionSeconds, undefined, 'no average without a completed contract');

    const signed = await send(admin, '统计：已完成', company());
    const challenge = await json<{ challengeId: string }>(await admin.fetch('/api/v1/willingness', { json: { contractIds: [signed], method: 'password' } }), 201);
    const proof = await json<{ proofId: string }>(await admin.fetch(`/api/v1/willingness/${challenge.challengeId}/confirm`, { json: { password: '135790' } }), 200);
    const done = await json<{ state: string }>(await admin.fetch(`/api/v1/contracts/${signed}/sign`, { json: { proofId: proof.proofId, seal: sealId } }), 200);
    assert.equal(done.state, 'completed');
    const rejected = await send(admin, '统计：已拒签', company());
    await json(await admin.fetch(`/api/v1/contracts/${rejected}/reject`, { json: { reason: '条款有误' } }), 200);
    await send(admin, '统计：签署中', company());
    // Another tenant's contract never counts here.
    await send(other.admin, '其他企业的合同', { kind: 'person', name: '钱其他', mobile: '13700009999' });

    const after = await json<ContractStats>(await admin.fetch('/api/v1/stats?days=7'), 200);
    const today = after.days[after.days.length - 1];
    assert.deepEqual({ ...today, date: undefined }, { date: undefined, sent: 3, completed: 1, rejected: 1 });
    assert.deepEqual(after.totals, { sent: 3, completed: 1, rejected: 1, signing: 1 });
    assert.ok(after.days.slice(0, -1).every((d) => d.sent + d.completed + d.rejected === 0), 'the earlier days are empty');
    assert.equal(typeof after.averageCompletionSeconds, 'number');
    assert.ok(after.averageCompletionSeconds! >= 0 && after.averageCompletionSeconds! < 120, `a contract signed at once completes within seconds (${after.averageCompletionSeconds})`);
    assert.equal(after.medianCompletionSeconds, after.averageCompletionSeconds, 'one completed contract: the median is the mean');

    const theirs = await json<ContractStats>(await other.admin.fetch('/api/v1/stats'), 200);
    assert.equal(theirs.totals.sent, 1);
    assert.equal(theirs.days.length, 30, 'thirty days by default');
  });

  it('shows a member who is not an admin only the contracts they sent', async () => {
    const member = await demoClient(srv, 'member');
    const none = await json<ContractStats>(await member.fetch('/api/v1/stats'), 200);
    assert.equal(none.scope, 'mine');
    assert.equal(none.totals.sent, 0, 'the admin\'s contracts are not the member\'s');
    await send(member, '成员发起的合同', { kind: 'person', name: '孙外部', mobile: '13700008888' });
    const mine = await json<ContractStats>(await member.fetch('/api/v1/stats'), 200);
    assert.deepEqual(mine.totals, { sent: 1, completed: 0, rejected: 0, signing: 1 });
  });

  it('refuses a window outside 1–366 days, and callers without a session', async () => {
    await apiError(await admin.fetch('/api/v1/stats?days=0'), 400, 'INVALID_ARGUMENT');
    await apiError(await admin.fetch('/api/v1/stats?days=400'), 400, 'INVALID_ARGUMENT');
    await apiError(await fetch(`${srv.baseUrl}/api/v1/stats`), 401, 'AUTH_REQUIRED');
  });

  it('puts each event on its calendar day at the UTC offset asked for', () => {
    const rec = (o: Partial<ContractRecord>) => ({ kind: 'contract', state: 'completed', ...o }) as ContractRecord;
    const contracts = [
      // 23:30 on 14 Jan in UTC is 07:30 on 15 Jan in Shanghai.
      rec({ sentAt: '2025-01-14T23:30:00Z', completedAt: '2025-01-15T01:30:00Z' }),
      rec({ sentAt: '2025-01-15T15:59:00Z', completedAt: '2025-01-15T16:01:00Z' }),
      rec({ state: 'rejected', sentAt: '2025-01-13T10:00:00Z', endedAt: '2025-01-15T16:30:00Z' }),
      rec({ kind: 'invalidation', sentAt: '2025-01-15T10:00:00Z', completedAt: '2025-01-15T11:00:00Z' }),
      rec({ state: 'signing', sentAt: '2025-01-01T10:00:00Z' }),
    ];
    const s = contractStats(contracts, { now: new Date('2025-01-16T03:00:00Z'), days: 3, offsetMinutes: 480, scope: 'enterprise' });
    assert.deepEqual(s.days, [
      { date: '2025-01-14', sent: 0, completed: 0, rejected: 0 },
      { date: '2025-01-15', sent: 2, completed: 1, rejected: 0 },
      { date: '2025-01-16', sent: 0, completed: 1, rejected: 1 },
    ]);
    assert.deepEqual(s.totals, { sent: 2, completed: 2, rejected: 1, signing: 1 });
    assert.equal(s.averageCompletionSeconds, (7200 + 120) / 2);
    const utc = contractStats(contracts, { now: new Date('2025-01-16T03:00:00Z'), days: 3, offsetMinutes: 0, scope: 'enterprise' });
    assert.deepEqual(utc.days.map((d) => [d.date, d.sent]), [['2025-01-14', 1], ['2025-01-15', 1], ['2025-01-16', 0]]);
  });
});
