/**
 * `signet hr` as a user runs it: a child process per command, on a real data directory. Bad rows
 * are reported with line, column and why while the good rows launch; a re-run, and a run after
 * the importing process was killed with SIGKILL midway, leave exactly one contract per employee ×
 * bundle × period, each with the company seal on and its employee invited.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_CSV_HEADER, sampleEmployeesCsv, type HrMapping } from '@signet/connector-hr';
import { cjkFontBytes, repoRoot, run, tempDir, type RunResult } from '@signet/test-support';
import { openInstallation } from '../installation.js';
import { openPlatform } from '../platform.js';
import { startPlatformServer, type PlatformServer } from '../testing/platform-server.js';
import { employeesCsv, setUpHrBundle } from '../hr/hr-test-kit.js';

const bin = join(repoRoot, 'server', 'bin', 'signet.js');

function signet(args: string[]): RunResult {
  return run(process.execPath, [bin, ...args], { env: { ...process.env, CI: process.env.CI ?? '' } });
}

/** Runs the CLI without blocking this process's event loop (a server in this process answers it). */
function signetAsync(args: string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Every HR contract in the data directory (opened after the CLI exited), with its bizNo, state and signers. */
async function hrContracts(dataDir: string) {
  const inst = openInstallation({ dataDir, create: false });
  const p = await openPlatform({ installation: inst, baseUrl: 'http://127.0.0.1:1', font: cjkFontBytes() });
  try {
    const all = await p.workflow.collections.contracts.scan();
    const hr = all.filter((c) => c.appId === 'signet-hr');
    const messages = await p.devMessages!.read();
    return { contracts: hr, invites: messages.filter((m) => m.template === 'sign-invite') };
  } finally {
    await p.close();
  }
}

describe('signet hr', function () {
  this.timeout(300_000);
  let dir: string;
  let cleanup: () => void;
  let data: string;
  let mappingFile: string;

  before(() => {
    ({ dir, cleanup } = tempDir('signet-hr-cli-'));
    data = join(dir, 'data');
    const demo = signet(['hr', 'demo', '--data', data, '--rows', '5', '--out', dir]);
    assert.equal(demo.status, 0, demo.stderr + demo.stdout);
    mappingFile = join(dir, 'hr-mapping.json');
    const m = JSON.parse(readFileSync(mappingFile, 'utf8')) as HrMapping;
    assert.ok(m.bundleId.startsWith('bdl_'));
  });
  after(() => cleanup?.());

  it('launches the good rows, reports each bad one by line, column and why, and exits 3', async () => {
    const lines = readFileSync(join(dir, 'employees.csv'), 'utf8').split('\r\n');
    const col = (name: string) => SAMPLE_CSV_HEADER.indexOf(name);
    const cells = lines[2].split(',');
    cells[col('手机号')] = '138-0000';
    lines[2] = cells.join(',');
    const c4 = lines[4].split(',');
    c4[col('月薪')] = '面议';
    lines[4] = c4.join(',');
    lines.splice(5, 0, 'E9,"unclosed,13900000000');
    const file = join(dir, 'bad.csv');
    writeFileSync(file, lines.join('\r\n'));
    const problems = join(dir, 'problems.csv');
    const r = signet(['hr', 'import', file, '--mapping', mappingFile, '--data', data, '--problems', problems]);
    assert.equal(r.status, 3, r.stderr + r.stdout);
    assert.match(r.stdout, /新建 created 3, 已发送 sent 3, 已盖章 stamped 3, 失败 failed 3, 跳过（已发起）skipped 0/);
    assert.match(r.stdout, /第 3 行 line 3, 列 column "手机号": 手机号无效/);
    assert.match(r.stdout, /第 5 行 line 5, 列 column "月薪": 不是有效的数字/);
    assert.match(r.stdout, /第 6 行 line 6: 引号未闭合/);
    assert.match(r.stderr, /hr: \d+\/\d+ created/, 'plain progress lines when stderr is not a terminal');
    assert.match(readFileSync(problems, 'utf8'), /^\ufeff行号 line,/);
    const { contracts } = await hrContracts(data);
    assert.deepEqual(contracts.map((c) => c.bizNo!.split(':').pop()).sort(), ['E000001', 'E000003', 'E000005']);
  });

  it('answers bad input with one line on stderr and no stack trace', () => {
    const noMapping = signet(['hr', 'import', join(dir, 'employees.csv'), '--data', data]);
    assert.equal(noMapping.status, 1);
    assert.equal(noMapping.stderr.trim().split('\n').length, 1);
    assert.match(noMapping.stderr, /--mapping/);
    const badJson = join(dir, 'broken-mapping.json');
    writeFileSync(badJson, '{"name": ');
    const r = signet(['hr', 'import', join(dir, 'employees.csv'), '--mapping', badJson, '--data', data]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^signet: .*not valid JSON.*\[HR_MAPPING_INVALID\]\n$/);
    const xlsx = join(dir, 'people.xlsx');
    writeFileSync(xlsx, Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
    const x = signet(['hr', 'import', xlsx, '--mapping', mappingFile, '--data', data]);
    assert.equal(x.status, 1);
    assert.match(x.stderr, /xlsx.*\[HR_FILE_UNREADABLE\]/);
    assert.doesNotMatch(noMapping.stderr + r.stderr + x.stderr, /\n\s+at /);
  });

  it('duplicates nothing on a re-run, nor on a run after the importer was killed midway (SIGKILL)', async () => {
    const file = join(dir, 'many.csv');
    const rows = 60;
    writeFileSync(file, sampleEmployeesCsv(rows, { startDate: '2027-01-04', endDate: '2030-01-03' }));
    // Kill the importer once it has launched some of the rows (it prints plain progress lines every 2 s).
    const child = spawn(process.execPath, [bin, 'hr', 'import', file, '--mapping', mappingFile, '--data', data, '--concurrency', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const killedAt = await new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
        const done = [...err.matchAll(/hr: (\d+)\/\d+/g)].map((m) => Number(m[1])).pop() ?? 0;
        if (done >= 3 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          resolve(done);
        }
      });
      child.once('exit', (code, sig) => (sig === 'SIGKILL' ? undefined : reject(new Error(`the importer finished before it could be killed (exit ${code}): ${err}`))));
    });
    await new Promise((r) => child.once('close', r));
    assert.ok(killedAt < rows, 'killed midway');
    const partial = (await hrContracts(data)).contracts.filter((c) => c.bizNo!.includes(':2027:'));
    assert.ok(partial.length >= killedAt && partial.length < rows, `${partial.length} contracts before the resume`);

    const resumed = signet(['hr', 'import', file, '--mapping', mappingFile, '--data', data, '--json']);
    assert.equal(resumed.status, 0, resumed.stderr + resumed.stdout);
    const counts = (JSON.parse(resumed.stdout) as { batch: { counts: Record<string, number> } }).batch.counts;
    assert.equal(counts.failed, 0);
    assert.equal(counts.created + counts.skipped + (counts.stamped - counts.created), rows, JSON.stringify(counts));
    const again = signet(['hr', 'import', file, '--mapping', mappingFile, '--data', data, '--json']);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual((JSON.parse(again.stdout) as { batch: { counts: Record<string, number> } }).batch.counts, { created: 0, sent: 0, stamped: 0, failed: 0, skipped: rows });

    const { contracts, invites } = await hrContracts(data);
    const mine = contracts.filter((c) => c.bizNo!.includes(':2027:'));
    assert.equal(mine.length, rows, 'exactly one contract per employee × bundle × period');
    assert.equal(new Set(mine.map((c) => c.bizNo)).size, rows);
    for (const c of mine) {
      assert.equal(c.state, 'signing', `${c.bizNo}: sent`);
      assert.deepEqual(c.signers.map((s) => [s.role, s.state]), [['company', 'signed'], ['employee', 'unread']], `${c.bizNo}: stamped once, the employee invited`);
      assert.ok(c.signers[1].invitedAt, `${c.bizNo}: the employee was invited`);
      assert.deepEqual(c.documents.map((d) => d.signatures), [1, 1, 1], `${c.bizNo}: one company seal per document`);
    }
    const perEmployee = new Map<string, number>();
    for (const m of invites.filter((x) => mine.some((c) => c.title === x.params.title))) perEmployee.set(m.to, (perEmployee.get(m.to) ?? 0) + 1);
    const twice = [...perEmployee].filter(([, n]) => n !== 1);
    assert.deepEqual(twice, [], `no employee got two invitations: ${JSON.stringify(invites.filter((x) => twice.some(([to]) => to === x.to)).map((x) => [x.to, x.params.title, x.at]))}`);
  });

  it('exports the statuses next to the file\'s own columns, and shows the latest batch', () => {
    const out = join(dir, 'statuses.csv');
    const r = signet(['hr', 'export', join(dir, 'bad.csv'), '--mapping', mappingFile, '--data', data, '-o', out]);
    assert.equal(r.status, 0, r.stderr);
    const lines = readFileSync(out, 'utf8').replace(/^\ufeff/, '').split('\r\n');
    assert.equal(lines[0], `${SAMPLE_CSV_HEADER.join(',')},状态 status,说明 detail,合同 contract,完成时间 completed,业务编号 bizNo`);
    assert.match(lines[1], /^E000001,.*,awaiting_employee,待员工签署 waiting for the employee,ct_/);
    assert.match(lines[2], /^E000002,.*,invalid,手机号: 手机号无效/);
    const s = signet(['hr', 'status', '--data', data]);
    assert.equal(s.status, 0, s.stderr);
    assert.match(s.stdout, /hrb_\w+ .* done .*many\.csv\n {2}60\/60 rows — created 0, sent 0, stamped 0, failed 0, skipped 60/);
  });
});

describe('signet hr import --server (through the running server\'s import endpoint)', function () {
  this.timeout(240_000);
  let srv: PlatformServer;
  let dir: string;
  let cleanup: () => void;

  before(async () => {
    ({ dir, cleanup } = tempDir('signet-hr-remote-'));
    srv = await startPlatformServer();
  });
  after(async () => {
    await srv?.close();
    cleanup?.();
  });

  it('uploads the file, follows the batch to its end, reports the bad rows, and a second run creates nothing', async () => {
    const admin = await srv.platform.directory.actorFor(srv.demo!.admin.id, srv.demo!.enterprise.id);
    const fx = await setUpHrBundle(srv.platform, admin);
    const app = await srv.registerApp(srv.demo!.enterprise.id, 'hr cli');
    const mappingFile = join(dir, 'mapping.json');
    writeFileSync(mappingFile, JSON.stringify(fx.mapping));
    const file = join(dir, 'employees.csv');
    writeFileSync(file, employeesCsv([0, 1, 2], { 1: { 身份证号: '110101199003071235' } }));
    const args = ['hr', 'import', file, '--mapping', mappingFile, '--server', srv.baseUrl, '--app-id', app.appId];
    const r = await signetAsync(args, { SIGNET_APP_SECRET: app.secret });
    assert.equal(r.status, 3, r.stderr + r.stdout);
    assert.match(r.stdout, /新建 created 2, 已发送 sent 2, 已盖章 stamped 2, 失败 failed 1/);
    assert.match(r.stdout, /第 3 行 line 3, 列 column "身份证号"/);
    const again = await signetAsync([...args, '--json'], { SIGNET_APP_SECRET: app.secret });
    assert.equal(again.status, 3, again.stderr);
    assert.deepEqual((JSON.parse(again.stdout) as { batch: { counts: unknown } }).batch.counts, { created: 0, sent: 0, stamped: 0, failed: 1, skipped: 2 });
    const mappings = await srv.platform.hr.service.mappings(srv.demo!.enterprise.id);
    assert.equal(mappings.length, 1, 'the same mapping is stored once');
    const noSecret = await signetAsync(args, { SIGNET_APP_SECRET: '' });
    assert.equal(noSecret.status, 1);
    assert.match(noSecret.stderr, /SIGNET_APP_SECRET/);
  });
});
