/**
 * The webhook signature scheme. Every delivery carries
 *
 *     X-Signet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
 *
 * where `v1 = HMAC-SHA256(key = the subscription secret as UTF-8, message = "<t>.<raw body>")`
 * (RFC 2104 with SHA-256, lower-case hex). To verify, a receiver:
 * 1. reads the raw request body as bytes, before any JSON parsing;
 * 2. computes the HMAC over the ASCII timestamp, a dot and those bytes;
 * 3. compares it in constant time with every `v1` in the header (during a secret rotation there may
 *    be several);
 * 4. refuses timestamps more than 5 minutes from its clock, which stops replays;
 * 5. de-duplicates on `X-Signet-Event-Id` (retries resend the same event).
 *
 * The other headers: `X-Signet-Event` (the event type), `X-Signet-Event-Id`, `X-Signet-Delivery`
 * (one per event and subscription) and `X-Signet-Attempt` (1, 2, …).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature header. */
export const SIGNATURE_HEADER = 'X-Signet-Signature';
/** How far a signature's timestamp may be from the receiver's clock (5 minutes). */
export const SIGNATURE_TOLERANCE_SEC = 300;

/** The hex HMAC-SHA256 of `<t>.<body>` under `secret`. */
export function webhookSignatureV1(secret: string, timestampSec: number, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestampSec}.`).update(body).digest('hex');
}

/** The `X-Signet-Signature` header value for `body` sent at `timestampSec`. */
export function signWebhook(secret: string, body: string | Uint8Array, timestampSec: number): string {
  return `t=${timestampSec},v1=${webhookSignatureV1(secret, timestampSec, body)}`;
}

/** Options for {@link verifyWebhookSignature}. */
export interface VerifyWebhookOptions {
  /** The receiver's clock (default: now). */
  now?: Date;
  /** Allowed clock distance in seconds (default 300). */
  toleranceSec?: number;
}

/**
 * True when `header` holds a `v1` signature of `body` under `secret` with a timestamp within the
 * tolerance: what an integrator's receiver checks (a reference implementation of the scheme above).
 */
export function verifyWebhookSignature(secret: string, header: string | undefined, body: string | Uint8Array, opts: VerifyWebhookOptions = {}): boolean {
  if (!header) return false;
  let t: number | undefined;
  const sigs: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && /^\d{1,12}$/.test(v ?? '')) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? '')) sigs.push(v);
  }
  if (t === undefined || sigs.length === 0) return false;
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - t) > (opts.toleranceSec ?? SIGNATURE_TOLERANCE_SEC)) return false;
  const want = Buffer.from(webhookSignatureV1(secret, t, body), 'hex');
  return sigs.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), want));
}
