/**
 * A MessageSender for an SMS gateway reached by one JSON POST per message. The protocol:
 *
 * ```
 * POST <url>
 * Content-Type: application/json
 * Authorization: Bearer <token>                        (when a token is configured)
 * X-Signet-Timestamp: <unix seconds>                   (when a secret is configured)
 * X-Signet-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
 *
 * {"messageId":"<uuid>","to":"13800138000","template":"otp","params":{"code":"123456","minutes":"5"},
 *  "sign":"Signet","text":"【Signet】验证码 123456，5 分钟内有效…"}
 * ```
 *
 * Any 2xx answer means accepted, unless its JSON body says `{"ok": false}`. Anything else (an error
 * status, `ok: false`, a network error, no answer within the timeout) throws MESSAGE_SEND_FAILED
 * with a message naming the gateway (without credentials or query) and the cause, never the number,
 * the text or the parameters.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { SignetError, type MessageSender, type OutgoingMessage } from '@signet/core';
import { renderMessage } from './message-templates.js';

/** Options of {@link HttpSmsMessageSender}. */
export interface HttpSmsMessageSenderOptions {
  /** Bearer token for the gateway. */
  token?: string;
  /** Shared secret to sign each request body (HMAC-SHA256). */
  secret?: string;
  /** The SMS signature (短信签名), default `Signet`. */
  sign?: string;
  /** Gives up after this many ms (default 10000). */
  timeoutMs?: number;
  /** The fetch implementation (default the global fetch). */
  fetch?: typeof fetch;
}

/** Sends messages through an HTTP SMS gateway. */
export class HttpSmsMessageSender implements MessageSender {
  private readonly safeUrl: string;
  private readonly fetchImpl: typeof fetch;

  /** Throws INVALID_ARGUMENT when `url` is not an http(s) URL. */
  constructor(private readonly url: string, private readonly opts: HttpSmsMessageSenderOptions = {}) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new SignetError('INVALID_ARGUMENT', 'The SMS gateway URL is not a valid URL; give an http(s) URL such as https://sms.example.com/send.');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SignetError('INVALID_ARGUMENT', 'The SMS gateway URL must use http or https.');
    if (u.username || u.password) throw new SignetError('INVALID_ARGUMENT', 'Put the SMS gateway credentials in the token option, not in the URL.');
    this.safeUrl = `${u.protocol}//${u.host}${u.pathname}`;
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
  }

  /** POSTs the message; resolves when the gateway accepted it. */
  async send(message: OutgoingMessage): Promise<void> {
    const sign = this.opts.sign ?? 'Signet';
    const body = JSON.stringify({ messageId: randomUUID(), to: message.to, template: message.template, params: message.params, sign, text: renderMessage(message, sign) });
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (this.opts.token) headers.Authorization = `Bearer ${this.opts.token}`;
    if (this.opts.secret) {
      const ts = String(Math.floor(Date.now() / 1000));
      headers['X-Signet-Timestamp'] = ts;
      headers['X-Signet-Signature'] = `sha256=${createHmac('sha256', this.opts.secret).update(`${ts}.${body}`).digest('hex')}`;
    }
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    let res: Response;
    try {
      res = await this.fetchImpl(this.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      throw this.fail(err?.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `network error${err?.cause?.code ? ` (${err.cause.code})` : ''}`);
    }
    const text = await res.text().catch(() => '');
    if (res.status < 200 || res.status > 299) throw this.fail(`it answered HTTP ${res.status}`);
    if (text.trim()) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return; // A 2xx answer with a non-JSON body still means accepted.
      }
      if (json && typeof json === 'object' && (json as { ok?: unknown }).ok === false) {
        const code = (json as { error?: unknown }).error;
        throw this.fail(`it refused the message${typeof code === 'string' && /^[\w.-]{1,40}$/.test(code) ? ` (${code})` : ''}`);
      }
    }
  }

  private fail(why: string): SignetError {
    return new SignetError('MESSAGE_SEND_FAILED', `短信发送失败，请稍后重试。The SMS gateway at ${this.safeUrl} failed: ${why}. Retry later; check the gateway URL and credentials.`);
  }
}
