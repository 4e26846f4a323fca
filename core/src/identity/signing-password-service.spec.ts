import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import { identityStack } from '../testing/identity-stack.js';

const MOBILE = '13700001111';
const is = (code: string) => (e: unknown) => isSignetError(e) && e.code === code;

async function setup() {
  const s = identityStack();
  const u = await s.directory.createUser({ mobile: MOBILE, name: '张三' });
  const me = { kind: 'person' as const, userId: u.id };
  return { ...s, u, me };
}

describe('identity/SigningPasswordService', () => {
  it('sets a signing password stored as a scrypt hash, and verifies it', async () => {
    const { passwords, directory, u, me } = await setup();
    await assert.rejects(passwords.verify(u.id, '135790'), is('PASSWORD_NOT_SET'));
    await passwords.set(me, u.id, '135790');
    const rec = await directory.userRecord(u.id);
    assert.match(rec.signingPasswordHash!, /^scrypt\$/);
    assert.ok(!rec.signingPasswordHash!.includes('135790'));
    assert.equal((await directory.getUser(u.id))!.hasSigningPassword, true);
    await passwords.verify(u.id, '135790');
    await assert.rejects(passwords.verify(u.id, '135791'), (e) => isSignetError(e, 'PASSWORD_INVALID') && e.details!.attemptsLeft === 4);
  });

  it('refuses a weak password and someone else setting it', async () => {
    const { passwords, u, me } = await setup();
    await assert.rejects(passwords.set(me, u.id, '123456'), is('PASSWORD_WEAK'));
    await assert.rejects(passwords.set({ kind: 'person', userId: 'usr_other' }, u.id, '135790'), is('FORBIDDEN'));
  });

  it('changes it only with the current password', async () => {
    const { passwords, u, me } = await setup();
    await passwords.set(me, u.id, '135790');
    await assert.rejects(passwords.set(me, u.id, '246813'), is('PASSWORD_INVALID'));
    await assert.rejects(passwords.set(me, u.id, '246813', '000000'), is('PASSWORD_INVALID'));
    await passwords.set(me, u.id, '246813', '135790');
    await passwords.verify(u.id, '246813');
    await assert.rejects(passwords.verify(u.id, '135790'), is('PASSWORD_INVALID'));
  });

  it('locks for 15 minutes after 5 wrong passwords, saying when to retry, then accepts the right one again', async () => {
    const { passwords, u, me, clock } = await setup();
    await passwords.set(me, u.id, '135790');
    for (let left = 4; left >= 1; left--) {
      await assert.rejects(passwords.verify(u.id, 'wrong!'), (e) => isSignetError(e, 'PASSWORD_INVALID') && e.details!.attemptsLeft === left && e.message.includes(`还可尝试 ${left} 次`));
    }
    await assert.rejects(passwords.verify(u.id, 'wrong!'), (e) => {
      assert.ok(isSignetError(e, 'PASSWORD_LOCKED'));
      assert.equal(e.details!.retryAt, '2026-01-15T08:15:00.000Z');
      assert.match(e.message, /签署密码错误次数过多/);
      assert.match(e.message, /Retry in 15 min/);
      return true;
    });
    await assert.rejects(passwords.verify(u.id, '135790'), is('PASSWORD_LOCKED'));
    await assert.rejects(passwords.set(me, u.id, '246813', '135790'), is('PASSWORD_LOCKED'));
    clock.advance(15 * 60_000);
    await passwords.verify(u.id, '135790');
  });

  it('resets a forgotten password with an SMS code to the user\'s own mobile, lifting a lockout', async () => {
    const { passwords, u, me, lastCode } = await setup();
    await passwords.set(me, u.id, '135790');
    for (let i = 0; i < 5; i++) await passwords.verify(u.id, 'nope!!').catch(() => undefined);
    const sent = await passwords.requestReset(me, u.id);
    assert.equal(sent.mobileMasked, '137****1111');
    await assert.rejects(passwords.reset(me, u.id, '864209', '000000'), (e) => isSignetError(e, 'OTP_INVALID') || isSignetError(e, 'OTP_EXPIRED'));
    await passwords.reset(me, u.id, '864209', lastCode(MOBILE));
    await passwords.verify(u.id, '864209');
  });

  it('audits every change without the password', async () => {
    const { passwords, directory, u, me } = await setup();
    await passwords.set(me, u.id, '135790');
    await passwords.set(me, u.id, '246813', '135790');
    const h = await directory.audit.history(u.id);
    assert.deepEqual(h.map((e) => e.type), ['user.created', 'user.signing_password_set', 'user.signing_password_set']);
    assert.equal((await directory.audit.verify(u.id)).ok, true);
    assert.ok(!JSON.stringify(h).includes('135790'));
  });
});
