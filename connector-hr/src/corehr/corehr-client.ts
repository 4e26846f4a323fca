/**
 * Lark CoreHR (飞书人事) through the real `@larksuiteoapi/node-sdk` Client: the employee data an
 * onboarding event points at (`corehr.v2.employee.batchGet`, `corehr.v2.preHire.query`), flattened
 * into the plain fields a mapping names, and the contract record written back when the bundle is
 * signed (`corehr.v1.contract.create`, idempotent by `client_token`). `domain` points the SDK at
 * `https://open.feishu.cn`, `https://open.larksuite.com`, or a fake on 127.0.0.1 in tests.
 */
import type * as lark from '@larksuiteoapi/node-sdk';
import { larkSdk } from './lark-sdk.js';
import { SignetError } from '@signet/core';

/** How to reach CoreHR. */
export interface CoreHrClientOptions {
  appId: string;
  appSecret: string;
  /** Default `https://open.feishu.cn`. */
  domain?: string;
}

/**
 * The employee fields a CoreHR source gives a mapping, flattened from `corehr.v2` employee or
 * pre-hire data. Absent values are left out.
 */
export interface CoreHrEmployeeFields {
  /** The person's id: the same before and after onboarding, so it keys launches. */
  personId?: string;
  employmentId?: string;
  preHireId?: string;
  employeeNumber?: string;
  name?: string;
  /** The primary mobile, without `+86`. */
  mobile?: string;
  /** The first national ID number (居民身份证). */
  idNumber?: string;
  email?: string;
  departmentId?: string;
  /** The department's name (zh-CN when there is one). */
  department?: string;
  jobId?: string;
  /** The job's title or name. */
  position?: string;
  jobLevel?: string;
  workLocationId?: string;
  /** The employing company (合同主体) id, as CoreHR knows it. */
  companyId?: string;
  /** Start date (入职日期 / 生效日期), `YYYY-MM-DD`. */
  startDate?: string;
  /** Probation in months. */
  probationMonths?: number;
  probationEndDate?: string;
  contractStartDate?: string;
  contractEndDate?: string;
  [field: string]: unknown;
}

/** What is written back for a signed bundle. */
export interface CoreHrContractInput {
  employmentId: string;
  personId?: string;
  companyId: string;
  /** `YYYY-MM-DD`. */
  startDate: string;
  endDate?: string;
  contractNumber: string;
  contractType?: string;
  durationType?: string;
  signingType?: string;
  /** Custom field name → value (e.g. the link to the signed PDF). */
  customFields?: Record<string, string>;
  /** Idempotency: the same token creates the record once. */
  clientToken: string;
}

type I18n = { lang?: string; value?: string }[] | undefined;

function i18n(v: I18n): string | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return (v.find((x) => x.lang?.toLowerCase().startsWith('zh')) ?? v[0])?.value || undefined;
}

function day(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(v);
  if (m) return m[1];
  if (/^\d{12,13}$/.test(v)) return new Date(Number(v)).toISOString().slice(0, 10);
  return undefined;
}

function mobileOf(p: Record<string, unknown> | undefined): string | undefined {
  const list = (p?.phone_list as { phone_number?: string; is_primary?: boolean }[] | undefined) ?? [];
  const raw = (list.find((x) => x.is_primary) ?? list[0])?.phone_number ?? (p?.phone_number as string | undefined);
  return raw?.replace(/^\+?86[-\s]?/, '').replace(/[\s-]/g, '') || undefined;
}

function nameOf(p: Record<string, unknown> | undefined): string | undefined {
  const list = p?.name_list as { local_primary?: string; local_first_name?: string }[] | undefined;
  const fromList = list?.[0] ? `${list[0].local_primary ?? ''}${list[0].local_first_name ?? ''}` : '';
  return (p?.legal_name as string | undefined) || (p?.preferred_name as string | undefined) || fromList || undefined;
}

function idNumberOf(p: Record<string, unknown> | undefined): string | undefined {
  const list = p?.national_id_list as { national_id_number?: string }[] | undefined;
  return list?.[0]?.national_id_number || (p?.national_id_number as string | undefined) || undefined;
}

function compact(o: CoreHrEmployeeFields): CoreHrEmployeeFields {
  for (const k of Object.keys(o)) if (o[k] === undefined || o[k] === '') delete o[k];
  return o;
}

/** Flattens one item of `corehr.v2.employee.batchGet`. */
export function flattenEmployee(item: Record<string, unknown>): CoreHrEmployeeFields {
  const p = item.person_info as Record<string, unknown> | undefined;
  const job = item.job as { name?: I18n; job_title?: I18n } | undefined;
  const dept = item.department as { department_name?: I18n } | undefined;
  const level = item.job_level as { name?: I18n } | undefined;
  return compact({
    personId: p?.person_id as string | undefined,
    employmentId: (item.employment_id_v2 as string | undefined) || (item.employment_id as string | undefined),
    preHireId: item.prehire_id as string | undefined,
    employeeNumber: item.employee_number as string | undefined,
    name: nameOf(p),
    mobile: mobileOf(p),
    idNumber: idNumberOf(p),
    email: (item.email_address as string | undefined) ?? (p?.email_address as string | undefined),
    departmentId: (item.department_id_v2 as string | undefined) || (item.department_id as string | undefined),
    department: i18n(dept?.department_name),
    jobId: item.job_id as string | undefined,
    position: i18n(job?.job_title) ?? i18n(job?.name),
    jobLevel: i18n(level?.name),
    workLocationId: item.work_location_id as string | undefined,
    companyId: item.company_id as string | undefined,
    startDate: day(item.effective_date),
    probationMonths: typeof item.probation_period === 'number' ? item.probation_period : undefined,
    probationEndDate: day(item.probation_end_date),
    contractStartDate: day(item.contract_start_date),
    contractEndDate: day(item.contract_expected_end_date) ?? day(item.contract_end_date),
  });
}

/** Flattens one item of `corehr.v2.preHire.query` (a person not onboarded yet). */
export function flattenPreHire(item: Record<string, unknown>): CoreHrEmployeeFields {
  const p = item.person_info as Record<string, unknown> | undefined;
  const emp = item.employment_info as Record<string, unknown> | undefined;
  const onb = item.onboarding_info as Record<string, unknown> | undefined;
  const prob = item.probation_info as Record<string, unknown> | undefined;
  const con = item.contract_info as Record<string, unknown> | undefined;
  return compact({
    personId: p?.person_id as string | undefined,
    preHireId: item.pre_hire_id as string | undefined,
    employeeNumber: emp?.worker_id as string | undefined,
    name: nameOf(p),
    mobile: mobileOf(p),
    idNumber: idNumberOf(p),
    email: emp?.work_email as string | undefined,
    departmentId: emp?.department_id as string | undefined,
    jobId: emp?.job_id as string | undefined,
    position: emp?.job_title as string | undefined,
    workLocationId: emp?.work_location_id as string | undefined,
    companyId: emp?.company_id as string | undefined,
    startDate: day(onb?.onboarding_date),
    probationMonths: typeof prob?.probation_period === 'number' ? prob.probation_period : undefined,
    probationEndDate: day(prob?.probation_end_date),
    contractStartDate: day(con?.contract_start_date),
    contractEndDate: day(con?.contract_end_date) ?? day(con?.contract_expected_end_date),
  });
}

/** The employee fields asked for from `batchGet` (data the mapping may use). */
export const EMPLOYEE_FIELDS = [
  'employee_number', 'person_info', 'department', 'department_id', 'job', 'job_id', 'job_level', 'work_location_id', 'company_id',
  'effective_date', 'probation_period', 'probation_end_date', 'contract_start_date', 'contract_end_date', 'contract_expected_end_date',
  'prehire_id', 'email_address',
];

/** The pre-hire fields asked for from `preHire.query`. */
export const PRE_HIRE_FIELDS = ['person_info', 'employment_info', 'onboarding_info', 'probation_info', 'contract_info'];

/** A token cache per client, so that two clients (or tests) with the same app id never share tokens. */
class TokenCache {
  private readonly values = new Map<string, { value: unknown; expiresAt?: number }>();
  private key(k: string | Symbol, ns?: string): string {
    return `${ns ?? ''}:${String(k)}`;
  }
  async set(key: string | Symbol, value: unknown, expire?: number, options?: { namespace?: string }): Promise<boolean> {
    this.values.set(this.key(key, options?.namespace), { value, expiresAt: expire });
    return true;
  }
  async get(key: string | Symbol, options?: { namespace?: string }): Promise<unknown> {
    const hit = this.values.get(this.key(key, options?.namespace));
    if (!hit || (hit.expiresAt !== undefined && hit.expiresAt < Date.now())) return undefined;
    return hit.value;
  }
}

/** The SDK's own logging stays silent: its error dumps can carry personal data from CoreHR; failures surface as errors instead. */
const silent = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, trace: () => undefined };

function failed(what: string, r: { code?: number; msg?: string } | undefined): SignetError {
  return new SignetError('HR_UPSTREAM_FAILED', `飞书人事接口失败（${what}）：${r?.code ?? '?'} ${r?.msg ?? ''}。CoreHR ${what} failed with code ${r?.code ?? '?'} (${r?.msg ?? 'no message'}); check the app's CoreHR permissions and data scope, then retry.`, { upstream: 'corehr', code: r?.code });
}

async function call<T extends { code?: number; msg?: string }>(what: string, p: Promise<T>): Promise<T> {
  let r: T;
  try {
    r = await p;
  } catch (e) {
    const body = (e as { response?: { data?: { code?: number; msg?: string } } })?.response?.data;
    throw failed(what, body ?? { msg: (e as Error)?.message });
  }
  if (r?.code !== 0) throw failed(what, r);
  return r;
}

/** CoreHR through the SDK. */
export class CoreHrClient {
  /** The SDK client (tenant token fetched and cached by the SDK). */
  readonly client: lark.Client;

  constructor(opts: CoreHrClientOptions) {
    const sdk = larkSdk();
    this.client = new sdk.Client({
      appId: opts.appId,
      appSecret: opts.appSecret,
      appType: sdk.AppType.SelfBuild,
      domain: opts.domain ?? sdk.Domain.Feishu,
      cache: new TokenCache(),
      logger: silent,
      loggerLevel: sdk.LoggerLevel.error,
    });
  }

  /** The employee of an employment (after onboarding), or undefined when CoreHR does not return one. */
  async employee(employmentId: string): Promise<CoreHrEmployeeFields | undefined> {
    const r = await call('employee.batchGet', this.client.corehr.v2.employee.batchGet({
      data: { employment_ids: [employmentId], fields: EMPLOYEE_FIELDS },
      params: { user_id_type: 'people_corehr_id', department_id_type: 'people_corehr_department_id' },
    }));
    const item = r.data?.items?.[0];
    return item ? flattenEmployee(item as unknown as Record<string, unknown>) : undefined;
  }

  /** A pre-hire (待入职), or undefined. */
  async preHire(preHireId: string): Promise<CoreHrEmployeeFields | undefined> {
    const r = await call('preHire.query', this.client.corehr.v2.preHire.query({
      data: { pre_hire_ids: [preHireId], fields: PRE_HIRE_FIELDS },
      params: { page_size: 1, user_id_type: 'people_corehr_id', department_id_type: 'people_corehr_department_id' },
    }));
    const item = r.data?.items?.[0];
    return item ? flattenPreHire(item as unknown as Record<string, unknown>) : undefined;
  }

  /** Creates the contract record (合同记录) of a signed bundle; the same client token never creates two. */
  async createContractRecord(input: CoreHrContractInput): Promise<{ id: string }> {
    const r = await call('contract.create', this.client.corehr.v1.contract.create({
      data: {
        effective_time: input.startDate,
        ...(input.endDate ? { expiration_time: input.endDate, contract_end_date: input.endDate } : {}),
        employment_id: input.employmentId,
        ...(input.personId ? { person_id: input.personId } : {}),
        contract_type: { enum_name: input.contractType ?? 'labor_contract' },
        first_party_company_id: input.companyId,
        duration_type: { enum_name: input.durationType ?? (input.endDate ? 'fixed_term' : 'open_ended') },
        signing_type: { enum_name: input.signingType ?? 'new_sign' },
        contract_number: input.contractNumber,
        ...(input.customFields ? { custom_fields: Object.entries(input.customFields).map(([field_name, value]) => ({ field_name, value: JSON.stringify(value) })) } : {}),
      },
      params: { client_token: input.clientToken },
    }));
    const id = r.data?.contract?.id;
    if (!id) throw failed('contract.create', { code: r.code, msg: 'no contract id in the answer' });
    return { id };
  }
}
