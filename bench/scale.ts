/**
 * `npm run bench:scale`: HTTP signing throughput of `signet start` on the embedded default (lowdb),
 * on PostgreSQL with one server process, and on PostgreSQL with two (`--workers 2`, node:cluster),
 * in one run, with the ratios PG-1w / lowdb and PG-2w / PG-1w. Asserts nothing (machines are noisy).
 *
 * One operation is what an integrator does for an auto-stamped contract, as in `bench/http.ts`:
 * `POST /api/v1/contracts` (a small uploaded PDF, one organization signer, sent at once) and then
 * `POST …/stamp` (silent B-LT signing under a standing authorization, with the embedded TSA and a
 * closing document time-stamp), each HMAC-signed. The load generator is autocannon, in this
 * process, against the real CLI (`server/bin/signet.js start`) in a child process on 127.0.0.1.
 *
 * Each phase gets a fresh data directory and, on PostgreSQL, a fresh database (`signet_test_…` on
 * the server of SIGNET_TEST_DATABASE_URL, else DATABASE_URL), dropped afterwards. Before the server
 * starts, this process seeds the demo enterprise, a contract seal with an auto-stamp authorization
 * and an integrator app into that storage; the server then starts with `--no-demo`.
 *
 * On Linux it also prints the CPU time per contract (from /proc) of the server processes, of
 * PostgreSQL's backends for the phase's database and of the load generator: on a shared, noisy
 * machine that is steadier than the rate.
 *
 * Each phase first runs the same load for half its duration, unmeasured, so that every worker's JIT
 * is warm (with too short a warm-up, two workers each compile the hot paths and look slower).
 *
 * Environment: BENCH_SECONDS (measured seconds per phase, default 5), BENCH_SCALE_CONNECTIONS
 * (default 8), BENCH_SCALE_PHASES (a comma list of lowdb, pg1, pg2; default all three).
 * Without a reachable PostgreSQL the PostgreSQL phases are skipped, loudly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { seedDemo, type Actor } from '@signet/core';
import { cjkFontBytes, createTestDatabase, redactUrl, type TestDatabase } from '@signet/test-support';
import { fetchOnce, overHttp, smallPdf, upload, type Figures, type Target } from './http-load.js';
import { RecordAppCredentialStore } from '../server/src/auth/app-credential-store.js';
import { openInstallation } from '../server/src/installation.js';
import { openPlatform } from '../server/src/platform.js';

const SECONDS = Math.max(1, Number(process.env.BENCH_SECONDS ?? 5));
const CONNECTIONS = Math.max(1, Number(process.env.BENCH_SCALE_CONNECTIONS ?? 8));
const WARMUP_SECONDS = Math.max(1, Math.round(SECONDS / 2));
const BIN = fileURLToPath(new URL('../server/bin/signet.js', import.meta.url));




/** A free TCP port on 127.0.0.1 (the cluster's workers share one port, so it is chosen up front). */
async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * Seeds the storage the server will open (`dataDir`, and `databaseUrl` when given): the demo
 * enterprise, a contract seal under a standing auto-stamp authorization, and an integrator app.
 */
async function seed(dataDir: string, databaseUrl: string | undefined): Promise<Omit<Target, 'baseUrl'>> {
  const installation = openInstallation({ dataDir, create: true, baseUrl: 'http://127.0.0.1:1' });
  const platform = await openPlatform({ installation, baseUrl: 'http://127.0.0.1:1', font: cjkFontBytes(), databaseUrl });
  try {
    const demo = await seedDemo({ directory: platform.directory, realName: platform.realName, passwords: platform.passwords });
    const admin: Actor = { kind: 'member', userId: demo.admin.id, enterpriseId: demo.enterprise.id, roles: ['super_admin'] };
    const seals = platform.workflow.seals;
    const seal = await seals.create(admin, { name: '合同专用章', category: 'contract', spec: { type: 'round', name: demo.enterprise.name, sealType: '合同专用章' } });
    await seals.authorizeAutoStamp(admin, { seal: seal.id, expiresAt: new Date(Date.now() + 86_400_000), purpose: 'benchmark' });
    const app = await new RecordAppCredentialStore(platform.deps.records, installation.masterKey, { clock: installation.clock }).register({ enterpriseId: demo.enterprise.id, name: 'bench:scale' });
    return { appId: app.appId, secret: app.secret, enterpriseId: demo.enterprise.id, enterpriseName: demo.enterprise.name, sealId: seal.id };
  } finally {
    await platform.close();
  }
}

/** `signet start` in a child process; resolves once it (every worker) serves. */
async function startSignet(dataDir: string, databaseUrl: string | undefined, workers: number): Promise<{ child: ChildProcess; baseUrl: string }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, SIGNET_QUIET: '1' };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const child = spawn(process.execPath, [BIN, 'start', '--workers', String(workers), '--port', String(port), '--data', dataDir, '--no-demo'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = workers > 1 ? new RegExp(`is running at \\S+ with ${workers} workers`) : /is running at \S+/;
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const onExit = (code: number | null) => reject(new Error(`signet start exited early (code ${code})`));
    child.once('exit', onExit);
    lines.on('line', (l) => {
      if (!ready.test(l)) return;
      child.off('exit', onExit);
      resolve();
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const r = await fetch(`${baseUrl}/readyz`);
  if (r.status !== 200) throw new Error(`bench precondition: /readyz answered ${r.status} ${await r.text()}`);
  return { child, baseUrl };
}


/** CPU time (user + system) in ms of each process of `pids` (Linux /proc), skipping those gone. */
function cpuMs(pids: Iterable<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(f[11]) + Number(f[12])) * 10); // clock ticks of 10 ms (CLK_TCK 100 on Linux)
    } catch { /* exited */ }
  }
  return out;
}

/** `root` and every process below it (Linux /proc; just `root` elsewhere). */
function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch { /* exited */ }
    }
  } catch {
    return [root];
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/** The PostgreSQL backend processes connected to database `name` (the server runs on this machine). */
async function backends(adminUrl: string, name: string): Promise<number[]> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const r = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name]);
    return r.rows.map((x) => x.pid);
  } finally {
    await client.end();
  }
}

/** What the processes of a phase have used so far, to take differences of. */
async function cpuSnapshot(serverPid: number, db: { adminUrl: string; name: string } | undefined): Promise<{ server: Map<number, number>; postgres: Map<number, number>; load: number }> {
  const own = process.cpuUsage();
  return {
    server: cpuMs(processTree(serverPid)),
    postgres: db ? cpuMs(await backends(db.adminUrl, db.name)) : new Map(),
    load: (own.user + own.system) / 1000,
  };
}

function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}

/** One phase: seed, start `signet start`, warm up, measure, stop (SIGTERM), clean up. */
async function phase(label: string, opts: { adminUrl?: string; workers: number }): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'signet-bench-scale-'));
  const dataDir = join(dir, 'data');
  let db: TestDatabase | undefined;
  let child: ChildProcess | undefined;
  try {
    if (opts.adminUrl) db = await createTestDatabase(opts.adminUrl);
    const seeded = await seed(dataDir, db?.url);
    const started = await startSignet(dataDir, db?.url, opts.workers);
    child = started.child;
    const t: Target = { ...seeded, baseUrl: started.baseUrl };
    const fileId = await upload(t, smallPdf());
    // Warm up every worker's JIT and caches under the same load, long enough that each of several workers has
    // signed some dozens of contracts (the cluster hands connections out round robin).
    await Promise.all(Array.from({ length: CONNECTIONS }, () => fetchOnce(t, fileId)));
    await overHttp(t, fileId, { seconds: WARMUP_SECONDS, connections: CONNECTIONS });
    const dbRef = db && opts.adminUrl ? { adminUrl: opts.adminUrl, name: db.name } : undefined;
    const measureCpu = process.platform === 'linux';
    const before = measureCpu ? await cpuSnapshot(child.pid!, dbRef) : undefined;
    const f = await overHttp(t, fileId, { seconds: SECONDS, connections: CONNECTIONS });
    if (before && f.ops > 0) {
      const after = await cpuSnapshot(child.pid!, dbRef);
      // Processes that ended during the run (none expected) are not counted.
      f.cpu = { server: cpuDelta(before.server, after.server) / f.ops, postgres: cpuDelta(before.postgres, after.postgres) / f.ops, load: (after.load - before.load) / f.ops };
    }
    row(label, f);
    return f;
  } finally {
    if (child && child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function row(label: string, f: Figures): void {
  console.log(`  ${label.padEnd(34)} ${f.rate.toFixed(1).padStart(8)} /s   p50 ${f.p50.toFixed(1).padStart(7)} ms   p99 ${f.p99.toFixed(1).padStart(7)} ms   (req p50 ${f.reqP50} / p99 ${f.reqP99} ms, ${f.ops} contracts${f.failed ? `, !!! ${f.failed} failed` : ''})`);
  if (f.cpu) {
    const total = f.cpu.server + f.cpu.postgres + f.cpu.load;
    console.log(`  ${''.padEnd(34)} CPU per contract: server ${f.cpu.server.toFixed(1)} ms + PostgreSQL ${f.cpu.postgres.toFixed(1)} ms + load generator ${f.cpu.load.toFixed(1)} ms = ${total.toFixed(1)} ms`);
  }
}

function ratio(label: string, a: number, b: number, note = ''): void {
  console.log(`  ${label.padEnd(34)} ${(a / b).toFixed(3).padStart(8)}${note ? `   ${note}` : ''}`);
}

/** Whether a PostgreSQL server answers at `url`. */
async function reachable(url: string): Promise<string | undefined> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const adminUrl = process.env.SIGNET_TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
  console.log(`signet bench:scale — node ${process.version}, ${cpus().length} CPU(s) (${availableParallelism()} available), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`HTTP API through \`signet start\`: create a contract + silent stamp (B-LT, embedded TSA), HMAC-signed, ${CONNECTIONS} connections, ${SECONDS}s per phase\n`);
  const want = new Set((process.env.BENCH_SCALE_PHASES ?? 'lowdb,pg1,pg2').split(',').map((p) => p.trim()));
  const lowdb = want.has('lowdb') ? await phase('lowdb (embedded), 1 process', { workers: 1 }) : undefined;
  if (!want.has('pg1') && !want.has('pg2')) return;
  let why = adminUrl ? await reachable(adminUrl) : 'neither SIGNET_TEST_DATABASE_URL nor DATABASE_URL is set';
  if (why && adminUrl) why = `PostgreSQL at ${redactUrl(adminUrl)} is not reachable (${why})`;
  if (why) {
    console.log(`\n  !!! SKIPPING the PostgreSQL phases: ${why}; set SIGNET_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres\n`);
    return;
  }
  const pg1 = want.has('pg1') ? await phase('PostgreSQL, 1 process', { adminUrl, workers: 1 }) : undefined;
  const pg2 = want.has('pg2') ? await phase('PostgreSQL, --workers 2', { adminUrl, workers: 2 }) : undefined;
  if (!pg1) return;
  console.log('\n  ratios');
  if (lowdb) ratio('PG-1w / lowdb', pg1.rate, lowdb.rate);
  if (pg2) ratio('PG-2w / PG-1w', pg2.rate, pg1.rate, `(at most 2.0; here ${availableParallelism()} cores are shared with PostgreSQL and the load generator)`);
  console.log(`  (load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}; other processes on this machine make the figures noisy)\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
