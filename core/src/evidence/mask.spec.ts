import assert from 'node:assert/strict';
import { maskAccount, maskBankCard, maskEmail, maskIdNumber, maskMobile, maskName } from './mask.js';

describe('evidence/mask', () => {
  it('masks a mobile number to the first 3 and last 4 digits, dropping +86 and separators', () => {
    assert.equal(maskMobile('18512345544'), '185****5544');
    assert.equal(maskMobile('+86 185-1234-5544'), '185****5544');
    assert.equal(maskMobile('8618512345544'), '185****5544');
  });

  it('masks an ID number to the first 4 and last 4 characters', () => {
    assert.equal(maskIdNumber('11010519491231002x'), '1101**********002X');
    assert.equal(maskIdNumber('110105491231002'), '1101*******1002');
    assert.equal(maskIdNumber('E1234567'), '******67');
  });

  it('masks an e-mail address to its first character and the domain', () => {
    assert.equal(maskEmail('zhangsan@example.com'), 'z***@example.com');
    assert.equal(maskEmail('z@example.com'), 'z***@example.com');
  });

  it('masks a bank card to its last 4 digits, hiding the length', () => {
    assert.equal(maskBankCard('6222 0212 3456 7890 123'), '**** 0123');
    assert.equal(maskBankCard('6222021234567890'), '**** 7890');
  });

  it('masks names as the platforms do: 张*三, 张*, 欧**娜, B** L*', () => {
    assert.equal(maskName('张三丰'), '张*丰');
    assert.equal(maskName('张三'), '张*');
    assert.equal(maskName('欧阳娜娜'), '欧**娜');
    assert.equal(maskName('Bob Li'), 'B** L*');
    assert.equal(maskName('张'), '*');
  });

  it('masks an account by its kind: e-mail, mobile, or any other login', () => {
    assert.equal(maskAccount('zhangsan@example.com'), 'z***@example.com');
    assert.equal(maskAccount('185 1234 5544'), '185****5544');
    assert.equal(maskAccount('zhangsan_2026'), 'zh*********26');
  });

  it('leaves masked values as they are, so masking twice is harmless', () => {
    for (const f of [maskMobile, maskIdNumber, maskEmail, maskBankCard, maskName, maskAccount]) {
      assert.equal(f('185****5544'), '185****5544');
    }
    assert.equal(maskIdNumber(maskIdNumber('11010519491231002X')), '1101**********002X');
  });
});
