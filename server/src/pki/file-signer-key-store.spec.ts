import assert from 'node:assert/strict';
import { verify } from 'node:crypto';
import { parseCertificate, sampleIdCardNumber } from '@signet/core';
import { tempDir } from '@signet/test-support';
import { openInstallation } from '../installation.js';
import { FileSignerKeyStore } from './file-signer-key-store.js';

describe('pki/FileSignerKeyStore', () => {
  let cleanup: () => void;
  let store: FileSignerKeyStore;
  let inst: ReturnType<typeof openInstallation>;
  before(() => {
    const t = tempDir('signet-keystore-');
    cleanup = t.cleanup;
    inst = openInstallation({ dataDir: t.dir, create: true });
    store = new FileSignerKeyStore(inst.pki, { poolTarget: 1 });
  });
  after(() => cleanup());

  it('issues a person certificate on first use and returns the same signer afterwards', async () => {
    const subject = { kind: 'person' as const, name: '李四', idNumber: sampleIdCardNumber(7) };
    const a = await store.signerFor(subject);
    const b = await store.signerFor(subject);
    assert.equal(a, b);
    const info = parseCertificate(a.certificate);
    assert.equal(info.subject.CN, '李四');
    assert.ok(inst.pki.isIssued(info.serialHex));
    const sig = await a.sign(Buffer.from('合同'), 'sha256');
    assert.ok(verify('sha256', Buffer.from('合同'), info.publicKey, sig));
    assert.equal(verify('sha256', Buffer.from('合同同'), info.publicKey, sig), false);
  });

  it('keeps the key across processes: a new store over the same data directory reuses the certificate', async () => {
    const subject = { kind: 'organization' as const, name: '上海示例科技有限公司', uscc: '91350100M000100Y43' };
    const first = await store.signerFor(subject);
    const again = await new FileSignerKeyStore(inst.pki).signerFor(subject);
    assert.deepEqual(Buffer.from(again.certificate), Buffer.from(first.certificate));
  });

  it('revokes a certificate so that OCSP answers revoked', async () => {
    const signer = await store.signerFor({ kind: 'person', name: '王五', idNumber: sampleIdCardNumber(8) });
    const serial = parseCertificate(signer.certificate).serialHex;
    await store.revoke(serial, 'keyCompromise');
    assert.ok(inst.pki.revoked('issuing').some((r) => r.serialHex === serial));
  });
});
