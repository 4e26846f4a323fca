/**
 * Verifies SIGNET-HMAC-SHA256 integrator requests (see `canonical-request.ts`) in two phases, so
 * that a request with a bad header, a stale timestamp or an unknown app is refused before its body
 * is read, and the signature is checked over the exact body bytes once they are in.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignetError, type Actor, type Clock } from '@signet/core';
import type { AppCredentialStore, AppKey } from './app-credential-store.js';
import type { NonceStore } from './nonce-store.js';
import { AUTH_HEADERS, NONCE_PATTERN, TIMESTAMP_WINDOW_SECONDS, canonicalRequest, signCanonical } from './canonical-request.js';

/** The actor of an integrator request. */
export type AppActor = Extract<Actor, { kind: 'app' }>;

/** A request whose headers passed phase 1, waiting for its body. */
export interface PendingAppAuth {
  app: AppKey;
  timestamp: string;
  timestampSeconds: number;
  nonce: string;
  signature: Buffer;
}

/** Options of {@link HmacAuthenticator}. */
export interface HmacAuthenticatorOptions {
  apps: AppCredentialStore;
  nonces: NonceStore;
  clock: Clock;
  /** Accepted clock distance in seconds (default {@link TIMESTAMP_WINDOW_SECONDS}). */
  windowSeconds?: number;
}

const HEADER_LABELS: Record<keyof typeof AUTH_HEADERS, string> = {
  appId: 'X-Signet-App-Id',
  timestamp: 'X-Signet-Timestamp',
  nonce: 'X-Signet-Nonce',
  signature: 'X-Signet-Signature',
};

/** Checks integrator signatures, timestamps and nonces. */
export class HmacAuthenticator {
  private readonly window: number;

  constructor(private readonly opts: HmacAuthenticatorOptions) {
    this.window = opts.windowSeconds ?? TIMESTAMP_WINDOW_SECONDS;
  }

  /** True when the request carries any X-Signet-App-Id or X-Signet-Signature header (it means to be an integrator request). */
  static present(headers: IncomingHttpHeaders): boolean {
    return headers[AUTH_HEADERS.appId] !== undefined || headers[AUTH_HEADERS.signature] !== undefined;
  }

  /**
   * Phase 1, before the body is read: all four headers are there and well formed, the timestamp is
   * within the window, and the app exists and is active.
   */
  async begin(headers: IncomingHttpHeaders): Promise<PendingAppAuth> {
    const h = {} as Record<keyof typeof AUTH_HEADERS, string>;
    for (const key of Object.keys(AUTH_HEADERS) as (keyof typeof AUTH_HEADERS)[]) {
      const v = headers[AUTH_HEADERS[key]];
      if (v === undefined || v === '') {
        throw new SignetError('AUTH_REQUIRED', `缺少请求头 ${HEADER_LABELS[key]}。The ${HEADER_LABELS[key]} header is missing: integrator requests carry X-Signet-App-Id, X-Signet-Timestamp, X-Signet-Nonce and X-Signet-Signature (see the README, "Integrator authentication").`);
      }
      if (Array.isArray(v)) throw new SignetError('AUTH_SIGNATURE_INVALID', `${HEADER_LABELS[key]} was sent more than once; send it once.`);
      h[key] = v;
    }
    if (!/^\d{1,13}$/.test(h.timestamp)) {
      throw new SignetError('AUTH_TIMESTAMP_SKEW', `X-Signet-Timestamp 必须是 Unix 秒数。X-Signet-Timestamp must be Unix time in whole seconds (e.g. ${Math.floor(this.opts.clock.now().getTime() / 1000)}).`);
    }
    const ts = Number(h.timestamp);
    const now = Math.floor(this.opts.clock.now().getTime() / 1000);
    if (Math.abs(now - ts) > this.window) {
      const hint = h.timestamp.length >= 13 ? ' It looks like milliseconds: send seconds.' : ' Sync the client clock (NTP) and sign again.';
      throw new SignetError('AUTH_TIMESTAMP_SKEW', `请求时间戳超出 ${this.window / 60} 分钟窗口。X-Signet-Timestamp ${h.timestamp} is ${Math.abs(now - ts)} s away from the server time ${now}; the window is ${this.window} s.${hint}`, { serverTime: now });
    }
    if (!NONCE_PATTERN.test(h.nonce)) {
      throw new SignetError('AUTH_SIGNATURE_INVALID', 'X-Signet-Nonce must be 16 to 64 characters of A-Z a-z 0-9 - _, fresh for every request.');
    }
    if (!/^[0-9a-fA-F]{64}$/.test(h.signature)) {
      throw new SignetError('AUTH_SIGNATURE_INVALID', 'X-Signet-Signature must be the 64 hex digits of an HMAC-SHA256.');
    }
    const app = await this.opts.apps.lookup(h.appId);
    if (!app) throw new SignetError('AUTH_APP_UNKNOWN', `应用 ${h.appId} 不存在或已停用。App ${h.appId} is unknown or disabled; check X-Signet-App-Id.`);
    return { app, timestamp: h.timestamp, timestampSeconds: ts, nonce: h.nonce, signature: Buffer.from(h.signature, 'hex') };
  }

  /**
   * Phase 2, once the body is read: the signature matches the canonical request (compared in
   * constant time), then the nonce is claimed, so that only a correctly signed request uses it up.
   */
  async finish(p: PendingAppAuth, req: { method: string; target: string; bodySha256: string }): Promise<AppActor> {
    const canonical = canonicalRequest({ method: req.method, target: req.target, timestamp: p.timestamp, nonce: p.nonce, bodySha256: req.bodySha256 });
    const expected = Buffer.from(signCanonical(canonical, p.app.key), 'hex');
    if (!timingSafeEqual(expected, p.signature)) {
      throw new SignetError(
        'AUTH_SIGNATURE_INVALID',
        `签名不匹配。X-Signet-Signature does not match this request. The server signed this canonical string (lines joined by \\n): ${JSON.stringify(canonical)}. Sign exactly these bytes with HMAC-SHA256 and the app secret; if the body hash differs, the body changed after signing.`,
        { canonical },
      );
    }
    const expiresAt = new Date((p.timestampSeconds + this.window + 1) * 1000);
    if (!(await this.opts.nonces.claim(`${p.app.appId}:${p.nonce}`, expiresAt))) {
      throw new SignetError('AUTH_REPLAY', `X-Signet-Nonce ${p.nonce} was already used by this app: a replayed request. Use a fresh random nonce for every request.`);
    }
    return { kind: 'app', appId: p.app.appId, enterpriseId: p.app.enterpriseId };
  }
}
