import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SignetError, sampleIdCardNumber } from '@signet/core';
import { maskPii, maskPiiText, REDACTED } from './mask-pii.js';

/** A Luhn-valid card number with the given 18-digit body. */
function luhnCard(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return body + ((10 - (sum % 10)) % 10);
}

describe('log/maskPii', () => {
  const id = sampleIdCardNumber(3);
  const idX = sampleIdCardNumber(11);
  const card = luhnCard('622202123456789012');
  const mobile = '13812345678';

  it('masks ID numbers, mobiles, bank cards and e-mails in free text, keeping only what identifies nothing', () => {
    const line = `实名认证 name=张三 身份证${id} 手机${mobile}，备用 +86 139-8765-4321，银行卡 ${card}，卡号 6222 0212 3456 7890 123，邮箱 zhang.san@example.com.cn`;
    const out = maskPiiText(line);
    for (const secret of [id, mobile, '139-8765-4321', '87654321', card, '6222 0212 3456 7890 123', '0212', 'zhang.san']) assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
    assert.ok(out.includes(`${id.slice(0, 4)}**********${id.slice(-4)}`), out);
    assert.ok(out.includes('138****5678'), out);
    assert.ok(out.includes('+86 139****4321'), out);
    assert.ok(out.includes(`${'*'.repeat(card.length - 4)}${card.slice(-4)}`), out);
    assert.ok(out.includes('z***@example.com.cn'), out);
    assert.ok(out.startsWith('实名认证 name=张三 身份证'), out);
  });

  it('masks an ID number with a lower-case x and one ending in X', () => {
    assert.ok(idX.length === 18);
    const lower = `${id.slice(0, 17)}x`;
    assert.ok(!maskPiiText(`id ${lower}`).includes(lower));
    assert.ok(!maskPiiText(`ID:${idX}.`).includes(idX));
  });

  it('masks one-time codes next to their label, in Chinese and English', () => {
    const out = maskPiiText('【Signet】您的验证码是 482913，5分钟内有效。 otp=771204 code: 0042 smsCode="123456"');
    for (const c of ['482913', '771204', '0042', '123456']) assert.ok(!out.includes(c), out);
    assert.match(out, /验证码是 \*{6}/);
  });

  it('redacts tokens: bearer credentials, JWTs, and secret-like key=value pairs in URLs and JSON text', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMzgxMjM0NTY3OCJ9.c2lnbmF0dXJlLWJ5dGVz';
    const out = maskPiiText(`GET /s/abc?token=tk_9f8e7d6c5b4a&lang=zh Authorization: Bearer sk_live_51HxYzAbCdEf jwt ${jwt} {"appSecret":"s3cr3t-v@lue","password": "hunter2"} cookie=sid=Zq1w2e3r4t`);
    for (const s of ['tk_9f8e7d6c5b4a', 'sk_live_51HxYzAbCdEf', jwt, 's3cr3t-v@lue', 'hunter2', 'Zq1w2e3r4t']) assert.ok(!out.includes(s), `${s} leaked: ${out}`);
    assert.ok(out.includes('lang=zh'), out);
    assert.ok(out.includes(`Bearer ${REDACTED}`), out);
  });

  it('leaves what is not PII alone: times, hex and base32 ids, error codes, statuses, amounts', () => {
    const blob = createHash('sha256').update('x').digest('hex');
    const text = `2026-01-15T08:00:00.000Z POST /api/v1/contracts/ct_2v7q3m4n5b6c 201 in 12 ms blob ${blob} code=NOT_FOUND amount 12345.67 ts 1736930400000 job_12345678901234567890abc`;
    assert.equal(maskPiiText(text), text);
  });

  it('masks structured fields by name whatever their format, and redacts secrets, including nested ones', () => {
    const out = maskPii({
      user: { name: '李四', idNumber: id, mobile: 13912345678, bankCard: card, email: 'li.si@example.com' },
      headers: { Authorization: 'HMAC-SHA256 appId=app_1,signature=abc', 'x-request-id': 'req_1' },
      otp: '123456',
      code: 'VERSION_CONFLICT',
      smsCode: 654321,
      password: { nested: 'object' },
      list: [{ phone: '+86 13800001111' }, `call ${mobile}`],
      pdf: Buffer.alloc(1024),
      at: new Date('2026-01-15T08:00:00Z'),
    }) as Record<string, any>;
    assert.equal(out.user.name, '李四');
    assert.equal(out.user.idNumber, `${id.slice(0, 4)}**********${id.slice(-4)}`);
    assert.equal(out.user.mobile, '139****5678');
    assert.equal(out.user.bankCard, `${'*'.repeat(card.length - 4)}${card.slice(-4)}`);
    assert.equal(out.user.email, 'l***@example.com');
    assert.equal(out.headers.Authorization, REDACTED);
    assert.equal(out.headers['x-request-id'], 'req_1');
    assert.equal(out.otp, REDACTED);
    assert.equal(out.code, 'VERSION_CONFLICT');
    assert.equal(out.smsCode, REDACTED);
    assert.equal(out.password, REDACTED);
    assert.equal(out.list[0].phone, '+86138****1111');
    assert.equal(out.list[1], 'call 138****5678');
    assert.equal(out.pdf, '[1024 bytes]');
    assert.equal(out.at, '2026-01-15T08:00:00.000Z');
    assert.ok(!JSON.stringify(out).includes(id));
  });

  it('keeps an error\'s code and masks its message and details; survives cycles', () => {
    const e = new SignetError('IDENTITY_CHECK_FAILED', `身份证 ${id} 与姓名不符`, { mobile });
    const o: Record<string, unknown> = { err: e };
    o.self = o;
    const out = maskPii(o) as Record<string, any>;
    assert.equal(out.err.code, 'IDENTITY_CHECK_FAILED');
    assert.equal(out.err.name, 'SignetError');
    assert.ok(!out.err.message.includes(id));
    assert.equal(out.err.details.mobile, '138****5678');
    assert.equal(out.self, '[Circular]');
  });
});
