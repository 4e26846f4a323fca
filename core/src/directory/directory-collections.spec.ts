import assert from 'node:assert/strict';
import { identityCollections } from '../identity/identity-collections.js';
import { sampleBankCard, sampleIdCardNumber, sampleMobile } from '../identity/samples.js';
import { sandboxMicroTransfer } from '../identity/sandbox-identity-provider.js';
import { identityStack } from '../testing/identity-stack.js';
import type { Actor } from './actor.js';
import { DEMO_SEED, seedDemo } from './demo-seed.js';
import { directoryAuditCollection } from './directory-audit.js';
import { directoryCollections } from './directory-collections.js';

/** Everything stored in the directory and identity collections, as one text. */
async function storeContents(store: Parameters<typeof directoryCollections>[0]): Promise<string> {
  const all = [...Object.values(directoryCollections(store)), ...Object.values(identityCollections(store)), directoryAuditCollection(store)];
  const parts: string[] = [];
  for (const c of all) parts.push(c.spec.name, JSON.stringify(await c.scan()));
  return parts.join('\n');
}

/** True when the six-digit `code` stands in `text` as a token of its own (not inside a digest). */
const hasToken = (text: string, code: string) => new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`).test(text);

describe('directory/directoryCollections: no secret in clear text', () => {
  it('stores no OTP, password, ID number, mobile or bank card in clear text, after every flow that handles them', async () => {
    const s = identityStack();
    const errors: string[] = [];
    const expectFail = (p: Promise<unknown>) => p.then(() => assert.fail('expected a rejection'), (e: Error) => { errors.push(e.message); });
    const seeded = await seedDemo({ directory: s.directory, realName: s.realName, passwords: s.passwords });

    const mobile = sampleMobile(40, { lastDigit: 7 });
    const idNumber = sampleIdCardNumber(40, { sequenceLastDigit: 5 });
    const card = sampleBankCard(40, { digitBeforeCheck: 6 });
    const badId = sampleIdCardNumber(41, { sequenceLastDigit: 4 });
    const loginPassword = 'Zebra#Quartz91';
    const signingPassword = '583920';
    const u = await s.directory.createUser({ mobile, name: '钱七', loginPassword });
    const me: Actor = { kind: 'person', userId: u.id };
    await expectFail(s.realName.startPersonVerification(me, u.id, { name: '钱七', idNumber: badId, method: 'phone3', mobile }));
    const v = await s.realName.startPersonVerification(me, u.id, { name: '钱七', idNumber, method: 'bank4', bankCard: card, mobile });
    await s.realName.confirmCode(me, v.id, s.lastCode(mobile));
    await s.passwords.set(me, u.id, signingPassword);
    await expectFail(s.passwords.verify(u.id, '999111'));
    s.clock.advance(60_000);
    await s.login.sendLoginOtp(mobile);
    await expectFail(s.login.loginWithOtp(mobile, s.lastCode(mobile) === '000000' ? '000001' : '000000'));
    await s.login.loginWithOtp(mobile, s.lastCode(mobile));
    await expectFail(s.login.loginWithPassword(mobile, 'Wrong#Quartz91'));
    await s.login.loginWithPassword(mobile, loginPassword);
    s.clock.advance(60_000);
    const ch = await s.willingness.start(me, u.id, { contractIds: ['ct_1', 'ct_2'] });
    await s.willingness.confirm(me, ch.id, { code: s.lastCode(mobile) });
    const ch2 = await s.willingness.start(me, u.id, { contractIds: ['ct_3'], policy: { methods: ['password'] } });
    await s.willingness.confirm(me, ch2.id, { password: signingPassword });
    const inv = await s.directory.invite({ kind: 'system', reason: 't' }, seeded.enterprise.id, { mobile: sampleMobile(42), roles: ['member'] });

    const stored = await storeContents(s.store);
    const published = JSON.stringify(s.events.events);
    const texts = { stored, published, errors: errors.join('\n') };
    const codes = s.sender.sent.filter((m) => m.template === 'otp').map((m) => m.params.code);
    assert.ok(codes.length >= 3, `${codes.length} codes were sent`);
    const transfer = sandboxMicroTransfer(DEMO_SEED.enterprise.uscc, DEMO_SEED.enterprise.account.accountNumber);
    for (const [where, text] of Object.entries(texts)) {
      for (const c of codes) assert.ok(!hasToken(text, c), `an OTP appears in ${where}`);
      for (const secret of [loginPassword, signingPassword, DEMO_SEED.admin.password, DEMO_SEED.admin.signingPassword, inv.token]) assert.ok(!text.includes(secret), `a password or token appears in ${where}`);
      for (const pii of [idNumber, badId, card, mobile, DEMO_SEED.admin.idNumber, DEMO_SEED.admin.mobile, DEMO_SEED.enterprise.account.accountNumber, ...DEMO_SEED.members.flatMap((m) => [m.idNumber, m.mobile])]) {
        assert.ok(!text.includes(pii), `${pii.slice(0, 3)}… appears in clear in ${where}`);
      }
      assert.ok(!hasToken(text, transfer.remark), `the transfer remark appears in ${where}`);
    }
    // The masked forms are there, so the scan looks at the right data.
    assert.ok(stored.includes(`${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`));
    assert.ok(stored.includes(`${mobile.slice(0, 3)}****${mobile.slice(-4)}`));
  });
});
