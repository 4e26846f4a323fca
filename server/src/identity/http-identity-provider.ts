/**
 * An IdentityProvider that asks an identity bureau (or a gateway in front of one) over HTTP, by URL.
 * The protocol, JSON over POST, each request with `Authorization: Bearer <token>` when configured
 * and an `X-Signet-Request-Id`:
 *
 * ```
 * POST <base>/v1/person/verify
 *   {"method":"id2"|"phone3"|"bank4"|"face","name":"张三","idNumber":"…","mobile"?:"…","bankCard"?:"…","faceToken"?:"…"}
 * POST <base>/v1/organization/verify
 *   {"method":"org3"|"legal_rep_phone","name":"…","uscc":"…","legalRepresentative"?:"…","legalRepIdNumber"?:"…","legalRepMobile"?:"…"}
 *   → 200 {"ok":true|false,"reason"?:"why not, for the user","reference"?:"the bureau's reference"}
 * POST <base>/v1/organization/micro-transfer
 *   {"name":"…","uscc":"…","legalRepresentative"?:"…","account":{"accountName":"…","accountNumber":"…","bankName":"…","branchName"?:"…"}}
 *   → 200 {"ok":true,"reference":"…","amountFen":1-99,"remark":"…"} | {"ok":false,"reason":"…"}
 * ```
 *
 * A "does not match" answer is `200 {"ok": false}`. Anything else (an error status, a body that is
 * not that JSON, a network error, no answer within the timeout) throws IDENTITY_PROVIDER_FAILED,
 * whose message names the endpoint (without credentials or query) and never the data sent.
 */
import { randomUUID } from 'node:crypto';
import {
  SignetError, type CorporateAccount, type IdentityCheckResult, type IdentityProvider, type MicroTransferResult,
  type OrganizationCheckMethod, type OrganizationIdentity, type PersonCheckMethod, type PersonIdentity,
} from '@signet/core';

/** Options of {@link HttpIdentityProvider}. */
export interface HttpIdentityProviderOptions {
  /** Bearer token for the bureau. */
  token?: string;
  /** Gives up after this many ms (default 10000). */
  timeoutMs?: number;
  /** The fetch implementation (default the global fetch). */
  fetch?: typeof fetch;
}

const PERSON_METHODS: readonly PersonCheckMethod[] = ['id2', 'phone3', 'bank4', 'face'];
const ORG_METHODS: readonly OrganizationCheckMethod[] = ['org3', 'legal_rep_phone'];

/** Real-name checks against an HTTP identity bureau. */
export class HttpIdentityProvider implements IdentityProvider {
  private readonly base: string;
  private readonly safeBase: string;
  private readonly fetchImpl: typeof fetch;

  /** `baseUrl` is the bureau's base URL, e.g. `https://idv.example.com/api`; throws INVALID_ARGUMENT when it is not http(s). */
  constructor(baseUrl: string, private readonly opts: HttpIdentityProviderOptions = {}) {
    let u: URL;
    try {
      u = new URL(baseUrl);
    } catch {
      throw new SignetError('INVALID_ARGUMENT', 'The identity provider URL is not a valid URL; give an http(s) URL such as https://idv.example.com/api.');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SignetError('INVALID_ARGUMENT', 'The identity provider URL must use http or https.');
    if (u.username || u.password) throw new SignetError('INVALID_ARGUMENT', 'Put the identity provider credentials in the token option, not in the URL.');
    u.search = '';
    u.hash = '';
    this.base = u.href.replace(/\/+$/, '');
    this.safeBase = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
  }

  /** POSTs the check to `<base>/v1/person/verify`. */
  async verifyPerson(identity: PersonIdentity, method: PersonCheckMethod): Promise<IdentityCheckResult> {
    if (!PERSON_METHODS.includes(method)) throw new SignetError('INVALID_ARGUMENT', `Unknown person check method; use ${PERSON_METHODS.join(', ')}.`);
    const body = { method, name: identity.name, idNumber: identity.idNumber, mobile: identity.mobile, bankCard: identity.bankCard, faceToken: identity.faceToken };
    return this.check('/v1/person/verify', body, method);
  }

  /** POSTs the check to `<base>/v1/organization/verify`. */
  async verifyOrganization(identity: OrganizationIdentity, method: OrganizationCheckMethod): Promise<IdentityCheckResult> {
    if (!ORG_METHODS.includes(method)) throw new SignetError('INVALID_ARGUMENT', `Unknown organization check method; use ${ORG_METHODS.join(', ')}.`);
    const body = {
      method, name: identity.name, uscc: identity.uscc, legalRepresentative: identity.legalRepresentative,
      legalRepIdNumber: identity.legalRepIdNumber, legalRepMobile: identity.legalRepMobile,
    };
    return this.check('/v1/organization/verify', body, method);
  }

  /** POSTs the transfer to `<base>/v1/organization/micro-transfer`; IDENTITY_PROVIDER_FAILED unless it reports an amount of 1–99 fen and a remark. */
  async startMicroTransfer(organization: OrganizationIdentity, account: CorporateAccount): Promise<MicroTransferResult> {
    const path = '/v1/organization/micro-transfer';
    const j = await this.post(path, { name: organization.name, uscc: organization.uscc, legalRepresentative: organization.legalRepresentative, account });
    if (j.ok === false) return { ok: false, reason: reasonOf(j) };
    if (j.ok !== true || !Number.isInteger(j.amountFen) || (j.amountFen as number) < 1 || (j.amountFen as number) > 99 || typeof j.remark !== 'string' || !j.remark) {
      throw this.fail(path, 'its answer has no ok, amountFen (1-99) and remark');
    }
    return { ok: true, reference: typeof j.reference === 'string' ? j.reference.slice(0, 128) : undefined, amountFen: j.amountFen as number, remark: j.remark.slice(0, 32) };
  }

  private async check(path: string, body: Record<string, unknown>, method: PersonCheckMethod | OrganizationCheckMethod): Promise<IdentityCheckResult> {
    const j = await this.post(path, body);
    if (typeof j.ok !== 'boolean') throw this.fail(path, 'its answer has no boolean "ok"');
    const reference = typeof j.reference === 'string' ? j.reference.slice(0, 128) : undefined;
    return j.ok ? { ok: true, method, reference } : { ok: false, method, reason: reasonOf(j), reference };
  }

  private async post(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Signet-Request-Id': randomUUID() };
    if (this.opts.token) headers.Authorization = `Bearer ${this.opts.token}`;
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      throw this.fail(path, err?.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `network error${err?.cause?.code ? ` (${err.cause.code})` : ''}`);
    }
    const text = await res.text().catch(() => '');
    if (res.status !== 200) throw this.fail(path, `it answered HTTP ${res.status}`);
    let j: unknown;
    try {
      j = JSON.parse(text);
    } catch {
      throw this.fail(path, 'its answer is not JSON');
    }
    if (!j || typeof j !== 'object' || Array.isArray(j)) throw this.fail(path, 'its answer is not a JSON object');
    return j as Record<string, unknown>;
  }

  private fail(path: string, why: string): SignetError {
    return new SignetError('IDENTITY_PROVIDER_FAILED', `身份核验服务暂不可用，请稍后重试。The identity provider at ${this.safeBase}${path} failed: ${why}. Retry later; check its URL and token.`);
  }
}

function reasonOf(j: Record<string, unknown>): string {
  return typeof j.reason === 'string' && j.reason.trim() ? j.reason.trim().slice(0, 200) : '身份核验未通过。The identity check did not pass.';
}
