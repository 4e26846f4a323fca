import assert from 'node:assert/strict';
import { isSignetError, SignetError } from '../errors.js';
import { FixedClock } from '../testing/fixed-clock.js';
import { InMemoryFieldCipher } from '../testing/in-memory-field-cipher.js';
import { InMemoryRecordStore } from '../testing/in-memory-record-store.js';
import { RecordingMessageSender } from '../testing/recording-message-sender.js';
import { identityCollections } from './identity-collections.js';
import { OtpService, type OtpPolicy } from './otp-service.js';

const MOBILE = '13912345678';
const MIN = 60_000;

function setup(policy: Partial<OtpPolicy> = {}) {
  const store = new InMemoryRecordStore();
  const clock = new FixedClock(new Date('2026-01-15T08:00:00Z'));
  const sender = new RecordingMessageSender();
  const otp = new OtpService({ store, sender, cipher: new InMemoryFieldCipher(), clock, policy });
  const code = () => sender.sent.at(-1)!.params.code;
  return { store, clock, sender, otp, code };
}

const wrongFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
const is = (code: string) => (e: unknown) => isSignetError(e) && e.code === code;

describe('identity/OtpService', () => {
  describe('.send()', () => {
    it('sends six random digits with the otp template and the lifetime in minutes, and never tells the caller the code', async () => {
      const { otp, sender, clock } = setup();
      const sent = await otp.send('+86 139-1234-5678', 'login');
      assert.equal(sender.sent.length, 1);
      const m = sender.sent[0];
      assert.equal(m.to, MOBILE);
      assert.equal(m.template, 'otp');
      assert.match(m.params.code, /^\d{6}$/);
      assert.equal(m.params.minutes, '5');
      assert.deepEqual(Object.keys(sent).sort(), ['expiresAt', 'mobileMasked', 'resendAt']);
      assert.equal(sent.mobileMasked, '139****5678');
      assert.equal(sent.expiresAt.getTime(), clock.now().getTime() + 5 * MIN);
      assert.equal(sent.resendAt.getTime(), clock.now().getTime() + MIN);
    });

    it('stores only a keyed digest of the code', async () => {
      const { otp, store, code } = setup();
      await otp.send(MOBILE, 'login');
      const stored = JSON.stringify(await identityCollections(store).otpCodes.scan()) + JSON.stringify(await identityCollections(store).otpSends.scan());
      assert.ok(!stored.includes(code()));
      assert.ok(!stored.includes(MOBILE));
    });

    it('refuses a second code for the same purpose within 60 s with RATE_LIMITED saying when to retry, and sends again after it', async () => {
      const { otp, clock, sender } = setup();
      await otp.send(MOBILE, 'login');
      clock.advance(18_000);
      await assert.rejects(otp.send(MOBILE, 'login'), (e) => {
        assert.ok(isSignetError(e, 'RATE_LIMITED'));
        assert.equal(e.details!.retryAt, '2026-01-15T08:01:00.000Z');
        assert.equal(e.details!.retryAfterSeconds, 42);
        assert.match(e.message, /42 秒后/);
        assert.match(e.message, /retry in 42 s/);
        return true;
      });
      assert.equal(sender.sent.length, 1);
      clock.advance(42_000);
      await otp.send(MOBILE, 'login');
      assert.equal(sender.sent.length, 2);
    });

    it('applies the resend interval per purpose: a willingness code may follow an identity code at once', async () => {
      const { otp, sender } = setup();
      await otp.send(MOBILE, 'identity');
      await otp.send(MOBILE, 'willingness');
      assert.equal(sender.sent.length, 2);
      await assert.rejects(otp.send(MOBILE, 'willingness'), (e) => isSignetError(e, 'RATE_LIMITED') && e.details!.limit === 'interval');
    });

    it('caps codes at 5 an hour per mobile number, whatever the purpose, until the oldest is an hour old', async () => {
      const { otp, clock } = setup();
      const purposes = ['login', 'willingness', 'identity', 'password_reset', 'login'] as const;
      for (const p of purposes) {
        await otp.send(MOBILE, p);
        clock.advance(MIN);
      }
      clock.advance(10 * MIN);
      await assert.rejects(otp.send(MOBILE, 'login'), (e) => {
        assert.ok(isSignetError(e, 'RATE_LIMITED'));
        assert.equal(e.details!.limit, 'hourly');
        assert.equal(e.details!.retryAt, '2026-01-15T09:00:00.000Z');
        assert.match(e.message, /每小时最多发送 5 条/);
        assert.match(e.message, /retry in 45 min/);
        return true;
      });
      await otp.send('13912345679', 'login'); // another number is not limited
      clock.advance(45 * MIN);
      await otp.send(MOBILE, 'login');
    });

    it('answers a malformed number with IDENTITY_INVALID, and a failing gateway with MESSAGE_SEND_FAILED', async () => {
      const { otp } = setup();
      await assert.rejects(otp.send('12345', 'login'), is('IDENTITY_INVALID'));
      const store = new InMemoryRecordStore();
      const broken = new OtpService({ store, cipher: new InMemoryFieldCipher(), clock: new FixedClock(), sender: { send: async () => { throw new Error('ECONNREFUSED'); } } });
      await assert.rejects(broken.send(MOBILE, 'login'), (e) => isSignetError(e, 'MESSAGE_SEND_FAILED') && !e.message.includes('ECONNREFUSED'));
      const refusing = new OtpService({ store: new InMemoryRecordStore(), cipher: new InMemoryFieldCipher(), clock: new FixedClock(), sender: { send: async () => { throw new SignetError('MESSAGE_SEND_FAILED', 'gateway said 500'); } } });
      await assert.rejects(refusing.send(MOBILE, 'login'), (e) => isSignetError(e, 'MESSAGE_SEND_FAILED') && e.message === 'gateway said 500');
    });
  });

  describe('.verify()', () => {
    it('accepts the code once: a second use is OTP_EXPIRED', async () => {
      const { otp, code } = setup();
      await otp.send(MOBILE, 'login');
      await otp.verify(MOBILE, 'login', code());
      await assert.rejects(otp.verify(MOBILE, 'login', code()), (e) => isSignetError(e, 'OTP_EXPIRED') && /already used/.test(e.message));
    });

    it('expires the code after 5 minutes', async () => {
      const { otp, clock, code } = setup();
      await otp.send(MOBILE, 'login');
      clock.advance(5 * MIN - 1);
      const c = code();
      await otp.send(MOBILE, 'identity').catch(() => undefined); // rate-limited, changes nothing
      clock.advance(1);
      await assert.rejects(otp.verify(MOBILE, 'login', c), (e) => isSignetError(e, 'OTP_EXPIRED') && /ask for a new code/.test(e.message));
    });

    it('accepts a code just before it expires', async () => {
      const { otp, clock, code } = setup();
      await otp.send(MOBILE, 'login');
      clock.advance(5 * MIN - 1);
      await otp.verify(MOBILE, 'login', code());
    });

    it('keeps purposes apart, and a bound code passes only for its request', async () => {
      const { otp, clock, code } = setup();
      await otp.send(MOBILE, 'login');
      await assert.rejects(otp.verify(MOBILE, 'willingness', code()), is('OTP_EXPIRED'));
      clock.advance(MIN);
      await otp.send(MOBILE, 'willingness', { bind: 'wch_1' });
      await assert.rejects(otp.verify(MOBILE, 'willingness', code(), { bind: 'wch_2' }), (e) => isSignetError(e, 'OTP_EXPIRED') && /another request/.test(e.message));
      await assert.rejects(otp.verify(MOBILE, 'willingness', code()), is('OTP_EXPIRED'));
      await otp.verify(MOBILE, 'willingness', code(), { bind: 'wch_1' });
    });

    it('counts wrong codes down, locks for 15 minutes at the fifth with a message saying when, and then refuses even the right code', async () => {
      const { otp, clock, code } = setup();
      await otp.send(MOBILE, 'login');
      const right = code();
      for (let left = 4; left >= 1; left--) {
        await assert.rejects(otp.verify(MOBILE, 'login', wrongFor(right)), (e) => {
          assert.ok(isSignetError(e, 'OTP_INVALID'));
          assert.equal(e.details!.attemptsLeft, left);
          assert.match(e.message, new RegExp(`还可尝试 ${left} 次`));
          assert.match(e.message, new RegExp(`${left} attempt\\(s\\) left`));
          return true;
        });
      }
      clock.advance(30_000);
      await assert.rejects(otp.verify(MOBILE, 'login', 'abc'), (e) => {
        assert.ok(isSignetError(e, 'OTP_LOCKED'));
        assert.equal(e.details!.retryAt, '2026-01-15T08:15:30.000Z');
        assert.match(e.message, /15 分钟后（北京时间 16:15 之后）/);
        assert.match(e.message, /in 15 min \(after 08:15 UTC\)/);
        return true;
      });
      await assert.rejects(otp.verify(MOBILE, 'login', right), is('OTP_LOCKED'));
      clock.advance(2 * MIN);
      await assert.rejects(otp.send(MOBILE, 'login'), (e) => isSignetError(e, 'OTP_LOCKED') && e.details!.retryAt === '2026-01-15T08:15:30.000Z');
      await otp.send(MOBILE, 'willingness'); // the lock is per purpose
    });

    it('lifts the lock after 15 minutes, voiding the code that was live when it locked', async () => {
      const { otp, clock, code } = setup();
      await otp.send(MOBILE, 'login');
      const right = code();
      for (let i = 0; i < 5; i++) await otp.verify(MOBILE, 'login', wrongFor(right)).catch(() => undefined);
      clock.advance(15 * MIN);
      await assert.rejects(otp.verify(MOBILE, 'login', right), is('OTP_EXPIRED'));
      await otp.send(MOBILE, 'login');
      await otp.verify(MOBILE, 'login', code());
    });

    it('does not reset the failure count when a new code is sent, only on success', async () => {
      const { otp, clock, code } = setup();
      await otp.send(MOBILE, 'login');
      for (let i = 0; i < 3; i++) await otp.verify(MOBILE, 'login', wrongFor(code())).catch(() => undefined);
      clock.advance(MIN);
      await otp.send(MOBILE, 'login');
      await assert.rejects(otp.verify(MOBILE, 'login', wrongFor(code())), (e) => isSignetError(e, 'OTP_INVALID') && e.details!.attemptsLeft === 1);
      await otp.verify(MOBILE, 'login', code());
      clock.advance(MIN);
      await otp.send(MOBILE, 'login');
      await assert.rejects(otp.verify(MOBILE, 'login', wrongFor(code())), (e) => isSignetError(e, 'OTP_INVALID') && e.details!.attemptsLeft === 4);
    });

    it('honours a custom policy (lifetime, interval, cap, lockout)', async () => {
      const { otp, clock, code, sender } = setup({ ttlMs: 2 * MIN, resendIntervalMs: 10_000, maxPerHour: 2, maxFailures: 2, lockMs: MIN });
      await otp.send(MOBILE, 'login');
      assert.equal(sender.sent[0].params.minutes, '2');
      clock.advance(10_000);
      await otp.send(MOBILE, 'login');
      clock.advance(10_000);
      await assert.rejects(otp.send(MOBILE, 'login'), is('RATE_LIMITED'));
      await assert.rejects(otp.verify(MOBILE, 'login', wrongFor(code())), (e) => isSignetError(e, 'OTP_INVALID') && e.details!.attemptsLeft === 1);
      await assert.rejects(otp.verify(MOBILE, 'login', wrongFor(code())), (e) => isSignetError(e, 'OTP_LOCKED') && /60 秒后/.test(e.message));
    });
  });
});
