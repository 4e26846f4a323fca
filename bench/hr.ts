/**
 * `npm run bench -- hr`: a 10,000-employee CSV import (BENCH_HR_ROWS) that launches the 3-document
 * onboarding bundle (labor contract + NDA + handbook acknowledgement) with the company seal
 * stamped silently before the employee is invited, on the embedded default (lowdb records and
 * encrypted blobs in a temporary data directory), in this process as `signet hr import --data`
 * runs it. Prints the throughput of every 1,000 rows (it must not fall as the store grows), the
 * total against the 60 s target, and the peak RSS against 1 GB. Then a re-run of the same file,
 * which must create nothing. Asserts nothing.
 *
 * Knobs: BENCH_HR_ROWS (default 10,000), BENCH_HR_CONCURRENCY (8), BENCH_HR_STEP (rows per progress
 * line, 1,000), BENCH_HR_PHASES=1 (wall time of each phase of a launch: fill, sign, blob and record
 * writes, users, messages; run it with BENCH_HR_CONCURRENCY=1 for a split that adds up). The CPU
 * time per bundle is the figure to compare between runs when other processes share the machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemo } from '@signet/core';
import { TEST_SCRYPT_PARAMS } from '@signet/core/testing';
import { HR_APP_ID, sampleEmployeesCsv, sampleHrMapping, sampleHrTemplates, type ImportProgress } from '@signet/connector-hr';
import { cjkFontBytes } from '@signet/test-support';
import { openInstallation } from '../server/src/installation.js';
import { openPlatform } from '../server/src/platform.js';

const ROWS = Number(process.env.BENCH_HR_ROWS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_HR_CONCURRENCY ?? 8);
const STEP = Number(process.env.BENCH_HR_STEP ?? 1000);
/** BENCH_HR_PHASES=1: time the phases of a launch (wall clock, inclusive, summed over calls; run with concurrency 1 for a clean split). */
const PHASES = process.env.BENCH_HR_PHASES === '1';

type Timed = { ms: number; calls: number };

/** Wraps the named methods of `target` (own or inherited) so that each call's wall time is added to `into` under `label.method`. */
function timeMethods(into: Map<string, Timed>, label: string, target: object | undefined, methods: string[]): void {
  if (!target) return;
  const t = target as Record<string, unknown>;
  for (const m of methods) {
    const fn = t[m];
    if (typeof fn !== 'function') continue;
    const key = `${label}.${m}`;
    t[m] = function (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      const done = () => {
        const e = into.get(key) ?? { ms: 0, calls: 0 };
        e.ms += performance.now() - t0;
        e.calls++;
        into.set(key, e);
      };
      const r = (fn as (...a: unknown[]) => unknown).apply(this, args);
      if (r && typeof (r as Promise<unknown>).then === 'function') return (r as Promise<unknown>).finally(done);
      done();
      return r;
    };
  }
}

/** Runs the HR import benchmark. */
export async function benchHr(): Promise<void> {
  console.log(`HR import (${ROWS.toLocaleString('en')} employees × 3-document bundle, company seal stamped, lowdb + encrypted blobs, in process, concurrency ${CONCURRENCY})`);
  const dir = mkdtempSync(join(tmpdir(), 'signet-bench-hr-'));
  try {
    const t0 = performance.now();
    const installation = openInstallation({ dataDir: join(dir, 'data'), create: true, baseUrl: 'http://127.0.0.1:8080' });
    const p = await openPlatform({ installation, baseUrl: 'http://127.0.0.1:8080', font: cjkFontBytes(), scrypt: TEST_SCRYPT_PARAMS });
    const demo = await seedDemo({ directory: p.directory, realName: p.realName, passwords: p.passwords });
    const admin = await p.directory.actorFor(demo.admin.id, demo.enterprise.id);
    const ids: string[] = [];
    for (const t of sampleHrTemplates(p.deps.font)) ids.push((await p.workflow.templates.create(admin, { name: t.name, definition: t.definition, basePdf: t.basePdf })).id);
    const bundle = await p.workflow.templates.createBundle(admin, { name: '入职合同组合', templateIds: ids });
    const seal = await p.workflow.seals.create(admin, { name: '合同专用章', category: 'contract', spec: { type: 'round', name: demo.enterprise.name, sealType: '合同专用章' } });
    await p.workflow.seals.authorizeAutoStamp(admin, { seal: seal.id, expiresAt: new Date(Date.now() + 86_400_000), scope: { appIds: [HR_APP_ID] } });
    const mapping = sampleHrMapping({ bundleId: bundle.id, enterpriseId: demo.enterprise.id, enterpriseName: demo.enterprise.name, uscc: demo.enterprise.uscc, sealId: seal.id });
    const csv = new TextEncoder().encode(sampleEmployeesCsv(ROWS));
    console.log(`  set-up (CA, demo enterprise, bundle, seal): ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 200);
    sampler.unref();
    let nextMark = STEP;
    let lastAt = performance.now();
    let lastDone = 0;
    const rates: number[] = [];
    const onProgress = (x: ImportProgress) => {
      while (x.done >= nextMark) {
        const now = performance.now();
        const r = ((x.done - lastDone) * 1000) / (now - lastAt);
        rates.push(r);
        console.log(`  rows ${String(nextMark - STEP + 1).padStart(6)}–${String(nextMark).padEnd(6)} ${r.toFixed(1).padStart(7)} /s   rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB   (created ${x.counts.created}, stamped ${x.counts.stamped}, sent ${x.counts.sent}, failed ${x.counts.failed})`);
        lastAt = now;
        lastDone = x.done;
        nextMark += STEP;
      }
    };
    const phases = new Map<string, Timed>();
    if (PHASES) {
      const wf = p.workflow as unknown as { contracts: object & { deps?: { filler?: object } }; collections: { contracts: object } };
      timeMethods(phases, 'contracts', wf.contracts, ['createFromTemplate', 'signSilently', 'send', 'signDocuments', 'commit', 'deliver', 'issueLinks', 'existing', 'load', 'access', 'sealFor']);
      timeMethods(phases, 'filler', wf.contracts.deps?.filler, ['fillBundle', 'fillTemplate']);
      timeMethods(phases, 'records', p.deps.records, ['transact', 'commit']);
      timeMethods(phases, 'collection', Object.getPrototypeOf(wf.collections.contracts) as object, ['get', 'getBy', 'find', 'insert', 'update']);
      timeMethods(phases, 'blobs', p.deps.blobs, ['put', 'get', 'has']);
      timeMethods(phases, 'messages', p.deps.messages, ['send']);
      timeMethods(phases, 'directory', p.directory, ['findUserByMobile', 'createUser']);
      timeMethods(phases, 'keys', p.keys, ['signerFor']);
      timeMethods(phases, 'seals', p.workflow.seals, ['authorizationFor']);
      timeMethods(phases, 'hr', p.hr.service, ['recordLaunch', 'prepare']);
    }
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    const r = await p.hr.service.importFile({ tenant: demo.enterprise.id, createdBy: 'bench', mapping, file: csv, fileName: 'employees.csv' }, { concurrency: CONCURRENCY, onProgress });
    const seconds = (performance.now() - t1) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
    clearInterval(sampler);
    const c = r.batch.counts;
    console.log(`  total: ${ROWS} rows in ${seconds.toFixed(1)} s = ${(ROWS / seconds).toFixed(1)} bundles/s (${(ROWS * 3 / seconds).toFixed(1)} documents/s); created ${c.created}, stamped ${c.stamped}, sent ${c.sent}, failed ${c.failed}`);
    console.log(`  CPU: ${(cpuMs / ROWS).toFixed(1)} ms per bundle (user + system, all threads), ${(cpuMs / 1000 / seconds).toFixed(2)} cores busy on average`);
    const projected = (seconds * 10_000) / ROWS;
    console.log(`  target 10,000 rows ≤ 60 s: ${projected <= 60 ? 'met' : `missed, ${projected.toFixed(0)} s ${ROWS === 10_000 ? 'measured' : 'projected'} (${(projected / 60).toFixed(1)}×)`}; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (target ≤ 1024 MiB: ${peak <= 2 ** 30 ? 'met' : 'missed'})`);
    const mem = process.memoryUsage();
    const stats = (p.deps.records as { stats?: () => { records: number; fileWrites: number } }).stats?.();
    console.log(`  memory after the import: heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB, array buffers ${(mem.arrayBuffers / 2 ** 20).toFixed(0)} MiB${stats ? ` (records held by the store: ${stats.records.toLocaleString('en')}, shard file writes: ${stats.fileWrites.toLocaleString('en')})` : ''}`);
    if (rates.length >= 2) {
      const first = rates[0];
      const last = rates[rates.length - 1];
      console.log(`  last ${STEP} / first ${STEP} throughput: ${(last / first).toFixed(2)} (≈ 1 means no growth in per-contract time as the store grows)`);
    }
    if (PHASES) {
      console.log('  phases (wall ms, inclusive, summed over calls; per row):');
      for (const [k, v] of [...phases].sort((a, b) => b[1].ms - a[1].ms)) {
        console.log(`    ${k.padEnd(36)} ${(v.ms / ROWS).toFixed(2).padStart(8)} ms/row  ${(v.calls / ROWS).toFixed(1).padStart(5)} calls/row  ${(v.ms / v.calls).toFixed(2).padStart(8)} ms/call`);
      }
    }
    const t2 = performance.now();
    const again = await p.hr.service.importFile({ tenant: demo.enterprise.id, createdBy: 'bench', mapping, file: csv, fileName: 'employees.csv' }, { concurrency: CONCURRENCY });
    console.log(`  re-run of the same file: ${((performance.now() - t2) / 1000).toFixed(1)} s, created ${again.batch.counts.created}, skipped ${again.batch.counts.skipped}`);
    await p.close();
    console.log('');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
