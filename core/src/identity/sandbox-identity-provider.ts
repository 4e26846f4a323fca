/**
 * The default identity provider: it validates every format and check digit for real, and answers the
 * bureau's question deterministically, without calling out. Development, demos and tests run on it.
 */
import { createHash } from 'node:crypto';
import type {
  CorporateAccount, IdentityCheckResult, IdentityProvider, MicroTransferResult, OrganizationCheckMethod,
  OrganizationIdentity, PersonCheckMethod, PersonIdentity,
} from '../ports/identity-provider.js';
import { validateBankCard } from './bank-card.js';
import { validateIdCardNumber } from './id-card.js';
import { validateMobile } from './mobile.js';
import { validateUscc } from './uscc.js';
import { validatePersonName, validateOrganizationName } from './names.js';

/**
 * The digit that makes the sandbox say "does not match". The sandbox refuses:
 * - any check with an ID number whose sequence code (digits 15–17) ends in this digit (the name does
 *   not match the ID number): `id2`, `phone3`, `bank4`, `face` and the legal representative's ID;
 * - `phone3` and `legal_rep_phone` with a mobile number ending in it (not registered to this person),
 *   and `bank4` when the bank's reserved mobile ends in it;
 * - `bank4` with a card whose digit before the Luhn check digit is this digit;
 * - `org3` (and so `legal_rep_phone`) with a USCC whose 17th character (the organization code's
 *   check character) is this digit;
 * - a micro-transfer to an account number ending in it (the account cannot receive).
 *
 * A face token passes when it is 8–512 characters of `[A-Za-z0-9._:-]` not starting with `fail`.
 */
export const SANDBOX_FAIL_DIGIT = '4';

/**
 * The amount and remark the sandbox "transfers" to `accountNumber` for the organization `uscc`:
 * amountFen = 1 + (h[0] mod 99) and remark = (h[1..4] as a big-endian uint32) mod 10^6, six digits,
 * where h = SHA-256(`${uscc}|${accountNumber}`). Deterministic, so tests and the demo can report it back.
 */
export function sandboxMicroTransfer(uscc: string, accountNumber: string): { amountFen: number; remark: string } {
  const h = createHash('sha256').update(`${uscc.trim().toUpperCase()}|${accountNumber.replace(/[\s-]/g, '')}`).digest();
  return { amountFen: 1 + (h[0] % 99), remark: String(h.readUInt32BE(1) % 1_000_000).padStart(6, '0') };
}

/** A short reference for a check, derived from what was checked (never the data itself). */
function reference(method: string, ...parts: (string | undefined)[]): string {
  return `sandbox-${method}-${createHash('sha256').update(parts.map((p) => p ?? '').join('\u0000')).digest('hex').slice(0, 16)}`;
}

const FACE_TOKEN = /^[A-Za-z0-9._:-]{8,512}$/;

/**
 * The sandbox identity bureau (see {@link SANDBOX_FAIL_DIGIT} for the refusal rules). It never throws
 * for bad data: every outcome, a format error included, is an {@link IdentityCheckResult} whose
 * reason is in zh-CN and English and never echoes the data.
 */
export class SandboxIdentityProvider implements IdentityProvider {
  /** Checks formats and check digits, then answers by the rules of {@link SANDBOX_FAIL_DIGIT}. */
  async verifyPerson(p: PersonIdentity, method: PersonCheckMethod): Promise<IdentityCheckResult> {
    const fail = (reason: string): IdentityCheckResult => ({ ok: false, method, reason });
    const name = validatePersonName(p.name);
    if (!name.ok) return fail(`姓名格式不正确。${name.reason}`);
    const id = validateIdCardNumber(p.idNumber);
    if (!id.ok) return fail(`身份证号不正确。${id.reason}`);
    const idNumber = p.idNumber.trim().toUpperCase();
    if (idNumber[16] === SANDBOX_FAIL_DIGIT) return fail('姓名与身份证号不一致。The name does not match the ID number.');
    switch (method) {
      case 'id2':
        return { ok: true, method, reference: reference(method, name.name, idNumber) };
      case 'phone3': {
        const m = validateMobile(p.mobile ?? '');
        if (!m.ok) return fail(`手机号不正确。${m.reason}`);
        if (m.mobile!.endsWith(SANDBOX_FAIL_DIGIT)) return fail('手机号不属于该身份证持有人。The mobile number is not registered to this person.');
        return { ok: true, method, reference: reference(method, name.name, idNumber, m.mobile) };
      }
      case 'bank4': {
        const c = validateBankCard(p.bankCard ?? '');
        if (!c.ok) return fail(`银行卡号不正确。${c.reason}`);
        const m = validateMobile(p.mobile ?? '');
        if (!m.ok) return fail(`银行预留手机号不正确。${m.reason}`);
        const card = c.cardNumber!;
        if (card[card.length - 2] === SANDBOX_FAIL_DIGIT) return fail('银行卡与姓名、身份证号不一致。The bank card does not belong to this person.');
        if (m.mobile!.endsWith(SANDBOX_FAIL_DIGIT)) return fail('银行预留手机号不一致。The mobile number is not the one the bank holds for this card.');
        return { ok: true, method, reference: reference(method, name.name, idNumber, card, m.mobile) };
      }
      case 'face': {
        const t = p.faceToken ?? '';
        if (!FACE_TOKEN.test(t)) return fail('人脸核验凭证格式不正确，请重新刷脸。The face token is malformed; take the face check again.');
        if (t.startsWith('fail')) return fail('人脸比对未通过。The face does not match the ID photo.');
        return { ok: true, method, reference: reference(method, name.name, idNumber, t) };
      }
      default:
        return fail(`不支持的核验方式。Unknown person check method "${String(method)}"; use id2, phone3, bank4 or face.`);
    }
  }

  /** Checks the name, the USCC check character and the legal representative, then answers by the rules of {@link SANDBOX_FAIL_DIGIT}. */
  async verifyOrganization(o: OrganizationIdentity, method: OrganizationCheckMethod): Promise<IdentityCheckResult> {
    const fail = (reason: string): IdentityCheckResult => ({ ok: false, method, reason });
    const name = validateOrganizationName(o.name);
    if (!name.ok) return fail(`企业名称格式不正确。${name.reason}`);
    const u = validateUscc(o.uscc);
    if (!u.ok) return fail(`统一社会信用代码不正确。${u.reason}`);
    const uscc = o.uscc.trim().toUpperCase();
    const rep = validatePersonName(o.legalRepresentative ?? '');
    if (!rep.ok) return fail(`法定代表人姓名格式不正确。${rep.reason}`);
    if (uscc[16] === SANDBOX_FAIL_DIGIT) {
      return fail('企业名称、统一社会信用代码与法定代表人不一致。The name, USCC and legal representative do not match the business register.');
    }
    if (method === 'org3') return { ok: true, method, reference: reference(method, name.name, uscc, rep.name) };
    if (method === 'legal_rep_phone') {
      const id = validateIdCardNumber(o.legalRepIdNumber ?? '');
      if (!id.ok) return fail(`法定代表人身份证号不正确。${id.reason}`);
      const idNumber = o.legalRepIdNumber!.trim().toUpperCase();
      if (idNumber[16] === SANDBOX_FAIL_DIGIT) return fail('法定代表人姓名与身份证号不一致。The legal representative\'s name does not match the ID number.');
      const m = validateMobile(o.legalRepMobile ?? '');
      if (!m.ok) return fail(`法定代表人手机号不正确。${m.reason}`);
      if (m.mobile!.endsWith(SANDBOX_FAIL_DIGIT)) return fail('手机号不属于法定代表人。The mobile number is not registered to the legal representative.');
      return { ok: true, method, reference: reference(method, uscc, rep.name, idNumber, m.mobile) };
    }
    return fail(`不支持的核验方式。Unknown organization check method "${String(method)}"; use org3 or legal_rep_phone.`);
  }

  /** "Sends" the amount and remark of {@link sandboxMicroTransfer}, unless the account is malformed, not in the organization's name, or ends in the refusing digit. */
  async startMicroTransfer(o: OrganizationIdentity, account: CorporateAccount): Promise<MicroTransferResult> {
    const u = validateUscc(o.uscc);
    if (!u.ok) return { ok: false, reason: `统一社会信用代码不正确。${u.reason}` };
    const number = String(account.accountNumber ?? '').replace(/[\s-]/g, '');
    if (!/^\d{6,32}$/.test(number)) return { ok: false, reason: '对公账号应为 6 到 32 位数字。The account number must be 6 to 32 digits.' };
    if (!account.bankName?.trim()) return { ok: false, reason: '请填写开户银行。Give the bank name.' };
    if ((account.accountName ?? '').trim() !== o.name.trim()) {
      return { ok: false, reason: '对公账户户名必须与企业名称一致。The account name must be the organization\'s name.' };
    }
    if (number.endsWith(SANDBOX_FAIL_DIGIT)) return { ok: false, reason: '该账户无法入账，请换一个对公账户。The account cannot receive transfers; use another corporate account.' };
    const { amountFen, remark } = sandboxMicroTransfer(o.uscc, number);
    return { ok: true, reference: reference('transfer', o.uscc.trim().toUpperCase(), number), amountFen, remark };
  }
}
