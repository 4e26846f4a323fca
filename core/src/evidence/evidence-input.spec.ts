import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import { evidenceRecord, validateEvidenceInput, type EvidenceInput } from './evidence-input.js';
import { formatChinaTime, toChinaIso } from './china-time.js';

const input = (): EvidenceInput => ({
  platform: { name: 'Signet 签约平台' },
  contract: {
    name: '劳动合同', number: 'HT-1', sentAt: '2026-01-02T01:00:00Z', completedAt: '2026-01-02T10:30:00+08:00',
    sender: { account: '13800138000', enterprise: '上海示例科技有限公司', ip: '198.51.100.20' },
  },
  files: [{ name: '劳动合同.pdf', sha256: 'AB'.repeat(32) }],
  signers: [{
    subject: '张三', kind: 'person', idNumber: '11010519491231002X', account: '18512345544',
    receivedAt: '2026-01-02T01:02:00Z', signedAt: '2026-01-02T01:03:00.250Z', ip: '203.0.113.7',
    willingness: { method: 'sms-otp', at: '2026-01-02T01:02:40Z' }, certificateSerial: '0A:1B:2C',
    positions: [{ page: 1, x: 0.1, y: 0.2 }],
  }],
});

const rejects = (mutate: (i: Record<string, any>) => void, pattern: RegExp) => {
  const i = structuredClone(input()) as Record<string, any>;
  mutate(i);
  assert.throws(() => validateEvidenceInput(i), (e: unknown) => isSignetError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));
};

describe('evidence/validateEvidenceInput()', () => {
  it('accepts plain JSON data and survives a JSON round trip unchanged', () => {
    const v = validateEvidenceInput(JSON.parse(JSON.stringify(input())));
    assert.equal(v.signers[0].subject, '张三');
    assert.equal(v.files[0].sha256, 'ab'.repeat(32));
    assert.equal(v.signers[0].certificateSerial, '0a1b2c');
    const sized = input();
    sized.signers[0].positions = [{ file: 1, page: 2, x: 0.5, y: 0.25, w: 0.3, h: 0.08 }];
    assert.deepEqual(validateEvidenceInput(sized).signers[0].positions, [{ file: 1, page: 2, x: 0.5, y: 0.25, w: 0.3, h: 0.08 }]);
  });

  it('names the field that is wrong, and says what to give instead', () => {
    rejects((i) => delete i.contract.number, /contract\.number must be a non-empty string/);
    rejects((i) => (i.signers[0].ip = '999.1.1.1'), /signers\[0\]\.ip must be an IPv4 or IPv6 address/);
    rejects((i) => (i.signers[0].signedAt = '2026-01-02 10:30'), /signers\[0\]\.signedAt must be an ISO 8601 time with an offset/);
    rejects((i) => (i.files[0].sha256 = 'abc'), /files\[0\]\.sha256 must be 64 hexadecimal digits/);
    rejects((i) => (i.signers[0].positions[0].x = 1.5), /positions\[0\]\.x must be a fraction of the page from 0 to 1/);
    rejects((i) => (i.signers[0].willingness.method = 'telepathy'), /willingness\.method must be one of sms-otp/);
    rejects((i) => (i.signers[0].positions[0].file = 2), /positions\[0\]\.file must be an integer from 1 to 1/);
    rejects((i) => (i.signers = []), /signers must have at least 1 item/);
    rejects((i) => (i.contract.sendAt = i.contract.sentAt), /contract\.sendAt is not a known field/);
    rejects((i) => (i.signers[0].uscc = '91350100M000100Y43'), /uscc is for an organization/);
    rejects((i) => (i.contract.name = '合'.repeat(301)), /contract\.name is longer than 300 characters/);
    rejects((i) => (i.contract.name = '合同\n第二行'), /control characters/);
  });
});

describe('evidence/evidenceRecord()', () => {
  it('masks the accounts and the ID number, and keeps the names in full', () => {
    const r = evidenceRecord(input());
    assert.equal(r.signers[0].account, '185****5544');
    assert.equal(r.signers[0].idNumber, '1101**********002X');
    assert.equal(r.contract.sender.account, '138****8000');
    assert.equal(r.signers[0].subject, '张三');
    assert.doesNotMatch(JSON.stringify(r), /18512345544|11010519491231002X|13800138000/);
  });

  it('states every time in China Standard Time with its offset, and fills in the generation time', () => {
    const r = evidenceRecord(input());
    assert.equal(r.contract.sentAt, '2026-01-02T09:00:00+08:00');
    assert.equal(r.signers[0].signedAt, '2026-01-02T09:03:00.250+08:00');
    assert.equal(r.generatedAt, '2026-01-02T10:30:00+08:00');
    assert.equal(Date.parse(r.signers[0].signedAt), Date.parse('2026-01-02T01:03:00.250Z'));
  });

  it('is idempotent: the record of a record is the record', () => {
    const r = evidenceRecord(input());
    assert.deepEqual(evidenceRecord(JSON.parse(JSON.stringify(r))), r);
  });
});

describe('evidence/china-time', () => {
  it('formats instants in UTC+08:00 whatever the host time zone, across the date line', () => {
    assert.equal(formatChinaTime('2025-12-31T16:00:00Z'), '2026-01-01 00:00:00 +08:00');
    assert.equal(toChinaIso(new Date('2026-06-30T23:59:59.5Z')), '2026-07-01T07:59:59.500+08:00');
  });
});
