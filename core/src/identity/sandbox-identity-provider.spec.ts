import assert from 'node:assert/strict';
import { idCardCheckChar } from './id-card.js';
import { SANDBOX_FAIL_DIGIT, SandboxIdentityProvider, sandboxMicroTransfer } from './sandbox-identity-provider.js';
import { sampleBankCard, sampleIdCardNumber, sampleMobile, sampleUscc } from './samples.js';
import { usccCheckChar } from './uscc.js';

const sandbox = new SandboxIdentityProvider();
const id = sampleIdCardNumber(1, { sequenceLastDigit: 7 });
const failingId = sampleIdCardNumber(1, { sequenceLastDigit: 4 });
const mobile = sampleMobile(1, { lastDigit: 8 });
const card = sampleBankCard(1, { digitBeforeCheck: 2 });
/** A valid USCC whose 17th character is `c`. */
function usccWith17th(c: string): string {
  const body = `${sampleUscc(3).slice(0, 16)}${c}`;
  return body + usccCheckChar(body);
}
const uscc = usccWith17th('7');
const org = { name: '上海示例科技有限公司', uscc, legalRepresentative: '王五' };

describe('identity/SandboxIdentityProvider', () => {
  it('documents 4 as the refusing digit', () => {
    assert.equal(SANDBOX_FAIL_DIGIT, '4');
  });

  describe('verifyPerson()', () => {
    it('passes id2, phone3, bank4 and face for valid data, with a stable reference', async () => {
      const p = { name: '张三', idNumber: id, mobile, bankCard: card, faceToken: 'liveness-ok-123' };
      for (const m of ['id2', 'phone3', 'bank4', 'face'] as const) {
        const r = await sandbox.verifyPerson(p, m);
        assert.equal(r.ok, true, `${m}: ${r.reason}`);
        assert.equal(r.method, m);
        assert.match(r.reference!, new RegExp(`^sandbox-${m}-[0-9a-f]{16}$`));
        assert.equal((await sandbox.verifyPerson(p, m)).reference, r.reference);
      }
    });

    it('refuses every method when the ID number\'s sequence code ends in 4', async () => {
      for (const m of ['id2', 'phone3', 'bank4', 'face'] as const) {
        const r = await sandbox.verifyPerson({ name: '张三', idNumber: failingId, mobile, bankCard: card, faceToken: 'liveness-ok-123' }, m);
        assert.equal(r.ok, false, m);
        assert.match(r.reason!, /does not match the ID number/);
      }
    });

    it('refuses phone3 for a mobile ending in 4, bank4 for a card whose digit before the check digit is 4', async () => {
      const r1 = await sandbox.verifyPerson({ name: '张三', idNumber: id, mobile: sampleMobile(2, { lastDigit: 4 }) }, 'phone3');
      assert.equal(r1.ok, false);
      assert.match(r1.reason!, /not registered to this person/);
      const r2 = await sandbox.verifyPerson({ name: '张三', idNumber: id, mobile, bankCard: sampleBankCard(2, { digitBeforeCheck: 4 }) }, 'bank4');
      assert.equal(r2.ok, false);
      assert.match(r2.reason!, /does not belong to this person/);
      const r3 = await sandbox.verifyPerson({ name: '张三', idNumber: id, mobile: sampleMobile(2, { lastDigit: 4 }), bankCard: card }, 'bank4');
      assert.equal(r3.ok, false);
    });

    it('refuses a face token starting with "fail" and a malformed one', async () => {
      assert.match((await sandbox.verifyPerson({ name: '张三', idNumber: id, faceToken: 'fail-on-purpose' }, 'face')).reason!, /does not match the ID photo/);
      assert.match((await sandbox.verifyPerson({ name: '张三', idNumber: id, faceToken: 'short' }, 'face')).reason!, /malformed/);
      assert.equal((await sandbox.verifyPerson({ name: '张三', idNumber: id, faceToken: 'bad token with spaces' }, 'face')).ok, false);
    });

    it('really validates formats and check digits, answering with a reason that does not echo the data', async () => {
      const badId = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
      const cases: [Parameters<SandboxIdentityProvider['verifyPerson']>[0], 'id2' | 'phone3' | 'bank4', RegExp][] = [
        [{ name: '张三', idNumber: badId }, 'id2', /check digit/],
        [{ name: '张', idNumber: id }, 'id2', /name/i],
        [{ name: '张三', idNumber: id, mobile: '12345' }, 'phone3', /11 digits/],
        [{ name: '张三', idNumber: id, mobile, bankCard: card.slice(0, -1) + String((Number(card.at(-1)) + 1) % 10) }, 'bank4', /Luhn/],
        [{ name: '张三', idNumber: id, bankCard: card }, 'bank4', /mobile/],
      ];
      for (const [p, m, re] of cases) {
        const r = await sandbox.verifyPerson(p, m);
        assert.equal(r.ok, false);
        assert.match(r.reason!, re);
        for (const v of [p.idNumber, p.mobile, p.bankCard]) if (v && v.length > 4) assert.ok(!r.reason!.includes(v));
      }
    });
  });

  describe('verifyOrganization()', () => {
    it('passes org3 and legal_rep_phone for valid data', async () => {
      assert.equal((await sandbox.verifyOrganization(org, 'org3')).ok, true);
      const r = await sandbox.verifyOrganization({ ...org, legalRepIdNumber: id, legalRepMobile: mobile }, 'legal_rep_phone');
      assert.equal(r.ok, true, r.reason);
    });

    it('refuses a USCC whose 17th character is 4, and the legal representative\'s failing ID or mobile', async () => {
      const bad = { ...org, uscc: usccWith17th('4') };
      assert.match((await sandbox.verifyOrganization(bad, 'org3')).reason!, /business register/);
      assert.equal((await sandbox.verifyOrganization({ ...bad, legalRepIdNumber: id, legalRepMobile: mobile }, 'legal_rep_phone')).ok, false);
      assert.equal((await sandbox.verifyOrganization({ ...org, legalRepIdNumber: failingId, legalRepMobile: mobile }, 'legal_rep_phone')).ok, false);
      assert.match((await sandbox.verifyOrganization({ ...org, legalRepIdNumber: id, legalRepMobile: sampleMobile(5, { lastDigit: 4 }) }, 'legal_rep_phone')).reason!, /legal representative/);
    });

    it('validates the USCC check character and needs a legal representative', async () => {
      const body = uscc.slice(0, 17);
      const wrong = body + (usccCheckChar(body) === '0' ? '1' : '0');
      assert.match((await sandbox.verifyOrganization({ ...org, uscc: wrong }, 'org3')).reason!, /check character/);
      assert.equal((await sandbox.verifyOrganization({ ...org, legalRepresentative: undefined }, 'org3')).ok, false);
      assert.equal((await sandbox.verifyOrganization({ ...org, legalRepIdNumber: `${'1'.repeat(17)}${idCardCheckChar('1'.repeat(17))}`, legalRepMobile: mobile }, 'legal_rep_phone')).ok, false);
    });
  });

  describe('startMicroTransfer()', () => {
    const account = { accountName: org.name, accountNumber: '6222020200112233', bankName: '中国工商银行' };

    it('sends the deterministic amount (1-99 fen) and six-digit remark of sandboxMicroTransfer()', async () => {
      const r = await sandbox.startMicroTransfer(org, account);
      assert.equal(r.ok, true, r.reason);
      const expected = sandboxMicroTransfer(org.uscc, account.accountNumber);
      assert.equal(r.amountFen, expected.amountFen);
      assert.equal(r.remark, expected.remark);
      assert.ok(r.amountFen! >= 1 && r.amountFen! <= 99);
      assert.match(r.remark!, /^\d{6}$/);
      assert.notDeepEqual(sandboxMicroTransfer(org.uscc, '6222020200112243'), expected);
    });

    it('refuses an account ending in 4, an account name other than the organization\'s, and a malformed number', async () => {
      assert.match((await sandbox.startMicroTransfer(org, { ...account, accountNumber: '6222020200112234' })).reason!, /cannot receive/);
      assert.match((await sandbox.startMicroTransfer(org, { ...account, accountName: '别的公司' })).reason!, /account name/);
      assert.match((await sandbox.startMicroTransfer(org, { ...account, accountNumber: '12a45' })).reason!, /6 to 32 digits/);
    });
  });
});
