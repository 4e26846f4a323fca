/**
 * Gives every request an id: the caller's `X-Request-Id` when it is short and plain (so that an
 * integrator can trace a call end to end), otherwise a fresh random one. The id is echoed in the
 * `X-Request-Id` response header, written in the log line and quoted in 500 messages.
 */
import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { RequestState } from './route-registry.js';

const ACCEPTED = /^[A-Za-z0-9._-]{8,64}$/;

/** Middleware that creates `res.locals.signet` with the request id. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && ACCEPTED.test(given) ? given : `req_${randomBytes(9).toString('base64url')}`;
    const state: RequestState = { requestId: id };
    res.locals.signet = state;
    res.setHeader('X-Request-Id', id);
    next();
  };
}
