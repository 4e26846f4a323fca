import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isSignetError, randomIdGenerator, type Actor } from '@signet/core';
import { FixedClock, InMemoryBlobStore, InMemoryRecordStore } from '@signet/core/testing';
import { samplePdf } from '../http/routes/tenant-fixtures.js';
import { FileService, cleanFileName } from './file-service.js';

const member = (enterpriseId: string, userId = 'usr_a'): Actor => ({ kind: 'member', userId, enterpriseId, roles: ['member'] });

describe('files/FileService', () => {
  const make = () => {
    const blobs = new InMemoryBlobStore();
    const files = new FileService({
      store: new InMemoryRecordStore(), blobs, clock: new FixedClock(new Date('2026-03-01T02:00:00Z')), ids: randomIdGenerator,
      contractTenant: async (id) => (id === 'ct_1' || id === 'ct_2' ? 'ent_a' : undefined),
    });
    return { files, blobs };
  };
  const pdf = samplePdf(2, 'service');

  it('scopes a file to the uploader\'s enterprise: its members and apps get it, other enterprises get NOT_FOUND', async () => {
    const { files } = make();
    const rec = await files.put(member('ent_a'), pdf, '合同.pdf', { ip: '10.0.0.1' });
    assert.deepEqual([rec.tenant, rec.uploader, rec.pages, rec.size, rec.name], ['ent_a', 'usr_a', 2, pdf.length, '合同.pdf']);
    assert.equal((await files.get(member('ent_a', 'usr_b'), rec.id)).record.id, rec.id);
    assert.equal((await files.get({ kind: 'app', appId: 'app_1', enterpriseId: 'ent_a' }, rec.id)).bytes.length, pdf.length);
    await assert.rejects(files.get(member('ent_b'), rec.id), (e) => isSignetError(e, 'NOT_FOUND'));
    await assert.rejects(files.get({ kind: 'person', userId: 'usr_a' }, rec.id), (e) => isSignetError(e, 'NOT_FOUND'));
  });

  it('keeps a signing link\'s uploads in its contract\'s enterprise, visible to that contract\'s links only', async () => {
    const { files } = make();
    const link = (contractId: string): Actor => ({ kind: 'link', contractId, signerId: 's1', linkId: `lnk_${contractId}` });
    const rec = await files.put(link('ct_1'), pdf, undefined);
    assert.deepEqual([rec.tenant, rec.contractId, rec.uploader, rec.name], ['ent_a', 'ct_1', 'link:lnk_ct_1', 'document.pdf']);
    assert.equal((await files.get(link('ct_1'), rec.id)).record.id, rec.id);
    assert.equal((await files.get(member('ent_a'), rec.id)).record.id, rec.id);
    await assert.rejects(files.get(link('ct_2'), rec.id), (e) => isSignetError(e, 'NOT_FOUND'));
    await assert.rejects(files.put(link('ct_gone'), pdf, 'x.pdf'), (e) => isSignetError(e, 'NOT_FOUND'));
  });

  it('stores nothing for bytes that are not a readable PDF, and refuses Signet itself as an uploader', async () => {
    const { files, blobs } = make();
    const truncated = Buffer.from('%PDF-1.7 and then nothing');
    await assert.rejects(files.put(member('ent_a'), truncated, 'x.pdf'), (e) => isSignetError(e, 'PDF_TRUNCATED'));
    await assert.rejects(files.put(member('ent_a'), new Uint8Array(0), 'x.pdf'), (e) => isSignetError(e, 'PDF_NOT_PDF'));
    await assert.rejects(files.put({ kind: 'system', reason: 'test' }, pdf, 'x.pdf'), (e) => isSignetError(e, 'FORBIDDEN'));
    assert.equal((await files.records.scan()).length, 0);
    assert.equal(await blobs.has(createHash('sha256').update(truncated).digest('hex')), false);
    assert.equal(await blobs.has(createHash('sha256').update(pdf).digest('hex')), false);
  });

  it('cleans file names: no directories, no control characters, a default when nothing is left', () => {
    assert.equal(cleanFileName('C:\\Users\\张三\\合同.pdf'), '合同.pdf');
    assert.equal(cleanFileName('a\u0000b\u001f.pdf'), 'ab.pdf');
    assert.equal(cleanFileName('..'), 'document.pdf');
    assert.equal(cleanFileName(undefined), 'document.pdf');
    assert.equal([...cleanFileName('长'.repeat(300))].length, 200);
  });
});
