import assert from 'node:assert/strict';
import { validateIdCardNumber } from '../identity/id-card.js';
import { validateMobile } from '../identity/mobile.js';
import { sampleUscc } from '../identity/samples.js';
import { validateUscc } from '../identity/uscc.js';
import { identityStack } from '../testing/identity-stack.js';
import { DEMO_SEED, seedDemo } from './demo-seed.js';

describe('directory/seedDemo()', () => {
  it('uses valid demo numbers: USCC sampleUscc(2026), GB 11643 ID numbers, mainland mobiles', () => {
    assert.equal(DEMO_SEED.enterprise.uscc, sampleUscc(2026));
    assert.equal(validateUscc(DEMO_SEED.enterprise.uscc).ok, true);
    for (const p of [DEMO_SEED.admin, ...DEMO_SEED.members]) {
      assert.equal(validateIdCardNumber(p.idNumber).ok, true, p.name);
      assert.equal(validateMobile(p.mobile).ok, true, p.name);
    }
  });

  it('creates the demo enterprise, its admin with the documented login, and two members, all verified', async () => {
    const s = identityStack();
    const r = await seedDemo({ directory: s.directory, realName: s.realName, passwords: s.passwords });
    assert.equal(r.created, true);
    assert.deepEqual(r.login, { mobile: '13800138000', password: 'Signet@2026' });
    assert.equal(r.enterprise.name, DEMO_SEED.enterprise.name);
    assert.equal(r.enterprise.realName.status, 'verified');
    assert.equal(r.enterprise.realName.method, 'micro_transfer');
    const logged = await s.login.loginWithPassword('13800138000', 'Signet@2026');
    assert.equal(logged.user.id, r.admin.id);
    assert.equal(logged.user.realName.status, 'verified');
    assert.deepEqual(logged.memberships.map((m) => [m.enterpriseName, m.roles]), [[DEMO_SEED.enterprise.name, ['super_admin']]]);
    const members = await s.directory.membersOf({ kind: 'system', reason: 't' }, r.enterprise.id);
    assert.deepEqual(members.map((m) => [m.name, m.roles, m.realNameStatus]), [
      ['王演示', ['super_admin'], 'verified'], ['李印章', ['seal_admin'], 'verified'], ['赵成员', ['member'], 'verified'],
    ]);
    await s.login.loginWithPassword('13800138001', 'Signet@2026');
    await s.passwords.verify(r.admin.id, DEMO_SEED.admin.signingPassword);
    assert.deepEqual(await s.realName.certificateSubjectOf(r.enterprise.id), { kind: 'organization', name: DEMO_SEED.enterprise.name, uscc: DEMO_SEED.enterprise.uscc });
  });

  it('changes nothing when run again, and returns the same people', async () => {
    const s = identityStack();
    const first = await seedDemo({ directory: s.directory });
    const again = await seedDemo({ directory: s.directory });
    assert.equal(again.created, false);
    assert.equal(again.admin.id, first.admin.id);
    assert.equal(again.enterprise.id, first.enterprise.id);
    assert.deepEqual(again.members.map((m) => m.id), first.members.map((m) => m.id));
    assert.equal(first.enterprise.realName.status, 'unverified');
  });
});
