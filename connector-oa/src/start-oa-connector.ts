/**
 * The connector as a process of its own, beside (not inside) a Signet server: a small node:http
 * server on its own port with
 *
 * - `POST /lark/events`: the Lark/Feishu event subscription URL;
 * - `POST /oa/webhook`: the generic OA webhook;
 * - `POST /oa/signet/events`: Signet's webhook (subscribe `contract.completed` to it, with the
 *   secret in `signet.webhookSecret`), so that final PDFs reach the approval;
 * - `GET /healthz`.
 *
 * It needs a durable record store and job queue, like the server's: `signet oa serve` opens the
 * embedded lowdb store and job queue in a data directory and calls this.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSignetError } from '@signet/core';
import { createOaConnector, type BuiltOaConnector, type OaConnectorConfig, type OaConnectorPorts } from './create-oa-connector.js';
import { OA_SIGNATURE_HEADER, verifyOaWebhook } from './generic/oa-webhook.js';
import type { OaJobQueue } from './oa-job-queue.js';

/** A queue the standalone connector starts and stops (the server's job queue has both). */
export interface StartableQueue extends OaJobQueue {
  start(): Promise<void>;
  stop(opts?: { graceMs?: number }): Promise<void>;
}

/** Options of {@link startOaConnector}. */
export interface StartOaConnectorOptions extends OaConnectorPorts {
  queue: StartableQueue;
  config: OaConnectorConfig;
  port?: number;
  host?: string;
  /** Largest accepted request body (default 60 MB: a generic webhook may carry a base64 PDF). */
  maxBodyBytes?: number;
}

/** A running standalone connector. */
export interface RunningOaConnector extends BuiltOaConnector {
  server: Server;
  url: string;
  /** Stops listening and lets running jobs finish (up to 10 s). */
  stop(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

async function read(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > max) throw Object.assign(new Error('too large'), { status: 413 });
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function statusOf(code: string): number {
  if (code === 'OA_EVENT_INVALID') return 401;
  if (code === 'INVALID_ARGUMENT') return 400;
  if (code === 'NOT_FOUND') return 404;
  if (code === 'PAYLOAD_TOO_LARGE') return 413;
  if (code === 'OA_UPSTREAM_FAILED') return 502;
  return code.startsWith('PDF_') ? 422 : 500;
}

/** Builds the connector, starts its queue and listens. */
export async function startOaConnector(opts: StartOaConnectorOptions): Promise<RunningOaConnector> {
  const built = createOaConnector(opts.config, opts);
  const max = opts.maxBodyBytes ?? 60 * 1024 * 1024;
  const header = (req: IncomingMessage, n: string) => {
    const v = req.headers[n];
    return Array.isArray(v) ? v[0] : v;
  };
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      try {
        if (req.method === 'GET' && path === '/healthz') return send(res, 200, { ok: true });
        if (req.method !== 'POST') return send(res, 405, { code: 'METHOD_NOT_ALLOWED', message: 'Use POST.' });
        if (path === '/lark/events') {
          if (!built.receiver) return send(res, 404, { code: 'NOT_FOUND', message: '未配置飞书应用。No Lark app is configured.' });
          return await built.receiver.handle(req, res);
        }
        const raw = await read(req, max);
        if (path === '/oa/webhook') {
          const r = await built.connector.onGenericWebhook(header(req, OA_SIGNATURE_HEADER), raw);
          return send(res, r.status, r.body);
        }
        if (path === '/oa/signet/events') {
          const secret = opts.config.signet.webhookSecret;
          if (!secret || !verifyOaWebhook(secret, header(req, OA_SIGNATURE_HEADER), raw, Math.floor(Date.now() / 1000))) {
            return send(res, 401, { code: 'OA_EVENT_INVALID', message: 'Signet 事件签名不符。The Signet webhook signature does not match signet.webhookSecret.' });
          }
          const ev = JSON.parse(raw.toString('utf8')) as { type?: string; subject?: string };
          if (typeof ev.type === 'string' && typeof ev.subject === 'string') await built.connector.onSignetEvent(ev.type, ev.subject);
          return send(res, 200, { ok: true });
        }
        return send(res, 404, { code: 'NOT_FOUND', message: `No route ${path}.` });
      } catch (e) {
        if ((e as { status?: number }).status === 413) return send(res, 413, { code: 'PAYLOAD_TOO_LARGE', message: `The body exceeds ${max} bytes.` });
        if (isSignetError(e)) return send(res, statusOf(e.code), { code: e.code, message: e.message });
        opts.log?.error('oa: request failed', { path });
        return send(res, 500, { code: 'INTERNAL', message: '内部错误，请稍后重试。Internal error; retry later.' });
      }
    })();
  });
  await opts.queue.start();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8090, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  let stopping: Promise<void> | undefined;
  return {
    ...built,
    server,
    url,
    stop: () => (stopping ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await opts.queue.stop({ graceMs: 10_000 });
    })()),
  };
}
