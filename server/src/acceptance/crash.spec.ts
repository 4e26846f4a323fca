/**
 * Acceptance: crash safety. A real server process (crash-server.fixture.ts, on the embedded lowdb
 * store and encrypted blob files in one temporary data directory) is killed with SIGKILL after a
 * random delay while it is busy, 50 times in all:
 * - HTTP signing: integrator requests create contracts with a bizNo (the idempotency key) and stamp
 *   them silently;
 * - OA stamping: approved Lark seal-use requests (a fake Lark on 127.0.0.1) become stamping jobs;
 * - an HR batch: an employee file launches the onboarding bundle for every row in a background job.
 *
 * After every restart the spec retries what was in flight, the way a client does, and checks: every
 * request answered before the kill still exists, a retry with the same key returns the same
 * contract (nothing duplicated), every stamped PDF verifies with the core verifier, and every
 * contract's audit chain verifies. A final pass checks the whole store in this process.
 *
 * `SIGNET_CRASH_SEED` replays one run's kill delays (the seed is printed).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { seedDemo, verifyAuditChain, verifyPdf, type Actor, type AuditEvent, type ContractRecord } from '@signet/core';
import { TEST_SCRYPT_PARAMS } from '@signet/core/testing';
import { sampleEmployeesCsv } from '@signet/connector-hr';
import { HttpSignetApi, SdkLarkApprovalApi, provisionSealUseApproval, type OaConnectorConfig } from '@signet/connector-oa';
import { startFakeLark, type FakeLark } from '@signet/connector-oa/testing';
import { cjkFontBytes, tempDir } from '@signet/test-support';
import { createApp } from '../app.js';
import { RecordAppCredentialStore, type IssuedAppSecret } from '../auth/app-credential-store.js';
import { signedFetch, type SignedFetch } from '../auth/sign-request.js';
import { openInstallation } from '../installation.js';
import { openPlatform, type OpenedPlatform } from '../platform.js';
import { samplePdf } from '../http/routes/tenant-fixtures.js';
import { setUpHrBundle } from '../hr/hr-test-kit.js';

const KILLS = { http: 20, oa: 15, hr: 15 };
const FIXTURE = fileURLToPath(new URL('./crash-server.fixture.ts', import.meta.url));

/** A small seeded PRNG (mulberry32), so that a failing run's kill delays can be replayed. */
function prng(seed: number): (lo: number, hi: number) => number {
  let a = seed >>> 0;
  return (lo, hi) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(lo + r * (hi - lo));
  };
}

/** True for the errors fetch raises when the server died under the request. */
function killedUnder(e: unknown): boolean {
  return e instanceof TypeError && /fetch failed|terminated|other side closed|socket/i.test(`${e.message} ${String((e as { cause?: unknown }).cause)}`);
}

async function json<T = any>(res: Response | Promise<Response>, ...status: number[]): Promise<T> {
  const r = await res;
  const text = await r.text();
  assert.ok(status.includes(r.status), `${r.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value (or fails after `ms`). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** One server process of the fixture. */
interface Child {
  url: string;
  proc: ChildProcess;
  exited: Promise<void>;
  /** SIGKILL, then wait for the process to be gone. */
  kill(): Promise<void>;
}

const restartTimes: number[] = [];
/** Every process started, so that a failing test leaves none behind. */
const children = new Set<ChildProcess>();

async function startChild(dataDir: string, configFile?: string): Promise<Child> {
  const t0 = Date.now();
  const proc = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir, ...(configFile ? [configFile] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-4000); });
  children.add(proc);
  const exited = new Promise<void>((r) => proc.once('exit', () => {
    children.delete(proc);
    r();
  }));
  let url = '';
  for await (const line of createInterface({ input: proc.stdout! })) {
    if (line.startsWith('listening ')) {
      url = line.slice('listening '.length);
      break;
    }
  }
  assert.ok(url, `the server process did not start: ${stderr}`);
  restartTimes.push(Date.now() - t0);
  proc.stdout!.resume();
  return {
    url, proc, exited,
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** The installation every scenario runs on, made once in this process, then closed. */
interface Setup {
  dataDir: string;
  trust: Uint8Array;
  enterpriseId: string;
  sealId: string;
  app: IssuedAppSecret;
  oaConfig: string;
  oaKeys: { encryptKey: string; verificationToken: string };
  approvalCode: string;
  mappingId: string;
}

/** Opens the platform over `dir` in this process, with the app listening on 127.0.0.1. */
async function serveHere(dir: string): Promise<{ platform: OpenedPlatform; url: string; close(): Promise<void> }> {
  let url = 'http://127.0.0.1:1';
  const installation = openInstallation({ dataDir: dir, create: true, baseUrl: url });
  const platform = await openPlatform({ installation, baseUrl: () => url, font: cjkFontBytes(), scrypt: TEST_SCRYPT_PARAMS });
  await platform.start();
  const server = await new Promise<Server>((resolve) => {
    const s = createApp({ installation, platform }).listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    platform, url,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await platform.close();
    },
  };
}

describe('acceptance: SIGKILL at random moments loses, duplicates and breaks nothing', function () {
  this.timeout(300_000);
  const seed = Number(process.env.SIGNET_CRASH_SEED ?? randomInt(2 ** 31));
  const rand = prng(seed);
  let lark: FakeLark;
  let tmp: { dir: string; cleanup: () => void };
  let s: Setup;
  let call: (url: string) => SignedFetch;
  let killed = 0;
  const pdf = samplePdf(1, 'Crash');

  before(async () => {
    console.log(`    crash seed ${seed} (SIGNET_CRASH_SEED=${seed} replays it)`);
    lark = await startFakeLark();
    tmp = tempDir('signet-crash-');
    const dataDir = join(tmp.dir, 'data');
    const here = await serveHere(dataDir);
    const p = here.platform;
    const demo = await seedDemo({ directory: p.directory, realName: p.realName, passwords: p.passwords });
    const admin: Actor & { kind: 'member' } = { kind: 'member', userId: demo.admin.id, enterpriseId: demo.enterprise.id, roles: ['super_admin'] };
    const app = await new RecordAppCredentialStore(p.deps.records, p.deps.installation.masterKey).register({ enterpriseId: demo.enterprise.id, name: 'crash app' });
    const hr = await setUpHrBundle(p, admin, { appIds: [app.appId] });
    const { approvalCode } = await provisionSealUseApproval(
      new SdkLarkApprovalApi({ appId: lark.appId, appSecret: lark.appSecret, domain: lark.url }),
      new HttpSignetApi({ baseUrl: here.url, credentials: { appId: app.appId, appSecret: app.secret } }),
    );
    const mapping = await json<{ id: string }>(signedFetch({ appId: app.appId, secret: app.secret }, here.url)('/api/v1/hr/mappings', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hr.mapping),
    }), 201);
    const trust = p.deps.installation.pki.rootCertificate;
    await here.close();
    const oaKeys = { encryptKey: randomBytes(16).toString('hex'), verificationToken: randomBytes(16).toString('hex') };
    const oa: OaConnectorConfig = {
      signet: { baseUrl: 'set by the server', appId: app.appId, appSecret: app.secret },
      lark: { appId: lark.appId, appSecret: lark.appSecret, domain: lark.url, ...oaKeys, approvalCode },
      jobs: { leaseMs: 1500, backoffMs: 100, maxBackoffMs: 500 },
    };
    const oaConfig = join(tmp.dir, 'oa.json');
    writeFileSync(oaConfig, JSON.stringify(oa));
    s = { dataDir, trust, enterpriseId: demo.enterprise.id, sealId: hr.sealId, app, oaConfig, oaKeys, approvalCode, mappingId: mapping.id };
    call = (url) => signedFetch({ appId: app.appId, secret: app.secret }, url);
  });

  afterEach(async () => {
    for (const c of [...children]) {
      c.kill('SIGKILL');
      await new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(undefined) : c.once('exit', r)));
    }
  });

  after(async () => {
    await lark?.close();
    tmp?.cleanup();
    if (restartTimes.length) {
      const sorted = [...restartTimes].sort((a, b) => a - b);
      console.log(`    ${killed} kills; ${restartTimes.length} starts, start-to-listening p50 ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms`);
    }
  });

  /** Every contract of the enterprise, page by page. */
  const allContracts = async (f: SignedFetch): Promise<{ id: string; bizNo?: string }[]> => {
    const out: { id: string; bizNo?: string }[] = [];
    for (let offset = 0; ; offset += 200) {
      const page = await json<{ items: { id: string; bizNo?: string }[]; total: number }>(f(`/api/v1/contracts?box=all&limit=200&offset=${offset}`), 200);
      out.push(...page.items);
      if (out.length >= page.total || page.items.length === 0) return out;
    }
  };

  /** Checks one contract over the API: its stamped PDFs verify (one signature per signed signer) and its audit chain verifies. */
  const checkContract = async (f: SignedFetch, id: string): Promise<{ state: string; bizNo?: string }> => {
    const c = await json<{ id: string; state: string; bizNo?: string; documents: { id: string }[]; signers: { state: string }[] }>(f(`/api/v1/contracts/${id}`), 200);
    const signed = c.signers.filter((x) => x.state === 'signed').length;
    if (signed > 0) {
      for (const d of c.documents) {
        const r = await f(`/api/v1/contracts/${id}/documents/${d.id}/preview`);
        assert.equal(r.status, 200);
        const report = verifyPdf(new Uint8Array(await r.arrayBuffer()), { trustAnchors: [s.trust] });
        assert.ok(report.valid, `${id}/${d.id}: ${report.summary}`);
        assert.equal(report.signatures.filter((x) => x.type === 'signature').length, signed, `${id}/${d.id}: one signature per signer who signed`);
      }
    }
    const history = await json<{ items: AuditEvent[] }>(f(`/api/v1/contracts/${id}/history`), 200);
    const chain = verifyAuditChain(history.items);
    assert.ok(chain.ok, `${id}: audit chain ${chain.reason}`);
    return c;
  };

  it(`HTTP signing: ${KILLS.http} kills while contracts are created (bizNo) and stamped; retries return the same contracts`, async () => {
    const t0 = Date.now();
    /** bizNo → the contract id the server acknowledged, and whether the stamp was acknowledged. */
    const acked = new Map<string, { id?: string; stamped: boolean }>();
    let next = 0;
    const errors: string[] = [];
    /** Create (or re-create: same bizNo) and stamp one contract; returns when done or when the server died. */
    const one = async (f: SignedFetch, bizNo: string, recovering: boolean): Promise<void> => {
      const a = acked.get(bizNo)!;
      const up = await f('/api/v1/files?name=crash.pdf', { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: pdf });
      const { fileId } = await json<{ fileId: string }>(up, 201);
      const res = await f('/api/v1/contracts', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: `崩溃测试 ${bizNo}`, bizNo, documents: [{ fileId }], send: true, signers: [{ kind: 'organization', name: '演示', enterpriseId: s.enterpriseId, seal: s.sealId }] }),
      });
      const c = await json<{ id: string; state: string; created: boolean }>(res, 200, 201);
      if (a.id) {
        assert.equal(c.id, a.id, `${bizNo}: the retry returned the acknowledged contract`);
        assert.equal(res.status, 200);
        assert.equal(c.created, false);
      }
      if (!recovering && res.status === 200) errors.push(`${bizNo}: a first create answered 200`);
      a.id = c.id;
      const state = recovering ? (await json<{ state: string }>(f(`/api/v1/contracts/${c.id}`), 200)).state : c.state;
      if (state === 'signing') {
        const st = await json<{ state: string }>(f(`/api/v1/contracts/${c.id}/stamp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 200);
        assert.equal(st.state, 'completed');
      } else {
        assert.equal(state, 'completed', `${bizNo}: ${state}`);
      }
      a.stamped = true;
    };
    let inFlight: string[] = [];
    for (let round = 0; round <= KILLS.http; round++) {
      const child = await startChild(s.dataDir);
      const f = call(child.url);
      // 1. Retry what the previous process did not finish, then check everything it touched.
      for (const bizNo of inFlight) if (!acked.get(bizNo)!.stamped) await one(f, bizNo, true);
      for (const bizNo of inFlight) {
        const c = await checkContract(f, acked.get(bizNo)!.id!);
        assert.equal(c.state, 'completed');
        assert.equal(c.bizNo, bizNo);
      }
      if (round === KILLS.http) {
        // Every acknowledged contract is there, once per bizNo.
        const byBiz = new Map<string, string[]>();
        for (const it of await allContracts(f)) if (it.bizNo?.startsWith('CRASH-')) byBiz.set(it.bizNo, [...(byBiz.get(it.bizNo) ?? []), it.id]);
        for (const [bizNo, a] of acked) assert.deepEqual(byBiz.get(bizNo), [a.id], `${bizNo}: exactly the acknowledged contract`);
        await child.kill();
        break;
      }
      // 2. Traffic from a client; the process dies after a random delay.
      inFlight = [];
      const workers = Array.from({ length: 1 }, async () => {
        for (;;) {
          const bizNo = `CRASH-${next++}`;
          acked.set(bizNo, { stamped: false });
          inFlight.push(bizNo);
          try {
            await one(f, bizNo, false);
          } catch (e) {
            if (killedUnder(e)) return;
            throw e;
          }
        }
      });
      const all = Promise.all(workers);
      await Promise.race([sleep(rand(50, 700)), all]);
      await child.kill();
      killed++;
      await all;
    }
    assert.deepEqual(errors, []);
    console.log(`    HTTP: ${acked.size} contracts, ${KILLS.http} kills, ${Math.round((Date.now() - t0) / 1000)} s`);
  });

  it(`OA stamping: ${KILLS.oa} kills while approved seal-use requests are stamped; each request has one contract, stamped once`, async () => {
    const t0 = Date.now();
    const instances: { code: string; pushed: boolean }[] = [];
    const pushAll = async (url: string, which: { code: string; pushed: boolean }[]) => {
      for (const i of which) {
        const r = await lark.push(`${url}/lark/events`, i.code, s.oaKeys);
        assert.equal(r.res.status, 200, await r.res.text());
        i.pushed = true;
      }
    };
    const viewOf = async (f: SignedFetch, code: string) => json<{ outcome: string; contractId?: string }>(f(`/api/v1/oa/requests?instanceId=${code}`), 200);
    for (let round = 0; round <= KILLS.oa; round++) {
      const child = await startChild(s.dataDir, s.oaConfig);
      const f = call(child.url);
      // 1. Lark delivers again what was never acknowledged; every stamped request has a valid PDF.
      await pushAll(child.url, instances.filter((i) => !i.pushed));
      for (const i of instances) {
        const v = await viewOf(f, i.code);
        if (v?.contractId) await checkContract(f, v.contractId);
      }
      if (round === KILLS.oa) {
        // Everything acknowledged finishes: one contract each, stamped once.
        const ids = new Set<string>();
        for (const i of instances) {
          const v = await eventually(`${i.code} to be stamped`, async () => {
            const x = await viewOf(f, i.code);
            return x?.outcome === 'completed' ? x : undefined;
          });
          const c = await checkContract(f, v.contractId!);
          assert.equal(c.state, 'completed');
          assert.ok(!ids.has(v.contractId!), 'one contract per request');
          ids.add(v.contractId!);
        }
        for (const i of instances) {
          const v = await viewOf(f, i.code);
          const ledger = await json<{ items: { outcome: string; authority?: { instanceCode?: string } }[] }>(f(`/api/v1/seal-ledger?contractId=${v.contractId}`), 200);
          assert.deepEqual(ledger.items.map((l) => [l.outcome, l.authority?.instanceCode]), [['stamped', i.code]], `${i.code}: one ledger entry`);
        }
        const comments = instances.map((i) => lark.instances.get(i.code)!.comments.length);
        console.log(`    OA: ${instances.length} requests, ${KILLS.oa} kills; comments per request: ${[...new Set(comments)].sort().join(', ')}, ${Math.round((Date.now() - t0) / 1000)} s`);
        await child.kill();
        break;
      }
      // 2. Two more approved requests are pushed; the process dies after a random delay.
      const fresh = Array.from({ length: 2 }, () => {
        const code = lark.attach(pdf, '用印文件.pdf');
        const inst = lark.submit(s.approvalCode, lark.users[0].openId, [
          { id: 'signet_document', type: 'attachmentV2', value: [code] },
          { id: 'signet_seal', type: 'radioV2', value: s.sealId },
          { id: 'signet_use_type', type: 'radioV2', value: 'contract' },
          { id: 'signet_reason', type: 'textarea', value: '崩溃测试用印' },
          { id: 'signet_copies', type: 'number', value: 1 },
          { id: 'signet_counterparty_signs', type: 'radioV2', value: 'no' },
        ]);
        lark.approve(inst.instanceCode);
        return { code: inst.instanceCode, pushed: false };
      });
      instances.push(...fresh);
      const pushing = pushAll(child.url, fresh).catch((e) => {
        if (!killedUnder(e)) throw e;
      });
      await Promise.race([sleep(rand(50, 900)), pushing.then(() => sleep(rand(0, 600)))]);
      await child.kill();
      killed++;
      await pushing;
    }
  });

  it(`HR batch: ${KILLS.hr} kills while a batch launches; importing the file again finishes it with one contract per employee`, async () => {
    const t0 = Date.now();
    const rows = 10;
    const csv = new TextEncoder().encode(sampleEmployeesCsv(rows, { startDate: '2027-01-04', endDate: '2030-01-03' }));
    const importFile = (f: SignedFetch) => f(`/api/v1/hr/imports?mappingId=${s.mappingId}&name=employees.csv`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    const hrContracts = async (f: SignedFetch) => {
      return (await allContracts(f)).filter((c) => c.bizNo?.startsWith('hr:'));
    };
    let batchId: string | undefined;
    let seen = new Map<string, string>();
    for (let round = 0; round <= KILLS.hr; round++) {
      const child = await startChild(s.dataDir);
      const f = call(child.url);
      // 1. Every contract launched before is still there, once, with the same id; its stamped PDFs and chain verify.
      const now = await hrContracts(f);
      const byBiz = new Map<string, string>();
      for (const c of now) {
        assert.ok(!byBiz.has(c.bizNo!), `${c.bizNo}: one contract per employee × bundle × period`);
        byBiz.set(c.bizNo!, c.id);
      }
      for (const [biz, id] of seen) assert.equal(byBiz.get(biz), id, `${biz}: still the same contract`);
      for (const [biz, id] of byBiz) if (!seen.has(biz)) await checkContract(f, id);
      seen = byBiz;
      if (round === KILLS.hr) {
        const r = await json<{ batch: { id: string } }>(importFile(f), 202);
        const b = await eventually('the batch to finish', async () => {
          const x = await json<{ state: string; counts: Record<string, number> }>(f(`/api/v1/hr/batches/${r.batch.id}`), 200);
          return x.state === 'done' || x.state === 'failed' ? x : undefined;
        }, 60_000);
        assert.equal(b.state, 'done', JSON.stringify(b));
        assert.equal(b.counts.failed, 0, JSON.stringify(b));
        const all = await hrContracts(f);
        assert.equal(all.length, rows, 'one contract per employee');
        assert.equal(new Set(all.map((c) => c.bizNo)).size, rows);
        for (const c of all) {
          const v = await checkContract(f, c.id);
          assert.equal(v.state, 'signing', `${c.bizNo}: stamped by the company, waiting for the employee`);
        }
        console.log(`    HR: ${rows} employees, ${KILLS.hr} kills, ${seen.size} contracts launched before the last restart, last batch ${JSON.stringify(b.counts)}, ${Math.round((Date.now() - t0) / 1000)} s`);
        await child.kill();
        break;
      }
      // 2. The same file is imported (again); the process dies after a random delay.
      const r = await json<{ batch: { id: string } }>(importFile(f), 202);
      batchId = r.batch.id;
      await sleep(rand(50, 1200));
      await child.kill();
      killed++;
    }
    assert.ok(batchId);
  });

  it('the store read back in this process: every contract once per bizNo, every audit chain and stamped PDF valid', async () => {
    const here = await serveHere(s.dataDir);
    try {
      const wf = here.platform.workflow.collections;
      const contracts = (await wf.contracts.find('tenant', s.enterpriseId)) as ContractRecord[];
      const keys = contracts.filter((c) => c.bizNo).map((c) => `${c.appId}:${c.bizNo}`);
      assert.equal(new Set(keys).size, keys.length, 'no bizNo twice');
      for (const c of contracts) {
        const events = await wf.audit.find('subject', c.id);
        const check = verifyAuditChain(events.map(({ id: _i, version: _v, ...e }) => e));
        assert.ok(check.ok, `${c.id}: ${check.reason}`);
        assert.equal(check.length, c.audit.seq, `${c.id}: the chain head matches the contract`);
        assert.equal(check.headHash ?? '', c.audit.hash);
      }
      console.log(`    store: ${contracts.length} contracts, ${keys.length} with a bizNo`);
    } finally {
      await here.close();
    }
  });
});
