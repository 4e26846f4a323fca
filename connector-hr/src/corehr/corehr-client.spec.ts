import assert from 'node:assert/strict';
import { isSignetError } from '@signet/core';
import { FakeCoreHr, fakeEmployee } from '../testing/fake-corehr.js';
import { CoreHrClient } from './corehr-client.js';
import { dispatchCoreHrCallback, type CoreHrEvent } from './corehr-events.js';

async function rejectsCode(p: Promise<unknown>, code: string, re?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isSignetError(e), `expected a SignetError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

describe('CoreHrClient (real @larksuiteoapi/node-sdk against a fake CoreHR on 127.0.0.1)', () => {
  let fake: FakeCoreHr;
  beforeEach(async () => {
    fake = await FakeCoreHr.start({ encryptKey: 'test-encrypt-key', verificationToken: 'vt-123' });
  });
  afterEach(() => fake.close());

  it('fetches an employee with a tenant token and flattens name, mobile, ID number, department, position and dates', async () => {
    fake.employees.set('emp_1', fakeEmployee({
      employmentId: 'emp_1', personId: 'per_1', name: '陈小华', mobile: '+86 13912345678', idNumber: '11010519900307151X',
      employeeNumber: 'E0001', department: '财务部', position: '会计', startDate: '2026-03-02', probationMonths: 3, contractEndDate: '2029-03-01',
    }));
    const client = new CoreHrClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
    const e = await client.employee('emp_1');
    assert.deepEqual(e, {
      personId: 'per_1', employmentId: 'emp_1', employeeNumber: 'E0001', name: '陈小华', mobile: '13912345678', idNumber: '11010519900307151X',
      departmentId: 'dept_1', department: '财务部', jobId: 'job_1', position: '会计', workLocationId: 'loc_sh', companyId: 'comp_sh',
      startDate: '2026-03-02', probationMonths: 3, contractEndDate: '2029-03-01',
    });
    assert.equal(await client.employee('emp_missing'), undefined);
    const calls = fake.requests.map((r) => r.path);
    assert.equal(calls.filter((p) => p.endsWith('/tenant_access_token/internal')).length, 1, 'the SDK caches the tenant token');
    const batch = fake.requests.find((r) => r.path.endsWith('/employees/batch_get'))!;
    assert.deepEqual((batch.body as { employment_ids: string[] }).employment_ids, ['emp_1']);
    assert.equal(batch.query.user_id_type, 'people_corehr_id');
  });

  it('refuses with HR_UPSTREAM_FAILED, naming the code, when the app secret is wrong', async () => {
    const client = new CoreHrClient({ appId: fake.appId, appSecret: 'wrong', domain: fake.url });
    await rejectsCode(client.employee('emp_1'), 'HR_UPSTREAM_FAILED', /10014.*app secret invalid/);
  });

  it('reads a pre-hire (待入职) and flattens its onboarding date and company', async () => {
    fake.preHires.set('ph_1', {
      pre_hire_id: 'ph_1',
      person_info: { person_id: 'per_2', legal_name: '林一', phone_number: '13800001111' },
      employment_info: { company_id: 'comp_bj', job_title: '销售', department_id: 'dept_9', worker_id: 'E0009' },
      onboarding_info: { onboarding_date: '2026-04-01' },
      probation_info: { probation_period: 6 },
    });
    const client = new CoreHrClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
    assert.deepEqual(await client.preHire('ph_1'), {
      personId: 'per_2', preHireId: 'ph_1', employeeNumber: 'E0009', name: '林一', mobile: '13800001111', departmentId: 'dept_9', position: '销售',
      companyId: 'comp_bj', startDate: '2026-04-01', probationMonths: 6,
    });
  });

  it('writes a contract record back once per client token, with number, dates and the link as a custom field', async () => {
    fake.employees.set('emp_1', fakeEmployee({ employmentId: 'emp_1', personId: 'per_1', name: '陈小华', mobile: '13912345678' }));
    const client = new CoreHrClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
    const input = {
      employmentId: 'emp_1', personId: 'per_1', companyId: 'comp_sh', startDate: '2026-03-02', endDate: '2029-03-01', contractNumber: 'HT-2026-E0001',
      customFields: { signet_contract_url: 'https://sign.example.com/api/v1/contracts/ct_1/documents/d1/download' }, clientToken: 'hrl_abc',
    };
    const a = await client.createContractRecord(input);
    const b = await client.createContractRecord(input);
    assert.equal(a.id, b.id);
    assert.equal(fake.contracts.length, 1);
    const d = fake.contracts[0].data as Record<string, unknown>;
    assert.equal(d.contract_number, 'HT-2026-E0001');
    assert.equal(d.effective_time, '2026-03-02');
    assert.equal(d.contract_end_date, '2029-03-01');
    assert.deepEqual(d.contract_type, { enum_name: 'labor_contract' });
    assert.deepEqual(d.duration_type, { enum_name: 'fixed_term' });
    assert.deepEqual(d.custom_fields, [{ field_name: 'signet_contract_url', value: JSON.stringify(input.customFields.signet_contract_url) }]);
    await rejectsCode(client.createContractRecord({ ...input, employmentId: 'emp_unknown', clientToken: 'other' }), 'HR_UPSTREAM_FAILED', /1161404/);
  });
});

describe('dispatchCoreHrCallback (the SDK EventDispatcher)', () => {
  let fake: FakeCoreHr;
  const secrets = { encryptKey: 'test-encrypt-key', verificationToken: 'vt-123' };
  before(async () => {
    fake = await FakeCoreHr.start(secrets);
  });
  after(() => fake.close());
  const headersOf = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

  it('decrypts, checks the signature and token, and hands employed_v1 to the handler with its event id', async () => {
    const seen: CoreHrEvent[] = [];
    const r = fake.eventRequest('corehr.job_data.employed_v1', { job_data_id: 'jd_1', employment_id: 'emp_1' });
    const out = await dispatchCoreHrCallback(JSON.parse(r.body), headersOf(r.headers), secrets, async (e) => {
      seen.push(e);
    });
    assert.deepEqual(out, { handled: 'corehr.job_data.employed_v1' });
    assert.deepEqual(seen, [{ eventId: r.eventId, type: 'corehr.job_data.employed_v1', employmentId: 'emp_1', tenantKey: 'tenant_fake' }]);
  });

  it('refuses a tampered signature, another verification token and an unencrypted event with HR_EVENT_INVALID, calling no handler', async () => {
    let calls = 0;
    const handle = async () => {
      calls++;
    };
    const tampered = fake.eventRequest('corehr.job_data.employed_v1', { employment_id: 'emp_1' }, { tamper: true });
    await rejectsCode(dispatchCoreHrCallback(JSON.parse(tampered.body), headersOf(tampered.headers), secrets, handle), 'HR_EVENT_INVALID', /Signature/);
    const token = fake.eventRequest('corehr.job_data.employed_v1', { employment_id: 'emp_1' }, { token: 'someone-else' });
    await rejectsCode(dispatchCoreHrCallback(JSON.parse(token.body), headersOf(token.headers), secrets, handle), 'HR_EVENT_INVALID', /verification token/);
    const plain = { schema: '2.0', header: { event_id: 'e1', token: 'vt-123', event_type: 'corehr.job_data.employed_v1' }, event: { employment_id: 'emp_1' } };
    await rejectsCode(dispatchCoreHrCallback(plain, {}, secrets, handle), 'HR_EVENT_INVALID', /encrypted/);
    assert.equal(calls, 0);
  });

  it('answers the URL challenge with the challenge, and only with the right token', async () => {
    const body = { encrypt: fake.encrypt(JSON.stringify({ challenge: 'ch-42', token: 'vt-123', type: 'url_verification' })) };
    assert.deepEqual(await dispatchCoreHrCallback(body, {}, secrets, async () => undefined), { challenge: 'ch-42' });
    const wrong = { encrypt: fake.encrypt(JSON.stringify({ challenge: 'ch-42', token: 'nope', type: 'url_verification' })) };
    await rejectsCode(dispatchCoreHrCallback(wrong, {}, secrets, async () => undefined), 'HR_EVENT_INVALID');
  });
});
