/**
 * The RFC 3161 §3.4 HTTP transport: a Timestamper that asks an external time-stamping authority.
 */
import { randomBytes } from 'node:crypto';
import { SignetError } from '../errors.js';
import { bytesEqual } from '../cms/der.js';
import { normaliseHash } from '../cms/oids.js';
import type { DigestAlgorithm } from '../ports/key-signer.js';
import type { Timestamper } from '../ports/timestamper.js';
import { buildTimestampRequest } from './timestamp-request.js';
import { parseTimestampResponse, PKI_STATUS } from './timestamp-response.js';
import { parseTimestampToken } from './timestamp-token.js';

/** Options of {@link HttpTimestamper}. */
export interface HttpTimestamperOptions {
  /** Gives up after this many ms (default 10000). */
  timeoutMs?: number;
  /** Extra request headers, e.g. Authorization; never echoed in errors. */
  headers?: Record<string, string>;
  /** The fetch implementation (default the global fetch). */
  fetch?: typeof fetch;
}

/**
 * Obtains TimeStampTokens from an RFC 3161 TSA over HTTP (RFC 3161 §3.4): POSTs an
 * application/timestamp-query with a random 64-bit nonce and certReq, and accepts only a granted
 * application/timestamp-reply whose token echoes the nonce and the message imprint.
 */
export class HttpTimestamper implements Timestamper {
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;
  /** The URL without credentials, query or fragment, for error messages. */
  private readonly safeUrl: string;
  /** The URL to request: credentials moved to an Authorization header. */
  private readonly requestUrl: string;
  /** Texts never to show in errors: the URL, credentials, query and header values. */
  private readonly secrets: string[];

  /** Throws INVALID_ARGUMENT when `url` is not an http(s) URL. */
  constructor(url: string, opts: HttpTimestamperOptions = {}) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new SignetError('INVALID_ARGUMENT', 'The TSA URL is not a valid URL. Give an http(s) URL such as http://timestamp.example.com/tsa.');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new SignetError('INVALID_ARGUMENT', 'The TSA URL must use http or https.');
    }
    this.safeUrl = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.headers = { ...opts.headers };
    this.secrets = [url, ...Object.values(this.headers)];
    if (parsed.username || parsed.password) {
      // fetch refuses URLs with credentials: send them as HTTP Basic authentication instead.
      const hasAuth = Object.keys(this.headers).some((h) => h.toLowerCase() === 'authorization');
      if (!hasAuth) {
        const basic = Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64');
        this.headers.Authorization = `Basic ${basic}`;
      }
      this.secrets.push(parsed.username, parsed.password);
      parsed.username = '';
      parsed.password = '';
    }
    this.requestUrl = parsed.href;
    this.secrets.push(this.requestUrl, parsed.search);
    this.secrets = this.secrets.filter((v) => v.length >= 3).sort((a, b) => b.length - a.length);
  }

  /** Removes the URL, its credentials and query, and header values from a text (e.g. an error message). */
  private redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('…');
    return out;
  }

  /**
   * Returns a TimeStampToken over `digest`. Throws SignetError TSA_FAILED, with a message naming
   * the TSA (without credentials) and the cause, on network errors, timeouts, non-200 answers, a
   * wrong content type, a status other than granted/grantedWithMods, or a token that does not echo
   * the nonce and imprint (RFC 3161 §2.4.2).
   */
  async timestamp(digest: Uint8Array, algorithm: DigestAlgorithm): Promise<Uint8Array> {
    const nonce = randomBytes(8);
    nonce[0] &= 0x7f;
    nonce[0] |= 0x01; // positive and non-zero leading byte: the nonce round-trips byte for byte
    const body = buildTimestampRequest(digest, algorithm, { nonce, certReq: true });
    let res: Response;
    try {
      res = await this.fetchImpl(this.requestUrl, {
        method: 'POST',
        headers: { ...this.headers, 'Content-Type': 'application/timestamp-query', Accept: 'application/timestamp-reply' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      const why =
        err?.name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs} ms`
          : `network error (${this.redact([err?.message ?? String(e), err?.cause?.code].filter(Boolean).join(': '))})`;
      throw this.fail(`${why}. Check the TSA URL and that the TSA is reachable`);
    }
    const bytes = new Uint8Array(await res.arrayBuffer().catch(() => new ArrayBuffer(0)));
    if (res.status !== 200) throw this.fail(`it answered HTTP ${res.status}. Check the TSA URL and credentials`);
    const type = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/timestamp-reply' && type !== 'application/timestamp-response') {
      throw this.fail(`it answered with content type "${type || 'none'}" instead of application/timestamp-reply. Check that the URL is an RFC 3161 endpoint`);
    }
    const resp = parseTimestampResponse(bytes);
    if (resp.status !== PKI_STATUS.granted && resp.status !== PKI_STATUS.grantedWithMods) {
      const detail = [resp.failInfo && `failInfo ${resp.failInfo}`, resp.statusText && `"${this.redact(resp.statusText)}"`].filter(Boolean).join(', ');
      throw this.fail(`it refused the request with status ${resp.status}${detail ? ` (${detail})` : ''}. Check the hash algorithm and policy the TSA accepts`);
    }
    if (!resp.token) throw this.fail('it granted the request but sent no token');
    const token = parseTimestampToken(resp.token);
    if (!token.nonce || !bytesEqual(token.nonce, nonce)) throw this.fail('its token does not echo the request nonce (RFC 3161 §2.4.2)');
    if (normaliseHash(token.messageImprint.algorithm) !== algorithm || !bytesEqual(token.messageImprint.digest, digest)) {
      throw this.fail('its token time-stamps another message imprint than the one requested');
    }
    return Uint8Array.from(resp.token);
  }

  private fail(why: string): SignetError {
    return new SignetError('TSA_FAILED', `The timestamp authority at ${this.safeUrl} failed: ${why}.`);
  }
}
