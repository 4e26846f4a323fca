import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import { sampleUscc } from '../identity/samples.js';
import { hashPassword } from '../identity/password-hash.js';
import { identityStack, TEST_SCRYPT_PARAMS } from '../testing/identity-stack.js';

const MOBILE = '13700001111';
const is = (code: string) => (e: unknown) => isSignetError(e) && e.code === code;

async function setup() {
  const s = identityStack();
  const u = await s.directory.createUser({ mobile: MOBILE, name: '张三', loginPassword: 'Secret#2026' });
  const ent = await s.directory.createEnterprise({ kind: 'person', userId: u.id }, { name: '示例有限公司', uscc: sampleUscc(7), legalRepresentative: '张三' });
  return { ...s, u, ent };
}

describe('directory/LoginService', () => {
  describe('.loginWithPassword()', () => {
    it('returns the user and their memberships for the right mobile and password', async () => {
      const { login, u, ent } = await setup();
      const r = await login.loginWithPassword('+86 137 0000 1111', 'Secret#2026');
      assert.equal(r.user.id, u.id);
      assert.equal(r.userId, u.id);
      assert.equal(r.created, false);
      assert.deepEqual(r.memberships.map((m) => [m.enterpriseId, m.roles]), [[ent.id, ['super_admin']]]);
    });

    it('answers a wrong password and an unknown number alike (LOGIN_FAILED with attempts left)', async () => {
      const { login } = await setup();
      const msgs: string[] = [];
      for (const [m, p] of [[MOBILE, 'Wrong#2026'], ['13700009999', 'Secret#2026']]) {
        await assert.rejects(login.loginWithPassword(m, p), (e) => {
          assert.ok(isSignetError(e, 'LOGIN_FAILED'));
          assert.equal(e.details!.attemptsLeft, 4);
          msgs.push(e.message);
          return true;
        });
      }
      assert.equal(msgs[0], msgs[1]);
    });

    it('locks the number for 15 minutes after 5 wrong passwords, saying when to retry', async () => {
      const { login, clock } = await setup();
      for (let i = 0; i < 4; i++) await assert.rejects(login.loginWithPassword(MOBILE, 'Wrong#2026'), is('LOGIN_FAILED'));
      await assert.rejects(login.loginWithPassword(MOBILE, 'Wrong#2026'), (e) => {
        assert.ok(isSignetError(e, 'PASSWORD_LOCKED'));
        assert.equal(e.details!.retryAt, '2026-01-15T08:15:00.000Z');
        assert.match(e.message, /登录密码错误次数过多/);
        assert.match(e.message, /15 分钟后/);
        return true;
      });
      await assert.rejects(login.loginWithPassword(MOBILE, 'Secret#2026'), is('PASSWORD_LOCKED'));
      clock.advance(15 * 60_000);
      assert.ok((await login.loginWithPassword(MOBILE, 'Secret#2026')).user);
    });

    it('upgrades a hash made with older scrypt parameters at login', async () => {
      const { login, directory, u } = await setup();
      const rec = await directory.userRecord(u.id);
      await directory.collections.users.update({ ...rec, loginPasswordHash: await hashPassword('Secret#2026', { N: 2 ** 10, r: 8, p: 1 }) }, rec.version);
      await login.loginWithPassword(MOBILE, 'Secret#2026');
      assert.match((await directory.userRecord(u.id)).loginPasswordHash!, new RegExp(`^scrypt\\$${TEST_SCRYPT_PARAMS.N}\\$`));
      await login.loginWithPassword(MOBILE, 'Secret#2026');
    });

    it('refuses a password login for a user who has none', async () => {
      const { login, directory } = await setup();
      await directory.createUser({ mobile: '13700002222' });
      await assert.rejects(login.loginWithPassword('13700002222', ''), is('LOGIN_FAILED'));
    });
  });

  describe('.loginWithOtp()', () => {
    it('logs in with the SMS code, once', async () => {
      const { login, u, lastCode } = await setup();
      await login.sendLoginOtp(MOBILE);
      const r = await login.loginWithOtp(MOBILE, lastCode(MOBILE));
      assert.equal(r.user.id, u.id);
      await assert.rejects(login.loginWithOtp(MOBILE, lastCode(MOBILE)), is('OTP_EXPIRED'));
    });

    it('signs up an unknown number only with register', async () => {
      const { login, lastCode, clock } = await setup();
      await login.sendLoginOtp('13700003333');
      await assert.rejects(login.loginWithOtp('13700003333', lastCode('13700003333')), (e) => isSignetError(e, 'LOGIN_FAILED') && /sign up first/.test(e.message));
      clock.advance(60_000);
      await login.sendLoginOtp('13700003333');
      const r = await login.loginWithOtp('13700003333', lastCode('13700003333'), { register: { name: '新用户' } });
      assert.equal(r.created, true);
      assert.equal(r.user.name, '新用户');
      assert.deepEqual(r.memberships, []);
    });

    it('locks SMS login after 5 wrong codes (OTP_LOCKED)', async () => {
      const { login, lastCode } = await setup();
      await login.sendLoginOtp(MOBILE);
      const wrong = lastCode(MOBILE) === '000000' ? '000001' : '000000';
      for (let i = 0; i < 4; i++) await assert.rejects(login.loginWithOtp(MOBILE, wrong), is('OTP_INVALID'));
      await assert.rejects(login.loginWithOtp(MOBILE, wrong), is('OTP_LOCKED'));
      await assert.rejects(login.loginWithOtp(MOBILE, lastCode(MOBILE)), is('OTP_LOCKED'));
    });
  });

  describe('.actorFor()', () => {
    it('resolves a member of the enterprise asked for, else of the first one joined, else a person', async () => {
      const { login, directory, u, ent, clock } = await setup();
      assert.deepEqual(await login.actorFor(u.id), { kind: 'member', userId: u.id, enterpriseId: ent.id, roles: ['super_admin'] });
      clock.advance(1000);
      const second = await directory.createEnterprise({ kind: 'person', userId: u.id }, { name: '第二有限公司', uscc: sampleUscc(8), legalRepresentative: '张三' });
      assert.deepEqual(await login.actorFor(u.id), { kind: 'member', userId: u.id, enterpriseId: ent.id, roles: ['super_admin'] });
      assert.deepEqual(await login.actorFor(u.id, second.id), { kind: 'member', userId: u.id, enterpriseId: second.id, roles: ['super_admin'] });
      const loner = await directory.createUser({ mobile: '13700004444' });
      assert.deepEqual(await login.actorFor(loner.id), { kind: 'person', userId: loner.id });
      assert.equal(await login.actorFor(loner.id, ent.id), undefined);
      assert.equal(await login.actorFor('usr_gone'), undefined);
    });
  });

  describe('.setLoginPassword()', () => {
    it('changes the password with the current one, and audits it', async () => {
      const { login, directory, u } = await setup();
      const me = { kind: 'person' as const, userId: u.id };
      await assert.rejects(login.setLoginPassword(me, u.id, 'Newer#2026', 'Wrong#2026'), (e) => isSignetError(e, 'PASSWORD_INVALID') && e.details!.attemptsLeft === 4);
      await assert.rejects(login.setLoginPassword(me, u.id, 'weak'), is('PASSWORD_WEAK'));
      await assert.rejects(login.setLoginPassword({ kind: 'person', userId: 'usr_x' }, u.id, 'Newer#2026', 'Secret#2026'), is('FORBIDDEN'));
      await login.setLoginPassword(me, u.id, 'Newer#2026', 'Secret#2026');
      await login.loginWithPassword(MOBILE, 'Newer#2026');
      await assert.rejects(login.loginWithPassword(MOBILE, 'Secret#2026'), is('LOGIN_FAILED'));
      assert.equal((await directory.audit.history(u.id)).at(-1)!.type, 'user.login_password_set');
    });
  });
});
