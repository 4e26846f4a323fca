/**
 * Every error leaves the server as `{code, message}` (plus `details` for a client error), with the
 * status of `ERROR_STATUS`: SignetErrors, body-parser errors (413, 415), unknown paths (404) and
 * known paths with another method (405).
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { SignetError, isSignetError } from '@signet/core';
import { ERROR_STATUS } from './error-status.js';
import { errorCodesOf, requestState, type RouteRegistry } from './route-registry.js';

/** The JSON body of every error response. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Formats a byte count for messages: `2 MiB`, `16 KiB`, `100 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}

/** The last handler before the error handler: 405 for a known path with another method, else 404. */
export function notFoundHandler(registry: RouteRegistry): RequestHandler {
  return (req, res, next) => {
    const allowed = registry.allowedMethods(req.path);
    if (allowed) {
      res.setHeader('Allow', allowed.join(', '));
      next(new SignetError('METHOD_NOT_ALLOWED', `不支持的请求方法。${req.method} is not allowed on ${req.path}: use ${allowed.join(', ')}.`));
      return;
    }
    next(new SignetError('NOT_FOUND', `接口不存在。No route for ${req.method} ${req.path}: see /api/v1/openapi.json for the API.`));
  };
}

/** Converts any error into a SignetError with the right code. */
function toSignetError(err: unknown): SignetError {
  if (isSignetError(err)) return err;
  const e = err as { type?: string; status?: number; statusCode?: number; limit?: number; message?: string };
  switch (e?.type) {
    case 'entity.too.large':
      return new SignetError('PAYLOAD_TOO_LARGE', `请求体超过 ${formatBytes(e.limit ?? 0)} 上限。The request body exceeds this route's limit of ${formatBytes(e.limit ?? 0)}: send a smaller body.`, { limitBytes: e.limit });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new SignetError('UNSUPPORTED_MEDIA_TYPE', `不支持的编码。${e.message ?? 'Unsupported encoding'}: send the body uncompressed, in UTF-8.`);
    case 'request.aborted':
    case 'request.size.invalid':
      return new SignetError('INVALID_ARGUMENT', `请求体不完整。The request body was incomplete (${e.type}): send it again.`);
  }
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new SignetError('INVALID_ARGUMENT', `请求无效。The request is malformed (${e.message ?? status}): check the URL and headers.`);
  }
  return new SignetError('INTERNAL', 'Internal error');
}

/** Options of {@link errorHandler}. */
export interface ErrorHandlerOptions {
  log?: (line: string) => void;
  /** Contract-check mode: an error code the route does not declare becomes a 500 that says so. */
  checkContract?: boolean;
}

/** The app's error handler: the `{code, message}` shape everywhere. */
export function errorHandler(opts: ErrorHandlerOptions): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const state = requestState(res);
    let e = toSignetError(err);
    if (e.code === 'INTERNAL' && !isSignetError(err)) {
      const x = err as Error;
      opts.log?.(`${state?.requestId ?? '-'} internal error: ${x?.name ?? 'Error'}: ${x?.message ?? String(err)} ${(x?.stack ?? '').split('\n')[1]?.trim() ?? ''}`);
      e = new SignetError('INTERNAL', `服务器内部错误。Internal error: report request id ${state?.requestId ?? '-'} to the operator; nothing was changed by the failed step.`);
    }
    if (opts.checkContract && state?.route && !errorCodesOf(state.route).includes(e.code)) {
      e = new SignetError('INTERNAL', `Contract check: ${state.route.operationId} returned ${e.code} (${e.message}), which it does not declare; add '${e.code}' to its errors.`);
    }
    if (state) state.errorCode = e.code;
    if (res.headersSent) {
      res.end();
      return;
    }
    const status = ERROR_STATUS[e.code];
    if (status === 401) res.setHeader('WWW-Authenticate', 'SIGNET-HMAC-SHA256 realm="signet"');
    const body: ErrorBody = { code: e.code, message: e.message };
    if (status < 500 && e.details) body.details = e.details;
    res.status(status).json(body);
  };
}
