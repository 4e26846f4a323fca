/**
 * `npm run bench -- hr`: a 10,000-employee CSV import (BENCH_HR_ROWS) that launches the 3-document
 * onboarding bundle (labor contract + NDA + handbook acknowledgement) with the company seal
 * stamped silently before the employee is invited, on the embedded default (lowdb records and
 * encrypted blobs in a temporary data directory), in this process as `signet hr import --data`
 * runs it. Prints the throughput of every 1,000 rows (it must not fall as the store grows), the
 * total against the 60 s target, and the peak RSS against 1 GB. Then a re-run of the same file,
 * which must create nothing. Asserts nothing.
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
    if (rates.length >= 2) {
      const first = rates[0];
      const last = rates[rates.length - 1];
      console.log(`  last ${STEP} / first ${STEP} throughput: ${(last / first).toFixed(2)} (≈ 1 means no growth in per-contract time as the store grows)`);
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
