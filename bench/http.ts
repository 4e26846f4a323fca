/**
 * `npm run bench -- http`: contracts created and signed per second through the HTTP API, on the
 * embedded default (lowdb records with an fsync per write, encrypted blobs, the embedded TSA, B-LT
 * signatures and a closing document time-stamp).
 *
 * One operation is what an integrator does for an auto-stamped contract: `POST /api/v1/contracts`
 * (a small uploaded PDF, one organization signer, sent at once) and then `POST …/stamp` (silent
 * signing under a standing authorization), each HMAC-signed. The load generator is autocannon, in
 * this process, against a server in a child process on 127.0.0.1, so that the two do not share an
 * event loop. Then the same operations run in-process (`platform.files` + `workflow.contracts`
 * `create` + `signSilently`, with the same concurrency) on a fresh server of the same kind, and the
 * ratio of the two rates shows what HTTP, auth, validation and JSON cost. Asserts nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { FontProgram, FontSubset, PdfDict, PdfDocumentBuilder, type Actor } from '@signet/core';
import { cjkFontBytes } from '@signet/test-support';
import { signRequest } from '../server/src/auth/sign-request.js';
import { startPlatformServer, type PlatformServer } from '../server/src/testing/platform-server.js';

const SECONDS = Math.max(5, Number(process.env.BENCH_SECONDS ?? 3));
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 8);
const SERVE_FLAG = '--serve-bench-http';

/** What the server process tells the load generator. */
interface Target {
  baseUrl: string;
  appId: string;
  secret: string;
  enterpriseId: string;
  enterpriseName: string;
  sealId: string;
}

/** A one-page A4 contract with a line of Chinese text (a few KB). */
function smallPdf(): Uint8Array {
  const b = new PdfDocumentBuilder();
  const f = new FontSubset(FontProgram.load(cjkFontBytes()), b);
  b.addPage({ width: 595, height: 842, resources: new PdfDict({ Font: new PdfDict({ F1: f.ref }) }), content: `BT /F1 16 Tf 72 760 Td ${f.encode('自动盖章基准合同 Benchmark contract')} Tj ET\n` });
  f.finish();
  return b.build();
}

/** A server with a seal under a standing auto-stamp authorization and an integrator app of its enterprise. */
async function prepare(): Promise<{ srv: PlatformServer; target: Target }> {
  const srv = await startPlatformServer({ checkContract: false });
  const demo = srv.demo!;
  const admin: Actor = { kind: 'member', userId: demo.admin.id, enterpriseId: demo.enterprise.id, roles: ['super_admin'] };
  const seals = srv.platform.workflow.seals;
  const seal = await seals.create(admin, { name: '合同专用章', category: 'contract', spec: { type: 'round', name: demo.enterprise.name, sealType: '合同专用章' } });
  await seals.authorizeAutoStamp(admin, { seal: seal.id, expiresAt: new Date(Date.now() + 86_400_000), purpose: 'benchmark' });
  const app = await srv.registerApp(demo.enterprise.id, 'bench');
  return { srv, target: { baseUrl: srv.baseUrl, appId: app.appId, secret: app.secret, enterpriseId: demo.enterprise.id, enterpriseName: demo.enterprise.name, sealId: seal.id } };
}

/** The child process: serves until its stdin closes. */
async function serve(): Promise<void> {
  const { srv, target } = await prepare();
  process.stdout.write(`${JSON.stringify(target)}\n`);
  process.stdin.resume();
  await once(process.stdin, 'end');
  await srv.close();
  process.exit(0);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const createBody = (t: Target, fileId: string) => JSON.stringify({
  documents: [{ fileId }], send: true, signers: [{ kind: 'organization', name: t.enterpriseName, enterpriseId: t.enterpriseId, seal: t.sealId }],
});

/** Headers of one signed request. */
function signed(t: Target, method: string, path: string, body: string): Record<string, string> {
  return { 'content-type': 'application/json', ...signRequest({ appId: t.appId, secret: t.secret, method, url: path, body }).headers };
}

/** One operation over plain fetch (warm-up and checks). */
async function fetchOnce(t: Target, fileId: string): Promise<void> {
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
async function overHttp(t: Target, fileId: string): Promise<{ rate: number; p50: number; p99: number; reqP50: number; reqP99: number; failed: number; ops: number }> {
  const latencies: number[] = [];
  let failed = 0;
  const body = createBody(t, fileId);
  type Ctx = { t0?: number; contractId?: string };
  const result = await autocannon({
    url: t.baseUrl,
    connections: CONNECTIONS,
    duration: SECONDS,
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

/** The same operations in-process, with the same concurrency. */
async function inProcess(): Promise<{ rate: number; p50: number; p99: number; ops: number }> {
  const { srv, target: t } = await prepare();
  try {
    const app: Actor = { kind: 'app', appId: t.appId, enterpriseId: t.enterpriseId };
    const pl = srv.platform;
    const file = await pl.files.put(app, smallPdf(), 'bench.pdf');
    const op = async () => {
      const { bytes, record } = await pl.files.get(app, file.id);
      const { contract } = await pl.workflow.contracts.create(app, {
        title: record.name.replace(/\.pdf$/, ''), files: [{ name: record.name, pdf: bytes }], send: true,
        signers: [{ kind: 'organization', name: t.enterpriseName, enterpriseId: t.enterpriseId, seal: t.sealId }],
      }, { ip: '127.0.0.1' });
      const done = await pl.workflow.contracts.signSilently(app, contract.id, {}, { ip: '127.0.0.1' });
      if (done.contract.state !== 'completed') throw new Error(`bench precondition: in-process stamp left ${done.contract.state}`);
    };
    for (let i = 0; i < 5; i++) await op();
    const latencies: number[] = [];
    const t0 = performance.now();
    const until = t0 + SECONDS * 1000;
    await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const s = performance.now();
        await op();
        latencies.push(performance.now() - s);
      }
    }));
    const elapsed = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    return { rate: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), ops: latencies.length };
  } finally {
    await srv.close();
  }
}

async function startChild(): Promise<{ child: ChildProcess; target: Target }> {
  const prof = process.env.BENCH_HTTP_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_HTTP_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', fileURLToPath(import.meta.url), SERVE_FLAG], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the bench server exited early (code ${code})`)));
  });
  return { child, target: JSON.parse(first) as Target };
}

/** Runs the HTTP benchmark and prints its figures. */
export async function benchHttp(): Promise<void> {
  const pdf = smallPdf();
  console.log(`HTTP API: create a contract from a ${(pdf.length / 1024).toFixed(1)} KB PDF + silent stamp (B-LT, embedded TSA, lowdb), ${CONNECTIONS} connections, ${SECONDS}s`);
  const { child, target } = await startChild();
  let http;
  try {
    const up = await fetch(`${target.baseUrl}/api/v1/files?name=bench.pdf`, { method: 'POST', headers: { ...signRequest({ appId: target.appId, secret: target.secret, method: 'POST', url: '/api/v1/files?name=bench.pdf', body: pdf }).headers, 'content-type': 'application/pdf' }, body: pdf as Uint8Array<ArrayBuffer> });
    const { fileId } = (await up.json()) as { fileId: string };
    if (up.status !== 201) throw new Error(`bench precondition: upload answered ${up.status}`);
    for (let i = 0; i < 5; i++) await fetchOnce(target, fileId);
    http = await overHttp(target, fileId);
  } finally {
    child.stdin!.end();
    await once(child, 'exit');
  }
  const row = (label: string, rate: number, p50: number, p99: number) =>
    console.log(`  ${label.padEnd(52)} ${rate.toFixed(1).padStart(10)} /s   p50 ${p50.toFixed(1).padStart(7)} ms   p99 ${p99.toFixed(1).padStart(7)} ms`);
  row('over HTTP (autocannon, HMAC-signed, create + stamp)', http.rate, http.p50, http.p99);
  console.log(`  ${'  per request (autocannon latency)'.padEnd(52)} ${''.padStart(12)}   p50 ${String(http.reqP50).padStart(7)} ms   p99 ${String(http.reqP99).padStart(7)} ms`);
  if (http.failed) console.log(`  !!! ${http.failed} request(s) failed during the run`);
  const local = await inProcess();
  row('in-process (files.get + create + signSilently)', local.rate, local.p50, local.p99);
  console.log('\n  ratios');
  console.log(`  ${'HTTP / in-process'.padEnd(52)} ${(http.rate / local.rate).toFixed(3).padStart(10)}`);
  console.log(`  (${http.ops} operations over HTTP, ${local.ops} in-process)\n`);
}

if (process.argv.includes(SERVE_FLAG)) {
  serve().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
