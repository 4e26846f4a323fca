/**
 * `signet hr …`: the HR connector from the command line (DESIGN §8).
 *
 * - `import FILE --mapping M.json`: launches the mapped bundle for every good row of an employee
 *   file, exactly once per employee × bundle × period, with a progress bar (counts and ETA).
 *   With `--data DIR` (the default) it runs in this process against the platform, with no HTTP
 *   round trip per contract; the server must not be running on that directory (its store is
 *   single-process). With `--server URL --app-id ID` it uploads the file to the server's import
 *   endpoint, which launches in process there, and follows the batch.
 * - `status [BATCH]`, `export (--batch B | FILE --mapping M) [-o OUT.csv]`: the batch, and the
 *   statuses as CSV for the HRM.
 * - `sync`: follow-ups (the company seal after the employee signed, CoreHR write-back).
 * - `remind`: the renewal and expiry reminders that are due.
 * - `demo`: the sample bundle, seal and auto-stamp authorization on the demo enterprise, with a
 *   mapping and an employee CSV to try it with.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { DEMO_SEED, SignetError, isSignetError, seedDemo, type Actor } from '@signet/core';
import {
  HR_APP_ID, parseHrMapping, sampleEmployeesCsv, sampleHrMapping, sampleHrTemplates, signetAuthHeaders,
  type BatchView, type HrMapping, type ImportProgress, type RowProblem,
} from '@signet/connector-hr';
import { openInstallation } from '../installation.js';
import { openPlatform, type OpenedPlatform } from '../platform.js';
import { cjkFontBytes } from '../fonts.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { parseArgs } from './args.js';
import { dataDirOf, intOption } from './common.js';

const USAGE = `signet hr import FILE --mapping M.json [--period P] [--enterprise ID] [--concurrency N] [--problems OUT.csv] [--json]
          [--data DIR | --server URL --app-id ID (secret in SIGNET_APP_SECRET)]
signet hr status [BATCH] [--json] | signet hr export (--batch B | FILE --mapping M.json) [-o OUT.csv]
signet hr sync | signet hr remind | signet hr demo [--rows N] [--out DIR]`;

/** Exit status when the import ran but some rows could not be launched. */
export const EXIT_PARTIAL = 3;

type Flags = Record<string, string | boolean | string[] | undefined>;

/** `signet hr …`. */
export async function cmdHr(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'import': return hrImport(rest);
    case 'status': return hrStatus(rest);
    case 'export': return hrExport(rest);
    case 'sync': return hrSync(rest);
    case 'remind': return hrRemind(rest);
    case 'demo': return hrDemo(rest);
    default:
      throw new SignetError('INVALID_ARGUMENT', sub ? `Unknown hr command '${sub}'; use:\n${USAGE}` : `Give an hr command:\n${USAGE}`);
  }
}

// ---------------------------------------------------------------- opening

async function openLocal(flags: Flags): Promise<OpenedPlatform> {
  const dataDir = dataDirOf(flags);
  const inst = openInstallation({ dataDir, create: false, masterKeyEnv: process.env.SIGNET_MASTER_KEY });
  try {
    return await openPlatform({ installation: inst, baseUrl: process.env.SIGNET_BASE_URL ?? 'http://localhost:8080', font: cjkFontBytes() });
  } catch (e) {
    if (isSignetError(e, 'STORE_LOCKED')) {
      throw new SignetError('STORE_LOCKED', `服务器正在使用 ${inst.dataDir}。The server is running on ${inst.dataDir}: import through it with --server URL --app-id ID (secret in SIGNET_APP_SECRET), or stop it first.`);
    }
    throw e;
  }
}

function readMapping(path: unknown): HrMapping {
  if (typeof path !== 'string') throw new SignetError('INVALID_ARGUMENT', 'Give the mapping with --mapping M.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code) throw e;
    throw new SignetError('HR_MAPPING_INVALID', `${path} is not valid JSON (${(e as Error).message}); fix the mapping file.`);
  }
  return parseHrMapping(json);
}

/** The enterprise that launches: --enterprise, --demo, or the one enterprise of the mapping's entities. */
async function tenantOf(p: OpenedPlatform, flags: Flags, mapping?: HrMapping): Promise<string> {
  if (typeof flags.enterprise === 'string') {
    if (!(await p.directory.getEnterprise(flags.enterprise))) throw new SignetError('NOT_FOUND', `No enterprise ${flags.enterprise} in this data directory; check the id.`);
    return flags.enterprise;
  }
  if (flags.demo || !mapping) {
    const e = await p.directory.findEnterpriseByUscc(DEMO_SEED.enterprise.uscc);
    if (!e) throw new SignetError('INVALID_ARGUMENT', mapping ? 'Say which enterprise launches: --enterprise ID' : 'Say which enterprise: --enterprise ID (or --demo)');
    return e.id;
  }
  const ids = [...new Set(Object.values(mapping.company.entities).map((e) => e.enterpriseId))];
  if (ids.length === 1) return ids[0];
  throw new SignetError('INVALID_ARGUMENT', `The mapping's entities belong to ${ids.length} enterprises; say which one launches with --enterprise ID`);
}

// ---------------------------------------------------------------- progress

/** A progress display on stderr: a bar with counts and ETA on a terminal, plain lines otherwise. */
function progressDisplay(enabled: boolean): { update(p: ImportProgress): void; stop(): void } {
  if (!enabled) return { update() {}, stop() {} };
  const payload = (p: ImportProgress) => ({ ...p.counts, rate: p.ratePerSecond.toFixed(1) });
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({
      stream: process.stderr,
      hideCursor: true,
      format: '{bar} {percentage}% {value}/{total} | 新建 created {created} · 已发送 sent {sent} · 失败 failed {failed} · 跳过 skipped {skipped} | {rate}/s | ETA {eta_formatted}',
    }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      update(p) {
        if (!started) {
          bar.start(p.total, p.done, payload(p));
          started = true;
        } else bar.update(p.done, payload(p));
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = 0;
  let lastDone = -1;
  const line = (p: ImportProgress) => {
    const eta = p.etaSeconds === undefined ? '?' : `${Math.ceil(p.etaSeconds)}s`;
    process.stderr.write(`hr: ${p.done}/${p.total} created ${p.counts.created} sent ${p.counts.sent} failed ${p.counts.failed} skipped ${p.counts.skipped} | ${p.ratePerSecond.toFixed(1)}/s | ETA ${eta}\n`);
  };
  let final: ImportProgress | undefined;
  return {
    update(p) {
      final = p;
      const now = Date.now();
      if (p.done !== lastDone && (now - last >= 2000 || p.done === p.total)) {
        last = now;
        lastDone = p.done;
        line(p);
      }
    },
    stop() {
      if (final && final.done !== lastDone) line(final);
    },
  };
}

function problemLine(p: RowProblem): string {
  const where = [p.line !== undefined ? `第 ${p.line} 行 line ${p.line}` : undefined, p.column ? `列 column "${p.column}"` : undefined].filter(Boolean).join(', ');
  return `${where || '文件 file'}: ${p.message}`;
}

function problemsCsv(problems: RowProblem[]): string {
  const cell = (v: unknown) => {
    let s = v === undefined ? '' : String(v);
    if (/^[=+\-@]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = [['行号 line', '数据行 row', '列 column', '变量 variable', '类别 code', '原因 why'], ...problems.map((p) => [p.line, p.row, p.column, p.variable, p.code, p.message])];
  return `\ufeff${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

function summary(b: Pick<BatchView, 'id' | 'counts' | 'done' | 'source' | 'state' | 'problemCount'>, problems: RowProblem[], notices: string[], seconds: number): string {
  const c = b.counts;
  const out = [
    ...notices.map((n) => `注意 note: ${n}`),
    `批次 batch ${b.id}: ${b.done} 行 rows in ${seconds.toFixed(1)} s — 新建 created ${c.created}, 已发送 sent ${c.sent}, 已盖章 stamped ${c.stamped}, 失败 failed ${c.failed}, 跳过（已发起）skipped ${c.skipped}`,
  ];
  if (problems.length) {
    out.push(`${problems.length} 处问题 problem(s):`);
    for (const p of problems.slice(0, 50)) out.push(`  ${problemLine(p)}`);
    if (problems.length > 50) out.push(`  … and ${problems.length - 50} more (write them all with --problems OUT.csv)`);
  }
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------- import

const IMPORT_FLAGS = {
  mapping: 'string', period: 'string', enterprise: 'string', demo: 'boolean', concurrency: 'string', problems: 'string', json: 'boolean',
  data: 'string', server: 'string', 'app-id': 'string', quiet: 'boolean',
} as const;

async function hrImport(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, IMPORT_FLAGS);
  if (positionals.length !== 1) throw new SignetError('INVALID_ARGUMENT', positionals.length ? `Give one employee file, not ${positionals.length}` : `Give the employee file: ${USAGE.split('\n')[0]}`);
  const file = positionals[0];
  const mapping = readMapping(flags.mapping);
  const bytes = readFileSync(file);
  const concurrency = intOption(flags.concurrency as string | undefined, 'concurrency', 1, 64) ?? 8;
  const period = flags.period as string | undefined;
  const show = progressDisplay(!flags.quiet && !flags.json);
  const t0 = performance.now();
  if (typeof flags.server === 'string') return importRemote(flags, file, bytes, mapping, period, show, t0);

  const p = await openLocal(flags);
  const ac = new AbortController();
  const onInt = () => ac.abort();
  process.once('SIGINT', onInt);
  try {
    const tenant = await tenantOf(p, flags, mapping);
    const r = await p.hr.service.importFile(
      { tenant, createdBy: 'cli', mapping, file: bytes, fileName: file.split(/[\\/]/).pop(), ...(period ? { period } : {}) },
      {
        concurrency,
        signal: ac.signal,
        onProgress: (x) => show.update(x),
        onBatch: (b) => {
          if (!flags.json && !flags.quiet) process.stderr.write(`批次 batch ${b.id}: ${b.source.rows} 行 rows, ${b.problemCount} 行有问题 with problems\n`);
        },
      },
    );
    show.stop();
    if (typeof flags.problems === 'string') writeFileAtomic(flags.problems, problemsCsv(r.problems));
    const seconds = (performance.now() - t0) / 1000;
    if (flags.json) process.stdout.write(`${JSON.stringify({ batch: await p.hr.service.batch(tenant, r.batch.id), problems: r.problems, notices: r.notices }, null, 2)}\n`);
    else process.stdout.write(summary(r.batch, r.problems, r.notices, seconds));
    if (ac.signal.aborted) return 130;
    return r.batch.counts.failed > 0 ? EXIT_PARTIAL : 0;
  } finally {
    process.off('SIGINT', onInt);
    show.stop();
    await p.close();
  }
}

/** Signed calls to the server as the enterprise's app. */
function remoteClient(flags: Flags): (method: string, path: string, body?: Uint8Array, contentType?: string) => Promise<unknown> {
  const base = String(flags.server).replace(/\/$/, '');
  const appId = flags['app-id'];
  const secret = process.env.SIGNET_APP_SECRET;
  if (typeof appId !== 'string' || !secret) throw new SignetError('INVALID_ARGUMENT', 'With --server, give --app-id ID and put the app secret in SIGNET_APP_SECRET (create an app with `signet app create` or in the console)');
  return async (method, path, body, contentType) => {
    const url = new URL(base + path);
    const headers: Record<string, string> = { ...signetAuthHeaders(appId, secret, method, url, body), Accept: 'application/json' };
    if (body) headers['Content-Type'] = contentType ?? 'application/json';
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body });
    } catch (e) {
      throw new SignetError('HR_UPSTREAM_FAILED', `Cannot reach the Signet server at ${base} (${(e as Error).message}); check --server.`);
    }
    const text = await res.text();
    let json: { code?: string; message?: string } | undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) throw new SignetError((json?.code ?? 'HR_UPSTREAM_FAILED') as 'HR_UPSTREAM_FAILED', json?.message ?? `The server answered ${res.status} to ${method} ${path}`);
    return json;
  };
}

async function importRemote(flags: Flags, file: string, bytes: Uint8Array, mapping: HrMapping, period: string | undefined, show: ReturnType<typeof progressDisplay>, t0: number): Promise<number> {
  const call = remoteClient(flags);
  const stored = (await call('GET', '/api/v1/hr/mappings')) as { items: { id: string; mapping: unknown }[] };
  const same = stored.items.find((m) => JSON.stringify(m.mapping) === JSON.stringify(mapping));
  const mappingId = same?.id ?? ((await call('POST', '/api/v1/hr/mappings', new TextEncoder().encode(JSON.stringify(mapping)))) as { id: string }).id;
  const name = file.split(/[\\/]/).pop()!;
  const q = new URLSearchParams({ mappingId, name, ...(period ? { period } : {}) });
  const type = /\.(json|ndjson|jsonl)$/i.test(name) ? 'application/json' : 'text/csv';
  const r = (await call('POST', `/api/v1/hr/imports?${q}`, bytes, type)) as { batch: BatchView; problems: RowProblem[]; notices: string[] };
  let b = r.batch;
  const total = b.source.rows;
  while (b.state === 'queued' || b.state === 'running') {
    await new Promise((res) => setTimeout(res, 500));
    b = (await call('GET', `/api/v1/hr/batches/${encodeURIComponent(b.id)}`)) as BatchView;
    const elapsedMs = performance.now() - t0;
    show.update({ batchId: b.id, total, done: b.done, counts: b.counts, elapsedMs, ratePerSecond: b.ratePerSecond ?? 0, ...(b.ratePerSecond ? { etaSeconds: (total - b.done) / b.ratePerSecond } : {}) });
    if (b.interrupted) break;
  }
  show.stop();
  const problems = b.problemCount > r.problems.length ? b.problems : r.problems;
  if (typeof flags.problems === 'string') writeFileAtomic(flags.problems, problemsCsv(problems));
  if (flags.json) process.stdout.write(`${JSON.stringify({ batch: b, problems, notices: r.notices }, null, 2)}\n`);
  else process.stdout.write(summary(b, problems, r.notices, (performance.now() - t0) / 1000));
  if (b.interrupted) throw new SignetError('HR_UPSTREAM_FAILED', `The server stopped running batch ${b.id}; import the same file again to finish it.`);
  return b.counts.failed > 0 ? EXIT_PARTIAL : 0;
}

// ---------------------------------------------------------------- status, export, sync, remind

async function hrStatus(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, { data: 'string', enterprise: 'string', demo: 'boolean', json: 'boolean', all: 'boolean', server: 'string', 'app-id': 'string' });
  let batches: BatchView[];
  if (typeof flags.server === 'string') {
    const call = remoteClient(flags);
    batches = positionals[0] ? [(await call('GET', `/api/v1/hr/batches/${encodeURIComponent(positionals[0])}`)) as BatchView] : ((await call('GET', '/api/v1/hr/batches')) as { items: BatchView[] }).items;
  } else {
    const p = await openLocal(flags);
    try {
      const tenant = await tenantOf(p, { ...flags, demo: !flags.enterprise });
      batches = positionals[0] ? [await p.hr.service.batch(tenant, positionals[0])] : await p.hr.service.batches(tenant);
    } finally {
      await p.close();
    }
  }
  const shown = positionals[0] || flags.all ? batches : batches.slice(0, 1);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(positionals[0] ? shown[0] : shown, null, 2)}\n`);
    return 0;
  }
  if (shown.length === 0) {
    process.stdout.write('还没有导入批次 No import batches yet: run `signet hr import FILE --mapping M.json`.\n');
    return 0;
  }
  for (const b of shown) {
    const c = b.counts;
    const state = b.interrupted ? 'interrupted 已中断（重新导入即可继续 import again to finish）' : b.state;
    process.stdout.write(`${b.id}  ${b.createdAt}  ${state}  ${b.mapping.name}${b.period ? ` (${b.period})` : ''}  ${b.source.name ?? b.source.kind}\n`);
    process.stdout.write(`  ${b.done}/${b.source.rows} rows — created ${c.created}, sent ${c.sent}, stamped ${c.stamped}, failed ${c.failed}, skipped ${c.skipped}; ${b.problemCount} problem(s)\n`);
    if (positionals[0]) for (const p of b.problems) process.stdout.write(`  ${problemLine(p)}\n`);
  }
  return 0;
}

async function hrExport(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, { data: 'string', enterprise: 'string', demo: 'boolean', batch: 'string', mapping: 'string', period: 'string', out: 'string' });
  if (!flags.batch && positionals.length !== 1) throw new SignetError('INVALID_ARGUMENT', 'Give --batch BATCH, or the employee FILE and --mapping M.json, to export');
  const mapping = positionals.length ? readMapping(flags.mapping) : undefined;
  const p = await openLocal(flags);
  let csv: string;
  try {
    const tenant = await tenantOf(p, mapping ? flags : { ...flags, demo: !flags.enterprise }, mapping);
    csv = mapping
      ? await p.hr.service.exportCsv(tenant, { file: readFileSync(positionals[0]), fileName: positionals[0], mapping, ...(flags.period ? { period: flags.period as string } : {}) })
      : await p.hr.service.exportCsv(tenant, { batchId: flags.batch as string });
  } finally {
    await p.close();
  }
  if (typeof flags.out === 'string') {
    writeFileAtomic(flags.out, csv);
    process.stderr.write(`已导出 Exported ${csv.split('\r\n').length - 2} row(s) to ${flags.out}\n`);
  } else process.stdout.write(csv);
  return 0;
}

async function hrSync(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, { data: 'string', enterprise: 'string', demo: 'boolean', json: 'boolean' });
  const p = await openLocal(flags);
  try {
    const r = await p.hr.service.sync(await tenantOf(p, { ...flags, demo: !flags.enterprise }));
    process.stdout.write(flags.json ? `${JSON.stringify(r)}\n` : `跟进 Followed up ${r.checked} contract(s): stamped ${r.stamped}, written back ${r.written}, failed ${r.failed}\n`);
    return r.failed ? EXIT_PARTIAL : 0;
  } finally {
    await p.close();
  }
}

async function hrRemind(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, { data: 'string', enterprise: 'string', demo: 'boolean', json: 'boolean' });
  const p = await openLocal(flags);
  try {
    const due = await p.hr.service.remindExpiring(await tenantOf(p, { ...flags, demo: !flags.enterprise }));
    const rows = due.map((d) => ({ employee: d.launch.employeeKey, name: d.launch.employeeName, contractId: d.launch.contractId, expiresAt: d.launch.expiresAt, daysLeft: d.daysLeft, sentTo: d.sentTo }));
    if (flags.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else if (rows.length === 0) process.stdout.write('没有到期提醒 No reminders are due.\n');
    else for (const r of rows) process.stdout.write(`${r.employee} ${r.name}: 合同 ${r.contractId} 将于 ${r.expiresAt} 到期（剩 ${r.daysLeft} 天）expires in ${r.daysLeft} day(s); notified ${r.sentTo}\n`);
    return 0;
  } finally {
    await p.close();
  }
}

// ---------------------------------------------------------------- demo

async function hrDemo(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, { data: 'string', rows: 'string', out: 'string' });
  const rows = intOption(flags.rows as string | undefined, 'rows', 1, 200_000) ?? 20;
  const out = resolve(typeof flags.out === 'string' ? flags.out : '.');
  const dataDir = dataDirOf(flags);
  openInstallation({ dataDir, create: true, masterKeyEnv: process.env.SIGNET_MASTER_KEY });
  const p = await openLocal(flags);
  try {
    const demo = await seedDemo({ directory: p.directory, realName: p.realName, passwords: p.passwords });
    const ent = demo.enterprise;
    const admin: Actor = await p.directory.actorFor(demo.admin.id, ent.id);
    // Idempotent: a second run reuses the sample bundle, the seal and its authorization.
    let bundle = (await p.workflow.templates.listBundles(admin)).find((b) => b.name === '入职合同组合');
    if (!bundle) {
      const templates = [];
      for (const t of sampleHrTemplates(cjkFontBytes())) templates.push(await p.workflow.templates.create(admin, { name: t.name, definition: t.definition, basePdf: t.basePdf }));
      bundle = await p.workflow.templates.createBundle(admin, { name: '入职合同组合', templateIds: templates.map((t) => t.id) });
    }
    const seal = (await p.workflow.seals.list(admin)).find((x) => x.name === '合同专用章' && x.enabled)
      ?? await p.workflow.seals.create(admin, { name: '合同专用章', category: 'contract', spec: { type: 'round', name: ent.name, sealType: '合同专用章' } });
    const now = Date.now();
    const authorized = (await p.workflow.seals.authorizations(admin, seal.id)).some((a) => !a.revokedAt && Date.parse(a.expiresAt) > now + 86_400_000 && (a.scope.appIds ?? [HR_APP_ID]).includes(HR_APP_ID));
    if (!authorized) await p.workflow.seals.authorizeAutoStamp(admin, { seal: seal.id, expiresAt: new Date(now + 365 * 86_400_000), scope: { appIds: [HR_APP_ID] }, purpose: 'HR 入职合同自动盖章 HR onboarding bundles' });
    const mapping = sampleHrMapping({ bundleId: bundle.id, enterpriseId: ent.id, enterpriseName: ent.name, uscc: ent.uscc, sealId: seal.id });
    writeFileAtomic(join(out, 'hr-mapping.json'), `${JSON.stringify(mapping, null, 2)}\n`);
    writeFileAtomic(join(out, 'employees.csv'), sampleEmployeesCsv(rows));
    process.stdout.write(`就绪 Ready: bundle ${bundle.id} (劳动合同 + 保密协议 + 员工手册确认书), seal ${seal.id} with an auto-stamp authorization for ${HR_APP_ID}, on ${ent.name} (${ent.id}).\n`);
    process.stdout.write(`  ${join(out, 'hr-mapping.json')}\n  ${join(out, 'employees.csv')} (${rows} employees)\n`);
    process.stdout.write(`Try: npx signet hr import ${join(out, 'employees.csv')} --mapping ${join(out, 'hr-mapping.json')} --data ${dataDir}\n`);
    return 0;
  } finally {
    await p.close();
  }
}
