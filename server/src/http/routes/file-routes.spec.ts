import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, run, tempDir } from '@signet/test-support';
import { startPlatformServer, type PlatformServer } from '../../testing/platform-server.js';
import { apiError, demoClient, json, otherTenant, samplePdf, type OtherTenant } from './tenant-fixtures.js';

describe('file routes: /api/v1/files', function () {
  this.timeout(120_000);
  let srv: PlatformServer;
  let other: OtherTenant;
  const pdf = Buffer.from(samplePdf(3, 'Upload test'));

  before(async () => {
    srv = await startPlatformServer({ maxUploadBytes: 256 * 1024 });
    other = await otherTenant(srv);
  });
  after(() => srv?.close());

  const countFiles = async () => (await srv.platform.files.records.scan()).length;
  const upload = (c: { fetch: (p: string, i: RequestInit) => Promise<Response> }, bytes: Uint8Array, name = '劳动合同.pdf', type = 'application/pdf') =>
    c.fetch(`/api/v1/files?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { 'content-type': type }, body: bytes });

  it('stores an uploaded PDF for the uploader\'s enterprise and gives it back with its UTF-8 name', async () => {
    const admin = await srv.demoAdmin();
    const f = await json<{ fileId: string; name: string; pages: number; sha256: string; size: number }>(await upload(admin, pdf), 201);
    assert.equal(f.name, '劳动合同.pdf');
    assert.equal(f.pages, 3);
    assert.equal(f.size, pdf.length);
    assert.equal(f.sha256, createHash('sha256').update(pdf).digest('hex'));

    const back = await admin.fetch(`/api/v1/files/${f.fileId}`);
    assert.equal(back.status, 200);
    assert.equal(back.headers.get('content-type'), 'application/pdf');
    assert.match(back.headers.get('content-disposition')!, /filename\*=UTF-8''%E5%8A%B3%E5%8A%A8%E5%90%88%E5%90%8C\.pdf/);
    assert.ok(Buffer.from(await back.arrayBuffer()).equals(pdf));

    const rec = await srv.platform.files.records.get(f.fileId);
    assert.equal(rec!.tenant, srv.demo!.enterprise.id);
    const audit = await srv.platform.workflow.collections.audit.find('subject', f.fileId);
    assert.deepEqual(audit.map((e) => e.type), ['file.uploaded']);
    assert.equal(audit[0].actor.id, srv.demo!.admin.id);
  });

  it('lets an integrator app upload and download, and the service hand the bytes to contracts (FileService.get)', async () => {
    const creds = await srv.registerApp();
    const sf = srv.signedFetch(creds);
    const f = await json<{ fileId: string }>(await sf('/api/v1/files?name=a.pdf', { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: pdf }), 201);
    const back = await sf(`/api/v1/files/${f.fileId}`);
    assert.equal(back.status, 200);
    const got = await srv.platform.files.get({ kind: 'member', userId: srv.demo!.admin.id, enterpriseId: srv.demo!.enterprise.id, roles: ['member'] }, f.fileId);
    assert.equal(got.record.name, 'a.pdf');
    assert.ok(Buffer.from(got.bytes).equals(pdf));
  });

  it('answers 404 for another enterprise\'s file, to its admin and to its app', async () => {
    const admin = await srv.demoAdmin();
    const f = await json<{ fileId: string }>(await upload(admin, pdf), 201);
    await apiError(await other.admin.fetch(`/api/v1/files/${f.fileId}`), 404, 'NOT_FOUND');
    await apiError(await srv.signedFetch(other.app)(`/api/v1/files/${f.fileId}`), 404, 'NOT_FOUND');
    await apiError(await admin.fetch('/api/v1/files/file_doesnotexist'), 404, 'NOT_FOUND');
  });

  it('refuses bytes that are not a PDF, and stores nothing', async () => {
    const member = await demoClient(srv, 'member');
    const before = await countFiles();
    const e = await apiError(await upload(member, Buffer.from('hello, not a pdf')), 422, 'PDF_NOT_PDF');
    assert.match(e.message, /Upload a PDF/);
    await apiError(await upload(member, pdf.subarray(0, Math.floor(pdf.length / 2))), 422, 'PDF_TRUNCATED');
    assert.equal(await countFiles(), before);
  });

  describe('an encrypted PDF', () => {
    let tmp: { dir: string; cleanup: () => void };
    before(function () {
      requireTool(this, 'qpdf', 'qpdf');
      tmp = tempDir();
    });
    after(() => tmp?.cleanup());

    it('is refused with PDF_ENCRYPTED, saying how to decrypt it', async () => {
      writeFileSync(join(tmp.dir, 'in.pdf'), pdf);
      const r = run('qpdf', ['--encrypt', 'u', 'o', '256', '--', join(tmp.dir, 'in.pdf'), join(tmp.dir, 'enc.pdf')]);
      assert.equal(r.status, 0, r.stderr);
      const before = await countFiles();
      const e = await apiError(await upload(await srv.demoAdmin(), readFileSync(join(tmp.dir, 'enc.pdf'))), 422, 'PDF_ENCRYPTED');
      assert.match(e.message, /qpdf --decrypt/);
      assert.equal(await countFiles(), before);
    });
  });

  it('answers 413 beyond the upload limit and 415 for another media type, storing nothing', async () => {
    const admin = await srv.demoAdmin();
    const before = await countFiles();
    const big = Buffer.concat([Buffer.from(pdf), Buffer.alloc(300 * 1024, 0x20)]);
    const e = await apiError(await upload(admin, big), 413, 'PAYLOAD_TOO_LARGE');
    assert.match(e.message, /256 KiB/);
    await apiError(await upload(admin, pdf, 'x.pdf', 'image/png'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    assert.equal(await countFiles(), before);
  });

  it('refuses an upload without credentials, and a query parameter it does not know', async () => {
    await apiError(await fetch(`${srv.baseUrl}/api/v1/files`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: pdf }), 401, 'AUTH_REQUIRED');
    const admin = await srv.demoAdmin();
    const e = await apiError(await admin.fetch('/api/v1/files?nmae=x.pdf', { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: pdf }), 400, 'INVALID_ARGUMENT');
    assert.match(e.message, /nmae/);
  });

  it('keeps a path out of the stored name', async () => {
    const admin = await srv.demoAdmin();
    const f = await json<{ name: string }>(await upload(admin, pdf, '../../etc/合同.pdf'), 201);
    assert.equal(f.name, '合同.pdf');
  });
});
