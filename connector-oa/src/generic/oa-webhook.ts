/**
 * The generic OA webhook: one documented JSON contract for every OA system that is not Lark
 * (DingTalk `bpms_instance_change`, WeCom approval events, 泛微 e-cology workflow actions, 致远,
 * 蓝凌 …). A small relay or the OA's own HTTP action posts it; the connector stamps through the
 * same path as for Lark and posts the result to the callback URL.
 *
 * Both directions are signed like Signet's own webhooks:
 *
 *     X-Signet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * (RFC 2104 HMAC with SHA-256, the secret's UTF-8 bytes as key). A receiver recomputes the HMAC
 * over the raw body bytes, compares in constant time and refuses timestamps more than 5 minutes
 * off.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignetError } from '@signet/core';

/** The signature header of both directions. */
export const OA_SIGNATURE_HEADER = 'x-signet-signature';

/** How far a signature's timestamp may be from the receiver's clock, in seconds. */
export const OA_SIGNATURE_TOLERANCE_SEC = 300;

/** The `X-Signet-Signature` value for `body` at `timestampSec`. */
export function signOaWebhook(secret: string, body: string | Uint8Array, timestampSec: number): string {
  const v1 = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestampSec}.`).update(body).digest('hex');
  return `t=${timestampSec},v1=${v1}`;
}

/** True when `header` holds a valid signature of `body` under `secret`, within the tolerance. */
export function verifyOaWebhook(secret: string, header: string | undefined, body: Uint8Array, nowSec: number, toleranceSec = OA_SIGNATURE_TOLERANCE_SEC): boolean {
  if (!header) return false;
  let t: number | undefined;
  const sigs: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && /^\d{1,12}$/.test(v ?? '')) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? '')) sigs.push(v);
  }
  if (t === undefined || sigs.length === 0 || Math.abs(nowSec - t) > toleranceSec) return false;
  const want = Buffer.from(signOaWebhook(secret, body, t).split('v1=')[1], 'hex');
  return sigs.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), want));
}

/** Instance statuses of the contract (map your OA's to these). */
export const OA_STATUSES = ['APPROVED', 'REJECTED', 'CANCELED', 'DELETED', 'PENDING', 'REVERTED'] as const;

/** One status of {@link OA_STATUSES}. */
export type OaStatus = (typeof OA_STATUSES)[number];

/** The JSON body of `POST /oa/webhook`. */
export interface OaWebhookBody {
  /** Which OA: `dingtalk`, `wecom`, `weaver` (泛微), `seeyon` (致远), `landray` (蓝凌) or any `[a-z0-9_-]` name. */
  system: string;
  /** Unique per event; a retry of the same event carries the same id. */
  eventId: string;
  /** The approval instance's id in the OA (DingTalk processInstanceId, WeCom sp_no, 泛微 requestid). */
  instanceId: string;
  status: OaStatus;
  /** The seal: its Signet id, or its exact name. */
  seal?: string;
  title?: string;
  reason?: string;
  /** The PDF: a URL the connector downloads (hosts must be allowed), or the bytes in base64. */
  document?: { url?: string; base64?: string; name?: string };
  approvers?: { name: string; userId?: string; at: string }[];
  approvedAt?: string;
  counterparty?: { name?: string; signer?: string; mobile?: string; mustSign?: boolean };
  /** Where the result is posted (https), signed with the same secret. */
  callbackUrl?: string;
}

function bad(zh: string, en: string): SignetError {
  return new SignetError('INVALID_ARGUMENT', `${zh} ${en}`);
}

function optString(o: Record<string, unknown>, k: string, max: number, where = ''): string | undefined {
  const v = o[k];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > max) throw bad(`字段 ${where}${k} 须为不超过 ${max} 个字符的字符串。`, `${where}${k} must be a string of at most ${max} characters.`);
  return v;
}

/** Parses and checks a webhook body; INVALID_ARGUMENT names the field. */
export function parseOaWebhook(raw: Uint8Array): OaWebhookBody {
  let j: unknown;
  try {
    j = JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    throw bad('请求体不是合法的 JSON。', 'The body is not valid JSON.');
  }
  if (!j || typeof j !== 'object' || Array.isArray(j)) throw bad('请求体须为 JSON 对象。', 'The body must be a JSON object.');
  const o = j as Record<string, unknown>;
  const system = optString(o, 'system', 32);
  if (!system || !/^[a-z0-9_-]+$/.test(system) || system === 'lark') throw bad('system 须为 OA 系统名（小写字母、数字、_、-，不能是 lark）。', 'system must name the OA ([a-z0-9_-], not "lark": Lark has its own endpoint).');
  const eventId = optString(o, 'eventId', 128);
  if (!eventId) throw bad('缺少 eventId。', 'eventId is required.');
  const instanceId = optString(o, 'instanceId', 128);
  if (!instanceId) throw bad('缺少 instanceId。', 'instanceId is required.');
  const status = String(o.status ?? '').toUpperCase() as OaStatus;
  if (!OA_STATUSES.includes(status)) throw bad(`status 须为 ${OA_STATUSES.join('、')} 之一。`, `status must be one of ${OA_STATUSES.join(', ')}.`);
  const body: OaWebhookBody = {
    system, eventId, instanceId, status,
    seal: optString(o, 'seal', 128), title: optString(o, 'title', 200), reason: optString(o, 'reason', 2000),
    approvedAt: optString(o, 'approvedAt', 40), callbackUrl: optString(o, 'callbackUrl', 2000),
  };
  if (body.approvedAt && Number.isNaN(Date.parse(body.approvedAt))) throw bad('approvedAt 须为 ISO 时间。', 'approvedAt must be an ISO 8601 time.');
  if (o.document !== undefined) {
    if (!o.document || typeof o.document !== 'object') throw bad('document 须为对象。', 'document must be an object { url | base64, name }.');
    const d = o.document as Record<string, unknown>;
    body.document = { url: optString(d, 'url', 2000, 'document.'), base64: typeof d.base64 === 'string' ? d.base64 : undefined, name: optString(d, 'name', 255, 'document.') };
    if (!body.document.url && !body.document.base64) throw bad('document 须包含 url 或 base64。', 'document needs a url or base64.');
  }
  if (o.approvers !== undefined) {
    if (!Array.isArray(o.approvers) || o.approvers.length > 50) throw bad('approvers 须为数组（最多 50 人）。', 'approvers must be an array of at most 50.');
    body.approvers = o.approvers.map((a, i) => {
      const p = (a ?? {}) as Record<string, unknown>;
      const name = optString(p, 'name', 100, `approvers[${i}].`);
      const at = optString(p, 'at', 40, `approvers[${i}].`);
      if (!name || !at || Number.isNaN(Date.parse(at))) throw bad(`approvers[${i}] 须有 name 和 ISO 时间 at。`, `approvers[${i}] needs a name and an ISO 8601 time "at".`);
      return { name, at, ...(optString(p, 'userId', 128, `approvers[${i}].`) ? { userId: String(p.userId) } : {}) };
    });
  }
  if (o.counterparty !== undefined) {
    if (!o.counterparty || typeof o.counterparty !== 'object') throw bad('counterparty 须为对象。', 'counterparty must be an object.');
    const c = o.counterparty as Record<string, unknown>;
    body.counterparty = {
      name: optString(c, 'name', 200, 'counterparty.'), signer: optString(c, 'signer', 100, 'counterparty.'),
      mobile: optString(c, 'mobile', 32, 'counterparty.'), mustSign: c.mustSign === true,
    };
  }
  if (status === 'APPROVED') {
    if (!body.seal) throw bad('已通过的申请须指定 seal。', 'An APPROVED request needs the seal.');
    if (!body.document) throw bad('已通过的申请须附 document。', 'An APPROVED request needs the document.');
    if (!body.approvers?.length) throw bad('已通过的申请须列出 approvers。', 'An APPROVED request needs its approvers.');
  }
  return body;
}

/** True when `url` may be fetched or posted to: https (or http when allowed) on an allowed host. */
export function hostAllowed(url: string, allowedHosts: readonly string[] | undefined, allowHttp: boolean): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && !(allowHttp && u.protocol === 'http:')) return false;
  if (u.username || u.password) return false;
  if (!allowedHosts?.length) return false;
  const host = u.hostname.toLowerCase();
  return allowedHosts.some((h) => {
    const p = h.toLowerCase();
    return p.startsWith('*.') ? host.endsWith(p.slice(1)) : host === p || `${host}:${u.port}` === p;
  });
}
