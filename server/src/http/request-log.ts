/**
 * One log line per request, written when the response finishes:
 * `<request id> <METHOD> <route pattern> <status> <ms>ms [actor=<kind>:<id>] [code=<error code>]`.
 *
 * It never carries a query string, a body, a header value, a token or PII: a matched request is
 * logged by its route pattern (`/api/v1/contracts/:contractId`), an unmatched one by its path with
 * signing-link tokens and long opaque segments masked. Actors are logged by their opaque ids.
 */
import type { RequestHandler } from 'express';
import type { Actor } from '@signet/core';
import { redactLinkToken } from '../auth/signing-link.js';
import { requestState } from './route-registry.js';

/** The actor in a log line: kind and opaque id only, never a name or a phone number. */
export function actorForLog(a: Actor): string {
  switch (a.kind) {
    case 'app': return `app:${a.appId}`;
    case 'member': return `member:${a.userId}@${a.enterpriseId}`;
    case 'person': return `person:${a.userId}`;
    case 'link': return `link:${a.linkId}`;
    case 'system': return 'system';
  }
}

/** A path safe to log: no query, link tokens and segments of 24+ opaque characters masked. */
export function pathForLog(path: string): string {
  return redactLinkToken(path.split('?', 1)[0]).replace(/\/[A-Za-z0-9_~.%+=-]{24,}(?=\/|$)/g, '/:redacted');
}

/** Middleware that logs one PII-free line per request to `log`. */
export function requestLog(log: (line: string) => void): RequestHandler {
  return (req, res, next) => {
    const t0 = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const s = requestState(res);
      const where = s?.route ? s.route.path : pathForLog(req.path);
      const actor = s?.actor ? ` actor=${actorForLog(s.actor)}` : '';
      const code = s?.errorCode ? ` code=${s.errorCode}` : '';
      log(`${s?.requestId ?? '-'} ${req.method} ${where} ${res.statusCode} ${ms.toFixed(1)}ms${actor}${code}`);
    });
    next();
  };
}
