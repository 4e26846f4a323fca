/**
 * Receives Lark/Feishu event pushes ("将事件发送至开发者服务器"): checks them, then hands them to the
 * SDK's `EventDispatcher` through `adaptExpress`.
 *
 * The checks run on the raw body bytes, before any JSON parsing, because Lark signs the bytes it
 * sent (the SDK's own check re-serialises the parsed body, which differs as soon as the sender's
 * JSON has other spacing):
 * 1. with an encrypt key, `X-Lark-Signature` must match (see `lark-crypto.ts`), except for the URL
 *    challenge, which Lark does not sign;
 * 2. the timestamp must be within the replay window, and the nonce not seen within it;
 * 3. the body decrypts (AES-256-CBC), and its verification token (`token`, or `header.token` in
 *    schema 2.0) equals the configured one.
 *
 * What fails is refused with 401 `OA_EVENT_INVALID` and never reaches a handler. What passes goes
 * to the dispatcher as plaintext (so the dispatcher needs no key of its own), which answers the URL
 * challenge (`autoChallenge`) and runs the registered handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as lark from '@larksuiteoapi/node-sdk';
import { SignetError, isSignetError, systemClock, type Clock } from '@signet/core';
import { LARK_HEADERS, invalidEvent, larkDecrypt, verifyLarkSignature } from './lark-crypto.js';
import { larkSdk } from './lark-sdk.js';

/** An `approval_instance` event (审批实例状态变更), as the connector needs it. */
export interface ApprovalInstanceEvent {
  /** The event's unique id (`uuid` of a schema 1.0 event): Lark retries carry the same one. */
  eventId: string;
  approvalCode: string;
  instanceCode: string;
  /** PENDING, APPROVED, REJECTED, CANCELED, DELETED, REVERTED, OVERTIME_CLOSE, OVERTIME_RECOVER. */
  status: string;
  /** Milliseconds since the epoch, when Lark says. */
  operateTime?: number;
  tenantKey?: string;
}

/** What the receiver's handler answers Lark with (JSON, 200). */
export type EventAck = Record<string, unknown>;

/** Options of {@link LarkEventReceiver}. */
export interface LarkEventReceiverOptions {
  /** The app's Encrypt Key; without one, events come in plaintext and only the token is checked. */
  encryptKey?: string;
  /** The app's Verification Token (required). */
  verificationToken: string;
  /**
   * How old a signed request may be, in seconds (default 7 hours: Lark retries a failed push after
   * 5 s, 5 min, 1 h and 6 h). Replays within it are refused by nonce; older ones by age; and the
   * event id de-duplicates whatever gets past both.
   */
  replayWindowSec?: number;
  /** Largest accepted body (default 1 MiB; events are small). */
  maxBodyBytes?: number;
  clock?: Clock;
  /** Runs for every checked `approval_instance` event; its result is the JSON answer. */
  onApprovalInstance: (event: ApprovalInstanceEvent) => Promise<EventAck>;
}

/** The request shape the receiver works with: node's, with an optional body an earlier middleware read. */
export type ReceiverRequest = IncomingMessage & { body?: unknown };
/** The response shape: node's, with express's `json` when there is one. */
export type ReceiverResponse = ServerResponse & { json?: (body: unknown) => unknown };

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: ReceiverRequest, max: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.body)) return req.body;
  if (typeof req.body === 'string') return Buffer.from(req.body, 'utf8');
  if (req.body && typeof req.body === 'object') return Buffer.from(JSON.stringify(req.body), 'utf8');
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > max) throw new SignetError('PAYLOAD_TOO_LARGE', `事件过大。The event body exceeds ${max} bytes.`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendJson(res: ReceiverResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** Checks Lark pushes and dispatches them with the SDK. */
export class LarkEventReceiver {
  private sdkP?: Promise<{ dispatcher: lark.EventDispatcher; adapt: (req: unknown, res: unknown) => Promise<void> }>;
  private readonly clock: Clock;
  private readonly windowSec: number;
  private readonly maxBody: number;
  private readonly nonces = new Map<string, number>();

  constructor(private readonly opts: LarkEventReceiverOptions) {
    if (!opts.verificationToken) throw new SignetError('INVALID_ARGUMENT', '缺少飞书 Verification Token。Configure the Lark app\'s verification token.');
    this.clock = opts.clock ?? systemClock;
    this.windowSec = opts.replayWindowSec ?? 7 * 3600;
    this.maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  }

  /** The SDK's dispatcher (with the `approval_instance` handler) and its express adapter, built on first use. */
  private sdk(): Promise<{ dispatcher: lark.EventDispatcher; adapt: (req: unknown, res: unknown) => Promise<void> }> {
    this.sdkP ??= larkSdk().then((sdk) => {
      const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, trace: () => undefined };
      // Checked pushes reach it as plaintext, so it holds no key of its own.
      const dispatcher = new sdk.EventDispatcher({ verificationToken: this.opts.verificationToken, logger: quiet, loggerLevel: sdk.LoggerLevel.error }).register({
        approval_instance: async (data: Record<string, unknown>) => this.opts.onApprovalInstance(approvalEventOf(data)),
      } as never);
      return { dispatcher, adapt: sdk.adaptExpress(dispatcher, { autoChallenge: true, logger: quiet }) };
    });
    return this.sdkP;
  }

  /** The SDK `EventDispatcher` the checked events go to. */
  async dispatcher(): Promise<lark.EventDispatcher> {
    return (await this.sdk()).dispatcher;
  }

  /**
   * Checks one push and returns its plaintext JSON; throws OA_EVENT_INVALID (401) for a bad
   * signature, a replay, a stale timestamp, a body that does not decrypt or a wrong token.
   */
  check(headers: Record<string, string | undefined>, raw: Uint8Array): Record<string, unknown> {
    return this.checked(headers, raw).plain;
  }

  private checked(headers: Record<string, string | undefined>, raw: Uint8Array): { plain: Record<string, unknown>; nonce?: string } {
    let outer: Record<string, unknown>;
    try {
      outer = JSON.parse(Buffer.from(raw).toString('utf8')) as Record<string, unknown>;
    } catch {
      throw invalidEvent('请求体不是 JSON', 'the body is not JSON');
    }
    if (!outer || typeof outer !== 'object' || Array.isArray(outer)) throw invalidEvent('请求体不是 JSON 对象', 'the body is not a JSON object');
    const key = this.opts.encryptKey;
    const ts = headers[LARK_HEADERS.timestamp];
    const nonce = headers[LARK_HEADERS.nonce];
    const sig = headers[LARK_HEADERS.signature];
    const signed = !!(ts || nonce || sig);
    let nonceId: string | undefined;
    if (key && signed) {
      // The signature covers the bytes as sent: check it before anything is decrypted.
      if (!ts || !nonce || !sig) throw invalidEvent('缺少签名请求头', 'the X-Lark-Signature, -Request-Timestamp or -Request-Nonce header is missing');
      if (!verifyLarkSignature(ts, nonce, key, raw, sig)) throw invalidEvent('签名不匹配（请求体被改动或密钥不符）', 'X-Lark-Signature does not match the body (it was changed, or the key differs)');
      const now = Math.floor(this.clock.now().getTime() / 1000);
      const t = Number(ts);
      if (!Number.isFinite(t) || Math.abs(now - t) > this.windowSec) throw invalidEvent('时间戳超出允许范围', `the timestamp is more than ${this.windowSec} s away from the connector's clock`);
      nonceId = `${ts}:${nonce}:${sig}`;
      this.rememberNonce(nonceId, now);
    }
    let plain: Record<string, unknown>;
    if (key) {
      if (typeof outer.encrypt !== 'string') throw invalidEvent('事件未加密', 'the event is not encrypted although an encrypt key is configured');
      try {
        plain = JSON.parse(larkDecrypt(outer.encrypt, key)) as Record<string, unknown>;
      } catch (e) {
        if (isSignetError(e)) throw e;
        throw invalidEvent('解密后不是 JSON', 'the decrypted event is not JSON');
      }
      // Only the URL challenge comes unsigned (Lark does not sign it).
      if (!signed && plain.type !== 'url_verification') throw invalidEvent('缺少签名请求头', 'the X-Lark-Signature, -Request-Timestamp or -Request-Nonce header is missing');
    } else {
      plain = outer;
    }
    const token = typeof plain.token === 'string' ? plain.token : (plain.header as { token?: unknown } | undefined)?.token;
    if (token !== this.opts.verificationToken) throw invalidEvent('Verification Token 不符', 'the verification token does not match');
    return { plain, nonce: nonceId };
  }

  private rememberNonce(id: string, now: number): void {
    if (this.nonces.size > 10_000) for (const [k, exp] of this.nonces) if (exp < now) this.nonces.delete(k);
    const exp = this.nonces.get(id);
    if (exp !== undefined && exp >= now) throw invalidEvent('重放的请求', 'the request is a replay (this signature and nonce were already received)');
    this.nonces.set(id, now + this.windowSec);
  }

  /**
   * Handles one HTTP push: checks it, then lets `adaptExpress` answer the challenge or dispatch.
   * Refusals answer 401 with `{ code, message }`; a handler failure answers 500, so Lark retries.
   */
  async handle(req: ReceiverRequest, res: ReceiverResponse): Promise<void> {
    let plain: Record<string, unknown>;
    let nonce: string | undefined;
    try {
      const raw = await readBody(req, this.maxBody);
      const h: Record<string, string | undefined> = {};
      for (const k of Object.values(LARK_HEADERS)) h[k] = header(req, k);
      ({ plain, nonce } = this.checked(h, raw));
    } catch (e) {
      const err = isSignetError(e) ? e : invalidEvent('无法读取请求', 'the request could not be read');
      sendJson(res, err.code === 'PAYLOAD_TOO_LARGE' ? 413 : 401, { code: err.code, message: err.message });
      return;
    }
    req.body = plain;
    if (typeof res.json !== 'function') res.json = (body: unknown) => sendJson(res, res.statusCode || 200, body ?? {});
    try {
      await (await this.sdk()).adapt(req, res);
    } catch (e) {
      // Not stored: a retry of this very push must get through.
      if (nonce) this.nonces.delete(nonce);
      const err = isSignetError(e) ? e : new SignetError('INTERNAL', '事件处理失败，请稍后重试。The event could not be stored; Lark will retry it.');
      sendJson(res, 500, { code: err.code, message: err.message });
    }
  }
}

/** The event fields of an `approval_instance` push, as the SDK's dispatcher flattens them. */
export function approvalEventOf(data: Record<string, unknown>): ApprovalInstanceEvent {
  const s = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
  const op = Number(data.instance_operate_time ?? data.operate_time);
  return {
    eventId: s(data.uuid) || s(data.event_id),
    approvalCode: s(data.approval_code),
    instanceCode: s(data.instance_code),
    status: s(data.status).toUpperCase(),
    operateTime: Number.isFinite(op) ? op : undefined,
    tenantKey: s(data.tenant_key) || undefined,
  };
}
