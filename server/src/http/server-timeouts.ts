/**
 * The HTTP server with timeouts against slow clients: a client that trickles its request headers is
 * disconnected after `headersMs`, one that trickles its body after `requestMs` (408, then the socket
 * is closed). Node checks these every `checkIntervalMs` (its own default is 30 s, which would let a
 * slow client hold a socket long past the limit). A slow client never blocks other requests: each
 * waits on its own socket.
 */
import { createServer, type RequestListener, type Server } from 'node:http';

/** Timeouts of {@link createHttpServer}, in milliseconds. */
export interface ServerTimeouts {
  /** Until the request headers are complete (default 20 s). */
  headersMs?: number;
  /** Until the whole request, body included, has arrived (default 300 s: a 50 MB upload on a slow link). */
  requestMs?: number;
  /** An idle keep-alive connection is closed after this (default 5 s). */
  keepAliveMs?: number;
  /** How often the header and request timeouts are checked (default 1 s). */
  checkIntervalMs?: number;
}

/** The production defaults. */
export const SERVER_TIMEOUTS: Required<ServerTimeouts> = { headersMs: 20_000, requestMs: 300_000, keepAliveMs: 5_000, checkIntervalMs: 1_000 };

/** An http.Server for `app` with {@link ServerTimeouts} (not listening yet). */
export function createHttpServer(app: RequestListener, timeouts: ServerTimeouts = {}): Server {
  const t = { ...SERVER_TIMEOUTS, ...timeouts };
  return createServer({
    headersTimeout: t.headersMs,
    requestTimeout: Math.max(t.requestMs, t.headersMs),
    keepAliveTimeout: t.keepAliveMs,
    connectionsCheckingInterval: t.checkIntervalMs,
  }, app);
}
