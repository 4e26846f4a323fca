/**
 * The HTTP load both HTTP benchmarks drive (bench/http.ts, bench/scale.ts): an integrator's auto-stamped
 * contract, `POST /api/v1/contracts` then `POST …/stamp`, each HMAC-signed, generated with autocannon.
 */
import autocannon from 'autocannon';
import { FontProgram, FontSubset, PdfDict, PdfDocumentBuilder } from '@signet/core';
import { cjkFontBytes } from '@signet/test-support';
import { signRequest } from '../server/src/auth/sign-request.js';

/** What the load generator needs to talk to a prepared server. */
export interface Target {
  baseUrl: string;
  appId: string;
  secret: string;
  enterpriseId: string;
  enterpriseName: string;
  sealId: string;
}

/** One phase's figures. */
export interface Figures {
  rate: number;
  p50: number;
  p99: number;
  reqP50: number;
  reqP99: number;
  failed: number;
  ops: number;
  /** CPU time per contract in ms (Linux /proc only): the server processes, PostgreSQL's backends for its database, this load generator. */
  cpu?: { server: number; postgres: number; load: number };
}

/** A one-page A4 contract with a line of Chinese text (a few KB). */
export function smallPdf(): Uint8Array {
  const b = new PdfDocumentBuilder();
  const f = new FontSubset(FontProgram.load(cjkFontBytes()), b);
  b.addPage({ width: 595, height: 842, resources: new PdfDict({ Font: new PdfDict({ F1: f.ref }) }), content: `BT /F1 16 Tf 72 760 Td ${f.encode('自动盖章基准合同 Benchmark contract')} Tj ET\n` });
  f.finish();
  return b.build();
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const createBody = (t: Target, fileId: string) => JSON.stringify({
  documents: [{ fileId }], send: true, signers: [{ kind: 'organization', name: t.enterpriseName, enterpriseId: t.enterpriseId, seal: t.sealId }],
});

/** Headers of one HMAC-signed request. */
export function signed(t: Target, method: string, path: string, body: string): Record<string, string> {
  return { 'content-type': 'application/json', ...signRequest({ appId: t.appId, secret: t.secret, method, url: path, body }).headers };
}

/** Uploads the contract PDF once; resolves to its file id. */
export async function upload(t: Target, pdf: Uint8Array): Promise<string> {
  const path = '/api/v1/files?name=bench.pdf';
  const up = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { ...signRequest({ appId: t.appId, secret: t.secret, method: 'POST', url: path, body: pdf }).headers, 'content-type': 'application/pdf' }, body: pdf as Uint8Array<ArrayBuffer> });
  const body = (await up.json()) as { fileId: string };
  if (up.status !== 201) throw new Error(`bench precondition: upload answered ${up.status} ${JSON.stringify(body)}`);
  return body.fileId;
}

/** One operation over plain fetch (warm-up and checks). */
export async function fetchOnce(t: Target, fileId: string): Promise<void> {
  const body = createBody(t, fileId);
  const c = await fetch(`${t.baseUrl}/api/v1/contracts`, { method: 'POST', headers: signed(t, 'POST', '/api/v1/contracts', body), body });
  const created = (await c.json()) as { id: string };
  if (c.status !== 201) throw new Error(`bench precondition: create answered ${c.status} ${JSON.stringify(created)}`);
  const path = `/api/v1/contracts/${created.id}/stamp`;
  const s = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: signed(t, 'POST', path, '{}'), body: '{}' });
  const stamped = (await s.json()) as { state: string };
  if (s.status !== 200 || stamped.state !== 'completed') throw new Error(`bench precondition: stamp answered ${s.status} ${JSON.stringify(stamped)}`);
}

/** Contracts created and stamped per second over HTTP, with per-operation and per-request latency. */
export async function overHttp(t: Target, fileId: string, opts: { seconds: number; connections: number }): Promise<Figures> {
  const latencies: number[] = [];
  let failed = 0;
  const body = createBody(t, fileId);
  type Ctx = { t0?: number; contractId?: string };
  const result = await autocannon({
    url: t.baseUrl,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/contracts',
        setupRequest: (req, context) => {
          (context as Ctx).t0 = performance.now();
          return { ...req, method: 'POST', path: '/api/v1/contracts', body, headers: signed(t, 'POST', '/api/v1/contracts', body) };
        },
        onResponse: (status, res, context) => {
          if (status === 201) (context as Ctx).contractId = (JSON.parse(res) as { id: string }).id;
          else { failed++; (context as Ctx).contractId = undefined; }
        },
      },
      {
        method: 'POST',
        setupRequest: (req, context) => {
          const id = (context as Ctx).contractId;
          if (!id) return undefined as never; // back to the first request
          const path = `/api/v1/contracts/${id}/stamp`;
          return { ...req, method: 'POST', path, body: '{}', headers: signed(t, 'POST', path, '{}') };
        },
        onResponse: (status, _res, context) => {
          const c = context as Ctx;
          if (status === 200 && c.t0 !== undefined) latencies.push(performance.now() - c.t0);
          else failed++;
        },
      },
    ],
  });
  latencies.sort((a, b) => a - b);
  return {
    rate: latencies.length / result.duration, p50: percentile(latencies, 50), p99: percentile(latencies, 99),
    reqP50: result.latency.p50, reqP99: result.latency.p99, failed: failed + result.errors + result.timeouts, ops: latencies.length,
  };
}
