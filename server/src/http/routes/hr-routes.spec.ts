/**
 * The HR connector on the real server: the import endpoint and the batch view, an employee signing
 * the whole bundle after one willingness check (the PDFs checked by pdfsig), rejection, the
 * company seal after the employee (`after` policy), expiry reminders, and a Lark CoreHR onboarding
 * event, from a fake CoreHR on 127.0.0.1 driven by the real SDK, down to the contract record
 * written back.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { derToPem, type Actor } from '@signet/core';
import { InMemoryRecordStore } from '@signet/core/testing';
import { HrService, HttpHrPort, launchIdOf, type BatchView, type LaunchStatusRow, type RowProblem } from '@signet/connector-hr';
import { FakeCoreHr, fakeEmployee } from '@signet/connector-hr/testing';
import { makeNssDb, pdfsig, requireTool, tempDir } from '@signet/test-support';
import { startPlatformServer, type PlatformServer } from '../../testing/platform-server.js';
import type { SessionClient } from '../../testing/session-client.js';
import { employeeOf, employeesCsv, setUpHrBundle, type HrBundleFixture } from '../../hr/hr-test-kit.js';

async function json<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return JSON.parse(text) as T;
}

describe('HR connector routes (/api/v1/hr)', function () {
  this.timeout(240_000);
  let srv: PlatformServer;
  let admin: SessionClient;
  let adminActor: Actor & { kind: 'member' };
  let fx: HrBundleFixture;
  let mappingId: string;
  let fake: FakeCoreHr;

  before(async () => {
    fake = await FakeCoreHr.start({ encryptKey: 'corehr-encrypt-key', verificationToken: 'corehr-token' });
    srv = await startPlatformServer();
    admin = await srv.demoAdmin();
    adminActor = await srv.platform.directory.actorFor(srv.demo!.admin.id, srv.demo!.enterprise.id);
    fx = await setUpHrBundle(srv.platform, adminActor);
    mappingId = (await json<{ id: string }>(await admin.fetch('/api/v1/hr/mappings', { json: fx.mapping }), 201)).id;
  });
  after(async () => {
    await srv?.close();
    await fake?.close();
  });

  const importCsv = async (csv: string, name = 'employees.csv') =>
    json<{ batch: BatchView; problems: RowProblem[]; notices: string[] }>(await admin.fetch(`/api/v1/hr/imports?mappingId=${mappingId}&name=${encodeURIComponent(name)}`, {
      method: 'POST', body: new TextEncoder().encode(csv), headers: { 'content-type': 'text/csv' },
    }), 202);
  const finished = async (batchId: string): Promise<BatchView> => {
    for (let i = 0; i < 600; i++) {
      const b = await json<BatchView>(await admin.fetch(`/api/v1/hr/batches/${batchId}`), 200);
      if (b.state === 'done' || b.state === 'failed') return b;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`batch ${batchId} did not finish`);
  };
  const contractsOfHr = async () => (await srv.platform.workflow.collections.contracts.find('tenant', srv.demo!.enterprise.id)).filter((c) => c.appId === 'signet-hr');
  const inviteTokenOf = async (mobile: string): Promise<string> => {
    const m = (await srv.platform.devMessages!.read({ to: mobile })).reverse().find((x) => x.template === 'sign-invite');
    assert.ok(m?.params.url, `no signing invitation went to ${mobile}`);
    return /\/sign\/([A-Za-z0-9_-]+)$/.exec(m.params.url)![1];
  };
  const linkFetch = (token: string) => (path: string, body?: unknown) => fetch(new URL(path, srv.baseUrl), {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Link ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  /**
   * The employee opens the link and passes one SMS willingness check; returns the proof. Their real
   * name was verified before (by face, as on a first login), since codes go out at most once a
   * minute per number and the link's own identity check would spend one.
   */
  const employeeProof = async (i: number, contractId: string) => {
    const e = employeeOf(i);
    const link = linkFetch(await inviteTokenOf(e.手机号));
    await json(await link('/api/v1/link'), 200);
    const user = (await srv.platform.directory.findUserByMobile(e.手机号))!;
    if (user.realName.status !== 'verified') {
      await srv.platform.realName.startPersonVerification({ kind: 'system', reason: 'test: verified earlier' }, user.id, { name: e.姓名, idNumber: e.身份证号, method: 'face', faceToken: 'sandbox-face' });
    }
    const otpsBefore = (await srv.platform.devMessages!.read({ to: e.手机号 })).filter((m) => m.template === 'otp').length;
    const ch = await json<{ challengeId: string; method: string }>(await link('/api/v1/willingness', { contractIds: [contractId], method: 'sms_otp' }), 201);
    const proof = await json<{ proofId: string }>(await link(`/api/v1/willingness/${ch.challengeId}/confirm`, { code: await srv.lastCode(e.手机号) }), 200);
    const otps = (await srv.platform.devMessages!.read({ to: e.手机号 })).filter((m) => m.template === 'otp').length - otpsBefore;
    return { link, proofId: proof.proofId, otps, employee: e };
  };

  it('imports a CSV through the API: every bad row comes back with line, column and why, the good rows launch with the seal on, and a re-import duplicates nothing', async () => {
    const csv = employeesCsv([0, 1, 2, 3, 4, 5], { 1: { 手机号: '12345' }, 3: { 入职日期: '2026-02-30', 身份证号: '110101199003071235' }, 5: { 用工主体: 'XX' } });
    const r = await importCsv(csv);
    assert.deepEqual(r.problems.map((p) => [p.line, p.column]), [[3, '手机号'], [5, '身份证号'], [5, '入职日期'], [7, '用工主体']]);
    const b = await finished(r.batch.id);
    assert.equal(b.state, 'done');
    assert.deepEqual(b.counts, { created: 3, sent: 3, stamped: 3, failed: 3, skipped: 0 });
    const rows = (await json<{ items: LaunchStatusRow[] }>(await admin.fetch(`/api/v1/hr/batches/${b.id}/launches`), 200)).items;
    assert.deepEqual(rows.map((x) => [x.employeeKey, x.status]), [['E000001', 'awaiting_employee'], ['E000003', 'awaiting_employee'], ['E000005', 'awaiting_employee']]);
    assert.equal((await contractsOfHr()).length, 3);
    const c = (await contractsOfHr())[0];
    assert.deepEqual(c.documents.map((d) => [d.name, d.signatures]), [['劳动合同.pdf', 1], ['保密协议.pdf', 1], ['员工手册确认书.pdf', 1]], 'the company seal is on every document before the employee signs');

    const again = await finished((await importCsv(csv)).batch.id);
    assert.deepEqual(again.counts, { created: 0, sent: 0, stamped: 0, failed: 3, skipped: 3 });
    assert.equal((await contractsOfHr()).length, 3, 'exactly one contract per employee × bundle × period');

    const exported = await admin.fetch(`/api/v1/hr/batches/${b.id}/export`);
    assert.equal(exported.status, 200);
    const bytes = new Uint8Array(await exported.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 BOM, so that Excel shows the Chinese');
    const text = new TextDecoder().decode(bytes);
    assert.match(text, /^行号 row,/);
    assert.match(text, /E000003,.*awaiting_employee/);
    const list = await json<{ items: BatchView[] }>(await admin.fetch('/api/v1/hr/batches'), 200);
    assert.equal(list.items[0].id, again.id, 'newest first');
  });

  it('refuses a mapping that does not fit the bundle, naming every problem, and a file without a mapped column', async () => {
    const bad = { ...fx.mapping, vars: { ...fx.mapping.vars, bonus: '奖金' } };
    delete (bad.vars as Record<string, unknown>).salary;
    const e = await json<{ code: string; details: { problems: { code: string; variable: string }[] } }>(await admin.fetch('/api/v1/hr/mappings', { json: bad }), 422);
    assert.equal(e.code, 'HR_MAPPING_INVALID');
    assert.deepEqual(e.details.problems.map((p) => [p.code, p.variable]).sort(), [['missing-variable', 'salary'], ['unknown-variable', 'bonus']]);
    const noMobile = employeesCsv([0]).replace('手机号', '电话');
    const f = await json<{ code: string; message: string }>(await admin.fetch(`/api/v1/hr/imports?mappingId=${mappingId}`, { method: 'POST', body: new TextEncoder().encode(noMobile), headers: { 'content-type': 'text/csv' } }), 422);
    assert.equal(f.code, 'HR_FILE_UNREADABLE');
    assert.match(f.message, /"手机号"/);
  });

  it('lets the employee sign all three documents after one SMS willingness check; every signature passes pdfsig', async function () {
    requireTool(this, 'pdfsig', 'poppler-utils');
    requireTool(this, 'certutil', 'libnss3-tools');
    const [c] = (await contractsOfHr()).filter((x) => x.bizNo?.endsWith(':E000001'));
    const { link, proofId, otps } = await employeeProof(0, c.id);
    assert.equal(otps, 1, 'one willingness code for the whole bundle');
    const done = await json<{ contract: { state: string } }>(await link('/api/v1/link/sign', { proofId }), 200);
    assert.equal(done.contract.state, 'completed');

    const { dir, cleanup } = tempDir('signet-hr-pdfsig-');
    const nss = makeNssDb([derToPem(srv.installation.pki.rootCertificate)]);
    try {
      const final = (await srv.platform.workflow.collections.contracts.get(c.id))!;
      assert.equal(final.documents.length, 3);
      for (const d of final.documents) {
        const file = join(dir, `${d.id}.pdf`);
        writeFileSync(file, await srv.platform.deps.blobs.get(d.current));
        const out = pdfsig(file, nss.nssDir);
        const sigs = out.signatures.filter((s) => !/Signature Field Name: DocTimeStamp/.test(s.raw));
        assert.equal(sigs.length, 2, `${d.name}: the company seal and the employee's signature\n${out.stdout}`);
        for (const s of sigs) {
          assert.equal(s.validation, 'Signature is Valid.', s.raw);
          assert.equal(s.certificate, 'Certificate is Trusted.', s.raw);
        }
      }
    } finally {
      nss.cleanup();
      cleanup();
    }
    const l = (await srv.platform.hr.service.col.launches.get(launchIdOf(srv.demo!.enterprise.id, c.bizNo!)))!;
    const rows = srv.platform.hr.service.statusRows([await srv.platform.hr.service.followUp(l.tenant, c.id) ?? l]);
    assert.equal(rows[0].status, 'completed');
  });

  it('records an employee\'s rejection with its reason', async () => {
    const [c] = (await contractsOfHr()).filter((x) => x.bizNo?.endsWith(':E000003'));
    const link = linkFetch(await inviteTokenOf(employeeOf(2).手机号));
    await json(await link('/api/v1/link/reject', { reason: '薪资与约定不符' }), 200);
    const l = await srv.platform.hr.service.followUp(srv.demo!.enterprise.id, c.id);
    assert.equal(l?.state, 'rejected');
    assert.equal(srv.platform.hr.service.statusRows([l!])[0].statusText, '员工拒签 rejected: 薪资与约定不符');
  });

  it('with the "after" policy, stamps the company seal once the employee has signed', async () => {
    const afterMapping = { ...fx.mapping, name: '续签合同组合', period: '2027-renewal', seal: 'after' as const };
    const id = (await json<{ id: string }>(await admin.fetch('/api/v1/hr/mappings', { json: afterMapping }), 201)).id;
    const r = await json<{ batch: BatchView }>(await admin.fetch(`/api/v1/hr/imports?mappingId=${id}`, { method: 'POST', body: new TextEncoder().encode(employeesCsv([6])), headers: { 'content-type': 'text/csv' } }), 202);
    const b = await finished(r.batch.id);
    assert.deepEqual(b.counts, { created: 1, sent: 1, stamped: 0, failed: 0, skipped: 0 });
    const [c] = (await contractsOfHr()).filter((x) => x.bizNo?.includes(':2027-renewal:'));
    assert.deepEqual(c.signers.map((s) => [s.role, s.step]), [['employee', 1], ['company', 2]]);
    const { link, proofId } = await employeeProof(6, c.id);
    await json(await link('/api/v1/link/sign', { proofId }), 200);
    for (let i = 0; i < 300; i++) {
      const cur = (await srv.platform.workflow.collections.contracts.get(c.id))!;
      if (cur.state === 'completed') {
        assert.deepEqual(cur.signers.map((s) => s.state), ['signed', 'signed']);
        assert.equal(cur.signers[1].signature?.method, 'auto_stamp');
        return;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.fail('the follow-up job did not stamp the company seal');
  });

  it('launches the bundle on a CoreHR onboarding event, skips the redelivered event, and writes the contract record back once signed', async () => {
    await json(await admin.fetch('/api/v1/hr/corehr', {
      method: 'PUT', json: { mappingId: await coreHrMapping(), larkAppId: fake.appId, larkAppSecret: fake.appSecret, encryptKey: 'corehr-encrypt-key', verificationToken: 'corehr-token', domain: fake.url },
    }), 200);
    const callback = `${srv.baseUrl}/api/v1/hr/corehr/${srv.demo!.enterprise.id}/events`;
    const e = employeeOf(8);
    const employee = fakeEmployee({
      employmentId: 'emp_8', personId: 'per_8', name: e.姓名, mobile: e.手机号, idNumber: e.身份证号, employeeNumber: e.工号,
      department: '门店运营部', position: '店长', companyId: 'comp_sh', startDate: '2026-04-01', probationMonths: 6, contractEndDate: '2029-03-31',
    });
    const res = await fake.onboard(callback, employee);
    const body = await json<{ handled: string; contractId: string }>(res, 200);
    assert.equal(body.handled, 'corehr.job_data.employed_v1');
    const again = await json<{ handled: string; contractId?: string }>(await fake.push(callback, 'corehr.job_data.employed_v1', { employment_id: 'emp_8' }, { eventId: res.eventId }), 200);
    assert.equal(again.contractId, undefined, 'the redelivered event id is skipped');
    const forged = await fake.push(callback, 'corehr.job_data.employed_v1', { employment_id: 'emp_8' }, { tamper: true });
    assert.equal(forged.status, 401);
    assert.equal((await forged.json() as { code: string }).code, 'HR_EVENT_INVALID');
    const mine = (await contractsOfHr()).filter((c) => c.id === body.contractId);
    assert.equal(mine.length, 1);
    assert.equal(mine[0].title, `${e.姓名} 入职合同组合 2026`);

    const { link, proofId } = await employeeProof(8, body.contractId);
    await json(await link('/api/v1/link/sign', { proofId }), 200);
    for (let i = 0; i < 300 && fake.contracts.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(fake.contracts.length, 1, 'one contract record written back');
    const rec = fake.contracts[0].data as Record<string, unknown>;
    assert.equal(rec.employment_id, 'emp_8');
    assert.equal(rec.person_id, 'per_8');
    assert.equal(rec.first_party_company_id, 'comp_sh');
    assert.equal(rec.contract_number, `HT-2026-${e.工号}`);
    assert.equal(rec.effective_time, '2026-04-01');
    assert.equal(rec.contract_end_date, '2029-03-31');
    const url = JSON.parse((rec.custom_fields as { field_name: string; value: string }[])[0].value) as string;
    assert.equal(url, `${srv.baseUrl}/api/v1/contracts/${body.contractId}/documents/d1/download`);
    const l = (await srv.platform.hr.service.col.launches.find('contract', body.contractId))[0];
    assert.equal(l.corehr?.contractRecordId, fake.contracts[0].id);
  });

  it('sends each expiry reminder once, to the HR contacts of the mapping', async () => {
    const soon = new Date(Date.now() + 20 * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    const m = { ...fx.mapping, name: '短期合同', period: 'short-term', reminders: { daysBefore: [30, 7], notify: ['13800138001'] } };
    const id = (await json<{ id: string }>(await admin.fetch('/api/v1/hr/mappings', { json: m }), 201)).id;
    const r = await json<{ batch: BatchView }>(await admin.fetch(`/api/v1/hr/imports?mappingId=${id}`, { method: 'POST', body: new TextEncoder().encode(employeesCsv([10], { 0: { 合同到期日: soon } })), headers: { 'content-type': 'text/csv' } }), 202);
    await finished(r.batch.id);
    const [c] = (await contractsOfHr()).filter((x) => x.bizNo?.includes(':short-term:'));
    const { link, proofId } = await employeeProof(10, c.id);
    await json(await link('/api/v1/link/sign', { proofId }), 200);
    await srv.platform.hr.service.followUp(srv.demo!.enterprise.id, c.id);
    const first = await json<{ items: { employeeKey: string; daysLeft: number; sentTo: number }[] }>(await admin.fetch('/api/v1/hr/reminders', { method: 'POST' }), 200);
    assert.deepEqual(first.items.map((x) => [x.employeeKey, x.sentTo]), [['E000011', 1]]);
    assert.ok(first.items[0].daysLeft <= 30 && first.items[0].daysLeft > 7);
    const second = await json<{ items: unknown[] }>(await admin.fetch('/api/v1/hr/reminders', { method: 'POST' }), 200);
    assert.deepEqual(second.items, []);
    const sent = (await srv.platform.devMessages!.read({ to: '13800138001' })).filter((x) => x.template === 'hr-contract-expiring');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].params.expiresAt, soon);
  });

  it('launches through the REST API as an integrator app (HttpHrPort), idempotent on bizNo per app', async () => {
    const app = await srv.registerApp(srv.demo!.enterprise.id, 'hr sync');
    await srv.platform.workflow.seals.authorizeAutoStamp(adminActor, { seal: fx.sealId, expiresAt: new Date(Date.now() + 86_400_000), scope: { appIds: [app.appId] } });
    const port = new HttpHrPort({ baseUrl: srv.baseUrl, appId: app.appId, secret: app.secret });
    const service = new HrService({ store: new InMemoryRecordStore(), portFor: () => port });
    const m = { ...fx.mapping, period: 'via-api' };
    const file = new TextEncoder().encode(employeesCsv([12, 13]));
    const first = await service.importFile({ tenant: srv.demo!.enterprise.id, createdBy: app.appId, mapping: m, file }, { concurrency: 2 });
    assert.deepEqual(first.batch.counts, { created: 2, sent: 2, stamped: 2, failed: 0, skipped: 0 });
    const second = await service.importFile({ tenant: srv.demo!.enterprise.id, createdBy: app.appId, mapping: m, file }, { concurrency: 2 });
    assert.deepEqual(second.batch.counts, { created: 0, sent: 0, stamped: 0, failed: 0, skipped: 2 });
    const viaApi = (await srv.platform.workflow.collections.contracts.find('tenant', srv.demo!.enterprise.id)).filter((c) => c.appId === app.appId);
    assert.equal(viaApi.length, 2);
    assert.ok(viaApi.every((c) => c.signers[0].state === 'signed' && c.signers[0].signature?.method === 'auto_stamp'));
    const wrong = new HttpHrPort({ baseUrl: srv.baseUrl, appId: app.appId, secret: 'sk_wrong' });
    await assert.rejects(wrong.bundle(fx.bundleId), (e: { code?: string }) => e.code === 'AUTH_SIGNATURE_INVALID');
  });

  /** The mapping for CoreHR's flattened fields. */
  async function coreHrMapping(): Promise<string> {
    const m = {
      ...fx.mapping,
      name: '飞书人事入职',
      period: '{startDate:YYYY}',
      employee: { key: 'personId', name: 'name', mobile: 'mobile', idNumber: 'idNumber' },
      company: { entities: fx.mapping.company.entities },
      vars: {
        ...fx.mapping.vars,
        contractNo: { template: 'HT-{period}-{employeeNumber}' },
        employee: 'name', employeeId: 'idNumber', employeePhone: 'mobile', position: 'position', department: 'department',
        workplace: { value: '上海市浦东新区' }, startDate: 'startDate', endDate: 'contractEndDate', probationMonths: 'probationMonths', salary: { value: '9000.00' }, signDate: 'startDate',
      },
      expiresAt: 'contractEndDate',
    };
    return (await json<{ id: string }>(await admin.fetch('/api/v1/hr/mappings', { json: m }), 201)).id;
  }
});
