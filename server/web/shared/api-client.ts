/**
 * The pages' HTTP client for the Signet API (`/api/v1`, docs/api-surface.md). Errors come back as
 * {@link ApiError} with the server's stable code, message and details; a failed connection is
 * `NETWORK`. A signing link's token travels only in `Authorization: Link <token>`, never in a URL.
 */
import { formatTime, type Lang, type Translate } from './i18n.js';
import type { SharedKey } from './strings.js';

/** An error answered by the API (or `NETWORK` when there was no answer). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** True when `e` is an {@link ApiError}, with `code` when given. */
export function isApiError(e: unknown, code?: string): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}

/** How requests authenticate. */
export type ApiAuth = { kind: 'none' } | { kind: 'link'; token: string } | { kind: 'session'; csrfToken?: string };

/** Downloaded bytes with the server's file name. */
export interface Download {
  bytes: ArrayBuffer;
  contentType: string;
  /** From Content-Disposition (RFC 6266 `filename*`), when sent. */
  filename?: string;
}

/** The file name of a Content-Disposition header (`filename*=UTF-8''…` first). */
export function filenameOf(header: string | null): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // fall through to the plain name
    }
  }
  return /filename\s*=\s*"([^"]*)"/i.exec(header)?.[1] ?? undefined;
}

/** A client of `/api/v1` on the page's own origin. */
export class ApiClient {
  constructor(private readonly auth: ApiAuth = { kind: 'none' }, private readonly base = '/api/v1') {}

  private headers(extra: Record<string, string> = {}, unsafe = false): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/json', ...extra };
    if (this.auth.kind === 'link') h.Authorization = `Link ${this.auth.token}`;
    if (this.auth.kind === 'session' && unsafe && this.auth.csrfToken) h['X-CSRF-Token'] = this.auth.csrfToken;
    return h;
  }

  private async send(method: string, path: string, body?: BodyInit, contentType?: string, signal?: AbortSignal): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: this.headers(contentType ? { 'Content-Type': contentType } : {}, method !== 'GET'),
        body,
        credentials: 'same-origin',
        cache: 'no-store',
        signal,
      });
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw e;
      throw new ApiError(0, 'NETWORK', (e as Error)?.message ?? 'network error');
    }
    if (!res.ok) throw await errorOf(res);
    return res;
  }

  /** A JSON request; resolves with the parsed body (undefined for 204). */
  async json<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const res = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? undefined : 'application/json', signal);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  /** Uploads raw bytes (a PDF) and resolves with the JSON answer. */
  async upload<T>(path: string, file: Blob, contentType: string, signal?: AbortSignal): Promise<T> {
    const res = await this.send('POST', path, file, contentType, signal);
    return (await res.json()) as T;
  }

  /** Downloads bytes (a PDF); with `init.body`, the answer to a JSON POST (a preview rendered from the body). */
  async download(path: string, signal?: AbortSignal, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<Download> {
    const json = init.body === undefined ? undefined : JSON.stringify(init.body);
    const res = await this.send(init.method ?? 'GET', path, json, json === undefined ? undefined : 'application/json', signal);
    return { bytes: await res.arrayBuffer(), contentType: res.headers.get('content-type') ?? 'application/octet-stream', filename: filenameOf(res.headers.get('content-disposition')) };
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  try {
    const j = (await res.json()) as { code?: string; message?: string; details?: Record<string, unknown> };
    return new ApiError(res.status, j.code ?? `HTTP_${res.status}`, j.message ?? res.statusText, j.details);
  } catch {
    return new ApiError(res.status, `HTTP_${res.status}`, res.statusText || `HTTP ${res.status}`);
  }
}

/** `retryAt` or `lockedUntil` of an error's details, formatted for the reader. */
function untilOf(e: ApiError, lang: Lang): string | undefined {
  const d = e.details ?? {};
  const at = (d.retryAt ?? d.lockedUntil ?? d.until) as string | undefined;
  return typeof at === 'string' ? formatTime(at, lang, { seconds: true }) : undefined;
}

/**
 * The reader's words for an error: the page's own translation of the code, filled from the
 * details (attempts left, locked until), else the server's message (which is zh-CN + English).
 */
export function errorText(e: unknown, t: Translate<SharedKey>, lang: Lang): string {
  if (!(e instanceof ApiError)) return t('error.generic', { message: (e as Error)?.message ?? String(e) });
  if (e.code === 'NETWORK') return t('error.network');
  const left = e.details?.attemptsLeft;
  const until = untilOf(e, lang);
  // A refusal that names what did not match says more than the generic line.
  if (e.code === 'IDENTITY_CHECK_FAILED' && e.details?.check) return e.message;
  switch (e.code) {
    case 'OTP_INVALID': return typeof left === 'number' ? t('error.OTP_INVALID', { attemptsLeft: left }) : t('error.OTP_INVALID_NOCOUNT');
    case 'PASSWORD_INVALID': return typeof left === 'number' ? t('error.PASSWORD_INVALID', { attemptsLeft: left }) : t('error.PASSWORD_INVALID_NOCOUNT');
    case 'OTP_LOCKED': return until ? t('error.OTP_LOCKED', { until }) : t('error.OTP_LOCKED_NOTIME');
    case 'PASSWORD_LOCKED': return until ? t('error.PASSWORD_LOCKED', { until }) : t('error.PASSWORD_LOCKED_NOTIME');
    case 'RATE_LIMITED': return until ? t('error.RATE_LIMITED', { until }) : t('error.RATE_LIMITED_NOTIME');
    case 'OTP_EXPIRED': case 'PASSWORD_NOT_SET': case 'IDENTITY_CHECK_FAILED': case 'IDENTITY_INVALID': case 'CONTRACT_STATE':
    case 'SIGNER_OUT_OF_TURN': case 'WILLINGNESS_REQUIRED': case 'PDF_NOT_PDF': case 'PDF_ENCRYPTED': case 'PDF_TRUNCATED':
    case 'PAYLOAD_TOO_LARGE': case 'LINK_EXPIRED': case 'LINK_USED': case 'LINK_REVOKED': case 'AUTH_LINK_INVALID':
      return t(`error.${e.code}` as SharedKey);
    default:
      return e.message || t('error.generic', { message: e.code });
  }
}
