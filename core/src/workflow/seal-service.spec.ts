import assert from 'node:assert/strict';
import { cjkFontBytes } from '@signet/test-support';
import { isSignetError, type ErrorCode } from '../errors.js';
import { verifyAuditChain } from '../evidence/audit-chain.js';
import type { Actor } from '../directory/actor.js';
import { contractPdf, ENT_A, ENT_B, makeKit, type Kit } from './test-fixtures.js';

const font = cjkFontBytes();
const DAY = 86_400_000;

async function rejectsCode(p: Promise<unknown>, code: ErrorCode, re?: RegExp): Promise<void> {
  await assert.rejects(p, (e) => isSignetError(e, code) && (!re || re.test((e as Error).message)));
}

/** A one-page contract A sends for its own seal. */
async function sealContract(kit: Kit, sealId?: string, actor: Actor = kit.actors.alice) {
  return (await kit.wf.contracts.create(actor, {
    title: '用印', send: true,
    files: [{ name: 'a.pdf', pdf: contractPdf(font, '用印', 1) }],
    signers: [{ kind: 'organization', name: '上海示例科技有限公司', enterpriseId: ENT_A, ...(sealId ? { seal: sealId } : {}), fields: [{ page: 1, rect: { x: 300, y: 100, w: 120, h: 120 } }] }],
  })).contract;
}

describe('workflow/SealService', function () {
  this.timeout(120_000);

  it('lets seal admins (and above) manage seals, and only them', async () => {
    const kit = makeKit({ font });
    const { sealAdmin, bob, alice, appA } = kit.actors;
    await rejectsCode(kit.wf.seals.create(bob, { name: '公章', category: 'official', spec: {} }), 'FORBIDDEN', /seal admin/);
    const a = await kit.wf.seals.create(alice, { name: '公章', category: 'official', spec: { shape: 'round' } });
    const b = await kit.wf.seals.create(appA, { name: '合同专用章', category: 'contract', spec: { shape: 'round' } });
    await rejectsCode(kit.wf.seals.grant(bob, a.id, { userId: 'u_bob' }), 'FORBIDDEN');
    await rejectsCode(kit.wf.seals.setEnabled(bob, a.id, false), 'FORBIDDEN');
    assert.deepEqual((await kit.wf.seals.list(bob)).map((s) => s.id), [a.id, b.id], 'every member may see the seals');
    await rejectsCode(kit.wf.seals.create(sealAdmin, { name: '', category: 'official', spec: {} }), 'INVALID_ARGUMENT');
    await rejectsCode(kit.wf.seals.create(sealAdmin, { name: 'x', category: 'nonsense' as 'official', spec: {} }), 'INVALID_ARGUMENT', /seal category/);
    await rejectsCode(kit.wf.seals.create(sealAdmin, { name: 'x', category: 'official' }), 'INVALID_ARGUMENT', /either/);
    await rejectsCode(kit.wf.seals.create(kit.actors.dave, { name: 'x', category: 'official', spec: {} }), 'FORBIDDEN');
  });

  it('stores an uploaded seal image as a blob and refuses what is not PNG, JPEG or SVG', async () => {
    const kit = makeKit({ font });
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="red"/></svg>');
    const s = await kit.wf.seals.create(kit.actors.sealAdmin, { name: '上传章', category: 'contract', image: svg });
    assert.equal(s.source, 'uploaded');
    assert.deepEqual(await kit.blobs.get(s.image!), svg);
    await rejectsCode(kit.wf.seals.create(kit.actors.sealAdmin, { name: 'x', category: 'contract', image: new TextEncoder().encode('GIF89a....') }), 'INVALID_ARGUMENT', /PNG, JPEG or SVG/);
  });

  it('keeps one enterprise\'s seals, grants, authorizations and ledger away from another (NOT_FOUND)', async () => {
    const kit = makeKit({ font });
    const { sealAdmin, carol, appB } = kit.actors;
    const seal = await kit.wf.seals.create(sealAdmin, { name: '公章', category: 'official', spec: {} });
    const grant = await kit.wf.seals.grant(sealAdmin, seal.id, { userId: 'u_stamper' });
    const auth = await kit.wf.seals.authorizeAutoStamp(sealAdmin, { seal: seal.id, expiresAt: new Date(kit.clock.now().getTime() + DAY) });
    for (const other of [carol, appB]) {
      await rejectsCode(kit.wf.seals.get(other, seal.id), 'NOT_FOUND');
      await rejectsCode(kit.wf.seals.setEnabled(other, seal.id, false), 'NOT_FOUND');
      await rejectsCode(kit.wf.seals.grant(other, seal.id, { userId: 'u_carol' }), 'NOT_FOUND');
      await rejectsCode(kit.wf.seals.revokeGrant(other, grant.id), 'NOT_FOUND');
      await rejectsCode(kit.wf.seals.grants(other, seal.id), 'NOT_FOUND');
      await rejectsCode(kit.wf.seals.authorizeAutoStamp(other, { seal: seal.id, expiresAt: new Date(kit.clock.now().getTime() + DAY) }), 'NOT_FOUND');
      await rejectsCode(kit.wf.seals.revokeAutoStamp(other, auth.id), 'NOT_FOUND');
      await rejectsCode(kit.wf.seals.ledger(other, { enterpriseId: ENT_A }), 'NOT_FOUND');
      assert.deepEqual(await kit.wf.seals.list(other), []);
    }
    assert.equal((await kit.wf.seals.get(sealAdmin, seal.id)).enabled, true);
  });

  it('grants expire and can be revoked; signing then fails with SEAL_NOT_GRANTED until granted again', async () => {
    const kit = makeKit({ font });
    const { sealAdmin, stamper } = kit.actors;
    const seal = await kit.wf.seals.create(sealAdmin, { name: '合同专用章', category: 'contract', spec: {} });
    const g = await kit.wf.seals.grant(sealAdmin, seal.id, { userId: 'u_stamper', expiresAt: new Date(kit.clock.now().getTime() + DAY) });
    assert.equal((await kit.wf.seals.grant(sealAdmin, seal.id, { userId: 'u_stamper' })).id, g.id, 'granting again returns the active grant');
    assert.deepEqual((await kit.wf.seals.sealsOf(stamper)).map((x) => x.seal.id), [seal.id]);
    const c1 = await sealContract(kit, seal.id);
    kit.clock.advance(DAY + 1);
    assert.deepEqual(await kit.wf.seals.sealsOf(stamper), []);
    await rejectsCode(kit.wf.contracts.sign(stamper, c1.id, { proofId: kit.proof('u_stamper', [c1.id]) }), 'SEAL_NOT_GRANTED');
    const g2 = await kit.wf.seals.grant(sealAdmin, seal.id, { userId: 'u_stamper' });
    assert.notEqual(g2.id, g.id);
    assert.ok((await kit.wf.collections.grants.get(g.id))!.revokedAt, 'the expired grant is closed when a new one is made');
    await kit.wf.contracts.sign(stamper, c1.id, { proofId: kit.proof('u_stamper', [c1.id]) });
    await kit.wf.seals.revokeGrant(sealAdmin, g2.id);
    const c2 = await sealContract(kit, seal.id);
    await rejectsCode(kit.wf.contracts.sign(stamper, c2.id, { proofId: kit.proof('u_stamper', [c2.id]) }), 'SEAL_NOT_GRANTED');
    assert.deepEqual((await kit.wf.seals.grants(sealAdmin, seal.id)).map((x) => !!x.revokedAt), [true, true]);
  });

  it('honours a standing authorization\'s scope, expiry and revocation for silent stamping', async () => {
    const kit = makeKit({ font });
    const { sealAdmin, appA, alice } = kit.actors;
    const seal = await kit.wf.seals.create(sealAdmin, { name: '合同专用章', category: 'contract', spec: {} });
    const onlyApp = await kit.wf.seals.authorizeAutoStamp(sealAdmin, { seal: seal.id, scope: { appIds: ['app_a'] }, expiresAt: new Date(kit.clock.now().getTime() + DAY) });
    const fromConsole = await sealContract(kit, seal.id, alice);
    await rejectsCode(kit.wf.contracts.signSilently(appA, fromConsole.id, {}), 'SEAL_NOT_GRANTED', /standing authorization/);
    const fromApp = await sealContract(kit, seal.id, appA);
    assert.equal((await kit.wf.contracts.signSilently(appA, fromApp.id, {})).contract.state, 'completed');
    await kit.wf.seals.revokeAutoStamp(sealAdmin, onlyApp.id);
    const again = await sealContract(kit, seal.id, appA);
    await rejectsCode(kit.wf.contracts.signSilently(appA, again.id, {}), 'SEAL_NOT_GRANTED');
    await kit.wf.seals.authorizeAutoStamp(sealAdmin, { seal: seal.id, expiresAt: new Date(kit.clock.now().getTime() + DAY) });
    kit.clock.advance(DAY + 1);
    await rejectsCode(kit.wf.contracts.signSilently(appA, again.id, {}), 'SEAL_NOT_GRANTED');
    await rejectsCode(kit.wf.contracts.signSilently(appA, again.id, { authority: { kind: 'approval', system: 'lark', instanceCode: '', approvers: [] } }), 'SEAL_NOT_GRANTED');
    await rejectsCode(kit.wf.seals.authorizeAutoStamp(sealAdmin, { seal: seal.id, expiresAt: new Date(kit.clock.now().getTime() - 1) }), 'INVALID_ARGUMENT');
    const ledger = await kit.wf.seals.ledger(sealAdmin, { seal: seal.id });
    assert.equal(ledger.filter((e) => e.outcome === 'stamped').length, 1);
    assert.equal(ledger.filter((e) => e.outcome === 'refused').length, 4);
  });

  it('lets headquarters read a subsidiary\'s seal ledger (group control), not the reverse', async () => {
    const kit = makeKit({
      font,
      deps: { groupControl: { isAncestor: async (hq, sub) => hq === ENT_B && sub === ENT_A } },
    });
    const seal = await kit.wf.seals.create(kit.actors.sealAdmin, { name: '合同专用章', category: 'contract', spec: {} });
    await kit.wf.seals.authorizeAutoStamp(kit.actors.sealAdmin, { seal: seal.id, expiresAt: new Date(kit.clock.now().getTime() + DAY) });
    const c = await sealContract(kit, seal.id);
    await kit.wf.contracts.signSilently(kit.actors.appA, c.id, {});
    const hq = await kit.wf.seals.ledger(kit.actors.carol, { enterpriseId: ENT_A });
    assert.deepEqual(hq.map((e) => [e.contractId, e.outcome, e.sealName]), [[c.id, 'stamped', '合同专用章']]);
    const sealB = await kit.wf.seals.create(kit.actors.carol, { name: 'B 公章', category: 'official', spec: {} });
    assert.ok(sealB);
    await rejectsCode(kit.wf.seals.ledger(kit.actors.sealAdmin, { enterpriseId: ENT_B }), 'NOT_FOUND');
    await rejectsCode(kit.wf.seals.ledger(kit.actors.bob), 'FORBIDDEN');
  });

  it('records every seal change in the seal\'s own hash chain, and publishes it', async () => {
    const kit = makeKit({ font });
    const { sealAdmin } = kit.actors;
    const seal = await kit.wf.seals.create(sealAdmin, { name: '公章', category: 'official', spec: {} });
    const g = await kit.wf.seals.grant(sealAdmin, seal.id, { userId: 'u_stamper' });
    await kit.wf.seals.setEnabled(sealAdmin, seal.id, false);
    await kit.wf.seals.setEnabled(sealAdmin, seal.id, true);
    await kit.wf.seals.revokeGrant(sealAdmin, g.id);
    await Promise.all([kit.wf.seals.grant(sealAdmin, seal.id, { userId: 'u_x' }), kit.wf.seals.grant(sealAdmin, seal.id, { userId: 'u_y' })]);
    const events = (await kit.wf.collections.audit.find('subject', seal.id)).map(({ id: _i, version: _v, ...e }) => e);
    const check = verifyAuditChain(events);
    assert.ok(check.ok, check.reason);
    assert.deepEqual(events.map((e) => e.type), ['seal.created', 'seal.granted', 'seal.disabled', 'seal.enabled', 'seal.grant_revoked', 'seal.granted', 'seal.granted']);
    assert.equal((await kit.wf.collections.seals.get(seal.id))!.audit.hash, check.headHash);
    assert.deepEqual(kit.events.events.filter((e) => e.subject === seal.id).map((e) => e.type), events.map((e) => e.type));
  });
});
