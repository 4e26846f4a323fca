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
import type { Actor } from '@signet/core';
import { fetchOnce, overHttp, percentile, smallPdf, upload, type Target } from './http-load.js';
import { startPlatformServer, type PlatformServer } from '../server/src/testing/platform-server.js';

const SECONDS = Math.max(5, Number(process.env.BENCH_SECONDS ?? 3));
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 8);
const SERVE_FLAG = '--serve-bench-http';



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
    const fileId = await upload(target, pdf);
    for (let i = 0; i < 5; i++) await fetchOnce(target, fileId);
    http = await overHttp(target, fileId, { seconds: SECONDS, connections: CONNECTIONS });
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
